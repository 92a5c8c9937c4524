namespace AciTrace.Ovs;

/// <summary>
/// The structured form of one <c>ovs-appctl ofproto/trace</c> output. Built by <see cref="OvsTraceParser.Parse"/>;
/// immutable. Nothing here is interpreted beyond what OVS printed (see <c>AciTrace.Judging.TraceJudge</c> for verdicts).
/// </summary>
public sealed class ParsedTrace
{
    /// <summary>The text that was parsed, unchanged.</summary>
    public string RawText { get; }
    /// <summary>The first <c>Flow:</c> line (the packet as given to the trace), without the <c>Flow: </c> prefix.</summary>
    public string? InputFlow { get; }
    /// <summary>Bridge passes in the order their <c>bridge("...")</c> headers appear (nested ones included).</summary>
    public IReadOnlyList<ParsedPass> Passes { get; }
    /// <summary>
    /// The OVS error when the text is an error instead of a trace (<c>br-nope: unknown bridge</c>,
    /// <c>ovs-appctl: ovs-vswitchd: server returned an error</c>...); null for a trace.
    /// </summary>
    public string? Error { get; }
    /// <summary>Non-blank lines that belong to no pass (text before the first bridge section, error text).</summary>
    public IReadOnlyList<string> UnparsedLines { get; }

    internal ParsedTrace(string rawText, string? inputFlow, IReadOnlyList<ParsedPass> passes, string? error,
        IReadOnlyList<string> unparsedLines)
    {
        RawText = rawText;
        InputFlow = inputFlow;
        Passes = passes;
        Error = error;
        UnparsedLines = unparsedLines;
    }

    public override string ToString() =>
        Error is not null ? "error: " + Error : string.Join(" | ", Passes.Select(p => p.ToString()));
}

/// <summary>
/// One <c>bridge("...")</c> section: the packet's walk through one bridge, entered at the trace start, through a
/// patch port, or resumed after a conntrack recirculation.
/// </summary>
public sealed class ParsedPass
{
    /// <summary>Position in <see cref="ParsedTrace.Passes"/> (0-based).</summary>
    public int Index { get; init; }
    /// <summary>
    /// The bridge really traversed. Equal to <see cref="LabelledBridge"/> except for conntrack resumes, which OVS labels
    /// with the bridge the trace started on: there it is the bridge of the pass whose <c>ct(table=N)</c> forked.
    /// </summary>
    public string Bridge { get; init; } = "";
    /// <summary>The name printed in the <c>bridge("...")</c> header.</summary>
    public string LabelledBridge { get; init; } = "";
    /// <summary>True for a pass that follows a <c>recirc(0x..) - resume conntrack</c> banner.</summary>
    public bool IsResume { get; init; }
    /// <summary>The recirculation id of the resume banner (<c>0x1</c>), for resumed passes.</summary>
    public string? RecircId { get; init; }
    /// <summary>The table the resume starts at (<c>Resuming from table N</c>, else the fork's table).</summary>
    public int? ResumeTable { get; init; }
    /// <summary>The conntrack state the resume uses (<c>trk|new</c>, <c>est|trk</c>...).</summary>
    public string? ResumeCtState { get; init; }
    /// <summary>True when OVS followed a patch port into this bridge (a section that is neither the first nor a resume).</summary>
    public bool EnteredThroughPatch { get; init; }
    /// <summary>Indentation level of the header: 0 for top-level sections, 2+ for patch crossings inside group buckets or resubmits.</summary>
    public int Depth { get; init; }
    /// <summary>
    /// The pass this one continues: the pass whose output crossed the patch port (or that holds the nested section),
    /// or for a resume the pass whose <c>ct(table=N)</c> forked. Null for the first pass and unresolved resumes.
    /// </summary>
    public int? PreviousIndex { get; init; }
    /// <summary>1-based line number of the <c>bridge("...")</c> header.</summary>
    public int StartLine { get; init; }
    /// <summary>The <c>Flow:</c> line that introduced this pass (first pass and resumes), without the prefix.</summary>
    public string? Flow { get; init; }
    /// <summary><c>Final flow:</c> of the translation that ended in this pass (each fork has its own).</summary>
    public string? FinalFlow { get; init; }
    public string? Megaflow { get; init; }
    /// <summary><c>Datapath actions:</c> of the translation that ended in this pass; the last one of a trace is end-to-end.</summary>
    public string? DatapathActions { get; init; }
    /// <summary>Table the conntrack fork of this pass resumes at (<c>The forked pipeline will be resumed at table N</c>).</summary>
    public int? ForkResumeTable { get; init; }
    /// <summary>Table visits in printed order, nested ones included (see <see cref="ParsedHop.Depth"/>).</summary>
    public IReadOnlyList<ParsedHop> Hops { get; init; } = Array.Empty<ParsedHop>();
    /// <summary>Lines of this section that were not understood and belong to no hop, verbatim.</summary>
    public IReadOnlyList<string> RawLines { get; init; } = Array.Empty<string>();

