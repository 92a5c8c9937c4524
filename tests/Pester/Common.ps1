# Dot-sourced by every *.Tests.ps1 in BeforeAll: imports the built module and defines the shared helpers.
# Run the suite through ./test.sh or tests/Pester/Invoke-AciTraceTests.ps1: that runner starts the lab the
# lab-backed tests use. Without it they FAIL (they never skip).

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleDir = if ($env:ACITRACE_MODULE_PATH) { $env:ACITRACE_MODULE_PATH } else { Join-Path $RepoRoot 'out/AciTrace' }
Import-Module (Join-Path $ModuleDir 'AciTrace.psd1') -Force -ErrorAction Stop
$script:Cmdlets = 'Compare-AciTrace', 'ConvertFrom-AciOvsTrace', 'Export-AciReport', 'Get-AciConnectivity', 'Get-AciExternalTrace', 'Get-AciFlow', 'Get-AciPodTrace', 'Get-AciServiceTrace', 'Save-AciSnapshot'

function Get-LabKubeconfig {
    # The kubeconfig of the lab the runner started; a missing lab is a test failure, not a skip.
    if ($env:ACITRACE_LAB_ERROR) { throw $env:ACITRACE_LAB_ERROR }
    if (-not $env:ACITRACE_LAB_KUBECONFIG) {
        throw 'No lab is running: run the Pester suite through ./test.sh or tests/Pester/Invoke-AciTraceTests.ps1.'
    }
    $env:ACITRACE_LAB_KUBECONFIG
}

function Invoke-LabCli {
    # The lab's own CLI (faults, ...) against the running lab's state directory.
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $output = & dotnet $env:ACITRACE_LAB_DLL @Arguments --state-dir $env:ACITRACE_LAB_STATE_DIR 2>&1
    if ($LASTEXITCODE -ne 0) { throw "lab $($Arguments -join ' ') failed: $output" }
    $output
}

function Get-Rendered {
    # What the user sees at a terminal of -Width columns: the formatted text, as lines, trailing blanks removed.
    param([Parameter(Mandatory, ValueFromPipeline)] $InputObject, [Parameter(Mandatory)] [int] $Width, [string] $View, [switch] $List)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end {
        $text = if ($List) { $items | Format-List | Out-String -Width $Width }
        elseif ($View) { $items | Format-Table -View $View | Out-String -Width $Width }
        else { $items | Out-String -Width $Width }
        @($text -split "`r?`n" | ForEach-Object TrimEnd)
    }
}

function Get-TableRows {
    # The data rows of each table in rendered lines: the lines after a '---' underline, up to the next blank line.
    param([string[]] $Lines)
    $inTable = $false
    foreach ($line in $Lines) {
        if ($line -match '^-{2,}( +-{2,})*$') { $inTable = $true; continue }
        if ($inTable -and $line -eq '') { $inTable = $false; continue }
        if ($inTable) { $line }
    }
}

function Get-CompletionText {
    param([string] $Line)
    @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
}

function New-FakeKubectl {
    # A kubectl stand-in for the completers: logs its argv to kubectl.log and prints "kind/name" lines like -o name.
    param([string] $Directory)
    $path = Join-Path $Directory 'kubectl'
    $log = Join-Path $Directory 'kubectl.log'
    @"
#!/bin/sh
echo "`$*" >> '$log'
for a in "`$@"; do case "`$a" in --namespace=*) ns="`${a#--namespace=}";; esac; done
case "`$*" in
  *get-contexts*) printf 'lab\nprod\n' ;;
  *namespaces*)   printf 'namespace/default\nnamespace/shop\n' ;;
  *pods*)         if [ "`$ns" = shop ]; then printf 'pod/cart-5c6b\npod/frontend-7d9f\n'; else printf 'pod/client\n'; fi ;;
  *services*)     if [ "`$ns" = shop ]; then printf 'service/cart\n'; fi ;;
esac
"@ | Set-Content -Path $path -NoNewline
    chmod +x $path
    $path
}
