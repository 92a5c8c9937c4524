using AciTrace.Engine;
using AciTrace.Lab;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;
using AciTrace.Replay.Snapshot;
using AciTrace.Tests.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// Offline traces: the demo lab is snapshotted (through the shipped read-only role), stopped, and every demo scenario
/// traced again from the file in private local OVS: the same verdicts, paths and reasons as live, each equal to the
/// ground truth; the flows read back with their rules; nothing left running or on disk afterwards.
/// </summary>
public sealed class SnapshotReplayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ASnapshotOfTheDemoLabTracesOfflineToTheLiveVerdicts()
    {
        var state = Directory.CreateTempSubdirectory("acitrace-snapshot-lab-").FullName;
        var file = Path.Combine(state, "demo.zip");
        try
        {
            ResolvedCluster cluster;
            IReadOnlyList<TraceFacts> live;
            IReadOnlyList<AciFlow> liveFlows;
            AciSnapshot saved;
            await using (var lab = await LabEnvironment.StartAsync(LabTestSupport.Sample("demo-cluster.yaml"), Path.Combine(state, "lab"), new LabEnvironmentOptions { Rbac = true, RbacRolePath = ShippedRole }))
            {
                cluster = lab.Resolved;
                // The viewer holds exactly the shipped read-only role: it is enough to take a snapshot.
                await using var session = TraceSessionFactory.Create(new ClusterOptions { Kubeconfig = lab.ViewerKubeconfigPath, Timeout = TimeSpan.FromSeconds(60) });
                live = await TraceScenariosAsync(session, cluster);
                liveFlows = await session.FlowsAsync("node-b", "br-access", null, CancellationToken.None);
                var steps = new List<string>();
                saved = await session.SaveSnapshotAsync(new SnapshotRequest(file, null, null), s => { lock (steps) steps.Add(s); }, CancellationToken.None);
                output.WriteLine($"saved {saved.Bytes} bytes, {saved.Flows} flows, {saved.AgentFiles} agent files: {string.Join(" | ", steps)}");
                Assert.Contains(steps, s => s.StartsWith("node node-b", StringComparison.Ordinal));
            }

            // The lab is gone: only the file is left.
            Assert.Equal(["node-a", "node-b"], saved.Nodes);
            Assert.Equal(cluster.Pods.Count + 2 * cluster.Nodes.Count, saved.Pods);
            Assert.Contains(saved.Warnings, w => w.StartsWith("namespaces could not be listed", StringComparison.Ordinal));
            Assert.Contains(saved.Warnings, w => w.StartsWith("nodes could not be listed", StringComparison.Ordinal));

            await using var client = SnapshotKubeClient.Open(file);
            await using (var offline = TraceSessionFactory.Create(client))
            {
                var replayed = await TraceScenariosAsync(offline, cluster);
                var changes = TraceComparer.Compare(live, replayed).Where(c => c.Change != TraceChange.Same).ToList();
                foreach (var c in changes) output.WriteLine($"{c.Change} {c.Source} -> {c.Destination} {c.Packet}: {c.DivergedAt}");
                Assert.Empty(changes);
                Assert.Equal(live.Count, replayed.Count);

                var offlineFlows = await offline.FlowsAsync("node-b", "br-access", null, CancellationToken.None);
                Assert.Equal(liveFlows.Select(f => (f.Table, f.Priority, f.Match, f.Rule, f.MatchDecoded)), offlineFlows.Select(f => (f.Table, f.Priority, f.Match, f.Rule, f.MatchDecoded)));
                Assert.Contains(offlineFlows, f => f.Rule.Length > 0);
                Assert.Equal(cluster.Nodes.Count, client.OvsStarted);
            }

            var folder = client.Folder;
            await client.DisposeAsync();
            Assert.False(Directory.Exists(folder));
            Assert.DoesNotContain(Directory.GetDirectories("/proc").Select(p => Path.Combine(p, "cmdline")).Where(File.Exists)
                .Select(c => { try { return File.ReadAllText(c); } catch (IOException) { return ""; } }), c => c.Contains(folder, StringComparison.Ordinal));
        }
        finally
        {
            try { Directory.Delete(state, recursive: true); } catch (IOException) { }
        }
    }

    private static string ShippedRole => Path.Combine(LabTestSupport.RepoRoot, "docs", "rbac", "acitrace-reader.yaml");

    /// <summary>Every demo scenario (request and reply) checked against the ground truth, as comparable facts.</summary>
    private async Task<IReadOnlyList<TraceFacts>> TraceScenariosAsync(ITraceSession session, ResolvedCluster cluster)
    {
        var truth = new GroundTruthEngine(cluster);
        var facts = new List<TraceFacts>();
        foreach (var scenario in cluster.Spec.Scenarios)
        {
            await LiveTraceScenarioTests.CheckAsync(session, cluster, truth, scenario, output);
            var result = await LabTraceFixture.RunAsync(session, LiveTraceScenarioTests.RequestFor(cluster, scenario, reply: true));
            foreach (var s in result.Summaries)
            {
                facts.Add(new TraceFacts(s.Source, s.Destination, s.Protocol, s.DestinationPort, s.Direction, s.Verdict, s.Reason,
                    s.Passes.Select(p => new PassFacts(p.Node, p.Bridge, p.Verdict, p.OutPortName, p.DropTableName)).ToList()));
            }
        }
        return facts;
    }
}
