# The module as PowerShell loads it: exports, cmdlet metadata, help, manifest and the module folder.
BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Module' {
    It 'exports exactly its nine cmdlets, at the manifest version' {
        (Get-Command -Module AciTrace).Name | Sort-Object | Should -Be $Cmdlets
        $module = Get-Module AciTrace
        $module.Version | Should -Be ([version](Import-PowerShellDataFile (Join-Path $ModuleDir 'AciTrace.psd1')).ModuleVersion)
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
    }

    It 'loads into its own folder only, without a copy of System.Management.Automation' {
        @(Get-ChildItem $ModuleDir -Recurse -Filter 'System.Management.Automation*').Count | Should -Be 0
        foreach ($file in 'AciTrace.psd1', 'AciTrace.Format.ps1xml', 'AciTrace.Cmdlets.dll', 'AciTrace.Core.dll', 'AciTrace.Replay.dll', 'LICENSE',
            'en-US/AciTrace.Cmdlets.dll-Help.xml', 'en-US/about_AciTrace.help.txt') {
            Join-Path $ModuleDir $file | Should -Exist
        }
    }

    It 'ships the manifest and views from module/ unchanged' {
        foreach ($file in 'AciTrace.psd1', 'AciTrace.Format.ps1xml') {
            Get-Content -Raw (Join-Path $ModuleDir $file) | Should -BeExactly (Get-Content -Raw (Join-Path $RepoRoot "module/$file"))
        }
    }

    It 'has a manifest that passes Test-ModuleManifest, with license and project metadata' {
        $manifest = Test-ModuleManifest (Join-Path $ModuleDir 'AciTrace.psd1')
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.ProjectUri | Should -Not -BeNullOrEmpty
        $data = Import-PowerShellDataFile (Join-Path $ModuleDir 'AciTrace.psd1')
        $data.CmdletsToExport | Sort-Object | Should -Be $Cmdlets
        $data.FunctionsToExport.Count | Should -Be 0
        Join-Path $RepoRoot 'LICENSE' | Should -Exist
    }

    It '<_> is a sealed PSCmdlet named <Verb><Noun>Command with constant parameter sets' -ForEach @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace', 'Get-AciConnectivity', 'Export-AciReport', 'Compare-AciTrace', 'Get-AciFlow', 'Save-AciSnapshot', 'ConvertFrom-AciOvsTrace') {
        $command = Get-Command $_
        $type = $command.ImplementingType
        $type.IsSealed | Should -BeTrue
        $type.FullName | Should -Be "AciTrace.Commands.$($_.Replace('-', ''))Command"
        $type.IsSubclassOf([System.Management.Automation.PSCmdlet]) | Should -BeTrue
        $constants = $type.GetFields('Public,Static') | Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
        foreach ($set in $command.ParameterSets.Name | Where-Object { $_ -ne '__AllParameterSets' }) { $constants | Should -Contain $set }
        if ($_ -like 'Get-Aci*Trace') { $command.DefaultParameterSet | Should -Be 'Reference' }
    }

    It 'Get-AciConnectivity declares the cell, summary and matrix types' {
        (Get-Command Get-AciConnectivity).OutputType.Name | Sort-Object -Unique | Should -Be @('AciTrace.AciConnectivityCell', 'AciTrace.AciConnectivityMatrix', 'AciTrace.AciTraceSummary')
    }

    It 'ConvertFrom-AciOvsTrace declares the pass, hop and summary types' {
        (Get-Command ConvertFrom-AciOvsTrace).OutputType.Name | Sort-Object -Unique | Should -Be @('AciTrace.AciBridgePass', 'AciTrace.AciTableHop', 'AciTrace.AciTraceSummary')
    }

    It '<_> declares its output types in every parameter set' -ForEach @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace') {
        $command = Get-Command $_
        $command.OutputType.Name | Sort-Object -Unique | Should -Be @('AciTrace.AciBridgePass', 'AciTrace.AciTableHop', 'AciTrace.AciTraceSummary', 'System.Boolean')
        foreach ($set in $command.ParameterSets.Name) {
            $declared = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $false) |
                Where-Object { $set -in $_.ParameterSetName }
            @($declared).Count | Should -BeGreaterThan 0 -Because "set $set needs an [OutputType]"
        }
    }

    It '<_> takes one whole object from the pipeline per set (Source, plus the hidden InputObject), positions unique' -ForEach @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace') {
        foreach ($set in (Get-Command $_).ParameterSets) {
            $byValue = $set.Parameters | Where-Object ValueFromPipeline | ForEach-Object Name | Sort-Object
            if ($set.Name -eq 'Reference') { $byValue | Should -Be @('InputObject', 'Source') } else { $byValue | Should -Be @('InputObject') }
            $positions = @($set.Parameters | Where-Object Position -GE 0 | ForEach-Object Position)
            $positions.Count | Should -Be @($positions | Sort-Object -Unique).Count
            ($set.Parameters | Where-Object Name -eq 'InputObject').Attributes.DontShow | Should -Contain $true
        }
    }
}

