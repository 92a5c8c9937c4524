# Parameter binding from the command line and the pipeline. Every case here is refused or accepted before any
# cluster call, so no lab is needed: a packet that cannot be built is InvalidPacketField with the input as target.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:NoCluster = @{ Kubeconfig = (Join-Path $TestDrive 'no-such-kubeconfig'); ErrorAction = 'SilentlyContinue' }

}

Describe 'Binding from the pipeline' {
    It 'binds namespace/name strings to -Source; the pair is the error target' {
        $errors = $null
        'shop/frontend-7d9f' | Get-AciPodTrace -Destination shop/cart-5c6b -Protocol Icmp -DestinationPort 80 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].TargetObject | Should -Be 'shop/frontend-7d9f -> shop/cart-5c6b'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'binds pod objects from kubectl get pods -o json | ConvertFrom-Json; the pod object is the error target' {
        $json = '{"apiVersion":"v1","kind":"List","items":[' +
            '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"frontend-7d9f","namespace":"shop"},"status":{"podIP":"10.2.0.5"}},' +
            '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"client","namespace":"default"},"status":{"podIP":"10.2.0.6"}}]}'
        $pods = @(($json | ConvertFrom-Json).items)
        $errors = $null
        $pods | Get-AciPodTrace -Destination shop/cart-5c6b -Protocol Icmp -DestinationPort 80 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 2
        $errors[0].TargetObject | Should -Be $pods[0]
        $errors[1].TargetObject.metadata.name | Should -Be 'client'
        $errors[1].Exception.Message | Should -Match 'DestinationPort|Icmp'
    }

    It 'binds hashtables from ConvertFrom-Json -AsHashtable' {
        $errors = $null
        '{"kind":"Pod","metadata":{"name":"web-0","namespace":"shop"}}' | ConvertFrom-Json -AsHashtable |
            Get-AciPodTrace -Destination shop/cart-5c6b -Protocol Arp -SourcePort 5 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].TargetObject['metadata']['name'] | Should -Be 'web-0'
    }

    It 'accepts a pod object as the -Destination argument' {
        $pod = '{"kind":"Pod","metadata":{"name":"cart-5c6b","namespace":"shop"}}' | ConvertFrom-Json
        $errors = $null
        Get-AciPodTrace -Source shop/frontend-7d9f -Destination $pod -Protocol Icmp -DestinationPort 80 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].TargetObject | Should -Be 'shop/frontend-7d9f -> shop/cart-5c6b'
    }

    It 'binds CSV rows by property name; each row is the target of its own error' {
        $rows = @'
Source,Destination,Protocol,DestinationPort
shop/frontend-7d9f,shop/cart-5c6b,Icmp,80
default/client,shop/db-0,Icmp,5432
'@ | ConvertFrom-Csv
        $errors = $null
        $rows | Get-AciPodTrace -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.FullyQualifiedErrorId | Should -Be (@('InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand') * 2)
        $errors[0].TargetObject | Should -Be $rows[0]
        $errors[1].TargetObject | Should -Be $rows[1]
    }

    It 'binds rows with separate namespace and name columns (and an integer port) to the Name set' {
        $row = [pscustomobject]@{ SourceNamespace = 'shop'; SourceName = 'frontend-7d9f'; DestinationName = 'cart-5c6b'; Protocol = 'Icmp'; DestinationPort = 80 }
        $errors = $null
        $row | Get-AciPodTrace -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].TargetObject | Should -Be $row
    }

    It 'reports one error per bad input and goes on with the next' {
        $errors = $null
        'Bad_Name', 'shop/Also Bad' | Get-AciPodTrace -Destination shop/cart-5c6b -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 2
        $errors.FullyQualifiedErrorId | Should -Be (@('InvalidKubernetesName,AciTrace.Commands.GetAciPodTraceCommand') * 2)
        $errors.TargetObject | Should -Be @('Bad_Name -> shop/cart-5c6b', 'shop/Also Bad -> shop/cart-5c6b')
    }
}

