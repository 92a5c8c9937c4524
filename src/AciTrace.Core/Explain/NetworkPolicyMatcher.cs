using System.Net;
using AciTrace.Discovery;
using AciTrace.Engine;

namespace AciTrace.Explain;

/// <summary>The packet a NetworkPolicy rule is checked against, seen from the pod the policy selects.</summary>
/// <param name="Selected">The pod whose isolation is in question (the receiver for ingress, the sender for egress).</param>
/// <param name="Peer">The other pod, when the other end is a pod.</param>
/// <param name="PeerAddress">The other end's address as the packet carries it.</param>
/// <param name="Destination">The pod the packet is addressed to (named ports resolve against its container ports).</param>
/// <param name="Protocol">The packet's protocol.</param>
/// <param name="Port">The packet's destination port (Tcp, Udp).</param>
public sealed record PolicyPacket(PodInfo Selected, PodInfo? Peer, string? PeerAddress, PodInfo? Destination, TraceProtocol Protocol, int? Port);

/// <summary>Why one NetworkPolicy rule does or does not admit a packet.</summary>
/// <param name="Policy">The policy of the rule.</param>
/// <param name="Rule">The rule.</param>
/// <param name="PeerMatches">True, false, or null when it cannot be told (a namespaceSelector on labels AciTrace does not read).</param>
/// <param name="PortMatches">The packet's protocol and port are among the rule's ports (or it has none).</param>
/// <param name="ProtocolOnlyDiffers">A port of the rule has the packet's port number but another protocol.</param>
public sealed record RuleCheck(NetworkPolicyInfo Policy, NetworkPolicyRule Rule, bool? PeerMatches, bool PortMatches, bool ProtocolOnlyDiffers);

/// <summary>
/// Kubernetes NetworkPolicy rule semantics, to say which part of the rules a dropped packet failed: its peer, its
/// port, or its protocol. The datapath (ACI security groups) decides the drop; this only explains it.
/// </summary>
public static class NetworkPolicyMatcher
{
    /// <summary>The namespace label every namespace carries (Kubernetes 1.21+): selectors on it can be evaluated.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    public static IReadOnlyList<RuleCheck> Check(IEnumerable<NetworkPolicyInfo> policies, bool ingress, PolicyPacket packet) =>
        policies.SelectMany(p => (ingress ? p.IngressRules : p.EgressRules).Select(r => Check(p, r, packet))).ToList();

    public static RuleCheck Check(NetworkPolicyInfo policy, NetworkPolicyRule rule, PolicyPacket packet)
    {
        bool? peer = rule.Peers.Count == 0 ? true : Any(rule.Peers.Select(p => PeerMatches(policy, p, packet)));
        var port = rule.Ports.Count == 0 || rule.Ports.Any(p => ProtocolMatches(p, packet.Protocol) && PortMatches(p, packet));
        var protocolOnly = !port && rule.Ports.Any(p => !ProtocolMatches(p, packet.Protocol) && PortMatches(p, packet));
        return new RuleCheck(policy, rule, peer, port, protocolOnly);
    }

    /// <summary>True if any is true; null if none is true but one is unknown; else false.</summary>
    private static bool? Any(IEnumerable<bool?> values)
    {
        var unknown = false;
        foreach (var v in values)
        {
            if (v == true) return true;
            unknown |= v is null;
        }
        return unknown ? null : false;
    }

    private static bool? PeerMatches(NetworkPolicyInfo policy, NetworkPolicyPeer peer, PolicyPacket packet)
    {
        if (peer.Cidr is { } cidr)
        {
            if (!IPAddress.TryParse(packet.PeerAddress, out var address) || !IPNetwork.TryParse(cidr, out var block)) return false;
            return block.Contains(address) && !peer.Except.Any(e => IPNetwork.TryParse(e, out var x) && x.Contains(address));
        }
        if (packet.Peer is not { } pod) return false;
        if (peer.PodSelector is { } podSelector && !podSelector.Matches(pod.Labels)) return false;
        if (peer.NamespaceSelector is not { } nsSelector) return pod.Namespace == policy.Namespace;
        if (nsSelector.IsEmpty) return true;
        // Namespaces are not read (the shipped RBAC role has no access to them): only the name label is known.
        var known = new Dictionary<string, string> { [NamespaceNameLabel] = pod.Namespace };
        if (nsSelector.Matches(known)) return true;
        return nsSelector.Keys.All(k => k == NamespaceNameLabel) ? false : null;
    }

