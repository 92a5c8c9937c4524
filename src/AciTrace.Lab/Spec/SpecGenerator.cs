using System.Globalization;

namespace AciTrace.Lab.Spec;

/// <summary>Random but valid cluster specs for randomized tests.</summary>
public static class SpecGenerator
{
    /// <summary>
    /// A random valid spec: nodes, namespaces/EPGs, pods with labels and named ports, services, NetworkPolicies
    /// (ingress and egress, pod/namespace selectors, ipBlocks with except, named and numeric ports), contracts,
    /// a SNAT policy and pod-to-pod / pod-to-external scenarios. The same seed gives the same spec.
    /// </summary>
    public static ClusterSpec Random(int seed, int nodes = 3, int pods = 30, int policies = 6, int scenarios = 40)
    {
        var r = new Random(seed);
        string Pick(IReadOnlyList<string> xs) => xs[r.Next(xs.Count)];
        var spec = new ClusterSpec { PodSubnets = [new SubnetSpec { Cidr = "10.2.0.0/16" }] };
        for (var i = 0; i < nodes; i++) spec.Nodes.Add(new NodeSpec { Name = $"node-{i}" });
        var epgNames = new[] { "web", "api", "db", "batch" };
        for (var i = 0; i < epgNames.Length; i++)
            spec.Epgs.Add(new EpgSpec { Name = $"aci-containers-kube|{epgNames[i]}", Vnid = (0x8c8020 + i).ToString(CultureInfo.InvariantCulture) });
        var nsNames = new[] { "alpha", "beta", "gamma" };
        foreach (var ns in nsNames)
            spec.Namespaces.Add(new NamespaceSpec { Name = ns, Epg = $"aci-containers-kube|{Pick(epgNames)}", Labels = new() { ["tier"] = Pick(["front", "back"]) } });
        var apps = new[] { "a", "b", "c", "d" };
        var portNames = new[] { ("http", 8080), ("grpc", 9090), ("pg", 5432) };
        for (var i = 0; i < pods; i++)
        {
            var (pn, pp) = portNames[r.Next(portNames.Length)];
            var pod = new PodSpec
            {
                Namespace = Pick(nsNames), Name = $"pod-{i}", Node = $"node-{r.Next(nodes)}",
                Labels = new() { ["app"] = Pick(apps), ["role"] = Pick(["x", "y"]) },
                Ports = [new ContainerPortSpec { Name = pn, ContainerPort = pp }],
            };
            if (r.Next(6) == 0) pod.Epg = $"aci-containers-kube|{Pick(epgNames)}";
            spec.Pods.Add(pod);
        }
        spec.Services.Add(new ServiceSpec { Namespace = "alpha", Name = "svc-a", Selector = new() { ["app"] = "a" }, Ports = [new ServicePortSpec { Port = 80, TargetPort = "http" }] });
        spec.Services.Add(new ServiceSpec { Namespace = "beta", Name = "svc-b", Selector = new() { ["app"] = "b" }, Ports = [new ServicePortSpec { Port = 5432, TargetPort = "5432" }] });
        for (var i = 0; i < policies; i++)
        {
            var body = new NetworkPolicyBody { PodSelector = new LabelSelectorSpec { MatchLabels = r.Next(4) == 0 ? null : new() { ["app"] = Pick(apps) } } };
            var kind = r.Next(3);
            if (kind != 1) body.Ingress = [new IngressRuleSpec { From = RandomPeers(r, apps, nsNames), Ports = RandomPorts(r, portNames) }];
            if (kind != 0) body.Egress = [new EgressRuleSpec { To = RandomPeers(r, apps, nsNames), Ports = RandomPorts(r, portNames) }];
            body.PolicyTypes = kind switch { 0 => ["Ingress"], 1 => ["Egress"], _ => ["Ingress", "Egress"] };
            spec.NetworkPolicies.Add(new NetworkPolicySpec { Namespace = Pick(nsNames), Name = $"np-{i}", Spec = body });
        }
        spec.Contracts.Add(new ContractSpec
        {
            Name = "web-to-api", Consumers = ["aci-containers-kube|web"], Providers = ["aci-containers-kube|api", "aci-containers-kube|db"],
            Filters = [new FilterSpec { Name = "tcp-range", Proto = "tcp", DFromPort = 5000, DToPort = 9999, Direction = "in" }],
        });
        spec.Contracts.Add(new ContractSpec
        {
            Name = "batch-any", Consumers = ["aci-containers-kube|batch"], Providers = ["aci-containers-kube|db"],
            Filters = [new FilterSpec { Name = "any-ip", Direction = "bidirectional" }],
        });
        spec.SnatPolicies.Add(new SnatPolicySpec { Name = "snat-c", PodSelector = new() { ["app"] = "c" }, SnatIp = "172.28.184.20" });
        spec.Externals.Add(new ExternalSpec { Name = "ext", Ip = "93.184.216.34" });
        for (var i = 0; i < scenarios; i++)
        {
            var from = spec.Pods[r.Next(pods)];
            var sc = new ScenarioSpec { Name = $"s{i}", From = $"{from.Namespace}/{from.Name}", Protocol = r.Next(8) == 0 ? "udp" : "tcp" };
            if (r.Next(6) == 0) sc.ToExternal = "ext";
            else
            {
                var to = spec.Pods[r.Next(pods)];
                sc.ToPod = $"{to.Namespace}/{to.Name}";
            }
            sc.Port = Pick(["8080", "9090", "5432", "80"]) is var p ? int.Parse(p, CultureInfo.InvariantCulture) : 80;
            spec.Scenarios.Add(sc);
        }
        return spec;
    }

    private static List<PeerSpec>? RandomPeers(Random r, string[] apps, string[] ns) => r.Next(5) switch
    {
        0 => null,
        1 => [new PeerSpec { PodSelector = new LabelSelectorSpec { MatchLabels = new() { ["app"] = apps[r.Next(apps.Length)] } } }],
        2 => [new PeerSpec { NamespaceSelector = new LabelSelectorSpec { MatchLabels = new() { ["tier"] = r.Next(2) == 0 ? "front" : "back" } } }],
        3 => [new PeerSpec { IpBlock = new IpBlockSpec { Cidr = "10.2.0.0/16", Except = [$"10.2.{r.Next(3)}.0/24"] } }],
        _ => [new PeerSpec
        {
            NamespaceSelector = new LabelSelectorSpec { MatchExpressions = [new LabelExpressionSpec { Key = "kubernetes.io/metadata.name", Operator = "In", Values = [ns[r.Next(ns.Length)]] }] },
            PodSelector = new LabelSelectorSpec { MatchLabels = new() { ["role"] = r.Next(2) == 0 ? "x" : "y" } },
        }],
    };

    private static List<PolicyPortSpec>? RandomPorts(Random r, (string Name, int Port)[] names) => r.Next(4) switch
    {
        0 => null,
        1 => [new PolicyPortSpec { Protocol = "TCP", Port = names[r.Next(names.Length)].Name }],
        2 => [new PolicyPortSpec { Protocol = "TCP", Port = names[r.Next(names.Length)].Port.ToString(CultureInfo.InvariantCulture) }],
        _ => [new PolicyPortSpec { Protocol = "TCP", Port = "5000", EndPort = 8999 }],
    };
}
