# Get-AciFlow in real pwsh against the lab: a node's flows as decoded objects, table filters, input errors, and a
# flow-level before/after with Compare-Object on the documented key.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kube = @{ Kubeconfig = (Get-LabKubeconfig); ErrorAction = 'Stop' }
    $script:OvsRunDir = Join-Path $env:ACITRACE_LAB_STATE_DIR 'nodes/node-b/ovs'
    function Invoke-NodeBOfctl { param([string[]] $Arguments) $env:OVS_RUNDIR = $OvsRunDir; try { & ovs-ofctl -O OpenFlow13 @Arguments; if ($LASTEXITCODE) { throw "ovs-ofctl $Arguments failed" } } finally { Remove-Item Env:OVS_RUNDIR } }
    $script:Access = @(Get-AciFlow node-b br-access @Kube)
}

Describe 'Get-AciFlow' {
    It 'writes every flow of the bridge, as ovs-ofctl dump-flows lists them' {
        $env:OVS_RUNDIR = $OvsRunDir
        try { $lines = @(& ovs-ofctl -O OpenFlow13 dump-flows br-access | Where-Object { $_ -match '^\s*cookie=' }) } finally { Remove-Item Env:OVS_RUNDIR }
        $Access.Count | Should -Be $lines.Count
        $Access[0] | Should -BeOfType ([AciTrace.AciFlow])
        $Access | ForEach-Object { $_.Node | Should -Be 'node-b'; $_.Bridge | Should -Be 'br-access' }
    }

    It 'names tables and the NetworkPolicy rules behind cookies' {
        ($Access | Where-Object Table -eq 4 | Select-Object -First 1).TableName | Should -Be 'SEC_GROUP_IN_TABLE'
        @($Access | Where-Object Rule -like '*kube_np_shop_web-ingress*').Count | Should -BeGreaterThan 0
    }

    It 'filters one table by number or by name (any case)' {
        $byNumber = @(Get-AciFlow node-b br-access -Table 4 @Kube)
        $byName = @(Get-AciFlow node-b br-access -Table sec_group_in_table @Kube)
        $byNumber.Count | Should -Be @($Access | Where-Object Table -eq 4).Count
        $byName.Count | Should -Be $byNumber.Count
        $byName.Table | Select-Object -Unique | Should -Be 4
    }

    It 'decodes register matches on br-int' {
        $int = @(Get-AciFlow node-b @Kube)
        $int[0].Bridge | Should -Be 'br-int'
        @($int | Where-Object MatchDecoded -match 'reg0=0x\w+ \(').Count | Should -BeGreaterThan 0
    }

    It 'shows the flows a change added, with Compare-Object on Table, Priority, Match, Actions' {
        $web2 = (kubectl --kubeconfig $Kube.Kubeconfig get pod -n shop web-2 -o json | ConvertFrom-Json).status.podIP
        $flow = "table=0,priority=65535,tcp,nw_dst=$web2,tp_dst=8080"
        Invoke-NodeBOfctl add-flow, br-access, "$flow,actions=drop"
        try { $after = @(Get-AciFlow node-b br-access @Kube) } finally { Invoke-NodeBOfctl --strict, del-flows, br-access, $flow }
        $diff = @(Compare-Object $Access $after -Property Table, Priority, Match, Actions)
        $diff.Count | Should -Be 1
        $diff[0].SideIndicator | Should -Be '=>'
        $diff[0].Priority | Should -Be 65535
        $diff[0].Actions | Should -Be 'drop'
    }

    It 'refuses a table that is neither a number nor a table of the bridge, and a bad node name, before any cluster call' {
        $err = $null
        Get-AciFlow node-b br-access -Table NOT_A_TABLE -Kubeconfig (Join-Path $TestDrive 'none') -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidFlowTable,*'
        $err = $null
        Get-AciFlow 'Node_B' -Kubeconfig (Join-Path $TestDrive 'none') -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidKubernetesName,*'
    }

    It 'shows flows in a table that fits <_> columns' -ForEach 80, 120 {
        $width = $_
        $lines = $Access | Select-Object -First 20 | Get-Rendered -Width $width
        @($lines | Where-Object { $_.Length -gt $width }) | Should -BeNullOrEmpty
    }
}
