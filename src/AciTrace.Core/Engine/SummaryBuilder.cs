using System.Net;
using AciTrace.Judging;

namespace AciTrace.Engine;

/// <summary>What one leg returned: its passes and the judge's verdict.</summary>
internal sealed record LegOutcome(TraceLeg Leg, IReadOnlyList<AciBridgePass> Passes, TraceJudgement Judgement, TimeSpan Elapsed);

/// <summary>What the planner knows when a direction ends: its ends, packet, legs, notes and how it ended.</summary>
internal sealed record DirectionFacts(string TraceId, string Kind, TraceDirection Direction, string Source, string Destination,
    IPAddress? SourceAddress, IPAddress? DestinationAddress, L4 L4, IReadOnlyList<LegOutcome> Outcomes, IReadOnlyList<string> Notes,
    bool EndsAtNode)
{
    /// <summary>Nothing could be traced (the notes say why).</summary>
    public bool NotTraced { get; init; }

    /// <summary>The ACI leaf's predicted drop, when the packet leaves toward a leaf that has no contract for it.</summary>
    public FabricDrop? Fabric { get; init; }

    /// <summary>Who the packet was delivered to, when not the destination named (a Service's backend).</summary>
    public string? DeliveredTo { get; init; }

    /// <summary>Why no verdict about the destination holds (a stale service backend), if so.</summary>
    public string? Stale { get; init; }
}

/// <summary>What a direction cost: the calls it made and its wall time.</summary>
internal readonly record struct DirectionCost(int Execs, int ApiReads, TimeSpan Duration);

/// <summary>
/// Decides one direction from explicit inputs, in one place: its verdict (a drop of a pass decides, else the leaf's
/// predicted drop, else a stale backend makes it Unknown, else the last leg's verdict), reason and outcome, the
/// leaf's drop as a pass of its own (node "fabric"), every pass stamped with the packet's ends and the outcome, and
/// the summary with the direction's cost.
/// </summary>
internal static class SummaryBuilder
{
    /// <summary>The Bridge of the pass that stands for a direction that was not traced (its Node is empty).</summary>
    public const string NotTracedBridge = "not traced";

    public static AciTraceSummary Build(DirectionFacts facts, DirectionCost cost)
    {
        var (id, kind, dir, source, destination, srcAddr, dstAddr, l4, outcomes, notes, endsAtNode) = facts;
        var (notTraced, fabric, deliveredTo, stale) = (facts.NotTraced, facts.Fabric, facts.DeliveredTo, facts.Stale);
        var passes = outcomes.SelectMany(o => o.Passes).ToList();
        var drop = AciTraceSummary.DecidingDrop(passes);
        if (drop is null && fabric is not null && outcomes.Count > 0)
        {
            drop = FabricPass(id, dir, outcomes[^1], fabric);
            passes.Add(drop);
        }
        var last = outcomes.LastOrDefault();
        TraceVerdict verdict;
        string reason;
        AciBridgePass? final = null;
        if (notTraced || last is null)
        {
            verdict = TraceVerdict.Unknown;
            reason = string.Join(" ", notes.DefaultIfEmpty("Nothing was traced."));
        }
        else if (drop is not null)
        {
            verdict = TraceVerdict.Drop;
            reason = drop.Reason;
        }
        else if (stale is not null)
        {
            // The node sent the packet to an address Kubernetes no longer lists: no verdict about the Service holds.
            verdict = TraceVerdict.Unknown;
            reason = stale;
        }
        else
        {
            verdict = last.Judgement.Verdict;
            reason = last.Judgement.Reason;
            final = last.Passes.LastOrDefault(p => p.Verdict == verdict);
            if (verdict == TraceVerdict.Deliver && final is not null)
                reason = $"Delivered to {destination} through {final.OutPortName ?? "port " + final.OutPort} on {final.Node}.";
            else if (verdict == TraceVerdict.Forward && final is not null)
                reason = $"Left {final.Node} through {final.OutPortName ?? "port " + final.OutPort}: {last.Judgement.Reason}.";
            if (verdict == TraceVerdict.Forward && !endsAtNode)
                reason = $"{reason} The packet left {last.Leg.Node} and its delivery was not traced.";
            if (notes.Count > 0) reason = $"{reason} {string.Join(" ", notes)}";
        }
        var tunnel = outcomes.Select(o => o.Judgement.TunnelId).LastOrDefault(t => t is not null);
        var snat = outcomes.Select(o => o.Judgement.SnatAddress).FirstOrDefault(a => a is not null);
        var outcome = OutcomeText.For(verdict, deliveredTo ?? destination, drop, final, snat, reason);
        var protocol = l4.Protocol.ToString();
        if (passes.Count == 0)
        {
            // A direction that was not traced still shows in the default output, saying why.
            passes.Add(new AciBridgePass { TraceId = id, Direction = dir, Bridge = NotTracedBridge, Verdict = verdict, Reason = reason.Trim() });
        }
        foreach (var p in passes) p.Describe(source, destination, protocol, l4.SourcePort, l4.DestinationPort, outcome);
        return new AciTraceSummary
        {
            TraceId = id,
            Kind = kind,
            Direction = dir,
            Source = source,
            Destination = destination,
            SourceAddress = srcAddr?.ToString(),
            DestinationAddress = dstAddr?.ToString(),
            Protocol = protocol,
            SourcePort = l4.SourcePort,
            DestinationPort = l4.DestinationPort,
            TunnelId = tunnel,
            DnatAddress = outcomes.Select(o => o.Judgement.DnatAddress).FirstOrDefault(a => a is not null),
            SnatAddress = snat,
            Path = string.Join(" -> ", outcomes.Select(o => o.Leg.Node).Append(fabric is not null && drop?.Node == FabricDrop.Node ? FabricDrop.Node : "").Where(n => n.Length > 0).Distinct()),
            Legs = outcomes.Count,
            Execs = cost.Execs,
            ApiReads = cost.ApiReads,
            DurationMs = (long)cost.Duration.TotalMilliseconds,
            Passes = new AciPassCollection(passes),
        }.Decided(verdict, outcome, reason.Trim(), drop);
    }

    /// <summary>The leaf's predicted drop as a pass of its own, after the last pass the source node forwarded.</summary>
    private static AciBridgePass FabricPass(string id, TraceDirection dir, LegOutcome sent, FabricDrop fabric)
    {
        var leaving = sent.Passes.LastOrDefault();
        return new AciBridgePass
        {
            TraceId = id,
            Direction = dir,
            Leg = sent.Leg.Number + 1,
            PassIndex = 0,
            Node = FabricDrop.Node,
            Bridge = FabricDrop.Bridge,
            InPortName = leaving is null ? null : $"{leaving.Node}/{leaving.OutPortName ?? "uplink"}",
            TunnelId = leaving?.TunnelId,
            SourceEpg = fabric.SourceEpg,
            DestinationEpg = fabric.DestinationEpg,
            Verdict = TraceVerdict.Drop,
            DropCause = fabric.Cause,
            Reason = fabric.Reason,
        };
    }
}
