using System.Globalization;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.Generation;

/// <summary>GbpSecGroupRule direction.</summary>
public enum SgDirection
{
    /// <summary>Both (enum 0).</summary>
    Bidirectional = 0,
    /// <summary>Toward the pod (k8s ingress), table 4.</summary>
    In = 1,
    /// <summary>From the pod (k8s egress), table 6.</summary>
    Out = 2,
}

/// <summary>An L24 classifier of a security-group rule or contract filter.</summary>
public sealed record Classifier(string Name, string EtherT, int? Proto, int? DFrom, int? DTo, int? SFrom = null, int? STo = null, bool Reflexive = false);

/// <summary>A security-group rule with its classifier and remote subnets (null = any).</summary>
public sealed record SgRule(string Name, SgDirection Direction, Classifier Classifier, IReadOnlyList<IpCidr>? Remotes);

/// <summary>A GbpSecGroup.</summary>
public sealed record SecurityGroup(string Name, IReadOnlyList<SgRule> Rules);

/// <summary>How ACI CNI turns NetworkPolicies into security groups (aci-containers controller + group_assign).</summary>
public sealed class SecurityGroupModel
{
    private readonly ResolvedCluster _c;
    private readonly GroundTruth.NetworkPolicySemantics _semantics;
    private readonly Dictionary<string, SecurityGroup> _groups = [];

    /// <summary>Builds every security group of the cluster.</summary>
    public SecurityGroupModel(ResolvedCluster cluster)
    {
        _c = cluster;
        _semantics = new GroundTruth.NetworkPolicySemantics(cluster);
        var t = cluster.Tenant;
        var v6 = cluster.Pods.Any(p => p.Ipv6 is not null);
        var disc = new List<SgRule>
        {
            new("arp-ingress", SgDirection.In, new Classifier($"{t}_np_static-discovery-arp-ingress", "arp", null, null, null), null),
            new("arp-egress", SgDirection.Out, new Classifier($"{t}_np_static-discovery-arp-egress", "arp", null, null, null), null),
            new("icmp-ingress", SgDirection.In, new Classifier($"{t}_np_static-discovery-icmp-ingress", "ipv4", 1, null, null), null),
            new("icmp-egress", SgDirection.Out, new Classifier($"{t}_np_static-discovery-icmp-egress", "ipv4", 1, null, null), null),
        };
        if (v6)
        {
            disc.Add(new("icmpv6-ingress", SgDirection.In, new Classifier($"{t}_np_static-discovery-icmpv6-ingress", "ipv6", 58, null, null), null));
            disc.Add(new("icmpv6-egress", SgDirection.Out, new Classifier($"{t}_np_static-discovery-icmpv6-egress", "ipv6", 58, null, null), null));
        }
        Add(new SecurityGroup($"{t}_np_static-discovery", disc));
        foreach (var (name, dir) in new[] { ("static-ingress", SgDirection.In), ("static-egress", SgDirection.Out) })
        {
            var rules = new List<SgRule> { new("allow-all-reflexive", dir, new Classifier($"{t}_np_{name}-allow-all-reflexive", "ipv4", null, null, null, Reflexive: true), null) };
            if (v6) rules.Add(new("allow-all-reflexive-v6", dir, new Classifier($"{t}_np_{name}-allow-all-reflexive-v6", "ipv6", null, null, null, Reflexive: true), null));
            Add(new SecurityGroup($"{t}_np_{name}", rules));
        }
        foreach (var n in cluster.Nodes)
            Add(new SecurityGroup($"{t}_node_{n.Name}",
                [new("ingress-from-node", SgDirection.In, new Classifier($"{t}_node_{n.Name}-ingress", "ipv4", null, null, null, Reflexive: true), [new IpCidr(n.Ip, 32)])]));
        foreach (var np in cluster.NetworkPolicies) Add(RenderPolicy(np));
    }

    /// <summary>Every security group by name.</summary>
    public IReadOnlyDictionary<string, SecurityGroup> Groups => _groups;

    private void Add(SecurityGroup g) => _groups[g.Name] = g;

