using System.Net;
using AciTrace.Lab.Generation;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.GroundTruth;

/// <summary>A packet to evaluate: from a pod to an IP (pod, ClusterIP, node or external), protocol tcp/udp/icmp/arp.</summary>
public sealed record PacketQuery(ResolvedPod Source, IPAddress Destination, string Protocol, int? SourcePort = null, int? DestinationPort = null);

/// <summary>
/// A packet from a client outside the cluster to a Service's LoadBalancer ingress IP, on the nodes the fabric's
/// service graph sends it to (or on <paramref name="Node"/>).
/// </summary>
public sealed record InboundQuery(IPAddress Client, ResolvedService Service, string Protocol, int ServicePort, string? Node = null, int? SourcePort = null);

/// <summary>Where a packet is dropped.</summary>
/// <param name="Node">Node name, or null when the fabric (leaf) drops it.</param>
/// <param name="Bridge">br-access or br-int, or "fabric".</param>
/// <param name="Table">Table whose rules refused the packet (br-access 6 egress NP, 4 ingress NP; br-int 12 contract).</param>
/// <param name="Reason">Human reason.</param>
public sealed record DropPoint(string? Node, string Bridge, int? Table, string Reason);

/// <summary>What one ofproto/trace leg on one node is expected to end with.</summary>
/// <param name="Node">Node the leg runs on.</param>
/// <param name="StartBridge">br-access (from a pod veth) or br-int (from vxlan0).</param>
/// <param name="InPort">Port name the leg starts on.</param>
/// <param name="TunnelIdIn">tun_id of the arriving packet (destination EPG VNID) for br-int legs.</param>
/// <param name="Verdict">Expected verdict of the leg.</param>
/// <param name="Drop">Drop point within the leg.</param>
/// <param name="TunnelIdOut">tun_id written on tunnel output (source EPG VNID).</param>
/// <param name="OutputPort">Expected final output port name (veth, vxlan0 or uplink).</param>
/// <param name="DestinationIp">Destination IP of the leg (after DNAT for services).</param>
/// <param name="DestinationPort">Destination port of the leg (after DNAT for services).</param>
public sealed record ExpectedLeg(string Node, string StartBridge, string InPort, uint? TunnelIdIn, TraceVerdict Verdict, DropPoint? Drop,
    uint? TunnelIdOut, string? OutputPort, IPAddress DestinationIp, int? DestinationPort = null);

/// <summary>Expected end-to-end outcome for one backend (or the only destination).</summary>
/// <param name="Verdict">Deliver (reached a pod), Forward (left through the tunnel/uplink toward something OVS does not simulate), Drop or Punt.</param>
/// <param name="Drop">Where it dropped.</param>
/// <param name="Legs">Legs in order (source node, then destination node).</param>
/// <param name="Backend">The chosen service backend, if any.</param>
/// <param name="SnatIp">Expected SNAT source IP.</param>
/// <param name="SnatPorts">Expected SNAT port range of the source node.</param>
/// <param name="ContractEnforcedBy">"node" (same-node POL_TABLE), "fabric" (cross-node), or null (no contract check: same EPG, ARP, SNAT/external).</param>
/// <param name="Reason">Why.</param>
public sealed record ExpectedOutcome(TraceVerdict Verdict, DropPoint? Drop, IReadOnlyList<ExpectedLeg> Legs, ResolvedPod? Backend,
    IPAddress? SnatIp, (int Start, int End)? SnatPorts, string? ContractEnforcedBy, string Reason)
{
    /// <summary>Reply traffic of an allowed connection is allowed (reflexive conntrack / Kubernetes semantics).</summary>
    public bool ReplyAllowed => Verdict is TraceVerdict.Deliver or TraceVerdict.Forward;
}

/// <summary>Expected outcomes from the spec alone: NetworkPolicies, contracts, services, SNAT and routing rules.</summary>
public sealed class GroundTruthEngine(ResolvedCluster cluster)
{
    private readonly NetworkPolicySemantics _np = new(cluster);

    /// <summary>The NetworkPolicy evaluator.</summary>
    public NetworkPolicySemantics Policies => _np;

