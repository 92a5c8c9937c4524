# build.ps1 and the repository's documents, as a new user meets them.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Pwsh = (Get-Process -Id $PID).Path
    $script:Build = Join-Path $RepoRoot 'build.ps1'
    $null = Get-LabKubeconfig   # the lab DLL is needed
}

Describe 'build.ps1' {
    It '-Task Lab starts a lab, prints the next commands, and they trace; -Task StopLab stops it' {
        $dir = Join-Path $TestDrive 'lab'
        $output = & $Pwsh -NoProfile -NonInteractive -File $Build -Task Lab -LabDirectory $dir *>&1 | Out-String
        $LASTEXITCODE | Should -Be 0
        $output | Should -Match 'The lab is running'
        $output | Should -Match 'Import-Module '
        $output | Should -Match "Stop it with: .*-Task StopLab -LabDirectory $([regex]::Escape($dir))"
        $kubeconfig = [regex]::Match($output, "Kubeconfig'\] = '([^']+)'").Groups[1].Value
        Test-Path $kubeconfig | Should -BeTrue
        (Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Kubeconfig $kubeconfig -Output Summary -ErrorAction Stop).Verdict | Should -Be 'Deliver'
        & $Pwsh -NoProfile -NonInteractive -File $Build -Task StopLab -LabDirectory $dir *> $null
        $LASTEXITCODE | Should -Be 0
        & dotnet $env:ACITRACE_LAB_DLL status --state-dir $dir *> $null
        $LASTEXITCODE | Should -Be 3 -Because 'status says "not running" after StopLab'
    }

    It '-Task Package builds an installable .nupkg without PSResourceGet' {
        $repository = Join-Path $TestDrive 'repository'
        $script = "Remove-Module Microsoft.PowerShell.PSResourceGet -ErrorAction SilentlyContinue; `$env:PSModulePath = `$PSHOME + '/Modules'; & '$Build' -Task Package -SkipBuild -PackagePath '$repository'"
        $output = & $Pwsh -NoProfile -NonInteractive -Command $script *>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $package = Get-ChildItem $repository -Filter 'AciTrace.*.nupkg'
        $package.Name | Should -Be "AciTrace.$((Get-Module AciTrace).Version).nupkg"
        $installed = Join-Path $TestDrive "modules/AciTrace/$((Get-Module AciTrace).Version)"
        [System.IO.Compression.ZipFile]::ExtractToDirectory($package.FullName, $installed)
        $nuspec = [xml](Get-Content -Raw (Join-Path $installed 'AciTrace.nuspec'))
        $nuspec.package.metadata.tags | Should -Match '\bPSModule\b'
        $nuspec.package.metadata.tags | Should -Match '\bPSCmdlet_Get-AciPodTrace\b'
        Join-Path $installed 'rbac/acitrace-reader.yaml' | Should -Exist
        $probe = "`$env:PSModulePath = '$(Join-Path $TestDrive 'modules')'; Import-Module AciTrace -ErrorAction Stop; (Get-Command -Module AciTrace).Count"
        & $Pwsh -NoProfile -NonInteractive -Command $probe | Should -Be $Cmdlets.Count
    }
}

Describe 'Documents' {
    It '<_> links only to files that exist in the repository' -ForEach @('README.md', 'CHANGELOG.md', 'docs/lab.md', 'docs/help/about_AciTrace.md', 'docs/help/Get-AciPodTrace.md', 'docs/help/Get-AciServiceTrace.md', 'docs/help/Get-AciExternalTrace.md') {
        $file = Join-Path $RepoRoot $_
        $text = Get-Content -Raw $file
        foreach ($match in [regex]::Matches($text, '\]\((?<target>[^)#\s]+)(#[^)]*)?\)')) {
            $target = $match.Groups['target'].Value
            if ($target -match '^[a-z]+://') {
                $target | Should -Match '^https?://(go\.microsoft\.com|learn\.microsoft\.com)/' -Because "$_ links outside the repository only to PowerShell's own help"
                continue
            }
            Join-Path (Split-Path $file) $target | Should -Exist -Because "$_ links to $target"
        }
    }
}
