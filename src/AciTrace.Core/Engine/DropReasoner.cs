using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Explain;
using AciTrace.Judging;
using AciTrace.Ovs;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>
/// Explains the dropping passes of one leg in the user's terms (the NetworkPolicy, the EPG pair without a contract,
/// the Service egress rule), from explicit inputs only: the leg, the node's facts, the pods of the trace, the
/// NetworkPolicies read for their namespaces, and the Service egress when the trace addressed a Service.
/// </summary>
internal sealed class DropReasoner(
    TraceLeg leg,
    NodeFacts facts,
    IReadOnlyList<ResolvedPod> pods,
    IReadOnlyDictionary<string, IReadOnlyList<NetworkPolicyInfo>?> policiesByNamespace,
    TraceProtocol protocol,
    string packetDescription,
    ServiceEgress? serviceEgress)
{
    /// <summary>The reason (and short cause) of a pass; a pass that does not drop keeps the judge's reason.</summary>
    public (string Reason, string? Cause) Reason(ParsedPass pass, PassJudgement judged)
    {
        if (judged.Verdict != TraceVerdict.Drop || judged.DropTable is not int table) return (judged.Reason, null);
        var kind = facts.BridgeKind(pass.Bridge);
        var (sender, receiver) = PodsOfLeg();
        string? srcEpg = null, dstEpg = null;
        uint? srcVnid = null, dstVnid = null;
        foreach (var w in pass.Hops.SelectMany(h => h.Actions).Select(a => AciDecoder.DecodeAction(kind, a.Text, facts)).OfType<RegisterWrite>())
        {
            if (!w.Role.Contains("EPG", StringComparison.OrdinalIgnoreCase)) continue;
            if (w.Register == "reg0") (srcEpg, srcVnid) = (w.Meaning.Length > 0 ? w.Meaning : w.Value, FlowFields.ParseMark(w.Value));
            if (w.Register == "reg2") (dstEpg, dstVnid) = (w.Meaning.Length > 0 ? w.Meaning : w.Value, FlowFields.ParseMark(w.Value));
        }
        // The contracts between the two EPGs as this node's policy has them (null when the EPGs are not resolved).
        var dump = facts.PolicyDump;
        IReadOnlyList<ContractBinding>? contracts = dump is not null && srcVnid is uint sv && dstVnid is uint dv
            && dump.EpgByVnid(sv) is { } se && dump.EpgByVnid(dv) is { } de
            ? dump.ContractsBetween(se, de) : null;
        var flow = leg.Command.Flow;
        var packet = new PolicyPacketFacts(protocol, FlowFields.DestinationPort(flow), FlowFields.SourceAddress(flow), FlowFields.DestinationAddress(flow));
        var explanation = DropExplainer.Explain(new DropContext(kind, table, AciTables.Name(kind, table), packetDescription,
            sender, receiver, PoliciesOf(sender), PoliciesOf(receiver), srcEpg, dstEpg, judged.Reason, contracts, packet,
            serviceEgress is { } egress && FlowFields.DestinationAddress(flow) == egress.ClusterIp ? egress : null));
        return (explanation.Reason, explanation.Cause);
    }

    /// <summary>The pod that sends into this leg (by its veth as in_port, else by source address) and the one it goes to.</summary>
    private (PodInfo? Sender, PodInfo? Receiver) PodsOfLeg()
    {
        var flow = leg.Command.Flow;
        PodInfo? OnNode(string? veth) => veth is null ? null : pods.FirstOrDefault(p => p.Veth == veth && p.Node == leg.Node)?.Pod;
        var sender = pods.FirstOrDefault(p => flow.Contains("in_port=" + p.Veth + ",", StringComparison.Ordinal) && p.Node == leg.Node)?.Pod
            ?? pods.FirstOrDefault(p => p.Address.ToString() == FlowFields.SourceAddress(flow))?.Pod;
        var receiver = leg.DestinationVeths.Select(OnNode).FirstOrDefault(p => p is not null)
            ?? pods.FirstOrDefault(p => p.Address.ToString() == FlowFields.DestinationAddress(flow))?.Pod;
        return (sender, receiver);
    }

    private IReadOnlyList<NetworkPolicyInfo>? PoliciesOf(PodInfo? pod) =>
        pod is not null && policiesByNamespace.TryGetValue(pod.Namespace, out var list) ? list : null;
}
