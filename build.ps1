#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents, demonstrates and packages the AciTrace module.

.DESCRIPTION
    Build    dotnet build of the solution; lays out the loadable module folder out/AciTrace.
    Test     the whole dotnet test suite (as ./test.sh), then Pester (tests/Pester) in a fresh pwsh against
             out/AciTrace when Pester 5 is installed.
    Docs     regenerates out/AciTrace/en-US (MAML and about topic) from docs/help.
    Demo     starts the lab (src/AciTrace.Lab, samples/demo-cluster.yaml), imports the built module, runs the seed
             traces and shows their tables, then stops the lab.
    Package  publishes out/AciTrace to a local PSResource repository (out/repository): AciTrace.<version>.nupkg.

.EXAMPLE
    ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Demo', 'Package')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Lab spec for -Task Demo.
    [string] $LabSpec = 'samples/demo-cluster.yaml'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/AciTrace'

function Invoke-Native {
    # Runs a native command and stops on a non-zero exit code.
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FilePath exited with $LASTEXITCODE" }
}

function Invoke-BuildTask {
    Invoke-Native dotnet @('build', (Join-Path $root 'AciTrace.slnx'), '-c', $Configuration)
    if (-not (Test-Path (Join-Path $moduleDir 'AciTrace.psd1'))) { throw "the build did not lay out $moduleDir" }
    Test-ModuleManifest (Join-Path $moduleDir 'AciTrace.psd1') | Out-Null
    Write-Host "Module folder: $moduleDir"
}

function Invoke-TestTask {
    # Same as ./test.sh: the OVS-backed tests need /usr/sbin on PATH.
    $env:PATH = "/usr/sbin$([IO.Path]::PathSeparator)$env:PATH"
    Invoke-Native dotnet @('test', (Join-Path $root 'AciTrace.slnx'), '-c', $Configuration)

    $pester = Get-Module -ListAvailable Pester | Where-Object Version -GE ([version]'5.0.0') | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 is not installed: the Pester tests (tests/Pester) did not run. Install-PSResource Pester'
        return
    }

    # A fresh pwsh, so the module DLLs are not locked in this session and the tests import the built folder.
    $pwsh = (Get-Process -Id $PID).Path
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.0.0
`$env:ACITRACE_MODULE_PATH = '$moduleDir'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $root 'tests/Pester')'
`$config.Run.Exit = `$true
`$config.Output.Verbosity = 'Detailed'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = '$(Join-Path $root 'out/pester-results.xml')'
Invoke-Pester -Configuration `$config
"@
    Invoke-Native $pwsh @('-NoProfile', '-NonInteractive', '-Command', $script)
}

function Invoke-DocsTask {
    Invoke-Native dotnet @('run', '--project', (Join-Path $root 'tools/AciTrace.HelpBuilder'), '-c', $Configuration, '--',
        (Join-Path $root 'docs/help'), (Join-Path $moduleDir 'en-US'))
}

function Start-Lab {
    param([string] $StateDir)
    $log = Join-Path $StateDir 'lab-up.log'
    $err = Join-Path $StateDir 'lab-up.err'
    New-Item -ItemType Directory -Force -Path $StateDir | Out-Null
    $process = Start-Process -FilePath dotnet -PassThru -NoNewWindow -RedirectStandardOutput $log -RedirectStandardError $err `
        -ArgumentList @('run', '--project', (Join-Path $root 'src/AciTrace.Lab'), '-c', $Configuration, '--', 'up', (Join-Path $root $LabSpec), '--state-dir', $StateDir)
    $null = $process.Handle  # keeps ExitCode readable after exit (Start-Process -PassThru quirk)
    # `up` returns once the lab runs in the background (exit 0) and prints the kubeconfig path as its FIRST line.
    # 180 s: `dotnet run` may build first; `up` itself gives up after 60 s and prints the lab's log.
    if (-not $process.WaitForExit(180000)) {
        Stop-Process -Id $process.Id
        throw "the lab did not start within 180 s:`n$(Get-Content -Raw -ErrorAction SilentlyContinue $log)"
    }
    $details = (Get-Content -Raw -ErrorAction SilentlyContinue $log), (Get-Content -Raw -ErrorAction SilentlyContinue $err) -join "`n"
    if ($process.ExitCode -ne 0) { throw "the lab did not start (exit $($process.ExitCode)):`n$details" }
    # The first line that names a file (normally line 1; tolerates anything `dotnet run` prints before the program).
    $kubeconfig = Get-Content $log | ForEach-Object { $_.Trim() } | Where-Object { $_ -and (Test-Path -LiteralPath $_ -PathType Leaf) } | Select-Object -First 1
    if (-not $kubeconfig) { throw "the lab did not print a kubeconfig path:`n$details" }
    [pscustomobject]@{ Kubeconfig = (Resolve-Path -LiteralPath $kubeconfig).Path }
}

