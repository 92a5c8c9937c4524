using AciTrace.Engine;
using AciTrace.Lab;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;
using AciTrace.Tests.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// The before/after workflow end to end on a lab whose policy changes while it runs: trace, change a NetworkPolicy,
/// trace, compare. Both sides agree with the ground truth of their own spec.
/// </summary>
public sealed class PolicyChangeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ANetworkPolicyChangeShowsUpAsThePairsItBroke()
    {
        var state = Directory.CreateTempSubdirectory("acitrace-change-").FullName;
        try
        {
            await using var lab = await LabEnvironment.StartAsync(LabTestSupport.Load("demo-cluster.yaml"), state);
            var options = new ClusterOptions { Kubeconfig = lab.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) };
            var scope = new ConnectivityScope { Namespaces = ["shop"] };
            var before = await TraceAllAsync(options, scope, lab.Resolved);

            // shop/web-ingress now lets only tcp/9999 in: the web pods' port 8080 closes.
            var changed = await lab.ChangePolicyAsync(spec =>
                spec.NetworkPolicies.Single(np => np.Namespace == "shop" && np.Name == "web-ingress").Spec.Ingress![0].Ports =
                    [new PolicyPortSpec { Protocol = "TCP", Port = "9999" }]);
            var after = await TraceAllAsync(options, scope, changed);

            var changes = TraceComparer.Compare(before, after).Where(c => c.Change != TraceChange.Same).ToList();
            foreach (var c in changes) output.WriteLine($"{c.Change} {c.Source} -> {c.Destination} {c.Packet}: {c.DivergedAt}; now {c.AfterReason}");
            Assert.NotEmpty(changes);
            Assert.All(changes, c =>
            {
                Assert.Equal(TraceChange.Broken, c.Change);
                Assert.StartsWith("shop/web-", c.Destination, StringComparison.Ordinal);
                Assert.Equal("tcp/8080", c.Packet);
                Assert.Contains("shop/web-ingress", c.AfterReason, StringComparison.Ordinal);
            });

            // And back: the datapath follows the spec both ways.
            var restored = await lab.ChangePolicyAsync(spec =>
                spec.NetworkPolicies.Single(np => np.Name == "web-ingress").Spec.Ingress![0].Ports = [new PolicyPortSpec { Protocol = "TCP", Port = "http" }]);
            var again = await TraceAllAsync(options, scope, restored);
            Assert.All(TraceComparer.Compare(before, again), c => Assert.Equal(TraceChange.Same, c.Change));
        }
        finally
        {
            try { Directory.Delete(state, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Every probe of the scope in a new session, each checked against the ground truth of <paramref name="cluster"/>.</summary>
    private static async Task<IReadOnlyList<TraceFacts>> TraceAllAsync(ClusterOptions options, ConnectivityScope scope, ResolvedCluster cluster)
    {
        await using var session = TraceSessionFactory.Create(options);
        var truth = new GroundTruthEngine(cluster);
        var facts = new List<TraceFacts>();
        foreach (var probe in await session.PlanConnectivityAsync(scope, CancellationToken.None))
        {
            var s = (await LabTraceFixture.RunAsync(session, probe.ToRequest())).Request;
            var src = cluster.Pods.Single(p => p.Key == probe.Source);
            var dst = cluster.Pods.Single(p => p.Key == probe.Destination);
            var expected = truth.Evaluate(new PacketQuery(src, dst.Ip, probe.Protocol.ToString(), DestinationPort: probe.Port)).Single();
            Assert.True(expected.Verdict == s.Verdict, $"{probe}: traced {s.Verdict} ({s.Reason}); truth {expected.Verdict} ({expected.Reason})");
            facts.Add(new TraceFacts(s.Source, s.Destination, s.Protocol, s.DestinationPort, s.Direction, s.Verdict, s.Reason,
                s.Passes.Select(p => new PassFacts(p.Node, p.Bridge, p.Verdict, p.OutPortName, p.DropTableName)).ToList()));
        }
        return facts;
    }
}
