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
    string? FallbackReason);

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
        {
            var src = c.SourceEpg ?? "(unknown source EPG)";
            var dst = c.DestinationEpg ?? "(unknown destination EPG)";
            return new DropExplanation(
                $"No ACI contract between EPG {src} (consumer) and EPG {dst} (provider) allows {c.PacketDescription} (br-int {c.TableName}).",
                Array.Empty<string>(), $"no contract {ShortEpg(src)} -> {ShortEpg(dst)}");
        }
        if (c.Bridge == AciBridge.Integration && c.Table == IntPortSecurity)
            return new DropExplanation(
                $"Port security (br-int table 1) refused the packet: its source MAC/IP or port is not a known endpoint, or the endpoint's EPG is not resolved on this node. {c.FallbackReason}".TrimEnd(),
                Array.Empty<string>(), "port security");
        return new DropExplanation(c.FallbackReason ?? $"Dropped in table {c.Table} ({c.TableName}).", Array.Empty<string>());
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
        return new DropExplanation(
            $"{char.ToUpperInvariant(direction[0])}{direction[1..]} of {who} is isolated by {noun} {list}; none of {their} rules allows {c.PacketDescription} (br-access {c.TableName}).",
            selecting, $"{noun} {shortList}");
    }
}
