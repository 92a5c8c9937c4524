using AciTrace.Replay.Exec;
using AciTrace.Lab.Api;

namespace AciTrace.Tests.Lab.Api;

/// <summary>The read-only allowlist, case by case (no server needed).</summary>
public sealed class LabExecAllowlistTests
{
    private const string Ovs = "aci-containers-openvswitch";

    [Theory]
    [InlineData("ovs-appctl ofproto/trace br-int in_port=3,tcp,nw_dst=10.0.0.1 --ct-next trk,est")]
    [InlineData("/usr/bin/ovs-appctl --timeout=10 ofproto/trace br-access in_port=1")]
    [InlineData("ovs-appctl dpif/show")]
    [InlineData("ovs-appctl version")]
    [InlineData("ovs-ofctl show br-int")]
    [InlineData("ovs-ofctl -O OpenFlow13 dump-flows br-int table=10")]
    [InlineData("ovs-ofctl -OOpenFlow15 --names dump-groups br-int")]
    [InlineData("ovs-ofctl --protocols=OpenFlow13 dump-ports-desc br-access")]
    [InlineData("ovs-vsctl show")]
    [InlineData("ovs-vsctl list-ports br-int")]
    [InlineData("ovs-vsctl --format=csv --data=bare --no-headings --columns=name,ofport list Interface")]
    [InlineData("ovs-vsctl get Interface vxlan0 ofport")]
    [InlineData("cat /usr/local/var/lib/opflex-agent-ovs/ids/service.id /usr/local/var/lib/opflex-agent-ovs/ids/conntrack.id")]
    [InlineData("ls /usr/local/var/lib/opflex-agent-ovs/endpoints/")]
    [InlineData("ls -1 /usr/local/var/lib/opflex-agent-ovs")]
    public void ReadOnlyOvsPodCommandsPass(string command)
    {
        PodExecDecision d = PodExecAllowlist.Check(PodExecAllowlist.OpenVswitchRole, Ovs, command.Split(' '));
        Assert.True(d.Allowed, d.Message);
        Assert.Equal(0, d.ExitCode);
    }

    [Theory]
    [InlineData("ovs-ofctl add-flow br-int actions=drop")]
    [InlineData("ovs-ofctl del-flows br-int")]
    [InlineData("ovs-ofctl mod-port br-int 1 down")]
    [InlineData("ovs-ofctl show tcp:10.0.0.1:6653")]
    [InlineData("ovs-ofctl show unix:/var/run/x.mgmt")]
    [InlineData("ovs-ofctl -O OpenFlow99 show br-int")]
    [InlineData("ovs-ofctl dump-flows")]
    [InlineData("ovs-vsctl del-br br-int")]
    [InlineData("ovs-vsctl set Interface veth1 ofport_request=5")]
    [InlineData("ovs-vsctl list-br -- del-br br-int")]
    [InlineData("ovs-vsctl --db=tcp:1.2.3.4:6640 show")]
    [InlineData("ovs-vsctl get Interface veth1 ofport --if-exists")]
    [InlineData("ovs-appctl exit")]
    [InlineData("ovs-appctl -t ovsdb-server ovsdb/compact")]
    [InlineData("ovs-appctl vlog/set dbg")]
    [InlineData("ovs-appctl ofproto/trace br-int in_port=1 -generate")]
    [InlineData("ovs-appctl ofproto/trace")]
    [InlineData("cat /etc/shadow")]
    [InlineData("cat /usr/local/var/lib/opflex-agent-ovs/ids/../../../../etc/shadow")]
    [InlineData("cat /usr/local/var/lib/opflex-agent-ovs/./ids/service.id")]
    [InlineData("cat /usr/local/var/lib/opflex-agent-ovs//ids/service.id")]
    [InlineData("cat /usr/local/var/lib/opflex-agent-ovs/reboot.conf")]
    [InlineData("cat -v /usr/local/var/lib/opflex-agent-ovs/ids/service.id")]
    [InlineData("cat")]
    [InlineData("ls /")]
    [InlineData("ls -la /usr/local/var/lib/opflex-agent-ovs")]
    [InlineData("sh -c ls")]
    public void WritesAndOutsideReadsAreRefusedWith126(string command)
    {
        PodExecDecision d = PodExecAllowlist.Check(PodExecAllowlist.OpenVswitchRole, Ovs, command.Split(' '));
        Assert.False(d.Allowed);
        Assert.Equal(126, d.ExitCode);
        Assert.StartsWith("aci-lab: refused by the read-only exec allowlist: ", d.Message);
    }

