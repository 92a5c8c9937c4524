#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents, demonstrates and packages the AciTrace module.

.DESCRIPTION
    Build    dotnet build of the solution; lays out the loadable module folder out/AciTrace.
    Test     what ./test.sh runs: dotnet test, then the Pester suite (tests/Pester) in a fresh pwsh against
             out/AciTrace with a lab running; ends with one "Tests: N passed, N failed, N skipped" line and fails
             when any test failed.
    Docs     regenerates out/AciTrace/en-US (MAML and about topic) from docs/help.
    Demo     builds, starts the lab (samples/demo-cluster.yaml in ./.lab, or reuses the one running there), imports
             the module, traces the seed scenarios (samples/demo-traces.csv) and a client outside the cluster to
             the LoadBalancer Service shop/web-public, shows the connectivity matrix of
             the demo namespaces (and writes it as out/demo-connectivity.html), snapshots the lab to
             out/demo-snapshot.zip and traces the same pairs from it, and leaves the lab running with the next
             commands to type. -StopLab stops it at the end.
    Lab      starts the lab (or reuses it) and prints how to trace in it.
    StopLab  stops the lab of ./.lab (nothing is left running).
    Package  out/repository/AciTrace.<version>.nupkg: with Publish-PSResource when PSResourceGet is installed,
             otherwise with dotnet pack of the same layout (a PowerShell Gallery module package).

    On a machine without pwsh, tools/pwsh runs this script in a pwsh built from NuGet:
        tools/pwsh ./build.ps1 -Task Demo

.EXAMPLE
    ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Demo', 'Lab', 'StopLab', 'Package')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Lab spec for -Task Demo and -Task Lab.
    [string] $LabSpec = 'samples/demo-cluster.yaml',

    # -Task Demo: stop the lab when the demo is done.
    [switch] $StopLab,

    # -Task Package: use the module folder as it is (do not build first).
    [switch] $SkipBuild,

    # -Task Package: where the .nupkg goes.
    [string] $PackagePath = (Join-Path $PSScriptRoot 'out/repository'),

    # -Task Demo, Lab and StopLab: the lab's state directory.
    [string] $LabDirectory = (Join-Path $PSScriptRoot '.lab')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/AciTrace'
$labDir = [IO.Path]::GetFullPath($LabDirectory)
$labDll = Join-Path $root "src/AciTrace.Lab/bin/$Configuration/net10.0/AciTrace.Lab.dll"

function Invoke-Native {
    # Runs a native command and stops on a non-zero exit code.
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FilePath exited with $LASTEXITCODE" }
}

function Invoke-BuildTask {
    Invoke-Native dotnet @('build', (Join-Path $root 'AciTrace.slnx'), '-c', $Configuration, '-nologo', '-v', 'quiet')
    if (-not (Test-Path (Join-Path $moduleDir 'AciTrace.psd1'))) { throw "the build did not lay out $moduleDir" }
    Test-ModuleManifest (Join-Path $moduleDir 'AciTrace.psd1') | Out-Null
    Write-Host "Module folder: $moduleDir"
}

function Install-Ovs {
    # The lab runs one real Open vSwitch per simulated node.
    if ($IsLinux) { & (Join-Path $root 'tools/install-ovs.sh') }
    $env:PATH = "/usr/sbin$([IO.Path]::PathSeparator)$env:PATH"
}

