# The two transports: how one is chosen (parameter, environment, kubeconfig), and the in-process one loaded in its
# own AssemblyLoadContext so that another module's YamlDotNet or KubernetesClient never clashes with it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kubeconfig = Get-LabKubeconfig
    $script:Pwsh = (Get-Process -Id $PID).Path

    function Get-TransportLine {
        # The -Verbose line that says which transport a trace used, and the trace's verdict.
        param([hashtable] $Parameters)
        $records = @(Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Output Summary @Parameters -Verbose 4>&1)
        [pscustomobject]@{
            Line    = ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Select-Object -First 1).Message
            Verdict = ($records | Where-Object { $_ -is [AciTrace.AciTraceSummary] }).Verdict
        }
    }

    function New-LabKubeconfig {
        # A copy of the lab's kubeconfig with its user's token moved to -UserText (e.g. a tokenFile).
        param([string] $Name, [scriptblock] $Edit)
        $path = Join-Path $TestDrive "$Name.kubeconfig"
        $text = Get-Content -Raw $Kubeconfig
        Set-Content -Path $path -Value (& $Edit $text)
        $path
    }

    function Invoke-FreshPwsh {
        # Runs -Script in a new pwsh process (nothing of this session loaded) and returns its output lines.
        param([string] $Script)
        $output = & $Pwsh -NoProfile -NonInteractive -Command $Script 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($output | ForEach-Object { "$_" }) -join "`n" }
    }
}

