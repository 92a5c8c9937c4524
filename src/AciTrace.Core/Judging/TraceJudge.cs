using AciTrace.Ovs;

namespace AciTrace.Judging;

/// <summary>
/// Decides what happened to the traced packet, per bridge pass and for the whole trace. It is deliberately strict:
/// only an output to a port the context names as the destination is <see cref="TraceVerdict.Deliver"/>; a drop is
/// recognised from the drop table, a table miss, a <c>drop</c> action, a skipped or failed output, a failed translation
/// or <c>Datapath actions: drop</c>; anything it cannot read is <see cref="TraceVerdict.Unknown"/>, never success.
/// </summary>
public static class TraceJudge
{
    /// <summary>Judges a parsed trace. Never throws for any parser output.</summary>
    public static TraceJudgement Judge(ParsedTrace trace, JudgeContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        context ??= JudgeContext.Empty;
        var passes = trace.Passes;
        var successors = new List<int>[passes.Count];
        for (int i = 0; i < passes.Count; i++)
        {
            int? prev = passes[i].PreviousIndex;
            if (prev is int p && p >= 0 && p < i) (successors[p] ??= new List<int>()).Add(i);
        }

        var own = new Outcome[passes.Count];
        for (int i = 0; i < passes.Count; i++) own[i] = Evaluate(passes[i], passes, successors[i], context);

        // Effective outcome: a pass's own terminal outcome combined with those of the passes it handed the packet to.
        var effective = new Decision?[passes.Count];
        for (int i = passes.Count - 1; i >= 0; i--) effective[i] = Combine(i, own, successors, effective);

        var judged = new PassJudgement[passes.Count];
        for (int i = 0; i < passes.Count; i++) judged[i] = ToJudgement(passes[i], own[i], effective[i]);

        if (trace.Error is not null)
        {
            return Aggregate(judged, TraceVerdict.Unknown, "OVS error: " + FirstLine(trace.Error), null, trace.Error);
        }
        if (passes.Count == 0)
            return Aggregate(judged, TraceVerdict.Unknown, "the trace output has no bridge section", null, null);

        int root = -1;
        for (int i = passes.Count - 1; i >= 0; i--)
        {
            if (passes[i].PreviousIndex is null) { root = i; break; }
        }
        if (root < 0) root = 0;
        var final = effective[root];
        if (final is null)
            return Aggregate(judged, TraceVerdict.Unknown, "no output or drop decision found", null, null);
        var decisive = judged[final.Pass];
        return Aggregate(judged, final.Verdict, decisive.Reason, decisive, null);
    }

