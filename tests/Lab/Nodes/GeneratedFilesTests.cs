using AciTrace.Aci;
using AciTrace.Lab.Generation;
using AciTrace.Lab.Nodes;

namespace AciTrace.Tests.Lab.Nodes;

public sealed class GeneratedFilesTests
{
    [Fact]
    public void IdFilesRoundTripThroughTheDecoder()
    {
        var cluster = LabTestSupport.Load("demo-cluster.yaml");
        using var dir = LabTestSupport.NewStateDir();
        foreach (var g in NodeGenerator.GenerateAll(cluster))
        {
            var root = NodeStateWriter.Write(dir.Path, g);
            Assert.NotEmpty(g.Ids);
            foreach (var (ns, records) in g.Ids)
            {
                var parsed = OpflexIdFile.Parse(File.ReadAllBytes(Path.Combine(root, "opflex-agent-ovs", "ids", ns + ".id")));
                Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
                Assert.Equal(records.Select(r => (r.Id, r.Key)), parsed.Map.Entries);
            }
            Assert.True(g.IdOf(IdNs.SecGroupSet, "") == 1, "the empty security-group set is id 1");
        }
    }

    [Fact]
    public void PolicyDumpResolvesEveryEpgVnidAndEndpointFilesParse()
    {
        var cluster = LabTestSupport.Load("demo-cluster.yaml");
        foreach (var g in NodeGenerator.GenerateAll(cluster))
        {
            Assert.True(PolicyDump.TryParse(g.PolicyDump, out var dump, out var err), err);
            foreach (var epg in cluster.Epgs)
            {
                Assert.Equal(epg.Name, dump!.EpgByVnid(epg.Vnid)?.Name);
                Assert.Equal(epg.Vnid, dump.VnidOfEpg(cluster.Tenant, epg.Name));
            }
            foreach (var (name, json) in g.EndpointFiles)
            {
                Assert.True(EndpointFile.TryParse(json, out var ep, out var e), e);
                Assert.Equal(name, ep!.Uuid + ".ep");
                Assert.NotNull(dump!.FindEpg(ep.PolicySpace!, ep.EndpointGroupName!));
                foreach (var sg in ep.SecurityGroups) Assert.NotNull(dump.FindSecurityGroup(sg.PolicySpace, sg.Name));
            }
            foreach (var json in g.ServiceFiles.Values) Assert.True(ServiceFile.TryParse(json, out _, out var e), e);
            foreach (var json in g.SnatFiles.Values)
            {
                Assert.True(SnatFile.TryParse(json, out var snat, out var e), e);
                Assert.True(snat!.IsUsedByAgent);
            }
        }
    }

    [Fact]
    public void StateDirectoryHasTheAgreedLayout()
    {
        var cluster = LabTestSupport.Load("research-two-node.yaml");
        using var dir = LabTestSupport.NewStateDir();
        var g = NodeGenerator.GenerateAll(cluster)[0];
        var root = NodeStateWriter.Write(dir.Path, g);
        Assert.Equal(Path.Combine(dir.Path, "nodes", "node-a"), root);
        foreach (var sub in new[] { "opflex-agent-ovs/endpoints", "opflex-agent-ovs/services", "opflex-agent-ovs/snats", "opflex-agent-ovs/ids", "ovs", "flows" })
            Assert.True(Directory.Exists(Path.Combine(root, sub)), sub);
        foreach (var f in new[] { "gbp_inspect-dump.json", "flows/br-access.flows", "flows/br-int.flows", "flows/br-int.groups", "flows/topology.txt" })
            Assert.True(File.Exists(Path.Combine(root, f)), f);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(root, "opflex-agent-ovs", "endpoints"), "*.ep").Length);
        Assert.Single(Directory.GetFiles(Path.Combine(root, "opflex-agent-ovs", "snats"), "*.snat"));
    }
}
