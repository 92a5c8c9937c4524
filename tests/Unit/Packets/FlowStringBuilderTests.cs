using AciTrace.Engine;
using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Packets;

public class FlowStringBuilderTests
{
    private static readonly PortRef Veth = PortRef.Named("veth5a3b1c2d");

    [Fact]
    public void UdpUsesUdpFieldsInTheDocumentedOrder()
    {
        var p = new PacketSpec
        {
            InPort = Veth, Protocol = PacketProtocol.Udp,
            EthSrc = "02:00:00:00:00:01", EthDst = "02:00:00:00:00:02",
            SourceAddress = "10.1.0.11", DestinationAddress = "10.1.0.12", Ttl = 64, SourcePort = 1234, DestinationPort = 53,
        };
        Assert.Equal(
            "in_port=veth5a3b1c2d,udp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_ttl=64,udp_src=1234,udp_dst=53",
            FlowStringBuilder.Build(p));
    }

    [Fact]
    public void TcpMatchesLabTraceAWithTcpDstInsteadOfTpDst()
    {
        // lab-feasibility.md §1.7 A used '...,nw_dst=10.1.0.12,tp_dst=80'; tcp_dst is the same field and also valid for udp's sibling.
        var p = new PacketSpec
        {
            InPort = PortRef.Numbered(1), Protocol = PacketProtocol.Tcp,
            EthSrc = "02:00:00:00:00:01", EthDst = "02:00:00:00:00:02",
            SourceAddress = "10.1.0.11", DestinationAddress = "10.1.0.12", DestinationPort = 80,
        };
        Assert.Equal("in_port=1,tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,tcp_dst=80",
            FlowStringBuilder.Build(p));
    }

    [Fact]
    public void PlainIpHasNoL4Fields()
    {
        var p = new PacketSpec { InPort = Veth, SourceAddress = "10.1.0.11", DestinationAddress = "10.1.0.12" };
        Assert.Equal("in_port=veth5a3b1c2d,ip,nw_src=10.1.0.11,nw_dst=10.1.0.12", FlowStringBuilder.Build(p));
    }

    [Fact]
    public void TunnelIngressLikeLabTraceD()
    {
        var p = new PacketSpec
        {
            InPort = PortRef.Numbered(200), TunId = 0x64, TunSrc = "192.168.50.2", TunDst = "10.0.0.1",
            Protocol = PacketProtocol.Tcp, EthSrc = "02:00:00:00:00:21", EthDst = "02:00:00:00:00:01",
            SourceAddress = "10.2.0.21", DestinationAddress = "10.1.0.11", SourcePort = 80, DestinationPort = 33333,
        };
        Assert.Equal(
            "in_port=200,tun_id=0x64,tun_src=192.168.50.2,tun_dst=10.0.0.1,tcp,dl_src=02:00:00:00:00:21,dl_dst=02:00:00:00:00:01,nw_src=10.2.0.21,nw_dst=10.1.0.11,tcp_src=80,tcp_dst=33333",
            FlowStringBuilder.Build(p));
    }

    [Fact]
    public void TunIdCoversTheFull64Bits()
    {
        var p = new PacketSpec { InPort = PortRef.Named("vxlan0"), TunId = ulong.MaxValue };
        Assert.Equal("in_port=vxlan0,tun_id=0xffffffffffffffff,ip", FlowStringBuilder.Build(p));
    }

    [Fact]
    public void ArpRequestFromTheFabricLikeAcikubectlLeg2()
    {
        // acikubectl-trace.md §3.4 leg 2 (spaces removed, dl_* before arp_* so every prerequisite precedes its field)
        var p = new PacketSpec
        {
            InPort = PortRef.Named("vxlan0"), TunId = 0x3D6D, Protocol = PacketProtocol.Arp,
            EthSrc = "02:00:00:00:00:01", EthDst = "ff:ff:ff:ff:ff:ff",
            ArpOp = 1, ArpSpa = "10.1.0.11", ArpTpa = "10.1.0.12", ArpSha = "02:00:00:00:00:01", ArpTha = "00:00:00:00:00:00",
        };
        Assert.Equal(
            "in_port=vxlan0,tun_id=0x3d6d,arp,dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=10.1.0.11,arp_tpa=10.1.0.12,arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00",
            FlowStringBuilder.Build(p));
    }

