using System.Text.RegularExpressions;

namespace AciTrace.Tests.Unit.Ovs;

/// <summary>
/// Replaces the volatile parts of ofproto/trace output before comparing two captures: recirculation ids are allocated
/// per trace by ovs-vswitchd, so non-zero ids are renumbered in order of first appearance. They appear as
/// <c>recirc(0x..)</c>, <c>recirc_id=0x..</c> (flows) and <c>recirc_id=N</c> (decimal, inside controller(...)
/// continuations). Nothing else changes.
/// </summary>
internal static partial class TraceNormalizer
{
    public static string Normalize(string trace)
    {
        var map = new Dictionary<ulong, string>();
        return RecircId().Replace(trace, m =>
        {
            var text = m.Groups["id"].Value;
            var id = text.StartsWith("0x", StringComparison.Ordinal)
                ? Convert.ToUInt64(text[2..], 16)
                : ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            if (id == 0)
            {
                return m.Value;
            }
            if (!map.TryGetValue(id, out var replacement))
            {
                replacement = "<recirc" + (map.Count + 1) + ">";
                map[id] = replacement;
            }
            return m.Groups["prefix"].Value + replacement;
        });
    }

    [GeneratedRegex(@"(?<prefix>recirc\(|recirc_id=)(?<id>0x[0-9a-f]+|[0-9]+)")]
    private static partial Regex RecircId();
}
