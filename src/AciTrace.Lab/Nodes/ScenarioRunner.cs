using System.Globalization;
using AciTrace.Judging;
using AciTrace.Lab.Generation;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;
using AciTrace.Packets;

namespace AciTrace.Lab.Nodes;

/// <summary>One traced leg: what ground truth expected, what the real ofproto/trace showed.</summary>
public sealed record TracedLeg(ExpectedLeg Expected, string Bridge, string Flow, string TraceText, TraceJudgement Judgement);

/// <summary>A scenario run: the expected outcome, the traced legs and every disagreement.</summary>
public sealed record ScenarioResult(string Name, ExpectedOutcome Expected, IReadOnlyList<TracedLeg> Legs, IReadOnlyList<string> Mismatches)
{
    /// <summary>True when every leg agreed with ground truth.</summary>
    public bool Agrees => Mismatches.Count == 0;
}

/// <summary>Runs scenarios against a running lab: ground truth first, then real ofproto/trace per leg, then comparison.</summary>
public sealed class ScenarioRunner(LabCluster lab)
{
    private readonly GroundTruthEngine _truth = new(lab.Cluster);

    /// <summary>Runs a named scenario of the spec.</summary>
    public Task<ScenarioResult> RunAsync(string name, CancellationToken ct = default) =>
        RunAsync(lab.Cluster.Spec.Scenarios.First(s => s.Name == name), ct);

    /// <summary>Runs a scenario.</summary>
    public async Task<ScenarioResult> RunAsync(ScenarioSpec scenario, CancellationToken ct = default)
    {
        var q = Scenarios.ToQuery(lab.Cluster, scenario, out var error) ?? throw new ArgumentException(error);
        var result = await RunAsync(scenario.Name, q, ct).ConfigureAwait(false);
        if (scenario.Expect is not null && result.Expected.Verdict.ToString() != scenario.Expect)
            return result with { Mismatches = [.. result.Mismatches, $"ground truth says {result.Expected.Verdict} but the scenario declares {scenario.Expect}"] };
        return result;
    }

    /// <summary>
    /// Runs a packet from outside on every node the ground truth says receives it: into br-int from the uplink on the
    /// service VLAN, addressed to the node's service MAC; each leg's judgement must match one outcome of that node
    /// (the trace picks one backend; any backend of the node is right).
    /// </summary>
    public async Task<IReadOnlyList<ScenarioResult>> RunInboundAsync(string name, InboundQuery q, CancellationToken ct = default)
    {
        var outcomes = _truth.EvaluateInbound(q);
        var results = new List<ScenarioResult>();
        foreach (var byNode in outcomes.Where(o => o.Legs.Count > 0).GroupBy(o => o.Legs[0].Node))
        {
            var node = lab.Cluster.Nodes.Single(n => n.Name == byNode.Key);
            var first = byNode.First().Legs[0];
            var packet = new PacketSpec
            {
                InPort = PortRef.Named(node.Uplink),
                Protocol = ToProtocol(q.Protocol.ToLowerInvariant()),
                Vlan = new VlanSpec(lab.Cluster.Spec.ServiceVlan),
                EthSrc = Of.RouterMac,
                EthDst = node.UplinkMac,
                SourceAddress = q.Client.ToString(),
                DestinationAddress = q.Service.LoadBalancerIp!.ToString(),
                Ttl = 64,
                SourcePort = q.SourcePort ?? 40000,
                DestinationPort = q.ServicePort,
            };
            var traced = await TraceAsync(first, packet, ct).ConfigureAwait(false);
            var matching = byNode.FirstOrDefault(o => o.Backend is null || traced.Judgement.DnatAddress == o.Backend.Ip.ToString()) ?? byNode.First();
            var leg = traced with { Expected = matching.Legs[0] };
            var mismatches = new List<string>();
            Compare(leg, mismatches);
            if (matching.Backend is { } b && traced.Judgement.DnatAddress != b.Ip.ToString())
                mismatches.Add($"{node.Name}: expected DNAT to a local backend, trace shows {traced.Judgement.DnatAddress ?? "none"}");
            results.Add(new ScenarioResult($"{name} via {node.Name}", matching, [leg], mismatches));
        }
        return results;
    }

    /// <summary>Runs a packet query.</summary>
    public async Task<ScenarioResult> RunAsync(string name, PacketQuery q, CancellationToken ct = default)
    {
        var outcomes = _truth.Evaluate(q);
        var mismatches = new List<string>();
        var legs = new List<TracedLeg>();
        var first = outcomes[0];
        var src = await TraceAsync(first.Legs[0], SourceFlow(q), ct).ConfigureAwait(false);
        legs.Add(src);
        var chosen = first;
        if (outcomes.Count > 1 || first.Backend is not null)
        {
            chosen = outcomes.FirstOrDefault(o => o.Backend?.Ip.ToString() == src.Judgement.DnatAddress) ?? first;
            if (chosen.Backend?.Ip.ToString() != src.Judgement.DnatAddress)
                mismatches.Add($"trace DNATs to {src.Judgement.DnatAddress ?? "nothing"}, not to any backend of ground truth ({string.Join(", ", outcomes.Select(o => o.Backend?.Ip))})");
            legs[0] = src with { Expected = chosen.Legs[0] };
        }
        Compare(legs[0], mismatches);
        for (var i = 1; i < chosen.Legs.Count; i++)
        {
            var leg = await TraceAsync(chosen.Legs[i], DestinationFlow(q, chosen, chosen.Legs[i]), ct).ConfigureAwait(false);
            legs.Add(leg);
            Compare(leg, mismatches);
        }
        if (chosen.SnatIp is not null && src.Judgement.SnatAddress?.StartsWith(chosen.SnatIp.ToString(), StringComparison.Ordinal) != true)
            mismatches.Add($"expected SNAT to {chosen.SnatIp}, trace shows {src.Judgement.SnatAddress ?? "no SNAT"}");
        return new ScenarioResult(name, chosen, legs, mismatches);
    }