    [Fact]
    public void IcmpEchoRequest()
    {
        var p = new PacketSpec { InPort = Veth, Protocol = PacketProtocol.Icmp, SourceAddress = "10.1.0.11", DestinationAddress = "8.8.8.8", Ttl = 10, IcmpType = 8, IcmpCode = 0 };
        Assert.Equal("in_port=veth5a3b1c2d,icmp,nw_src=10.1.0.11,nw_dst=8.8.8.8,nw_ttl=10,icmp_type=8,icmp_code=0", FlowStringBuilder.Build(p));
    }

    [Fact]
    public void Icmp6UsesIcmpv6FieldNamesBecauseOvsRejectsIcmpTypeWithIcmp6()
    {
        var p = new PacketSpec { InPort = Veth, Protocol = PacketProtocol.Icmp6, SourceAddress = "fd00::1", DestinationAddress = "fd00::2", IcmpType = 128, IcmpCode = 0 };
        Assert.Equal("in_port=veth5a3b1c2d,icmp6,ipv6_src=fd00::1,ipv6_dst=fd00::2,icmpv6_type=128,icmpv6_code=0", FlowStringBuilder.Build(p));
    }

    [Fact]
    public void NeighborSolicitation()
    {
        var p = new PacketSpec
        {
            InPort = Veth, Protocol = PacketProtocol.Icmp6, SourceAddress = "fd00::1", DestinationAddress = "ff02::1:ff00:2",
            IcmpType = 135, IcmpCode = 0, NdTarget = "FD00:0:0::2", NdSll = "02:00:00:00:00:01",
        };
        Assert.Equal(
            "in_port=veth5a3b1c2d,icmp6,ipv6_src=fd00::1,ipv6_dst=ff02::1:ff00:2,icmpv6_type=135,icmpv6_code=0,nd_target=fd00::2,nd_sll=02:00:00:00:00:01",
            FlowStringBuilder.Build(p));
    }

    [Theory]
    [InlineData(PacketProtocol.Tcp, "tcp6", "tcp")]
    [InlineData(PacketProtocol.Udp, "udp6", "udp")]
    public void L4OverIpv6PicksTheV6Keyword(PacketProtocol protocol, string keyword, string prefix)
    {
        var p = new PacketSpec { InPort = Veth, Protocol = protocol, SourceAddress = "FD00::0001", DestinationAddress = "fd00::2", Ttl = 64, SourcePort = 40000, DestinationPort = 443 };
        Assert.Equal($"in_port=veth5a3b1c2d,{keyword},ipv6_src=fd00::1,ipv6_dst=fd00::2,nw_ttl=64,{prefix}_src=40000,{prefix}_dst=443", FlowStringBuilder.Build(p));
    }

    [Theory]
    [InlineData(PacketProtocol.Ip)]
    [InlineData(PacketProtocol.Ipv6)]
    public void IpWithIpv6AddressesRendersIpv6(PacketProtocol protocol)
    {
        var p = new PacketSpec { InPort = Veth, Protocol = protocol, DestinationAddress = "fd00::2" };
        Assert.Equal("in_port=veth5a3b1c2d,ipv6,ipv6_dst=fd00::2", FlowStringBuilder.Build(p));
    }

    [Fact]
    public void VlanConntrackRegistersAndMetadataPresets()
    {
        var p = new PacketSpec
        {
            InPort = Veth, Protocol = PacketProtocol.Tcp, Vlan = new VlanSpec(100, 3),
            SourceAddress = "10.1.0.11", DestinationAddress = "10.96.0.10", DestinationPort = 80,
            CtState = CtStateSet.TrackedEstablishedReply, CtMark = 0x1f, CtZone = 100,
            Registers = new Dictionary<int, uint> { [15] = 0xffffffff, [6] = 0x18, [0] = 1 }, Metadata = 0xabc,
        };
        Assert.Equal(
            "in_port=veth5a3b1c2d,tcp,dl_vlan=100,dl_vlan_pcp=3,nw_src=10.1.0.11,nw_dst=10.96.0.10,tcp_dst=80,ct_state=trk|est|rpl,ct_mark=0x1f,ct_zone=100,reg0=0x1,reg6=0x18,reg15=0xffffffff,metadata=0xabc",
            FlowStringBuilder.Build(p));
    }

    [Fact]
    public void MacsAreNormalisedToLowerCaseColonForm()
    {
        var p = new PacketSpec { InPort = Veth, EthSrc = "02-AB-CD-EF-00-0A" };
        Assert.Equal("in_port=veth5a3b1c2d,ip,dl_src=02:ab:cd:ef:00:0a", FlowStringBuilder.Build(p));
    }

