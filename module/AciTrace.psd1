@{
    RootModule           = 'AciTrace.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'dd56e627-9ce4-4bc3-ba33-8a902b67f222'
    Author               = 'AciTrace contributors'
    CompanyName          = 'AciTrace contributors'
    Copyright            = '(c) AciTrace contributors.'
    Description          = 'Traces a packet through the Open vSwitch bridges br-access and br-int of Kubernetes nodes running the Cisco ACI CNI (ovs-appctl ofproto/trace through kubectl) and returns objects per bridge pass and per flow-table hop, each with a Verdict.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Loaded before the root module so the cmdlets' reference to the engine resolves from this folder.
    RequiredAssemblies   = @('AciTrace.Core.dll', 'AciTrace.Replay.dll')
    FormatsToProcess     = @('AciTrace.Format.ps1xml')
    CmdletsToExport      = @('Get-AciPodTrace', 'Get-AciServiceTrace', 'Get-AciExternalTrace', 'Get-AciConnectivity', 'Export-AciReport', 'Compare-AciTrace', 'Get-AciFlow', 'Save-AciSnapshot', 'ConvertFrom-AciOvsTrace')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('ACI', 'Cisco', 'CNI', 'OpenvSwitch', 'OVS', 'Kubernetes', 'OpenShift', 'Networking', 'Troubleshooting', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://spdx.org/licenses/MIT.html'
            ProjectUri   = 'https://github.com/acitrace/AciTrace'
            ReleaseNotes = 'See CHANGELOG.md in the module folder.'
        }
    }
}
