using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Packets;

/// <summary>Rendered flows are fed to a real ovs-vswitchd; OVS must accept them and echo the same values.</summary>
public class OvsTraceAcceptanceTests : IClassFixture<PrivateOvs>
{
    private readonly PrivateOvs _ovs;

    public OvsTraceAcceptanceTests(PrivateOvs ovs) => _ovs = ovs;

    [Fact]
    public void RandomRenderedFlowsAreAcceptedAndEchoedByOvs()
    {
        foreach (var c in RandomPackets.Generate(seed: 31337, count: 60))
        {
            string flow = FlowStringBuilder.Build(c.Spec);
            var (code, stdout, stderr) = _ovs.Trace(flow);
            Assert.True(code == 0, $"OVS rejected '{flow}' ({code}): {stderr}");
            string flowLine = stdout.Split('\n').First(l => l.StartsWith("Flow: ", StringComparison.Ordinal))["Flow: ".Length..];
            var echoed = new Dictionary<string, string>();
            foreach (var token in flowLine.Split(','))
            {
                int eq = token.IndexOf('=');
                if (eq > 0) echoed.TryAdd(token[..eq], token[(eq + 1)..]);
            }
            foreach (var (key, value) in c.OvsEcho)
            {
                Assert.True(echoed.TryGetValue(key, out var got), $"OVS did not echo {key} for '{flow}': {flowLine}");
                Assert.True(value == got, $"{key}: rendered {value}, OVS understood {got} (flow '{flow}')");
            }
        }
    }

    [Theory]
    [InlineData("::60ed:afe7")]
    [InlineData("::ffff:10.1.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00:0:0:1::")]
    [InlineData("1:0:0:2:0:0:0:3")]
    [InlineData("1:0:0:2:0:0:3:4")]
    [InlineData("0:0:1::")]
    [InlineData("::0:0:102")]
    public void Ipv6EdgeFormsRenderAsOvsPrintsThem(string address)
    {
        string flow = FlowStringBuilder.Build(new PacketSpec { InPort = PortRef.Numbered(1), Protocol = PacketProtocol.Udp, DestinationAddress = address });
        string rendered = flow.Split(',').Single(t => t.StartsWith("ipv6_dst=", StringComparison.Ordinal));
        var (code, stdout, stderr) = _ovs.Trace(flow);
        Assert.True(code == 0, stderr);
        Assert.Contains("," + rendered + ",", stdout);
    }

    [Fact]
    public void TunIdIsMatchedWhenTunnelAddressesAreSet()
    {
        var (code, _, stderr) = _ovs.Exec("/usr/bin/ovs-ofctl",
            new[] { "add-flow", PrivateOvs.Bridge, "table=0,priority=10,tun_id=0xa54e9cef288a5ee2,in_port=200,actions=output:2" });
        Assert.True(code == 0, stderr);
        var packet = new PacketSpec { InPort = PortRef.Named("vxlan0"), TunId = 0xa54e9cef288a5ee2, TunSrc = "192.168.50.2", TunDst = "10.0.0.1" };
        var (traceCode, stdout, traceErr) = _ovs.Trace(FlowStringBuilder.Build(packet));
        Assert.True(traceCode == 0, traceErr);
        Assert.Contains("tun_id=0xa54e9cef288a5ee2,in_port=200, priority 10", stdout);
        Assert.Contains("    output:2", stdout);
    }

    [Fact]
    public void TraceCommandOptionsAreAcceptedByOvs()
    {
        var packet = new PacketSpec { InPort = PortRef.Named("veth5a3b1c2d"), Protocol = PacketProtocol.Udp, SourceAddress = "10.1.0.11", DestinationAddress = "10.96.0.10", DestinationPort = 53 };
        var cmd = TraceCommand.Create(PrivateOvs.Bridge, packet, new TraceOptions
        {
            CtNext = new[] { CtStateSet.TrackedEstablished, CtStateSet.Parse("rpl,est,trk"), CtStateSet.Parse("trk,inv") },
        });
        var argv = cmd.ToArgv();
        var (code, _, stderr) = _ovs.Exec("/usr/bin/ovs-appctl", argv.Skip(1));
        Assert.True(code == 0, stderr);
    }

    /// <summary>The OVS behaviours that shaped the builder (lab-feasibility.md §1.7); if OVS changes, revisit the builder.</summary>
    [Theory]
    [InlineData("in_port=1,udp,tp_dst=53", "prerequisites not met")]
    [InlineData("in_port=1,tcp,ct_state=+trk+est", "wildcards not allowed")]
    [InlineData("in_port=1,icmp6,icmp_type=128", "prerequisites not met")]
    [InlineData("nw_dst=10.1.0.1,in_port=1,ip", "prerequisites not met")]
    public void OvsRejectsTheFormsTheBuilderAvoids(string flow, string error)
    {
        var (code, _, stderr) = _ovs.Trace(flow);
        Assert.Equal(2, code);
        Assert.Contains(error, stderr);
    }

    [Fact]
    public void OvsSilentlyWrapsAnInvalidOctetWhichIsWhyWeValidate()
    {
        var (code, stdout, _) = _ovs.Trace("in_port=1,ip,nw_dst=10.1.0.999");
        Assert.Equal(0, code);
        Assert.Contains("nw_dst=10.1.0.231", stdout);
        Assert.Throws<PacketValidationException>(() => FlowStringBuilder.Build(new PacketSpec { InPort = PortRef.Numbered(1), DestinationAddress = "10.1.0.999" }));
    }

    [Fact]
    public void OvsRejectsCtNextWithoutTrkAsDoesCtStateSet()
    {
        var (code, _, stderr) = _ovs.Trace("in_port=1,tcp", "--ct-next", "new");
        Assert.Equal(2, code);
        Assert.Contains("If \"trk\" is unset", stderr);
        Assert.False(CtStateSet.TryParse("new", out _));
    }
}
