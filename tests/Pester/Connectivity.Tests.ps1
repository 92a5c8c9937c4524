# Get-AciConnectivity in real pwsh against the lab: the pairs of a scope, the same verdicts as Get-AciPodTrace, the
# three outputs, the grid at 80/120/200 columns, and input errors before any cluster call.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kube = @{ Kubeconfig = (Get-LabKubeconfig); ErrorAction = 'Stop' }
    $script:Cells = @(Get-AciConnectivity -Namespace shop @Kube)
    $script:Running = @(kubectl --kubeconfig $Kube.Kubeconfig get pods -n shop -o json | ConvertFrom-Json |
        ForEach-Object items | Where-Object { $_.status.phase -eq 'Running' -and -not $_.spec.hostNetwork } |
        ForEach-Object { "shop/$($_.metadata.name)" } | Sort-Object)
}

Describe 'Get-AciConnectivity' {
    It 'writes one cell per ordered pair of the running pods, source by source' {
        $Running.Count | Should -BeGreaterThan 3
        $Cells.Count | Should -Be ($Running.Count * ($Running.Count - 1))
        $Cells[0] | Should -BeOfType ([AciTrace.AciConnectivityCell])
        ($Cells | ForEach-Object Source | Select-Object -Unique) | Should -Be $Running
        $Cells | Where-Object { $_.Source -eq $_.Destination } | Should -BeNullOrEmpty
        $Cells.Result | Should -Contain 'Deliver'
        $Cells.Result | Should -Contain 'Drop'
    }

    It 'gives each probe the verdict Get-AciPodTrace gives the same packet' {
        foreach ($cell in $Cells | Select-Object -First 12) {
            foreach ($t in $cell.Traces) {
                $port = if ($t.DestinationPort) { @{ DestinationPort = $t.DestinationPort } } else { @{} }
                $direct = Get-AciPodTrace $t.Source $t.Destination -Protocol $t.Protocol @port -Output Summary @Kube
                $direct.Verdict | Should -Be $t.Verdict -Because "$($t.Source) -> $($t.Destination) $($t.Protocol)/$($t.DestinationPort)"
            }
        }
    }

    It 'gives the same results through kubectl, whose probes run their legs in batches' {
        $viaKubectl = @(Get-AciConnectivity -Namespace shop -Transport Kubectl @Kube)
        $viaKubectl.Count | Should -Be $Cells.Count
        for ($i = 0; $i -lt $Cells.Count; $i++) {
            $viaKubectl[$i].Source | Should -Be $Cells[$i].Source
            $viaKubectl[$i].Destination | Should -Be $Cells[$i].Destination
            $viaKubectl[$i].Result | Should -Be $Cells[$i].Result -Because "$($Cells[$i].Source) -> $($Cells[$i].Destination)"
        }
    }

    It 'explains a dropped pair in the user''s terms' {
        $drop = $Cells | Where-Object Result -eq Drop | Select-Object -First 1
        $drop.Reason | Should -Not -BeNullOrEmpty
        $drop.Ports | Should -Match '(TCP|UDP|ICMP)'
    }

    It '-Output Summary writes one request summary per probe' {
        $summaries = @(Get-AciConnectivity -Namespace shop -Output Summary @Kube)
        $summaries.Count | Should -Be (@($Cells.Traces).Count)
        $summaries[0] | Should -BeOfType ([AciTrace.AciTraceSummary])
        $summaries.Direction | Select-Object -Unique | Should -Be 'Request'
    }

    It '-Output Matrix writes one matrix with the same cells, drawn within 80, 120 and 200 columns' {
        $m = @(Get-AciConnectivity -Namespace shop -Output Matrix @Kube)
        $m.Count | Should -Be 1
        $m[0] | Should -BeOfType ([AciTrace.AciConnectivityMatrix])
        $m[0].Sources | Should -Be $Running
        foreach ($cell in $Cells) { $m[0][$cell.Source, $cell.Destination].Result | Should -Be $cell.Result }
        foreach ($width in 80, 120, 200) {
            $lines = $m[0].Render($width) -split "`r?`n"
            @($lines | Where-Object { $_.Length -gt $width }) | Should -BeNullOrEmpty
            $lines | Should -Contain '+ delivered  x dropped  ~ some ports dropped  ? unknown or failed  . not probed'
        }
        ($m[0] | Out-String) | Should -Match 'source\(s\) x \d+ destination\(s\)'
    }

    It 'shows cells as a table that fits <_> columns' -ForEach 80, 120, 200 {
        $width = $_
        $lines = $Cells | Get-Rendered -Width $width
        @($lines | Where-Object { $_.Length -gt $width }) | Should -BeNullOrEmpty
        @($lines -match '^Result\s+Source\s+Destination\s+Ports\s+Reason$').Count | Should -Be 1
        @(Get-TableRows $lines).Count | Should -Be $Cells.Count
    }

    It 'narrows by selectors and ports' {
        $cells = @(Get-AciConnectivity -Namespace shop -DestinationSelector 'app=web' -Port 80, 8080 @Kube)
        $cells.Destination | Select-Object -Unique | ForEach-Object { $_ | Should -BeLike 'shop/web-*' }
        foreach ($cell in $cells) { $cell.Ports | Should -Match '^80/TCP \w+; 8080/TCP \w+$' }
    }

    It 'refuses a label selector the API server would refuse, before any cluster call' {
        $err = $null
        Get-AciConnectivity -Namespace shop -SourceSelector 'app in (a' -Kubeconfig (Join-Path $TestDrive 'none') -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidLabelSelector,*'
        $err[0].TargetObject | Should -Be 'app in (a'
    }

    It 'names a namespace that does not exist' {
        $err = $null
        Get-AciConnectivity -Namespace no-such-ns -Kubeconfig $Kube.Kubeconfig -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NamespaceNotFound,*'
    }
}
