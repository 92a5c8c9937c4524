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
    public TraceVerdict Verdict { get; init; }
    /// <summary>The verdict with where and why in one line, e.g. <c>Drop at node-b br-access SEC_GROUP_IN_TABLE: NetworkPolicy shop/web-ingress</c>.</summary>
    public string Outcome { get; init; } = "";
    /// <summary>Node of the drop; <c>fabric</c> when the ACI leaf is predicted to drop it (no contract across nodes).</summary>
    public string? DropNode { get; init; }
    public string? DropBridge { get; init; }
    public int? DropTable { get; init; }
    public string? DropTableName { get; init; }
    /// <summary>The short cause of a drop (as on <see cref="AciBridgePass.DropCause"/>).</summary>
    public string? DropCause { get; init; }
    public string Reason { get; init; } = "";
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
}

/// <summary>Read-only list of passes whose string form stays short for CSV.</summary>
public sealed class AciPassCollection : System.Collections.ObjectModel.ReadOnlyCollection<AciBridgePass>
{
    public AciPassCollection(IList<AciBridgePass> passes) : base(passes) { }
    public override string ToString() => string.Join(" | ", this.Select(p => $"{p.Node}/{p.Bridge}:{p.Verdict}"));
}