function Invoke-TestTask {
    Install-Ovs
    $log = New-TemporaryFile
    try {
        & dotnet test (Join-Path $root 'AciTrace.slnx') -c $Configuration 2>&1 | Tee-Object -FilePath $log | Out-Host
        $dotnetExit = $LASTEXITCODE
        $text = Get-Content -Raw $log
        $count = { param($word) ([regex]::Matches($text, "$word\:\s+(\d+)") | ForEach-Object { [int]$_.Groups[1].Value } | Measure-Object -Sum).Sum }
        $passed, $failed, $skipped = (& $count 'Passed'), (& $count 'Failed'), (& $count 'Skipped')

        # Pester 5.9.1 from NuGet, laid out by the pwsh tool project; the suite runs in a fresh pwsh (this one's
        # binary), so the module DLLs are loaded from out/AciTrace and nothing of this session leaks in.
        Invoke-Native dotnet @('build', (Join-Path $root 'tools/AciTrace.Pwsh'), '-c', 'Release', '-nologo', '-v', 'quiet')
        $pwsh = (Get-Process -Id $PID).Path
        & $pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/Pester/Invoke-AciTraceTests.ps1') `
            -PesterPath (Join-Path $root 'tools/AciTrace.Pwsh/bin/Release/net10.0/Modules/Pester') -ModulePath $moduleDir `
            -LabDll $labDll -ResultPath (Join-Path $root 'out/pester-results.xml') 2>&1 | Tee-Object -FilePath $log | Out-Host
        $pesterExit = $LASTEXITCODE
        $line = Select-String -Path $log -Pattern '^Pester: (\d+) passed, (\d+) failed, (\d+) skipped' | Select-Object -Last 1
        if ($line) {
            $passed += [int]$line.Matches[0].Groups[1].Value
            $failed += [int]$line.Matches[0].Groups[2].Value
            $skipped += [int]$line.Matches[0].Groups[3].Value
        }
        else { $failed++ }
        Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
        if ($dotnetExit -ne 0 -or $pesterExit -ne 0 -or $failed -gt 0) { throw 'tests failed' }
    }
    finally { Remove-Item $log -ErrorAction SilentlyContinue }
}

function Invoke-DocsTask {
    Invoke-Native dotnet @('run', '--project', (Join-Path $root 'tools/AciTrace.HelpBuilder'), '-c', $Configuration, '--',
        (Join-Path $root 'docs/help'), (Join-Path $moduleDir 'en-US'))
}

function Get-RunningLab {
    # The kubeconfig of the lab running in ./.lab, or nothing.
    & dotnet $labDll status --state-dir $labDir *> $null
    if ($LASTEXITCODE -ne 0) { return }
    $kubeconfig = Join-Path $labDir 'kubeconfig'
    if (Test-Path $kubeconfig) { [pscustomobject]@{ Kubeconfig = $kubeconfig; Started = $false } }
}

function Start-Lab {
    Install-Ovs
    if (Get-RunningLab) { return Get-RunningLab }
    $output = & dotnet $labDll up (Join-Path $root $LabSpec) --state-dir $labDir 2>&1
    if ($LASTEXITCODE -ne 0) { throw "the lab did not start (exit $LASTEXITCODE):`n$($output -join "`n")" }
    # `up` prints the kubeconfig path as its first line.
    [pscustomobject]@{ Kubeconfig = ($output | Select-Object -First 1).ToString().Trim(); Started = $true }
}

function Get-ShortPath {
    # A path as the user would type it here: relative when under the current folder, else absolute.
    param([string] $Path)
    $relative = [IO.Path]::GetRelativePath((Get-Location).Path, $Path)
    if ($relative.StartsWith('..')) { $Path } else { './' + $relative }
}

function Write-LabHelp {
    param([string] $Kubeconfig)
    $relative = Get-ShortPath $Kubeconfig
    $module = Get-ShortPath $moduleDir
    Write-Host @"

The lab is running (API server on 127.0.0.1; kubeconfig $relative). Go on tracing in pwsh (tools/pwsh if you have none):

    Import-Module $module
    `$PSDefaultParameterValues['Get-Aci*:Kubeconfig'] = '$relative'
    Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80
    Get-AciServiceTrace shop/client kube-system/kube-dns -Protocol Udp -DestinationPort 53 -Reply
    Import-Csv $(Get-ShortPath (Join-Path $root 'samples/demo-traces.csv')) | Where-Object Kind -eq Pod | Get-AciPodTrace -Output Summary
    Get-AciConnectivity -Namespace shop | Where-Object Result -ne Deliver
    Get-AciFlow node-b br-access -Table SEC_GROUP_IN_TABLE
    kubectl --kubeconfig $relative get pods -A -o wide

Stop it with:  $(Get-ShortPath (Join-Path $root 'build.ps1')) -Task StopLab$(if ($labDir -ne (Join-Path $root '.lab')) { " -LabDirectory $labDir" })
"@ -ForegroundColor Green
}

function Invoke-LabTask {
    if (-not (Test-Path $labDll)) { Invoke-BuildTask }
    $lab = Start-Lab
    Write-LabHelp -Kubeconfig $lab.Kubeconfig
}

function Invoke-StopLabTask {
    if (Test-Path $labDll) { Invoke-Native dotnet @($labDll, 'down', '--state-dir', $labDir) }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    $lab = Start-Lab
    Import-Module (Join-Path $moduleDir 'AciTrace.psd1') -Force
    $cluster = @{ Kubeconfig = $lab.Kubeconfig }
    $commands = @{ Pod = 'Get-AciPodTrace'; Service = 'Get-AciServiceTrace'; External = 'Get-AciExternalTrace' }
    foreach ($seed in Import-Csv (Join-Path $root 'samples/demo-traces.csv')) {
        Write-Host "`n$($seed.Kind): $($seed.Source) -> $($seed.Destination) $($seed.Protocol) $($seed.DestinationPort)" -ForegroundColor Cyan
        # The row binds by property name, exactly as an Import-Csv pipeline would.
        $seed | & $commands[$seed.Kind] @cluster -Reply -ErrorAction Continue | Out-Host
    }
    Write-Host "`nFrom outside: Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -DestinationPort 80 -Reply (its LoadBalancer IP)" -ForegroundColor Cyan
    Get-AciServiceTrace -SourceAddress 203.0.113.7 shop/web-public -DestinationPort 80 -Reply @cluster -ErrorAction Continue | Out-Host
    Write-Host "`nWho reaches whom: Get-AciConnectivity -Namespace shop, data, jobs -Output Matrix" -ForegroundColor Cyan
    $matrix = Get-AciConnectivity -Namespace shop, data, jobs -Output Matrix @cluster -ErrorAction Continue
    $matrix | Out-Host
    $report = Join-Path $root 'out/demo-connectivity.html'
    $matrix | Export-AciReport $report -Title 'Demo lab connectivity'
    Write-Host "The same as a page (click a cell for its paths): $report"
    $snapshot = Join-Path $root 'out/demo-snapshot.zip'
    Write-Host "`nOffline: Save-AciSnapshot $snapshot, then the same matrix from the file (private local OVS)" -ForegroundColor Cyan
    Save-AciSnapshot $snapshot @cluster -ErrorAction Continue | Out-Host
    $offline = Get-AciConnectivity -Namespace shop, data, jobs -Output Summary -Snapshot $snapshot -ErrorAction Continue
    $live = $matrix.Cells | ForEach-Object Traces
    $changed = @($offline | Compare-AciTrace $live)
    Write-Host "$(@($offline).Count) probes traced from the snapshot; $($changed.Count) differ from the live ones (Compare-AciTrace)."
    if ($StopLab) { Invoke-StopLabTask } else { Write-LabHelp -Kubeconfig $lab.Kubeconfig }
}

