using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AciTrace.Replay.Ovs;

namespace AciTrace.Replay.Snapshot;

/// <summary>
/// Turns a node's recorded OVS answers back into what rebuilds it in a private OVS: the bridges and ports of
/// <c>ovs-appctl dpif/show</c> (ports keep their OpenFlow numbers; pod, uplink and other kernel ports become dummy
/// ports), the flows of <c>dump-flows</c> (without counters and timeouts, so nothing ages out), the groups of
/// <c>dump-groups</c> and the tunnel metadata map of <c>dump-tlv-map</c>.
/// </summary>
internal static partial class RecordedDatapath
{
    /// <summary>
    /// Flow fields that are statistics, timeouts (nothing may age out of a replay) or add-time checks (<c>check_overlap</c>
    /// would refuse the dump's own flows), not part of what a flow does to a packet.
    /// </summary>
    private static readonly string[] DroppedFlowFields = ["duration=", "n_packets=", "n_bytes=", "idle_age=", "hard_age=", "idle_timeout=", "hard_timeout=", "check_overlap"];

    public static OvsTopology Topology(string dpifShow)
    {
        var bridges = new List<(string Name, List<OvsPortSpec> Ports)>();
        foreach (var line in dpifShow.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var indent = line.Length - line.TrimStart(' ').Length;
            var text = line.Trim();
            if (indent == 2 && text.EndsWith(':') && !text.Contains(' ', StringComparison.Ordinal))
            {
                bridges.Add((text[..^1], []));
                continue;
            }
            var port = PortLine().Match(text);
            if (!port.Success || bridges.Count == 0) continue;
            var (bridge, ports) = bridges[^1];
            var name = port.Groups["name"].Value;
            if (name == bridge) continue; // the bridge's own local port
            var ofport = int.Parse(port.Groups["ofport"].Value, CultureInfo.InvariantCulture);
            var options = Options(port.Groups["options"].Value);
            ports.Add(port.Groups["type"].Value switch
            {
                "patch" => new OvsPortSpec(name, ofport, OvsPortType.Patch, options.GetValueOrDefault("peer")),
                "vxlan" => new OvsPortSpec(name, ofport, OvsPortType.Vxlan, Options: options),
                "geneve" => new OvsPortSpec(name, ofport, OvsPortType.Geneve, Options: options),
                "internal" or "dummy-internal" => new OvsPortSpec(name, ofport, OvsPortType.Internal),
                _ => new OvsPortSpec(name, ofport, OvsPortType.Dummy),
            });
        }
        return new OvsTopology(bridges.Select(b => new OvsBridgeSpec(b.Name, b.Ports)).ToList());
    }

    private static Dictionary<string, string> Options(string text)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0) options[pair[..eq]] = pair[(eq + 1)..];
        }
        return options;
    }

    /// <summary>The flows of a dump-flows answer in add-flows syntax, one per line.</summary>
    public static string Flows(string dump)
    {
        var flows = new StringBuilder();
        foreach (var raw in dump.Split('\n'))
        {
            var line = raw.Trim();
            var actions = line.IndexOf(" actions=", StringComparison.Ordinal);
            if (!line.StartsWith("cookie=", StringComparison.Ordinal) || actions < 0) continue;
            // Fields are separated by ", " and flags by a space ("send_flow_rem idle_age=1"); the match has commas only.
            var fields = line[..actions].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)
                .Where(f => !DroppedFlowFields.Any(d => f.StartsWith(d, StringComparison.Ordinal)));
            // QoS meters are not recorded and do not change where a packet goes; a flow naming a missing meter is refused.
            flows.Append(string.Join(',', fields)).Append(" actions=").Append(MeterInstruction().Replace(line[(actions + " actions=".Length)..], "")).Append('\n');
        }
        return flows.ToString();
    }

    /// <summary>
    /// The groups of a dump-groups answer (OpenFlow 1.5) in add-groups syntax, one per line. Bucket ids are only labels
    /// and go (OpenFlow 1.3 cannot carry them); a selection method stays, and makes the replay load groups over 1.5.
    /// </summary>
    public static string Groups(string dump) =>
        string.Concat(dump.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("group_id=", StringComparison.Ordinal))
            .Select(l => BucketId().Replace(l, "") + "\n"));

    /// <summary>The mappings of a dump-tlv-map answer in add-tlv-map syntax (empty when it has none).</summary>
    public static string TlvMap(string dump) =>
        string.Join(',', dump.Split('\n').Select(l => TlvLine().Match(l)).Where(m => m.Success)
            .Select(m => $"{{class={m.Groups["class"].Value},type={m.Groups["type"].Value},len={m.Groups["len"].Value}}}->{m.Groups["field"].Value}"));

    /// <summary>Only the flows of one table (header lines kept), as <c>dump-flows BRIDGE table=N</c> prints them.</summary>
    public static string FlowsOfTable(string dump, int table) =>
        string.Concat(dump.Split('\n').Where(l => !l.TrimStart().StartsWith("cookie=", StringComparison.Ordinal)
                || TableField().Match(l) is { Success: true } m && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) == table)
            .Select((l, i) => (i == 0 ? "" : "\n") + l));

    [GeneratedRegex(@"^(?<name>\S+) (?<ofport>\d+)/(?:\d+|none): \((?<type>[a-z0-9-]+)(?::\s*(?<options>[^)]*))?\)$")]
    private static partial Regex PortLine();

    [GeneratedRegex(@"^\s*(?<class>0x[0-9a-f]+)\s+(?<type>0x[0-9a-f]+|\d+)\s+(?<len>\d+)\s+(?<field>tun_metadata\d+)\s*$")]
    private static partial Regex TlvLine();

    [GeneratedRegex(@"(?<=bucket=)bucket_id:\d+,")]
    private static partial Regex BucketId();

    [GeneratedRegex(@"meter:\d+,?")]
    private static partial Regex MeterInstruction();

    [GeneratedRegex(@"[ ,]table=(\d+),")]
    private static partial Regex TableField();
}
