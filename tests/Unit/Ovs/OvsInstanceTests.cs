using System.Diagnostics;
using AciTrace.Replay.Ovs;
using Xunit.Abstractions;

namespace AciTrace.Tests.Unit.Ovs;

/// <summary>One configured instance shared by the runner tests that do not stop it.</summary>
public sealed class OvsInstanceFixture : IAsyncLifetime
{
    public static readonly OvsTopology Topology = new(
    [
        new OvsBridgeSpec("br-a",
        [
            new OvsPortSpec("pod1", 7, OvsPortType.Dummy),
            new OvsPortSpec("pod2", 3, OvsPortType.Internal),
            new OvsPortSpec("pa-x", 100, OvsPortType.Patch, Peer: "pi-x"),
        ]),
        new OvsBridgeSpec("br-b",
        [
            new OvsPortSpec("pi-x", 42, OvsPortType.Patch, Peer: "pa-x"),
            new OvsPortSpec("vxlan0", 2, OvsPortType.Vxlan, Options: new Dictionary<string, string> { ["local_ip"] = "10.0.176.65" }),
        ]),
    ]);

    public OvsInstance Instance { get; private set; } = null!;
    public string Directory { get; } = OvsTestDirectory.Create("runner");
    public TimeSpan StartTime { get; private set; }
    public TimeSpan ConfigureTime { get; private set; }

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        Instance = await OvsInstance.StartAsync(Directory);
        StartTime = watch.Elapsed;
        watch.Restart();
        await Instance.ConfigureAsync(Topology);
        ConfigureTime = watch.Elapsed;
    }

    public async Task DisposeAsync()
    {
        await Instance.DisposeAsync();
        OvsTestDirectory.DeleteQuietly(Directory);
    }
}

public sealed class OvsInstanceTests(OvsInstanceFixture fixture, ITestOutputHelper output) : IClassFixture<OvsInstanceFixture>
{
    private OvsInstance Ovs => fixture.Instance;

