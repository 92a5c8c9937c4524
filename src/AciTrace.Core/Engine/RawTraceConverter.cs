using System.Globalization;
using AciTrace.Aci;
using AciTrace.Judging;
using AciTrace.Ovs;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>What is known about an <c>ofproto/trace</c> text besides the text (all optional).</summary>
public sealed record RawTraceOptions
{
    /// <summary>The node the trace ran on (the passes' Node).</summary>
    public string Node { get; init; } = "";

    /// <summary>Port maps by bridge (from <c>ovs-appctl dpif/show</c> or <c>ovs-ofctl show</c>): port names and roles.</summary>
    public IReadOnlyDictionary<string, OvsPortMap> PortMaps { get; init; } = new Dictionary<string, OvsPortMap>(StringComparer.Ordinal);

    /// <summary>The destination's OVS ports (names, or numbers as text): an output there is Deliver.</summary>
    public IReadOnlyList<string> DestinationPorts { get; init; } = Array.Empty<string>();
}

/// <summary>One trace read from text: its passes (hops inside) and its summary.</summary>
public sealed record RawTrace(IReadOnlyList<AciBridgePass> Passes, AciTraceSummary Summary);

/// <summary>
/// Turns <c>ovs-appctl ofproto/trace</c> text that someone already has (run by hand, pasted in a ticket) into the
/// same pass, hop and summary objects a live trace gives: parse, judge, decode. Never throws on odd text: what it
/// cannot read is Unknown, with the reason.
/// </summary>
public static class RawTraceConverter
{
    /// <summary>
    /// The trace of <paramref name="text"/>, or null when the text is not ofproto/trace output at all (no flow line,
    /// bridge section or OVS error). OVS's own error text gives an Unknown verdict with OVS's message.
    /// </summary>
    public static RawTrace? Convert(string text, RawTraceOptions? options = null)
    {
        options ??= new RawTraceOptions();
        var parsed = OvsTraceParser.Parse(text);
        if (parsed.Passes.Count == 0 && parsed.InputFlow is null && !IsOvsError(parsed.Error)) return null;
        var flow = parsed.InputFlow;
        var source = FlowFields.SourceAddress(flow) ?? "";
        var destination = FlowFields.DestinationAddress(flow) ?? "";
        var protocol = ProtocolName(FlowFields.ProtocolWord(flow));
        var (sourcePort, destinationPort) = protocol is "Tcp" or "Udp" ? (FlowFields.SourcePort(flow), FlowFields.DestinationPort(flow)) : (null, null);
        var traceId = $"{(source.Length > 0 ? source : "?")} -> {(destination.Length > 0 ? destination : "?")} {protocol.ToLowerInvariant()}{(destinationPort is int p ? "/" + p.ToString(CultureInfo.InvariantCulture) : "")}";

        var facts = new NodeFacts { Node = options.Node, PortMaps = options.PortMaps };
        var destinations = options.DestinationPorts.SelectMany(d => NamesOf(d, options.PortMaps)).ToList();
        var judgement = TraceJudge.Judge(parsed, JudgeContext.FromPortMaps(options.PortMaps, destinations));
        var passes = TraceAssembler.Assemble(new LegContext(traceId, TraceDirection.Request, 1, options.Node, facts), parsed, judgement);

        var verdict = judgement.Verdict;
        var drop = AciTraceSummary.DecidingDrop(passes);
        var final = passes.LastOrDefault(x => x.Verdict == verdict);
        var reason = verdict == TraceVerdict.Drop && drop is not null ? drop.Reason : judgement.Reason;
        var outcome = OutcomeText.For(verdict, destination, drop, final, judgement.SnatAddress, reason);
        foreach (var pass in passes) pass.Describe(source, destination, protocol, sourcePort, destinationPort, outcome);
        var summary = new AciTraceSummary
        {
            TraceId = traceId,
            Kind = "Raw",
            Direction = TraceDirection.Request,
            Source = source,
            Destination = destination,
            SourceAddress = source.Length > 0 ? source : null,
            DestinationAddress = destination.Length > 0 ? destination : null,
            Protocol = protocol,
            SourcePort = sourcePort,
            DestinationPort = destinationPort,
            TunnelId = judgement.TunnelId,
            DnatAddress = judgement.DnatAddress,
            SnatAddress = judgement.SnatAddress,
            Path = options.Node,
            Legs = 1,
            Passes = new AciPassCollection(passes.ToList()),
        }.Decided(verdict, outcome, reason, drop);
        return new RawTrace(passes, summary);
    }

    // Without a flow line or bridge section, only text that names OVS or a bridge is OVS's own error message.
    private static bool IsOvsError(string? error) =>
        error is not null && (error.Contains("ovs-", StringComparison.Ordinal) || error.Contains("bridge", StringComparison.OrdinalIgnoreCase));

    /// <summary>A destination given as a port number is the name the port map gives it.</summary>
    private static IEnumerable<string> NamesOf(string port, IReadOnlyDictionary<string, OvsPortMap> maps)
    {
        yield return port;
        if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            foreach (var map in maps.Values)
                if (map.NameOf(number) is { } name) yield return name;
    }

    private static string ProtocolName(string? word) => word switch
    {
        "tcp" or "tcp6" => "Tcp",
        "udp" or "udp6" => "Udp",
        "icmp" or "icmp6" => "Icmp",
        "arp" => "Arp",
        _ => "Ip",
    };
}

/// <summary>
/// Cuts a stream of text (whole texts or single lines) into traces: after a <c>Datapath actions:</c> line, a
/// <c>Flow:</c> line starts the next trace, while a <c>=====</c> banner announces a conntrack resume of the same
/// trace. Linear in the input.
/// </summary>
public sealed class RawTraceSplitter
{
    private readonly List<string> _current = new();
    private bool _ended;

    /// <summary>Adds text; returns the traces it completed.</summary>
    public IReadOnlyList<string> Add(string? chunk)
    {
        var done = new List<string>();
        foreach (var line in (chunk ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (_ended && line.StartsWith("Flow:", StringComparison.Ordinal))
            {
                done.Add(string.Join('\n', _current));
                _current.Clear();
                _ended = false;
            }
            // A conntrack resume follows its pass's Datapath actions with a ===== banner, then its own Flow: line.
            else if (_ended && line.StartsWith('='))
            {
                _ended = false;
            }
            _current.Add(line);
            if (line.StartsWith("Datapath actions:", StringComparison.Ordinal)) _ended = true;
        }
        return done;
    }

    /// <summary>The last trace, or null when only blank text is left.</summary>
    public string? Finish()
    {
        var text = _current.Any(l => l.Trim().Length > 0) ? string.Join('\n', _current) : null;
        _current.Clear();
        _ended = false;
        return text;
    }
}
