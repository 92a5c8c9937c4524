using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

public class InputFileTests
{
    [Fact]
    public void EndpointFileReadsTheHostAgentShape()
    {
        Assert.True(EndpointFile.TryParse(AciFixtures.Text("a1.ep"), out var ep, out var error), error);
        Assert.Equal(AciFixtures.A1Uuid, ep.Uuid);
        Assert.Equal("kube", ep.PolicySpace);
        Assert.Equal("kube|app-a", ep.EndpointGroupName);
        Assert.Equal(3, ep.SecurityGroups.Count);
        Assert.Equal(new SecurityGroupRef("kube", "kube_np_static-discovery"), ep.SecurityGroups[0]);
        Assert.Equal(new[] { "10.2.0.10" }, ep.Ips);
        Assert.Equal("9e:8f:11:02:00:0a", ep.Mac);
        Assert.Equal("veth5a3b1c2d", ep.AccessInterface);
        Assert.Equal("pa-veth5a3b1c2d", ep.AccessUplinkInterface);
        Assert.Equal("pi-veth5a3b1c2d", ep.InterfaceName);
        Assert.Equal("team-a", ep.Namespace);
        Assert.Equal("a1", ep.VmName);
        Assert.Equal("veth5a3b1c2d", ep.HostInterface);
        Assert.Single(ep.SnatUuids);
        Assert.Empty(ep.ServiceIps);
        Assert.Null(ep.AccessInterfaceVlan);
    }

    [Fact]
    public void EndpointFileAcceptsPolicySpaceNameAndOddTypes()
    {
        const string json = """{"uuid":"u","policy-space-name":"t","ip":"10.0.0.1","access-interface-vlan":"12","security-group":{"name":"x"},"attributes":{"n":5,"o":{}}, }""";
        Assert.True(EndpointFile.TryParse(json, out var ep, out _));
        Assert.Equal("t", ep.PolicySpace);
        Assert.Equal(new[] { "10.0.0.1" }, ep.Ips);
        Assert.Equal(12, ep.AccessInterfaceVlan);
        Assert.Equal(new SecurityGroupRef("", "x"), ep.SecurityGroups.Single());
        Assert.Equal("5", ep.Attributes["n"]);
        Assert.False(ep.Attributes.ContainsKey("o"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("\"x\"")]
    [InlineData("null")]
    public void NonObjectsAreRejectedWithAReason(string json)
    {
        Assert.False(EndpointFile.TryParse(json, out var ep, out var error));
        Assert.Null(ep);
        Assert.False(string.IsNullOrEmpty(error));
        Assert.False(ServiceFile.TryParse(json, out _, out _));
        Assert.False(SnatFile.TryParse(json, out _, out _));
    }

    [Fact]
    public void ServiceFileReadsMappings()
    {
        Assert.True(ServiceFile.TryParse(AciFixtures.Text("kube-dns.service"), out var svc, out var error), error);
        Assert.Equal(AciFixtures.DnsServiceUuid, svc.Uuid);
        Assert.Equal("kube", svc.DomainPolicySpace);
        Assert.Equal("kube-vrf", svc.DomainName);
        Assert.Equal("loadbalancer", svc.ServiceMode);
        Assert.Equal("clusterIp", svc.ServiceType);
        Assert.Equal("kube-dns", svc.Name);
        Assert.Equal("kube-system", svc.Namespace);
        Assert.Equal(2, svc.Mappings.Count);
        var m = svc.Mappings[0];
        Assert.Equal("10.96.0.10", m.ServiceIp);
        Assert.Equal("udp", m.ServiceProto);
        Assert.Equal(53, m.ServicePort);
        Assert.Equal(new[] { "10.2.0.20", "10.2.1.20" }, m.NextHopIps);
        Assert.Equal(53, m.NextHopPort);
        Assert.True(m.ConntrackEnabled);
        Assert.Equal(1, m.SessionAffinityTimeoutSeconds);
        Assert.Null(svc.Mappings[1].SessionAffinityTimeoutSeconds);
    }

    [Fact]
    public void SnatFileReadsRanges()
    {
        Assert.True(SnatFile.TryParse(AciFixtures.Text("a1.snat"), out var snat, out var error), error);
        Assert.Equal("172.28.184.10", snat.SnatIp);
        Assert.Equal("eth1", snat.InterfaceName);
        Assert.Equal(4003, snat.InterfaceVlan);
        Assert.Equal(8191, snat.Zone);
        Assert.True(snat.Local);
        Assert.Equal(new[] { "0.0.0.0/0" }, snat.Dest);
        Assert.Equal(new SnatPortRange(5000, 7999), snat.PortRanges.Single());
        Assert.Equal("52:54:00:aa:bb:02", snat.Remote.Single().Mac);
        Assert.True(snat.IsUsedByAgent);
        Assert.True(SnatFile.TryParse("""{"uuid":"x","port-range":[{"start":5,"end":5}]}""", out var unused, out _));
        Assert.False(unused.IsUsedByAgent);
    }

    [Fact]
    public void EndpointRoundTrip()
    {
        Assert.True(EndpointFile.TryParse(AciFixtures.Text("a1.ep"), out var ep, out _));
        var json = ep.ToJson();
        Assert.True(EndpointFile.TryParse(json, out var again, out _));
        Assert.Equal(json, again.ToJson());
        Assert.Equal(ep.SecurityGroups, again.SecurityGroups);
        Assert.Equal(ep.Attributes, again.Attributes);
        Assert.Equal(ep.Ips, again.Ips);
        Assert.Equal(ep.Mac, again.Mac);
        Assert.Contains("\"endpoint-group-name\": \"kube|app-a\"", json);
    }

    [Fact]
    public void ServiceRoundTrip()
    {
        Assert.True(ServiceFile.TryParse(AciFixtures.Text("kube-dns.service"), out var svc, out _));
        var json = svc.ToJson();
        Assert.True(ServiceFile.TryParse(json, out var again, out _));
        Assert.Equal(json, again.ToJson());
        Assert.Equal(svc.Mappings[0].NextHopIps, again.Mappings[0].NextHopIps);
        Assert.Equal(1, again.Mappings[0].SessionAffinityTimeoutSeconds);
    }

    [Fact]
    public void SnatRoundTrip()
    {
        var snat = new SnatFile
        {
            Uuid = "s", SnatIp = "172.28.184.10", InterfaceName = "eth1", InterfaceMac = "52:54:00:aa:bb:01", InterfaceVlan = 4003,
            Local = true, Dest = new[] { "0.0.0.0/0" }, Zone = 8191, PortRanges = new[] { new SnatPortRange(5000, 7999) },
            Remote = new[] { new SnatRemote { Mac = "52:54:00:aa:bb:02", PortRanges = new[] { new SnatPortRange(8000, 10999) } } },
        };
        Assert.True(SnatFile.TryParse(snat.ToJson(), out var again, out _));
        Assert.Equal(snat.ToJson(), again.ToJson());
        Assert.Equal(snat.Remote[0].PortRanges, again.Remote[0].PortRanges);
    }
}
