using System.Diagnostics;
using AciTrace.Engine;
using AciTrace.Kube;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// Every failure of a live trace is a typed <see cref="AciTraceException"/> (stable ErrorId and kind), raised through
/// real kubectl against the lab API of samples/errors-cluster.yaml, with faults injected into that API. Each test uses
/// a new session (sessions cache facts) and the faults are reset after each test.
/// </summary>
[Collection(ErrorsLabCollection.Name)]
public sealed class LiveTraceErrorTests(ErrorsLabFixture lab, ITestOutputHelper output) : IDisposable
{
    private static TraceRequest PodToPod(string srcNs, string src, string dstNs, string dst, int port = 8080) => new()
    {
        Kind = TraceKind.Pod, SourceNamespace = srcNs, SourceName = src, DestinationNamespace = dstNs, DestinationName = dst,
        Protocol = TraceProtocol.Tcp, DestinationPort = port,
    };

    private static TraceRequest ToService(string svc, int port = 80) => new()
    {
        Kind = TraceKind.Service, SourceNamespace = "apps", SourceName = "client", DestinationNamespace = "apps", DestinationName = svc,
        Protocol = TraceProtocol.Tcp, DestinationPort = port,
    };

    public void Dispose() => lab.Env.Api.Faults.Reset();

    /// <summary>
    /// Runs the failing trace through both transports (kubectl only when a kubectl path is given); both must fail
    /// with the same ErrorId and kind. Returns the in-process transport's error (the default's).
    /// </summary>
    private async Task<AciTraceException> FailsAsync(TraceRequest request, ClusterOptions? options = null, CancellationToken ct = default)
    {
        options ??= lab.Options;
        AciTraceException? first = null;
        foreach (var transport in options.KubectlPath is null ? LabSessions.Transports : [ClusterTransport.Kubectl])
        {
            await using var session = LabSessions.Create(options with { Transport = transport });
            var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => LabTraceFixture.RunAsync(session, request, ct));
            output.WriteLine($"{transport}: {e.ErrorId} ({e.Kind}): {e.Message}");
            if (first is null)
            {
                first = e;
                continue;
            }
            Assert.True(first.ErrorId == e.ErrorId && first.Kind == e.Kind, $"{transport} failed with {e.ErrorId} ({e.Kind}), the in-process transport with {first.ErrorId} ({first.Kind})");
        }
        return first!;
    }

    [Fact]
    public async Task MissingNamespaceIsNamespaceNotFound()
    {
        var e = await FailsAsync(PodToPod("no-such-ns", "client", "apps", "server-a"));
        Assert.Equal("NamespaceNotFound", e.ErrorId);
        Assert.Equal(AciErrorKind.ObjectNotFound, e.Kind);
        Assert.Contains("no-such-ns", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TraceKind.Pod)]
    [InlineData(TraceKind.Service)]
    public async Task MissingNamespaceIsNamespaceNotFoundWithKubeApiServerAnswers(TraceKind kind)
    {
        // kube-apiserver says 'pods "client" not found' for a missing namespace; the engine checks the namespace.
        await using var session = TraceSessionFactory.Create(new KubeApiServerNotFoundShape(new KubectlClient(lab.Options)));
        var request = kind == TraceKind.Pod ? PodToPod("apps", "client", "no-such-ns", "server-a") : ToService("server") with { DestinationNamespace = "no-such-ns" };
        var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => LabTraceFixture.RunAsync(session, request));
        output.WriteLine($"{e.ErrorId}: {e.Message}");
        Assert.Equal("NamespaceNotFound", e.ErrorId);
        Assert.Equal(AciErrorKind.ObjectNotFound, e.Kind);
        Assert.Contains("'no-such-ns'", e.Message, StringComparison.Ordinal);

        // A missing object in an existing namespace keeps its own id.
        await using var again = TraceSessionFactory.Create(new KubeApiServerNotFoundShape(new KubectlClient(lab.Options)));
        var missing = kind == TraceKind.Pod ? PodToPod("apps", "client", "apps", "ghost") : ToService("ghost");
        var m = await Assert.ThrowsAnyAsync<AciTraceException>(() => LabTraceFixture.RunAsync(again, missing));
        Assert.Equal(kind == TraceKind.Pod ? "PodNotFound" : "ServiceNotFound", m.ErrorId);
    }

    [Fact]
    public async Task MissingPodIsPodNotFound()
    {
        var e = await FailsAsync(PodToPod("apps", "client", "apps", "ghost"));
        Assert.Equal("PodNotFound", e.ErrorId);
        Assert.Equal(AciErrorKind.ObjectNotFound, e.Kind);
        Assert.Contains("ghost", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingServiceIsServiceNotFound()
    {
        var e = await FailsAsync(ToService("ghost-svc"));
        Assert.Equal("ServiceNotFound", e.ErrorId);
        Assert.Equal(AciErrorKind.ObjectNotFound, e.Kind);
        Assert.Contains("ghost-svc", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("destination")]
    [InlineData("source")]
    public async Task PendingPodHasNoAddress(string role)
    {
        var request = role == "source" ? PodToPod("apps", "waiting", "apps", "server-b") : PodToPod("apps", "client", "apps", "waiting");
        var e = await FailsAsync(request);
        Assert.Contains(e.ErrorId, new[] { "PodHasNoAddress", "PodNotScheduled" });
        Assert.Equal(AciErrorKind.ResourceUnavailable, e.Kind);
        Assert.Contains("apps/waiting", e.Message, StringComparison.Ordinal);
        Assert.Contains(role, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nobody")]   // selects no pod
    [InlineData("waiting")]  // selects only a Pending pod (endpoint not ready)
    public async Task ServiceWithoutReadyEndpoints(string service)
    {
        var e = await FailsAsync(ToService(service));
        Assert.Equal("ServiceHasNoEndpoints", e.ErrorId);
        Assert.Equal(AciErrorKind.ResourceUnavailable, e.Kind);
        Assert.Contains("apps/" + service, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostNetworkSourceToExternalIsNotTraceable()
    {
        var e = await FailsAsync(new TraceRequest
        {
            Kind = TraceKind.External, SourceNamespace = "apps", SourceName = "host-agent", DestinationAddress = "93.184.216.34",
            Protocol = TraceProtocol.Tcp, DestinationPort = 443,
        });
        Assert.Equal("HostNetworkSourceNotTraceable", e.ErrorId);
        Assert.Equal(AciErrorKind.InvalidOperation, e.Kind);
        Assert.Contains("apps/host-agent", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, TraceRequest, string> InvalidRequests()
    {
        var pod = PodToPod("apps", "client", "apps", "server-a");
        var ext = new TraceRequest
        {
            Kind = TraceKind.External, SourceNamespace = "apps", SourceName = "client", DestinationAddress = "93.184.216.34",
            Protocol = TraceProtocol.Tcp, DestinationPort = 443,
        };
        return new TheoryData<string, TraceRequest, string>
        {
            { "ip out of range", ext with { DestinationAddress = "999.1.1.1" }, "InvalidPacketField" },
            { "ip with shell text", ext with { DestinationAddress = "10.0.0.1;reboot" }, "InvalidPacketField" },
            { "ip missing", ext with { DestinationAddress = null }, "DestinationAddressRequired" },
            { "ip with leading zero", ext with { DestinationAddress = "010.0.0.1" }, "InvalidPacketField" },
            { "port 0", pod with { DestinationPort = 0 }, "InvalidPacketField" },
            { "port 65536", pod with { DestinationPort = 65536 }, "InvalidPacketField" },
            { "negative source port", pod with { SourcePort = -1 }, "InvalidPacketField" },
            { "port on icmp", pod with { Protocol = TraceProtocol.Icmp }, "InvalidPacketField" },
            { "upper-case pod", pod with { SourceName = "Client" }, "InvalidKubernetesName" },
            { "pod with slash", pod with { DestinationName = "apps/server-a" }, "InvalidKubernetesName" },
            { "pod with option", pod with { SourceName = "-n" }, "InvalidKubernetesName" },
            { "pod too long", pod with { DestinationName = new string('a', 254) }, "InvalidKubernetesName" },
            { "namespace with dot", pod with { SourceNamespace = "apps.x" }, "InvalidKubernetesName" },
            { "namespace with space", pod with { DestinationNamespace = "apps x" }, "InvalidKubernetesName" },
            { "service name with dot", ToService("web.v1"), "InvalidKubernetesName" },
            { "missing destination", pod with { DestinationName = null }, "NameRequired" },
            { "arp to service", ToService("server") with { Protocol = TraceProtocol.Arp, DestinationPort = null }, "InvalidPacketField" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task InvalidInputFailsBeforeAnyKubectlProcess(string why, TraceRequest request, string errorId)
    {
        var started = 0;
        var kubectl = new KubectlClient(lab.Options);
        kubectl.CommandStarting += (_, _) => Interlocked.Increment(ref started);
        var recorder = new RecordingKubeClient(kubectl);
        await using var session = TraceSessionFactory.Create(recorder);
        var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => LabTraceFixture.RunAsync(session, request));
        output.WriteLine($"{why}: {e.ErrorId}: {e.Message}");
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(AciErrorKind.InvalidArgument, e.Kind);
        Assert.Empty(recorder.Calls);
        Assert.Equal(0, started);
        Assert.Equal(0, kubectl.Execs);
        Assert.Equal(0, kubectl.ApiReads);
    }

    [Fact]
    public async Task ExecForbiddenByRbacNamesPodsExec()
    {
        var viewer = lab.Env.ViewerKubeconfigPath ?? throw new InvalidOperationException("the errors lab must start with Rbac = true");
        var e = await FailsAsync(PodToPod("apps", "client", "apps", "server-a"), lab.Options with { Kubeconfig = viewer });
        Assert.Equal("KubeForbidden", e.ErrorId);
        Assert.Equal(AciErrorKind.PermissionDenied, e.Kind);
        Assert.Contains("pods/exec", e.Message, StringComparison.Ordinal);
        Assert.Contains("create", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangingExecIsClusterCallTimeout()
    {
        lab.Env.Api.Faults.ExecHang = true;
        var clock = Stopwatch.StartNew();
        var e = await FailsAsync(PodToPod("apps", "client", "apps", "server-a"), lab.Options with { Timeout = TimeSpan.FromSeconds(2) });
        Assert.Equal("ClusterCallTimeout", e.ErrorId);
        Assert.Equal(AciErrorKind.OperationTimeout, e.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the timeout took {clock.Elapsed}");
    }

    [Fact]
    public async Task SlowExecIsClusterCallTimeout()
    {
        lab.Env.Api.Faults.ExecLatency = TimeSpan.FromSeconds(6);
        var e = await FailsAsync(PodToPod("apps", "client", "apps", "server-b"), lab.Options with { Timeout = TimeSpan.FromSeconds(2) });
        Assert.Equal("ClusterCallTimeout", e.ErrorId);
        Assert.Equal(AciErrorKind.OperationTimeout, e.Kind);
        Assert.Contains("2 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OvsPodNotReadyIsTyped()
    {
        lab.Env.Api.Faults.SetOvsNotReady("node-b");
        var e = await FailsAsync(PodToPod("apps", "client", "apps", "server-b"));
        Assert.Equal("OvsPodNotReady", e.ErrorId);
        Assert.Equal(AciErrorKind.ResourceUnavailable, e.Kind);
        Assert.Contains("node-b", e.Message, StringComparison.Ordinal);

        // The same trace on the healthy node still works.
        await using var session = TraceSessionFactory.Create(lab.Options);
        var ok = await LabTraceFixture.RunAsync(session, PodToPod("apps", "client", "apps", "server-a"));
        Assert.Equal(TraceVerdict.Deliver, ok.Request.Verdict);
    }

    [Fact]
    public void MissingKubectlIsKubectlNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), "acitrace-no-such-dir", "kubectl");
        var e = Assert.ThrowsAny<AciTraceException>(() => TraceSessionFactory.Create(lab.Options with { KubectlPath = path }));
        Assert.Equal("KubectlNotFound", e.ErrorId);
        Assert.Equal(AciErrorKind.NotInstalled, e.Kind);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubectlRemovedAfterSessionStartIsKubectlNotFound()
    {
        var real = KubectlLocator.Locate();
        var dir = Directory.CreateTempSubdirectory("acitrace-kubectl-").FullName;
        try
        {
            var copy = Path.Combine(dir, "kubectl");
            File.CreateSymbolicLink(copy, real);
            await using var session = TraceSessionFactory.Create(lab.Options with { KubectlPath = copy });
            File.Delete(copy);
            var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => LabTraceFixture.RunAsync(session, PodToPod("apps", "client", "apps", "server-a")));
            output.WriteLine($"{e.ErrorId}: {e.Message}");
            Assert.Equal("KubectlNotFound", e.ErrorId);
            Assert.Equal(AciErrorKind.NotInstalled, e.Kind);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task CancellationMidTraceLeavesNoKubectlProcess()
    {
        var marker = "--kubeconfig=" + lab.Env.KubeconfigPath;
        var before = KubectlProcesses.WithArgument(marker);
        lab.Env.Api.Faults.ExecLatency = TimeSpan.FromSeconds(8);
        var kubectl = new KubectlClient(lab.Options);
        var execStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kubectl.CommandStarting += (_, a) => { if (a.Argv.Contains("exec")) execStarted.TrySetResult(); };
        await using var session = TraceSessionFactory.Create(kubectl);
        using var cts = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = LabTraceFixture.RunAsync(session, PodToPod("apps", "client", "apps", "server-b") with { IncludeReply = true }, cts.Token);
        await execStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var wait = TimeSpan.FromMilliseconds(500) - clock.Elapsed;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        await Task.Delay(100); // let kubectl start and connect
        var running = KubectlProcesses.WithArgument(marker).Where(p => !before.Contains(p)).ToList();
        Assert.False(run.IsCompleted, "the trace finished before it could be cancelled");
        Assert.True(running.Count > 0, "no kubectl process was running when the trace was cancelled");
        cts.Cancel();
        var cancelledAt = clock.Elapsed;
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        output.WriteLine($"cancelled at {cancelledAt.TotalMilliseconds:0} ms with {running.Count} kubectl running; surfaced after {(clock.Elapsed - cancelledAt).TotalMilliseconds:0} ms: {e.GetType().Name}");
        Assert.True(clock.Elapsed - cancelledAt < TimeSpan.FromSeconds(3), "cancellation took too long to surface");
        var left = await KubectlProcesses.WaitUntilGoneAsync(marker, before, TimeSpan.FromSeconds(3));
        Assert.True(left.Count == 0, "kubectl processes left after cancellation: " + KubectlProcesses.Describe(left));
    }

    [Fact]
    public async Task StoppingEnumerationEarlyStopsTheTraceAndItsKubectlProcesses()
    {
        var marker = "--kubeconfig=" + lab.Env.KubeconfigPath;
        var before = KubectlProcesses.WithArgument(marker);
        lab.Env.Api.Faults.ExecLatency = TimeSpan.FromSeconds(8);
        var kubectl = new KubectlClient(lab.Options);
        var execStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kubectl.CommandStarting += (_, a) => { if (a.Argv.Contains("exec")) execStarted.TrySetResult(); };
        await using var session = TraceSessionFactory.Create(kubectl);
        var clock = Stopwatch.StartNew();
        await foreach (var e in session.RunAsync(PodToPod("apps", "client", "apps", "server-b"), CancellationToken.None))
        {
            // A consumer that wants only the first object (Select-Object -First 1) stops here, mid-trace.
            await execStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(200);
            Assert.Contains(KubectlProcesses.WithArgument(marker), p => !before.Contains(p));
            break;
        }
        output.WriteLine($"enumeration disposed after {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"disposing the enumeration waited for the slow execs ({clock.Elapsed})");
        var left = await KubectlProcesses.WaitUntilGoneAsync(marker, before, TimeSpan.FromMilliseconds(500));
        Assert.True(left.Count == 0, "kubectl processes left after the consumer stopped: " + KubectlProcesses.Describe(left));
    }
}
