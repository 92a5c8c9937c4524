using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

public class OvsPortMapTests
{
    [Theory]
    [InlineData("ovs-ofctl-show-br-access.txt")]
    [InlineData("ovs-ofctl-of13-show-br-access.txt")]
    public void AccessBridgeOfNodeA(string fixture)
    {
        var map = OvsPortMap.Parse(AciFixtures.Text(fixture));
        Assert.Equal("br-access", map.Bridge);
        Assert.Equal(8, map.Count);
        Assert.Equal("gen2", map.NameOf(1));
        Assert.Equal("veth5a3b1c2d", map.NameOf(2));
        Assert.Equal("pa-veth5a3b1c2d", map.NameOf(3));
        Assert.Equal("pa-vethc0ffee01", map.NameOf(7));
        Assert.Equal("br-access", map.NameOf(OvsPortMap.LocalPort));
        Assert.True(map.TryGetPort("veth7c9d0e1f", out var p));
        Assert.Equal(4, p);
        Assert.Null(map.NameOf(8));
    }

    [Theory]
    [InlineData("ovs-ofctl-show-br-int.txt")]
    [InlineData("ovs-ofctl-of13-show-br-int.txt")]
    public void IntegrationBridgeOfNodeA(string fixture)
    {
        var map = OvsPortMap.Parse(AciFixtures.Text(fixture));
        Assert.Equal("br-int", map.Bridge);
        Assert.Equal(new[] { (1, "eth1"), (2, "vxlan0"), (3, "gen1"), (4, "pi-veth5a3b1c2d"), (5, "pi-veth7c9d0e1f"), (6, "pi-vethc0ffee01"), (65534, "br-int") },
            map.Ports);
    }

    [Fact]
    public void NamesWithParenthesesAndColons()
    {
        var map = OvsPortMap.Parse(AciFixtures.Text("ovs-ofctl-show-br-int-oddname.txt"));
        Assert.Equal("odd(name):1", map.NameOf(100));
    }

    [Fact]
    public void GarbageGivesAnEmptyMap()
    {
        Assert.Equal(0, OvsPortMap.Parse(null).Count);
        Assert.Equal(0, OvsPortMap.Parse("error: br-x is not a bridge or a socket").Count);
        Assert.Equal(0, OvsPortMap.Parse(" 99999999999(x): addr:00").Count);
        Assert.Equal(0, OvsPortMap.Parse(" (x): addr:00\n -1(y): addr:00").Count);
        Assert.Equal(1, OvsPortMap.Parse(" 1(x): addr:00\r\n").Count);
    }
}
