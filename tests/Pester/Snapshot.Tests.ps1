# Save-AciSnapshot and -Snapshot against the running lab: the snapshot is taken through both transports, then traced
# offline (each node's flows in a private local OVS) and compared with the live traces.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Kube = @{ Kubeconfig = (Get-LabKubeconfig); ErrorAction = 'Stop' }
    $script:TempBefore = @(Get-ChildItem ([IO.Path]::GetTempPath()) -Directory -Filter 'acitrace-*' | ForEach-Object FullName)
    $script:File = Join-Path $TestDrive 'lab.zip'
    $script:Saved = Save-AciSnapshot $File @Kube
    $script:NodeA = Join-Path $TestDrive 'node-a.zip'
    $script:SavedNodeA = Save-AciSnapshot $NodeA -Node node-a @Kube -Transport Kubectl
}

Describe 'Save-AciSnapshot' {
    It 'writes one zip with a manifest and says what it holds' {
        $Saved | Should -BeOfType ([AciTrace.AciSnapshot])
        $Saved.Path | Should -Be $File
        $Saved.Nodes | Should -Be @('node-a', 'node-b')
        $Saved.Flows | Should -BeGreaterThan 100
        $Saved.Pods | Should -Be @(kubectl --kubeconfig $Kube.Kubeconfig get pods -A -o name).Count
        $Saved.Bytes | Should -Be (Get-Item $File).Length
        $zip = [IO.Compression.ZipFile]::OpenRead($File)
        try {
            $names = @($zip.Entries.FullName)
            $names | Should -Contain 'manifest.json'
            $names | Should -Contain 'kube/pods.json'
            $names | Should -Contain 'nodes/node-b/datapath/dump-flows-br-access.txt'
            $names | Should -Contain 'nodes/node-b/gbp_inspect-dump.json'
            ($names | Where-Object { $_ -like 'nodes/node-a/opflex-agent-ovs/endpoints/*.ep' }).Count | Should -BeGreaterThan 0
            $reader = [IO.StreamReader]::new($zip.GetEntry('manifest.json').Open())
            $manifest = $reader.ReadToEnd() | ConvertFrom-Json
            $reader.Dispose()
            $manifest.format | Should -Be 'acitrace-snapshot/1'
            $manifest.files.Count | Should -Be ($names.Count - 1)
        }
        finally { $zip.Dispose() }
    }

    It 'records only the nodes given with -Node, through kubectl too' {
        $SavedNodeA.Nodes | Should -Be @('node-a')
        $SavedNodeA.Pods | Should -Be $Saved.Pods
    }

    It 'refuses an existing file with -NoClobber, a node without ACI pods, and writes nothing with -WhatIf' {
        $null = Save-AciSnapshot $File -NoClobber -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotFileExists,AciTrace.Commands.SaveAciSnapshotCommand'
        $other = Join-Path $TestDrive 'other.zip'
        $null = Save-AciSnapshot $other -Node node-z -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'NodeNotFound,AciTrace.Commands.SaveAciSnapshotCommand'
        $e[0].TargetObject | Should -Be $other
        $other | Should -Not -Exist
        Save-AciSnapshot $other -WhatIf -Kubeconfig $Kube.Kubeconfig | Should -BeNullOrEmpty
        $other | Should -Not -Exist
        $null = Save-AciSnapshot $TestDrive -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Should -BeNullOrEmpty -Because 'a folder is refused before the cluster is read'
        $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotWriteFailed,AciTrace.Commands.SaveAciSnapshotCommand'
        $null = Save-AciSnapshot (Join-Path $TestDrive 'missing/x.zip') -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotWriteFailed,AciTrace.Commands.SaveAciSnapshotCommand'
        @(Get-ChildItem $TestDrive -Filter '*.partial').Count | Should -Be 0
    }

    It 'is readable by its owner only' {
        (Get-Item $File).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'shows a snapshot in a table that fits <_> columns' -ForEach 80, 120 {
        $width = $_
        $lines = $Saved | Get-Rendered -Width $width
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $width }
        ($lines -join "`n") | Should -Match 'node-a, node-b'
        ($lines -join "`n") | Should -Match 'lab\.zip'
    }
}

