using System.Text.RegularExpressions;

namespace AciTrace.Tests.Unit.Ovs;

/// <summary>
/// Replaces the volatile parts of ofproto/trace output before comparing two captures: recirculation ids are allocated
/// per trace by ovs-vswitchd, so they are renumbered in order of first appearance (0x1, 0x2, ...). Nothing else changes.
/// </summary>
internal static partial class TraceNormalizer
{
    public static string Normalize(string trace)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        return RecircId().Replace(trace, m =>
        {
            var id = m.Groups["id"].Value;
            if (!map.TryGetValue(id, out var replacement))
            {
                replacement = "0x" + (map.Count + 1).ToString("x");
                map[id] = replacement;
            }
            return m.Groups["prefix"].Value + replacement;
        });
    }

    [GeneratedRegex(@"(?<prefix>recirc\(|recirc_id=|recirc_id\()(?<id>0x[0-9a-f]+)")]
    private static partial Regex RecircId();
}
