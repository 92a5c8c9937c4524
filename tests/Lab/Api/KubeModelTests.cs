using AciTrace.Replay.Kube;
using AciTrace.Lab.Api;
using AciTrace.Lab.Kube;

namespace AciTrace.Tests.Lab.Api;

/// <summary>Selectors, derived objects and small renderings of the neutral model (no server needed).</summary>
public sealed class KubeModelTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["gen"] = "3" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (web)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("gen>2,gen<4", true)]
    [InlineData("app=web,tier in (back)", false)]
    public void LabelSelectorSemantics(string selector, bool matches)
    {
        Assert.True(KubeLabelSelector.TryParse(selector, out KubeLabelSelector s, out string error), error);
        Assert.Equal(matches, s.Matches(Labels));
    }

    [Theory]
    [InlineData("app in (web")]
    [InlineData("app=we b")]
    [InlineData("=web")]
    [InlineData("app in web")]
    [InlineData("gen>x")]
    public void MalformedLabelSelectorsAreRejected(string selector)
    {
        Assert.False(KubeLabelSelector.TryParse(selector, out _, out string error));
        Assert.StartsWith("unable to parse requirement", error);
    }

    [Fact]
    public void FieldSelectorSemantics()
    {
        Assert.True(KubeFieldSelector.TryParse("spec.nodeName=node-a,status.phase!=Pending", out KubeFieldSelector s, out _));
        Assert.True(s.Matches(f => f == "spec.nodeName" ? "node-a" : "Running"));
        Assert.False(s.Matches(f => f == "spec.nodeName" ? "node-a" : "Pending"));
        Assert.False(KubeFieldSelector.TryParse("spec.nodeName", out _, out _));
    }

    [Fact]
    public void SystemNamespaceAndPodsAreAddedPerNode()
    {
        LabKubeModel m = LabApiFixture.BuildModel();
        KubeNamespace ns = Assert.Single(m.Namespaces, n => n.Name == "aci-containers-system");
        Assert.Equal("aci-containers", ns.Labels!["network-plugin"]);
        foreach (string node in new[] { "node-a", "node-b" })
        {
            KubePod host = m.FindSystemPod(node, AciSystemPodRole.Host)!;
            KubePod ovs = m.FindSystemPod(node, AciSystemPodRole.OpenVswitch)!;
            Assert.Equal(["aci-containers-host", "opflex-agent", "mcast-daemon"], host.Containers.Select(c => c.Name));
            Assert.Equal(["aci-containers-openvswitch"], ovs.Containers.Select(c => c.Name));
            Assert.Equal("aci-containers-host", host.Labels!["name"]);
            Assert.Equal("aci-containers-openvswitch", ovs.Labels!["name"]);
            Assert.All(new[] { host, ovs }, p =>
            {
                Assert.True(p.HostNetwork && p.Ready && p.Phase == "Running");
                Assert.Equal(node, p.NodeName);
                Assert.Equal(p.HostIP, Assert.Single(p.PodIPs));
                Assert.Equal("aci-containers", p.Labels!["network-plugin"]);
            });
        }
        Assert.Null(m.SystemPodRoleOf(m.Pods.First(p => p.Name == "web-1")));
        Assert.Equal(LabKubeModel.SystemPodName("node-a", AciSystemPodRole.Host), LabKubeModel.SystemPodName("node-a", AciSystemPodRole.Host));
        Assert.NotEqual(LabKubeModel.SystemPodName("node-a", AciSystemPodRole.Host), LabKubeModel.SystemPodName("node-b", AciSystemPodRole.Host));
    }

    [Fact]
    public void EndpointSlicesAreDerivedPerFamilyAndFollowFaults()
    {
        LabKubeModel m = LabApiFixture.BuildModel();
        List<KubeEndpointSlice> web = [.. m.EndpointSlices.Where(s => s.ServiceName == "web")];
        Assert.Equal(["IPv4", "IPv6"], web.Select(s => s.AddressType).Order());
        KubeEndpointSlice v4 = web.Single(s => s.AddressType == "IPv4");
        Assert.Equal(["10.2.0.5", "10.2.1.6"], v4.Endpoints.Select(e => e.Addresses[0]));
        Assert.Equal(new KubeEndpointPort("http", 8080), Assert.Single(v4.Ports));

        LabKubeModel faulty = m.WithFaults(new HashSet<string> { "node-b" }, new HashSet<string> { "node-a" });
        Assert.DoesNotContain(faulty.Nodes, n => n.Name == "node-b");
        Assert.DoesNotContain(faulty.Pods, p => p.NodeName == "node-b");
        Assert.Equal(["10.2.0.5"], faulty.EndpointSlices.Single(s => s.ServiceName == "web" && s.AddressType == "IPv4").Endpoints.Select(e => e.Addresses[0]));
        Assert.False(faulty.FindSystemPod("node-a", AciSystemPodRole.OpenVswitch)!.Ready);
        Assert.True(faulty.FindSystemPod("node-a", AciSystemPodRole.Host)!.Ready);
    }

    [Fact]
    public void FaultsRoundTripThroughJson()
    {
        var faults = new LabFaults { ExecLatency = TimeSpan.FromMilliseconds(250), ExecExitCode = 3, ExecFaultNode = "node-a" };
        faults.SetNodeRemoved("node-b");
        var copy = new LabFaults();
        Assert.True(copy.TryLoad(faults.ToJson(), out string error), error);
        Assert.Equal(faults.ToJson().ToJsonString(), copy.ToJson().ToJsonString());
        Assert.False(copy.TryLoad(new System.Text.Json.Nodes.JsonObject { ["execHang"] = "yes" }, out _));
        Assert.Equal(3, copy.ExecExitCode);
    }

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(125, "2m5s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 5 * 60, "3h5m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 3600, "3d1h")]
    [InlineData(100 * 86400, "100d")]
    public void AgeIsKubernetesHumanDuration(int seconds, string expected) =>
        Assert.Equal(expected, KubeResourceCatalog.HumanDuration(TimeSpan.FromSeconds(seconds)));
}
