using System.Net;
using AciTrace.Lab.Generation;
using AciTrace;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Nodes;

/// <summary>
/// Services reached from outside (LoadBalancer IP, external IP, node port), as the lab programs them the way the agent
/// does: a packet from the uplink on the service VLAN traced in real OVS on every node the ground truth says receives
/// it, judged, and compared with the ground truth (delivery to a local backend, the RST of a node without one, an
/// ingress NetworkPolicy drop). The reply's flows are proven through the engine (tests/Lab/Tracing/InboundTraceTests).
/// </summary>
public sealed class InboundServiceFlowTests(ITestOutputHelper output)
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    [Theory]
    [InlineData(ExternalEntry.LoadBalancer, null, null)]
    [InlineData(ExternalEntry.ExternalIp, "172.28.100.11", null)]
    [InlineData(ExternalEntry.NodePort, null, "node-a")]
    [InlineData(ExternalEntry.NodePort, null, "node-b")]
    public async Task EveryWayInIsTracedToWhatTheGroundTruthSays(string entry, string? externalIp, string? node)
    {
        var cluster = LabTestSupport.Load("demo-cluster.yaml");
        using var dir = LabTestSupport.NewStateDir();
        await using var lab = await LabCluster.StartAsync(cluster, dir.Path);
        var service = cluster.Services.Single(s => s.Key == "shop/web-public");
        var results = await new ScenarioRunner(lab).RunInboundAsync(entry,
            new InboundQuery(Client, service, "tcp", 80, entry, externalIp is null ? null : IPAddress.Parse(externalIp), node));

        Assert.NotEmpty(results);
        foreach (var r in results)
        {
            output.WriteLine($"{r.Name}: expected {r.Expected.Verdict} ({r.Expected.Reason}); traced {r.Legs[0].Judgement.Verdict} ({r.Legs[0].Judgement.Reason}), DNAT {r.Legs[0].Judgement.DnatAddress}");
            if (!r.Agrees) output.WriteLine(r.Legs[0].TraceText);
            Assert.True(r.Agrees, string.Join("; ", r.Mismatches));
        }
    }

    /// <summary>The demo lab plus a NodePort Service with its only backend on node-a, and a LoadBalancer Service of the database, whose NetworkPolicy admits the shop namespace only.</summary>
    private static AciTrace.Lab.Spec.ResolvedCluster WithFailingServices()
    {
        var spec = AciTrace.Lab.Spec.SpecResolver.LoadFile(LabTestSupport.Sample("demo-cluster.yaml")).Spec;
        spec.Services.Add(new AciTrace.Lab.Spec.ServiceSpec
        {
            Namespace = "jobs", Name = "job-port", Type = "NodePort", ExternalTrafficPolicy = "Local", Selector = new() { ["app"] = "job" },
            Ports = [new AciTrace.Lab.Spec.ServicePortSpec { Port = 8000, NodePort = 30800 }],
        });
        spec.Services.Add(new AciTrace.Lab.Spec.ServiceSpec
        {
            Namespace = "data", Name = "db-public", Type = "LoadBalancer", LoadBalancerIp = "172.28.100.20", Selector = new() { ["app"] = "db" },
            Ports = [new AciTrace.Lab.Spec.ServicePortSpec { Port = 5432 }],
        });
        return AciTrace.Lab.Spec.SpecResolver.Resolve(spec);
    }

    [Theory]
    [InlineData("jobs/job-port", ExternalEntry.NodePort, 8000, "node-b", TraceVerdict.Punt)]
    [InlineData("jobs/job-port", ExternalEntry.NodePort, 8000, "node-a", TraceVerdict.Deliver)]
    [InlineData("data/db-public", ExternalEntry.LoadBalancer, 5432, null, TraceVerdict.Drop)]
    public async Task ANodeWithoutABackendAndAnIngressPolicyStopTheWayIn(string key, string entry, int port, string? node, TraceVerdict expected)
    {
        var cluster = WithFailingServices();
        using var dir = LabTestSupport.NewStateDir();
        await using var lab = await LabCluster.StartAsync(cluster, dir.Path);
        var service = cluster.Services.Single(s => s.Key == key);
        var results = await new ScenarioRunner(lab).RunInboundAsync(key, new InboundQuery(Client, service, "tcp", port, entry, null, node));

        Assert.NotEmpty(results);
        foreach (var r in results)
        {
            output.WriteLine($"{r.Name}: expected {r.Expected.Verdict} ({r.Expected.Reason}); traced {r.Legs[0].Judgement.Verdict} ({r.Legs[0].Judgement.Reason})");
            if (!r.Agrees) output.WriteLine(r.Legs[0].TraceText);
            Assert.True(r.Agrees, string.Join("; ", r.Mismatches));
            Assert.Equal(expected, r.Expected.Verdict);
        }
    }

    [Fact]
    public void TheFabricSendsALoadBalancerIpOnlyToNodesWithALocalBackend()
    {
        var cluster = LabTestSupport.Load("demo-cluster.yaml");
        var service = cluster.Services.Single(s => s.Key == "shop/web-public");
        var outcomes = new GroundTruthEngine(cluster).EvaluateInbound(new InboundQuery(Client, service, "tcp", 80, ExternalEntry.LoadBalancer));

        Assert.Equal(cluster.Pods.Where(p => p.Labels.GetValueOrDefault("app") == "web" && p.Running && p.HasVeth).Select(p => p.Node).Distinct().Order(),
            outcomes.Select(o => o.Legs[0].Node).Distinct().Order());
        Assert.All(outcomes, o => Assert.Equal(o.Legs[0].Node, o.Backend!.Node));
    }
}
