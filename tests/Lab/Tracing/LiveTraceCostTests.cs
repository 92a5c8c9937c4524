using AciTrace.Engine;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>What a live trace costs in kubectl calls (AciTraceSummary.Execs/ApiReads are per trace).</summary>
[Collection(DemoLabCollection.Name)]
public sealed class LiveTraceCostTests(LabTraceFixture lab, ITestOutputHelper output)
{
    private static TraceRequest PodToPod(string src, string dst, int port) => new()
    {
        Kind = TraceKind.Pod, SourceNamespace = src.Split('/')[0], SourceName = src.Split('/')[1],
        DestinationNamespace = dst.Split('/')[0], DestinationName = dst.Split('/')[1], Protocol = TraceProtocol.Tcp, DestinationPort = port,
    };

    private void Show(string what, AciTraceSummary s) =>
        output.WriteLine($"{what}: {s.TraceId} {s.Verdict} legs {s.Legs}, execs {s.Execs}, API reads {s.ApiReads}, {s.DurationMs} ms");

    [Fact]
    public async Task WarmSameNodeTraceIsOneExecAndNoApiRead()
    {
        await using var session = TraceSessionFactory.Create(lab.Options);
        var request = PodToPod("shop/client", "shop/web-1", 8080);
        var cold = (await LabTraceFixture.RunAsync(session, request)).Request;
        Show("cold", cold);
        Assert.Equal(TraceVerdict.Deliver, cold.Verdict);
        Assert.Equal(3, cold.Execs); // node-a's agent state with its endpoint files, its port maps, the one leg

        var warm = (await LabTraceFixture.RunAsync(session, request)).Request;
        Show("warm", warm);
        Assert.Equal(TraceVerdict.Deliver, warm.Verdict);
        Assert.Equal(1, warm.Legs);
        Assert.Equal(1, warm.Execs);
        Assert.Equal(0, warm.ApiReads);
    }

    [Fact]
    public async Task ColdCrossNodeTraceThenAnotherPairNeedsNoNodeFacts()
    {
        await using var session = TraceSessionFactory.Create(lab.Options);
        var cold = (await LabTraceFixture.RunAsync(session, PodToPod("shop/client", "shop/web-2", 8080))).Request;
        Show("cold cross-node", cold);
        Assert.Equal(TraceVerdict.Deliver, cold.Verdict);
        Assert.Equal("node-a -> node-b", cold.Path);
        Assert.Equal(2, cold.Legs);
        Assert.True(cold.Execs <= 4 + cold.Legs, $"{cold.Execs} execs: expected at most the agent read and the port maps per node plus one per leg");

        // Another pair on the same two nodes, across EPGs (the fabric contract check reads cached node facts); the
        // demo nodes are small, so their first read brought every endpoint file.
        var second = (await LabTraceFixture.RunAsync(session, PodToPod("shop/web-1", "shop/legacy", 5432))).Request;
        Show("second pair", second);
        Assert.Equal(TraceVerdict.Deliver, second.Verdict);
        Assert.Equal("node-a -> node-b", second.Path);
        Assert.Equal(second.Legs, second.Execs);
        Assert.Equal(2, second.ApiReads); // the two new pods; system pods and namespaces are cached
    }
}
