using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

public class AciDecoderTests
{
    private static readonly NodeFacts NodeA = AciFixtures.NodeA();

    private static string Decode(AciBridge bridge, string action, NodeFacts? facts = null) =>
        AciDecoder.DecodeAction(bridge, action, facts ?? NodeA)?.ToString() ?? "<null>";

    [Theory]
    // br-int SOURCE_TABLE for a1 (opflex-pipeline 4.0)
    [InlineData("load:0x8c8010->NXM_NX_REG0[]", "reg0 <- 0x8c8010 (source EPG kube|app-a)")]
    [InlineData("load:0x1->NXM_NX_REG4[]", "reg4 <- 0x1 (bridge domain kube/aci-containers-kube-pod-bd)")]
    [InlineData("load:0x1->NXM_NX_REG5[]", "reg5 <- 0x1 (flood domain kube/aci-containers-kube-pod-fd)")]
    [InlineData("load:0x1->NXM_NX_REG6[]", "reg6 <- 0x1 (routing domain kube/kube-vrf)")]
    [InlineData("set_field:0x1->reg6", "reg6 <- 0x1 (routing domain kube/kube-vrf)")]
    // BRIDGE / ROUTE table
    [InlineData("load:0x8c8004->NXM_NX_REG2[]", "reg2 <- 0x8c8004 (destination EPG kube|system)")]
    [InlineData("load:0x4->NXM_NX_REG7[]", "reg7 <- 0x4 (output port pi-veth5a3b1c2d)")]
    [InlineData("write_metadata:0x400/0x400", "metadata <- 0x400/0x400 (metadata ROUTED)")]
    [InlineData("write_metadata:0x4/0xff", "metadata <- 0x4/0xff (metadata output: TUNNEL)")]
    // tunnel egress
    [InlineData("move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31]", "tun_id[0..31] <- reg0 (tunnel id (VNID) from source EPG)")]
    [InlineData("load:0xa000020->NXM_NX_TUN_IPV4_DST[]", "tun_dst <- 0xa000020 (tunnel destination 10.0.0.32)")]
    [InlineData("set_field:0x8c8010->tun_id", "tun_id <- 0x8c8010 (tunnel id (VNID) kube|app-a)")]
    // services
    [InlineData("set_field:10.2.0.20->ip_dst", "ip_dst <- 10.2.0.20 (destination IP)")]
    [InlineData("load:0xa60000a->NXM_NX_REG8[]", "reg8 <- 0xa60000a (service IPv4 10.96.0.10 (kube-system/kube-dns))")]
    [InlineData("load:0x1->NXM_NX_REG12[]", "reg12 <- 0x1 (service ct mark kube-system/kube-dns)")]
    [InlineData("load:0x80000001->NXM_NX_REG12[]", "reg12 <- 0x80000001 (service ct mark kube-system/kube-dns (external))")]
    [InlineData("set_field:10.2.0.10->ip_src", "ip_src <- 10.2.0.10 (source IP team-a/a1)")]
    [InlineData("set_field:00:22:bd:f8:19:ff->eth_src", "eth_src <- 00:22:bd:f8:19:ff (source MAC ACI router MAC)")]
    [InlineData("set_field:9e:8f:11:02:00:0a->eth_dst", "eth_dst <- 9e:8f:11:02:00:0a (destination MAC team-a/a1)")]
    [InlineData("set_field:8099->vlan_vid", "vlan_vid <- 8099 (VLAN VLAN 4003)")]
    // partial and unknown
    [InlineData("load:0x10->NXM_NX_REG0[0..15]", "reg0[0..15] <- 0x10 (source EPG)")]
    [InlineData("load:0x1->NXM_NX_REG0[16..31]", "reg0[16..31] <- 0x1 (source EPG)")]
    [InlineData("load:0x999->NXM_NX_REG4[]", "reg4 <- 0x999 (bridge domain)")]
    [InlineData("load:0x5->NXM_NX_REG1[]", "reg1 <- 0x5 ()")]
    [InlineData("load:0xa000020->NXM_NX_REG7[]", "reg7 <- 0xa000020 (tunnel destination 10.0.0.32)")]
    [InlineData("load:0x8c8011->NXM_NX_REG7[]", "reg7 <- 0x8c8011 (destination EPG (resubmit) kube|app-b)")]
    [InlineData("load:0x1->NXM_NX_REG7[]", "reg7 <- 0x1 (output port eth1)")]
    [InlineData("set_field:0xc->tun_metadata12", "tun_metadata12 <- 0xc (drop-log field)")]
    [InlineData("move:NXM_NX_REG6[]->NXM_NX_TUN_METADATA6[0..31]", "tun_metadata6[0..31] <- reg6 (drop-log field from routing domain)")]
    [InlineData("move:NXM_NX_REG7[]->NXM_NX_TUN_IPV4_DST[]", "tun_dst <- reg7 (tunnel destination)")]
    [InlineData("mod_nw_dst:10.2.0.20", "ip_dst <- 10.2.0.20 (destination IP)")]
    public void IntegrationBridgeActions(string action, string expected) =>
        Assert.Equal(expected, Decode(AciBridge.Integration, action));

