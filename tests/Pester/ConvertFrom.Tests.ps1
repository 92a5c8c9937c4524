# ConvertFrom-AciOvsTrace over the real ofproto/trace captures of tests/Unit/Fixtures/Traces: the same verdicts,
# drop tables and bridge passes as the fixtures' expected.json (a careful human reading of each trace).
BeforeDiscovery {
    $root = Join-Path $PSScriptRoot '../Unit/Fixtures/Traces'
    $script:Fixtures = @(Get-ChildItem $root -Directory | Where-Object Name -ne '_cluster' | ForEach-Object {
            @{ Name = $_.Name; Dir = $_.FullName; Cluster = (Join-Path $root '_cluster') }
        })
}

BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'ConvertFrom-AciOvsTrace reads the captured fixture <Name>' -ForEach $Fixtures {
    BeforeAll {
        $script:Expected = Get-Content -Raw (Join-Path $Dir 'expected.json') | ConvertFrom-Json
        $script:Node = (Get-Content (Join-Path $Dir 'command.txt') -TotalCount 1).Split(' ')[0]
        $script:Convert = @{
            PortMap = (Get-Content -Raw (Join-Path $Cluster "$Node/dpif-show.txt"))
            Node = $Node
        }
        if ($Expected.verdict -eq 'Deliver' -and $Expected.outPortName) { $Convert.DestinationPortName = $Expected.outPortName }
    }

    It 'gives the expected verdict, drop table and passes, from the whole text and from its lines alike' {
        $raw = Get-Content -Raw (Join-Path $Dir 'trace.txt')
        $summary = $raw | ConvertFrom-AciOvsTrace @Convert -Output Summary
        $summary.Verdict | Should -Be $(if ($Expected.verdict) { $Expected.verdict } else { 'Unknown' })
        if ($Expected.verdict -eq 'Drop') {
            $summary.DropBridge | Should -Be $Expected.dropBridge
            $summary.DropTable | Should -Be $Expected.dropTable
        }
        $passes = @(Get-Content (Join-Path $Dir 'trace.txt') | ConvertFrom-AciOvsTrace @Convert -ErrorAction SilentlyContinue)
        $passes.Count | Should -Be @($Expected.passes).Count
        for ($i = 0; $i -lt $passes.Count; $i++) {
            $passes[$i].Bridge | Should -Be $Expected.passes[$i].bridge
            $passes[$i].IsResume | Should -Be ([bool]$Expected.passes[$i].isResume)
            $passes[$i].Node | Should -Be $Node
        }
        @($passes | Where-Object Verdict -eq Drop).Count | Should -Be $(if ($Expected.verdict -eq 'Drop') { 1 } else { 0 })
    }
}

