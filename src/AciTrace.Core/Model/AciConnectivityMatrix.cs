using System.Globalization;
using System.Text;

namespace AciTrace;

/// <summary>What the probes of one source/destination pair found, summed up.</summary>
public enum ConnectivityResult
{
    /// <summary>Every probe was delivered.</summary>
    Deliver,

    /// <summary>Every probe was dropped.</summary>
    Drop,

    /// <summary>Some ports were delivered, some dropped.</summary>
    Partial,

    /// <summary>A probe's verdict could not be determined, or its trace failed.</summary>
    Unknown,
}

/// <summary>One source/destination pair of a connectivity matrix: the result over its ports, and each port's verdict.</summary>
public sealed class AciConnectivityCell
{
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public ConnectivityResult Result { get; init; }

    /// <summary>Each probe: <c>8080/TCP Deliver; 9090/TCP Drop</c>.</summary>
    public string Ports { get; init; } = "";

    /// <summary>Why the first dropped (or failed) probe did not get through.</summary>
    public string Reason { get; init; } = "";

    /// <summary>The request-direction summary of each traced probe.</summary>
    public IReadOnlyList<AciTraceSummary> Traces { get; init; } = Array.Empty<AciTraceSummary>();

    public override string ToString() => $"{Source} -> {Destination}: {Result}";
}

/// <summary>
/// The expected reachability between the pods of a scope, as a grid: one row per source, one column per destination.
/// <see cref="Cells"/> holds one flat object per pair (for Where-Object and Export-Csv); <see cref="Render"/> draws
/// the grid for a terminal of a given width.
/// </summary>
public sealed class AciConnectivityMatrix
{
    public IReadOnlyList<string> Sources { get; }
    public IReadOnlyList<string> Destinations { get; }
    public IReadOnlyList<AciConnectivityCell> Cells { get; }

    private readonly Dictionary<(string, string), AciConnectivityCell> _byPair;

    public AciConnectivityMatrix(IReadOnlyList<string> sources, IReadOnlyList<string> destinations, IReadOnlyList<AciConnectivityCell> cells)
    {
        Sources = sources;
        Destinations = destinations;
        Cells = cells;
        _byPair = cells.ToDictionary(c => (c.Source, c.Destination));
    }

    public int Delivered => Cells.Count(c => c.Result == ConnectivityResult.Deliver);
    public int Dropped => Cells.Count(c => c.Result == ConnectivityResult.Drop);
    public int Partial => Cells.Count(c => c.Result == ConnectivityResult.Partial);
    public int Unknown => Cells.Count(c => c.Result == ConnectivityResult.Unknown);

    /// <summary>The cell of a pair, or null (a pod with itself, or a pair outside the scope).</summary>
    public AciConnectivityCell? this[string source, string destination] => _byPair.GetValueOrDefault((source, destination));

    /// <summary>The symbol of a result in the grid.</summary>
    public static char Symbol(ConnectivityResult? result) => result switch
    {
        ConnectivityResult.Deliver => '+',
        ConnectivityResult.Drop => 'x',
        ConnectivityResult.Partial => '~',
        ConnectivityResult.Unknown => '?',
        _ => '.',
    };

    /// <summary>
    /// The grid for a terminal <paramref name="width"/> columns wide: destinations are numbered (a legend below names
    /// them) so that a column is 3 characters; source names are shortened to fit, and destinations that do not fit
    /// continue in another block.
    /// </summary>
    public string Render(int width)
    {
        width = Math.Max(width, 40);
        var text = new StringBuilder();
        Wrap(text, string.Create(CultureInfo.InvariantCulture,
            $"{Sources.Count} source(s) x {Destinations.Count} destination(s): {Delivered} delivered, {Dropped} dropped, {Partial} partial, {Unknown} unknown"), width);
        if (Sources.Count == 0 || Destinations.Count == 0) return text.ToString();
        var number = Destinations.Count.ToString(CultureInfo.InvariantCulture).Length;
        var cell = Math.Max(3, number + 1);
        var label = Math.Min(Sources.Max(s => s.Length) + 1, Math.Max(16, width / 3));
        var perBlock = Math.Max(1, (width - label - 1) / cell);
        for (int start = 0; start < Destinations.Count; start += perBlock)
        {
            var block = Enumerable.Range(start, Math.Min(perBlock, Destinations.Count - start)).ToList();
            text.AppendLine();
            text.Append(new string(' ', label));
            foreach (var d in block) text.Append((d + 1).ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            text.AppendLine();
            for (int s = 0; s < Sources.Count; s++)
            {
                var name = Fit(Sources[s], label - 1);
                text.Append(name.PadRight(label));
                foreach (var d in block) text.Append(Symbol(this[Sources[s], Destinations[d]]?.Result).ToString().PadLeft(cell));
                text.AppendLine();
            }
        }
        text.AppendLine();
        Wrap(text, "+ delivered  x dropped  ~ some ports dropped  ? unknown or failed  . not probed", width);
        var legend = Destinations.Select((d, i) => (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(number) + " " + d).ToList();
        var column = Math.Min(legend.Max(l => l.Length) + 2, width);
        var perLine = Math.Max(1, width / column);
        for (int i = 0; i < legend.Count; i += perLine)
            text.AppendLine(string.Concat(legend.Skip(i).Take(perLine).Select(l => Fit(l, column - 1).PadRight(column))).TrimEnd());
        return text.ToString();
    }

    /// <summary>Appends <paramref name="line"/> broken at spaces into lines of at most <paramref name="width"/> characters.</summary>
    private static void Wrap(StringBuilder text, string line, int width)
    {
        while (line.Length > width)
        {
            var cut = line.LastIndexOf(' ', width);
            if (cut <= 0) cut = width;
            text.AppendLine(line[..cut].TrimEnd());
            line = line[cut..].TrimStart();
        }
        text.AppendLine(line);
    }

    private static string Fit(string text, int width) => text.Length <= width ? text : text[..Math.Max(1, width - 1)] + "~";

    public override string ToString() => $"{Sources.Count} x {Destinations.Count}: {Delivered} delivered, {Dropped} dropped, {Partial} partial, {Unknown} unknown";
}