function Stop-Lab {
    param([string] $StateDir)
    # Stops the background lab process and every OVS daemon it started (exit 0 also when nothing runs).
    Invoke-Native dotnet @('run', '--project', (Join-Path $root 'src/AciTrace.Lab'), '-c', $Configuration, '--', 'down', '--state-dir', $StateDir)
}

function Get-SeedTrace {
    # samples/demo-traces.csv (Kind,Source,Destination,Protocol,DestinationPort) when the lab ships one;
    # otherwise every ordered pair of application pods, and each pod to each Service.
    param([string] $Kubeconfig)
    $csv = Join-Path $root 'samples/demo-traces.csv'
    if (Test-Path $csv) { return Import-Csv $csv }

    $system = 'kube-system', 'aci-containers-system'
    $pods = @((kubectl --kubeconfig $Kubeconfig get pods -A -o json | ConvertFrom-Json).items | Where-Object { $_.metadata.namespace -notin $system })
    $services = @((kubectl --kubeconfig $Kubeconfig get services -A -o json | ConvertFrom-Json).items |
        Where-Object { $_.metadata.namespace -notin $system -and $_.metadata.name -ne 'kubernetes' })
    foreach ($source in $pods) {
        $from = "$($source.metadata.namespace)/$($source.metadata.name)"
        foreach ($target in $pods | Where-Object { $_ -ne $source }) {
            [pscustomobject]@{ Kind = 'Pod'; Source = $from; Destination = "$($target.metadata.namespace)/$($target.metadata.name)"; Protocol = 'Icmp'; DestinationPort = '' }
        }
        foreach ($service in $services | Where-Object { $_.spec.PSObject.Properties['ports'] -and @($_.spec.ports).Count -gt 0 }) {
            $port = @($service.spec.ports)[0]
            [pscustomobject]@{ Kind = 'Service'; Source = $from; Destination = "$($service.metadata.namespace)/$($service.metadata.name)"; Protocol = $(if ($port.PSObject.Properties['protocol']) { $port.protocol } else { 'TCP' }); DestinationPort = "$($port.port)" }
        }
    }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    $stateDir = Join-Path $root '.lab'
    $lab = Start-Lab -StateDir $stateDir
    try {
        Write-Host "Lab kubeconfig: $($lab.Kubeconfig)" -ForegroundColor Green
        Import-Module (Join-Path $moduleDir 'AciTrace.psd1') -Force
        $cluster = @{ Kubeconfig = $lab.Kubeconfig }
        foreach ($seed in Get-SeedTrace -Kubeconfig $lab.Kubeconfig) {
            $packet = @{ Protocol = $seed.Protocol }
            if ($seed.DestinationPort) { $packet.DestinationPort = [int]$seed.DestinationPort }
            Write-Host "`n$($seed.Kind): $($seed.Source) -> $($seed.Destination) $($seed.Protocol) $($seed.DestinationPort)" -ForegroundColor Cyan
            $command = switch ($seed.Kind) { 'Service' { 'Get-AciServiceTrace' } 'External' { 'Get-AciExternalTrace' } default { 'Get-AciPodTrace' } }
            & $command -Source $seed.Source -Destination $seed.Destination @packet @cluster -Reply -ErrorAction Continue | Out-Host
        }
    }
    finally {
        Stop-Lab -StateDir $stateDir
    }
}

function Invoke-PackageTask {
    Invoke-BuildTask
    $repository = Join-Path $root 'out/repository'
    New-Item -ItemType Directory -Force -Path $repository | Out-Null
    $name = 'AciTraceLocal'
    $registered = Get-PSResourceRepository -Name $name -ErrorAction SilentlyContinue
    if (-not $registered) { Register-PSResourceRepository -Name $name -Uri $repository -Trusted }
    try {
        Publish-PSResource -Path $moduleDir -Repository $name
        Get-ChildItem $repository -Filter 'AciTrace.*.nupkg' | ForEach-Object { Write-Host "Package: $($_.FullName)" }
    }
    finally {
        if (-not $registered) { Unregister-PSResourceRepository -Name $name }
    }
}

foreach ($step in $Task) {
    Write-Host "== $step ==" -ForegroundColor Yellow
    & "Invoke-${step}Task"
}
