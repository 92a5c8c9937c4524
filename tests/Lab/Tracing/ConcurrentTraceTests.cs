using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>Traces of one session running at the same time: each reports its own cluster calls and cost.</summary>
[Collection(DemoLabCollection.Name)]
public sealed class ConcurrentTraceTests(LabTraceFixture lab)
{
    private static TraceRequest Pod(string src, string dst, int port) => new()
    {
        Kind = TraceKind.Pod, SourceNamespace = src.Split('/')[0], SourceName = src.Split('/')[1],
        DestinationNamespace = dst.Split('/')[0], DestinationName = dst.Split('/')[1], Protocol = TraceProtocol.Tcp, DestinationPort = port,
    };

    [Theory]
    [InlineData(ClusterTransport.KubernetesClient)]
    [InlineData(ClusterTransport.Kubectl)]
    public async Task EachConcurrentTraceReportsItsOwnCallsAndVerdict(ClusterTransport transport)
    {
        var requests = new[] { Pod("shop/client", "shop/web-1", 8080), Pod("shop/client", "shop/web-2", 8080), Pod("shop/locked", "shop/web-1", 8080) };
        await using var sequential = LabSessions.Create(lab.Options with { Transport = transport });
        var expected = new List<TraceRunResult>();
        foreach (var r in requests) expected.Add(await LabTraceFixture.RunAsync(sequential, r));

        await using var session = LabSessions.Create(lab.Options with { Transport = transport });
        var results = await Task.WhenAll(requests.Select(r => LabTraceFixture.RunAsync(session, r)));
        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(expected[i].Request.Verdict, results[i].Request.Verdict);
            Assert.Equal(expected[i].Request.Path, results[i].Request.Path);
            var verbose = results[i].Events.OfType<VerboseEvent>().Select(v => v.Message).ToList();
            var source = requests[i].SourceName;
            // The legs' own trace lines name this trace's source address only.
            var ownAddress = expected[i].Request.SourceAddress!;
            Assert.All(verbose.Where(m => m.Contains("ofproto/trace br-", StringComparison.Ordinal) && m.Contains("nw_src=", StringComparison.Ordinal)),
                m => Assert.Contains($"nw_src={ownAddress},", m));
            Assert.True(results[i].Request.Execs >= results[i].Request.Legs, $"{source}: {results[i].Request.Execs} execs for {results[i].Request.Legs} legs");
        }
        Assert.Equal(((TraceSession)session).Counters.Execs, results.Sum(r => (long)r.Request.Execs));
    }
}
