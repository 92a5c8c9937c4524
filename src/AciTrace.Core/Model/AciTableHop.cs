namespace AciTrace;

/// <summary>
/// One flow-table visit inside a bridge pass (what <c>ofproto/trace</c> prints as <c>N. match, priority P, cookie C</c>).
/// Every scalar needed to stand alone in a CSV row is repeated here.
/// </summary>
public sealed class AciTableHop
{
    public string TraceId { get; init; } = "";
    public TraceDirection Direction { get; init; }
    /// <summary>The packet's sender in this direction (as on <see cref="AciBridgePass.Source"/>).</summary>
    public string Source { get; internal set; } = "";
    public string Destination { get; internal set; } = "";
    public string Protocol { get; internal set; } = "";
    public int? SourcePort { get; internal set; }
    public int? DestinationPort { get; internal set; }
    public string Node { get; init; } = "";
    public string Bridge { get; init; } = "";
    /// <summary>Index of the bridge pass (0-based, in trace order) this hop belongs to.</summary>
    public int PassIndex { get; init; }
    /// <summary>Position of this hop within its pass (0-based).</summary>
    public int Step { get; init; }
    /// <summary>Nesting depth: 0 for a top-level table, 1+ inside resubmit/clone/group buckets.</summary>
    public int Depth { get; init; }
    public int Table { get; init; }
    public string TableName { get; init; } = "";
    public int? Priority { get; init; }
    public string? Cookie { get; init; }
    /// <summary>What the cookie means (table drop, RD policy drop, DNS snooping, classifier rule id...).</summary>
    public string? CookieMeaning { get; init; }
    public string Match { get; init; } = "";
    /// <summary>True when no flow matched (<c>No match.</c> or the internal <c>reg0=0x2, priority 0</c> miss rule).</summary>
    public bool IsTableMiss { get; init; }
    /// <summary>The action lines, joined with <c>; </c>.</summary>
    public string Actions { get; init; } = "";
    /// <summary>Human-readable register/metadata writes, e.g. <c>reg0 &lt;- 0x8c8010 (source EPG kube|app-a)</c>.</summary>
    public string Decoded { get; init; } = "";
    /// <summary>Next table reached by <c>goto_table</c>/<c>resubmit</c>, when any.</summary>
    public int? NextTable { get; init; }
    public TraceVerdict Verdict { get; init; }

    /// <summary>Structured form of <see cref="Actions"/> with OVS's <c>-&gt;</c> detail lines per action.</summary>
    public IReadOnlyList<HopAction> ActionList { get; init; } = Array.Empty<HopAction>();

    /// <summary>Structured register writes (for scripts).</summary>
    public IReadOnlyList<RegisterWrite> RegisterWrites { get; init; } = Array.Empty<RegisterWrite>();

    public override string ToString() => $"{Table}. {Match}, priority {Priority}";
}

/// <summary>One action of a hop with the <c>-&gt;</c> detail lines OVS printed below it.</summary>
public sealed class HopAction
{
    public string Text { get; init; } = "";
    public IReadOnlyList<string> Details { get; init; } = Array.Empty<string>();
    public override string ToString() => Details.Count == 0 ? Text : Text + " " + string.Join(" ", Details);
}

/// <summary>A decoded write to a register, metadata or tunnel field.</summary>
public sealed class RegisterWrite
{
    /// <summary>Short register name as users know it: <c>reg0</c>, <c>reg7</c>, <c>metadata</c>, <c>tun_id</c>...</summary>
    public string Register { get; init; } = "";
    /// <summary>Value as OVS printed it (usually hex), possibly with a mask (<c>0x200/0x300</c>).</summary>
    public string Value { get; init; } = "";
    /// <summary>Role of the register on this bridge, e.g. <c>source EPG</c>, <c>output port</c>.</summary>
    public string Role { get; init; } = "";
    /// <summary>What the value names, e.g. <c>kube|app-a</c>, <c>pi-veth5a3b1c2d</c>, <c>EGRESS_DIR</c>; empty if unknown.</summary>
    public string Meaning { get; init; } = "";
    public override string ToString() =>
        Meaning.Length == 0 ? $"{Register} <- {Value} ({Role})" : $"{Register} <- {Value} ({Role} {Meaning})";
}
