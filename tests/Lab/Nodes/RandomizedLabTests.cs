using System.Diagnostics;
using AciTrace.Lab.Nodes;
using AciTrace.Lab.Spec;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Nodes;

public sealed class RandomizedLabTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task RandomSpecScenariosAgreeWithRealTrace(int seed)
    {
        var cluster = SpecResolver.Resolve(SpecGenerator.Random(seed));
        using var dir = LabTestSupport.NewStateDir();
        await using var lab = await LabCluster.StartAsync(cluster, dir.Path);
        var runner = new ScenarioRunner(lab);
        var failures = new List<string>();
        var verdicts = new Dictionary<TraceVerdict, int>();
        foreach (var sc in cluster.Spec.Scenarios)
        {
            var r = await runner.RunAsync(sc);
            verdicts[r.Expected.Verdict] = verdicts.GetValueOrDefault(r.Expected.Verdict) + 1;
            if (!r.Agrees)
            {
                failures.Add($"{sc.Name} {sc.From} -> {sc.ToPod ?? sc.ToExternal} {sc.Protocol}/{sc.Port}: {string.Join("; ", r.Mismatches)}");
                foreach (var leg in r.Legs) output.WriteLine($"--- {leg.Expected.Node} {leg.Bridge} '{leg.Flow}'\n{leg.TraceText}");
            }
        }
        output.WriteLine($"seed {seed}: " + string.Join(", ", verdicts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(verdicts.Count >= 2, "a random spec should produce more than one kind of verdict");
    }

    [Fact]
    public void RandomSpecIsDeterministic()
    {
        var a = SpecResolver.Resolve(SpecGenerator.Random(5));
        var b = SpecResolver.Resolve(SpecGenerator.Random(5));
        Assert.Equal(a.Pods.Select(p => $"{p.Key}@{p.Node}={p.Ip}"), b.Pods.Select(p => $"{p.Key}@{p.Node}={p.Ip}"));
    }

    [Fact]
    public async Task ThreeNodeThirtyPodLabStartupTime()
    {
        var cluster = SpecResolver.Resolve(SpecGenerator.Random(3, nodes: 3, pods: 30));
        using var dir = LabTestSupport.NewStateDir();
        var sw = Stopwatch.StartNew();
        var lab = await LabCluster.StartAsync(cluster, dir.Path);
        var up = sw.Elapsed;
        sw.Restart();
        await lab.DisposeAsync();
        var down = sw.Elapsed;
        var flows = lab.Nodes.Values.Sum(n => n.Generated.AccessFlows.Count + n.Generated.IntFlows.Count);
        output.WriteLine($"3 nodes / 30 pods / {flows} flows: up in {up.TotalMilliseconds:F0} ms, down in {down.TotalMilliseconds:F0} ms");
        Console.WriteLine($"LAB-STARTUP 3 nodes / 30 pods / {flows} flows: up {up.TotalMilliseconds:F0} ms, down {down.TotalMilliseconds:F0} ms");
        foreach (var n in lab.Nodes.Values)
            Assert.Empty(AciTrace.Replay.Ovs.OvsInstance.FindDaemonProcesses(Path.Combine(n.FilesRoot, "ovs")));
    }
}
