# End to end against the lab through both transports (in process and kubectl), the lab's Kubernetes API and real
# OVS per node.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kubeconfig = Get-LabKubeconfig
    $script:Kube = @{ Kubeconfig = $Kubeconfig }
    $script:Pods = @((kubectl --kubeconfig $Kubeconfig get pods -A -o json | ConvertFrom-Json).items |
        Where-Object { $_.metadata.namespace -notin 'kube-system', 'aci-containers-system' })

    function Get-KubectlChildren {
        # kubectl processes started against this lab (none may outlive a command).
        @(Get-Process kubectl -ErrorAction SilentlyContinue | Where-Object { $_.CommandLine -match [regex]::Escape($Kubeconfig) })
    }
}

AfterAll { Invoke-LabCli faults --reset | Out-Null }

Describe 'Tracing the lab through <Transport>' -ForEach @(@{ Transport = 'KubernetesClient' }, @{ Transport = 'Kubectl' }) {
    BeforeAll { $Kube = @{ Kubeconfig = $Kubeconfig; Transport = $Transport } }

    It 'traces a pod pair into typed passes that each carry the packet and the outcome' {
        $passes = @(Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 @Kube -ErrorAction Stop)
        $passes.Count | Should -BeGreaterThan 0
        $passes | ForEach-Object { $_ | Should -BeOfType ([AciTrace.AciBridgePass]) }
        $passes.Source | Sort-Object -Unique | Should -Be 'shop/client'
        $passes.Destination | Sort-Object -Unique | Should -Be 'shop/web-1'
        $passes.Protocol | Sort-Object -Unique | Should -Be 'Tcp'
        $passes.DestinationPort | Sort-Object -Unique | Should -Be 8080
        $passes.Outcome | Sort-Object -Unique | Should -Be 'Deliver to shop/web-1 on node-a'
        $passes[-1].Verdict | Should -Be 'Deliver'
        $hops = @(Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Output Hop @Kube -ErrorAction Stop)
        $hops.Source | Sort-Object -Unique | Should -Be 'shop/client'
        $hops.DestinationPort | Sort-Object -Unique | Should -Be 8080
    }

    It 'shows the tunnel id a cross-node packet arrives with, and that the leaf set the EPG br-int reads from it' {
        $arrival = Get-AciPodTrace shop/client shop/web-2 -DestinationPort 8080 @Kube -ErrorAction Stop |
            Where-Object { $_.Node -eq 'node-b' -and $_.InPortName -eq 'vxlan0' }
        $arrival.TunnelId | Should -Be '0x8c8010'
        $arrival.SourceEpg | Should -Match 'VNID set by the leaf, not the sender''s EPG'
    }

    It 'finds a drop in the fabric (no contract across nodes) with Where-Object Verdict -eq Drop on the default output' {
        $drops = @(Get-AciPodTrace jobs/job-1 data/db-2 -DestinationPort 5432 @Kube -ErrorAction Stop | Where-Object Verdict -eq Drop)
        $drops.Count | Should -Be 1
        $drops[0].Node | Should -Be 'fabric'
        $drops[0].DropCause | Should -Be 'no contract batch -> backend'
        $drops[0].Reason | Should -Match '^No ACI contract between EPG aci-containers-kube\|batch and EPG aci-containers-kube\|backend: neither provides a contract that the other consumes'
        $drops[0].Reason | Should -Match "in node-a's policy: the ACI leaf"

        $summary = Get-AciPodTrace jobs/job-1 data/db-2 -DestinationPort 5432 -Output Summary @Kube -ErrorAction Stop
        $summary.Verdict | Should -Be 'Drop'
        $summary.DropNode | Should -Be 'fabric'
        $summary.Outcome | Should -Be 'Drop at fabric (ACI leaf): no contract batch -> backend'
    }

    It 'names the port of a service hairpin (IN_PORT) and reports its loopback source rewrite as SNAT' {
        # web-1 reaches its own Service and is load-balanced to itself: br-int sends the packet back out of the patch
        # port it came in by, with the Service IP as its source.
        $passes = @(Get-AciServiceTrace shop/web-1 shop/web -DestinationPort 80 @Kube -ErrorAction Stop)
        $hairpin = $passes | Where-Object Bridge -eq 'br-int'
        $hairpin.OutPortName | Should -Be $hairpin.InPortName
        $hairpin.OutPortName | Should -Match '^pi-veth'
        $hairpin.Reason | Should -Match 'back through its input patch port \(IN_PORT\)'
        $summary = Get-AciServiceTrace shop/web-1 shop/web -DestinationPort 80 -Output Summary @Kube -ErrorAction Stop
        $summary.Verdict | Should -Be 'Deliver'
        $summary.SnatAddress | Should -Be '10.96.0.80'
    }

    It 'follows ACI CNI for egress to a Service: allowed when the rule admits all endpoints, else dropped with the endpoint left out' {
        (Get-AciServiceTrace shop/auditor kube-system/kube-dns -Protocol Udp -DestinationPort 53 -Output Summary @Kube -ErrorAction Stop).Verdict | Should -Be 'Deliver'
        $summary = Get-AciServiceTrace shop/auditor shop/web -DestinationPort 80 -Output Summary @Kube -ErrorAction Stop
        $summary.Verdict | Should -Be 'Drop'
        $summary.DropTableName | Should -Be 'SEC_GROUP_OUT_TABLE'
        $summary.Reason | Should -Match 'before the Service DNAT, so Service shop/web \(10\.96\.0\.80:80\) is allowed only by a rule that admits all its endpoints on TCP port 8080'
        $summary.Reason | Should -Match 'admits shop/web-1 \(10\.2\.0\.10\) but not shop/web-2 \(10\.2\.1\.10\)'
        (Get-AciPodTrace shop/auditor shop/web-1 -DestinationPort 8080 -Output Summary @Kube -ErrorAction Stop).Verdict | Should -Be 'Deliver'
    }

    It 'names contract roles from the contract, not from who sends (the provider opening a connection)' {
        $summary = Get-AciPodTrace data/db-1 shop/client -DestinationPort 8080 -Output Summary @Kube -ErrorAction Stop
        $summary.Verdict | Should -Be 'Drop'
        $summary.DropTableName | Should -Be 'POL_TABLE'
        $summary.Reason | Should -Match 'contract shop-to-data: consumer EPG aci-containers-kube\|frontend, provider EPG aci-containers-kube\|backend'
        $summary.Reason | Should -Match 'from aci-containers-kube\|backend to aci-containers-kube\|frontend'
        $summary.DropCause | Should -Be 'contract shop-to-data allows no TCP port 8080'
    }

    It 'writes one summary per direction with -Reply -Output Summary, the reply of a drop as Unknown' {
        $summaries = @(Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Reply -Output Summary @Kube -ErrorAction Stop)
        $summaries.Direction | Should -Be @('Request', 'Reply')
        $summaries.Verdict | Should -Be @('Drop', 'Unknown')
        $summaries[0].Outcome | Should -Be 'Drop at node-b br-access SEC_GROUP_IN: NetworkPolicy shop/web-ingress'
        $summaries[0].Reason | Should -Match 'the rules that admit shop/client \(10\.2\.0\.11\) allow only TCP port http \(8080\), not TCP port 80'
    }

    It 'completes the reply of an SNATed request: the uplink part traced, the un-NAT simulated and said so, the delivery traced' {
        $reply = @(Get-AciExternalTrace jobs/job-1 93.184.216.34 -DestinationPort 443 -Reply @Kube -ErrorAction Stop | Where-Object Direction -eq Reply)
        $reply.Count | Should -Be 3
        $reply[0].InPortName | Should -Be 'eth1'
        $reply[1].Reason | Should -Match '^simulated: conntrack reverses the SNAT entry of the request \(172\.28\.184\.10:5000 -> 10\.2\.0\.14:40000\)'
        $reply[2].Bridge | Should -Be 'br-access'
        $reply[2].Verdict | Should -Be 'Deliver'
        $summary = Get-AciExternalTrace jobs/job-1 93.184.216.34 -DestinationPort 443 -Reply -Output Summary @Kube -ErrorAction Stop | Where-Object Direction -eq Reply
        $summary.Verdict | Should -Be 'Deliver'
        $summary.Reason | Should -Match 'was simulated because OVS''s trace cannot reverse a NAT conntrack entry'
    }

    It 'never leaves a direction out of the default output: a reply that was not traced is a pass that says why' {
        $reply = @(Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Reply @Kube -ErrorAction Stop | Where-Object Direction -eq Reply)
        $reply.Count | Should -Be 1
        $reply[0].Verdict | Should -Be 'Unknown'
        $reply[0].Bridge | Should -Be 'not traced'
        $reply[0].Reason | Should -Match 'The request was dropped'
    }

    It 'exports passes to CSV with unique, flat columns and enum names' {
        $csv = Join-Path $TestDrive 'passes.csv'
        Import-Csv (Join-Path $RepoRoot 'samples/demo-traces.csv') | Where-Object Kind -eq Pod | Select-Object -First 4 |
            Get-AciPodTrace @Kube -ErrorAction Stop | Export-Csv $csv
        $header = (Get-Content $csv -TotalCount 1) -split ',' | ForEach-Object { $_.Trim('"') }
        $header.Count | Should -Be @($header | Sort-Object -Unique).Count -Because 'no column may repeat'
        foreach ($column in 'Source', 'Destination', 'Protocol', 'SourcePort', 'DestinationPort', 'Direction', 'Node', 'Bridge', 'Verdict', 'Outcome', 'DropCause', 'Reason', 'TablePath', 'Hops') {
            $header | Should -Contain $column
        }
        $rows = Import-Csv $csv
        $rows.Verdict | ForEach-Object { $_ | Should -BeIn ([enum]::GetNames([AciTrace.TraceVerdict])) }
        $rows.Direction | Sort-Object -Unique | Should -Be 'Request'
        $rows.Hops | ForEach-Object { $_ | Should -Match '^\d+$' }
        ($rows | Where-Object Verdict -eq Drop).Count | Should -BeGreaterThan 0
    }

    It 'exports summaries with Duration in milliseconds; JSON names the enums with -EnumsAsStrings' {
        $summary = Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Output Summary @Kube -ErrorAction Stop
        $row = $summary | ConvertTo-Csv | ConvertFrom-Csv
        $row.DurationMs | Should -Match '^\d+$'
        $row.Verdict | Should -Be 'Drop'
        $json = $summary | Select-Object -ExcludeProperty Passes | ConvertTo-Json -EnumsAsStrings | ConvertFrom-Json
        $json.Verdict | Should -Be 'Drop'
        $json.Direction | Should -Be 'Request'
    }

    It 'answers -Quiet with one boolean per CSV row, in order, bad rows included' {
        $rows = @'
Source,Destination,Protocol,DestinationPort
shop/client,shop/web-1,Tcp,8080
shop/client,shop/web-1,Tcp,abc
shop/client,shop/web-2,Tcp,80
shop/client,shop/web-1,Icmp,
shop/client,shop/no-such-pod,Tcp,80
shop/client,shop/web-2,Sctp,80
'@ | ConvertFrom-Csv
        $answers = @($rows | Get-AciPodTrace @Kube -Quiet -ErrorAction SilentlyContinue)
        $answers | Should -Be @($true, $false, $false, $true, $false, $false)
    }

    It 'names the failing row as TargetObject and the missing pod in the message, then goes on' {
        $rows = @(
            [pscustomobject]@{ Source = 'shop/no-such-pod-x'; Destination = 'shop/web-1'; DestinationPort = 8080 }
            [pscustomobject]@{ Source = 'shop/client'; Destination = 'shop/web-1'; DestinationPort = 8080 }
        )
        $errors = $null
        $summaries = @($rows | Get-AciPodTrace -Output Summary @Kube -ErrorVariable errors -ErrorAction SilentlyContinue)
        $summaries.Count | Should -Be 1 -Because "the errors were: $($errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })"
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'PodNotFound,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].TargetObject | Should -Be $rows[0]
        $errors[0].Exception.Message | Should -Match 'no-such-pod-x'
    }

    It 'delivers a pod traced to itself through its loopback, without a drop (piping all pods as both ends does this)' {
        $passes = @(Get-AciPodTrace shop/client shop/client -DestinationPort 80 -Reply @Kube -ErrorAction Stop)
        $passes.Count | Should -Be 2
        $passes.Verdict | Should -Be @('Deliver', 'Deliver')
        $passes.Bridge | Sort-Object -Unique | Should -Be 'loopback'
        $passes[0].Reason | Should -Match 'never reaches OVS'
        Get-AciPodTrace shop/client shop/client -DestinationPort 80 -Quiet @Kube | Should -BeTrue
    }

    It 'shows the transport and every cluster call with -Verbose' {
        $verbose = Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 @Kube -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $text = $verbose.Message -join "`n"
        $verbose[0].Message | Should -Match "^Using transport $Transport"
        if ($Transport -eq 'Kubectl') {
            $text | Should -Match 'kubectl --kubeconfig=\S+ get pods client -n shop -o json'
            $text | Should -Match 'kubectl --kubeconfig=\S+ exec -n aci-containers-system aci-containers-openvswitch-\S+ -c aci-containers-openvswitch -- '
        }
        else {
            $text | Should -Match '(?m)^GET https://127\.0\.0\.1:\d+/api/v1/namespaces/shop/pods/client$'
            $text | Should -Match '(?m)^exec -n aci-containers-system aci-containers-openvswitch-\S+ -c aci-containers-openvswitch -- '
            $text | Should -Not -Match 'kubectl --kubeconfig'
        }
        $text | Should -Match '\[node-a\] ovs-appctl ofproto/trace br-access in_port=veth'
    }
}

