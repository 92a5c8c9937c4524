using System.Globalization;
using System.Text.RegularExpressions;
using AciTrace.Aci;
using AciTrace.Judging;
using AciTrace.Ovs;

namespace AciTrace.Engine;

/// <summary>What the assembler needs to know about the leg; <c>Broadcast</c>: the packet is a broadcast (ARP request),
/// so copies flooded to other endpoints are expected.</summary>
internal sealed record LegContext(string TraceId, TraceDirection Direction, int Leg, string Node, NodeFacts? Facts, bool Broadcast = false)
{
    /// <summary>The VXLAN tunnel id the leg's packet arrives with from the fabric (null: it starts at a pod).</summary>
    public string? ArrivalTunnelId { get; init; }
}

/// <summary>Turns parsed + judged trace text into the PowerShell-facing <see cref="AciBridgePass"/> objects.</summary>
internal static partial class TraceAssembler
{
    public const ulong TableDropCookie = 0x4000000000000000;

    [GeneratedRegex(@"(?:^|,)in_port=(\d+)")]
    private static partial Regex InPortPattern();

    private static int? NextTableOf(string action)
    {
        var rest = action.StartsWith("goto_table:", StringComparison.Ordinal) ? action.AsSpan(11)
            : action.StartsWith("resubmit(,", StringComparison.Ordinal) ? action.AsSpan(10)
            : ReadOnlySpan<char>.Empty;
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits])) digits++;
        return digits > 0 && int.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
    }

    public static IReadOnlyList<AciBridgePass> Assemble(
        LegContext leg, ParsedTrace parsed, TraceJudgement judgement,
        Func<ParsedPass, PassJudgement, (string Reason, string? Cause)>? reasonFor = null)
    {
        var passes = new List<AciBridgePass>(parsed.Passes.Count);
        var judgedByIndex = new Dictionary<int, PassJudgement>(judgement.Passes.Count);
        foreach (var j in judgement.Passes) judgedByIndex.TryAdd(j.PassIndex, j);
        for (var i = 0; i < parsed.Passes.Count; i++)
        {
            var pass = parsed.Passes[i];
            var judged = judgedByIndex.GetValueOrDefault(pass.Index) ?? new PassJudgement { PassIndex = pass.Index, Bridge = pass.Bridge };
            var forkedOnly = judged.IsConntrackFork && judged.OutPort is null;
            var floodCopy = leg.Broadcast && judged.Verdict == TraceVerdict.Unknown && judged.OutputKind == OutputKind.OtherPort;
            var kind = leg.Facts?.BridgeKind(pass.Bridge) ?? AciTables.BridgeKind(pass.Bridge);
            var hops = pass.Hops.Select((h, step) => Hop(leg, pass, kind, judged, h, step, step == pass.Hops.Count - 1)).ToList();
            var inPort = InPortOf(pass, parsed, passes, leg.Facts);
            var (srcEpg, dstEpg) = Epgs(hops);
            var inPortName = inPort is int ipn ? AciDecoder.PortName(pass.Bridge, ipn, leg.Facts) : null;
            var fromFabric = leg.ArrivalTunnelId is not null && inPortName is not null && inPortName.StartsWith("vxlan", StringComparison.Ordinal);
            // The leaf delivers a packet with the VNID of the destination's EPG, so the EPG br-int derives from it
            // is not the sender's: say so rather than present it as the source EPG.
            if (fromFabric && srcEpg is not null) srcEpg += " (VNID set by the leaf, not the sender's EPG)";
            var dropTable = judged.Verdict == TraceVerdict.Drop ? judged.DropTable : null;
            (string Reason, string? Cause) explained = forkedOnly ? (ForkReason(pass, judged), null)
                : floodCopy ? ($"broadcast copy flooded to port {judged.OutPort} ({OutName(pass, judged, leg.Facts) ?? "?"}), another endpoint of the flood domain", null)
                : reasonFor?.Invoke(pass, judged) ?? (judged.Reason, null);
            passes.Add(new AciBridgePass
            {
                TraceId = leg.TraceId,
                Direction = leg.Direction,
                Leg = leg.Leg,
                PassIndex = pass.Index,
                Node = leg.Node,
                Bridge = pass.Bridge,
                IsResume = pass.IsResume,
                InPort = inPort,
                InPortName = inPortName,
                OutPort = judged.OutPort ?? (judged.OutputToInPort ? inPort : null),
                OutPortName = judged.OutPort is null && judged.OutputToInPort ? inPortName : OutName(pass, judged, leg.Facts),
                TunnelId = judged.TunnelId ?? (fromFabric ? leg.ArrivalTunnelId : null),
                TunnelDestination = judged.TunnelDestination,
                SourceEpg = srcEpg,
                DestinationEpg = dstEpg,
                // A pass that only hands the packet to conntrack is not where the outcome happens: the resumed pass
                // carries the verdict, so a report of drops lists each drop once.
                Verdict = forkedOnly || floodCopy ? TraceVerdict.Forward : judged.Verdict,
                DropTable = forkedOnly ? null : dropTable,
                DropTableName = !forkedOnly && dropTable is int t ? AciTables.Name(kind, t) : null,
                DropCause = !forkedOnly && judged.Verdict == TraceVerdict.Drop ? explained.Cause : null,
                Reason = explained.Reason,
                DnatAddress = judged.DnatAddress,
                SnatAddress = judged.SnatAddress,
                DatapathActions = pass.DatapathActions,
                TablePath = string.Join(" ", pass.Hops.Select(h => h.Table.ToString(CultureInfo.InvariantCulture))),
                Hops = new AciHopCollection(hops),
            });
        }
        return passes;
    }

    private static AciTableHop Hop(LegContext leg, ParsedPass pass, AciBridge kind, PassJudgement judged, ParsedHop h, int step, bool last)
    {
        var writes = new List<RegisterWrite>();
        int? next = null;
        foreach (var a in h.Actions)
        {
            if (NextTableOf(a.Text) is int t) next = t;
            // The drop-log export (moves and loads into tun_metadata) says nothing about the packet's path.
            if (a.Text.Contains("METADATA", StringComparison.OrdinalIgnoreCase) && a.Text.Contains("tun_", StringComparison.OrdinalIgnoreCase)) continue;
            if (AciDecoder.DecodeAction(kind, a.Text, leg.Facts) is { } w && !IsDropLogExport(w)) writes.Add(w);
        }
        var isTableDrop = h.Cookie == TableDropCookie;
        var passVerdict = (judged.IsConntrackFork && judged.OutPort is null)
            || (leg.Broadcast && judged.Verdict == TraceVerdict.Unknown && judged.OutputKind == OutputKind.OtherPort)
            ? TraceVerdict.Forward : judged.Verdict;
        var verdict = h.IsTableMiss || isTableDrop || (passVerdict == TraceVerdict.Drop && judged.DropTable == h.Table && last)
            ? TraceVerdict.Drop
            : last ? passVerdict : TraceVerdict.Forward;
        return new AciTableHop
        {
            TraceId = leg.TraceId,
            Direction = leg.Direction,
            Node = leg.Node,
            Bridge = pass.Bridge,
            PassIndex = pass.Index,
            Step = step,
            Depth = h.Depth,
            Table = h.Table,
            TableName = AciTables.Name(kind, h.Table),
            Priority = h.Priority,
            Cookie = h.Cookie is ulong c ? "0x" + c.ToString("x", CultureInfo.InvariantCulture) : null,
            CookieMeaning = h.Cookie is ulong c2 ? AciDecoder.DescribeCookie(c2, leg.Facts) : null,
            Match = h.IsTableMiss ? "(no match)" : h.Match,
            IsTableMiss = h.IsTableMiss,
            Actions = string.Join("; ", h.Actions.Select(a => a.Text)),
            ActionList = h.Actions.Select(a => new HopAction { Text = a.Text, Details = a.Details }).ToList(),
            RegisterWrites = writes,
            Decoded = string.Join("; ", writes.Select(w => w.ToString())),
            NextTable = next,
            Verdict = verdict,
        };
    }

    private static string ForkReason(ParsedPass pass, PassJudgement judged) =>
        pass.ForkResumeTable is int t
            ? $"sent through conntrack; the packet continues in the resumed pass at table {t} ({judged.Verdict} there)"
            : $"sent through conntrack; the packet continues in the resumed pass ({judged.Verdict} there)";

    private static bool IsDropLogExport(RegisterWrite w) =>
        w.Register.StartsWith("tun_metadata", StringComparison.OrdinalIgnoreCase)
        || w.Register.StartsWith("NXM_NX_TUN_METADATA", StringComparison.OrdinalIgnoreCase);

    private static (string? Source, string? Destination) Epgs(IEnumerable<AciTableHop> hops)
    {
        string? src = null, dst = null;
        foreach (var w in hops.SelectMany(h => h.RegisterWrites))
        {
            var name = w.Meaning.Length > 0 ? w.Meaning : w.Value;
            if (w.Register == "reg0" && w.Role.Contains("EPG", StringComparison.OrdinalIgnoreCase)) src = name;
            if (w.Register == "reg2" && w.Role.Contains("EPG", StringComparison.OrdinalIgnoreCase)) dst = name;
        }
        return (src, dst);
    }

    private static string? OutName(ParsedPass pass, PassJudgement judged, NodeFacts? facts)
    {
        if (judged.OutPort is int p) return AciDecoder.PortName(pass.Bridge, p, facts);
        return judged.OutputKind switch
        {
            OutputKind.Controller => "CONTROLLER",
            _ => null,
        };
    }

    /// <summary>
    /// The in_port of a pass: from its own <c>Flow:</c> line, else (first pass) the input flow, else the patch peer of
    /// the previous pass's output (pa-X on br-access peers pi-X on br-int).
    /// </summary>
    private static int? InPortOf(ParsedPass pass, ParsedTrace parsed, IReadOnlyList<AciBridgePass> earlier, NodeFacts? facts)
    {
        if (pass.Flow is { } flow && InPortPattern().Match(flow) is { Success: true } m && !pass.EnteredThroughPatch)
            return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (pass.Index == 0 && parsed.InputFlow is { } input && InPortPattern().Match(input) is { Success: true } m2)
            return int.Parse(m2.Groups[1].Value, CultureInfo.InvariantCulture);
        var previous = pass.PreviousIndex is int pi && pi >= 0 && pi < earlier.Count && earlier[pi].PassIndex == pi
            ? earlier[pi]
            : earlier.Count > 0 ? earlier[^1] : null;
        if (previous?.Bridge == pass.Bridge) previous = null;
        if (previous?.OutPortName is { } outName && PatchPeer(outName) is { } peer
            && facts?.PortMap(pass.Bridge) is { } map && map.TryGetPort(peer, out var port))
            return port;
        // Entered from a group bucket or a nested resubmit: the first flow that matched on in_port names it.
        foreach (var hop in pass.Hops)
            if (InPortPattern().Match(hop.Match) is { Success: true } m3)
                return int.Parse(m3.Groups[1].Value, CultureInfo.InvariantCulture);
        return null;
    }

    public static string? PatchPeer(string name) =>
        name.StartsWith(AciTables.AccessPatchPrefix, StringComparison.Ordinal) ? AciTables.IntegrationPatchPrefix + name[AciTables.AccessPatchPrefix.Length..]
        : name.StartsWith(AciTables.IntegrationPatchPrefix, StringComparison.Ordinal) ? AciTables.AccessPatchPrefix + name[AciTables.IntegrationPatchPrefix.Length..]
        : null;
}