    public override string ToString() =>
        $"{Bridge}{(IsResume ? " (resume)" : "")}: {string.Join(" ", Hops.Select(h => h.Table))}";
}

/// <summary>How a table miss was printed.</summary>
public enum MissForm
{
    /// <summary>A flow matched.</summary>
    None = 0,
    /// <summary><c>N. No match.</c></summary>
    NoMatch,
    /// <summary>OVS's internal miss rule printed as <c>N. reg0=0x2, priority 0</c> followed only by <c>drop</c>.</summary>
    InternalMissRule,
}

/// <summary>One table visit: <c>N. match, priority P, cookie C</c> and its action lines.</summary>
public sealed class ParsedHop
{
    public int Table { get; init; }
    /// <summary>Nesting below the pass's top level: 0, or 1+ inside resubmits, clones and group buckets.</summary>
    public int Depth { get; init; }
    /// <summary>The match as printed (empty for a catch-all flow or a miss).</summary>
    public string Match { get; init; } = "";
    public int? Priority { get; init; }
    public ulong? Cookie { get; init; }
    /// <summary>True when no flow matched (see <see cref="MissForm"/>).</summary>
    public bool IsTableMiss { get; init; }
    public MissForm MissForm { get; init; }
    /// <summary>1-based line number of the hop header.</summary>
    public int Line { get; init; }
    /// <summary>Top-level actions, in order; bucket contents and ct/clone inner actions are their children.</summary>
    public IReadOnlyList<ParsedAction> Actions { get; init; } = Array.Empty<ParsedAction>();
    /// <summary>Lines kept verbatim because they were not understood.</summary>
    public IReadOnlyList<string> RawLines { get; init; } = Array.Empty<string>();

    public override string ToString() =>
        IsTableMiss ? $"{Table}. No match" : $"{Table}. {Match}, priority {Priority}";
}

/// <summary>One action line with the <c>-&gt;</c> details and <c>&gt;&gt;</c> warnings OVS printed under it.</summary>
public sealed class ParsedAction
{
    /// <summary>The action as printed, trimmed (<c>output:NXM_NX_REG7[]</c>, <c>bucket 0</c>...).</summary>
    public string Text { get; init; } = "";
    /// <summary>Detail lines, trimmed, with their <c>-&gt; </c> or <c>&gt;&gt; </c> prefix kept.</summary>
    public IReadOnlyList<string> Details { get; init; } = Array.Empty<string>();
    /// <summary>Nested actions: bucket contents, and the inner actions OVS prints after <c>ct(...)</c> and <c>clone(...)</c>.</summary>
    public IReadOnlyList<ParsedAction> Children { get; init; } = Array.Empty<ParsedAction>();
    /// <summary>1-based line number.</summary>
    public int Line { get; init; }

    public override string ToString() => Details.Count == 0 ? Text : Text + " " + string.Join(" ", Details);
}
