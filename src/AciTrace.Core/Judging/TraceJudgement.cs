namespace AciTrace.Judging;

/// <summary>Why a pass dropped the packet.</summary>
public enum DropKind
{
    None = 0,
    /// <summary>A table sent the packet to the bridge's drop table (br-access 9, br-int 15).</summary>
    ExplicitDropTable,
    /// <summary>No flow matched in a table (<c>No match.</c> or OVS's internal miss rule).</summary>
    TableMiss,
    /// <summary>The matching flow's actions were <c>drop</c>.</summary>
    DropAction,
    /// <summary>OVS computed <c>Datapath actions: drop</c> although the pipeline showed no other reason.</summary>
    DatapathDrop,
    /// <summary><c>&gt;&gt; skipping output to input port</c>.</summary>
    SkippedOutputToInputPort,
    /// <summary>Tunnel output failed (<c>native tunnel routing failed</c>, <c>Not tunneling to our own address</c>).</summary>
    TunnelFailure,
    /// <summary>Another <c>&gt;&gt;</c> warning on an output (nonexistent or down port...).</summary>
    OutputFailed,
    /// <summary><c>Translation failed (...), packet is dropped.</c></summary>
    TranslationFailed,
    /// <summary><c>dec_ttl</c> raised <c>&gt;&gt; IPv4 decrement TTL exception</c> (or its IPv6 form): TTL or hop limit expired.</summary>
    TtlExpired,
    /// <summary>Output to a patch port that leads nowhere (its peer does not exist): no next bridge section follows.</summary>
    PatchWithoutPeer,
}

/// <summary>Where the packet was sent.</summary>
public enum OutputKind
{
    None = 0,
    /// <summary>A port that the context says is the destination's.</summary>
    DestinationPort,
    /// <summary>A patch port to the other bridge.</summary>
    PatchPort,
    Tunnel,
    Uplink,
    /// <summary>A port with no known role, or not the destination's.</summary>
    OtherPort,
    Controller,
}

/// <summary>The judge's reading of one bridge pass.</summary>
public sealed class PassJudgement
{
    public int PassIndex { get; init; }
    /// <summary>The real bridge of the pass (see <c>ParsedPass.Bridge</c>).</summary>
    public string Bridge { get; init; } = "";
    /// <summary>
    /// Verdict of this pass. A pass that only forks to conntrack takes the verdict of its resumed continuation.
    /// </summary>
    public TraceVerdict Verdict { get; init; }
    /// <summary>The table whose decision dropped the packet (that jumped to the drop table, missed, or said drop).</summary>
    public int? DropTable { get; init; }
    public DropKind DropKind { get; init; }
    public int? OutPort { get; init; }
    public OutputKind OutputKind { get; init; }
    /// <summary>For a patch output, the bridge it leads to.</summary>
    public string? PeerBridge { get; init; }
    /// <summary>The output was <c>IN_PORT</c>: back through the port the packet entered by (a service hairpin).</summary>
    public bool OutputToInPort { get; init; }
    /// <summary>VXLAN id written in this pass (hex as printed, e.g. <c>0x8c8010</c>).</summary>
    public string? TunnelId { get; init; }
    /// <summary>Tunnel destination written in this pass, as a dotted quad.</summary>
    public string? TunnelDestination { get; init; }
    public string? DnatAddress { get; init; }
    public string? SnatAddress { get; init; }
    /// <summary>Service conntrack mark (reg12 / ct_mark load), as printed.</summary>
    public string? ServiceCtMark { get; init; }
    /// <summary>True when a controller action ran (packet-in), even if the packet was also forwarded.</summary>
    public bool Punted { get; init; }
    /// <summary>True when the pass forked a conntrack recirculation (<c>ct(table=N)</c>).</summary>
    public bool IsConntrackFork { get; init; }
    /// <summary>Short English explanation.</summary>
    public string Reason { get; init; } = "";

    public override string ToString() => $"{PassIndex} {Bridge} {Verdict}: {Reason}";
}

/// <summary>The judge's reading of a whole trace text.</summary>
public sealed class TraceJudgement
{
    public IReadOnlyList<PassJudgement> Passes { get; init; } = Array.Empty<PassJudgement>();
    /// <summary>Verdict of the whole text: the outcome at the end of the pass chain (patch crossings and resumes followed).</summary>
    public TraceVerdict Verdict { get; init; }
    public string Reason { get; init; } = "";
    /// <summary>The pass whose outcome decided <see cref="Verdict"/>; null when nothing could be decided.</summary>
    public PassJudgement? DecisivePass { get; init; }
    /// <summary>Where the packet was dropped, when <see cref="Verdict"/> is <see cref="TraceVerdict.Drop"/>.</summary>
    public PassJudgement? FirstDrop { get; init; }
    /// <summary>The OVS error text when the trace itself failed.</summary>
    public string? Error { get; init; }
    /// <summary>Last tunnel id written on the way.</summary>
    public string? TunnelId { get; init; }
    public string? TunnelDestination { get; init; }
    /// <summary>First DNAT target on the way (service backend).</summary>
    public string? DnatAddress { get; init; }
    /// <summary>First SNAT address on the way, in whichever pass it happened.</summary>
    public string? SnatAddress { get; init; }
    public string? ServiceCtMark { get; init; }
    public bool Punted { get; init; }

    public override string ToString() => $"{Verdict}: {Reason}";
}