Describe 'Help' {
    It '<_> has a real synopsis, description, at least 3 examples including a drop report' -ForEach @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace', 'Get-AciConnectivity', 'Export-AciReport', 'Compare-AciTrace', 'Get-AciFlow', 'Save-AciSnapshot', 'ConvertFrom-AciOvsTrace') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -Match '^\s*Get-Aci'   # auto-generated help would only repeat the syntax
        ($help.Description | Out-String) | Should -Not -BeNullOrEmpty
        $examples = @($help.Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 3
        ($examples.Code -join "`n") | Should -Match 'Where-Object Verdict -eq Drop'
        ($help.RelatedLinks.NavigationLink.LinkText) | Should -Contain 'about_AciTrace'
        $declared = (Get-Command $_).OutputType.Name | Sort-Object -Unique
        $help.ReturnValues.ReturnValue.Type.Name | Sort-Object | Should -Be $declared
    }

    It '<_> documents every visible parameter as the cmdlet declares it' -ForEach @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace', 'Get-AciConnectivity', 'Export-AciReport', 'Compare-AciTrace', 'Get-AciFlow', 'Save-AciSnapshot', 'ConvertFrom-AciOvsTrace') {
        $command = Get-Command $_
        $help = Get-Help $_ -Full
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($parameter in $command.Parameters.Values | Where-Object { $_.Name -notin $common }) {
            $hidden = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }
            $documented = $help.Parameters.Parameter | Where-Object Name -eq $parameter.Name
            if ($hidden) { $documented | Should -BeNullOrEmpty; continue }
            $documented | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a help entry"
            ($documented.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
            $documented.Type.Name | Should -Be $parameter.ParameterType.Name -Because "-$($parameter.Name)'s help type"
            $mandatory = @($parameter.ParameterSets.Values.IsMandatory)
            $documented.Required | Should -Be ([string]($mandatory -notcontains $false)).ToLowerInvariant() -Because "-$($parameter.Name) Required"
            $byValue = @($parameter.ParameterSets.Values.ValueFromPipeline) -contains $true
            $byName = @($parameter.ParameterSets.Values.ValueFromPipelineByPropertyName) -contains $true
            $expected = if ($byValue -and $byName) { 'True (ByPropertyName, ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } else { 'False' }
            $documented.PipelineInput | Should -Be $expected -Because "-$($parameter.Name) pipeline input"
        }
    }

    It '<_> shows one syntax per parameter set' -ForEach @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace', 'Get-AciConnectivity', 'Export-AciReport', 'Compare-AciTrace', 'Get-AciFlow', 'Save-AciSnapshot', 'ConvertFrom-AciOvsTrace') {
        @((Get-Help $_).Syntax.SyntaxItem).Count | Should -Be (Get-Command $_).ParameterSets.Count
    }

    It 'ships about_AciTrace, readable at 80 columns, listing every verdict' {
        $lines = @(Get-Help about_AciTrace | Out-String -Width 80) -split "`r?`n"
        ($lines -join "`n") | Should -Match 'InvalidObjectReference'
        $long = @($lines | Where-Object { $_.TrimEnd().Length -gt 80 })
        $long | Should -BeNullOrEmpty -Because 'about_AciTrace is read in an 80-column terminal'
        foreach ($verdict in [enum]::GetNames([AciTrace.TraceVerdict])) { ($lines -join "`n") | Should -Match "\b$verdict\b" }
    }
}

Describe 'Error categories' {
    It 'maps every engine error kind to a PowerShell ErrorCategory of the same name' {
        $categories = [enum]::GetNames([System.Management.Automation.ErrorCategory])
        foreach ($kind in [enum]::GetNames([AciTrace.Engine.AciErrorKind])) { $categories | Should -Contain $kind }
    }
}