    /// <summary>Parses and judges in one call.</summary>
    public static TraceJudgement Judge(string traceText, JudgeContext? context = null) =>
        Judge(OvsTraceParser.Parse(traceText), context);

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s[..nl];
    }

    private static TraceJudgement Aggregate(PassJudgement[] passes, TraceVerdict verdict, string reason,
        PassJudgement? decisive, string? error)
    {
        string? tunId = null, tunDst = null, dnat = null, snat = null, mark = null;
        bool punted = false;
        foreach (var p in passes)
        {
            tunId = p.TunnelId ?? tunId;
            tunDst = p.TunnelDestination ?? tunDst;
            dnat ??= p.DnatAddress;
            snat ??= p.SnatAddress;
            mark ??= p.ServiceCtMark;
            punted |= p.Punted;
        }
        return new TraceJudgement
        {
            Passes = passes,
            Verdict = verdict,
            Reason = reason,
            DecisivePass = decisive,
            FirstDrop = verdict == TraceVerdict.Drop ? decisive : null,
            Error = error,
            TunnelId = tunId,
            TunnelDestination = tunDst,
            DnatAddress = dnat,
            SnatAddress = snat,
            ServiceCtMark = mark,
            Punted = punted,
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // One pass on its own

    private sealed record OutputEvent(int? Port, OutputKind Kind, string? Peer, int Table, int Line, bool ToInPort = false, ulong? Cookie = null);

    private sealed record DropEvent(DropKind Kind, int Table, int Depth, string Reason);

    /// <summary>What one pass did by itself. <see cref="Terminal"/> ignores patch outputs and conntrack forks.</summary>
    private sealed class Outcome
    {
        public Decision? Full;
        public Decision? Terminal;
        public bool Deferred;
        public string? TunnelId, TunnelDestination, Dnat, Snat, CtMark;
        public bool Punted, Fork;
        public int? ForkTable;
    }

    private sealed record Decision(int Pass, TraceVerdict Verdict, string Reason, int? DropTable = null,
        DropKind DropKind = DropKind.None, int? OutPort = null, OutputKind OutputKind = OutputKind.None,
        string? Peer = null, bool ToInPort = false);

    private static Outcome Evaluate(ParsedPass pass, IReadOnlyList<ParsedPass> all, List<int>? successors,
        JudgeContext context)
    {
        var facts = context.For(pass.Bridge);
        int? dropTable = context.DropTableFor(pass.Bridge);
        int? snatTable = context.SnatTableFor(pass.Bridge);
        int?[] snatTables = [snatTable, JudgeContext.LoopbackSnatTableFor(pass.Bridge)];
        var result = new Outcome();
        var outputs = new List<OutputEvent>();
        var drops = new List<DropEvent>();

        // Outputs that OVS followed into another bridge section: the last output printed before that section.
        Dictionary<int, string>? patchByLine = null;
        if (successors is not null)
        {
            foreach (int s in successors)
            {
                var next = all[s];
                if (!next.EnteredThroughPatch) continue;
                int line = LastOutputLineBefore(pass, next.StartLine);
                if (line > 0) (patchByLine ??= new Dictionary<int, string>())[line] = next.Bridge;
            }
        }

        int? inPort = InPortOf(pass);
        ParsedHop? dropTableHop = null;
        int? dropJumper = null;
        var hops = pass.Hops;
        for (int h = 0; h < hops.Count; h++)
        {
            var hop = hops[h];
            // Only a top-level visit of the drop table is the packet's fate; one nested in a clone or resubmit is
            // the logging copy of a permit-and-log rule, and the packet goes on after it.
            if (dropTable is int dt && hop.Table == dt && hop.Depth == 0)
            {
                dropTableHop = hop;
                dropJumper = JumperInto(hops, h, dt);
                break; // what happens inside the drop table (drop-log export) is not forwarding
            }
            if (dropTable is int nested && hop.Table == nested) continue;
            if (hop.IsTableMiss)
                drops.Add(new DropEvent(DropKind.TableMiss, hop.Table, hop.Depth, $"table {hop.Table} had no matching flow"));
            else if (hop.Actions.Count == 1 && hop.Actions[0].Text == "drop" && hop.Actions[0].Children.Count == 0)
                drops.Add(new DropEvent(DropKind.DropAction, hop.Table, hop.Depth, $"explicit drop action in table {hop.Table}"));
            foreach (var a in hop.Actions)
                Visit(a, hop, pass, facts, snatTables, inPort, patchByLine, outputs, drops, result);
        }
        foreach (var raw in pass.RawLines)
        {
            if (raw.StartsWith("Translation failed", StringComparison.Ordinal))
                drops.Add(new DropEvent(DropKind.TranslationFailed, hops.Count > 0 ? hops[^1].Table : 0, 0, raw));
        }

        string? dp = pass.DatapathActions;
        if (dp is not null)
        {
            if (dp.Contains("controller(", StringComparison.Ordinal)) result.Punted = true;
            int tun = dp.IndexOf("set(tunnel(", StringComparison.Ordinal);
            if (tun >= 0)
            {
                result.TunnelId ??= HexAfter(dp, "tun_id=", tun);
                result.TunnelDestination ??= IPv4AfterFrom(dp, "dst=", tun);
            }
        }
        result.ForkTable = pass.ForkResumeTable;
        result.Fork = pass.ForkResumeTable is not null
            || (dp is not null && dp.Contains("recirc(", StringComparison.Ordinal) && dp.Contains("ct(", StringComparison.Ordinal));
        bool datapathDrop = dp == "drop";

        result.Full = Decide(pass, outputs, drops, dropTableHop, dropJumper, result, facts, datapathDrop, includeDeferred: true);
        result.Terminal = Decide(pass, outputs, drops, dropTableHop, dropJumper, result, facts, datapathDrop, includeDeferred: false);
        return result;
    }

    private static Decision? Decide(ParsedPass pass, List<OutputEvent> outputs, List<DropEvent> drops,
        ParsedHop? dropTableHop, int? dropJumper, Outcome o, BridgePorts facts, bool datapathDrop, bool includeDeferred)
    {
        int idx = pass.Index;
        OutputEvent? First(Func<OutputEvent, bool> f)
        {
            foreach (var e in outputs) if (f(e)) return e;
            return null;
        }

        Decision? d = null;
        if (First(e => e.Kind == OutputKind.DestinationPort) is { } dst)
        {
            d = new Decision(idx, TraceVerdict.Deliver, $"output to port {dst.Port} (the destination) in table {dst.Table}",
                OutPort: dst.Port, OutputKind: OutputKind.DestinationPort);
        }
        else if (First(e => e.Kind is OutputKind.Tunnel or OutputKind.Uplink) is { } fwd)
        {
            string what = fwd.Kind == OutputKind.Tunnel ? "tunnel" : "uplink";
            string extra = fwd.Kind == OutputKind.Tunnel && (o.TunnelId ?? o.TunnelDestination) is not null
                ? $" (tun_id {o.TunnelId ?? "?"} to {o.TunnelDestination ?? "?"})" : "";
            d = new Decision(idx, TraceVerdict.Forward, $"output to {what} port {PortText(fwd.Port)}{extra} in table {fwd.Table}",
                OutPort: fwd.Port, OutputKind: fwd.Kind);
        }
        else if (includeDeferred && First(e => e.Kind == OutputKind.PatchPort) is { } patch)
        {
            var through = patch.ToInPort && patch.Port is null ? "back through its input patch port (IN_PORT)" : $"to patch port {PortText(patch.Port)}";
            d = new Decision(idx, TraceVerdict.Forward,
                $"output {through}{(patch.Peer is null ? "" : " towards " + patch.Peer)} in table {patch.Table}",
                OutPort: patch.Port, OutputKind: OutputKind.PatchPort, Peer: patch.Peer, ToInPort: patch.ToInPort);
        }
        else if (First(e => e.Kind == OutputKind.OtherPort) is { } other)
        {
            string why = facts.DestinationPorts.Count > 0
                ? "which is not the destination's port"
                : $"whose role is unknown (no port facts for {(pass.Bridge.Length == 0 ? "this bridge" : pass.Bridge)})";
            d = new Decision(idx, TraceVerdict.Unknown, $"output to port {PortText(other.Port)} in table {other.Table}, {why}",
                OutPort: other.Port, OutputKind: OutputKind.OtherPort);
        }
        else if (First(e => e.Kind == OutputKind.Controller) is { } ctl)
        {
            d = new Decision(idx, TraceVerdict.Punt,
                $"sent to the controller (a CONTROLLER action) in table {ctl.Table}{(ctl.Cookie is ulong c ? $", flow cookie 0x{c:x}" : "")}, and not forwarded",
                OutputKind: OutputKind.Controller);
        }
        else if (dropTableHop is not null)
        {
            int table = dropJumper ?? dropTableHop.Table;
            string reason = dropJumper is int j
                ? $"dropped: table {j} sent the packet to the drop table {dropTableHop.Table}"
                : $"dropped: the packet reached the drop table {dropTableHop.Table}";
            d = new Decision(idx, TraceVerdict.Drop, reason, table, DropKind.ExplicitDropTable);
        }
        else if (drops.Count > 0)
        {
            DropEvent pick = drops[0];
            for (int i = drops.Count - 1; i >= 0; i--)
            {
                if (drops[i].Depth == 0) { pick = drops[i]; break; }
            }
            d = new Decision(idx, TraceVerdict.Drop, pick.Reason, pick.Table, pick.Kind);
        }
        else if (o.Punted)
        {
            d = new Decision(idx, TraceVerdict.Punt, "sent to the controller and not forwarded", OutputKind: OutputKind.Controller);
        }
        else if (o.Fork)
        {
            if (includeDeferred) o.Deferred = true;
            return null;
        }
        else if (datapathDrop)
        {
            int? last = pass.Hops.Count > 0 ? pass.Hops[^1].Table : null;
            return new Decision(idx, TraceVerdict.Drop, "OVS computed the datapath action drop", last, DropKind.DatapathDrop);
        }
        else
        {
            return null;
        }

        // "Datapath actions: drop" contradicts a pass that claims to have sent the packet somewhere final.
        if (datapathDrop && d.Verdict is TraceVerdict.Deliver or TraceVerdict.Unknown
            || datapathDrop && d.Verdict == TraceVerdict.Forward && d.OutputKind != OutputKind.PatchPort)
        {
            int? last = pass.Hops.Count > 0 ? pass.Hops[^1].Table : null;
            return new Decision(idx, TraceVerdict.Drop,
                $"OVS computed the datapath action drop although the pipeline showed: {d.Reason}", last, DropKind.DatapathDrop,
                d.OutPort, d.OutputKind);
        }
        return d;
    }

    private static string PortText(int? port) => port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";

    private static void Visit(ParsedAction a, ParsedHop hop, ParsedPass pass, BridgePorts facts, int?[] snatTables, int? inPort,
        Dictionary<int, string>? patchByLine, List<OutputEvent> outputs, List<DropEvent> drops, Outcome o)
    {
        string text = a.Text;
        int? port = null;
        bool isOutput = false;
        bool toInPort = false;
        if (text.StartsWith("output:", StringComparison.Ordinal))
        {
            isOutput = true;
            if (OvsText.TryParseInt(text.AsSpan(7), out int n)) port = n;
        }
        else if (text.StartsWith("enqueue:", StringComparison.Ordinal))
        {
            isOutput = true;
            var rest = text.AsSpan(8);
            int colon = rest.IndexOf(':');
            if (OvsText.TryParseInt(colon < 0 ? rest : rest[..colon], out int n)) port = n;
        }
        else if (text == "IN_PORT" || text == "output:IN_PORT")
        {
            isOutput = true;
            toInPort = true;
            port = inPort;
        }
        else if (text.StartsWith("CONTROLLER", StringComparison.Ordinal) || text.StartsWith("controller(", StringComparison.Ordinal)
                 || text == "controller")
        {
            o.Punted = true;
            outputs.Add(new OutputEvent(null, OutputKind.Controller, null, hop.Table, a.Line, Cookie: hop.Cookie));
        }
        else if (text is "NORMAL" or "FLOOD" or "ALL" or "LOCAL")
        {
            isOutput = true;
        }
        else if (text == "dec_ttl" || text.StartsWith("dec_ttl(", StringComparison.Ordinal))
        {
            // OVS sends a packet whose TTL (IPv6: hop limit) runs out to the controller as an invalid-TTL packet-in
            // (reason=2); the datapath forwards nothing, so for the packet this is a drop, not a punt.
            var exception = a.Details.FirstOrDefault(d => d.Contains("decrement TTL exception", StringComparison.Ordinal));
            if (exception is not null)
                drops.Add(new DropEvent(DropKind.TtlExpired, hop.Table, hop.Depth,
                    exception.Contains("IPv6", StringComparison.Ordinal)
                        ? $"Hop limit expired: dec_ttl in table {hop.Table} found an IPv6 hop limit of 1 or 0, so the router drops the packet"
                        : $"TTL expired: dec_ttl in table {hop.Table} found a TTL of 1 or 0, so the router drops the packet"));
        }
        else
        {
            ExtractFields(text, hop, snatTables, o);
        }

        bool tunnelHint = false;
        string? failure = null;
        DropKind failureKind = DropKind.None;
        foreach (var detail in a.Details)
        {
            if (detail.StartsWith("-> output port is ", StringComparison.Ordinal))
            {
                if (OvsText.TryParseLeadingInt(detail.AsSpan(18), out int n)) port = n;
            }
            else if (detail.StartsWith("-> output to kernel tunnel", StringComparison.Ordinal)
                     || detail.StartsWith("-> output to native tunnel", StringComparison.Ordinal)
                     || detail.StartsWith("-> tunneling to ", StringComparison.Ordinal))
            {
                tunnelHint = true;
            }
            else if (detail.StartsWith(">>", StringComparison.Ordinal) && isOutput && failure is null)
            {
                failure = detail[2..].Trim();
                failureKind = failure.Contains("skipping output to input port", StringComparison.Ordinal)
                    ? DropKind.SkippedOutputToInputPort
                    : failure.Contains("tunnel", StringComparison.OrdinalIgnoreCase) ? DropKind.TunnelFailure : DropKind.OutputFailed;
            }
            else if (detail.Contains("NXM_NX_TUN_ID", StringComparison.Ordinal))
            {
                string? v = ValueAfterIsNow(detail);
                if (v is not null) o.TunnelId = v;
            }
            else if (detail.Contains("NXM_NX_TUN_IPV4_DST", StringComparison.Ordinal))
            {
                string? v = ValueAfterIsNow(detail);
                if (v is not null) o.TunnelDestination = OvsText.LeadingIPv4(v) ?? OvsText.ToDottedQuad(v) ?? v;
            }
        }

        if (isOutput)
        {
            if (failure is not null)
            {
                string reason = failureKind == DropKind.SkippedOutputToInputPort
                    ? $"output to the input port {PortText(port)} was skipped in table {hop.Table}"
                    : $"output to port {PortText(port)} failed in table {hop.Table}: {failure}";
                drops.Add(new DropEvent(failureKind, hop.Table, hop.Depth, reason));
            }
            else
            {
                string? peer = null;
                OutputKind kind;
                if (port is int p && facts.DestinationPorts.Contains(p)) kind = OutputKind.DestinationPort;
                else if (port is int p1 && facts.PatchPorts.TryGetValue(p1, out peer) && patchByLine?.ContainsKey(a.Line) != true)
                {
                    // OVS follows every output to a working patch port into the peer bridge's section; none follows.
                    drops.Add(new DropEvent(DropKind.PatchWithoutPeer, hop.Table, hop.Depth,
                        $"output to patch port {PortText(port)} towards {peer} in table {hop.Table} leads nowhere: the port has no peer on {peer} (OVS continued in no other bridge)"));
                    return;
                }
                else if (port is int p2 && facts.PatchPorts.TryGetValue(p2, out peer)) kind = OutputKind.PatchPort;
                else if (patchByLine is not null && patchByLine.TryGetValue(a.Line, out peer)) kind = OutputKind.PatchPort;
                else if (tunnelHint || port is int p3 && facts.TunnelPorts.Contains(p3)) kind = OutputKind.Tunnel;
                else if (port is int p4 && facts.UplinkPorts.Contains(p4)) kind = OutputKind.Uplink;
                else kind = OutputKind.OtherPort;
                outputs.Add(new OutputEvent(port, kind, peer, hop.Table, a.Line, toInPort));
            }
        }

        foreach (var child in a.Children)
            Visit(child, hop, pass, facts, snatTables, inPort, patchByLine, outputs, drops, o);
    }

    private static void ExtractFields(string text, ParsedHop hop, int?[] snatTables, Outcome o)
    {
        if (text.StartsWith("set_field:", StringComparison.Ordinal))
        {
            int arrow = text.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0) return;
            string value = text[10..arrow];
            var field = text.AsSpan(arrow + 2);
            if (field.SequenceEqual("tun_id")) o.TunnelId = value;
            else if (field.SequenceEqual("tun_dst")) o.TunnelDestination = OvsText.LeadingIPv4(value) ?? OvsText.ToDottedQuad(value);
            else if (field.SequenceEqual("ip_dst") || field.SequenceEqual("nw_dst")) o.Dnat ??= OvsText.LeadingIPv4(value);
            else if ((field.SequenceEqual("ip_src") || field.SequenceEqual("nw_src")) && snatTables.Contains(hop.Table))
                o.Snat ??= OvsText.LeadingIPv4(value);
            else if (field.SequenceEqual("ct_mark") || field.SequenceEqual("reg12")) o.CtMark ??= value;
            return;
        }
        if (text.StartsWith("load:", StringComparison.Ordinal))
        {
            int arrow = text.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0) return;
            string value = text[5..arrow];
            var dst = text.AsSpan(arrow + 2);
            if (dst.StartsWith("NXM_NX_TUN_ID", StringComparison.Ordinal)) o.TunnelId = value;
            else if (dst.StartsWith("NXM_NX_TUN_IPV4_DST", StringComparison.Ordinal)) o.TunnelDestination = OvsText.ToDottedQuad(value);
            else if (dst.StartsWith("NXM_NX_REG12[]", StringComparison.Ordinal) || dst.StartsWith("NXM_NX_CT_MARK[", StringComparison.Ordinal))
                o.CtMark ??= value;
            return;
        }
        if (text.StartsWith("mod_nw_dst:", StringComparison.Ordinal))
        {
            o.Dnat ??= OvsText.LeadingIPv4(text.AsSpan(11));
            return;
        }
        if (text.StartsWith("mod_nw_src:", StringComparison.Ordinal))
        {
            if (snatTables.Contains(hop.Table)) o.Snat ??= OvsText.LeadingIPv4(text.AsSpan(11));
            return;
        }
        if (text.Contains("nat(", StringComparison.Ordinal))
        {
            o.Dnat ??= OvsText.IPv4After(text, "nat(dst=");
            o.Snat ??= OvsText.IPv4After(text, "nat(src=");
        }
    }

    private static string? ValueAfterIsNow(string detail)
    {
        const string marker = " is now ";
        int i = detail.IndexOf(marker, StringComparison.Ordinal);
        if (i < 0) return null;
        string v = detail[(i + marker.Length)..].Trim();
        return v.Length == 0 ? null : v;
    }

    private static string? HexAfter(string s, string marker, int from)
    {
        int i = s.IndexOf(marker, from, StringComparison.Ordinal);
        if (i < 0) return null;
        int start = i + marker.Length, end = start;
        while (end < s.Length && (char.IsAsciiHexDigit(s[end]) || s[end] == 'x')) end++;
        return end > start ? s[start..end] : null;
    }

    private static string? IPv4AfterFrom(string s, string marker, int from)
    {
        int i = s.IndexOf(marker, from, StringComparison.Ordinal);
        return i < 0 ? null : OvsText.LeadingIPv4(s.AsSpan(i + marker.Length));
    }

    /// <summary>The in_port of a pass, for <c>IN_PORT</c>: from its Flow line, else its first hop's match.</summary>
    private static int? InPortOf(ParsedPass pass)
    {
        int? fromFlow = InPortIn(pass.Flow);
        if (fromFlow is not null) return fromFlow;
        return pass.Hops.Count > 0 ? InPortIn(pass.Hops[0].Match) : null;
    }

    private static int? InPortIn(string? s)
    {
        if (s is null) return null;
        int i = s.IndexOf("in_port=", StringComparison.Ordinal);
        if (i < 0 || (i > 0 && s[i - 1] != ',')) return null;
        return OvsText.TryParseLeadingInt(s.AsSpan(i + 8), out int n) ? n : null;
    }

    /// <summary>The table that sent the packet to the drop table: the nearest earlier hop with goto/resubmit to it.</summary>
    private static int? JumperInto(IReadOnlyList<ParsedHop> hops, int dropHop, int dropTable)
    {
        string go = "goto_table:" + dropTable.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string re = "resubmit(," + dropTable.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
        for (int i = dropHop - 1; i >= 0; i--)
        {
            foreach (var a in hops[i].Actions)
                if (a.Text == go || a.Text == re) return hops[i].Table;
        }
        return dropHop > 0 ? hops[dropHop - 1].Table : null;
    }

    private static int LastOutputLineBefore(ParsedPass pass, int line)
    {
        int best = 0;
        foreach (var hop in pass.Hops)
            foreach (var a in hop.Actions)
                best = Math.Max(best, LastOutputLine(a, line));
        return best;
    }

    private static int LastOutputLine(ParsedAction a, int before)
    {
        int best = 0;
        if (a.Line < before && (a.Text.StartsWith("output:", StringComparison.Ordinal) || a.Text == "IN_PORT"))
            best = a.Line;
        foreach (var c in a.Children) best = Math.Max(best, LastOutputLine(c, before));
        return best;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Chains

    private static int Rank(TraceVerdict v) => v switch
    {
        TraceVerdict.Deliver => 4,
        TraceVerdict.Forward => 3,
        TraceVerdict.Punt => 2,
        TraceVerdict.Unknown => 1,
        _ => 0, // Drop
    };

    private static Decision? Combine(int i, Outcome[] own, List<int>?[] successors, Decision?[] effective)
    {
        var next = successors[i];
        if (next is null || next.Count == 0) return own[i].Full;
        Decision? best = own[i].Terminal;
        foreach (int s in next)
        {
            var e = effective[s];
            if (e is null) continue;
            if (best is null || Rank(e.Verdict) > Rank(best.Verdict)) best = e;
        }
        return best ?? own[i].Full;
    }

    private static PassJudgement ToJudgement(ParsedPass pass, Outcome o, Decision? effective)
    {
        var d = o.Full;
        string reason;
        TraceVerdict verdict;
        if (d is null && o.Deferred)
        {
            string where = o.ForkTable is int t ? $"table {t}" : "a later table";
            if (effective is not null && effective.Pass != pass.Index)
            {
                verdict = effective.Verdict;
                reason = $"conntrack recirculation to {where}; continued in pass {effective.Pass}: {effective.Reason}";
            }
            else
            {
                verdict = TraceVerdict.Unknown;
                reason = $"conntrack recirculation to {where}, but the trace has no resumed section for it";
            }
        }
        else if (d is null)
        {
            verdict = TraceVerdict.Unknown;
            reason = pass.Hops.Count == 0 ? "the bridge section has no table visits" : "no output or drop decision found";
        }
        else
        {
            verdict = d.Verdict;
            reason = d.Reason;
        }
        return new PassJudgement
        {
            PassIndex = pass.Index,
            Bridge = pass.Bridge,
            Verdict = verdict,
            DropTable = d?.DropTable,
            DropKind = d?.DropKind ?? DropKind.None,
            OutPort = d?.OutPort,
            OutputKind = d?.OutputKind ?? OutputKind.None,
            PeerBridge = d?.Peer,
            OutputToInPort = d?.ToInPort ?? false,
            // A drop exported to the drop-log Geneve port also ends in set(tunnel(...)): that is the log's tunnel,
            // not the packet's, so a pass reports a tunnel only when it did not drop the packet.
            TunnelId = verdict == TraceVerdict.Drop ? null : o.TunnelId,
            TunnelDestination = verdict == TraceVerdict.Drop ? null : o.TunnelDestination,
            DnatAddress = o.Dnat,
            SnatAddress = o.Snat,
            ServiceCtMark = o.CtMark,
            Punted = o.Punted,
            IsConntrackFork = o.Fork,
            Reason = reason,
        };
    }
}
