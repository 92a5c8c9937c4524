using AciTrace.Engine;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>IPv6 traces between dual-stack pods of the demo lab (shop/client and shop/locked), end to end.</summary>
public sealed class Ipv6TraceTests(LabTraceFixture lab) : IClassFixture<LabTraceFixture>
{
    private static TraceRequest ClientTo(string pod) => new()
    {
        Kind = TraceKind.Pod, SourceNamespace = "shop", SourceName = "client", DestinationNamespace = "shop", DestinationName = pod,
        Protocol = TraceProtocol.Tcp, DestinationPort = 80, PreferIPv6 = true, IncludeReply = true,
    };

    [Fact]
    public async Task DualStackPodsTraceOverIPv6BothWays()
    {
        await using var session = LabSessions.Create(lab.Options);
        var result = await LabTraceFixture.RunAsync(session, ClientTo("locked"));
        Assert.Equal(TraceVerdict.Deliver, result.Request.Verdict);
        Assert.Contains(":", result.Request.SourceAddress ?? "", StringComparison.Ordinal);
        Assert.Contains(":", result.Request.DestinationAddress ?? "", StringComparison.Ordinal);
        Assert.Equal(TraceVerdict.Deliver, result.Reply!.Verdict);
        var commands = result.Events.OfType<VerboseEvent>().Select(e => e.Message).Where(m => m.Contains("ofproto/trace br-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(commands);
        Assert.All(commands.Where(c => c.StartsWith('[')), c => Assert.Contains(",tcp6,", c));
        Assert.All(commands.Where(c => c.StartsWith('[')), c => Assert.Contains("ipv6_dst=", c));
    }

    [Fact]
    public async Task IPv6ToASingleStackPodIsATypedError()
    {
        await using var session = LabSessions.Create(lab.Options);
        var e = await Assert.ThrowsAsync<AciTraceException>(() => LabTraceFixture.RunAsync(session, ClientTo("web-1")));
        Assert.Equal("NoIPv6Address", e.ErrorId);
        Assert.Contains("shop/web-1", e.Message);
    }
}