Describe '-Snapshot' {
    It 'traces every pair of the demo namespaces offline to the live verdicts and paths' {
        $live = @(Get-AciConnectivity -Namespace shop, data, jobs -Output Summary @Kube)
        $offline = @(Get-AciConnectivity -Namespace shop, data, jobs -Output Summary -Snapshot $File -ErrorAction Stop)
        $offline.Count | Should -Be $live.Count
        @($offline | Compare-AciTrace $live) | Should -BeNullOrEmpty
        @($offline | Where-Object Verdict -eq Drop).Count | Should -BeGreaterThan 0
    }

    It 'traces pods, Services and external addresses, replies included, like live' {
        $cases = @(
            { param($k) Get-AciPodTrace shop/client shop/web-2 -DestinationPort 8080 -Reply -Output Summary @k },
            { param($k) Get-AciPodTrace jobs/job-1 data/db-2 -DestinationPort 5432 -Output Summary @k },
            { param($k) Get-AciServiceTrace shop/web-1 shop/web -DestinationPort 80 -Output Summary @k },
            { param($k) Get-AciExternalTrace jobs/job-1 93.184.216.34 -DestinationPort 443 -Reply -Output Summary @k })
        foreach ($case in $cases) {
            $live = @(& $case $Kube)
            $offline = @(& $case @{ Snapshot = $File; ErrorAction = 'Stop' })
            $offline.Verdict | Should -Be $live.Verdict
            $offline.Reason | Should -Be $live.Reason
            $offline.DnatAddress | Should -Be $live.DnatAddress
            $offline.SnatAddress | Should -Be $live.SnatAddress
        }
    }

    It 'lists the recorded flows with their rules and counters, without Open vSwitch' {
        $live = @(Get-AciFlow node-b br-access -Table SEC_GROUP_IN_TABLE @Kube)
        $env:ACITRACE_OVS_DIR = Join-Path $TestDrive 'no-ovs'
        try { $offline = @(Get-AciFlow node-b br-access -Table SEC_GROUP_IN_TABLE -Snapshot $File -ErrorAction Stop) }
        finally { Remove-Item Env:ACITRACE_OVS_DIR }
        $offline.Count | Should -Be $live.Count
        Compare-Object $live $offline -Property Table, Priority, Match, Rule | Should -BeNullOrEmpty
        ($offline | Where-Object Rule).Count | Should -BeGreaterThan 0
    }

    It 'says how to install Open vSwitch when a trace needs it and it is missing, once for all inputs' {
        $env:ACITRACE_OVS_DIR = Join-Path $TestDrive 'no-ovs'
        try {
            $errors = @(); $warnings = @()
            $out = @('shop/web-1', 'shop/web-2') | ForEach-Object { [pscustomobject]@{ Source = 'shop/client'; Destination = $_; DestinationPort = 8080 } } |
                Get-AciPodTrace -Snapshot $File -ErrorVariable errors -WarningVariable warnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        }
        finally { Remove-Item Env:ACITRACE_OVS_DIR }
        $out | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'LocalOvsNotInstalled,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'NotInstalled'
        $errors[0].Exception.Message | Should -Match 'apt-get install -y --no-install-recommends openvswitch-switch'
        $errors[0].Exception.Message | Should -Match 'ACITRACE_OVS_DIR'
        ($warnings -join "`n") | Should -Match '1 more input'
    }

    It 'fails a trace that needs a node the snapshot does not hold, naming it' {
        (Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Output Summary -Snapshot $NodeA -ErrorAction Stop).Verdict | Should -Be 'Deliver'
        $null = Get-AciPodTrace shop/client shop/web-2 -DestinationPort 8080 -Snapshot $NodeA -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotNodeMissing,AciTrace.Commands.GetAciPodTraceCommand'
        $e[0].Exception.Message | Should -Match "node 'node-b'"
    }

    It 'refuses a missing file, a file that is not a snapshot, and a cluster parameter beside it' {
        $null = Get-AciPodTrace shop/client shop/web-1 -Snapshot (Join-Path $TestDrive 'none.zip') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotNotFound,AciTrace.Commands.GetAciPodTraceCommand'
        $e[0].TargetObject | Should -Be 'shop/client -> shop/web-1'
        $text = Join-Path $TestDrive 'text.zip'
        'not a snapshot' | Set-Content $text
        $null = Get-AciFlow node-a -Snapshot $text -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotInvalid,AciTrace.Commands.GetAciFlowCommand'
        $null = Get-AciConnectivity -Namespace shop -Snapshot $File -Kubeconfig $Kube.Kubeconfig -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotConflictsWithCluster,AciTrace.Commands.GetAciConnectivityCommand'
    }

    It 'leaves a kubeconfig from $PSDefaultParameterValues unused beside -Snapshot, and says so' {
        $PSDefaultParameterValues['Get-Aci*:Kubeconfig'] = $Kube.Kubeconfig
        try {
            $verbose = Get-AciPodTrace shop/client shop/web-1 -DestinationPort 8080 -Output Summary -Snapshot $File -ErrorAction Stop -Verbose 4>&1
            ($verbose | Where-Object { $_ -is [AciTrace.AciTraceSummary] }).Verdict | Should -Be 'Deliver'
            ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain '-Kubeconfig comes from $PSDefaultParameterValues and is not used: -Snapshot reads the file instead of a cluster.'
            $null = Get-AciPodTrace shop/client shop/web-1 -Snapshot $File -Kubeconfig ./other -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotConflictsWithCluster,AciTrace.Commands.GetAciPodTraceCommand'
        }
        finally { $PSDefaultParameterValues.Remove('Get-Aci*:Kubeconfig') }
    }

    It 'completes namespaces, pods and Services from the snapshot, with no cluster' {
        Get-CompletionText "Get-AciPodTrace -Snapshot $File -Source shop/w" | Should -Be @('shop/web-1', 'shop/web-2')
        Get-CompletionText "Get-AciServiceTrace -Snapshot $File -SourceName x -DestinationNamespace shop -DestinationName " | Should -Be @('web', 'web-public')
        Get-CompletionText "Get-AciPodTrace -Snapshot $File -SourceNamespace d" | Should -Be @('data')
        Get-CompletionText "Get-AciPodTrace -Snapshot $(Join-Path $TestDrive 'none.zip') -Source shop/w" | Should -BeNullOrEmpty
    }

    It 'leaves no private OVS running and no extracted folder behind' {
        $left = @(Get-ChildItem ([IO.Path]::GetTempPath()) -Directory -Filter 'acitrace-*' | Where-Object FullName -notin $TempBefore |
            Where-Object { Test-Path (Join-Path $_.FullName 'kube') })
        $left | Should -BeNullOrEmpty
        $daemons = @(Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | ForEach-Object {
                try { [IO.File]::ReadAllText("$($_.FullName)/cmdline") } catch { '' } } | Where-Object { $_ -match 'acitrace-[0-9a-f]{12}/ovs' })
        $daemons | Should -BeNullOrEmpty
    }
}