Describe 'Failures between the API server and a node, through <Transport>' -ForEach @(@{ Transport = 'KubernetesClient' }, @{ Transport = 'Kubectl' }) {
    BeforeAll { $Kube = @{ Kubeconfig = $Kubeconfig; Transport = $Transport } }
    AfterEach { Invoke-LabCli faults --reset | Out-Null }

    It 'says the kubelet of node-b is unreachable, not the API server, when only exec to that node fails' {
        Invoke-LabCli faults --exec-error-status 500 --exec-fault-node node-b | Out-Null
        $errors = $null
        Get-AciPodTrace shop/client shop/web-2 -DestinationPort 8080 @Kube -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'NodeExecUnavailable,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].Exception.Message | Should -Match "^On node 'node-b': The API server is reachable"
        $errors[0].Exception.Message | Should -Match '10250'
        $errors[0].TargetObject | Should -Be 'shop/client -> shop/web-2'
    }
}

Describe 'Stale service backends, through <Transport>' -ForEach @(@{ Transport = 'KubernetesClient' }, @{ Transport = 'Kubectl' }) {
    BeforeAll { $Kube = @{ Kubeconfig = $Kubeconfig; Transport = $Transport } }
    AfterEach { Invoke-LabCli faults --reset | Out-Null }

    It 'reports a backend that is no longer an endpoint (node gone) as a warning and an Unknown verdict, never a delivery' {
        # node-b is gone: the API's EndpointSlices drop coredns-2, but node-a's service flows still load-balance to it.
        Invoke-LabCli faults --node-removed node-b | Out-Null
        $warnings = $null
        $summary = Get-AciServiceTrace shop/client kube-system/kube-dns -Protocol Udp -DestinationPort 53 -SourcePort 40000 -Output Summary @Kube -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $summary.Verdict | Should -Be 'Unknown'
        $summary.Reason | Should -Match '^Stale service backend: node-a''s service flows load-balanced 10\.96\.0\.10:53 to \S+, which is not an endpoint of Service kube-system/kube-dns \(its endpoints: kube-system/coredns-1 '
        "$warnings" | Should -Match 'Stale service backend'
        Get-AciServiceTrace shop/client kube-system/kube-dns -Protocol Udp -DestinationPort 53 -SourcePort 40000 -Quiet @Kube -WarningAction SilentlyContinue | Should -BeFalse
    }
}