    [Theory]
    [InlineData("load:0x1->NXM_NX_REG6[]", "reg6 <- 0x1 (conntrack zone team-a/a1)")]
    [InlineData("load:0x4->NXM_NX_REG6[]", "reg6 <- 0x4 (conntrack zone kube/kube-vrf)")]
    [InlineData("load:0x1->NXM_NX_REG0[]", "reg0 <- 0x1 (security-group set no security groups)")]
    [InlineData("load:0x2->NXM_NX_REG0[]", "reg0 <- 0x2 (security-group set kube/kube_np_static-discovery, kube/kube_np_team-a_egress)")]
    [InlineData("load:0x3->NXM_NX_REG7[]", "reg7 <- 0x3 (output port pa-veth5a3b1c2d)")]
    [InlineData("load:0xfa3->NXM_NX_REG5[]", "reg5 <- 0xfa3 (access VLAN VLAN 4003)")]
    [InlineData("write_metadata:0x200/0x300", "metadata <- 0x200/0x300 (metadata EGRESS_DIR)")]
    [InlineData("write_metadata:0x100/0x300", "metadata <- 0x100/0x300 (metadata INGRESS_DIR)")]
    [InlineData("write_metadata:0x800/0x800", "metadata <- 0x800/0x800 (metadata DROP_LOG)")]
    public void AccessBridgeActions(string action, string expected) =>
        Assert.Equal(expected, Decode(AciBridge.Access, action));

    [Fact]
    public void StructuredFields()
    {
        var w = AciDecoder.DecodeAction(AciBridge.Integration, "load:0x8c8010->NXM_NX_REG0[]", NodeA)!;
        Assert.Equal("reg0", w.Register);
        Assert.Equal("0x8c8010", w.Value);
        Assert.Equal("source EPG", w.Role);
        Assert.Equal("kube|app-a", w.Meaning);
    }

    [Fact]
    public void WithoutFactsOnlyStaticMeanings()
    {
        Assert.Equal("reg0 <- 0x8c8010 (source EPG)", Decode(AciBridge.Integration, "load:0x8c8010->NXM_NX_REG0[]", new NodeFacts()));
        Assert.Equal("reg0 <- 0x8c8010 (source EPG)", AciDecoder.DecodeAction(AciBridge.Integration, "load:0x8c8010->NXM_NX_REG0[]", null)!.ToString());
        Assert.Equal("tun_dst <- 0xa000020 (tunnel destination 10.0.0.32)", AciDecoder.DecodeAction(AciBridge.Integration, "load:0xa000020->NXM_NX_TUN_IPV4_DST[]", null)!.ToString());
        Assert.Equal("reg8 <- 0xa60000a (service IPv4 10.96.0.10)", AciDecoder.DecodeAction(AciBridge.Integration, "load:0xa60000a->NXM_NX_REG8[]", null)!.ToString());
        Assert.Equal("metadata <- 0x200/0x300 (metadata EGRESS_DIR)", AciDecoder.DecodeAction(AciBridge.Access, "write_metadata:0x200/0x300", null)!.ToString());
    }

    [Theory]
    [InlineData("goto_table:4")]
    [InlineData("output:NXM_NX_REG7[]")]
    [InlineData("ct(commit,zone=NXM_NX_REG6[0..15])")]
    [InlineData("drop")]
    [InlineData("")]
    [InlineData("load:")]
    [InlineData("load:0x1")]
    [InlineData("load:0x1->NXM_NX_REG0[")]
    [InlineData("load:0x1->NXM_NX_REG0[5..2]")]
    [InlineData("move:->")]
    [InlineData("write_metadata:")]
    [InlineData("set_field:0x1->re g0")]
    public void NonWritesAndMalformedGiveNull(string action) =>
        Assert.Null(AciDecoder.DecodeAction(AciBridge.Integration, action, NodeA));

    [Fact]
    public void Cookies()
    {
        Assert.Null(AciDecoder.DescribeCookie(0, NodeA));
        Assert.Equal("classifier rule 1: kube/dns-udp (udp dport 53)", AciDecoder.DescribeCookie(1, NodeA));
        Assert.Equal("classifier rule 2: kube/dns-udp-reverse (udp sport 53)", AciDecoder.DescribeCookie(2, NodeA));
        Assert.Equal("classifier rule 11", AciDecoder.DescribeCookie(11, NodeA));
        Assert.Equal("classifier rule 1", AciDecoder.DescribeCookie(1, null));
        Assert.Equal("policy drop: no contract allows this traffic in the routing domain", AciDecoder.DescribeCookie(AciCookies.RoutingDomainPolicyDrop, NodeA));
        Assert.Equal("table drop: no flow matched", AciDecoder.DescribeCookie(AciCookies.TableDrop, null));
    }

    [Fact]
    public void PortNames()
    {
        Assert.Equal("vxlan0", AciDecoder.PortName("br-int", 2, NodeA));
        Assert.Equal("veth5a3b1c2d", AciDecoder.PortName("br-access", 2, NodeA));
        Assert.Equal("br-int", AciDecoder.PortName("br-int", OvsPortMap.LocalPort, NodeA));
        Assert.Null(AciDecoder.PortName("br-int", 42, NodeA));
        Assert.Null(AciDecoder.PortName("br-ex", 1, NodeA));
        Assert.Null(AciDecoder.PortName("br-int", 1, null));
    }

    [Fact]
    public void ConfiguredBridgeNames()
    {
        var facts = new NodeFacts
        {
            AccessBridgeName = "acc0",
            IntegrationBridgeName = "int0",
            PortMaps = new Dictionary<string, OvsPortMap> { ["int0"] = new OvsPortMap(new[] { (4, "pi-x") }) },
        };
        Assert.Equal(AciBridge.Integration, facts.BridgeKind("int0"));
        Assert.Equal("reg7 <- 0x4 (output port pi-x)", AciDecoder.DecodeAction(AciBridge.Integration, "load:0x4->NXM_NX_REG7[]", facts)!.ToString());
    }
}
