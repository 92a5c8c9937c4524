using AciTrace.Replay.Exec;
using System.Text;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Kube;
using AciTrace.Lab.Api;
using AciTrace.Lab.Generation;
using AciTrace.Tests.Lab.Nodes;

namespace AciTrace.Tests.Lab.Api;

/// <summary>The lab's gbp_inspect answers queries as the agent's inspector does (class, class+URI, -r subtree, -f references).</summary>
public sealed class PolicyDatabaseTests
{
    private static (PolicyDump Whole, PolicyDatabase Db) DemoNode()
    {
        var g = NodeGenerator.GenerateAll(LabTestSupport.Load("demo-cluster.yaml"))[0];
        Assert.True(PolicyDump.TryParse(g.PolicyDump, out var whole, out var err), err);
        return (whole!, PolicyDatabase.Load(Encoding.UTF8.GetBytes(g.PolicyDump)));
    }

    private static PolicyDump Query(PolicyDatabase db, params string[] argv)
    {
        Assert.True(GbpInspectArguments.TryParse(argv, out var args, out var error), error);
        Assert.True(PolicyDump.TryParse(Encoding.UTF8.GetString(db.Dump(args)), out var dump, out var err), err);
        return dump!;
    }

    [Fact]
    public void TheTracersPolicyQueryHoldsEveryEpgContractAndClassifierButNoSecurityGroup()
    {
        var (whole, db) = DemoNode();
        var part = Query(db, NodePolicyQuery.Argv.ToArray());
        Assert.Equal(whole.Epgs.Select(e => (e.Name, e.Vnid)).Order(), part.Epgs.Select(e => (e.Name, e.Vnid)).Order());
        foreach (var a in whole.Epgs)
            foreach (var b in whole.Epgs)
                Assert.Equal(whole.ContractsBetween(a, b).Select(c => c.Contract.Uri).Order(), part.ContractsBetween(part.Epgs.Single(e => e.Uri == a.Uri), part.Epgs.Single(e => e.Uri == b.Uri)).Select(c => c.Contract.Uri).Order());
        foreach (var c in whole.OfSubject("GbpeL24Classifier"))
            Assert.Equal(whole.FindClassifier(c.Uri)!.Name, part.FindClassifier(c.Uri)?.Name);
        Assert.NotEmpty(whole.SecurityGroups);
        Assert.Empty(part.SecurityGroups);
        Assert.True(part.Objects.Count < whole.Objects.Count);
    }

    [Fact]
    public void ClassUriRecursiveAndFollowMeanWhatTheToolMeans()
    {
        var (whole, db) = DemoNode();
        var epg = whole.OfSubject("GbpEpGroup")[0];
        var alone = Query(db, "gbp_inspect", "-q", "GbpEpGroup," + epg.Uri, "-t", "dump");
        Assert.Equal(new[] { epg.Uri }, alone.Objects.Select(o => o.Uri));
        var wrongClass = Query(db, "gbp_inspect", "-q", "GbpContract," + epg.Uri, "-t", "dump");
        Assert.Empty(wrongClass.Objects);
        var subtree = Query(db, "gbp_inspect", "-rq", "GbpEpGroup," + epg.Uri, "-t", "dump");
        Assert.All(subtree.Objects, o => Assert.StartsWith(epg.Uri, o.Uri, StringComparison.Ordinal));
        Assert.Contains(subtree.Objects, o => o.Subject == "GbpeInstContext");
        var followed = Query(db, "gbp_inspect", "-frq", "GbpEpGroup," + epg.Uri, "-t", "dump");
        Assert.Contains(followed.Objects, o => o.Subject == "GbpFloodDomain");
        Assert.Contains(followed.Objects, o => o.Subject == "GbpBridgeDomain");
        Assert.Contains(followed.Objects, o => o.Subject == "GbpRoutingDomain");
        var everything = Query(db, "gbp_inspect", "-fprq", "DmtreeRoot", "-t", "dump");
        Assert.Equal(whole.Objects.Count, everything.Objects.Count);
    }
}
