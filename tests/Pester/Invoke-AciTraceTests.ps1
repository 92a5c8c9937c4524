#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the whole Pester suite (tests/Pester/*.Tests.ps1) against the built module, with a lab running.

.DESCRIPTION
    Called by ./test.sh and ./build.ps1 -Task Test in a fresh pwsh (the user's pwsh 7.4+, or the one built from
    Microsoft.PowerShell.SDK by tools/AciTrace.Pwsh). It:
      1. imports the pinned Pester (-PesterPath, the package's tools/ folder fetched from NuGet);
      2. starts a lab from samples/demo-cluster.yaml with the built AciTrace.Lab.dll (a failure to start is a
         failure of every lab-backed test, never a skip) and exports its kubeconfig as $env:ACITRACE_LAB_KUBECONFIG;
      3. runs Pester, names every skipped test, prints one closing line "Pester: N passed, N failed, N skipped";
      4. stops the lab (nothing is left running) and exits non-zero when a test failed or no test ran.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $LabDll,
    [string] $LabSpec = (Join-Path $PSScriptRoot '../../samples/demo-cluster.yaml'),
    [string] $ResultPath,
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')] [string] $Verbosity = 'Normal'
)

$ErrorActionPreference = 'Stop'
# Plain text: the log of a CI run has no terminal to colour.
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Join-Path (Resolve-Path -LiteralPath $PesterPath).Path 'Pester.psd1') -Force

$stateDir = Join-Path ([IO.Path]::GetTempPath()) "acitrace-pester-$PID"
$env:ACITRACE_MODULE_PATH = (Resolve-Path -LiteralPath $ModulePath).Path
$env:ACITRACE_LAB_DLL = (Resolve-Path -LiteralPath $LabDll).Path
# Older YamlDotNet and KubernetesClient assemblies (laid out by tools/AciTrace.Pwsh beside Pester) for the tests
# that load them first, as another module would.
$env:ACITRACE_CLASH_ASSEMBLIES = (Resolve-Path -LiteralPath (Join-Path $PesterPath '../../ClashAssemblies')).Path
$env:ACITRACE_LAB_KUBECONFIG = ''
$env:ACITRACE_LAB_ERROR = ''

$up = & dotnet $env:ACITRACE_LAB_DLL up $LabSpec --state-dir $stateDir 2>&1
if ($LASTEXITCODE -eq 0) {
    $env:ACITRACE_LAB_KUBECONFIG = ($up | Select-Object -First 1).ToString().Trim()
    $env:ACITRACE_LAB_STATE_DIR = $stateDir
}
else {
    # The lab-backed tests fail with this text instead of being skipped.
    $env:ACITRACE_LAB_ERROR = "the lab did not start (exit $LASTEXITCODE): $($up -join "`n")"
    Write-Warning $env:ACITRACE_LAB_ERROR
}

try {
    $config = New-PesterConfiguration
    $config.Run.Path = $PSScriptRoot
    $config.Run.PassThru = $true
    $config.Output.Verbosity = $Verbosity
    if ($ResultPath) {
        $config.TestResult.Enabled = $true
        $config.TestResult.OutputPath = $ResultPath
    }
    $result = Invoke-Pester -Configuration $config
}
finally {
    & dotnet $env:ACITRACE_LAB_DLL down --state-dir $stateDir *> $null
    Remove-Item -Recurse -Force -LiteralPath $stateDir -ErrorAction SilentlyContinue
}

foreach ($test in $result.Skipped) { Write-Host "Pester skipped: $($test.ExpandedPath)" }
foreach ($test in $result.Failed) { Write-Host "Pester failed: $($test.ExpandedPath)" }
foreach ($container in @($result.Containers | Where-Object { $_.ErrorRecord.Count -gt 0 })) {
    Write-Host "Pester container failed: $($container.Item): $($container.ErrorRecord -join '; ')"
}
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host "Pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($failed -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
