using AciTrace.Engine;
using AciTrace.Lab.GroundTruth;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// Get-AciConnectivity's engine side on the demo lab: the pairs and ports of a scope are what the cluster declares,
/// and every probe's verdict equals the ground truth computed from the spec alone.
/// </summary>
[Collection(DemoLabCollection.Name)]
public sealed class ConnectivityTests(LabTraceFixture lab, ITestOutputHelper output)
{
    [Fact]
    public async Task TheScopeIsEveryRunningPodPairOnTheirDeclaredPorts()
    {
        var probes = await lab.Session.PlanConnectivityAsync(new ConnectivityScope { Namespaces = ["shop", "data", "jobs"] }, CancellationToken.None);
        var expectedPods = lab.Cluster.Pods.Where(p => p.HasVeth && p.Namespace is "shop" or "data" or "jobs").Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedPods, probes.Select(p => p.Source).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(expectedPods, probes.Select(p => p.Destination).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(probes, p => p.Source == p.Destination);
        foreach (var dst in lab.Cluster.Pods.Where(p => expectedPods.Contains(p.Key)))
        {
            var ports = probes.Where(p => p.Destination == dst.Key).Select(p => (p.Protocol, p.Port)).Distinct().ToList();
            var declared = dst.Ports.Select(cp => (cp.Protocol.Equals("UDP", StringComparison.OrdinalIgnoreCase) ? TraceProtocol.Udp : TraceProtocol.Tcp, (int?)cp.Port)).ToList();
            // Every container port is probed; a pod that declares none (and no Service sends to) gets ICMP echo.
            Assert.All(declared, d => Assert.Contains(d, ports));
            if (declared.Count == 0 && ports.All(p => p.Protocol == TraceProtocol.Icmp)) Assert.Equal([(TraceProtocol.Icmp, (int?)null)], ports);
        }
    }

    [Fact]
    public async Task EveryProbeOfTheShopNamespaceMatchesTheGroundTruth()
    {
        var probes = await lab.Session.PlanConnectivityAsync(new ConnectivityScope { Namespaces = ["shop"] }, CancellationToken.None);
        Assert.True(probes.Count >= 20, $"only {probes.Count} probes");
        var traced = new Dictionary<ConnectivityProbe, AciTraceSummary>();
        foreach (var probe in probes)
        {
            var result = await LabTraceFixture.RunAsync(lab.Session, probe.ToRequest());
            traced[probe] = result.Request;
            var src = lab.Cluster.Pods.Single(p => p.Key == probe.Source);
            var dst = lab.Cluster.Pods.Single(p => p.Key == probe.Destination);
            var truth = lab.Truth.Evaluate(new PacketQuery(src, dst.Ip, probe.Protocol.ToString(), DestinationPort: probe.Port)).Single();
            output.WriteLine($"{probe.Source} -> {probe.Destination} {probe.Protocol}/{probe.Port} ({probe.PortOrigin}): {result.Request.Verdict}, truth {truth.Verdict}");
            Assert.True(truth.Verdict == result.Request.Verdict, $"{probe}: traced {result.Request.Verdict} ({result.Request.Reason}); truth {truth.Verdict} ({truth.Reason})");
        }
        var matrix = ConnectivityMatrixBuilder.Build(probes, traced, new Dictionary<ConnectivityProbe, string>());
        Assert.Equal(probes.Select(p => (p.Source, p.Destination)).Distinct().Count(), matrix.Cells.Count);
        Assert.True(matrix.Delivered > 0 && matrix.Dropped > 0, matrix.ToString());
        foreach (var width in new[] { 80, 120, 200 })
            Assert.All(matrix.Render(width).Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= width, $"a line of {line.Length} characters at width {width}: {line}"));
    }

    [Fact]
    public async Task BatchedLegsGiveTheSameVerdictsInFewerExecs()
    {
        // 16 probes in flight through a session that batches legs, as Get-AciConnectivity runs them.
        await using var session = TraceSessionFactory.Create(new Kube.KubectlClient(lab.Options), batchLegs: true);
        var probes = await session.PlanConnectivityAsync(new ConnectivityScope { Namespaces = ["shop", "data"] }, CancellationToken.None);
        using var gate = new SemaphoreSlim(16);
        var results = await Task.WhenAll(probes.Select(async probe =>
        {
            await gate.WaitAsync();
            try
            {
                return (probe, (await LabTraceFixture.RunAsync(session, probe.ToRequest())).Request);
            }
            finally
            {
                gate.Release();
            }
        }));
        foreach (var (probe, request) in results)
        {
            var src = lab.Cluster.Pods.Single(p => p.Key == probe.Source);
            var dst = lab.Cluster.Pods.Single(p => p.Key == probe.Destination);
            var truth = lab.Truth.Evaluate(new PacketQuery(src, dst.Ip, probe.Protocol.ToString(), DestinationPort: probe.Port)).Single();
            Assert.True(truth.Verdict == request.Verdict, $"{probe}: traced {request.Verdict} ({request.Reason}); truth {truth.Verdict} ({truth.Reason})");
        }
        var legs = results.Sum(r => r.Request.Legs);
        var execs = ((TraceSession)session).Counters.Execs;
        output.WriteLine($"{probes.Count} probes, {legs} legs, {execs} execs");
        Assert.True(execs < legs, $"{execs} execs for {legs} legs: the legs were not batched");
    }

    [Fact]
    public async Task SelectorsAndPortsNarrowTheScope()
    {
        var probes = await lab.Session.PlanConnectivityAsync(new ConnectivityScope
        {
            Namespaces = ["shop"], DestinationSelector = "app=web", Ports = [8080, 80], Protocol = TraceProtocol.Tcp,
        }, CancellationToken.None);
        var webs = lab.Cluster.Pods.Where(p => p.HasVeth && p.Namespace == "shop" && p.Labels.GetValueOrDefault("app") == "web").Select(p => p.Key).Order().ToList();
        Assert.NotEmpty(webs);
        Assert.Equal(webs, probes.Select(p => p.Destination).Distinct().Order());
        Assert.All(probes, p => Assert.Contains(p.Port, new int?[] { 80, 8080 }));
        Assert.All(probes, p => Assert.Equal("-Port", p.PortOrigin));
    }

    [Fact]
    public async Task AMissingNamespaceIsNamed()
    {
        var e = await Assert.ThrowsAsync<AciTraceException>(() => lab.Session.PlanConnectivityAsync(new ConnectivityScope { Namespaces = ["no-such-ns"] }, CancellationToken.None));
        Assert.Equal(ErrorIds.NamespaceNotFound, e.ErrorId);
    }
}
