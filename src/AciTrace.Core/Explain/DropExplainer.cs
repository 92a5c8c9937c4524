using AciTrace.Aci;
using AciTrace.Discovery;

namespace AciTrace.Explain;

/// <summary>Where a pass dropped, in ACI terms, plus what is known about the packet's endpoints.</summary>
public sealed record DropContext(
    AciBridge Bridge,
    int Table,
    string TableName,
    string PacketDescription,
    PodInfo? SendingPod,
    PodInfo? ReceivingPod,
    IReadOnlyList<NetworkPolicyInfo>? SendingPodPolicies,
    IReadOnlyList<NetworkPolicyInfo>? ReceivingPodPolicies,
    string? SourceEpg,
    string? DestinationEpg,
    string? FallbackReason,
    IReadOnlyList<ContractBinding>? Contracts = null,
    PolicyPacketFacts? Packet = null,
    ServiceEgress? Service = null);

/// <summary>
/// The Service a packet was addressed to when br-access checked its egress (before the DNAT): its ClusterIP and
/// port, the target port, and every endpoint (the pod when known, and its address).
/// </summary>
public sealed record ServiceEgress(string Service, string ClusterIp, int ServicePort, int TargetPort, IReadOnlyList<(PodInfo? Pod, string Address)> Endpoints);

/// <summary>The packet's protocol, destination port and addresses, for saying which part of a rule it failed.</summary>
public sealed record PolicyPacketFacts(Engine.TraceProtocol Protocol, int? DestinationPort, string? SourceAddress, string? DestinationAddress);

/// <summary>
/// A drop explained in the user's terms: the full <paramref name="Reason"/>, and its short <paramref name="Cause"/>
/// (<c>NetworkPolicy shop/web-ingress</c>, <c>no contract app -&gt; db</c>) for one-line outcomes; null when only the
/// table is known.
/// </summary>
public sealed record DropExplanation(string Reason, IReadOnlyList<string> Policies, string? Cause = null);

/// <summary>
/// Names the cause of a drop: the NetworkPolicies that isolate the pod for that direction (br-access security-group
/// tables), the EPG pair without a contract (br-int POL_TABLE), or the table that missed.
/// </summary>
public static class DropExplainer
{
    public const int AccessSysSecurityGroupIn = 3, AccessSecurityGroupIn = 4, AccessSysSecurityGroupOut = 5, AccessSecurityGroupOut = 6;
    public const int IntPortSecurity = 1, IntPolicy = 12;

    public static DropExplanation Explain(DropContext c)
    {
        if (c.Bridge == AciBridge.Access && c.Table is AccessSecurityGroupIn or AccessSysSecurityGroupIn)
            return ExplainPolicies("ingress", c.ReceivingPod, c.ReceivingPodPolicies, c);
        if (c.Bridge == AciBridge.Access && c.Table is AccessSecurityGroupOut or AccessSysSecurityGroupOut)
            return ExplainPolicies("egress", c.SendingPod, c.SendingPodPolicies, c);
        if (c.Bridge == AciBridge.Integration && c.Table == IntPolicy)
            return ExplainContracts(c.SourceEpg, c.DestinationEpg, c.Contracts, c.PacketDescription, $"(br-int {c.TableName})");
        if (c.Bridge == AciBridge.Integration && c.Table == IntPortSecurity)
            return new DropExplanation(
                $"Port security (br-int table 1) refused the packet: its source MAC/IP or port is not a known endpoint, or the endpoint's EPG is not resolved on this node. {c.FallbackReason}".TrimEnd(),
                Array.Empty<string>(), "port security");
        return new DropExplanation(c.FallbackReason ?? $"Dropped in table {c.Table} ({c.TableName}).", Array.Empty<string>());
    }

    /// <summary>
    /// A POL_TABLE drop. The roles come from the contracts themselves (which EPG consumes, which provides), never from
    /// who sends: the reply of a connection travels from the provider to the consumer.
    /// </summary>
    public static DropExplanation ExplainContracts(string? sourceEpg, string? destinationEpg, IReadOnlyList<ContractBinding>? contracts,
        string packet, string where)
    {
        var src = sourceEpg ?? "(unknown source EPG)";
        var dst = destinationEpg ?? "(unknown destination EPG)";
        if (contracts is null)
            return new DropExplanation($"No ACI contract between EPG {src} and EPG {dst} allows {packet} from {src} to {dst} {where}.",
                Array.Empty<string>(), $"no contract {ShortEpg(src)} -> {ShortEpg(dst)} allows it");
        if (contracts.Count == 0)
            return new DropExplanation(
                $"No ACI contract between EPG {src} and EPG {dst}: neither provides a contract that the other consumes, so no {packet} passes from {src} to {dst} {where}.",
                Array.Empty<string>(), $"no contract {ShortEpg(src)} -> {ShortEpg(dst)}");
        var roles = string.Join("; ", contracts.Select(b => b.Role switch
        {
            ContractRole.SourceConsumes => $"contract {b.Contract.Name}: consumer EPG {src}, provider EPG {dst}",
            ContractRole.SourceProvides => $"contract {b.Contract.Name}: consumer EPG {dst}, provider EPG {src}",
            _ => $"intra-EPG contract {b.Contract.Name} of EPG {src}",
        }).Distinct());
        var names = string.Join(", ", contracts.Select(b => b.Contract.Name).Distinct());
        return new DropExplanation(
            $"No filter of the contracts between EPG {src} and EPG {dst} ({roles}) allows {packet} from {src} to {dst} {where}.",
            Array.Empty<string>(), $"contract {names} allows no {packet}");
    }