    /// <summary>Possible outcomes: one per service backend for a ClusterIP destination, else one.</summary>
    public IReadOnlyList<ExpectedOutcome> Evaluate(PacketQuery q)
    {
        if (!q.Source.HasVeth) throw new ArgumentException($"source {q.Source.Key} has no veth (hostNetwork or Pending)");
        var proto = q.Protocol.ToLowerInvariant();
        var svc = cluster.Services.FirstOrDefault(s => s.ClusterIp.Equals(q.Destination));
        if (svc is not null && proto is "tcp" or "udp")
        {
            var port = svc.Ports.FirstOrDefault(p => p.Port == q.DestinationPort && p.Protocol.Equals(proto, StringComparison.OrdinalIgnoreCase));
            if (port is not null)
            {
                var mappings = NodeGenerator.ServiceMappings(cluster).Where(m => m.Service == svc && m.Port == port).ToList();
                // br-access checks egress before the DNAT, against the ClusterIP and the Service port.
                var toService = _np.EgressToService(q.Source, svc, port);
                if (!toService.Allowed)
                    return [Dropped([], q.Source, q.Source.Node, "br-access", 6,
                        $"egress NetworkPolicy {toService.Policies} of {q.Source.Key} allows no rule for {proto}/{port.Port} to Service {svc.Key} (no rule covers all its endpoints)", q.Destination, null)];
                var outcomes = new List<ExpectedOutcome>();
                foreach (var m in mappings)
                    foreach (var backend in m.NextHops)
                        outcomes.Add(ToPod(q, backend, m.NextHopPort, backend));
                if (outcomes.Count == 0)
                    outcomes.Add(new ExpectedOutcome(TraceVerdict.Punt, null,
                        [new ExpectedLeg(q.Source.Node, "br-access", q.Source.VethName, null, TraceVerdict.Punt, null, null, null, q.Destination)],
                        null, null, null, null, $"service {svc.Key} port {port.Port} has no ready endpoints: the agent punts (RST flow)"));
                return outcomes;
            }
        }
        var dstPod = cluster.PodByIp(q.Destination);
        // A pod's packet to its own address goes through its loopback and never reaches OVS or a NetworkPolicy.
        if (dstPod is not null && dstPod.Key == q.Source.Key)
            return [new ExpectedOutcome(TraceVerdict.Deliver, null, [], null, null, null, null, $"{dstPod.Key} reaches itself through its loopback")];
        if (dstPod is not null) return [ToPod(q, dstPod, q.DestinationPort, null)];
        return [ToOutside(q)];
    }

