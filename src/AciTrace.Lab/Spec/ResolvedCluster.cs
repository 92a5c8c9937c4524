using System.Net;

namespace AciTrace.Lab.Spec;

/// <summary>A validated cluster spec with every derived value (IPs, MACs, VNIDs, uids, veth names) filled in.</summary>
public sealed class ResolvedCluster
{
    /// <summary>The source document.</summary>
    public required ClusterSpec Spec { get; init; }
    /// <summary>Policy space (tenant).</summary>
    public required string Tenant { get; init; }
    /// <summary>Pod subnets.</summary>
    public required IReadOnlyList<ResolvedSubnet> PodSubnets { get; init; }
    /// <summary>Node subnet.</summary>
    public required IpCidr NodeSubnet { get; init; }
    /// <summary>Service subnet.</summary>
    public required IpCidr ServiceSubnet { get; init; }
    /// <summary>Anycast tunnel destination.</summary>
    public required IPAddress AnycastTunnelIp { get; init; }
    /// <summary>Nodes in creation order.</summary>
    public required IReadOnlyList<ResolvedNode> Nodes { get; init; }
    /// <summary>EPGs in spec order (the default EPG included).</summary>
    public required IReadOnlyList<ResolvedEpg> Epgs { get; init; }
    /// <summary>Namespaces.</summary>
    public required IReadOnlyList<ResolvedNamespace> Namespaces { get; init; }
    /// <summary>Pods in spec order.</summary>
    public required IReadOnlyList<ResolvedPod> Pods { get; init; }
    /// <summary>Services.</summary>
    public required IReadOnlyList<ResolvedService> Services { get; init; }
    /// <summary>NetworkPolicies (validated spec objects).</summary>
    public required IReadOnlyList<NetworkPolicySpec> NetworkPolicies { get; init; }
    /// <summary>Contracts.</summary>
    public required IReadOnlyList<ResolvedContract> Contracts { get; init; }
    /// <summary>SNAT policies.</summary>
    public required IReadOnlyList<ResolvedSnatPolicy> SnatPolicies { get; init; }
    /// <summary>External destinations by name.</summary>
    public required IReadOnlyDictionary<string, IPAddress> Externals { get; init; }

    /// <summary>Pods on a node that have a veth (Running, not hostNetwork), in spec order.</summary>
    public IEnumerable<ResolvedPod> NetworkedPodsOn(string node) =>
        Pods.Where(p => p.Node == node && p.HasVeth);

    /// <summary>The namespace object of a pod.</summary>
    public ResolvedNamespace NamespaceOf(string name) => Namespaces.First(n => n.Name == name);

    /// <summary>The pod that owns an IPv4 address (networked pods only), or null.</summary>
    public ResolvedPod? PodByIp(IPAddress ip) => Pods.FirstOrDefault(p => p.HasVeth && (p.Ip.Equals(ip) || (p.Ipv6?.Equals(ip) ?? false)));

    /// <summary>The node that has this IP as node IP, or null.</summary>
    public ResolvedNode? NodeByIp(IPAddress ip) => Nodes.FirstOrDefault(n => n.Ip.Equals(ip));

    /// <summary>Pod by namespace/name.</summary>
    public ResolvedPod? FindPod(string ns, string name) => Pods.FirstOrDefault(p => p.Namespace == ns && p.Name == name);

    /// <summary>Service by namespace/name.</summary>
    public ResolvedService? FindService(string ns, string name) => Services.FirstOrDefault(s => s.Namespace == ns && s.Name == name);

    /// <summary>Running pods (networked or hostNetwork) in a namespace whose labels match the selector.</summary>
    public IEnumerable<ResolvedPod> SelectPods(string ns, IReadOnlyDictionary<string, string> selector) =>
        Pods.Where(p => p.Namespace == ns && p.Running && selector.All(kv => p.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value));
}

/// <summary>A pod subnet and its gateway.</summary>
public sealed record ResolvedSubnet(IpCidr Cidr, IPAddress Gateway);

