using AciTrace.Engine;

namespace AciTrace.Tests.Unit.Engine;

public sealed class ConnectivityMatrixTests
{
    private static ConnectivityProbe Probe(string src, string dst, int? port, TraceProtocol protocol = TraceProtocol.Tcp) =>
        new("ns", src, "ns", dst, port is null ? TraceProtocol.Icmp : protocol, port, "test");

    private static AciTraceSummary Summary(TraceVerdict verdict, string reason = "")
    {
        return new AciTraceSummary { Source = "x", Destination = "y" }.Decided(verdict, verdict.ToString(), reason, null);
    }

    [Fact]
    public void APairIsDeliverDropPartialOrUnknownOverItsPorts()
    {
        var probes = new[]
        {
            Probe("a", "b", 80), Probe("a", "b", 443),
            Probe("a", "c", 80), Probe("a", "c", 443),
            Probe("b", "a", null),
            Probe("c", "a", 80), Probe("c", "a", 443),
        };
        var traced = new Dictionary<ConnectivityProbe, AciTraceSummary>
        {
            [probes[0]] = Summary(TraceVerdict.Deliver), [probes[1]] = Summary(TraceVerdict.Deliver),
            [probes[2]] = Summary(TraceVerdict.Deliver), [probes[3]] = Summary(TraceVerdict.Drop, "NetworkPolicy ns/np"),
            [probes[4]] = Summary(TraceVerdict.Drop, "no contract"),
            [probes[5]] = Summary(TraceVerdict.Deliver),
        };
        var failed = new Dictionary<ConnectivityProbe, string> { [probes[6]] = "PodNotRunning: gone" };

        var m = ConnectivityMatrixBuilder.Build(probes, traced, failed);

        Assert.Equal(ConnectivityResult.Deliver, m["ns/a", "ns/b"]!.Result);
        Assert.Equal(ConnectivityResult.Partial, m["ns/a", "ns/c"]!.Result);
        Assert.Equal("80/TCP Deliver; 443/TCP Drop", m["ns/a", "ns/c"]!.Ports);
        Assert.Equal("NetworkPolicy ns/np", m["ns/a", "ns/c"]!.Reason);
        Assert.Equal(ConnectivityResult.Drop, m["ns/b", "ns/a"]!.Result);
        Assert.Equal("ICMP Drop", m["ns/b", "ns/a"]!.Ports);
        Assert.Equal(ConnectivityResult.Unknown, m["ns/c", "ns/a"]!.Result);
        Assert.Equal("PodNotRunning: gone", m["ns/c", "ns/a"]!.Reason);
        Assert.Null(m["ns/a", "ns/a"]);
        Assert.Equal((1, 1, 1, 1), (m.Delivered, m.Dropped, m.Partial, m.Unknown));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(200)]
    public void TheGridFitsTheWidthAndContinuesInBlocks(int width)
    {
        var pods = Enumerable.Range(1, 60).Select(i => $"pod-with-a-long-name-{i:00}").ToList();
        var probes = pods.SelectMany(s => pods.Where(d => d != s).Select(d => Probe(s, d, 80))).ToList();
        var traced = probes.ToDictionary(p => p, p => Summary(p.Source.GetHashCode() % 2 == 0 ? TraceVerdict.Deliver : TraceVerdict.Drop));
        var m = ConnectivityMatrixBuilder.Build(probes, traced, new Dictionary<ConnectivityProbe, string>());
        var lines = m.Render(width).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        // Destinations that do not fit continue in another block: every block has a numbered header and a row per source.
        var headers = lines.Where(l => l.Trim().Length > 0 && l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).All(t => int.TryParse(t, out _))).ToList();
        Assert.NotEmpty(headers);
        Assert.Equal(60, headers.Sum(h => h.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
        Assert.Equal(60 * headers.Count, lines.Count(l => l.StartsWith("ns/pod-with-a", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("60 ns/pod-with-a-long", StringComparison.Ordinal));
    }
}