    /// <summary>
    /// Possible outcomes of a packet from outside to a Service's LoadBalancer IP (one per receiving node and backend):
    /// the fabric's service graph sends it to the nodes that run a ready backend of the port on the pod network; each
    /// such node's external copy of the Service lists its own backends only (externalTrafficPolicy changes none of it),
    /// then the backend's ingress NetworkPolicies see the client's address. With no node to send to, the fabric drops
    /// it here; the engine reports that as the error ServiceHasNoEndpoints.
    /// </summary>
    public IReadOnlyList<ExpectedOutcome> EvaluateInbound(InboundQuery q)
    {
        var proto = q.Protocol.ToLowerInvariant();
        var port = q.Service.Ports.FirstOrDefault(p => p.Port == q.ServicePort && p.Protocol.Equals(proto, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"service {q.Service.Key} has no port {proto}/{q.ServicePort}");
        var receiving = cluster.Nodes.SelectMany(n => NodeGenerator.ExternalEntries(cluster, n).Select(e => (Node: n, Entry: e)))
            .Where(x => x.Entry.Mapping.Service == q.Service && x.Entry.Mapping.Port == port && (q.Node is null || x.Node.Name == q.Node))
            .ToList();
        if (receiving.Count == 0)
            return [new ExpectedOutcome(TraceVerdict.Drop, new DropPoint(null, "fabric", null,
                $"no node{(q.Node is null ? "" : $" ({q.Node})")} runs a ready backend of {q.Service.Key} {proto}/{q.ServicePort}: the fabric's service graph has no node to send it to"),
                [], null, null, null, "fabric", "the service graph redirects only to nodes with a local backend")];
        var outcomes = new List<ExpectedOutcome>();
        foreach (var (node, entry) in receiving)
        {
            foreach (var backend in entry.NextHops)
            {
                var np = entry.Mapping.NextHopPort;
                var ing = _np.Ingress(backend, q.Client, null, proto, np);
                var drop = ing.Allowed ? null : new DropPoint(node.Name, "br-access", 4, $"ingress NetworkPolicy {ing.Policies} of {backend.Key} allows no rule for {proto}/{np} from {q.Client}");
                var verdict = drop is null ? TraceVerdict.Deliver : TraceVerdict.Drop;
                outcomes.Add(new ExpectedOutcome(verdict, drop,
                    [new ExpectedLeg(node.Name, "br-int", node.Uplink, null, verdict, drop, null, drop is null ? backend.VethName : null, backend.Ip, np)],
                    backend, null, null, null, drop?.Reason ?? $"LoadBalancer {entry.Address}:{entry.EntryPort} on {node.Name} load-balanced to {backend.Key} and delivered"));
            }
        }
        return outcomes;
    }

    private ExpectedOutcome ToPod(PacketQuery q, ResolvedPod dst, int? dport, ResolvedPod? backend)
    {
        var src = q.Source;
        var proto = q.Protocol.ToLowerInvariant();
        var srcNode = src.Node;
        var legs = new List<ExpectedLeg>();
        var routed = backend is not null;
        if (dst.HostNetwork) return ToOutside(q with { Destination = dst.Ip, DestinationPort = dport }, backend);

        // 1. egress NetworkPolicy at the source's br-access (ARP and ICMP pass ACI CNI's static-discovery SG); for a
        // Service backend it was checked against the ClusterIP already
        if (proto is not ("arp" or "icmp") && !routed)
        {
            var eg = _np.Egress(src, dst.Ip, dst, proto, dport);
            if (!eg.Allowed)
                return Dropped(legs, src, srcNode, "br-access", 6, $"egress NetworkPolicy {eg.Policies} of {src.Key} allows no rule for {proto}/{dport} to {dst.Key}", dst.Ip, backend);
        }
        var sameNode = dst.Node == srcNode;
        var sameEpg = dst.Epg == src.Epg;
        string? enforcedBy = sameEpg || proto == "arp" ? null : sameNode ? "node" : "fabric";
        // 2. contract: on the node for a local destination, otherwise at the leaf
        if (!sameEpg && proto != "arp")
        {
            var c = ContractAllows(src.Epg!, dst.Epg!, proto, q.SourcePort, dport);
            if (!c.Allowed)
            {
                if (sameNode)
                    return Dropped(legs, src, srcNode, "br-int", 12, $"no contract allows {src.Epg!.Name} -> {dst.Epg!.Name} {proto}/{dport}{c.Detail}", dst.Ip, backend);
                legs.Add(SourceLeg(src, TraceVerdict.Forward, null, src.Epg!.Vnid, "vxlan0", dst.Ip));
                return new ExpectedOutcome(TraceVerdict.Drop, new DropPoint(null, "fabric", null,
                    $"cross-node {src.Epg!.Name} -> {dst.Epg!.Name} has no contract for {proto}/{dport}; the leaf drops it"), legs, backend, null, null, "fabric",
                    "contracts between EPGs on different nodes are enforced by the fabric, not the node");
            }
        }
        // 3. ingress NetworkPolicy at the destination's br-access (own node IP always allowed by the node SG)
        PolicyDecision ing = PolicyDecision.NotIsolated;
        if (proto is not ("arp" or "icmp"))
            ing = _np.Ingress(dst, src.Ip, src, proto, dport);
        var dropIn = ing.Allowed ? null : new DropPoint(dst.Node, "br-access", 4, $"ingress NetworkPolicy {ing.Policies} of {dst.Key} allows no rule for {proto}/{dport} from {src.Key}");
        var finalVerdict = dropIn is null ? TraceVerdict.Deliver : TraceVerdict.Drop;
        if (sameNode)
        {
            legs.Add(SourceLeg(src, finalVerdict, dropIn, null, dropIn is null ? dst.VethName : null, dst.Ip));
        }
        else
        {
            legs.Add(SourceLeg(src, TraceVerdict.Forward, null, src.Epg!.Vnid, "vxlan0", dst.Ip));
            legs.Add(new ExpectedLeg(dst.Node, "br-int", "vxlan0", dst.Epg!.Vnid, finalVerdict, dropIn, null, dropIn is null ? dst.VethName : null, dst.Ip, dport));
        }
        var why = dropIn?.Reason ?? (sameNode ? "delivered on the same node" : "tunnelled to the destination node and delivered")
            + (routed ? $" (service backend {dst.Key})" : "");
        return new ExpectedOutcome(finalVerdict, dropIn, legs, backend, null, null, enforcedBy, why);
    }

    private ExpectedOutcome ToOutside(PacketQuery q, ResolvedPod? backend = null)
    {
        var src = q.Source;
        var proto = q.Protocol.ToLowerInvariant();
        var legs = new List<ExpectedLeg>();
        var dstNode = cluster.NodeByIp(q.Destination);
        if (proto is not ("arp" or "icmp"))
        {
            var eg = _np.Egress(src, q.Destination, null, proto, q.DestinationPort);
            if (!eg.Allowed)
                return Dropped(legs, src, src.Node, "br-access", 6, $"egress NetworkPolicy {eg.Policies} of {src.Key} allows no rule for {proto}/{q.DestinationPort} to {q.Destination}", q.Destination, backend);
        }
        var internalDst = cluster.PodSubnets.Any(s => s.Cidr.Contains(q.Destination)) || cluster.NodeSubnet.Contains(q.Destination);
        var snat = internalDst ? null : cluster.SnatPolicies.FirstOrDefault(s => s.Selects(src));
        if (snat is not null && snat.Destinations.Any(d => d.Contains(q.Destination)) && proto is not "arp")
        {
            var node = cluster.Nodes.First(n => n.Name == src.Node);
            legs.Add(SourceLeg(src, TraceVerdict.Forward, null, null, node.Uplink, q.Destination));
            return new ExpectedOutcome(TraceVerdict.Forward, null, legs, backend, snat.SnatIp, snat.RangeOf(node.Index), null,
                $"SNAT policy {snat.Name}: source NATed to {snat.SnatIp} and sent out {node.Uplink} on VLAN {cluster.Spec.ServiceVlan}");
        }
        legs.Add(SourceLeg(src, TraceVerdict.Forward, null, src.Epg!.Vnid, "vxlan0", q.Destination));
        var what = dstNode is not null ? $"node {dstNode.Name} (hostNetwork)" : internalDst ? "an unknown internal address" : "an external address";
        return new ExpectedOutcome(TraceVerdict.Forward, null, legs, backend, null, null, null,
            $"{q.Destination} is {what}: routed to the fabric through vxlan0 with the source EPG VNID");
    }

    private static ExpectedLeg SourceLeg(ResolvedPod src, TraceVerdict v, DropPoint? drop, uint? tunOut, string? output, IPAddress dst) =>
        new(src.Node, "br-access", src.VethName, null, v, drop, tunOut, output, dst);

    private static ExpectedOutcome Dropped(List<ExpectedLeg> legs, ResolvedPod src, string node, string bridge, int table, string reason, IPAddress dst, ResolvedPod? backend)
    {
        var drop = new DropPoint(node, bridge, table, reason);
        legs.Add(SourceLeg(src, TraceVerdict.Drop, drop, null, null, dst));
        return new ExpectedOutcome(TraceVerdict.Drop, drop, legs, backend, null, null, table == 12 ? "node" : null, reason);
    }

    /// <summary>Contract evaluation as the POL_TABLE renders it: intra-EPG allowed; else the highest-priority matching rule decides.</summary>
    public (bool Allowed, string Detail) ContractAllows(ResolvedEpg src, ResolvedEpg dst, string proto, int? sport, int? dport)
    {
        if (src == dst) return (true, " (intra-EPG)");
        (int Prio, bool Allow, string Name)? best = null;
        foreach (var k in cluster.Contracts)
            for (var i = 0; i < k.Filters.Count; i++)
            {
                var f = k.Filters[i];
                var forward = f.Direction is "in" or "bidirectional" && k.Consumers.Contains(src) && k.Providers.Contains(dst);
                var reverse = f.Direction is "out" or "bidirectional" && k.Providers.Contains(src) && k.Consumers.Contains(dst);
                if (!forward && !reverse) continue;
                if (!FilterMatches(f, proto, sport, dport)) continue;
                var prio = 8192 - 128 * i;
                if (best is null || prio > best.Value.Prio || prio == best.Value.Prio && !f.Allow) best = (prio, f.Allow, $"{k.Name}/{f.Name}");
            }
        return best is null ? (false, "") : (best.Value.Allow, best.Value.Allow ? $" ({best.Value.Name})" : $" (denied by {best.Value.Name})");
    }

    private static bool FilterMatches(ResolvedFilter f, string proto, int? sport, int? dport)
    {
        int? p = proto switch { "tcp" => 6, "udp" => 17, "icmp" => 1, _ => null };
        var ether = proto == "arp" ? "arp" : "ipv4";
        if (f.EtherT != "unspecified" && f.EtherT != ether) return false;
        if (f.Proto is not null && f.Proto != p) return false;
        if (!f.Allow) return true; // deny rules match only ethertype/protocol
        if (f.DFrom is { } df && (dport is null || dport < df || dport > (f.DTo ?? df))) return false;
        if (f.SFrom is { } sf && (sport is null || sport < sf || sport > (f.STo ?? sf))) return false;
        return true;
    }
}
