# Compare-AciTrace on a real before/after: the test changes node-b's datapath as a policy push would (a drop flow for
# shop/web-2 tcp/8080 in its br-access, added with ovs-ofctl in the lab's OVS) and takes it back afterwards.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kube = @{ Kubeconfig = (Get-LabKubeconfig); ErrorAction = 'Stop' }
    $script:Before = @(Get-AciConnectivity -Namespace shop -Output Summary @Kube)
    $script:Saved = Join-Path $TestDrive 'before.xml'
    $Before | Export-Clixml $Saved
    $web2 = (kubectl --kubeconfig $Kube.Kubeconfig get pod -n shop web-2 -o json | ConvertFrom-Json).status.podIP
    $script:Flow = "table=0,priority=65535,tcp,nw_dst=$web2,tp_dst=8080"
    $script:OvsRunDir = Join-Path $env:ACITRACE_LAB_STATE_DIR 'nodes/node-b/ovs'
    function Invoke-NodeBOfctl { param([string[]] $Arguments) $env:OVS_RUNDIR = $OvsRunDir; try { & ovs-ofctl -O OpenFlow13 @Arguments; if ($LASTEXITCODE) { throw "ovs-ofctl $Arguments failed" } } finally { Remove-Item Env:OVS_RUNDIR } }
    Invoke-NodeBOfctl add-flow, br-access, "$Flow,actions=drop"
    try {
        $script:After = @(Get-AciConnectivity -Namespace shop -Output Summary @Kube)
        $script:AfterPasses = @(Get-AciPodTrace shop/client shop/web-2 -DestinationPort 8080 @Kube)
    }
    finally {
        Invoke-NodeBOfctl --strict, del-flows, br-access, $Flow
    }
}

Describe 'Compare-AciTrace' {
    It 'names exactly the packets the change broke, and where their paths part' {
        $changes = @($After | Compare-AciTrace $Before)
        $broken = @($changes | Where-Object Change -eq Broken)
        $broken.Count | Should -BeGreaterThan 0
        $broken | ForEach-Object { $_.Destination | Should -Be 'shop/web-2'; $_.Packet | Should -Be 'tcp/8080'; $_.After | Should -Be 'Drop' }
        $broken[0].DivergedAt | Should -Match '^pass \d+ node-b br-access: .* -> Drop at table \S+$'
        $changes | Where-Object Destination -ne 'shop/web-2' | Should -BeNullOrEmpty
    }

    It 'compares the before picture saved with Export-Clixml like the live one' {
        $fromFile = @($After | Compare-AciTrace (Import-Clixml $Saved))
        $live = @($After | Compare-AciTrace $Before)
        $fromFile.Count | Should -Be $live.Count
        for ($i = 0; $i -lt $live.Count; $i++) {
            $fromFile[$i].Change | Should -Be $live[$i].Change
            $fromFile[$i].DivergedAt | Should -Be $live[$i].DivergedAt
        }
    }

    It 'groups bridge passes into their traces' {
        $passesBefore = @(Get-AciPodTrace shop/client shop/web-2 -DestinationPort 8080 @Kube)
        $change = @($AfterPasses | Compare-AciTrace $passesBefore)
        $change.Count | Should -Be 1
        $change[0].Change | Should -Be 'Broken'
    }

    It 'writes nothing once the change is taken back, and every packet as Same with -IncludeEqual' {
        $now = @(Get-AciConnectivity -Namespace shop -Output Summary @Kube)
        @($now | Compare-AciTrace $Before) | Should -BeNullOrEmpty
        $same = @($now | Compare-AciTrace $Before -IncludeEqual)
        $same.Count | Should -Be $Before.Count
        $same.Change | Select-Object -Unique | Should -Be 'Same'
    }

    It 'shows changes in a table that fits <_> columns' -ForEach 80, 120 {
        $width = $_
        $lines = $After | Compare-AciTrace $Before | Get-Rendered -Width $width
        @($lines | Where-Object { $_.Length -gt $width }) | Should -BeNullOrEmpty
        @($lines -match '^Change\s+Source\s+Destination\s+Packet\s+Verdict\s+DivergedAt$').Count | Should -Be 1
    }

    It 'shows the pairs a NetworkPolicy change broke, applied to the running lab with its policy command, and none once it is undone' {
        $change = Join-Path $TestDrive 'change.yaml'
        $spec = @'
networkPolicies:
  - namespace: shop
    name: web-ingress
    spec:
      podSelector: {matchLabels: {app: web}}
      policyTypes: [Ingress]
      ingress:
        - ports: [{protocol: TCP, port: "PORT"}]
'@
        Set-Content $change ($spec.Replace('PORT', '9999'))
        $applied = Invoke-LabCli policy --apply $change
        "$applied" | Should -Match '^applied: 1 NetworkPolicy'
        try {
            $changes = @(Get-AciConnectivity -Namespace shop -Output Summary @Kube | Compare-AciTrace $Before)
        }
        finally {
            Set-Content $change ($spec.Replace('PORT', 'http'))
            $null = Invoke-LabCli policy --apply $change
        }
        $changes.Count | Should -BeGreaterThan 0
        $changes | ForEach-Object {
            $_.Change | Should -Be 'Broken'
            $_.Destination | Should -BeLike 'shop/web-*'
            $_.AfterReason | Should -Match 'NetworkPolicy shop/web-ingress'
        }
        @(Get-AciConnectivity -Namespace shop -Output Summary @Kube | Compare-AciTrace $Before) | Should -BeNullOrEmpty
    }

    It 'reports an object that holds no trace as an error for that object' {
        $err = $null
        'not a trace' | Compare-AciTrace $Before -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CompareInputNotSupported,*'
        $err[0].TargetObject | Should -Be 'not a trace'
    }
}
