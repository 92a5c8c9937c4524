using System.Globalization;
using System.Text.RegularExpressions;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Kube;
using AciTrace.Ovs;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>
/// A node's flow table as <see cref="AciFlow"/> objects: one read-only <c>ovs-ofctl dump-flows</c> in the node's
/// openvswitch pod, decoded with the node's facts (table names, the rules behind cookies, what register matches name).
/// </summary>
internal static partial class FlowReader
{
    public static async Task<IReadOnlyList<AciFlow>> ReadAsync(IKubeClient kube, ClusterDiscovery discovery, NodeFactsStore facts,
        string node, string bridge, int? table, CancellationToken ct)
    {
        InputValidation.ValidateBridgeName(bridge);
        var system = await discovery.SystemPodsAsync(node, ct).ConfigureAwait(false);
        var stateTask = facts.StateAsync(system, ct);
        var portMapsTask = facts.PortMapsAsync(system, ct);
        NodeFactsStore.Observe(stateTask);
        NodeFactsStore.Observe(portMapsTask);
        var argv = new List<string> { "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", bridge };
        if (table is int t) argv.Add("table=" + t.ToString(CultureInfo.InvariantCulture));
        var result = await NodeExec.OnNode(node, () => kube.ExecAsync(system.Namespace, system.OpenvSwitch.Name, ClusterDiscovery.OvsContainer, argv, ct)).ConfigureAwait(false);
        var nodeFacts = NodeFactsLoader.Compose(node, await stateTask.ConfigureAwait(false), Array.Empty<AgentFiles>(), await portMapsTask.ConfigureAwait(false));
        var kind = AciTables.BridgeKind(bridge);
        return FlowDumpParser.Parse(result.Stdout).Select(f => new AciFlow
        {
            Node = node, Bridge = bridge, Table = f.Table, TableName = AciTables.IsKnown(kind, f.Table) ? AciTables.Name(kind, f.Table) : "",
            Priority = f.Priority, Match = f.Match, Actions = f.Actions, Cookie = f.Cookie,
            Rule = ulong.TryParse(f.Cookie.StartsWith("0x", StringComparison.Ordinal) ? f.Cookie[2..] : f.Cookie, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cookie)
                ? AciDecoder.DescribeCookie(cookie, nodeFacts) ?? "" : "",
            MatchDecoded = DecodeMatch(kind, f.Match, nodeFacts), Packets = f.Packets, Bytes = f.Bytes,
        }).ToList();
    }

    /// <summary>What register, metadata and tunnel-id matches name, read as the decoder reads a write of the same value.</summary>
    private static string DecodeMatch(AciBridge bridge, string match, NodeFacts facts)
    {
        var meanings = new List<string>();
        foreach (Match m in RegisterMatch().Matches(match))
        {
            var write = AciDecoder.DecodeAction(bridge, $"set_field:{m.Groups[2].Value}->{m.Groups[1].Value}", facts);
            if (write is { Meaning.Length: > 0 }) meanings.Add($"{m.Groups[1].Value}={m.Groups[2].Value} ({write.Role} {write.Meaning})");
        }
        return string.Join("; ", meanings);
    }

    [GeneratedRegex(@"(?:^|,)(reg\d+|metadata|tun_id)=([0-9a-fx/]+)")]
    private static partial Regex RegisterMatch();
}
