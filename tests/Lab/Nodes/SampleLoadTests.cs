using AciTrace.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Nodes;

public sealed class SampleLoadTests(ITestOutputHelper output)
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var s in LabTestSupport.AllSamples()) data.Add(Path.GetFileName(s));
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task EverySampleLoadsIntoRealOvs(string sample)
    {
        var cluster = LabTestSupport.Load(sample);
        using var dir = LabTestSupport.NewStateDir();
        await using var lab = await LabCluster.StartAsync(cluster, dir.Path);
        Assert.Equal(cluster.Nodes.Count, lab.Nodes.Count);
        foreach (var node in lab.Nodes.Values)
        {
            foreach (var (bridge, expected) in new[] { ("br-access", node.Generated.AccessFlows.Count), ("br-int", node.Generated.IntFlows.Count) })
            {
                var dump = await node.Ovs.OfCtlAsync("-O", "OpenFlow13", "dump-flows", bridge);
                var installed = dump.Split('\n').Count(l => l.Contains("actions=", StringComparison.Ordinal));
                Assert.Equal(expected, installed);
            }
            var groups = await node.Ovs.OfCtlAsync("-O", "OpenFlow13", "dump-groups", "br-int");
            Assert.Equal(node.Generated.IntGroups.Count, groups.Split('\n').Count(l => l.Contains("group_id=", StringComparison.Ordinal)));
            output.WriteLine($"{sample} {node.Name}: br-access {node.Generated.AccessFlows.Count} flows, br-int {node.Generated.IntFlows.Count} flows, {node.Generated.IntGroups.Count} groups");
        }
    }
}
