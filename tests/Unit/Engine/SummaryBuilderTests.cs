using System.Net;
using AciTrace.Engine;

namespace AciTrace.Tests.Unit.Engine;

/// <summary>The summary builder decides a direction from its inputs alone (the lab scenarios cover every traced verdict).</summary>
public sealed class SummaryBuilderTests
{
    private static DirectionFacts Facts(IReadOnlyList<string> notes) => new(
        "t1", "Pod", TraceDirection.Reply, "shop/web-1", "shop/client", IPAddress.Parse("10.2.0.10"), IPAddress.Parse("10.2.0.11"),
        new L4(TraceProtocol.Tcp, 8080, 40000), [], notes, EndsAtNode: true);

    [Fact]
    public void ADirectionThatWasNotTracedIsUnknownAndStillAPassThatSaysWhy()
    {
        var summary = SummaryBuilder.Build(Facts(["The request was dropped, so there is no reply to trace."]) with { NotTraced = true },
            new DirectionCost(0, 0, TimeSpan.FromMilliseconds(3)));
        Assert.Equal(TraceVerdict.Unknown, summary.Verdict);
        Assert.Equal("The request was dropped, so there is no reply to trace.", summary.Reason);
        var pass = Assert.Single(summary.Passes);
        Assert.Equal(SummaryBuilder.NotTracedBridge, pass.Bridge);
        Assert.Equal(TraceVerdict.Unknown, pass.Verdict);
        Assert.Equal("shop/web-1", pass.Source);
        Assert.Equal(40000, pass.DestinationPort);
        Assert.Equal(3, summary.DurationMs);
        Assert.Equal(0, summary.Legs);
    }

    [Fact]
    public void NothingTracedWithoutNotesSaysSo()
    {
        var summary = SummaryBuilder.Build(Facts([]), new DirectionCost(1, 2, TimeSpan.Zero));
        Assert.Equal(TraceVerdict.Unknown, summary.Verdict);
        Assert.Equal("Nothing was traced.", summary.Reason);
        Assert.Equal((1, 2), (summary.Execs, summary.ApiReads));
    }
}
