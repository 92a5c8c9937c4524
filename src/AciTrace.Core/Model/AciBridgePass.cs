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
    /// <summary>The packet's sender in this direction (<c>namespace/name</c>, <c>svc/namespace/name</c> or an address).</summary>
    public string Source { get; internal set; } = "";
    /// <summary>The packet's receiver in this direction.</summary>
    public string Destination { get; internal set; } = "";
    /// <summary>Tcp, Udp, Icmp, Ip or Arp.</summary>
    public string Protocol { get; internal set; } = "";
    public int? SourcePort { get; internal set; }
    public int? DestinationPort { get; internal set; }
    /// <summary>
    /// The outcome of the whole direction this pass belongs to, e.g.
    /// <c>Drop at node-b br-access SEC_GROUP_IN_TABLE: NetworkPolicy shop/web-ingress</c> (the default view's group header).
    /// </summary>
    public string Outcome { get; internal set; } = "";
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
    /// <summary>The short cause of a drop: <c>NetworkPolicy shop/web-ingress</c>, <c>no contract app -&gt; db</c>, <c>table miss</c>.</summary>
    public string? DropCause { get; init; }
    /// <summary>Why: the NetworkPolicy, contract or table that decided; for non-drops, a short description of the outcome.</summary>
    public string Reason { get; internal set; } = "";
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

    /// <summary>Stamps the packet's ends and the direction's outcome on this pass and its hops (once the direction is done).</summary>
    internal void Describe(string source, string destination, string protocol, int? sourcePort, int? destinationPort, string outcome)
    {
        (Source, Destination, Protocol, SourcePort, DestinationPort, Outcome) = (source, destination, protocol, sourcePort, destinationPort, outcome);
        foreach (var hop in Hops)
            (hop.Source, hop.Destination, hop.Protocol, hop.SourcePort, hop.DestinationPort) = (source, destination, protocol, sourcePort, destinationPort);
    }
}

/// <summary>
/// Read-only list of hops whose string form is the hop count: <c>Export-Csv</c> stays flat and does not repeat
/// <see cref="AciBridgePass.TablePath"/>.
/// </summary>
public sealed class AciHopCollection : System.Collections.ObjectModel.ReadOnlyCollection<AciTableHop>
{
    public AciHopCollection(IList<AciTableHop> hops) : base(hops) { }
    public override string ToString() => Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