    /// <summary>Which part of the selecting policies' rules the packet failed (peer, port, protocol), or null when unknown.</summary>
    private static string? WhatFailed(bool ingress, PodInfo pod, IReadOnlyList<NetworkPolicyInfo> selecting, DropContext c)
    {
        if (c.Packet is not { } facts) return null;
        if (!ingress && c.Service is { } service) return WhatFailedForService(pod, selecting, facts.Protocol, service);
        var peer = ingress ? c.SendingPod : c.ReceivingPod;
        var packet = new PolicyPacket(pod, peer, ingress ? facts.SourceAddress : facts.DestinationAddress,
            ingress ? pod : peer, facts.Protocol, facts.DestinationPort);
        var checks = NetworkPolicyMatcher.Check(selecting, ingress, packet);
        return NetworkPolicyMatcher.Mismatch(checks, ingress, packet, c.PacketDescription);
    }

    /// <summary>
    /// ACI CNI checks egress before the Service DNAT: the aci-containers controller adds a Service's ClusterIP to an
    /// egress rule only when the rule admits ALL the Service's endpoints on its target port. Say which endpoints the
    /// best rule leaves out.
    /// </summary>
    private static string WhatFailedForService(PodInfo pod, IReadOnlyList<NetworkPolicyInfo> selecting, Engine.TraceProtocol protocol, ServiceEgress svc)
    {
        var head = $"ACI CNI applies egress rules before the Service DNAT, so Service {svc.Service} ({svc.ClusterIp}:{svc.ServicePort}) is allowed only by a rule that admits all its endpoints on {protocol.ToString().ToUpperInvariant()} port {svc.TargetPort}";
        var best = selecting.SelectMany(np => np.EgressRules.Select(r => (Policy: np, Rule: r)))
            .Select(x => (x.Policy, x.Rule, Admitted: svc.Endpoints.Where(e =>
                NetworkPolicyMatcher.Check(x.Policy, x.Rule, new PolicyPacket(pod, e.Pod, e.Address, e.Pod, protocol, svc.TargetPort)) is { PeerMatches: true, PortMatches: true }).ToList()))
            .OrderByDescending(x => x.Admitted.Count).FirstOrDefault();
        if (best.Policy is null || best.Admitted.Count == 0)
            return $"{head}; no rule admits any of them ({string.Join(", ", svc.Endpoints.Select(Describe))})";
        var left = svc.Endpoints.Except(best.Admitted).ToList();
        return $"{head}; the closest rule of {best.Policy.Key} admits {string.Join(", ", best.Admitted.Select(Describe))} but not {string.Join(", ", left.Select(Describe))}";

        static string Describe((PodInfo? Pod, string Address) e) => e.Pod is { } p ? $"{p.Key} ({e.Address})" : e.Address;
    }

    /// <summary>The EPG without its application profile (<c>aci-containers-kube|db</c> reads as <c>db</c>) for one-line causes.</summary>
    public static string ShortEpg(string epg) => epg[(epg.LastIndexOf('|') + 1)..];

    private static DropExplanation ExplainPolicies(string direction, PodInfo? pod, IReadOnlyList<NetworkPolicyInfo>? policies, DropContext c)
    {
        var who = pod?.Key ?? "the pod";
        if (policies is null)
            return new DropExplanation(
                $"The {direction} security-group rules of {who} (br-access {c.TableName}) allow no {c.PacketDescription}; the NetworkPolicies could not be read.",
                Array.Empty<string>());
        var selecting = policies.Where(p => (direction == "ingress" ? p.AppliesToIngress : p.AppliesToEgress)
                                            && pod is not null && p.Namespace == pod.Namespace && p.PodSelector.Matches(pod.Labels))
            .Select(p => p.Key).ToList();
        if (selecting.Count == 0)
            return new DropExplanation(
                $"The {direction} security-group rules of {who} (br-access {c.TableName}) allow no {c.PacketDescription}, but no Kubernetes NetworkPolicy selects the pod for {direction}: check ACI security groups applied to its EPG.",
                Array.Empty<string>());
        var list = string.Join(", ", selecting);
        var noun = selecting.Count == 1 ? "NetworkPolicy" : "NetworkPolicies";
        var their = selecting.Count == 1 ? "its" : "their";
        var shortList = selecting.Count <= 2 ? list : $"{selecting[0]}, {selecting[1]} +{selecting.Count - 2}";
        var head = $"{char.ToUpperInvariant(direction[0])}{direction[1..]} of {who} is isolated by {noun} {list}";
        var what = WhatFailed(direction == "ingress", pod!, policies.Where(p => selecting.Contains(p.Key)).ToList(), c);
        return new DropExplanation(what is null
                ? $"{head}; none of {their} rules allows {c.PacketDescription} (br-access {c.TableName})."
                : $"{head}: {what} (br-access {c.TableName}).",
            selecting, $"{noun} {shortList}");
    }
}
