# Get-AciServiceTrace from outside the cluster, against the running demo lab (shop/web-public: LoadBalancer IP
# 172.28.100.10, external IP 172.28.100.11 and node port 30080, which ACI CNI does not program into OVS; its backends
# web-1 on node-a and web-2 on node-b).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kube = @{ Kubeconfig = (Get-LabKubeconfig); ErrorAction = 'Stop' }
}

Describe 'Get-AciServiceTrace -SourceAddress' {
    It 'delivers the LoadBalancer IP to a local backend of the node the service graph sends it to, and says which' {
        $summary = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -DestinationPort 80 -Output Summary @Kube
        $summary.Verdict | Should -Be 'Deliver'
        $summary.Source | Should -Be '203.0.113.7'
        $summary.DestinationAddress | Should -Be '172.28.100.10'
        $summary.DnatAddress | Should -BeIn @('10.2.0.10', '10.2.1.10')
        $summary.Reason | Should -Match 'service graph sends the LoadBalancer IP 172\.28\.100\.10 to the nodes that run a ready backend .*: node-a, node-b'
        $passes = @(Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -DestinationPort 80 @Kube)
        $passes[0].Bridge | Should -Be 'br-int'
        $passes[0].InPortName | Should -Be 'eth1'
    }

    It 'traces on a chosen node, and says why external IPs and node ports are not traced' {
        $onB = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -Node node-b -Output Summary @Kube
        $onB.Verdict | Should -Be 'Deliver'
        $onB.DnatAddress | Should -Be '10.2.1.10'
        $onB.Path | Should -Be 'node-b'
        $null = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -ExternalIP 172.28.100.11 -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'ServiceNotExposed,AciTrace.Commands.GetAciServiceTraceCommand'
        $e[0].Exception.Message | Should -Match 'external IPs are not programmed into OVS'
        $null = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -NodePort -Node node-b -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'ServiceNotExposed,AciTrace.Commands.GetAciServiceTraceCommand'
        $e[0].Exception.Message | Should -Match 'does not program node ports into OVS.*kube-proxy'
        $e[0].TargetObject | Should -Be '203.0.113.7 -> service shop/web-public node port on node-b'
    }

    It 'traces the reply back to the client out of the uplink, source rewritten to the entry address' {
        $reply = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -Reply -Output Summary @Kube | Where-Object Direction -eq Reply
        $reply.Verdict | Should -Be 'Forward'
        $reply.SourceAddress | Should -Be '172.28.100.10'
        $reply.Passes[-1].OutPortName | Should -Be 'eth1'
        ($reply.Passes[-1].Hops.Actions -join "`n") | Should -Match 'set_field:172\.28\.100\.10->ip_src'
    }

    It 'traces rows of clients with ForEach-Object, pod-source rows still binding by property name' {
        $rows = @(
            [pscustomobject]@{ Client = '203.0.113.7'; Service = 'shop/web-public'; Node = '' }
            [pscustomobject]@{ Client = '198.51.100.4'; Service = 'shop/web-public'; Node = 'node-b' })
        $out = @($rows | ForEach-Object {
                $on = if ($_.Node) { @{ Node = $_.Node } } else { @{} }
                Get-AciServiceTrace -SourceAddress $_.Client $_.Service -DestinationPort 80 -Output Summary @on @Kube })
        $out.Count | Should -Be 2
        $out.Source | Should -Be @('203.0.113.7', '198.51.100.4')
        $out.Path | Should -Be @('node-a', 'node-b')
        $out | Where-Object Verdict -eq Drop | Should -BeNullOrEmpty
        ([pscustomobject]@{ Source = 'shop/client'; Destination = 'shop/web-public'; DestinationPort = 80 } | Get-AciServiceTrace -Output Summary @Kube).Verdict | Should -Be 'Deliver'
    }

    It 'refuses what the Service does not expose, and a bad address, with the input as target' {
        $null = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'ServiceNotExposed,AciTrace.Commands.GetAciServiceTraceCommand'
        $e[0].Exception.Message | Should -Match 'type ClusterIP, not LoadBalancer'
        $null = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -ExternalIP 172.28.100.99 -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'ServiceNotExposed,AciTrace.Commands.GetAciServiceTraceCommand'
        $null = Get-AciServiceTrace -SourceAddress 203.0.113.300 shop/web-public -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidPacketField,AciTrace.Commands.GetAciServiceTraceCommand'
        $e[0].TargetObject | Should -Be '203.0.113.300 -> service shop/web-public'
        { Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -NodePort -Kubeconfig $Kube.Kubeconfig -ErrorAction Stop } | Should -Throw -ErrorId 'MissingMandatoryParameter,AciTrace.Commands.GetAciServiceTraceCommand'
        $null = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -NodePort -Node node-z -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'NodeNotFound,AciTrace.Commands.GetAciServiceTraceCommand'
        $e[0].Exception.Message | Should -Match 'Nodes that run them: node-a, node-b'
    }

    It 'traces from outside offline too, from a snapshot, to the live verdict' {
        $file = Join-Path $TestDrive 'inbound.zip'
        $null = Save-AciSnapshot $file @Kube
        foreach ($entry in @{ Node = 'node-b' }, @{}) {
            $live = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -Reply -Output Summary @entry @Kube
            $offline = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -Reply -Output Summary @entry -Snapshot $file -ErrorAction Stop
            $offline.Verdict | Should -Be $live.Verdict
            $offline.DnatAddress | Should -Be $live.DnatAddress
            $offline.DestinationAddress | Should -Be $live.DestinationAddress
        }
    }

    It 'answers -Quiet with $true for a path that works both ways, the reply leaving for the client' {
        Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -Reply -Quiet @Kube | Should -BeExactly $true
        'shop/client' | Get-AciServiceTrace -Destination shop/web -DestinationPort 80 -Reply -Quiet @Kube | Should -BeExactly $true
    }

    It 'shows the outside-in passes in a table that fits <_> columns' -ForEach 80, 120 {
        $width = $_
        $lines = Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -Reply @Kube | Get-Rendered -Width $width
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $width }
        ($lines -join "`n") | Should -Match 'Deliver to backend shop/web-\d on node-\w'
    }
}
