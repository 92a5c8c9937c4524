using AciTrace.Engine;
using AciTrace.Lab;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>A randomly generated (seeded) cluster: the live tracer's verdicts equal the ground truth for its scenarios.</summary>
public sealed class RandomSpecTraceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(11)]
    [InlineData(23)]
    [InlineData(42)]
    [InlineData(5)]
    public async Task TracerEqualsGroundTruthOnARandomCluster(int seed)
    {
        var cluster = SpecResolver.Resolve(SpecGenerator.Random(seed, nodes: 3, pods: 18, policies: 5, scenarios: 12));
        var state = Directory.CreateTempSubdirectory("acitrace-random-").FullName;
        try
        {
            await using var lab = await LabEnvironment.StartAsync(cluster, state);
            await using var session = LabSessions.Create(new ClusterOptions { Kubeconfig = lab.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) });
            var truth = new GroundTruthEngine(cluster);
            var traced = 0;
            foreach (var scenario in cluster.Spec.Scenarios)
            {
                output.WriteLine($"-- {scenario.Name}: {scenario.From} -> {scenario.ToPod ?? scenario.ToService ?? scenario.ToExternal ?? scenario.ToIp} {scenario.Protocol}/{scenario.Port}");
                await LiveTraceScenarioTests.CheckAsync(session, cluster, truth, scenario, output);
                traced++;
            }
            Assert.True(traced >= 10, $"only {traced} scenarios");
        }
        finally
        {
            try { Directory.Delete(state, recursive: true); } catch (IOException) { }
        }
    }
}
