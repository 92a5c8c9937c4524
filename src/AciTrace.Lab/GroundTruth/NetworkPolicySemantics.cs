using System.Net;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.GroundTruth;

/// <summary>
/// Kubernetes NetworkPolicy semantics computed from the spec alone (no flows): a pod selected by any policy of a
/// type is isolated for that direction, and a packet is allowed when any rule of any selecting policy allows it.
/// </summary>
public sealed class NetworkPolicySemantics(ResolvedCluster cluster)
{
    // Every Service port with its endpoints (pod and target port), computed once: each egress rule is checked against all.
    private readonly Lazy<IReadOnlyList<(ResolvedService Service, ResolvedServicePort Port, IReadOnlyList<(ResolvedPod Pod, int TargetPort)> Hops)>> _servicePorts =
        new(() => Generation.NodeGenerator.ServiceMappings(cluster).GroupBy(m => (m.Service, m.Port))
            .Select(g => (g.Key.Service, g.Key.Port, (IReadOnlyList<(ResolvedPod, int)>)g.SelectMany(m => m.NextHops.Select(pod => (pod, m.NextHopPort))).ToList()))
            .ToList());

    /// <summary>Policies in the pod's namespace whose podSelector selects it and that have the given type.</summary>
    public IReadOnlyList<NetworkPolicySpec> Selecting(ResolvedPod pod, string type) =>
        cluster.NetworkPolicies.Where(np => np.Namespace == pod.Namespace && !pod.HostNetwork
            && LabelSelectors.Matches(np.Spec.PodSelector, pod.Labels) && Types(np).Contains(type)).ToList();