Describe 'Strict values: a value that cannot be used is an error for that input, never a default' {
    It 'refuses <Column> = <Value> from a CSV row, naming the column and the value' -ForEach @(
        @{ Column = 'DestinationPort'; Value = 'abc' }
        @{ Column = 'DestinationPort'; Value = '0' }
        @{ Column = 'DestinationPort'; Value = '65536' }
        @{ Column = 'DestinationPort'; Value = '80.5' }
        @{ Column = 'SourcePort'; Value = 'x' }
        @{ Column = 'Protocol'; Value = 'Sctp' }
        @{ Column = 'Protocol'; Value = '6' }
    ) {
        $row = [pscustomobject]@{ Source = 'shop/a'; Destination = 'shop/b'; Protocol = 'Tcp'; DestinationPort = '80'; SourcePort = '' }
        $row.$Column = $Value
        $errors = $null
        $result = @($row | Get-AciPodTrace @NoCluster -ErrorVariable errors -Quiet)
        $result | Should -Be @($false)
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].Exception.Message | Should -Match "^$Column '$([regex]::Escape($Value))'"
        $errors[0].TargetObject | Should -Be $row
    }

    It 'refuses the same values on the command line with the same ErrorId' {
        { Get-AciPodTrace shop/a shop/b -DestinationPort 0 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        { Get-AciPodTrace shop/a shop/b -DestinationPort 65536 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        { Get-AciPodTrace shop/a shop/b -Protocol Sctp -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPacketField,AciTrace.Commands.GetAciPodTraceCommand'
        { Get-AciServiceTrace shop/a shop/b -Protocol Icmp -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPacketField,AciTrace.Commands.GetAciServiceTraceCommand'
        { Get-AciExternalTrace shop/a 192.0.2.1 -Protocol Arp -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPacketField,AciTrace.Commands.GetAciExternalTraceCommand'
        { Get-AciPodTrace shop/a shop/b -TimeoutSec 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AciTrace.Commands.GetAciPodTraceCommand'
    }

    It 'takes an empty cell as "not given": an Icmp row with an empty DestinationPort reaches the cluster' {
        $row = [pscustomobject]@{ Source = 'shop/a'; Destination = 'shop/b'; Protocol = 'Icmp'; DestinationPort = ''; SourcePort = ' ' }
        $errors = $null
        $row | Get-AciPodTrace @NoCluster -ErrorVariable errors
        # Past validation: the only error is the missing kubeconfig of this test.
        $errors.FullyQualifiedErrorId | Should -Be @('KubeconfigNotFound,AciTrace.Commands.GetAciPodTraceCommand')
    }

    It 'accepts Kubernetes spellings (TCP, udp) and JSON numbers' {
        $errors = $null
        '{"Source":"shop/a","Destination":"shop/b","Protocol":"UDP","DestinationPort":53}' | ConvertFrom-Json |
            Get-AciPodTrace @NoCluster -ErrorVariable errors
        $errors.FullyQualifiedErrorId | Should -Be @('KubeconfigNotFound,AciTrace.Commands.GetAciPodTraceCommand')
    }

    It 'writes exactly one boolean per input row with -Quiet, in input order' {
        $rows = @'
Source,Destination,Protocol,DestinationPort
shop/a,shop/b,Tcp,abc
Bad_Name,shop/b,Tcp,80
shop/a,shop/b,Sctp,80
shop/a,shop/b,Icmp,80
'@ | ConvertFrom-Csv
        $result = @($rows | Get-AciPodTrace @NoCluster -Quiet)
        $result.Count | Should -Be 4
        $result | ForEach-Object { $_ | Should -BeOfType ([bool]) }
    }

    It 'refuses -SourceName together with -Source' {
        { Get-AciPodTrace -Source shop/a -SourceName a -Destination shop/b } | Should -Throw -ErrorId 'AmbiguousParameterSet,AciTrace.Commands.GetAciPodTraceCommand'
    }
}

Describe 'Errors that do not depend on the input' {
    It 'writes a missing kubeconfig once for a whole CSV, not once per row, and counts the rest' {
        $rows = 1..25 | ForEach-Object { [pscustomobject]@{ Source = "shop/a$_"; Destination = 'shop/b'; DestinationPort = 80 } }
        $errors = $null; $warnings = $null
        # A kubectl stand-in that fails like a missing kubeconfig and logs each call: the rows after the first are
        # skipped without running it again.
        $fake = Join-Path $TestDrive 'failing-kubectl'
        $log = Join-Path $TestDrive 'failing-kubectl.log'
        "#!/bin/sh`necho call >> '$log'`necho 'error: stat /nowhere/kubeconfig: no such file or directory' >&2`nexit 1" | Set-Content $fake
        chmod +x $fake
        $answers = @($rows | Get-AciPodTrace -KubectlPath $fake -Quiet -ErrorVariable errors -WarningVariable warnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        @(Get-Content $log).Count | Should -BeLessOrEqual 3 -Because 'only the first row may reach kubectl' 
        $answers.Count | Should -Be 25
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'KubeconfigNotFound,AciTrace.Commands.GetAciPodTraceCommand'
        $errors[0].TargetObject | Should -Be $rows[0]
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match '^24 more input\(s\) failed .*KubeconfigNotFound'
    }

    It 'writes KubectlNotFound once when -KubectlPath does not exist, one $false per input with -Quiet' {
        $errors = $null
        $answers = @('shop/a', 'shop/c' | Get-AciPodTrace -Destination shop/b -KubectlPath (Join-Path $TestDrive 'no-such-kubectl') -Quiet -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $answers | Should -Be @($false, $false)
        $errors.FullyQualifiedErrorId | Should -Be @('KubectlNotFound,AciTrace.Commands.GetAciPodTraceCommand')
        { Get-AciPodTrace -Source shop/a -Destination shop/b -KubectlPath (Join-Path $TestDrive 'no-such-kubectl') -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubectlNotFound,AciTrace.Commands.GetAciPodTraceCommand'
    }
}

Describe 'ErrorIds of bad names' {
    It '<Id> from <Command>' -ForEach @(
        @{ Id = 'InvalidObjectReference'; Command = { Get-AciPodTrace -Source 'default/' -Destination shop/b -ErrorAction Stop } }
        @{ Id = 'InvalidObjectReference'; Command = { Get-AciPodTrace -Source shop/a/b -Destination shop/b -ErrorAction Stop } }
        @{ Id = 'InvalidKubernetesName'; Command = { Get-AciServiceTrace -Source shop/a -Destination shop/1cart -ErrorAction Stop } }
        @{ Id = 'InvalidKubernetesName'; Command = { Get-AciPodTrace -SourceName Bad_Name -DestinationName b -ErrorAction Stop } }
        @{ Id = 'InvalidPacketField'; Command = { Get-AciPodTrace -Source shop/a -Destination shop/b -Protocol Arp -DestinationPort 80 -ErrorAction Stop } }
        @{ Id = 'InvalidPacketField'; Command = { Get-AciExternalTrace -Source shop/a -Destination example.com -ErrorAction Stop } }
    ) {
        $name = ($Command.ToString().Trim() -split '\s')[0]
        $Command | Should -Throw -ErrorId "$Id,AciTrace.Commands.$($name.Replace('-', ''))Command"
    }
}
