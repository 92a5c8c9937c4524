#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 tests of the built module (out/AciTrace, or $env:ACITRACE_MODULE_PATH). Run them in a fresh pwsh:
        pwsh -NoProfile -Command "Invoke-Pester ./tests/Pester -Output Detailed"
    or through ./build.ps1 -Task Test. The lab-backed tests run when $env:ACITRACE_LAB_KUBECONFIG names the
    kubeconfig of a running lab (./build.ps1 -Task Demo prints it); otherwise Pester reports them as skipped.
    Everything else needs no cluster: binding and validation errors happen before any kubectl call.
#>

BeforeAll {
    $script:ModuleDir = if ($env:ACITRACE_MODULE_PATH) { $env:ACITRACE_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/AciTrace' }
    Import-Module (Join-Path $script:ModuleDir 'AciTrace.psd1') -Force -ErrorAction Stop

    # A kubectl stand-in for the completers: prints "kind/name" lines like `kubectl get ... -o name`.
    function New-FakeKubectl {
        param([string] $Directory)
        $path = Join-Path $Directory 'kubectl'
        @'
#!/bin/sh
for a in "$@"; do case "$a" in --namespace=*) ns="${a#--namespace=}";; esac; done
case "$*" in
  *get-contexts*) printf 'lab\nprod\n' ;;
  *namespaces*)   printf 'namespace/default\nnamespace/shop\n' ;;
  *pods*)         if [ "$ns" = shop ]; then printf 'pod/cart-5c6b\npod/frontend-7d9f\n'; else printf 'pod/client\n'; fi ;;
  *services*)     if [ "$ns" = shop ]; then printf 'service/cart\n'; fi ;;
esac
'@ | Set-Content -Path $path -NoNewline
        chmod +x $path
        $path
    }

    function Get-CompletionText {
        param([string] $Line)
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}

Describe 'Module' {
    It 'exports exactly the three trace cmdlets' {
        (Get-Command -Module AciTrace).Name | Sort-Object | Should -Be @('Get-AciExternalTrace', 'Get-AciPodTrace', 'Get-AciServiceTrace')
        (Get-Module AciTrace).Version | Should -Be ([version]'0.1.0')
    }

    It 'declares every output type for <_>' -ForEach @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace') {
        (Get-Command $_).OutputType.Name | Should -Be @('AciTrace.AciBridgePass', 'AciTrace.AciTableHop', 'AciTrace.AciTraceSummary', 'System.Boolean')
    }

    It 'has help with synopsis, examples and every parameter for <_>' -ForEach @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*Get-Aci'   # auto-generated help would only repeat the syntax
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        $documented = $help.Parameters.Parameter.Name
        foreach ($name in (Get-Command $_).Parameters.Keys) {
            if ($name -notin [System.Management.Automation.Cmdlet]::CommonParameters -and $name -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters) {
                $documented | Should -Contain $name
            }
        }
    }

    It 'ships about_AciTrace' {
        Get-Help about_AciTrace | Out-String | Should -Match 'InvalidObjectReference'
    }
}