    /// <summary>SG name of a NetworkPolicy.</summary>
    public string PolicyGroupName(NetworkPolicySpec np) => $"{_c.Tenant}_np_{np.Namespace}_{np.Name}";

    /// <summary>The GbpSecGroup URI of an SG name.</summary>
    public string Uri(string sg) => $"/PolicyUniverse/PolicySpace/{_c.Tenant}/GbpSecGroup/{sg}/";

    /// <summary>Policy types with the Kubernetes default (Ingress, plus Egress when egress rules exist).</summary>
    public static IReadOnlyList<string> EffectiveTypes(NetworkPolicyBody b) =>
        b.PolicyTypes is { Count: > 0 } t ? t : b.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];

    /// <summary>NetworkPolicies that select the pod.</summary>
    public IEnumerable<NetworkPolicySpec> Selecting(ResolvedPod pod) =>
        _c.NetworkPolicies.Where(np => np.Namespace == pod.Namespace && pod.HasVeth && LabelSelectors.Matches(np.Spec.PodSelector, pod.Labels));

    /// <summary>The SG names of a pod's endpoint file, sorted by URI (std::set order); empty when no policy selects it.</summary>
    public IReadOnlyList<string> GroupsOf(ResolvedPod pod)
    {
        var selecting = Selecting(pod).ToList();
        if (selecting.Count == 0) return [];
        var t = _c.Tenant;
        var names = selecting.Select(PolicyGroupName).ToList();
        names.Add($"{t}_node_{pod.Node}");
        names.Add($"{t}_np_static-discovery");
        if (!selecting.Any(np => EffectiveTypes(np.Spec).Contains("Ingress"))) names.Add($"{t}_np_static-ingress");
        if (!selecting.Any(np => EffectiveTypes(np.Spec).Contains("Egress"))) names.Add($"{t}_np_static-egress");
        return names.Distinct().OrderBy(Uri, StringComparer.Ordinal).ToList();
    }

    private SecurityGroup RenderPolicy(NetworkPolicySpec np)
    {
        var sg = PolicyGroupName(np);
        var rules = new List<SgRule>();
        var types = EffectiveTypes(np.Spec);
        var selected = _c.Pods.Where(p => p.Namespace == np.Namespace && p.HasVeth && LabelSelectors.Matches(np.Spec.PodSelector, p.Labels)).ToList();
        if (types.Contains("Ingress"))
            for (var i = 0; i < (np.Spec.Ingress?.Count ?? 0); i++)
            {
                var r = np.Spec.Ingress![i];
                AddRules(rules, sg, $"{i}-ingress", SgDirection.In, r.From, r.Ports, np.Namespace, selected);
            }
        if (types.Contains("Egress"))
        {
            var augments = new List<(ResolvedService Service, ResolvedServicePort Port)>();
            for (var i = 0; i < (np.Spec.Egress?.Count ?? 0); i++)
            {
                var r = np.Spec.Egress![i];
                var peers = PeerPods(r.To, np.Namespace);
                AddRules(rules, sg, $"{i}-egress", SgDirection.Out, r.To, r.Ports, np.Namespace, peers ?? _c.Pods.Where(p => p.HasVeth).ToList());
                augments.AddRange(_semantics.AugmentedServicePorts(np, r));
            }
            // The controller's service augment: one rule per protocol and Service port, to the ClusterIPs it covers,
            // because br-access sees the ClusterIP (the DNAT happens later, in br-int).
            foreach (var g in augments.Distinct().GroupBy(a => (Proto: a.Port.Protocol.ToLowerInvariant(), a.Port.Port)).OrderBy(g => g.Key.Proto).ThenBy(g => g.Key.Port))
            {
                var name = $"service_{g.Key.Proto}_{g.Key.Port.ToString(CultureInfo.InvariantCulture)}-ipv4";
                var proto = g.Key.Proto switch { "udp" => 17, "sctp" => 132, _ => 6 };
                rules.Add(new SgRule(name, SgDirection.Out, new Classifier($"{sg}-{name}", "ipv4", proto, g.Key.Port, g.Key.Port, Reflexive: true),
                    g.Select(a => new IpCidr(a.Service.ClusterIp, 32)).Distinct().ToList()));
            }
        }
        return new SecurityGroup(sg, rules);
    }

    private void AddRules(List<SgRule> rules, string sg, string baseName, SgDirection dir, List<PeerSpec>? peers, List<PolicyPortSpec>? ports,
        string ns, IReadOnlyList<ResolvedPod> namedPortPods)
    {
        IReadOnlyList<IpCidr>? remotes = null;
        if (peers is { Count: > 0 })
        {
            var list = new List<IpCidr>();
            foreach (var p in PeerPods(peers, ns) ?? []) list.Add(new IpCidr(p.Ip, 32));
            foreach (var peer in peers.Where(x => x.IpBlock is not null))
            {
                IpCidr.TryParse(peer.IpBlock!.Cidr, out var c);
                var ex = (peer.IpBlock.Except ?? []).Select(e => { IpCidr.TryParse(e, out var x); return x!; });
                list.AddRange(c!.Subtract(ex));
            }
            remotes = list.Distinct().ToList();
            if (remotes.Count == 0) return; // peers that match nothing allow nothing
        }
        if (ports is not { Count: > 0 })
        {
            rules.Add(new SgRule($"{baseName}-ipv4", dir, new Classifier($"{sg}-{baseName}-ipv4", "ipv4", null, null, null, Reflexive: true), remotes));
            return;
        }
        for (var j = 0; j < ports.Count; j++)
        {
            var p = ports[j];
            var protoName = (p.Protocol ?? "TCP").ToUpperInvariant();
            var proto = protoName switch { "UDP" => 17, "SCTP" => 132, _ => 6 };
            var numbers = new List<(int From, int To)>();
            if (p.Port is null) numbers.Add((0, 0));
            else if (int.TryParse(p.Port, out var n)) numbers.Add((n, p.EndPort ?? n));
            else
                numbers.AddRange(namedPortPods.SelectMany(x => x.Ports).Where(cp => cp.Name == p.Port && cp.Protocol == protoName)
                    .Select(cp => (cp.Port, cp.Port)).Distinct().OrderBy(x => x.Item1));
            var named = p.Port is not null && !int.TryParse(p.Port, out _);
            foreach (var (from, to) in numbers)
            {
                var ruleRemotes = remotes;
                if (named && dir == SgDirection.Out)
                {
                    // an egress named port is the destination pod's port: only peers that name this number match
                    var owners = namedPortPods.Where(x => x.Ports.Any(cp => cp.Name == p.Port && cp.Protocol == protoName && cp.Port == from))
                        .Select(x => new IpCidr(x.Ip, 32));
                    ruleRemotes = (remotes is null ? owners : owners.Where(remotes.Contains)).Distinct().ToList();
                    if (ruleRemotes.Count == 0) continue;
                }
                var suffix = from == 0 ? $"{j}-{protoName.ToLowerInvariant()}" : $"{j}-{protoName.ToLowerInvariant()}-{from.ToString(CultureInfo.InvariantCulture)}";
                rules.Add(new SgRule($"{baseName}-{suffix}", dir,
                    new Classifier($"{sg}-{baseName}-{suffix}", "ipv4", proto, from == 0 ? null : from, from == 0 ? null : to, Reflexive: true), ruleRemotes));
            }
        }
    }

    /// <summary>Pods matched by a peer list (pod/namespace selectors only); null when the list is absent or empty (= all).</summary>
    private List<ResolvedPod>? PeerPods(List<PeerSpec>? peers, string ns)
    {
        if (peers is not { Count: > 0 }) return null;
        var result = new List<ResolvedPod>();
        foreach (var peer in peers.Where(x => x.IpBlock is null))
            foreach (var pod in _c.Pods.Where(p => p.HasVeth))
            {
                var nsOk = peer.NamespaceSelector is null ? pod.Namespace == ns : LabelSelectors.Matches(peer.NamespaceSelector, _c.NamespaceOf(pod.Namespace).Labels);
                if (nsOk && (peer.PodSelector is null || LabelSelectors.Matches(peer.PodSelector, pod.Labels)) && !result.Contains(pod)) result.Add(pod);
            }
        return result;
    }
}
