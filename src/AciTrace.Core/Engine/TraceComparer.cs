namespace AciTrace.Engine;

/// <summary>One bridge pass as a comparison sees it (from live objects or their deserialized copies).</summary>
public sealed record PassFacts(string Node, string Bridge, TraceVerdict Verdict, string? OutPort, string? DropTable)
{
    /// <summary>The verdict with where it ended: <c>Drop at table 9</c>, <c>Forward to pa-veth1</c>.</summary>
    public string Outcome => $"{Verdict}{(Verdict == TraceVerdict.Drop && DropTable is { } t ? " at table " + t : OutPort is { } o ? " to " + o : "")}";

    public override string ToString() => $"{Node} {Bridge} {Outcome}";
}

/// <summary>One trace direction as a comparison sees it.</summary>
public sealed record TraceFacts(string Source, string Destination, string Protocol, int? DestinationPort, TraceDirection Direction,
    TraceVerdict Verdict, string Reason, IReadOnlyList<PassFacts> Passes)
{
    /// <summary>What matches a trace of one set with a trace of the other: the packet and the direction.</summary>
    public (string, string, string, int?, TraceDirection) Key => (Source, Destination, Protocol.ToUpperInvariant(), DestinationPort, Direction);

    public string Packet => AciTraceSummary.PacketText(Protocol, DestinationPort);
}

/// <summary>
/// Matches two sets of traces by packet and direction and says, for each, whether the verdict or the path changed and
/// where the paths first part: the question "what did this NetworkPolicy or contract change break?".
/// </summary>
public static class TraceComparer
{
    public static IReadOnlyList<AciTraceComparison> Compare(IEnumerable<TraceFacts> reference, IEnumerable<TraceFacts> difference)
    {
        // A set may hold the same packet twice (traced twice): the last one counts, as the newer answer.
        var before = new Dictionary<(string, string, string, int?, TraceDirection), TraceFacts>();
        var order = new List<(string, string, string, int?, TraceDirection)>();
        foreach (var t in reference)
        {
            if (!before.ContainsKey(t.Key)) order.Add(t.Key);
            before[t.Key] = t;
        }
        var after = new Dictionary<(string, string, string, int?, TraceDirection), TraceFacts>();
        foreach (var t in difference)
        {
            if (!before.ContainsKey(t.Key) && !after.ContainsKey(t.Key)) order.Add(t.Key);
            after[t.Key] = t;
        }
        var results = new List<AciTraceComparison>(order.Count);
        foreach (var key in order)
        {
            before.TryGetValue(key, out var b);
            after.TryGetValue(key, out var a);
            var any = (b ?? a)!;
            var (change, diverged) = (b, a) switch
            {
                (null, _) => (TraceChange.Added, ""),
                (_, null) => (TraceChange.Removed, ""),
                _ => Classify(b, a),
            };
            results.Add(new AciTraceComparison
            {
                Change = change, Source = any.Source, Destination = any.Destination, Packet = any.Packet, Direction = any.Direction,
                Before = b?.Verdict, After = a?.Verdict, DivergedAt = diverged, BeforeReason = b?.Reason ?? "", AfterReason = a?.Reason ?? "",
            });
        }
        return results;
    }

    private static (TraceChange, string) Classify(TraceFacts b, TraceFacts a)
    {
        var diverged = FirstDifference(b.Passes, a.Passes);
        static bool Through(TraceVerdict v) => v is TraceVerdict.Deliver or TraceVerdict.Forward;
        if (b.Verdict == a.Verdict) return (diverged.Length == 0 ? TraceChange.Same : TraceChange.Changed, diverged);
        if (Through(b.Verdict) && a.Verdict == TraceVerdict.Drop) return (TraceChange.Broken, diverged);
        if (b.Verdict == TraceVerdict.Drop && Through(a.Verdict)) return (TraceChange.Fixed, diverged);
        return (TraceChange.Changed, diverged);
    }

    /// <summary>The first pass (1-based) where the two paths differ, as "pass N node bridge: before -> after"; empty when they do not.</summary>
    private static string FirstDifference(IReadOnlyList<PassFacts> before, IReadOnlyList<PassFacts> after)
    {
        for (int i = 0; i < Math.Max(before.Count, after.Count); i++)
        {
            var b = i < before.Count ? before[i] : null;
            var a = i < after.Count ? after[i] : null;
            if (b == a) continue;
            return b is not null && a is not null && b.Node == a.Node && b.Bridge == a.Bridge
                ? $"pass {i + 1} {b.Node} {b.Bridge}: {b.Outcome} -> {a.Outcome}"
                : $"pass {i + 1}: {b?.ToString() ?? "(none)"} -> {a?.ToString() ?? "(none)"}";
        }
        return "";
    }
}
