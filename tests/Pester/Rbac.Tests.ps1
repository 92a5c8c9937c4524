# The shipped Role and ClusterRole (docs/rbac/acitrace-reader.yaml) are enough, and every rule in them is needed:
# a lab whose viewer user has exactly those rules (lab up --rbac-role) traces; without any one rule, the trace
# fails with the KubeForbidden error that names it (or, for NetworkPolicies, warns that it cannot name them).
BeforeDiscovery {
    $roleText = Get-Content -Raw (Join-Path $PSScriptRoot '../../docs/rbac/acitrace-reader.yaml')
    $script:Rules = @([regex]::Matches($roleText, '(?m)^  - apiGroups: (?<groups>\[.*\])\r?\n\s+resources: \["(?<resource>[^"]+)"\]\r?\n\s+verbs: \[(?<verbs>.*)\]') |
        ForEach-Object { @{ Resource = $_.Groups['resource'].Value; Text = $_.Value } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:RoleFile = Join-Path $RepoRoot 'docs/rbac/acitrace-reader.yaml'
    $null = Get-LabKubeconfig   # the lab DLL and a working lab setup are required

    function Invoke-RbacLab {
        # Starts a lab whose viewer has the rules of -RoleText, runs a Service trace and a dropping pod trace as
        # the viewer through each transport, stops the lab, and returns per transport the summaries, errors and warnings.
        param([string] $RoleText)
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory $dir
        $role = Join-Path $dir 'role.yaml'
        Set-Content -Path $role -Value $RoleText
        $up = & dotnet $env:ACITRACE_LAB_DLL up (Join-Path $RepoRoot 'samples/demo-cluster.yaml') --state-dir $dir --rbac-role $role 2>&1
        if ($LASTEXITCODE -ne 0) { throw "the RBAC lab did not start: $up" }
        try {
            foreach ($transport in 'KubernetesClient', 'Kubectl') {
                $viewer = @{ Kubeconfig = (Join-Path $dir 'kubeconfig-viewer'); Transport = $transport; ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' }
                $errors = $null; $warnings = $null
                $summaries = @(
                    Get-AciServiceTrace shop/client kube-system/kube-dns -Protocol Udp -DestinationPort 53 -Output Summary @viewer -ErrorVariable +errors -WarningVariable +warnings
                    Get-AciPodTrace shop/client shop/web-2 -DestinationPort 80 -Output Summary @viewer -ErrorVariable +errors -WarningVariable +warnings
                )
                $cells = @(Get-AciConnectivity -Namespace shop -DestinationSelector 'app=web' @viewer -ErrorVariable +errors -WarningVariable +warnings)
                [pscustomobject]@{ Transport = $transport; Summaries = $summaries; Cells = $cells; Errors = @($errors); Warnings = @($warnings | ForEach-Object { "$_" }) }
            }
        }
        finally {
            & dotnet $env:ACITRACE_LAB_DLL down --state-dir $dir *> $null
        }
    }
}

Describe 'The shipped RBAC role' {
    It 'has the rules the tests below remove one by one' {
        $Rules.Resource | Should -Be @('pods', 'services', 'endpointslices', 'networkpolicies', 'pods/exec')
    }

    It 'is enough: both traces and a connectivity check succeed with no error and no warning, through both transports' {
        $runs = Invoke-RbacLab -RoleText (Get-Content -Raw $RoleFile)
        $runs.Transport | Should -Be @('KubernetesClient', 'Kubectl')
        foreach ($run in $runs) {
            $run.Errors | Should -BeNullOrEmpty
            $run.Warnings | Should -BeNullOrEmpty
            $run.Summaries.Verdict | Should -Be @('Deliver', 'Drop')
            $run.Summaries[1].DropCause | Should -Be 'NetworkPolicy shop/web-ingress'
            $run.Cells.Count | Should -BeGreaterThan 0
        }
    }

    It 'needs list on Services for Get-AciConnectivity (the ports Services send to), through both transports' {
        $runs = Invoke-RbacLab -RoleText ((Get-Content -Raw $RoleFile).Replace('resources: ["services"]' + "`n" + '    verbs: ["get", "list"]', 'resources: ["services"]' + "`n" + '    verbs: ["get"]'))
        foreach ($run in $runs) {
            $run.Summaries.Verdict | Should -Be @('Deliver', 'Drop')
            $run.Cells | Should -BeNullOrEmpty
            $forbidden = @($run.Errors | Where-Object { $_.FullyQualifiedErrorId -like 'KubeForbidden,*' })
            $forbidden.Count | Should -Be 1 -Because "$($run.Transport) must fail the connectivity check"
            $forbidden[0].Exception.Message | Should -Match "User 'viewer' is not allowed to list services "
        }
    }

    It 'needs its <Resource> rule, through both transports' -ForEach $Rules {
        $runs = Invoke-RbacLab -RoleText ((Get-Content -Raw $RoleFile).Replace($Text, ''))
        $runs.Transport | Should -Be @('KubernetesClient', 'Kubectl')
        $qualified = switch ($Resource) {
            'endpointslices' { 'endpointslices.discovery.k8s.io' }
            'networkpolicies' { 'networkpolicies.networking.k8s.io' }
            default { $Resource }
        }
        foreach ($run in $runs) {
            if ($Resource -eq 'networkpolicies') {
                # Not fatal: the drop is still found, and a warning says which permission would name its policy.
                $run.Errors | Should -BeNullOrEmpty
                $run.Summaries[1].Verdict | Should -Be 'Drop'
                ($run.Warnings -join "`n") | Should -Match "not allowed to list $([regex]::Escape($qualified)) in namespace 'shop'"
                ($run.Warnings -join "`n") | Should -Match 'rbac/acitrace-reader.yaml'
            }
            else {
                $run.Errors.Count | Should -BeGreaterThan 0 -Because "$($run.Transport) must fail"
                $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'KubeForbidden,*'
                $run.Errors[0].Exception.Message | Should -Match "User 'viewer' is not allowed to \w+ $([regex]::Escape($qualified)) "
                $run.Errors[0].Exception.Message | Should -Match 'apply rbac/acitrace-reader.yaml'
            }
        }
    }
}