    public static TheoryData<PacketSpec, string, string?> InvalidPackets()
    {
        var ok = new PacketSpec { InPort = PortRef.Named("veth1"), Protocol = PacketProtocol.Tcp, SourceAddress = "10.1.0.1", DestinationAddress = "10.1.0.2" };
        var arp = new PacketSpec { InPort = PortRef.Named("veth1"), Protocol = PacketProtocol.Arp };
        var v6 = new PacketSpec { InPort = PortRef.Named("veth1"), Protocol = PacketProtocol.Icmp6, SourceAddress = "fd00::1" };
        return new TheoryData<PacketSpec, string, string?>
        {
            { ok with { DestinationAddress = "10.1.0.999" }, "nw_dst", "10.1.0.999" },
            { ok with { DestinationAddress = "010.1.0.1" }, "nw_dst", "010.1.0.1" },
            { ok with { DestinationAddress = "10.1" }, "nw_dst", "10.1" },
            { ok with { SourceAddress = " 10.1.0.1" }, "nw_src", " 10.1.0.1" },
            { ok with { SourceAddress = "fd00::1" }, "nw_dst", "10.1.0.2" },
            { ok with { DestinationAddress = "fd00:::2", SourceAddress = null }, "ipv6_dst", "fd00:::2" },
            { ok with { DestinationAddress = "fe80::1%eth0", SourceAddress = null }, "ipv6_dst", "fe80::1%eth0" },
            { ok with { InPort = PortRef.Named("veth,1") }, "in_port", "veth,1" },
            { ok with { InPort = PortRef.Named("a=b") }, "in_port", "a=b" },
            { ok with { InPort = PortRef.Named("veth 1") }, "in_port", "veth 1" },
            { ok with { InPort = PortRef.Named("x;rm -rf") }, "in_port", "x;rm -rf" },
            { ok with { InPort = PortRef.Named("'veth'") }, "in_port", "'veth'" },
            { ok with { InPort = PortRef.Named("-veth") }, "in_port", "-veth" },
            { ok with { InPort = PortRef.Named("veth0123456789ab") }, "in_port", "veth0123456789ab" },
            { ok with { InPort = PortRef.Named("LOCAL") }, "in_port", "LOCAL" },
            { ok with { InPort = PortRef.Named("") }, "in_port", "" },
            { ok with { InPort = PortRef.Numbered(0) }, "in_port", "0" },
            { ok with { InPort = PortRef.Numbered(65280) }, "in_port", "65280" },
            { ok with { EthSrc = "02:00:00:00:00" }, "dl_src", "02:00:00:00:00" },
            { ok with { EthDst = "02:00:00:00:00:0g" }, "dl_dst", "02:00:00:00:00:0g" },
            { ok with { EthDst = "02:00-00:00:00:01" }, "dl_dst", "02:00-00:00:00:01" },
            { ok with { EthDst = "2:0:0:0:0:1" }, "dl_dst", "2:0:0:0:0:1" },
            { ok with { Vlan = new VlanSpec(4096) }, "dl_vlan", "4096" },
            { ok with { Vlan = new VlanSpec(-1) }, "dl_vlan", "-1" },
            { ok with { Vlan = new VlanSpec(10, 8) }, "dl_vlan_pcp", "8" },
            { ok with { Ttl = 256 }, "nw_ttl", "256" },
            { ok with { Ttl = -1 }, "nw_ttl", "-1" },
            { ok with { SourcePort = 0 }, "tcp_src", "0" },
            { ok with { DestinationPort = 65536 }, "tcp_dst", "65536" },
            { ok with { Protocol = PacketProtocol.Udp, DestinationPort = 70000 }, "udp_dst", "70000" },
            { ok with { Protocol = PacketProtocol.Ip, DestinationPort = 80 }, "tp_dst", "80" },
            { ok with { Protocol = PacketProtocol.Icmp, SourcePort = 80 }, "tp_src", "80" },
            { ok with { IcmpType = 8 }, "icmp_type", "8" },
            { ok with { Protocol = PacketProtocol.Icmp, IcmpType = 256 }, "icmp_type", "256" },
            { ok with { Protocol = PacketProtocol.Icmp, IcmpCode = -1 }, "icmp_code", "-1" },
            { ok with { Protocol = PacketProtocol.Icmp, SourceAddress = "fd00::1", DestinationAddress = null }, "nw_src", "fd00::1" },
            { ok with { Protocol = PacketProtocol.Icmp6 }, "ipv6_src", "10.1.0.1" },
            { ok with { Protocol = PacketProtocol.Ipv6, SourceAddress = null }, "ipv6_dst", "10.1.0.2" },
            { v6 with { IcmpType = 300 }, "icmpv6_type", "300" },
            { v6 with { NdTarget = "fd00::2", IcmpType = 128 }, "nd_target", "fd00::2" },
            { v6 with { NdTarget = "fd00::2", IcmpType = 135, IcmpCode = 1 }, "nd_target", "fd00::2" },
            { v6 with { NdTarget = "10.0.0.1", IcmpType = 135 }, "nd_target", "10.0.0.1" },
            { v6 with { NdTll = "02:00:00:00:00:01", IcmpType = 135 }, "nd_tll", "02:00:00:00:00:01" },
            { v6 with { NdSll = "02:00:00:00:00:01", IcmpType = 136 }, "nd_sll", "02:00:00:00:00:01" },
            { v6 with { NdSll = "zz", IcmpType = 135 }, "nd_sll", "zz" },
            { ok with { NdTarget = "fd00::2" }, "nd_target", "fd00::2" },
            { arp with { ArpOp = 3 }, "arp_op", "3" },
            { arp with { ArpOp = 0 }, "arp_op", "0" },
            { arp with { ArpSpa = "10.1.0.256" }, "arp_spa", "10.1.0.256" },
            { arp with { ArpTpa = "fd00::1" }, "arp_tpa", "fd00::1" },
            { arp with { ArpSha = "02:00:00:00:00:1" }, "arp_sha", "02:00:00:00:00:1" },
            { arp with { ArpTha = "" }, "arp_tha", "" },
            { arp with { SourceAddress = "10.1.0.1" }, "nw_src", "10.1.0.1" },
            { arp with { DestinationAddress = "10.1.0.1" }, "nw_dst", "10.1.0.1" },
            { arp with { Ttl = 64 }, "nw_ttl", "64" },
            { arp with { DestinationPort = 80 }, "tp_dst", "80" },
            { arp with { IcmpType = 1 }, "icmp_type", "1" },
            { ok with { ArpOp = 1 }, "arp_op", "1" },
            { ok with { ArpSpa = "10.1.0.1" }, "arp_spa", "10.1.0.1" },
            { ok with { TunSrc = "1.2.3" }, "tun_src", "1.2.3" },
            { ok with { TunDst = "fd00::1" }, "tun_dst", "fd00::1" },
            { ok with { CtState = new CtStateSet(CtStateFlags.Established) }, "ct_state", "est" },
            { ok with { CtState = new CtStateSet(CtStateFlags.Tracked | CtStateFlags.New | CtStateFlags.Established) }, "ct_state", "trk,new,est" },
            { ok with { CtState = new CtStateSet(CtStateFlags.None) }, "ct_state", "" },
            { ok with { CtZone = 65536 }, "ct_zone", "65536" },
            { ok with { Registers = new Dictionary<int, uint> { [16] = 1 } }, "reg", "16" },
            { ok with { Registers = new Dictionary<int, uint> { [-1] = 1 } }, "reg", "-1" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidPackets))]
    public void InvalidFieldsThrowNamingFieldAndValue(PacketSpec packet, string field, string? value)
    {
        var ex = Assert.Throws<PacketValidationException>(() => FlowStringBuilder.Build(packet));
        Assert.Equal(field, ex.Field);
        Assert.Equal(value, ex.Value);
        Assert.Equal("InvalidPacketField", ex.ErrorId);
        Assert.Equal(AciErrorKind.InvalidArgument, ex.Kind);
        Assert.IsAssignableFrom<AciTraceException>(ex);
        Assert.StartsWith(field + ":", ex.Message);
        if (!string.IsNullOrEmpty(value)) Assert.Contains($"'{value}'", ex.Message);
    }

    [Fact]
    public void MessageMatchesTheBriefExample()
    {
        var ex = Assert.Throws<PacketValidationException>(() =>
            FlowStringBuilder.Build(new PacketSpec { InPort = PortRef.Numbered(1), DestinationAddress = "10.1.0.999" }));
        Assert.StartsWith("nw_dst: '10.1.0.999' is not a valid IPv4 address", ex.Message);
    }

    [Fact]
    public void MissingInPortIsAnError()
    {
        var ex = Assert.Throws<PacketValidationException>(() => FlowStringBuilder.Build(new PacketSpec { InPort = null! }));
        Assert.Equal("in_port", ex.Field);
    }

    [Fact]
    public void ControlCharactersInRejectedValuesAreEscapedInTheMessage()
    {
        var ex = Assert.Throws<PacketValidationException>(() =>
            FlowStringBuilder.Build(new PacketSpec { InPort = PortRef.Named("veth\u001b[2J") }));
        Assert.DoesNotContain('\u001b', ex.Message);
        Assert.Contains("\\u001b", ex.Message);
    }
}
