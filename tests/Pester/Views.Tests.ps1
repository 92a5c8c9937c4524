# The views as a user sees them at 80, 120 and 200 columns, rendered from real traces of the lab.
BeforeDiscovery { $script:Widths = 80, 120, 200 }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kube = @{ Kubeconfig = (Get-LabKubeconfig); ErrorAction = 'Stop' }
    $script:Passes = @(
        Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Reply @Kube
        Get-AciPodTrace jobs/job-1 data/db-2 -DestinationPort 5432 @Kube
        Get-AciServiceTrace shop/client kube-system/kube-dns -Protocol Udp -DestinationPort 53 -Reply @Kube
        Get-AciExternalTrace jobs/job-1 93.184.216.34 -DestinationPort 443 @Kube
    )
    $script:Summaries = @(
        Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Reply -Output Summary @Kube
        Get-AciPodTrace jobs/job-1 data/db-2 -DestinationPort 5432 -Output Summary @Kube
        Get-AciServiceTrace shop/client kube-system/kube-dns -Protocol Udp -DestinationPort 53 -Reply -Output Summary @Kube
        Get-AciExternalTrace jobs/job-1 93.184.216.34 -DestinationPort 443 -Output Summary @Kube
    )
    $script:Hops = @(Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Output Hop @Kube)
    $script:Groups = @($Passes | Group-Object TraceId, Direction)

    function Assert-FitsWidth {
        param([string[]] $Lines, [int] $Width)
        $long = @($Lines | Where-Object { $_.Length -gt $Width })
        $long | Should -BeNullOrEmpty -Because "no line may exceed $Width columns"
    }
}

Describe 'Default pass view at <_> columns' -ForEach $Widths {
    BeforeAll {
        $script:Width = $_
        $script:Lines = $Passes | Get-Rendered -Width $Width
    }

    It 'fits the width' { Assert-FitsWidth $Lines $Width }

    It 'puts each direction''s whole outcome in its group header, words unbroken' {
        foreach ($group in $Groups) {
            $first = $group.Group[0]
            $at = [array]::IndexOf($Lines, "   Trace: $($first.TraceId) ($($first.Direction))")
            $at | Should -BeGreaterThan -1 -Because "a section for $($group.Name)"
            $header = @()
            for ($i = $at + 1; $Lines[$i] -ne ''; $i++) { $header += $Lines[$i].Trim() }
            (($header -join ' ') -replace '^=> ') | Should -BeExactly $first.Outcome
        }
    }

    It 'shows Verdict and Reason columns, one line per pass' {
        $Lines | Where-Object { $_ -match '^Leg\s+Node\s+Bridge\s+Verdict\s+Out\s+Reason$' } | Should -Not -BeNullOrEmpty
        $rows = @(Get-TableRows $Lines)
        $rows.Count | Should -Be $Passes.Count
        for ($i = 0; $i -lt $Passes.Count; $i++) {
            $rows[$i] | Should -Match "\b$($Passes[$i].Verdict)\b"
            $rows[$i] | Should -Match ([regex]::Escape($Passes[$i].Reason.Substring(0, 12)))
        }
    }

    It 'shows the fabric''s predicted drop as a Drop row' {
        @(Get-TableRows $Lines) | Where-Object { $_ -match '^\s+\d+ fabric\s+leaf\s+Drop\s' } | Should -HaveCount 1
    }
}

Describe 'Summary view at <_> columns' -ForEach $Widths {
    BeforeAll {
        $script:Width = $_
        $script:Lines = $Summaries | Get-Rendered -Width $Width
    }

    It 'fits the width with one line per trace direction, the verdict first' {
        Assert-FitsWidth $Lines $Width
        $Lines | Where-Object { $_ -match '^Verdict\s+Source\s+Destination\s+Packet\s+Outcome$' } | Should -Not -BeNullOrEmpty
        $rows = @(Get-TableRows $Lines)
        $rows.Count | Should -Be $Summaries.Count
        for ($i = 0; $i -lt $Summaries.Count; $i++) {
            $rows[$i] | Should -Match "^$($Summaries[$i].Verdict)\s"
            $where = if ($Summaries[$i].DropCause) { $Summaries[$i].DropCause } else { $Summaries[$i].Outcome -replace '^\w+:? (at )?' }
            $rows[$i] | Should -Match ([regex]::Escape($where.Substring(0, [Math]::Min(12, $where.Length))))
        }
    }
}

Describe 'Other views at <_> columns' -ForEach $Widths {
    BeforeAll { $script:Width = $_ }

    It 'renders the <View> view of <Kind> one line per object' -ForEach @(
        @{ View = 'Hops'; Kind = 'hops' }, @{ View = 'Match'; Kind = 'hops' }, @{ View = 'Decoded'; Kind = 'hops' },
        @{ View = 'Ports'; Kind = 'passes' }, @{ View = 'Bridge'; Kind = 'passes' }
    ) {
        $objects = if ($Kind -eq 'hops') { $Hops } else { $Passes | Sort-Object Node, Bridge }
        $lines = $objects | Get-Rendered -Width $Width -View $View
        Assert-FitsWidth $lines $Width
        @(Get-TableRows $lines).Count | Should -Be $objects.Count
        if ($View -in 'Hops', 'Ports', 'Bridge') { $lines | Where-Object { $_ -match '\bVerdict\b' } | Should -Not -BeNullOrEmpty }
    }

    It 'shows every field whole in the list views' {
        $drop = $Passes | Where-Object Verdict -eq Drop | Select-Object -First 1
        $text = ($drop | Get-Rendered -Width $Width -List) -join ' '
        ($text -replace '\s+') | Should -Match ([regex]::Escape($drop.Reason -replace '\s+'))
        $summary = $Summaries[0]
        $text = ($summary | Get-Rendered -Width $Width -List) -join ' '
        ($text -replace '\s+') | Should -Match ([regex]::Escape($summary.Reason -replace '\s+'))
        $text | Should -Match 'DurationMs\s+: \d+'
    }
}
