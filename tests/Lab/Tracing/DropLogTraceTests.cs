using AciTrace.Engine;
using AciTrace.Lab;
using AciTrace.Tests.Lab.Nodes;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>The research two-node lab, whose nodes export drops to real Geneve drop-log ports (dropLog: true).</summary>
public sealed class DropLogLabFixture : IAsyncLifetime
{
    private string _state = "";

    public LabEnvironment Env { get; private set; } = null!;

    public ITraceSession Session { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _state = Directory.CreateTempSubdirectory("acitrace-lab-droplog-").FullName;
        Env = await LabEnvironment.StartAsync(LabTestSupport.Sample("research-two-node.yaml"), _state);
        Session = LabSessions.Create(new ClusterOptions { Kubeconfig = Env.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) });
    }

    public async Task DisposeAsync()
    {
        await Session.DisposeAsync();
        await Env.DisposeAsync();
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }
}

public sealed class DropLogTraceTests(DropLogLabFixture lab) : IClassFixture<DropLogLabFixture>
{
    private static TraceRequest Pod(string from, string to, int port) => new()
    {
        Kind = TraceKind.Pod,
        SourceNamespace = from.Split('/')[0], SourceName = from.Split('/')[1],
        DestinationNamespace = to.Split('/')[0], DestinationName = to.Split('/')[1],
        Protocol = TraceProtocol.Tcp, DestinationPort = port,
    };

    [Fact]
    public async Task AnExportedDropIsNotATunnel()
    {
        // a2's egress policy drops TCP 80; drop logging exports the packet through the Geneve port gen2, and OVS's
        // datapath action is set(tunnel(tun_id=0x2,dst=<node VTEP>,...geneve(...))): the log's tunnel, not the packet's.
        var result = await LabTraceFixture.RunAsync(lab.Session, Pod("team-a/a2", "team-a/a1", 80));
        Assert.Equal(TraceVerdict.Drop, result.Request.Verdict);
        var drop = Assert.Single(result.Passes, p => p.Verdict == TraceVerdict.Drop);
        Assert.Null(drop.TunnelId);
        Assert.Null(drop.TunnelDestination);
        Assert.Null(result.Request.TunnelId);
        Assert.Contains("set(tunnel(", drop.DatapathActions);
    }

    [Fact]
    public async Task ADeliveredPacketStillCarriesItsVxlanTunnelId()
    {
        var result = await LabTraceFixture.RunAsync(lab.Session, Pod("team-a/a1", "team-a/b1", 8080));
        Assert.Equal(TraceVerdict.Deliver, result.Request.Verdict);
        Assert.Equal("0x8c8010", result.Request.TunnelId);
    }
}