    [Theory]
    [InlineData("openvswitch", Ovs, "/tmp/ovs-appctl version")]
    [InlineData("openvswitch", Ovs, "gbp_inspect -fprq DmtreeRoot -t dump")]
    [InlineData("host", "opflex-agent", "ovs-appctl version")]
    [InlineData("host", "aci-containers-host", "gbp_inspect -fprq DmtreeRoot -t dump")]
    [InlineData("host", "opflex-agent", "rm -rf /usr/local/var/lib/opflex-agent-ovs")]
    public void ToolsMissingFromTheContainerAreNotFound(string role, string container, string command)
    {
        PodExecDecision d = PodExecAllowlist.Check(role, container, command.Split(' '));
        Assert.Equal(127, d.ExitCode);
        Assert.Contains("executable file not found in $PATH", d.Message);
    }

    [Theory]
    [InlineData("gbp_inspect -fprq DmtreeRoot -t dump", true)]
    [InlineData("gbp_inspect -f -p -r -q DmtreeRoot -tdump", true)]
    [InlineData("gbp_inspect -rq GbpEpGroup,/PolicyUniverse/PolicySpace/kube/GbpEpGroup/x/ -t dump", true)]
    [InlineData("gbp_inspect -fprq GbpEpGroup -q GbpeL24Classifier -t dump", true)]
    [InlineData("gbp_inspect -u /PolicyUniverse/ -r -t dump", false)]
    [InlineData("gbp_inspect -o /tmp/x -q DmtreeRoot", false)]
    [InlineData("gbp_inspect -q GbpEpGroup", true)]
    [InlineData("gbp_inspect -fprq DmtreeRoot -t yaml", false)]
    [InlineData("gbp_inspect --socket /tmp/x.sock -q DmtreeRoot", false)]
    [InlineData("gbp_inspect -w", false)]
    [InlineData("gbp_inspect -q", false)]
    public void GbpInspectReadForms(string command, bool allowed)
    {
        Assert.Equal(allowed, PodExecAllowlist.Check(PodExecAllowlist.HostRole, "opflex-agent", command.Split(' ')).Allowed);
    }

    [Fact]
    public void ControlCharactersAndEmptyCommandsAreRefused()
    {
        Assert.False(PodExecAllowlist.Check("openvswitch", Ovs, ["ovs-appctl", "ofproto/trace", "br-int", "in_port=1\nexit"]).Allowed);
        Assert.False(PodExecAllowlist.Check("openvswitch", Ovs, []).Allowed);
        Assert.False(PodExecAllowlist.Check("unknown-role", Ovs, ["cat", "/usr/local/var/lib/opflex-agent-ovs/ids/x"]).Allowed);
    }

    [Fact]
    public void OnlyTheTracersFixedScriptsRunThroughSh()
    {
        var facts = AciTrace.Discovery.NodeFactsScript.Argv(["node", "pod=0006dcd9-b1e8-4fc1-aaaf-254c65fa1990"]);
        Assert.True(PodExecAllowlist.Check(PodExecAllowlist.HostRole, "opflex-agent", facts).Allowed);
        var injected = AciTrace.Discovery.NodeFactsScript.Argv(["pod=x;rm -rf /"]);
        Assert.Equal(126, PodExecAllowlist.Check(PodExecAllowlist.HostRole, "opflex-agent", injected).ExitCode);
        Assert.Equal(126, PodExecAllowlist.Check(PodExecAllowlist.OpenVswitchRole, Ovs, ["sh", "-c", "ovs-ofctl del-flows br-int"]).ExitCode);
    }
}
