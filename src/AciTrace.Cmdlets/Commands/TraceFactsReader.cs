using System.Management.Automation;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// Reads what Compare-AciTrace compares from AciTrace objects, live or brought back by Import-Clixml (whose
/// "Deserialized.AciTrace.*" objects keep the properties but not the type): summaries, bridge passes (grouped into
/// their traces), connectivity cells and matrices (their traces).
/// </summary>
internal static class TraceFactsReader
{
    private const string SummaryType = "AciTrace.AciTraceSummary";
    private const string PassType = "AciTrace.AciBridgePass";
    private const string CellType = "AciTrace.AciConnectivityCell";
    private const string MatrixType = "AciTrace.AciConnectivityMatrix";

    /// <summary>The traces of the objects; the objects that hold none go to <paramref name="unsupported"/>.</summary>
    public static IReadOnlyList<TraceFacts> Read(IEnumerable<PSObject> objects, List<PSObject> unsupported)
    {
        var traces = new List<TraceFacts>();
        var passes = new List<PSObject>();
        foreach (var o in objects)
        {
            switch (Kind(o))
            {
                case SummaryType:
                    traces.Add(FromSummary(o));
                    break;
                case PassType:
                    passes.Add(o);
                    break;
                case CellType:
                    traces.AddRange(Items(o, "Traces").Select(FromSummary));
                    break;
                case MatrixType:
                    traces.AddRange(Items(o, "Cells").SelectMany(c => Items(c, "Traces")).Select(FromSummary));
                    break;
                default:
                    unsupported.Add(o);
                    break;
            }
        }
        foreach (var group in passes.GroupBy(p => (Text(p, "TraceId"), Text(p, "Direction"))))
        {
            var list = group.ToList();
            var facts = list.Select(PassOf).ToList();
            var deciding = facts.FirstOrDefault(f => f.Verdict == TraceVerdict.Drop && f.DropTable is not null)
                ?? facts.FirstOrDefault(f => f.Verdict == TraceVerdict.Drop);
            var first = list[0];
            traces.Add(new TraceFacts(Text(first, "Source"), Text(first, "Destination"), Text(first, "Protocol"), Int(first, "DestinationPort"),
                Enum<TraceDirection>(first, "Direction"), deciding?.Verdict ?? facts[^1].Verdict,
                Text(list.FirstOrDefault(p => Enum<TraceVerdict>(p, "Verdict") == TraceVerdict.Drop) ?? list[^1], "Reason"), facts));
        }
        return traces;
    }

    private static string? Kind(PSObject o)
    {
        foreach (var name in o.TypeNames)
        {
            var n = name.StartsWith("Deserialized.", StringComparison.Ordinal) ? name["Deserialized.".Length..] : name;
            if (n is SummaryType or PassType or CellType or MatrixType) return n;
        }
        return null;
    }

    private static TraceFacts FromSummary(PSObject s) => new(
        Text(s, "Source"), Text(s, "Destination"), Text(s, "Protocol"), Int(s, "DestinationPort"), Enum<TraceDirection>(s, "Direction"),
        Enum<TraceVerdict>(s, "Verdict"), Text(s, "Reason"), Items(s, "Passes").Select(PassOf).ToList());

    private static PassFacts PassOf(PSObject p) => new(
        Text(p, "Node"), Text(p, "Bridge"), Enum<TraceVerdict>(p, "Verdict"),
        NullIfEmpty(Text(p, "OutPortName")) ?? NullIfEmpty(Text(p, "OutPort")),
        NullIfEmpty(Text(p, "DropTableName")) ?? NullIfEmpty(Text(p, "DropTable")));

    private static object? Value(PSObject o, string name) => o.Properties[name]?.Value is { } v ? (v is PSObject ps ? ps.BaseObject : v) : null;

    private static string Text(PSObject o, string name) => Value(o, name)?.ToString() ?? "";

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private static int? Int(PSObject o, string name) => Value(o, name) switch
    {
        int i => i,
        { } v when int.TryParse(v.ToString(), out var n) => n,
        _ => null,
    };

    private static T Enum<T>(PSObject o, string name) where T : struct, System.Enum => Value(o, name) switch
    {
        T t => t,
        { } v when System.Enum.TryParse<T>(v.ToString(), ignoreCase: true, out var parsed) => parsed,
        _ => default,
    };

    /// <summary>The elements of a collection property (live lists, or a deserialized ArrayList of property bags).</summary>
    private static IEnumerable<PSObject> Items(PSObject o, string name) =>
        Value(o, name) is System.Collections.IEnumerable items and not string
            ? items.Cast<object?>().Where(i => i is not null).Select(PSObject.AsPSObject)
            : Enumerable.Empty<PSObject>();
}