Describe 'Streaming, cancellation and progress' {
    AfterEach { Invoke-LabCli faults --reset | Out-Null }

    It 'stops early with Select-Object -First 1 and leaves no kubectl behind' {
        $first = @(Get-AciPodTrace shop/client shop/web-2 -DestinationPort 8080 -Reply @Kube -Transport Kubectl | Select-Object -First 1)
        $first.Count | Should -Be 1
        Start-Sleep -Milliseconds 300
        Get-KubectlChildren | Should -BeNullOrEmpty
    }

    It 'stops a hanging trace when the pipeline is stopped (Ctrl+C) and kills its kubectl' {
        Invoke-LabCli faults --exec-hang true | Out-Null
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleDir/AciTrace.psd1'; Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Kubeconfig '$Kubeconfig' -TimeoutSec 120 -Transport Kubectl")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not (Get-KubectlChildren | Where-Object { $_.CommandLine -match ' exec ' }) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Get-KubectlChildren | Should -Not -BeNullOrEmpty -Because 'the trace is waiting on a hanging exec'
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
            $async.IsCompleted | Should -BeTrue
            Start-Sleep -Milliseconds 500
            Get-KubectlChildren | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }

    It 'stops a hanging in-process trace when the pipeline is stopped, and the next trace of the runspace works' {
        Invoke-LabCli faults --exec-hang true | Out-Null
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleDir/AciTrace.psd1'; Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Kubeconfig '$Kubeconfig' -TimeoutSec 120 -Transport KubernetesClient -Verbose")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not ($ps.Streams.Verbose | Where-Object Message -Match '^exec ') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $ps.Streams.Verbose.Message -join "`n" | Should -Match '(?m)^exec -n aci-containers-system ' -Because 'the trace is waiting on a hanging exec'
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
            $async.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
        Invoke-LabCli faults --reset | Out-Null
        Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 @Kube -Transport KubernetesClient -Quiet | Should -BeTrue
    }

    It 'keeps input order with traces in flight: -ThrottleLimit 8 writes what -ThrottleLimit 1 writes' {
        $pairs = foreach ($p in $Pods | Select-Object -First 6) { foreach ($q in $Pods | Select-Object -First 4) { [pscustomobject]@{ Source = "$($p.metadata.namespace)/$($p.metadata.name)"; Destination = "$($q.metadata.namespace)/$($q.metadata.name)"; DestinationPort = 8080 } } }
        $pairs += [pscustomobject]@{ Source = 'shop/no-such-pod'; Destination = 'shop/web-1'; DestinationPort = 8080 }
        $pairs += [pscustomobject]@{ Source = 'shop/client'; Destination = 'shop/web-1'; DestinationPort = 'abc' }
        $one = @($pairs | Get-AciPodTrace -Kubeconfig $Kubeconfig -ThrottleLimit 1 -Output Summary -ErrorAction SilentlyContinue -ErrorVariable e1)
        $eight = @($pairs | Get-AciPodTrace -Kubeconfig $Kubeconfig -ThrottleLimit 8 -Output Summary -ErrorAction SilentlyContinue -ErrorVariable e8)
        $eight.Count | Should -Be $one.Count
        # Cost (Execs) may move between overlapping traces (the first to need a node's facts reads them); results may not.
        ($eight | ForEach-Object { "$($_.Source) $($_.Destination) $($_.Verdict) $($_.DropCause)" }) | Should -Be ($one | ForEach-Object { "$($_.Source) $($_.Destination) $($_.Verdict) $($_.DropCause)" })
        $e8.FullyQualifiedErrorId | Should -Be $e1.FullyQualifiedErrorId
        $quiet = @($pairs | Get-AciPodTrace -Kubeconfig $Kubeconfig -ThrottleLimit 8 -Quiet -ErrorAction SilentlyContinue)
        $quiet.Count | Should -Be $pairs.Count
        $quiet[-2..-1] | Should -Be @($false, $false)
    }

    It 'reports progress as N traces done while a pipeline runs' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleDir/AciTrace.psd1'; 'shop/client', 'shop/locked', 'jobs/job-1' | Get-AciPodTrace -Destination shop/web-1 -DestinationPort 8080 -Kubeconfig '$Kubeconfig' -Quiet")
            $answers = $ps.Invoke()
            $answers.Count | Should -Be 3
            $activities = @($ps.Streams.Progress | Where-Object RecordType -ne Completed | ForEach-Object Activity | Sort-Object -Unique)
            $activities | Should -Contain 'AciTrace: trace 3; 2 done: 1 delivered, 1 not delivered, 0 failed'
            @($ps.Streams.Progress | Where-Object RecordType -eq Completed).Count | Should -Be 1
        }
        finally { $ps.Dispose() }
    }
}
