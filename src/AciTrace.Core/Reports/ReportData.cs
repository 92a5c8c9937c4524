namespace AciTrace.Reports;

/// <summary>One trace direction as a report draws it: the packet, the verdict and why, and its bridge passes in order.</summary>
public sealed record ReportTrace(string Id, TraceDirection Direction, string Source, string Destination, string Packet, TraceVerdict Verdict,
    string Outcome, string Reason, IReadOnlyList<AciBridgePass> Passes)
{
    public static ReportTrace From(AciTraceSummary s) =>
        new(s.TraceId, s.Direction, s.Source, s.Destination, AciTraceSummary.PacketText(s.Protocol, s.DestinationPort), s.Verdict, s.Outcome, s.Reason, s.Passes);

    /// <summary>A trace known only from its passes (Get-AciPodTrace's default output): its decision is on every pass.</summary>
    public static ReportTrace From(IReadOnlyList<AciBridgePass> passes)
    {
        var first = passes[0];
        var deciding = AciTraceSummary.DecidingDrop(passes);
        var verdict = deciding?.Verdict ?? passes[^1].Verdict;
        return new(first.TraceId, first.Direction, first.Source, first.Destination, AciTraceSummary.PacketText(first.Protocol, first.DestinationPort), verdict,
            first.Outcome, deciding?.Reason ?? passes[^1].Reason, passes);
    }
}

/// <summary>What a report shows: a connectivity matrix (when one was given, or cells to make one) and traces.</summary>
public sealed class ReportData
{
    public AciConnectivityMatrix? Matrix { get; }
    public IReadOnlyList<ReportTrace> Traces { get; }

    private ReportData(AciConnectivityMatrix? matrix, IReadOnlyList<ReportTrace> traces)
    {
        Matrix = matrix;
        Traces = traces;
    }

    /// <summary>
    /// Sorts out what the pipeline gave: matrices, cells (made into one matrix), summaries, and passes (grouped into
    /// their traces when no summary of the same trace came along). The traces of a matrix's cells are its traces.
    /// </summary>
    public static ReportData From(IEnumerable<object> items)
    {
        var list = items.ToList();
        var matrices = list.OfType<AciConnectivityMatrix>().ToList();
        var cells = matrices.SelectMany(m => m.Cells).Concat(list.OfType<AciConnectivityCell>()).ToList();
        AciConnectivityMatrix? matrix = null;
        if (matrices.Count == 1 && cells.Count == matrices[0].Cells.Count) matrix = matrices[0];
        else if (cells.Count > 0)
        {
            var distinct = cells.GroupBy(c => (c.Source, c.Destination)).Select(g => g.Last()).ToList();
            matrix = new AciConnectivityMatrix(
                distinct.Select(c => c.Source).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                distinct.Select(c => c.Destination).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                distinct);
        }
        var traces = new List<ReportTrace>();
        var seen = new HashSet<(string, TraceDirection)>();
        foreach (var s in (matrix?.Cells.SelectMany(c => c.Traces) ?? Enumerable.Empty<AciTraceSummary>()).Concat(list.OfType<AciTraceSummary>()))
            if (seen.Add((s.TraceId, s.Direction))) traces.Add(ReportTrace.From(s));
        foreach (var group in list.OfType<AciBridgePass>().GroupBy(p => (p.TraceId, p.Direction)))
            if (seen.Add(group.Key)) traces.Add(ReportTrace.From(group.OrderBy(p => p.Leg).ThenBy(p => p.PassIndex).ToList()));
        return new ReportData(matrix, traces);
    }

    /// <summary>True for the objects a report can show.</summary>
    public static bool Accepts(object item) =>
        item is AciConnectivityMatrix or AciConnectivityCell or AciTraceSummary or AciBridgePass;
}