Describe 'Choosing the transport' {
    AfterEach { Remove-Item Env:ACITRACE_TRANSPORT -ErrorAction SilentlyContinue }

    It 'uses KubernetesClient in process by default, and says so with -Verbose' {
        $run = Get-TransportLine @{ Kubeconfig = $Kubeconfig }
        $run.Line | Should -Match '^Using transport KubernetesClient \(the default\); API server https://127\.0\.0\.1:\d+\.$'
        $run.Verdict | Should -Be 'Deliver'
    }

    It 'uses kubectl with -Transport Kubectl, with $env:ACITRACE_TRANSPORT, and when -KubectlPath is given' {
        (Get-TransportLine @{ Kubeconfig = $Kubeconfig; Transport = 'Kubectl' }).Line | Should -Be 'Using transport Kubectl was asked for (-Transport).'
        $env:ACITRACE_TRANSPORT = 'kubectl'
        (Get-TransportLine @{ Kubeconfig = $Kubeconfig }).Line | Should -Be 'Using transport Kubectl was asked for ($ACITRACE_TRANSPORT).'
        (Get-TransportLine @{ Kubeconfig = $Kubeconfig; Transport = 'KubernetesClient' }).Line | Should -Match '^Using transport KubernetesClient was asked for \(-Transport\)'
        Remove-Item Env:ACITRACE_TRANSPORT
        $kubectl = (Get-Command kubectl -CommandType Application | Select-Object -First 1).Source
        $run = Get-TransportLine @{ Kubeconfig = $Kubeconfig; KubectlPath = $kubectl }
        $run.Line | Should -Be 'Using transport Kubectl, because -KubectlPath was given.'
        $run.Verdict | Should -Be 'Deliver'
    }

    It 'refuses an $env:ACITRACE_TRANSPORT that names no transport, before any cluster call' {
        $env:ACITRACE_TRANSPORT = 'spdy'
        $errors = $null
        $answers = @('shop/client', 'shop/locked') | Get-AciPodTrace -Destination shop/web-1 -DestinationPort 8080 -Kubeconfig $Kubeconfig -Quiet -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidTransport,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].Exception.Message | Should -Match "ACITRACE_TRANSPORT is 'spdy'.*KubernetesClient or Kubectl"
        $answers | Should -Be @($false, $false)
    }

    It 'hands over to kubectl, saying why, when the kubeconfig uses <Setting>' -ForEach @(
        @{ Setting = 'tokenFile'; Edit = { param($t) $t -replace '(?m)^    token: "([^"]+)"', "    tokenFile: `"$(Join-Path $TestDrive 'token')`"" }; Traces = $true }
        @{ Setting = 'as'; Edit = { param($t) $t -replace '(?m)^(    token: "[^"]+")', "`$1`n    as: `"someone`"" }; Traces = $false }
        @{ Setting = 'proxy-url'; Edit = { param($t) $t -replace '(?m)^(    server: "[^"]+")', "`$1`n    proxy-url: `"http://127.0.0.1:9`"" }; Traces = $false }
    ) {
        $token = [regex]::Match((Get-Content -Raw $Kubeconfig), '(?m)^    token: "([^"]+)"').Groups[1].Value
        Set-Content -Path (Join-Path $TestDrive 'token') -Value $token -NoNewline
        $config = New-LabKubeconfig -Name $Setting -Edit $Edit
        $records = @(Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Output Summary -Kubeconfig $config -Verbose -ErrorAction SilentlyContinue 4>&1)
        $line = ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Select-Object -First 1).Message
        $line | Should -Be "Using transport Kubectl instead of KubernetesClient, because the kubeconfig's $(if ($Setting -eq 'proxy-url') { "cluster 'aci-lab'" } else { "user 'aci-lab-admin'" }) sets '$Setting', which KubernetesClient does not honour."
        if ($Traces) { ($records | Where-Object { $_ -is [AciTrace.AciTraceSummary] }).Verdict | Should -Be 'Deliver' }
    }

    It 'gives the same ErrorId and target for a missing pod through both transports' {
        foreach ($transport in 'KubernetesClient', 'Kubectl') {
            $errors = $null
            Get-AciPodTrace shop/no-such-pod shop/web-1 -DestinationPort 8080 -Kubeconfig $Kubeconfig -Transport $transport -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -Be 'PodNotFound,AciTrace.Commands.GetAciPodTraceCommand'
            $errors[0].TargetObject | Should -Be 'shop/no-such-pod -> shop/web-1'
            $errors[0].Exception.Message | Should -Match "The pod 'no-such-pod' was not found in namespace 'shop'"
        }
    }

    It 'reports an API server that does not answer as ClusterUnreachable through both transports' {
        $config = New-LabKubeconfig -Name 'closed' -Edit { param($t) $t -replace 'server: "https://127\.0\.0\.1:\d+"', 'server: "https://127.0.0.1:9"' }
        foreach ($transport in 'KubernetesClient', 'Kubectl') {
            $errors = $null
            Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Kubeconfig $config -Transport $transport -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -Be 'ClusterUnreachable,AciTrace.Commands.GetAciPodTraceCommand'
        }
    }
}

Describe 'Loading beside other modules' {
    It 'traces after another module loaded <Package> <Version> into the default context' -ForEach @(
        @{ Package = 'YamlDotNet'; Version = '16.3.0' }
        @{ Package = 'KubernetesClient'; Version = '19.0.2' }
    ) {
        $other = Join-Path $env:ACITRACE_CLASH_ASSEMBLIES "$Package/$Package.dll"
        $other | Should -Exist
        $run = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$other'
Import-Module '$ModuleDir/AciTrace.psd1'
(Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Kubeconfig '$Kubeconfig' -Output Summary).Verdict
`$default = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq '$Package' -and [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_) -eq [System.Runtime.Loader.AssemblyLoadContext]::Default }
'default: ' + `$default.GetName().Version
`$ours = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'AciTrace.KubeApi'
'ours: ' + ((`$ours.Assemblies | ForEach-Object { `$_.GetName().Name + ' ' + `$_.GetName().Version } | Sort-Object) -join ', ')
"@
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $lines = $run.Text -split "`n"
        $lines[0] | Should -Be 'Deliver'
        # Assembly versions carry the major version only (16.0.0.0 for package 16.3.0).
        $lines[1] | Should -Be "default: $($Version.Split('.')[0]).0.0.0"
        $lines[2] | Should -Match 'AciTrace\.KubeApi 0\.1\.0\.0'
        $lines[2] | Should -Match 'KubernetesClient 21\.0\.0\.0'
        $lines[2] | Should -Match 'YamlDotNet 18\.0\.0\.0'
    }

    It 'keeps one transport context across Import-Module -Force, and traces after it' {
        $run = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleDir/AciTrace.psd1'
(Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Kubeconfig '$Kubeconfig' -Output Summary).Verdict
Import-Module '$ModuleDir/AciTrace.psd1' -Force
Import-Module '$ModuleDir/AciTrace.psd1' -Force
(Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Kubeconfig '$Kubeconfig' -Output Summary).Verdict
@([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'AciTrace.KubeApi').Count
"@
        $run.ExitCode | Should -Be 0 -Because $run.Text
        ($run.Text -split "`n") | Should -Be @('Deliver', 'Deliver', '1')
    }

    It 'never loads the in-process transport for a kubectl-only session' {
        $run = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleDir/AciTrace.psd1'
(Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Kubeconfig '$Kubeconfig' -Transport Kubectl -Output Summary).Verdict
@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'KubernetesClient', 'AciTrace.KubeApi' }).Count
"@
        $run.ExitCode | Should -Be 0 -Because $run.Text
        ($run.Text -split "`n") | Should -Be @('Deliver', '0')
    }
}
