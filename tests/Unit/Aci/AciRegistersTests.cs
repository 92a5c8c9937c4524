using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

public class AciRegistersTests
{
    [Theory]
    [InlineData(AciBridge.Access, 0, "security-group set", OpflexIdNamespace.SecGroupSet)]
    [InlineData(AciBridge.Access, 5, "access VLAN", null)]
    [InlineData(AciBridge.Access, 6, "conntrack zone", OpflexIdNamespace.Conntrack)]
    [InlineData(AciBridge.Access, 7, "output port", null)]
    [InlineData(AciBridge.Integration, 0, "source EPG", null)]
    [InlineData(AciBridge.Integration, 2, "destination EPG", null)]
    [InlineData(AciBridge.Integration, 3, "proxy tunnel", null)]
    [InlineData(AciBridge.Integration, 4, "bridge domain", OpflexIdNamespace.BridgeDomain)]
    [InlineData(AciBridge.Integration, 5, "flood domain", OpflexIdNamespace.FloodDomain)]
    [InlineData(AciBridge.Integration, 6, "routing domain", OpflexIdNamespace.RoutingDomain)]
    [InlineData(AciBridge.Integration, 7, "output port", null)]
    [InlineData(AciBridge.Integration, 8, "service IPv4", null)]
    [InlineData(AciBridge.Integration, 10, "service IPv6", null)]
    [InlineData(AciBridge.Integration, 12, "service ct mark", OpflexIdNamespace.Service)]
    public void RolesAndIdNamespaces(AciBridge bridge, int reg, string role, string? ns)
    {
        Assert.Equal(role, AciRegisters.Role(bridge, reg));
        Assert.Equal(ns, AciRegisters.IdNamespace(bridge, reg));
    }

    [Fact]
    public void Reg8IsAnAddressNotAnId() => Assert.Null(AciRegisters.IdNamespace(AciBridge.Integration, 8));

    [Theory]
    [InlineData(AciBridge.Access, 0x200ul, 0x300ul, "EGRESS_DIR")]
    [InlineData(AciBridge.Access, 0x100ul, 0x300ul, "INGRESS_DIR")]
    [InlineData(AciBridge.Access, 0x800ul, 0x800ul, "DROP_LOG")]
    [InlineData(AciBridge.Access, 0x202ul, 0x3fful, "VLAN: PUSH_VLAN, EGRESS_DIR")]
    [InlineData(AciBridge.Integration, 0x4ul, 0xfful, "output: TUNNEL")]
    [InlineData(AciBridge.Integration, 0x400ul, 0x400ul, "ROUTED")]
    [InlineData(AciBridge.Integration, 0x104ul, 0x1fful, "output: TUNNEL, POLICY_APPLIED")]
    [InlineData(AciBridge.Integration, 0x0ul, 0xfful, "output: OUTPUT_REG7")]
    [InlineData(AciBridge.Integration, 0x9ul, 0xfful, "output: REMOTE_TUNNEL_PROXY")]
    [InlineData(AciBridge.Integration, 0x6ul, 0xfful, "output: 0x6")]
    [InlineData(AciBridge.Integration, 0x0ul, 0x800ul, "clear DROP_LOG")]
    [InlineData(AciBridge.Integration, 0x1200ul, 0x1200ul, "FROM_SERVICE_INTERFACE, bits 0x1000")]
    public void MetadataDecodesBitByBit(AciBridge bridge, ulong value, ulong mask, string expected) =>
        Assert.Equal(expected, AciRegisters.DescribeMetadata(bridge, value, mask));

    [Fact]
    public void MetadataIgnoresBitsOutsideTheMask() =>
        Assert.Equal("ROUTED", AciRegisters.DescribeMetadata(AciBridge.Integration, 0x504, 0x400));

    [Theory]
    [InlineData("reg0", 0)]
    [InlineData("NXM_NX_REG12", 12)]
    [InlineData("NXM_NX_REG7[0..15]", 7)]
    [InlineData("REG5", 5)]
    public void RegisterNames(string text, int reg)
    {
        Assert.True(AciRegisters.TryParseRegister(text, out var r));
        Assert.Equal(reg, r);
    }

    [Theory]
    [InlineData("reg16")]
    [InlineData("reg")]
    [InlineData("register0")]
    [InlineData("")]
    [InlineData("xreg0")]
    public void NotRegisters(string text) => Assert.False(AciRegisters.TryParseRegister(text, out _));

    [Fact]
    public void NumbersAndAddresses()
    {
        Assert.True(AciRegisters.TryParseNumber("0x8c8010", out var v));
        Assert.Equal(0x8c8010ul, v);
        Assert.True(AciRegisters.TryParseNumber("53", out v));
        Assert.Equal(53ul, v);
        Assert.False(AciRegisters.TryParseNumber("0x", out _));
        Assert.False(AciRegisters.TryParseNumber("0x1ffffffffffffffff", out _));
        Assert.Equal("10.0.0.32", AciRegisters.Ipv4(0x0a000020));
        Assert.Equal("10.96.0.10", AciRegisters.Ipv4(0xa60000a));
    }
}
