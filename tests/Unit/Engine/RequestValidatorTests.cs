using AciTrace.Engine;

namespace AciTrace.Tests.Unit.Engine;

public class RequestValidatorTests
{
    private static TraceRequest Pod(string src = "a1", string dst = "b1") =>
        new() { Kind = TraceKind.Pod, SourceNamespace = "team-a", SourceName = src, DestinationNamespace = "team-b", DestinationName = dst, Protocol = TraceProtocol.Tcp, DestinationPort = 80 };

    [Fact]
    public void AValidRequestPasses() => RequestValidator.Validate(Pod());

    [Theory]
    [InlineData("A1")]
    [InlineData("a1;rm")]
    [InlineData("a1/b")]
    [InlineData("")]
    public void BadPodNamesAreRejectedBeforeAnyClusterCall(string name)
    {
        var e = Assert.ThrowsAny<AciTraceException>(() => RequestValidator.Validate(Pod(src: name)));
        Assert.Equal(AciErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void PortsOutOfRangeAreRejected()
    {
        var e = Assert.ThrowsAny<AciTraceException>(() => RequestValidator.Validate(Pod() with { DestinationPort = 70000 }));
        Assert.Equal(AciErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void PortsWithIcmpAreRejected()
    {
        var e = Assert.Throws<AciTraceException>(() => RequestValidator.Validate(Pod() with { Protocol = TraceProtocol.Icmp }));
        Assert.Equal("InvalidPacketField", e.ErrorId);
    }

    [Fact]
    public void ArpToAServiceIsRejected()
    {
        var r = new TraceRequest { Kind = TraceKind.Service, SourceName = "a1", DestinationName = "dns", Protocol = TraceProtocol.Arp };
        Assert.Equal("InvalidPacketField", Assert.Throws<AciTraceException>(() => RequestValidator.Validate(r)).ErrorId);
    }

    [Theory]
    [InlineData("10.1.0.999")]
    [InlineData("10.1")]
    [InlineData("example.com")]
    public void ExternalAddressesAreStrict(string address)
    {
        var r = new TraceRequest { Kind = TraceKind.External, SourceName = "a1", DestinationAddress = address, Protocol = TraceProtocol.Tcp, DestinationPort = 443 };
        var e = Assert.ThrowsAny<AciTraceException>(() => RequestValidator.Validate(r));
        Assert.Equal(AciErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void ExternalTcpNeedsADestinationPort()
    {
        var r = new TraceRequest { Kind = TraceKind.External, SourceName = "a1", DestinationAddress = "93.184.216.34", Protocol = TraceProtocol.Tcp };
        Assert.Equal("DestinationPortRequired", Assert.Throws<AciTraceException>(() => RequestValidator.Validate(r)).ErrorId);
    }
}