    [Fact]
    public async Task StartAndStopLeaveNoDaemonBehind()
    {
        var dir = OvsTestDirectory.Create("life");
        try
        {
            var watch = Stopwatch.StartNew();
            var ovs = await OvsInstance.StartAsync(dir);
            output.WriteLine($"start: {watch.Elapsed.TotalMilliseconds:0} ms");
            var pids = new[] { ovs.OvsdbServerPid, ovs.VswitchdPid };
            Assert.Equal(pids.Order(), OvsInstance.FindDaemonProcesses(dir).Order());
            Assert.All(pids, pid => Assert.True(IsAlive(pid), $"pid {pid} should run"));
            Assert.True(File.Exists(ovs.ControlSocketPath));

            await ovs.DisposeAsync();
            Assert.Empty(OvsInstance.FindDaemonProcesses(dir));
            Assert.All(pids, pid => Assert.False(IsAlive(pid), $"pid {pid} should be gone"));
            await ovs.DisposeAsync(); // idempotent

            // The directory can host a new instance afterwards.
            await using var again = await OvsInstance.StartAsync(dir);
            Assert.Equal(2, OvsInstance.FindDaemonProcesses(dir).Count);
            await again.StopAsync();
            Assert.Empty(OvsInstance.FindDaemonProcesses(dir));
        }
        finally
        {
            OvsTestDirectory.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task SecondInstanceInSameDirectoryIsRefused()
    {
        var ex = await Assert.ThrowsAsync<OvsException>(() => OvsInstance.StartAsync(fixture.Directory));
        Assert.Contains("already run", ex.Message);
    }

    [Fact]
    public async Task ConfigureHonoursRequestedOfPortsAndBridgeSettings()
    {
        output.WriteLine($"start {fixture.StartTime.TotalMilliseconds:0} ms, configure {fixture.ConfigureTime.TotalMilliseconds:0} ms");
        foreach (var port in OvsInstanceFixture.Topology.Bridges.SelectMany(b => b.Ports))
        {
            var ofport = await Ovs.VsCtlAsync("get", "Interface", port.Name, "ofport");
            Assert.Equal(port.OfPort.ToString(), ofport.Trim());
        }
        Assert.Equal("dummy", (await Ovs.VsCtlAsync("get", "Bridge", "br-a", "datapath_type")).Trim());
        Assert.Equal("secure", (await Ovs.VsCtlAsync("get", "Bridge", "br-b", "fail_mode")).Trim());
        var show = await Ovs.AppCtlAsync("dpif/show");
        Assert.Contains("pa-x 100/none: (patch: peer=pi-x)", show);
        Assert.Contains("vxlan0 2/8472: (vxlan: dst_port=8472, key=flow, local_ip=10.0.176.65, remote_ip=flow)", show);
        // Datapath ports pinned in topology order: br-a local, pod1, pod2, br-b local.
        Assert.Contains("br-a 65534/1: (dummy-internal)", show);
        Assert.Contains("pod1 7/2: (dummy)", show);
        Assert.Contains("pod2 3/3: (dummy-internal)", show);
        Assert.Contains("br-b 65534/4: (dummy-internal)", show);
    }

    [Fact]
    public async Task VxlanOutputTracesAsKernelTunnel()
    {
        await Ovs.LoadFlowsAsync("br-b", "table=0,priority=5,in_port=42,udp,actions=load:0x8c8010->NXM_NX_TUN_ID[0..31],load:0xa000020->NXM_NX_TUN_IPV4_DST[],output:2");
        var trace = await Ovs.TraceAsync("br-b", "in_port=42,udp");
        Assert.Contains("-> output to kernel tunnel", trace);
        Assert.EndsWith("Datapath actions: set(tunnel(tun_id=0x8c8010,src=10.0.176.65,dst=10.0.0.32,ttl=64,tp_dst=8472,flags(df|key))),8472\n", trace);
    }

    [Fact]
    public async Task BundleWithABadLineInstallsNothing()
    {
        const string good = """
            # comment lines and blank lines are ignored

            table=70,priority=10,ip,actions=goto_table:71
            table=71,priority=10,ip,actions=group:7
            """;
        await Ovs.LoadFlowsAsync("br-a", good, "group_id=7,type=all,bucket=actions=output:7,bucket=actions=output:3");
        var before = await Ovs.OfCtlAsync("-O", "OpenFlow15", "dump-flows", "br-a", "--no-stats");
        Assert.Contains("group:7", before);

        var bad = "table=72,priority=10,ip,actions=goto_table:73\ntable=73,priority=10,ip,actions=group:77\n";
        var ex = await Assert.ThrowsAsync<OvsException>(() => Ovs.LoadFlowsAsync("br-a", bad, "group_id=8,type=all,bucket=actions=output:7"));
        Assert.Contains("OFPBAC_BAD_OUT_GROUP", ex.Message);
        Assert.Contains("OFPBAC_BAD_OUT_GROUP", ex.StandardError);
        Assert.Equal(before, await Ovs.OfCtlAsync("-O", "OpenFlow15", "dump-flows", "br-a", "--no-stats"));
        Assert.DoesNotContain("group_id=8", await Ovs.OfCtlAsync("-O", "OpenFlow15", "dump-groups", "br-a"));

        var syntax = await Assert.ThrowsAsync<OvsException>(() => Ovs.LoadFlowsAsync("br-a", "table=74,priority=10,actions=frobnicate"));
        Assert.Contains("frobnicate", syntax.Message);
    }

    [Fact]
    public async Task ControlSocketTraceEqualsOvsAppctlOutput()
    {
        await Ovs.LoadFlowsAsync("br-a", """
            table=0,priority=10,in_port=7,tcp,actions=ct(table=1,zone=5)
            table=1,priority=10,ct_state=+trk+new,tcp,actions=ct(commit,zone=5),output:100
            table=1,priority=10,ct_state=+trk+est,tcp,actions=output:3
            table=0,priority=10,in_port=3,actions=output:100
            """);
        var cases = new (string Bridge, string Flow, string[] Options)[]
        {
            ("br-a", "in_port=pod1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tcp_dst=80", []),
            ("br-a", "in_port=pod1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tcp_dst=80", ["--ct-next", "trk,est"]),
            ("br-a", "in_port=3,udp", []),
            ("br-a", "in_port=99,udp", []),
        };
        foreach (var (bridge, flow, options) in cases)
        {
            var watch = Stopwatch.StartNew();
            var viaSocket = await Ovs.TraceAsync(bridge, flow, options);
            var socketTime = watch.Elapsed;
            watch.Restart();
            var viaAppctl = await Ovs.AppCtlAsync(["ofproto/trace", bridge, flow, .. options], CancellationToken.None);
            output.WriteLine($"socket {socketTime.TotalMilliseconds:0.00} ms, ovs-appctl {watch.Elapsed.TotalMilliseconds:0.00} ms");
            // Only the per-trace recirculation ids may differ between two runs.
            Assert.Equal(TraceNormalizer.Normalize(viaAppctl), TraceNormalizer.Normalize(viaSocket));
            if (!viaSocket.Contains("recirc("))
            {
                Assert.Equal(viaAppctl, viaSocket);
            }
            Assert.StartsWith("Flow: ", viaSocket);
        }

        Ovs.UseControlSocket = false;
        try
        {
            Assert.Equal(await Ovs.AppCtlAsync("ofproto/trace", "br-a", "in_port=3,udp"), await Ovs.TraceAsync("br-a", "in_port=3,udp"));
        }
        finally
        {
            Ovs.UseControlSocket = true;
        }
    }

    [Fact]
    public async Task TraceErrorsCarryOvsMessage()
    {
        var unknown = await Assert.ThrowsAsync<OvsException>(() => Ovs.TraceAsync("br-nope", "in_port=1"));
        Assert.Equal("br-nope: unknown bridge", unknown.Message);
        var badFlow = await Assert.ThrowsAsync<OvsException>(() => Ovs.TraceAsync("br-a", "in_port=1,frob=2"));
        Assert.Contains("frob", badFlow.Message);

        // The connection survives errors.
        Assert.StartsWith("Flow: ", await Ovs.TraceAsync("br-a", "in_port=3,udp"));

        var appctl = await Assert.ThrowsAsync<OvsException>(() => Ovs.AppCtlAsync("ofproto/trace", "br-nope", "in_port=1"));
        Assert.Equal(2, appctl.ExitCode);
        Assert.Equal("br-nope: unknown bridge\novs-appctl: ovs-vswitchd: server returned an error\n", appctl.StandardError);
    }

    [Fact]
    public async Task InvalidInputIsRejectedBeforeAnyCommandRuns()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Ovs.TraceAsync("br-a", "in_port=1\nfoo"));
        await Assert.ThrowsAsync<ArgumentException>(() => Ovs.LoadFlowsAsync("br a", "table=0,actions=drop"));
        await Assert.ThrowsAsync<ArgumentException>(() => Ovs.ConfigureAsync(new OvsTopology(
            [new OvsBridgeSpec("br-c", [new OvsPortSpec("p1", 1, OvsPortType.Vxlan, Options: new Dictionary<string, string> { ["remote_ip"] = "1.2.3.4 -- del-br br-a" })])])));
        await Assert.ThrowsAsync<ArgumentException>(() => Ovs.ConfigureAsync(new OvsTopology(
            [new OvsBridgeSpec("br-c", [new OvsPortSpec("p1", 0, OvsPortType.Dummy)])])));
        Assert.Contains("br-a", await Ovs.VsCtlAsync("list-br"));
        Assert.DoesNotContain("br-c", await Ovs.VsCtlAsync("list-br"));
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