    private static bool ProtocolMatches(NetworkPolicyPort port, TraceProtocol protocol) =>
        string.Equals(port.Protocol, protocol.ToString(), StringComparison.OrdinalIgnoreCase);

    private static bool PortMatches(NetworkPolicyPort port, PolicyPacket packet)
    {
        if (port.Port is null && port.PortName is null) return true;
        if (packet.Port is not int wanted) return false;
        if (port.PortName is { } name)
            return packet.Destination?.Ports.Any(p => p.Name == name && p.Port == wanted) == true;
        return port.EndPort is int end ? wanted >= port.Port && wanted <= end : wanted == port.Port;
    }

    /// <summary>What failed, in words: the peer, the port or the protocol of the packet (or null when a rule admits it).</summary>
    public static string? Mismatch(IReadOnlyList<RuleCheck> checks, bool ingress, PolicyPacket packet, string packetText)
    {
        if (checks.Count == 0) return $"they have no {(ingress ? "ingress" : "egress")} rule, so they deny all {(ingress ? "ingress" : "egress")}";
        if (checks.Any(c => c.PeerMatches == true && c.PortMatches)) return null;
        var peerText = packet.Peer is { } p ? $"{p.Key} ({packet.PeerAddress})" : packet.PeerAddress ?? "the other end";
        var fromTo = ingress ? "from" : "to";
        var peerOk = checks.Where(c => c.PeerMatches == true).ToList();
        if (peerOk.Count > 0)
        {
            var ports = string.Join(", ", peerOk.SelectMany(c => c.Rule.Ports).Select(x => DescribePort(x, packet.Destination)).Distinct());
            return peerOk.Any(c => c.ProtocolOnlyDiffers)
                ? $"the rules that admit {peerText} allow {ports}, not {packet.Protocol.ToString().ToUpperInvariant()} (the protocol differs)"
                : $"the rules that admit {peerText} allow only {ports}, not {packetText}";
        }
        var portOk = checks.Where(c => c.PortMatches).ToList();
        if (portOk.Count > 0)
        {
            var peers = string.Join("; ", portOk.SelectMany(c => c.Rule.Peers.Select(x => DescribePeer(c.Policy, x))).Distinct());
            var unknown = portOk.Any(c => c.PeerMatches is null)
                ? " (a namespaceSelector on namespace labels could not be checked: AciTrace does not read namespaces)" : "";
            return $"{packetText} is allowed only {fromTo} {peers}; {peerText} is not among them{unknown}";
        }
        var rules = string.Join("; ", checks.Select(c => $"{(c.Rule.Ports.Count == 0 ? "any port" : string.Join(", ", c.Rule.Ports.Select(x => DescribePort(x, packet.Destination))))} {fromTo} {(c.Rule.Peers.Count == 0 ? "anywhere" : string.Join(" or ", c.Rule.Peers.Select(x => DescribePeer(c.Policy, x))))}").Distinct());
        return $"its rules allow {rules}; neither the peer {peerText} nor {packetText} matches one";
    }

    /// <summary>A rule's port in words; a named port with the number it has on <paramref name="destination"/>.</summary>
    public static string DescribePort(NetworkPolicyPort p, PodInfo? destination = null)
    {
        var proto = p.Protocol.ToUpperInvariant();
        if (p.PortName is { } name)
            return destination?.Ports.FirstOrDefault(x => x.Name == name) is { } named ? $"{proto} port {name} ({named.Port})" : $"{proto} port {name}";
        if (p.Port is not int n) return $"any {proto} port";
        return p.EndPort is int end ? $"{proto} ports {n}-{end}" : $"{proto} port {n}";
    }

    public static string DescribePeer(NetworkPolicyInfo policy, NetworkPolicyPeer p)
    {
        if (p.Cidr is { } cidr) return p.Except.Count == 0 ? cidr : $"{cidr} except {string.Join(", ", p.Except)}";
        var pods = p.PodSelector is null || p.PodSelector.IsEmpty ? "all pods" : $"pods {p.PodSelector}";
        if (p.NamespaceSelector is null) return $"{pods} of namespace {policy.Namespace}";
        return p.NamespaceSelector.IsEmpty ? $"{pods} of every namespace" : $"{pods} of namespaces {p.NamespaceSelector}";
    }
}