function New-ModuleNuspec {
    # The .nuspec that Publish-PSResource would write for this module (PowerShell Gallery conventions).
    param([string] $Path)
    $manifest = Import-PowerShellDataFile (Join-Path $moduleDir 'AciTrace.psd1')
    $psData = $manifest.PrivateData.PSData
    $tags = @('PSModule', 'PSEdition_Core') + @($manifest.CmdletsToExport | ForEach-Object { "PSCmdlet_$_", "PSCommand_$_" }) + @($psData.Tags)
    $escape = { param($text) [System.Security.SecurityElement]::Escape([string]$text) }
    @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>AciTrace</id>
    <version>$($manifest.ModuleVersion)</version>
    <authors>$(& $escape $manifest.Author)</authors>
    <owners>$(& $escape $manifest.CompanyName)</owners>
    <description>$(& $escape $manifest.Description)</description>
    <copyright>$(& $escape $manifest.Copyright)</copyright>
    <license type="expression">MIT</license>
    <projectUrl>$(& $escape $psData.ProjectUri)</projectUrl>
    <tags>$(& $escape (($tags | Select-Object -Unique) -join ' '))</tags>
  </metadata>
  <files>
    <file src="**" target="" />
  </files>
</package>
"@ | Set-Content -Path $Path -Encoding utf8NoBOM
}

function Invoke-PackageTask {
    if (-not $SkipBuild) { Invoke-BuildTask }
    New-Item -ItemType Directory -Force -Path $PackagePath | Out-Null
    if (Get-Command Publish-PSResource -ErrorAction SilentlyContinue) {
        $name = 'AciTraceLocal'
        $registered = Get-PSResourceRepository -Name $name -ErrorAction SilentlyContinue
        if (-not $registered) { Register-PSResourceRepository -Name $name -Uri $PackagePath -Trusted }
        try { Publish-PSResource -Path $moduleDir -Repository $name }
        finally { if (-not $registered) { Unregister-PSResourceRepository -Name $name } }
    }
    else {
        # Without PSResourceGet: dotnet pack of a nuspec over the module folder gives the same package.
        Write-Host 'PSResourceGet is not installed: packing with dotnet pack instead (Install-Module Microsoft.PowerShell.PSResourceGet to publish with it).'
        $work = Join-Path $root 'out/package-work'
        Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
        New-Item -ItemType Directory -Force -Path $work | Out-Null
        New-ModuleNuspec -Path (Join-Path $work 'AciTrace.nuspec')
        @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <IncludeBuildOutput>false</IncludeBuildOutput>
    <NoBuild>true</NoBuild>
    <NuspecFile>AciTrace.nuspec</NuspecFile>
    <NuspecBasePath>$moduleDir</NuspecBasePath>
    <PackageOutputPath>$PackagePath</PackageOutputPath>
    <GenerateDocumentationFile>false</GenerateDocumentationFile>
    <!-- A module package, not a library: its DLLs belong at the root, where Import-Module finds them. -->
    <NoWarn>`$(NoWarn);NU5100;NU5110;NU5111</NoWarn>
  </PropertyGroup>
</Project>
"@ | Set-Content -Path (Join-Path $work 'AciTrace.Package.csproj')
        Invoke-Native dotnet @('pack', (Join-Path $work 'AciTrace.Package.csproj'), '-nologo', '-v', 'quiet')
        Remove-Item -Recurse -Force $work
    }
    Get-ChildItem $PackagePath -Filter 'AciTrace.*.nupkg' | ForEach-Object { Write-Host "Package: $($_.FullName)" }
}

foreach ($step in $Task) {
    Write-Host "== $step ==" -ForegroundColor Yellow
    & "Invoke-${step}Task"
}
