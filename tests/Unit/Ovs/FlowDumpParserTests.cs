using AciTrace.Ovs;

namespace AciTrace.Tests.Unit.Ovs;

public sealed class FlowDumpParserTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Flows", name));

    [Theory]
    [InlineData("node-b-br-access.txt")]
    [InlineData("node-b-br-int.txt")]
    public void EveryFlowOfARealDumpIsRead(string file)
    {
        var text = Fixture(file);
        var flows = FlowDumpParser.Parse(text);
        Assert.Equal(text.Split('\n').Count(l => l.TrimStart().StartsWith("cookie=", StringComparison.Ordinal)), flows.Count);
        Assert.All(flows, f => Assert.False(string.IsNullOrEmpty(f.Actions)));
        Assert.All(flows, f => Assert.DoesNotContain("send_flow_rem", f.Match, StringComparison.Ordinal));
        Assert.All(flows, f => Assert.DoesNotContain("duration", f.Match, StringComparison.Ordinal));
        Assert.Contains(flows, f => f.Cookie != "0x0");
    }

    [Fact]
    public void FieldsAreSplitAndTheDefaultPriorityIsOpenFlows()
    {
        var flows = FlowDumpParser.Parse("""
OFPST_FLOW reply (OF1.3) (xid=0x2):
 cookie=0x4000000000000000, duration=1.2s, table=9, n_packets=3, n_bytes=180, send_flow_rem priority=100,tcp,reg0=0x1,tp_dst=80 actions=drop
 cookie=0x0, duration=1.2s, table=2, n_packets=0, n_bytes=0, ip,nw_dst=10.2.0.0/16 actions=goto_table:3
not a flow
""");
        Assert.Equal(2, flows.Count);
        Assert.Equal(new FlowLine("0x4000000000000000", 9, 100, "tcp,reg0=0x1,tp_dst=80", "drop", 3, 180), flows[0]);
        Assert.Equal(new FlowLine("0x0", 2, 32768, "ip,nw_dst=10.2.0.0/16", "goto_table:3", 0, 0), flows[1]);
    }
}