Describe 'Parameter binding' {
    # -Protocol Icmp with a port is refused before any cluster call, with the input as target: that shows what bound.
    It 'binds namespace/name strings from the pipeline to -Source' {
        $errors = $null
        'shop/frontend-7d9f' | Get-AciPodTrace -Destination shop/cart-5c6b -Protocol Icmp -DestinationPort 80 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].TargetObject | Should -Be 'shop/frontend-7d9f -> shop/cart-5c6b'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'binds pod objects from kubectl get pods -o json | ConvertFrom-Json through metadata' {
        $json = '{"apiVersion":"v1","kind":"List","items":[' +
            '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"frontend-7d9f","namespace":"shop"},"status":{"podIP":"10.2.0.5"}},' +
            '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"client","namespace":"default"},"status":{"podIP":"10.2.0.6"}}]}'
        $errors = $null
        $json | ConvertFrom-Json | ForEach-Object items |
            Get-AciPodTrace -Destination shop/cart-5c6b -Protocol Icmp -DestinationPort 80 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.TargetObject | Should -Be @('shop/frontend-7d9f -> shop/cart-5c6b', 'default/client -> shop/cart-5c6b')
    }

    It 'binds hashtables from ConvertFrom-Json -AsHashtable' {
        $errors = $null
        '{"kind":"Pod","metadata":{"name":"web-0","namespace":"shop"}}' | ConvertFrom-Json -AsHashtable |
            Get-AciPodTrace -Destination shop/cart-5c6b -Protocol Arp -SourcePort 5 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].TargetObject | Should -Be 'shop/web-0 -> shop/cart-5c6b'
    }

    It 'accepts a pod object as the -Destination argument' {
        $pod = '{"kind":"Pod","metadata":{"name":"cart-5c6b","namespace":"shop"}}' | ConvertFrom-Json
        $errors = $null
        Get-AciPodTrace -Source shop/frontend-7d9f -Destination $pod -Protocol Icmp -DestinationPort 80 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].TargetObject | Should -Be 'shop/frontend-7d9f -> shop/cart-5c6b'
    }

    It 'binds CSV rows by property name, ports included' {
        $errors = $null
        @'
Source,Destination,Protocol,DestinationPort
shop/frontend-7d9f,shop/cart-5c6b,Icmp,80
default/client,shop/db-0,Icmp,5432
'@ | ConvertFrom-Csv | Get-AciPodTrace -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.TargetObject | Should -Be @('shop/frontend-7d9f -> shop/cart-5c6b', 'default/client -> shop/db-0')
        $errors.FullyQualifiedErrorId | Should -Be @('InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand') * 2
    }

    It 'binds rows with separate namespace and name columns to the Name set' {
        $errors = $null
        [pscustomobject]@{ SourceNamespace = 'shop'; SourceName = 'frontend-7d9f'; DestinationName = 'cart-5c6b'; Protocol = 'Icmp'; DestinationPort = 80 } |
            Get-AciPodTrace -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].TargetObject | Should -Be 'shop/frontend-7d9f -> cart-5c6b'
    }

    It 'reports one error per bad input and goes on with the next' {
        $errors = $null
        'Bad_Name', 'shop/Also Bad' | Get-AciPodTrace -Destination shop/cart-5c6b -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 2
        $errors.FullyQualifiedErrorId | Should -Be @('InvalidKubernetesName,AciTrace.Commands.GetAciPodTraceCommand') * 2
        $errors.TargetObject | Should -Be @('Bad_Name', 'shop/Also Bad')
    }

    It 'writes $false and the error with -Quiet' {
        $errors = $null
        $result = Get-AciPodTrace -Source Bad_Name -Destination shop/cart-5c6b -Quiet -ErrorVariable errors -ErrorAction SilentlyContinue
        $result | Should -BeExactly $false
        $errors.Count | Should -Be 1
    }

    It 'validates ports, protocols and timeouts at binding' {
        { Get-AciPodTrace shop/a shop/b -DestinationPort 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AciTrace.Commands.GetAciPodTraceCommand'
        { Get-AciPodTrace shop/a shop/b -DestinationPort 65536 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AciTrace.Commands.GetAciPodTraceCommand'
        { Get-AciServiceTrace shop/a shop/b -Protocol Icmp } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AciTrace.Commands.GetAciServiceTraceCommand'
        { Get-AciExternalTrace shop/a 192.0.2.1 -Protocol Arp } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AciTrace.Commands.GetAciExternalTraceCommand'
        { Get-AciPodTrace shop/a shop/b -TimeoutSec 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AciTrace.Commands.GetAciPodTraceCommand'
        { Get-AciPodTrace shop/a shop/b -Protocol Sctp } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,AciTrace.Commands.GetAciPodTraceCommand'
    }

    It 'refuses -SourceName together with -Source' {
        { Get-AciPodTrace -Source shop/a -SourceName a -Destination shop/b } | Should -Throw -ErrorId 'AmbiguousParameterSet,AciTrace.Commands.GetAciPodTraceCommand'
    }
}

Describe 'ErrorIds' {
    It '<Id> from <Command>' -ForEach @(
        @{ Id = 'InvalidObjectReference'; Command = { Get-AciPodTrace -Source 'default/' -Destination shop/b -ErrorAction Stop } }
        @{ Id = 'InvalidObjectReference'; Command = { Get-AciPodTrace -Source shop/a/b -Destination shop/b -ErrorAction Stop } }
        @{ Id = 'InvalidKubernetesName'; Command = { Get-AciServiceTrace -Source shop/a -Destination shop/1cart -ErrorAction Stop } }
        @{ Id = 'InvalidKubernetesName'; Command = { Get-AciPodTrace -SourceName Bad_Name -DestinationName b -ErrorAction Stop } }
        @{ Id = 'InvalidPacketField'; Command = { Get-AciPodTrace -Source shop/a -Destination shop/b -Protocol Arp -DestinationPort 80 -ErrorAction Stop } }
        @{ Id = 'InvalidPacketField'; Command = { Get-AciExternalTrace -Source shop/a -Destination example.com -ErrorAction Stop } }
    ) {
        $name = ($Command.ToString().Trim() -split '\s')[0]
        $class = $name.Replace('-', '') + 'Command'
        $Command | Should -Throw -ErrorId "$Id,AciTrace.Commands.$class"
    }

    It 'KubectlNotFound when -KubectlPath does not exist' {
        { Get-AciPodTrace -Source shop/a -Destination shop/b -KubectlPath (Join-Path $TestDrive 'no-such-kubectl') -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubectlNotFound,AciTrace.Commands.GetAciPodTraceCommand'
    }
}

Describe 'Views and CSV' {
    BeforeAll {
        $script:Pass = [AciTrace.AciBridgePass]@{
            TraceId = 'shop/frontend-7d9f -> shop/cart-5c6b tcp/8080'; Direction = 'Request'; Leg = 1; Node = 'node-1'; Bridge = 'br-access'
            InPort = 3; InPortName = 'veth5a3b1c2d'; OutPort = 1; OutPortName = 'pa-veth5a3b1c2d'; Verdict = 'Forward'; Reason = 'to br-int'
            TablePath = '0 1 2 5 6'
        }
        $script:Drop = [AciTrace.AciBridgePass]@{
            TraceId = 'shop/frontend-7d9f -> shop/cart-5c6b tcp/8080'; Direction = 'Request'; Leg = 1; PassIndex = 1; Node = 'node-1'; Bridge = 'br-int'
            InPortName = 'pi-veth5a3b1c2d'; Verdict = 'Drop'; DropTable = 9; DropTableName = 'POL_TABLE'; Reason = 'no contract between EPGs'
        }
        $script:Hop = [AciTrace.AciTableHop]@{ TraceId = 't'; Node = 'node-1'; Bridge = 'br-int'; Step = 0; Table = 9; TableName = 'POL_TABLE'; Priority = 1; Match = 'ip'; Actions = 'drop'; Verdict = 'Drop' }
        $script:Summary = [AciTrace.AciTraceSummary]@{ TraceId = 't'; Kind = 'Pod'; Source = 'shop/frontend-7d9f'; Destination = 'shop/cart-5c6b'; Protocol = 'tcp'; DestinationPort = 8080; Verdict = 'Drop'; DropNode = 'node-1'; DropBridge = 'br-int'; DropTableName = 'POL_TABLE'; Reason = 'no contract' }
    }

    It 'renders the default pass table grouped by trace' {
        $text = $Pass, $Drop | Out-String -Width 200
        $text | Should -Match 'Trace: shop/frontend-7d9f -> shop/cart-5c6b tcp/8080 \(Request\)'
        $text | Should -Match 'veth5a3b1c2d -> pa-veth5a3b1c2d'
        $text | Should -Match 'pi-veth5a3b1c2d -> \*'
        $text | Should -Match 'Leg\s+Node\s+Bridge\s+In -> Out\s+TunnelId\s+Verdict\s+Reason'
    }

    It 'renders the Bridge view, the hop view, the summary table and the list views' {
        $Pass, $Drop | Format-Table -View Bridge | Out-String -Width 200 | Should -Match 'Node/Bridge: node-1 br-int'
        $Hop | Out-String -Width 200 | Should -Match 'POL_TABLE'
        $Hop | Format-Table -View Decoded | Out-String -Width 200 | Should -Match 'Decoded'
        $Summary | Out-String -Width 200 | Should -Match 'tcp/8080'
        $Summary | Format-List | Out-String | Should -Match 'DropTableName\s+: POL_TABLE'
        $Drop | Format-List | Out-String | Should -Match 'Reason\s+: no contract between EPGs'
    }

    It 'exports one flat row per bridge pass' {
        $csv = $Pass, $Drop | ConvertTo-Csv | ConvertFrom-Csv
        $csv.Count | Should -Be 2
        $csv[0].PSObject.Properties.Name | Should -Be ([AciTrace.AciBridgePass].GetProperties().Name)
        $csv[1].Verdict | Should -Be 'Drop'
        $csv[1].DropTableName | Should -Be 'POL_TABLE'
        $csv[0].Hops | Should -Be ''
        $csv[0].Direction | Should -Be 'Request'
    }

    It 'filters with Where-Object Verdict -eq Drop' {
        ($Pass, $Drop | Where-Object Verdict -eq Drop).Node | Should -Be 'node-1'
    }
}

Describe 'Tab completion' -Skip:$IsWindows {
    BeforeAll {
        $script:Kubectl = New-FakeKubectl -Directory $TestDrive
    }

    It 'completes pods after a namespace/ prefix' {
        Get-CompletionText "Get-AciPodTrace -KubectlPath $Kubectl -Source shop/f" | Should -Be @('shop/frontend-7d9f')
    }

    It 'completes default-namespace pods and namespace stems without a prefix' {
        Get-CompletionText "Get-AciPodTrace -KubectlPath $Kubectl -Destination " | Should -Be @('client', 'default/', 'shop/')
    }

    It 'honours -DestinationNamespace for -DestinationName of a Service' {
        Get-CompletionText "Get-AciServiceTrace -KubectlPath $Kubectl -SourceName x -DestinationNamespace shop -DestinationName " | Should -Be @('cart')
    }

    It 'completes namespaces and contexts' {
        Get-CompletionText "Get-AciPodTrace -KubectlPath $Kubectl -SourceNamespace s" | Should -Be @('shop')
        Get-CompletionText "Get-AciPodTrace -KubectlPath $Kubectl -Context p" | Should -Be @('prod')
    }

    It 'proposes nothing (and does not hang) when kubectl is missing' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        Get-CompletionText "Get-AciPodTrace -KubectlPath /nonexistent/kubectl -Source shop/" | Should -BeNullOrEmpty
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
    }
}

Describe 'Lab end to end' -Skip:(-not $env:ACITRACE_LAB_KUBECONFIG) {
    BeforeAll {
        $script:Kube = @{ Kubeconfig = $env:ACITRACE_LAB_KUBECONFIG }
        $script:Pods = (kubectl --kubeconfig $env:ACITRACE_LAB_KUBECONFIG get pods -A -o json | ConvertFrom-Json).items |
            Where-Object { $_.metadata.namespace -notin 'kube-system', 'aci-containers-system' }
    }

    It 'the lab has application pods' {
        @($Pods).Count | Should -BeGreaterOrEqual 2
    }

    It 'traces a pod pair into typed passes with verdicts' {
        $passes = @($Pods[0] | Get-AciPodTrace -Destination "$($Pods[1].metadata.namespace)/$($Pods[1].metadata.name)" -Protocol Icmp @Kube -ErrorAction Stop)
        $passes.Count | Should -BeGreaterThan 0
        $passes | ForEach-Object { $_ | Should -BeOfType ([AciTrace.AciBridgePass]) }
        $passes.Verdict | ForEach-Object { [enum]::GetNames([AciTrace.TraceVerdict]) | Should -Contain "$_" }
        $passes.Node | Should -Not -Contain ''
    }

    It 'writes one summary per direction with -Reply -Output Summary' {
        $summaries = @(Get-AciPodTrace -Source $Pods[0] -Destination $Pods[1] -Protocol Icmp -Reply -Output Summary @Kube -ErrorAction Stop)
        $summaries.Direction | Should -Be @('Request', 'Reply')
    }

    It 'answers -Quiet with one boolean per input' {
        $answers = @($Pods[0], $Pods[1] | Get-AciPodTrace -Destination $Pods[0] -Protocol Icmp -Quiet @Kube)
        $answers.Count | Should -Be 2
        $answers | ForEach-Object { $_ | Should -BeOfType ([bool]) }
    }

    It 'reports PodNotFound for a missing pod and continues' {
        $errors = $null
        $ns = $Pods[0].metadata.namespace
        "$ns/no-such-pod-x", $Pods[0] | Get-AciPodTrace -Destination $Pods[1] -Protocol Icmp -Output Summary @Kube -ErrorVariable errors -ErrorAction SilentlyContinue |
            Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'PodNotFound,AciTrace.Commands.GetAciPodTraceCommand'
    }
}
