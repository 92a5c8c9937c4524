# Export-AciReport: a self-contained HTML page rendered by a real headless Chromium (no console error, the grid and
# the paths drawn by its script), Mermaid charts, and its input and file errors.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kube = @{ Kubeconfig = (Get-LabKubeconfig); ErrorAction = 'Stop' }
    $script:Chromium = (Get-Command chromium, chromium-browser -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
    $script:Matrix = Get-AciConnectivity -Namespace shop, data, jobs -Output Matrix @Kube
    $script:Summaries = @(
        Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Reply -Output Summary @Kube
        Get-AciServiceTrace shop/client kube-system/kube-dns -Protocol Udp -DestinationPort 53 -Output Summary @Kube
    )

    function Invoke-Chromium {
        # The page after its script ran (--dump-dom) and what the page logged to its console.
        param([string] $Path)
        $err = Join-Path $TestDrive ([guid]::NewGuid().ToString('n') + '.err')
        $dom = & $Chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-dev-shm-usage `
            --enable-logging=stderr --v=0 --dump-dom "file://$Path" 2> $err
        [pscustomobject]@{ Dom = ($dom -join "`n"); Console = @(Get-Content $err | Where-Object { $_ -match 'CONSOLE|Uncaught' }) }
    }
}

Describe 'Export-AciReport' {
    It 'has a headless Chromium to render with (test.sh installs it)' {
        $Chromium | Should -Not -BeNullOrEmpty -Because 'tools/install-chromium.sh installs Debian''s chromium'
    }

    It 'writes one self-contained page that Chromium renders without a console error' {
        $path = Join-Path $TestDrive 'connectivity.html'
        $Matrix | Export-AciReport $path -Title 'Demo lab connectivity'
        $html = Get-Content -Raw $path
        $html | Should -Not -Match '<link|src=|https?://(?!www\.w3\.org/2000/svg)'   # nothing fetched
        $page = Invoke-Chromium $path
        $page.Console | Should -BeNullOrEmpty
        $cells = [regex]::Matches($page.Dom, '<td class="(Deliver|Drop|Partial|Unknown)( selected)?"').Count
        $cells | Should -Be $Matrix.Cells.Count
        $page.Dom | Should -Match '<h2>[^<]+ → [^<]+: (Drop|Partial|Unknown)</h2>'   # the first failing cell is open
        $page.Dom | Should -Match '<svg '
        $page.Dom | Should -Match 'stroke="#c00"'   # its drop point marked
    }

    It 'takes a screenshot of the matrix' {
        $path = Join-Path $TestDrive 'shot.html'
        $png = Join-Path $TestDrive 'shot.png'
        $Matrix | Export-AciReport $path
        & $Chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-dev-shm-usage --hide-scrollbars `
            --window-size=1100,900 "--screenshot=$png" "file://$path" 2> $null
        (Get-Item $png).Length | Should -BeGreaterThan 10000
    }

    It 'draws traces without a matrix, one card per direction' {
        $path = Join-Path $TestDrive 'traces.html'
        $Summaries | Export-AciReport $path
        $page = Invoke-Chromium $path
        $page.Console | Should -BeNullOrEmpty
        [regex]::Matches($page.Dom, 'class="card"').Count | Should -Be $Summaries.Count
    }

    It 'groups bridge passes into their traces' {
        $path = Join-Path $TestDrive 'passes.html'
        Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Reply @Kube | Export-AciReport $path
        [regex]::Matches((Invoke-Chromium $path).Dom, 'class="card"').Count | Should -Be 2
    }

    It 'never reads names or reasons as HTML' {
        $path = Join-Path $TestDrive 'escaped.html'
        $Summaries[0] | Export-AciReport $path -Title '</script><script>document.title="owned"</script>'
        $page = Invoke-Chromium $path
        $page.Console | Should -BeNullOrEmpty
        $page.Dom | Should -Not -Match '<title>owned</title>'
        (Get-Content -Raw $path) | Should -Match '&lt;/script&gt;'
    }

    It 'writes one Mermaid flowchart of one trace, with the drop marked' {
        $path = Join-Path $TestDrive 'trace.mmd'
        $Summaries[0] | Export-AciReport $path -Format Mermaid
        $text = Get-Content -Raw $path
        $text | Should -Match '^flowchart LR'
        $text | Should -Match 'NetworkPolicy shop/web-ingress'
        $text | Should -Match 'style p\d+ fill:#fdd'
    }

    It 'writes Markdown with one fenced chart per trace for a .md path, and refuses several traces in one bare chart' {
        $md = Join-Path $TestDrive 'traces.md'
        $Summaries | Export-AciReport $md -Format Mermaid
        ([regex]::Matches((Get-Content -Raw $md), '```mermaid')).Count | Should -Be $Summaries.Count
        $err = $null
        $Summaries | Export-AciReport (Join-Path $TestDrive 'many.mmd') -Format Mermaid -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ReportInputNotSupported,*'
        Join-Path $TestDrive 'many.mmd' | Should -Not -Exist
    }

    It 'reports an object it cannot draw as an error for that object, and still writes the others' {
        $path = Join-Path $TestDrive 'mixed.html'
        $err = $null
        @($Summaries[0], 'not a trace') | Export-AciReport $path -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ReportInputNotSupported,*'
        $err[0].TargetObject | Should -Be 'not a trace'
        $path | Should -Exist
    }

    It 'honours -NoClobber, -WhatIf and -PassThru' {
        $path = Join-Path $TestDrive 'once.html'
        $file = $Summaries[0] | Export-AciReport $path -PassThru
        $file.FullName | Should -Be $path
        $err = $null
        $Summaries[0] | Export-AciReport $path -NoClobber -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ReportFileExists,*'
        $Summaries[0] | Export-AciReport (Join-Path $TestDrive 'whatif.html') -WhatIf
        Join-Path $TestDrive 'whatif.html' | Should -Not -Exist
    }
}
