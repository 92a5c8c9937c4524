# Tab completion through TabExpansion2, as PSReadLine asks for it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kubectl = New-FakeKubectl -Directory $TestDrive
    $script:Log = Join-Path $TestDrive 'kubectl.log'
}

Describe 'Tab completion (a kubectl stand-in)' {
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

    It 'completes -Protocol with what each cmdlet can trace' {
        Get-CompletionText 'Get-AciPodTrace -Protocol ' | Should -Be @('Tcp', 'Udp', 'Icmp', 'Ip', 'Arp')
        Get-CompletionText 'Get-AciServiceTrace -Protocol ' | Should -Be @('Tcp', 'Udp')
        Get-CompletionText 'Get-AciExternalTrace -Protocol i' | Should -Be @('Icmp', 'Ip')
    }

    It 'resolves a relative -Kubeconfig against the PowerShell location, and ~ against the home folder' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'work') -Force
        Push-Location $dir
        try {
            Remove-Item $Log -ErrorAction SilentlyContinue
            $null = Get-CompletionText "Get-AciPodTrace -KubectlPath $Kubectl -Kubeconfig ./lab.kubeconfig -Source shop/"
            Get-Content $Log | Should -Match ([regex]::Escape("--kubeconfig=$(Join-Path $dir.FullName 'lab.kubeconfig')"))
            Remove-Item $Log
            $null = Get-CompletionText "Get-AciPodTrace -KubectlPath $Kubectl -Kubeconfig ~/lab.kubeconfig -Source shop/"
            Get-Content $Log | Should -Match ([regex]::Escape("--kubeconfig=$(Join-Path $HOME 'lab.kubeconfig')"))
        }
        finally { Pop-Location }
    }

    It 'proposes nothing (and does not hang) when kubectl is missing' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        Get-CompletionText "Get-AciPodTrace -KubectlPath /nonexistent/kubectl -Source shop/" | Should -BeNullOrEmpty
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
    }
}

Describe 'Tab completion against the lab (real kubectl)' {
    BeforeAll { $script:Lab = Get-LabKubeconfig }

    It 'completes the lab''s pods, services and namespaces' {
        Get-CompletionText "Get-AciPodTrace -Kubeconfig $Lab -Source shop/cl" | Should -Be @('shop/client')
        Get-CompletionText "Get-AciServiceTrace -Kubeconfig $Lab -Source shop/client -Destination kube-system/kube-d" | Should -Be @('kube-system/kube-dns')
        Get-CompletionText "Get-AciPodTrace -Kubeconfig $Lab -SourceNamespace da" | Should -Be @('data')
    }

    It 'completes in process (no kubectl on PATH) with the default transport, and through kubectl with -Transport Kubectl' {
        $path = $env:PATH
        try {
            $env:PATH = (($path -split [IO.Path]::PathSeparator) | Where-Object { -not (Test-Path (Join-Path $_ 'kubectl')) }) -join [IO.Path]::PathSeparator
            Get-Command kubectl -CommandType Application -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Get-CompletionText "Get-AciPodTrace -Kubeconfig $Lab -Source shop/cl" | Should -Be @('shop/client')
            Get-CompletionText "Get-AciPodTrace -Kubeconfig $Lab -SourceNamespace da" | Should -Be @('data')
            Get-CompletionText "Get-AciPodTrace -Kubeconfig $Lab -Context aci" | Should -Be @('aci-lab')
            Get-CompletionText "Get-AciPodTrace -Kubeconfig $Lab -Transport Kubectl -Source shop/cl" | Should -BeNullOrEmpty -Because 'kubectl is not on PATH'
        }
        finally { $env:PATH = $path }
        Get-CompletionText "Get-AciPodTrace -Kubeconfig $Lab -Transport Kubectl -Source shop/cl" | Should -Be @('shop/client')
    }
}
