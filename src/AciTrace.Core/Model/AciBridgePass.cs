namespace AciTrace;

/// <summary>
/// One pass of the packet through one bridge on one node: the default output of the trace cmdlets.
/// All properties but <see cref="Hops"/> are flat scalars so that <c>Export-Csv</c> gives one readable row.
/// </summary>
public sealed class AciBridgePass
{
    /// <summary>Identifies the trace this pass belongs to, e.g. <c>default/pod-a -&gt; default/pod-b tcp/8080</c>.</summary>
    public string TraceId { get; init; } = "";
    public TraceDirection Direction { get; init; }
    /// <summary>Leg number within the trace (1-based): one leg is one <c>ofproto/trace</c> run on one node.</summary>
    public int Leg { get; init; }
    /// <summary>Index of this pass within its leg (0-based).</summary>
    public int PassIndex { get; init; }
    public string Node { get; init; } = "";
    /// <summary><c>br-access</c> or <c>br-int</c>, the bridge really traversed (also for conntrack resumes).</summary>
    public string Bridge { get; init; } = "";
    /// <summary>True when this pass is the continuation after a conntrack recirculation.</summary>
    public bool IsResume { get; init; }
    public int? InPort { get; init; }
    public string? InPortName { get; init; }
    public int? OutPort { get; init; }
    public string? OutPortName { get; init; }
    /// <summary>VXLAN tunnel id (VNID) set on the way out, as hex (<c>0x8c8010</c>).</summary>
    public string? TunnelId { get; init; }
    public string? TunnelDestination { get; init; }
    public string? SourceEpg { get; init; }
    public string? DestinationEpg { get; init; }
    public TraceVerdict Verdict { get; init; }
    /// <summary>Table whose decision dropped the packet (the table that jumped to the drop table, or that missed).</summary>
    public int? DropTable { get; init; }
    public string? DropTableName { get; init; }
    /// <summary>Why: the NetworkPolicy, contract or table that decided; for non-drops, a short description of the outcome.</summary>
    public string Reason { get; init; } = "";
    /// <summary>Destination address after DNAT (service backend), if this pass rewrote it.</summary>
    public string? DnatAddress { get; init; }
    /// <summary>Source address after SNAT, if this pass applied SNAT.</summary>
    public string? SnatAddress { get; init; }
    /// <summary>The datapath actions OVS computed for this pass.</summary>
    public string? DatapathActions { get; init; }
    /// <summary>The table ids visited, in order (e.g. <c>0 1 2 5 6 7 8</c>).</summary>
    public string TablePath { get; init; } = "";
    /// <summary>The table visits of this pass. Its string form is the table path, so CSV stays flat.</summary>
    public AciHopCollection Hops { get; init; } = new(Array.Empty<AciTableHop>());

    public override string ToString() => $"{Node} {Bridge} {Verdict}";
}

/// <summary>Read-only list of hops whose string form is the table path (keeps <c>Export-Csv</c> flat).</summary>
public sealed class AciHopCollection : System.Collections.ObjectModel.ReadOnlyCollection<AciTableHop>
{
    public AciHopCollection(IList<AciTableHop> hops) : base(hops) { }
    public override string ToString() => string.Join(" ", this.Select(h => h.Table));
}
