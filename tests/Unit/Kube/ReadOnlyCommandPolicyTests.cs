using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Kube;

public class ReadOnlyCommandPolicyTests
{
    private const string Root = "/usr/local/var/lib/opflex-agent-ovs";

    public static TheoryData<string[]> Allowed() => new()
    {
        new[] { "ovs-appctl", "ofproto/trace", "br-access", "in_port=veth5a3b1c2d,tcp,nw_src=10.1.0.11,nw_dst=10.1.0.12,tcp_dst=80" },
        new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=vxlan0,tun_id=0x3d6d,tcp,ct_state=trk|est,ct_mark=0x1", "--ct-next", "trk,est" },
        new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,ip", "--ct-next", "trk,est", "--ct-next", "rpl,est,trk" },
        new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,icmp6,ipv6_src=fd00::1,icmpv6_type=135,nd_target=fd00::2" },
        new[] { "ovs-appctl", "dpif/show" },
        new[] { "ovs-ofctl", "show", "br-int" },
        new[] { "ovs-ofctl", "-O", "OpenFlow13", "show", "br-access" },
        new[] { "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "br-int" },
        new[] { "ovs-ofctl", "dump-flows", "br-int", "table=6" },
        new[] { "ovs-ofctl", "-O", "OpenFlow15", "dump-groups", "br-int" },
        new[] { "ovs-vsctl", "show" },
        new[] { "ovs-vsctl", "list-ports", "br-int" },
        new[] { "cat", Root + "/endpoints/5e1c1a2b-1111-2222-3333-444455556666_abcd_veth5a3b1c2d.ep" },
        new[] { "cat", Root + "/services/0f3e-uid.service" },
        new[] { "cat", Root + "/services/0f3e-uid-external.service" },
        new[] { "cat", Root + "/snats/snat-policy.snat" },
        new[] { "cat", Root + "/ids/secGroupSet.id" },
        new[] { "ls", Root + "/endpoints" },
        new[] { "ls", Root + "/ids/" },
        new[] { "gbp_inspect", "-fprq", "DmtreeRoot", "-t", "dump" },
        new[] { "gbp_inspect", "-prq", "EpdrL2Discovered" },
        new[] { "gbp_inspect", "-fpq", "GbpeInstContext,/PolicyUniverse/PolicySpace/common/GbpEpGroup/kube%7ckube-default/GbpeInstContext/", "-t", "dump" },
        new[] { "gbp_inspect", "-fprq", "GbpEpGroup", "-q", "GbpeL24Classifier", "-t", "dump" },
        new[] { "gbp_inspect", "-u", "-x", "-qGbpEpGroup", "-tlist" },
        new[] { "/bin/sh", "-c", InPodScripts.NodeFacts.Text, "sh", "node" },
        new[] { "sh", "-c", InPodScripts.NodeFacts.Text, "sh", "node", "policy", "pod=5e1c1a2b-1111-2222-3333-444455556666", "service=0f3e-uid" },
    };

    public static TheoryData<string[], string> Refused() => new()
    {
        { Array.Empty<string>(), "empty" },
        { new[] { "ovs-ofctl", "add-flow", "br-int", "table=0,actions=drop" }, "not a read-only" },
        { new[] { "ovs-ofctl", "del-flows", "br-int" }, "not a read-only" },
        { new[] { "ovs-ofctl", "-O", "OpenFlow13", "mod-port", "br-int", "1", "down" }, "not a read-only" },
        { new[] { "ovs-ofctl", "show", "br-int", "extra" }, "only" },
        { new[] { "ovs-ofctl", "dump-flows", "br-int", "table=6", "--readd" }, "only" },
        { new[] { "ovs-ofctl", "dump-flows", "br-int", "cookie=1" }, "only" },
        { new[] { "ovs-ofctl", "-O", "OpenFlow99", "show", "br-int" }, "OpenFlow version" },
        { new[] { "ovs-ofctl", "show", "br-int;reboot" }, "bridge" },
        { new[] { "ovs-vsctl", "set", "bridge", "br-int", "fail_mode=standalone" }, "only" },
        { new[] { "ovs-vsctl", "del-br", "br-int" }, "only" },
        { new[] { "ovs-vsctl", "--", "show" }, "only" },
        { new[] { "ovs-vsctl", "list-ports", "br-int", "&&", "reboot" }, "only" },
        { new[] { "ovs-appctl", "exit" }, "only" },
        { new[] { "ovs-appctl", "vlog/set", "dbg" }, "only" },
        { new[] { "ovs-appctl", "dpif/show", "extra" }, "only" },
        { new[] { "ovs-appctl", "ofproto/trace", "br-int" }, "only" },
        { new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,ip;reboot" }, "" },
        { new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,ip", "&&", "reboot" }, "not allowed" },
        { new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,ip", "--ct-next" }, "needs a value" },
        { new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,ip", "--ct-next", "new" }, "not a valid conntrack state" },
        { new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,ip", "--generate" }, "not allowed" },
        { new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,ip,actions=drop" }, "not an allowed trace field" },
        { new[] { "ovs-appctl", "ofproto/trace", "--help", "in_port=1,ip" }, "bridge" },
        { new[] { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,ip", "--ct-next", "trk|est" }, "not a valid conntrack state" },
        { new[] { "cat", Root + "/endpoints/../../../../etc/shadow" }, "not directly inside" },
        { new[] { "cat", Root + "/endpoints/.." }, "not a plain file name" },
        { new[] { "cat", Root + "/endpoints/" }, "not a plain file name" },
        { new[] { "cat", Root + "/endpoints/*" }, "not a plain file name" },
        { new[] { "cat", Root + "/endpoints/a.ep;reboot" }, "not a plain file name" },
        { new[] { "cat", Root + "/endpoints/a b.ep" }, "not a plain file name" },
        { new[] { "cat", Root + "/endpoints/-n" }, "not a plain file name" },
        { new[] { "cat", Root + "/endpoints/sub/a.ep" }, "not directly inside" },
        { new[] { "cat", Root + "/config/agent.conf" }, "not directly inside" },
        { new[] { "cat", "/etc/shadow" }, "not directly inside" },
        { new[] { "cat", "endpoints/a.ep" }, "not an absolute path" },
        { new[] { "cat", Root + "/endpoints/a.ep", "/etc/shadow" }, "exactly one" },
        { new[] { "cat", Root + "/endpoints/a.ep\n" }, "control characters" },
        { new[] { "ls", Root }, "not one of" },
        { new[] { "ls", Root + "/endpoints/.." }, "not one of" },
        { new[] { "ls", "-la", Root + "/endpoints" }, "exactly one" },
        { new[] { "ls", "/" }, "not one of" },
        { new[] { "gbp_inspect", "-w", "-q", "DmtreeRoot" }, "not allowed" },
        { new[] { "gbp_inspect", "-s", "/tmp/sock", "-q", "DmtreeRoot" }, "not allowed" },
        { new[] { "gbp_inspect", "-fpr" }, "needs a query" },
        { new[] { "gbp_inspect", "-q" }, "needs a value" },
        { new[] { "gbp_inspect", "-q", "Dmtree;Root" }, "class name" },
        { new[] { "gbp_inspect", "-t", "json", "-q", "DmtreeRoot" }, "output type" },
        { new[] { "gbp_inspect", "-q", "X,/a/../../etc" }, "policy URI" },
        { new[] { "gbp_inspect", "-u", "/PolicyUniverse/", "-q", "X" }, "unexpected" },
        { new[] { "gbp_inspect", "-o", "/tmp/out", "-q", "X" }, "not allowed" },
        { new[] { "gbp_inspect", "--load=/tmp/x", "-q", "X" }, "unexpected" },
        { new[] { "gbp_inspect", "DmtreeRoot" }, "unexpected" },
        { new[] { "sh", "-c", "ovs-ofctl del-flows br-int" }, "fixed scripts" },
        { new[] { "/bin/sh", "-c", InPodScripts.NodeFacts.Text + "; reboot", "sh", "node" }, "fixed scripts" },
        { new[] { "/bin/sh", "-c", InPodScripts.NodeFacts.Text }, "fixed scripts" },
        { new[] { "/bin/sh", "-c", InPodScripts.NodeFacts.Text, "sh", "extra" }, "fixed scripts" },
        { new[] { "/bin/sh", "-c", InPodScripts.NodeFacts.Text, "sh", "pod=*" }, "fixed scripts" },
        { new[] { "/bin/sh", "-c", InPodScripts.NodeFacts.Text, "sh", "pod=../../etc/x" }, "fixed scripts" },
        { new[] { "/bin/sh", "-c", InPodScripts.NodeFacts.Text, "x", "node" }, "fixed scripts" },
        { new[] { "bash", "-c", InPodScripts.NodeFacts.Text }, "not an allowed program" },
        { new[] { "/usr/bin/ovs-ofctl", "show", "br-int" }, "not an allowed program" },
        { new[] { "rm", "-rf", "/" }, "not an allowed program" },
        { new[] { "ovs-ofctl", "", "br-int" }, "empty" },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void AllowedCommands(string[] argv)
    {
        Assert.True(ReadOnlyCommandPolicy.IsAllowed(argv, out var reason), reason);
        ReadOnlyCommandPolicy.EnsureAllowed(argv);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusedCommands(string[] argv, string reasonPart)
    {
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(argv, out var reason));
        Assert.Contains(reasonPart, reason);
        var ex = Assert.Throws<AciTraceException>(() => ReadOnlyCommandPolicy.EnsureAllowed(argv));
        Assert.Equal("CommandNotAllowed", ex.ErrorId);
        Assert.Equal(AciErrorKind.InvalidOperation, ex.Kind);
    }

    [Fact]
    public void EveryRenderedTraceCommandIsAllowed()
    {
        var packet = new PacketSpec
        {
            InPort = PortRef.Named("vxlan0"), TunId = 0xffffff, TunSrc = "192.168.50.2", TunDst = "10.0.0.1", Protocol = PacketProtocol.Udp,
            EthSrc = "02:00:00:00:00:01", EthDst = "02:00:00:00:00:02", Vlan = new VlanSpec(10, 1), SourceAddress = "10.1.0.1",
            DestinationAddress = "10.96.0.10", Ttl = 64, SourcePort = 5353, DestinationPort = 53, CtState = CtStateSet.TrackedEstablishedReply,
            CtMark = 7, CtZone = 3, Registers = new Dictionary<int, uint> { [12] = 1 }, Metadata = 2,
        };
        var argv = TraceCommand.Create("br-int", packet, new TraceOptions { CtNext = new[] { CtStateSet.TrackedEstablished } }).ToArgv();
        Assert.True(ReadOnlyCommandPolicy.IsAllowed(argv, out var reason), reason);
    }

    [Fact]
    public void RegisteredScriptsContainNoControlCharactersAndOnlyReadAgentFiles()
    {
        foreach (var script in InPodScripts.All.Values)
        {
            Assert.DoesNotContain(script.Text, char.IsControl);
            string[] args = script.Arguments switch
            {
                InPodScriptArguments.AgentFileKeys => ["node"],
                InPodScriptArguments.TraceBatch => ["br-int", "in_port=1,tcp", "0"],
                _ => [],
            };
            Assert.True(ReadOnlyCommandPolicy.IsAllowed(new[] { "/bin/sh", "-c", script.Text }.Concat(args.Length > 0 ? args.Prepend("sh") : args).ToList(), out var reason), reason);
        }
        Assert.Contains(Root, InPodScripts.NodeFacts.Text);
    }
}