/// <summary>A node.</summary>
public sealed record ResolvedNode(int Index, string Name, IPAddress VtepIp, IPAddress Ip, string Uplink, string UplinkMac, IpCidr PodCidr)
{
    /// <summary>The node's service endpoint IP (external traffic for Services arrives addressed to it, or to a LoadBalancer/external IP, on the service VLAN).</summary>
    public IPAddress ServiceIp { get; init; } = IPAddress.Any;
}

/// <summary>An EPG with its fabric VNID.</summary>
public sealed record ResolvedEpg(string Name, string AppProfile, string EpgName, uint Vnid)
{
    /// <summary>GbpEpGroup name as it appears in URIs: "app%7cepg".</summary>
    public string UriName => AppProfile + "%7c" + EpgName;
}

/// <summary>A namespace.</summary>
public sealed record ResolvedNamespace(string Name, ResolvedEpg Epg, IReadOnlyDictionary<string, string> Labels);

/// <summary>A container port.</summary>
public sealed record ResolvedContainerPort(string? Name, int Port, string Protocol);

/// <summary>A pod with everything derived.</summary>
public sealed record ResolvedPod(
    string Namespace, string Name, string Node, string Uid,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<ResolvedContainerPort> Ports, bool HostNetwork, bool Running,
    IPAddress Ip, IPAddress? Ipv6, string Mac, ResolvedEpg? Epg, string VethName)
{
    /// <summary>True when the pod has a veth on br-access (Running and not hostNetwork).</summary>
    public bool HasVeth => Running && !HostNetwork;
    /// <summary>"namespace/name".</summary>
    public string Key => Namespace + "/" + Name;
}

/// <summary>A service port.</summary>
public sealed record ResolvedServicePort(string? Name, int Port, string TargetPort, string Protocol, int? NodePort = null);

/// <summary>A service (a ClusterIP, and for NodePort and LoadBalancer Services their entry points from outside).</summary>
public sealed record ResolvedService(string Namespace, string Name, string Uid, IPAddress ClusterIp,
    IReadOnlyDictionary<string, string> Selector, IReadOnlyList<ResolvedServicePort> Ports)
{
    /// <summary>"namespace/name".</summary>
    public string Key => Namespace + "/" + Name;

    /// <summary>ClusterIP, NodePort or LoadBalancer.</summary>
    public string Type { get; init; } = "ClusterIP";

    /// <summary>The LoadBalancer ingress IP.</summary>
    public IPAddress? LoadBalancerIp { get; init; }

    /// <summary>spec.externalIPs.</summary>
    public IReadOnlyList<IPAddress> ExternalIps { get; init; } = [];

    /// <summary>Cluster or Local.</summary>
    public string ExternalTrafficPolicy { get; init; } = "Cluster";
}

/// <summary>A contract filter.</summary>
public sealed record ResolvedFilter(string Name, string EtherT, int? Proto, int? DFrom, int? DTo, int? SFrom, int? STo, string Direction, bool Allow);

/// <summary>A contract.</summary>
public sealed record ResolvedContract(string Name, IReadOnlyList<ResolvedEpg> Consumers, IReadOnlyList<ResolvedEpg> Providers, IReadOnlyList<ResolvedFilter> Filters);

/// <summary>A SNAT policy with its uuid.</summary>
public sealed record ResolvedSnatPolicy(string Name, string Uuid, string? Namespace, IReadOnlyDictionary<string, string> PodSelector,
    IPAddress SnatIp, IReadOnlyList<IpCidr> Destinations, int PortStart, int PortEnd, int PortsPerNode)
{
    /// <summary>The port range of the node with this index.</summary>
    public (int Start, int End) RangeOf(int nodeIndex)
    {
        var start = PortStart + nodeIndex * PortsPerNode;
        return (start, Math.Min(PortEnd, start + PortsPerNode - 1));
    }

    /// <summary>True when the policy selects the pod.</summary>
    public bool Selects(ResolvedPod pod) => pod.HasVeth && (Namespace is null || Namespace == pod.Namespace)
        && PodSelector.All(kv => pod.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