Describe 'ConvertFrom-AciOvsTrace' {
    BeforeAll {
        $script:Traces = Join-Path $RepoRoot 'tests/Unit/Fixtures/Traces'
        $script:PortMapB = Get-Content -Raw (Join-Path $Traces '_cluster/nodeB/dpif-show.txt')
    }

    It 'splits several traces in one text, conntrack resumes kept with their trace' {
        $text = (Get-Content -Raw (Join-Path $Traces 'ingress-netpol-drop/trace.txt')) + (Get-Content -Raw (Join-Path $Traces 'cross-node-ingress-allowed/trace.txt'))
        $summaries = @($text | ConvertFrom-AciOvsTrace -PortMap $PortMapB -DestinationPortName veth1e2f3a4b -Output Summary)
        $summaries.Verdict | Should -Be @('Drop', 'Deliver')
        $summaries[0].Passes.Count | Should -Be 3
    }

    It 'names ports from ovs-ofctl show output as well as from dpif/show' {
        $show = @'
OFPT_FEATURES_REPLY (OF1.3) (xid=0x2): dpid:0000000000000001
 2(vxlan0): addr:aa:55:aa:55:00:01
 4(pi-veth1e2f3a4b): addr:aa:55:aa:55:00:02
 LOCAL(br-int): addr:aa:55:aa:55:00:03
OFPT_FEATURES_REPLY (OF1.3) (xid=0x2): dpid:0000000000000002
 2(veth1e2f3a4b): addr:aa:55:aa:55:00:04
 3(pa-veth1e2f3a4b): addr:aa:55:aa:55:00:05
 LOCAL(br-access): addr:aa:55:aa:55:00:06
'@
        $passes = @(Get-Content -Raw (Join-Path $Traces 'cross-node-ingress-allowed/trace.txt') | ConvertFrom-AciOvsTrace -PortMap $show -DestinationPortName veth1e2f3a4b)
        $passes[0].InPortName | Should -Be 'vxlan0'
        $passes[-1].OutPortName | Should -Be 'veth1e2f3a4b'
        $passes[-1].Verdict | Should -Be 'Deliver'
    }

    It 'never calls an output to an unknown port a delivery without -DestinationPortName' {
        $summary = Get-Content -Raw (Join-Path $Traces 'cross-node-ingress-allowed/trace.txt') | ConvertFrom-AciOvsTrace -Output Summary
        $summary.Verdict | Should -Be 'Unknown'
    }

    It 'calls a CONTROLLER action a punt and names its table and cookie, and an expired TTL a drop' {
        $punt = Get-Content -Raw (Join-Path $Traces 'service-no-endpoints-punt/trace.txt') | ConvertFrom-AciOvsTrace -Output Summary
        $punt.Verdict | Should -Be 'Punt'
        $punt.Reason | Should -Match 'CONTROLLER action\) in table 5, flow cookie 0x8000000000000011'
        $ttl = Get-Content -Raw (Join-Path $Traces 'routed-ttl-expired/trace.txt') | ConvertFrom-AciOvsTrace -Output Summary
        $ttl.Verdict | Should -Be 'Drop'
        $ttl.Reason | Should -Match '^TTL expired: dec_ttl in table 7'
        $hopLimit = Get-Content -Raw (Join-Path $Traces 'routed-ipv6-hop-limit-expired/trace.txt') | ConvertFrom-AciOvsTrace -Output Summary
        $hopLimit.Verdict | Should -Be 'Drop'
        $hopLimit.Reason | Should -Match '^Hop limit expired: dec_ttl in table 7 found an IPv6 hop limit'
    }

    It 'writes NotAnOvsTrace for text that is not a trace, and goes on' {
        $errors = $null
        $out = @('hello', 'world' | ConvertFrom-AciOvsTrace -ErrorVariable errors -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'NotAnOvsTrace,AciTrace.Commands.ConvertFromAciOvsTraceCommand'
    }

    It 'reports an OVS error text as Unknown with OVS''s message' {
        $summary = Get-Content -Raw (Join-Path $Traces 'error-unknown-bridge/trace.txt') | ConvertFrom-AciOvsTrace -Output Summary -ErrorAction Stop
        $summary.Verdict | Should -Be 'Unknown'
        $summary.Reason | Should -Match 'br-nope: unknown bridge'
        $errors = $null
        @(Get-Content -Raw (Join-Path $Traces 'error-unknown-bridge/trace.txt') | ConvertFrom-AciOvsTrace -ErrorVariable errors -ErrorAction SilentlyContinue).Count | Should -Be 0
        $errors[0].FullyQualifiedErrorId | Should -Be 'OvsTraceFailed,AciTrace.Commands.ConvertFromAciOvsTraceCommand'
        $errors[0].Exception.Message | Should -Match 'br-nope: unknown bridge' 
    }

    It 'refuses a -PortMap that is no port map' {
        { 'x' | ConvertFrom-AciOvsTrace -PortMap 'not a port map' } | Should -Throw -ErrorId 'InvalidPortMap,AciTrace.Commands.ConvertFromAciOvsTraceCommand'
    }
}
