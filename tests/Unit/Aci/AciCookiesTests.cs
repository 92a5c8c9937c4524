using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

public class AciCookiesTests
{
    [Theory]
    [InlineData(0x4000000000000000ul, AciCookieKind.TableDrop, "TABLE_DROP")]
    [InlineData(0xc00000000000000cul, AciCookieKind.RoutingDomainPolicyDrop, "RD_POL_DROP")]
    [InlineData(0x8000000000000003ul, AciCookieKind.AgentDefault, "NEIGH_DISC")]
    [InlineData(0x8000000000000004ul, AciCookieKind.AgentDefault, "DHCP_V4")]
    [InlineData(0x8000000000000005ul, AciCookieKind.AgentDefault, "DHCP_V6")]
    [InlineData(0x8000000000000006ul, AciCookieKind.AgentDefault, "VIRTUAL_IP_V4")]
    [InlineData(0x8000000000000007ul, AciCookieKind.AgentDefault, "VIRTUAL_IP_V6")]
    [InlineData(0x8000000000000008ul, AciCookieKind.AgentDefault, "ICMP_ERROR_V4")]
    [InlineData(0x8000000000000009ul, AciCookieKind.AgentDefault, "ICMP_ERROR_V6")]
    [InlineData(0x800000000000000aul, AciCookieKind.AgentDefault, "ICMP_ECHO_V4")]
    [InlineData(0x800000000000000bul, AciCookieKind.AgentDefault, "ICMP_ECHO_V6")]
    [InlineData(0x800000000000000dul, AciCookieKind.AgentDefault, "DNS_RESPONSE_V4")]
    [InlineData(0x800000000000000eul, AciCookieKind.AgentDefault, "DNS_RESPONSE_V6")]
    [InlineData(0x8000000000000010ul, AciCookieKind.AgentDefault, "NAT_FLOW")]
    [InlineData(0x8000000000000011ul, AciCookieKind.AgentDefault, "RST_FLOW")]
    [InlineData(0x8000000000000012ul, AciCookieKind.AgentDefault, "RST_VLAN_FLOW")]
    [InlineData(0x8000000000000042ul, AciCookieKind.AgentDefault, "DEFAULT_42")]
    [InlineData(0x4000000000000001ul, AciCookieKind.OtherDrop, "DROP")]
    [InlineData(0ul, AciCookieKind.None, "")]
    public void ConstantCookies(ulong cookie, AciCookieKind kind, string name)
    {
        var info = AciCookies.Classify(cookie);
        Assert.Equal(kind, info.Kind);
        Assert.Equal(name, info.Name);
    }

    [Fact]
    public void ClassifierRuleIdsResolveThroughTheIdMap()
    {
        var map = new IdMap(new[] { (1u, AciFixtures.DnsClassifierUri) });
        var info = AciCookies.Classify(1, map);
        Assert.Equal(AciCookieKind.ClassifierRule, info.Kind);
        Assert.Equal(AciFixtures.DnsClassifierUri, info.ClassifierUri);
        Assert.Equal("classifier rule 1: kube/dns-udp", info.Description);

        var unknown = AciCookies.Classify(12, map);
        Assert.Null(unknown.ClassifierUri);
        Assert.Equal("classifier rule 12", unknown.Description);
    }

    [Fact]
    public void ParsesPrintedCookies()
    {
        Assert.True(AciCookies.TryParse("0xc00000000000000c", out var c));
        Assert.Equal(AciCookies.RoutingDomainPolicyDrop, c);
        Assert.False(AciCookies.TryParse("cookie", out _));
    }
}
