namespace AciTrace;

/// <summary>How a trace direction changed between a reference set of traces and a difference set.</summary>
public enum TraceChange
{
    /// <summary>The same verdict along the same path.</summary>
    Same,

    /// <summary>Delivered (or forwarded) before, dropped now: what a change broke.</summary>
    Broken,

    /// <summary>Dropped before, delivered (or forwarded) now.</summary>
    Fixed,

    /// <summary>Another verdict change, or the same verdict along another path (another node, bridge, port or drop table).</summary>
    Changed,

    /// <summary>Only in the difference set.</summary>
    Added,

    /// <summary>Only in the reference set.</summary>
    Removed,
}

/// <summary>One trace direction of two sets of traces, matched by packet (source, destination, protocol, port, direction).</summary>
public sealed class AciTraceComparison
{
    public TraceChange Change { get; init; }
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    /// <summary><c>tcp/8080</c>, <c>icmp</c>.</summary>
    public string Packet { get; init; } = "";
    public TraceDirection Direction { get; init; }
    public TraceVerdict? Before { get; init; }
    public TraceVerdict? After { get; init; }
    /// <summary>The first bridge pass where the two paths differ (<c>pass 5 node-b br-access: Forward to pa-veth1 -&gt; Drop at table SEC_GROUP_IN_TABLE</c>); empty when they do not.</summary>
    public string DivergedAt { get; init; } = "";
    public string BeforeReason { get; init; } = "";
    public string AfterReason { get; init; } = "";

    public override string ToString() => $"{Source} -> {Destination} {Packet} ({Direction}): {Change}";
}
