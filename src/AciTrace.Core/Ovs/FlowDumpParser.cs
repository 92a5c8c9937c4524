using System.Globalization;

namespace AciTrace.Ovs;

/// <summary>One line of <c>ovs-ofctl dump-flows</c>, split up.</summary>
public sealed record FlowLine(string Cookie, int Table, int Priority, string Match, string Actions, long Packets, long Bytes);

/// <summary>
/// Parses <c>ovs-ofctl dump-flows</c> output: <c>cookie=0x.., duration=.., table=N, n_packets=N, n_bytes=N,
/// [flags] priority=P[,match] actions=...</c>. The reply header and lines that are not flows are skipped; a flow
/// without <c>priority=</c> has OpenFlow's default 32768. Never throws.
/// </summary>
public static class FlowDumpParser
{
    private static readonly HashSet<string> StatKeys = new(StringComparer.Ordinal)
    {
        "cookie", "duration", "table", "n_packets", "n_bytes", "idle_timeout", "hard_timeout", "importance", "idle_age", "hard_age", "reset_counts",
    };

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal)
    {
        "send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts",
    };

    public static IReadOnlyList<FlowLine> Parse(string? text)
    {
        var flows = new List<FlowLine>();
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith("cookie=", StringComparison.Ordinal)) continue;
            var at = line.IndexOf(" actions=", StringComparison.Ordinal);
            if (at < 0) continue;
            var actions = line[(at + " actions=".Length)..];
            var head = line[..at];
            string cookie = "0x0";
            int table = 0, priority = 32768;
            long packets = 0, bytes = 0;
            var match = new List<string>();
            foreach (var word in head.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                foreach (var token in word.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = token.IndexOf('=');
                    var key = eq < 0 ? token : token[..eq];
                    var value = eq < 0 ? "" : token[(eq + 1)..];
                    if (Flags.Contains(token)) continue;
                    switch (key)
                    {
                        case "cookie": cookie = value; continue;
                        case "table": int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out table); continue;
                        case "priority": int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out priority); continue;
                        case "n_packets": long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out packets); continue;
                        case "n_bytes": long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out bytes); continue;
                    }
                    if (StatKeys.Contains(key)) continue;
                    match.Add(token);
                }
            }
            flows.Add(new FlowLine(cookie, table, priority, string.Join(',', match), actions, packets, bytes));
        }
        return flows;
    }
}
