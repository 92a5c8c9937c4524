using AciTrace.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Nodes;

/// <summary>Every scenario of every sample: declared expectation vs spec-only ground truth vs real ofproto/trace.</summary>
public sealed class ScenarioTraceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Samples() => SampleLoadTests.Samples();

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task EveryScenarioAgreesWithRealTrace(string sample)
    {
        var cluster = LabTestSupport.Load(sample);
        using var dir = LabTestSupport.NewStateDir();
        await using var lab = await LabCluster.StartAsync(cluster, dir.Path);
        var runner = new ScenarioRunner(lab);
        var failures = new List<string>();
        foreach (var sc in cluster.Spec.Scenarios)
        {
            var r = await runner.RunAsync(sc);
            output.WriteLine($"{sc.Name}: expected {r.Expected.Verdict} ({r.Expected.Reason}); legs: {string.Join(" | ", r.Legs.Select(l => $"{l.Expected.Node} {l.Bridge} {l.Judgement.Verdict}"))}");
            if (!r.Agrees)
            {
                failures.Add($"{sc.Name}: {string.Join("; ", r.Mismatches)}");
                foreach (var leg in r.Legs) output.WriteLine($"--- {leg.Expected.Node} {leg.Bridge} '{leg.Flow}'\n{leg.TraceText}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