    private static void Compare(TracedLeg leg, List<string> mismatches)
    {
        var e = leg.Expected;
        var j = leg.Judgement;
        var where = $"{e.Node} {leg.Bridge}";
        if (j.Verdict != e.Verdict) { mismatches.Add($"{where}: expected {e.Verdict}, trace judged {j.Verdict} ({j.Reason})"); return; }
        if (e.Drop is { Table: { } table } && j.FirstDrop is { } d && (d.Bridge != e.Drop.Bridge || d.DropTable != table))
            mismatches.Add($"{where}: expected drop at {e.Drop.Bridge} table {table}, trace dropped at {d.Bridge} table {d.DropTable?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        if (e.TunnelIdOut is { } tun && !SameNumber(j.TunnelId, tun))
            mismatches.Add($"{where}: expected tun_id 0x{tun:x}, trace wrote {j.TunnelId ?? "none"}");
    }

    private static bool SameNumber(string? text, uint value) =>
        text is not null && (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v) && v == value
            : ulong.TryParse(text, out v) && v == value);

    private async Task<TracedLeg> TraceAsync(ExpectedLeg leg, PacketSpec packet, CancellationToken ct)
    {
        var node = lab.Nodes[leg.Node];
        var flow = FlowStringBuilder.Build(packet);
        var text = await node.Ovs.TraceAsync(leg.StartBridge, flow, null, ct).ConfigureAwait(false);
        return new TracedLeg(leg, leg.StartBridge, flow, text, TraceJudge.Judge(text, ContextFor(node.Generated, leg)));
    }

    /// <summary>Port roles of a node for the judge; the destination pod's veth is the delivery port.</summary>
    public JudgeContext ContextFor(GeneratedNode g, ExpectedLeg leg)
    {
        var dst = lab.Cluster.PodByIp(leg.DestinationIp);
        var deliver = new HashSet<int>();
        if (dst is not null && dst.Node == g.Name && g.OfPortOf(dst.VethName) is { } p) deliver.Add(p);
        var access = new BridgePorts
        {
            DestinationPorts = deliver,
            PatchPorts = g.Ports.Where(x => x.Bridge == "br-access" && x.Type == "patch").ToDictionary(x => x.OfPort, _ => "br-int"),
        };
        var integ = new BridgePorts
        {
            PatchPorts = g.Ports.Where(x => x.Bridge == "br-int" && x.Type == "patch").ToDictionary(x => x.OfPort, _ => "br-access"),
            TunnelPorts = new HashSet<int> { g.OfPortOf("vxlan0")!.Value },
            UplinkPorts = new HashSet<int> { 1 },
        };
        return JudgeContext.Empty.With("br-access", access).With("br-int", integ);
    }

    private PacketSpec SourceFlow(PacketQuery q)
    {
        var dstPod = lab.Cluster.PodByIp(q.Destination);
        var proto = q.Protocol;
        if (proto == "arp")
            return new PacketSpec
            {
                InPort = PortRef.Named(q.Source.VethName), Protocol = PacketProtocol.Arp, EthSrc = q.Source.Mac, EthDst = "ff:ff:ff:ff:ff:ff",
                ArpOp = 1, ArpSpa = q.Source.Ip.ToString(), ArpTpa = q.Destination.ToString(), ArpSha = q.Source.Mac, ArpTha = "00:00:00:00:00:00",
            };
        return new PacketSpec
        {
            InPort = PortRef.Named(q.Source.VethName),
            Protocol = ToProtocol(proto),
            EthSrc = q.Source.Mac,
            EthDst = dstPod?.Mac ?? Of.RouterMac,
            SourceAddress = q.Source.Ip.ToString(),
            DestinationAddress = q.Destination.ToString(),
            Ttl = 64,
            SourcePort = q.SourcePort,
            DestinationPort = q.DestinationPort,
            IcmpType = proto == "icmp" ? 8 : null,
            IcmpCode = proto == "icmp" ? 0 : null,
        };
    }

    private PacketSpec DestinationFlow(PacketQuery q, ExpectedOutcome o, ExpectedLeg leg)
    {
        var dst = lab.Cluster.PodByIp(leg.DestinationIp)!;
        var routed = o.Backend is not null;
        if (q.Protocol == "arp")
            return SourceFlow(q) with { InPort = PortRef.Named("vxlan0"), TunId = leg.TunnelIdIn };
        return new PacketSpec
        {
            InPort = PortRef.Named("vxlan0"),
            TunId = leg.TunnelIdIn,
            Protocol = ToProtocol(q.Protocol),
            EthSrc = routed ? Of.RouterMac : q.Source.Mac,
            EthDst = dst.Mac,
            SourceAddress = q.Source.Ip.ToString(),
            DestinationAddress = leg.DestinationIp.ToString(),
            Ttl = 63,
            SourcePort = q.SourcePort,
            DestinationPort = leg.DestinationPort,
            IcmpType = q.Protocol == "icmp" ? 8 : null,
            IcmpCode = q.Protocol == "icmp" ? 0 : null,
        };
    }

    private static PacketProtocol ToProtocol(string p) => p switch
    {
        "tcp" => PacketProtocol.Tcp,
        "udp" => PacketProtocol.Udp,
        "icmp" => PacketProtocol.Icmp,
        "arp" => PacketProtocol.Arp,
        _ => PacketProtocol.Ip,
    };
}
