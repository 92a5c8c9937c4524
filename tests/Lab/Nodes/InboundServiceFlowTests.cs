using System.Net;
using AciTrace;
using AciTrace.Lab.Generation;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Nodes;

/// <summary>
/// LoadBalancer Services reached from outside, as the lab programs them the way the ACI CNI host agent and the opflex
/// agent do: a packet from the uplink on the service VLAN to the LoadBalancer IP, traced in real OVS on every node the
/// ground truth says receives it, judged, and compared with the ground truth (delivery to a local backend, an ingress
/// NetworkPolicy drop). The reply's flows are proven through the engine (tests/Lab/Tracing/InboundTraceTests).
/// </summary>
public sealed class InboundServiceFlowTests(ITestOutputHelper output)
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    [Theory]
    [InlineData("shop/web-public", 80, TraceVerdict.Deliver)]
    [InlineData("jobs/job-lb", 8000, TraceVerdict.Deliver)]
    [InlineData("data/db-public", 5432, TraceVerdict.Drop)]
    public async Task TheLoadBalancerIpIsTracedOnEveryReceivingNodeToWhatTheGroundTruthSays(string key, int port, TraceVerdict expected)
    {
        var cluster = LabTestSupport.WithOutsideServices();
        using var dir = LabTestSupport.NewStateDir();
        await using var lab = await LabCluster.StartAsync(cluster, dir.Path);
        var service = cluster.Services.Single(s => s.Key == key);
        var results = await new ScenarioRunner(lab).RunInboundAsync(key, new InboundQuery(Client, service, "tcp", port));

        Assert.NotEmpty(results);
        foreach (var r in results)
        {
            output.WriteLine($"{r.Name}: expected {r.Expected.Verdict} ({r.Expected.Reason}); traced {r.Legs[0].Judgement.Verdict} ({r.Legs[0].Judgement.Reason}), DNAT {r.Legs[0].Judgement.DnatAddress}");
            if (!r.Agrees) output.WriteLine(r.Legs[0].TraceText);
            Assert.True(r.Agrees, string.Join("; ", r.Mismatches));
            Assert.Equal(expected, r.Expected.Verdict);
        }
    }

    [Fact]
    public void OnlyNodesWithALocalBackendGetTheExternalCopyAndTheServiceGraphSendsToThemOnly()
    {
        var cluster = LabTestSupport.WithOutsideServices();
        var jobs = cluster.Services.Single(s => s.Key == "jobs/job-lb");
        var files = NodeGenerator.GenerateAll(cluster).ToDictionary(g => g.Name, g => g.ServiceFiles.Keys.ToList());
        Assert.Contains(jobs.Uid + "-external.service", files["node-a"]);
        Assert.DoesNotContain(jobs.Uid + "-external.service", files["node-b"]);
        // shop/web is a ClusterIP Service: no external copy anywhere.
        Assert.DoesNotContain(files.Values.SelectMany(f => f), f => f.StartsWith(cluster.Services.Single(s => s.Key == "shop/web").Uid, StringComparison.Ordinal) && f.EndsWith("-external.service", StringComparison.Ordinal));

        var outcomes = new GroundTruthEngine(cluster).EvaluateInbound(new InboundQuery(Client, jobs, "tcp", 8000));
        Assert.Equal(["node-a"], outcomes.Select(o => o.Legs[0].Node).Distinct());
        Assert.Equal(TraceVerdict.Drop, new GroundTruthEngine(cluster).EvaluateInbound(new InboundQuery(Client, jobs, "tcp", 8000, Node: "node-b")).Single().Verdict);
    }
}