    /// <summary>Kubernetes default policyTypes.</summary>
    public static IReadOnlyList<string> Types(NetworkPolicySpec np) =>
        np.Spec.PolicyTypes is { Count: > 0 } t ? t : np.Spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];

    /// <summary>Ingress verdict at <paramref name="dst"/> for a packet from srcIp (srcPod when the source is a pod).</summary>
    public PolicyDecision Ingress(ResolvedPod dst, IPAddress srcIp, ResolvedPod? srcPod, string protocol, int? port)
    {
        var selecting = Selecting(dst, "Ingress");
        if (selecting.Count == 0) return PolicyDecision.NotIsolated;
        foreach (var np in selecting)
            foreach (var rule in np.Spec.Ingress ?? [])
                if (PeersMatch(rule.From, np.Namespace, srcIp, srcPod) && PortsMatch(rule.Ports, protocol, port, dst))
                    return new PolicyDecision(true, true, $"{np.Namespace}/{np.Name}");
        return new PolicyDecision(false, true, string.Join(", ", selecting.Select(n => $"{n.Namespace}/{n.Name}")));
    }

    /// <summary>Egress verdict at <paramref name="src"/> for a packet to dstIp (dstPod when the destination is a pod).</summary>
    public PolicyDecision Egress(ResolvedPod src, IPAddress dstIp, ResolvedPod? dstPod, string protocol, int? port)
    {
        var selecting = Selecting(src, "Egress");
        if (selecting.Count == 0) return PolicyDecision.NotIsolated;
        foreach (var np in selecting)
            foreach (var rule in np.Spec.Egress ?? [])
                if (PeersMatch(rule.To, np.Namespace, dstIp, dstPod) && PortsMatch(rule.Ports, protocol, port, dstPod))
                    return new PolicyDecision(true, true, $"{np.Namespace}/{np.Name}");
        return new PolicyDecision(false, true, string.Join(", ", selecting.Select(n => $"{n.Namespace}/{n.Name}")));
    }

    /// <summary>
    /// Egress of <paramref name="src"/> to a Service port as ACI CNI enforces it: br-access applies the security groups
    /// before the Service DNAT, so the packet is checked against the ClusterIP and the Service port. It passes when a
    /// rule allows that address and port (an ipBlock), or when the controller augmented a rule with the ClusterIP
    /// (<see cref="AugmentedServicePorts"/>).
    /// </summary>
    public PolicyDecision EgressToService(ResolvedPod src, ResolvedService svc, ResolvedServicePort port)
    {
        var selecting = Selecting(src, "Egress");
        if (selecting.Count == 0) return PolicyDecision.NotIsolated;
        foreach (var np in selecting)
            foreach (var rule in np.Spec.Egress ?? [])
                if ((PeersMatch(rule.To, np.Namespace, svc.ClusterIp, null) && PortsMatch(rule.Ports, port.Protocol, port.Port, null))
                    || AugmentedServicePorts(np, rule).Contains((svc, port)))
                    return new PolicyDecision(true, true, $"{np.Namespace}/{np.Name}");
        return new PolicyDecision(false, true, string.Join(", ", selecting.Select(n => $"{n.Namespace}/{n.Name}")));
    }

    /// <summary>
    /// The Service ports the aci-containers controller adds to an egress rule (pkg/controller/network_policy.go,
    /// buildServiceAugment): a port whose protocol and target port the rule allows, and ALL of whose endpoints the
    /// rule's peers select. It is all or nothing: one endpoint outside the rule and the Service port is not added.
    /// </summary>
    public IReadOnlyList<(ResolvedService Service, ResolvedServicePort Port)> AugmentedServicePorts(NetworkPolicySpec np, EgressRuleSpec rule)
    {
        var result = new List<(ResolvedService, ResolvedServicePort)>();
        foreach (var (svc, port, hops) in _servicePorts.Value)
        {
            if (hops.Count == 0) continue; // no endpoint: nothing to validate, nothing added
            var portOk = rule.Ports is not { Count: > 0 } || rule.Ports.Any(p =>
                string.Equals(p.Protocol ?? "TCP", port.Protocol, StringComparison.OrdinalIgnoreCase)
                && (p.Port is null
                    || (!int.TryParse(port.TargetPort, out _) && !int.TryParse(p.Port, out _) ? p.Port == port.TargetPort
                        : hops.All(h => PortsMatch([p], port.Protocol, h.TargetPort, h.Pod)))));
            if (portOk && hops.All(h => PeersMatch(rule.To, np.Namespace, h.Pod.Ip, h.Pod))) result.Add((svc, port));
        }
        return result;
    }

    private bool PeersMatch(List<PeerSpec>? peers, string policyNs, IPAddress ip, ResolvedPod? pod)
    {
        if (peers is not { Count: > 0 }) return true;
        foreach (var peer in peers)
        {
            if (peer.IpBlock is { } block)
            {
                if (IpCidr.TryParse(block.Cidr, out var c) && c.Contains(ip)
                    && !(block.Except ?? []).Any(e => IpCidr.TryParse(e, out var x) && x.Contains(ip))) return true;
                continue;
            }
            // pod/namespace selectors select pods only; hostNetwork pods are treated as their node (not a pod).
            if (pod is null || pod.HostNetwork || !pod.Running) continue;
            var nsOk = peer.NamespaceSelector is null ? pod.Namespace == policyNs
                : LabelSelectors.Matches(peer.NamespaceSelector, cluster.NamespaceOf(pod.Namespace).Labels);
            if (nsOk && (peer.PodSelector is null || LabelSelectors.Matches(peer.PodSelector, pod.Labels))) return true;
        }
        return false;
    }

    private static bool PortsMatch(List<PolicyPortSpec>? ports, string protocol, int? port, ResolvedPod? target)
    {
        if (ports is not { Count: > 0 }) return true;
        var proto = protocol.ToUpperInvariant();
        foreach (var p in ports)
        {
            if ((p.Protocol ?? "TCP").ToUpperInvariant() != proto) continue;
            if (p.Port is null) return true;
            if (port is null) continue;
            if (int.TryParse(p.Port, out var n))
            {
                if (port >= n && port <= (p.EndPort ?? n)) return true;
            }
            else if (target is not null && target.Ports.Any(cp => cp.Name == p.Port && cp.Protocol == proto && cp.Port == port)) return true;
        }
        return false;
    }
}

/// <summary>Outcome of NetworkPolicy evaluation for one direction.</summary>
/// <param name="Allowed">The packet may pass.</param>
/// <param name="Isolated">Some policy selects the pod for this direction.</param>
/// <param name="Policies">The allowing policy, or the selecting policies that all refused.</param>
public sealed record PolicyDecision(bool Allowed, bool Isolated, string Policies)
{
    /// <summary>No policy selects the pod: everything is allowed.</summary>
    public static PolicyDecision NotIsolated { get; } = new(true, false, "");
}
