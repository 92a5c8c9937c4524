using AciTrace.Ovs;
using AciTrace.Replay.Ovs;
using AciTrace.Replay.Snapshot;

namespace AciTrace.Tests.Unit.Replay;

/// <summary>Recorded OVS answers (real ones, captured from the demo lab's OVS) back into what rebuilds the node.</summary>
public sealed class RecordedDatapathTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    [Fact]
    public void DpifShowGivesEveryBridgeAndPortWithItsNumberAndKind()
    {
        var topology = RecordedDatapath.Topology(Fixture("Snapshot/node-a-dpif-show.txt"));

        Assert.Equal(["br-access", "br-int"], topology.Bridges.Select(b => b.Name));
        var access = topology.Bridges[0].Ports.ToDictionary(p => p.Name);
        var integration = topology.Bridges[1].Ports.ToDictionary(p => p.Name);
        Assert.DoesNotContain("br-access", access.Keys);
        Assert.Equal(new OvsPortSpec("vethcb41d8d4", 3, OvsPortType.Dummy), access["vethcb41d8d4"]);
        Assert.Equal(new OvsPortSpec("pa-vethcb41d8d4", 4, OvsPortType.Patch, "pi-vethcb41d8d4"), access["pa-vethcb41d8d4"]);
        Assert.Equal(OvsPortType.Dummy, integration["eth1"].Type);
        var vxlan = integration["vxlan0"];
        Assert.Equal((2, OvsPortType.Vxlan), (vxlan.OfPort, vxlan.Type));
        Assert.Equal("10.0.176.65", vxlan.Options!["local_ip"]);
        Assert.Equal("8472", vxlan.Options["dst_port"]);
        // Every port of the answer, the bridges' own ports left out.
        var portLines = Fixture("Snapshot/node-a-dpif-show.txt").Split('\n').Count(l => l.StartsWith("    ", StringComparison.Ordinal));
        Assert.Equal(portLines - 2, topology.Bridges.Sum(b => b.Ports.Count));
    }

    [Fact]
    public void KernelNodePortsBecomeDummyAndInternalPortsStayInternal()
    {
        const string kernelNode = "system@ovs-system: hit:1 missed:2\n  br-int:\n    br-int 65534/1: (internal)\n    gen1 7/none: (geneve: remote_ip=flow)\n" +
            "    pi-veth1 3/none: (patch: peer=pa-veth1)\n    veth1 5/3: (system)\n    vxlan0 2/4: (vxlan: key=flow, remote_ip=flow)\n    mgmt 9/6: (internal)\n";

        var ports = RecordedDatapath.Topology(kernelNode).Bridges.Single().Ports.ToDictionary(p => p.Name);

        Assert.Equal(OvsPortType.Dummy, ports["veth1"].Type);
        Assert.Equal(OvsPortType.Internal, ports["mgmt"].Type);
        Assert.Equal(OvsPortType.Geneve, ports["gen1"].Type);
        Assert.Equal("pa-veth1", ports["pi-veth1"].Peer);
        Assert.Equal("flow", ports["vxlan0"].Options!["key"]);
        Assert.False(ports.ContainsKey("br-int"));
    }

    [Fact]
    public void FlowsKeepEverythingButCountersAndTimeouts()
    {
        var dump = Fixture("Flows/node-b-br-int.txt");

        var flows = RecordedDatapath.Flows(dump);

        var before = FlowDumpParser.Parse(dump);
        var after = FlowDumpParser.Parse(flows);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(before.Select(f => (f.Cookie, f.Table, f.Priority, f.Match, f.Actions)), after.Select(f => (f.Cookie, f.Table, f.Priority, f.Match, f.Actions)));
        Assert.DoesNotContain("duration=", flows, StringComparison.Ordinal);
        Assert.DoesNotContain("n_packets=", flows, StringComparison.Ordinal);

        var aging = RecordedDatapath.Flows(" cookie=0x5, duration=3.1s, table=2, n_packets=7, n_bytes=420, idle_timeout=60, hard_timeout=300, send_flow_rem check_overlap idle_age=1, priority=10,ip actions=meter:3,goto_table:4\n");
        Assert.Equal("cookie=0x5,table=2,send_flow_rem,priority=10,ip actions=goto_table:4\n", aging);
    }

    [Fact]
    public void GroupsAndTheTunnelMetadataMapComeBackInTheirAddSyntax()
    {
        var groups = RecordedDatapath.Groups(Fixture("Snapshot/node-a-dump-groups-br-int.txt"));
        Assert.StartsWith("group_id=1,type=all,bucket=actions=output:3,bucket=actions=output:4,", groups, StringComparison.Ordinal);
        Assert.DoesNotContain("bucket_id", groups, StringComparison.Ordinal);
        Assert.Contains("selection_method=dp_hash", RecordedDatapath.Groups(" group_id=2,type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=output:1\n"), StringComparison.Ordinal);
        Assert.Single(groups.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var map = RecordedDatapath.TlvMap(Fixture("Snapshot/node-a-dump-tlv-map-br-int.txt"));
        Assert.StartsWith("{class=0xffff,type=0,len=4}->tun_metadata0,{class=0xffff,type=0x1,len=4}->tun_metadata1,", map, StringComparison.Ordinal);
        Assert.Contains("{class=0xffff,type=0xb,len=16}->tun_metadata11", map, StringComparison.Ordinal);
        Assert.Equal(15, map.Split("->").Length - 1);
        Assert.Equal("", RecordedDatapath.TlvMap("NXT_TLV_TABLE_REPLY (xid=0x2):\n max option space=256 max fields=64\n allocated option space=0\n\n mapping table:\n  class  type  length  match field\n ------  ----  ------  --------------\n"));
    }

    [Fact]
    public void OneTableOfADumpIsWhatDumpFlowsOfThatTablePrints()
    {
        var dump = Fixture("Flows/node-b-br-int.txt");

        var table = RecordedDatapath.FlowsOfTable(dump, 4);

        var expected = FlowDumpParser.Parse(dump).Where(f => f.Table == 4).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, FlowDumpParser.Parse(table));
        Assert.StartsWith("OFPST_FLOW reply", table, StringComparison.Ordinal);
    }
}
