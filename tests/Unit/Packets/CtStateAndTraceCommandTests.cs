using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Packets;

public class CtStateAndTraceCommandTests
{
    [Theory]
    [InlineData("trk,est", "trk|est", "trk,est")]
    [InlineData("est,trk", "trk|est", "trk,est")]
    [InlineData("trk|est|rpl", "trk|est|rpl", "trk,est,rpl")]
    [InlineData("+trk+est", "trk|est", "trk,est")]
    [InlineData("rpl,est,trk", "trk|est|rpl", "trk,est,rpl")]
    [InlineData("trk,inv", "trk|inv", "trk,inv")]
    [InlineData("trk,snat,dnat,rel,rpl,est", "trk|est|rel|rpl|snat|dnat", "trk,est,rel,rpl,snat,dnat")]
    public void ParsesAndRendersBothNotations(string text, string flowValue, string ctNextValue)
    {
        var set = CtStateSet.Parse(text);
        Assert.Equal(flowValue, set.ToFlowValue());
        Assert.Equal(ctNextValue, set.ToCtNextValue());
    }

    [Theory]
    [InlineData("new", "if \"trk\" is unset")]
    [InlineData("est", "if \"trk\" is unset")]
    [InlineData("trk,new,est", "mutually exclusive")]
    [InlineData("trk,new,rpl", "mutually exclusive")]
    [InlineData("trk,inv,est", "only \"trk\"")]
    [InlineData("trk,foo", "unknown conntrack flag 'foo'")]
    [InlineData("trk,trk", "repeats")]
    [InlineData("trk,", "unknown conntrack flag ''")]
    [InlineData("", "required")]
    [InlineData("TRK", "unknown")]
    public void RejectsWhatOvsRejects(string text, string reasonPart)
    {
        var ex = Assert.Throws<PacketValidationException>(() => CtStateSet.Parse(text, "ct-next"));
        Assert.Equal("ct-next", ex.Field);
        Assert.Contains(reasonPart, ex.Message);
        Assert.False(CtStateSet.TryParse(text, out _));
    }

    [Theory]
    [InlineData("7", 7, null)]
    [InlineData("65279", 65279, null)]
    [InlineData("vxlan0", null, "vxlan0")]
    [InlineData("123456", null, "123456")]
    public void PortRefParse(string text, int? number, string? name)
    {
        var port = PortRef.Parse(text);
        Assert.Equal(number, port.Number);
        Assert.Equal(name, port.Name);
        Assert.Equal(text, port.ToString());
    }

    [Fact]
    public void TraceOptionsRenderOneCtNextPerRecirculation()
    {
        var options = new TraceOptions { CtNext = new[] { CtStateSet.TrackedEstablished, CtStateSet.Parse("trk,rel") } };
        Assert.Equal(new[] { "--ct-next", "trk,est", "--ct-next", "trk,rel" }, options.ToArgv());
        Assert.Empty(new TraceOptions().ToArgv());
    }

    [Fact]
    public void TraceOptionsRejectNewWithoutTrk()
    {
        var options = new TraceOptions { CtNext = new[] { new CtStateSet(CtStateFlags.New) } };
        var ex = Assert.Throws<PacketValidationException>(() => options.ToArgv());
        Assert.Equal("ct-next", ex.Field);
        Assert.Equal("new", ex.Value);
    }

    [Fact]
    public void TraceCommandArgv()
    {
        var packet = new PacketSpec { InPort = PortRef.Numbered(100), Protocol = PacketProtocol.Tcp, SourceAddress = "10.1.0.11", DestinationAddress = "10.96.0.10", SourcePort = 33333, DestinationPort = 80 };
        var cmd = TraceCommand.Create("br-int", packet, new TraceOptions { CtNext = new[] { CtStateSet.TrackedEstablished } });
        Assert.Equal(
            new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=100,tcp,nw_src=10.1.0.11,nw_dst=10.96.0.10,tcp_src=33333,tcp_dst=80", "--ct-next", "trk,est" },
            cmd.ToArgv());
        Assert.Equal(cmd, TraceCommand.Create("br-int", packet, new TraceOptions { CtNext = new[] { CtStateSet.TrackedEstablished } }));
    }

    [Theory]
    [InlineData("br-int;reboot")]
    [InlineData("-br")]
    [InlineData("br int")]
    [InlineData("")]
    public void TraceCommandRejectsBadBridge(string bridge)
    {
        var packet = new PacketSpec { InPort = PortRef.Numbered(1) };
        Assert.Throws<PacketValidationException>(() => TraceCommand.Create(bridge, packet));
        Assert.Throws<PacketValidationException>(() => new TraceCommand(bridge, "in_port=1,ip", Array.Empty<string>()).ToArgv());
    }

    [Theory]
    [InlineData("in_port=1,ip;reboot")]
    [InlineData("in_port=1,ip,actions=drop")]
    [InlineData("in_port=1, ip")]
    [InlineData("in_port=1,table=60,ip")]
    [InlineData("in_port=1,ip,nw_dst=-1")]
    [InlineData("in_port=1,ip,nw_dst=10.0.0.0/8")]
    [InlineData("in_port=1,ip,")]
    [InlineData("")]
    public void HandBuiltTraceCommandsAreRecheckedWhenRendered(string flow)
    {
        var ex = Assert.Throws<PacketValidationException>(() => new TraceCommand("br-int", flow, Array.Empty<string>()).ToArgv());
        Assert.Equal("flow", ex.Field);
    }

    [Theory]
    [InlineData("--ct-next")]
    [InlineData("--ct-next", "trk|est")]
    [InlineData("--ct-next", "new")]
    [InlineData("--generate")]
    [InlineData("--ct-next", "trk,est", "extra")]
    public void HandBuiltOptionsAreRechecked(params string[] options)
    {
        var ex = Assert.Throws<PacketValidationException>(() => new TraceCommand("br-int", "in_port=1,ip", options).ToArgv());
        Assert.Equal("options", ex.Field);
    }
}
