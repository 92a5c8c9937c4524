namespace AciTrace;

/// <summary>One object per trace (request, and reply when asked): the final verdict, where and why.</summary>
public sealed class AciTraceSummary
{
    public string TraceId { get; init; } = "";
    public string Kind { get; init; } = "";              // Pod, Service, External, Arp
    public TraceDirection Direction { get; init; }
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public string? SourceAddress { get; init; }
    public string? DestinationAddress { get; init; }
    public string Protocol { get; init; } = "";
    public int? SourcePort { get; init; }
    public int? DestinationPort { get; init; }
    public TraceVerdict Verdict { get; private set; }
    /// <summary>The verdict with where and why in one line, e.g. <c>Drop at node-b br-access SEC_GROUP_IN_TABLE: NetworkPolicy shop/web-ingress</c>.</summary>
    public string Outcome { get; private set; } = "";
    /// <summary>Node of the drop; <c>fabric</c> when the ACI leaf is predicted to drop it (no contract across nodes).</summary>
    public string? DropNode { get; private set; }
    public string? DropBridge { get; private set; }
    public int? DropTable { get; private set; }
    public string? DropTableName { get; private set; }
    /// <summary>The short cause of a drop (as on <see cref="AciBridgePass.DropCause"/>).</summary>
    public string? DropCause { get; private set; }
    public string Reason { get; private set; } = "";
    public string? TunnelId { get; init; }
    public string? DnatAddress { get; init; }
    public string? SnatAddress { get; init; }
    /// <summary>Nodes crossed, in order, separated by <c> -&gt; </c>.</summary>
    public string Path { get; init; } = "";
    public int Legs { get; init; }
    public int Execs { get; init; }
    public int ApiReads { get; init; }
    /// <summary>Wall time of this direction in milliseconds (a number, so CSV and JSON keep it sortable).</summary>
    public long DurationMs { get; init; }
    /// <summary>The bridge passes of this trace (string form: count), for <c>Select-Object -ExpandProperty Passes</c>.</summary>
    public AciPassCollection Passes { get; init; } = new(Array.Empty<AciBridgePass>());

    public override string ToString() => $"{TraceId}: {Verdict}";

    /// <summary>A packet in short: <c>tcp/8080</c>, <c>icmp</c> (reports and comparisons).</summary>
    internal static string PacketText(string protocol, int? destinationPort) =>
        destinationPort is int p ? $"{protocol.ToLowerInvariant()}/{p}" : protocol.ToLowerInvariant();

    /// <summary>The pass whose drop decides a direction: the first that names its drop table, else the first drop.</summary>
    internal static AciBridgePass? DecidingDrop(IReadOnlyList<AciBridgePass> passes) =>
        passes.FirstOrDefault(p => p.Verdict == TraceVerdict.Drop && p.DropTable is not null)
        ?? passes.FirstOrDefault(p => p.Verdict == TraceVerdict.Drop);

    /// <summary>Sets the decision of this direction: its verdict, one-line outcome, reason and (for a drop) where and why.</summary>
    internal AciTraceSummary Decided(TraceVerdict verdict, string outcome, string reason, AciBridgePass? drop)
    {
        (Verdict, Outcome, Reason) = (verdict, outcome, reason);
        (DropNode, DropBridge, DropTable, DropTableName, DropCause) = (drop?.Node, drop?.Bridge, drop?.DropTable, drop?.DropTableName, drop?.DropCause);
        return this;
    }
}

/// <summary>Read-only list of passes whose string form stays short for CSV.</summary>
public sealed class AciPassCollection : System.Collections.ObjectModel.ReadOnlyCollection<AciBridgePass>
{
    public AciPassCollection(IList<AciBridgePass> passes) : base(passes) { }
    public override string ToString() => string.Join(" | ", this.Select(p => $"{p.Node}/{p.Bridge}:{p.Verdict}"));
}
