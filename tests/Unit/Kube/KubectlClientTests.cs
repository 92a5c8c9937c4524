using System.Diagnostics;
using System.Text;
using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Tests.Unit.Kube;

public class KubectlClientTests
{
    private const string Ns = "aci-containers-system";
    private const string OvsPod = "aci-containers-openvswitch-x2x9z";
    private static readonly string[] Trace = { "ovs-appctl", "ofproto/trace", "br-int", "in_port=1,tcp,nw_dst=10.1.0.12,tcp_dst=80", "--ct-next", "trk,est" };

    private static KubectlClient Client(FakeKubectl fake, Func<KubectlClientOptions, KubectlClientOptions>? configure = null)
    {
        var options = new KubectlClientOptions { KubectlPath = fake.Path, CommandTimeout = TimeSpan.FromSeconds(20) };
        return new KubectlClient(configure is null ? options : configure(options));
    }

    [Fact]
    public async Task ExecArgvShapeWithoutGlobalFlags()
    {
        using var fake = FakeKubectl.Create(stdout: "Flow: tcp,in_port=1\n", stderr: "");
        var client = Client(fake);
        var result = await client.ExecAsync(Ns, OvsPod, null, Trace, CancellationToken.None);
        Assert.Equal(new[] { "exec", "-n", Ns, OvsPod, "--" }.Concat(Trace), fake.LastArgv());
        Assert.Equal("Flow: tcp,in_port=1\n", result.Stdout);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Elapsed > TimeSpan.Zero);
        Assert.Equal(1, client.Execs);
        Assert.Equal(0, client.ApiReads);
    }

    [Fact]
    public async Task ExecRunsOnceMoreWhenKubectlsWebSocketClientLostTheOutput()
    {
        // First call: kubectl's own "Unknown stream id" failure; the second call succeeds.
        const string snippet = """
            if [ "$n" = 0 ]; then echo 'E1122 12:46:18.153809   28977 websocket.go:296] Unknown stream id 1, discarding message' >&2; exit 1; fi
            """;
        using var fake = FakeKubectl.Create(stdout: "Flow: tcp,in_port=1\n", snippet: snippet);
        var client = Client(fake);
        var result = await client.ExecAsync(Ns, OvsPod, null, Trace, CancellationToken.None);
        Assert.Equal("Flow: tcp,in_port=1\n", result.Stdout);
        Assert.Equal(2, fake.Calls);
        Assert.Equal(2, client.Execs);
    }

    [Fact]
    public async Task AnOrdinaryExecFailureIsNotRetried()
    {
        using var fake = FakeKubectl.Create(stderr: "command terminated with exit code 3", exitCode: 3);
        var client = Client(fake);
        await Assert.ThrowsAnyAsync<AciTrace.Engine.AciTraceException>(() => client.ExecAsync(Ns, OvsPod, null, Trace, CancellationToken.None));
        Assert.Equal(1, fake.Calls);
    }

    [Fact]
    public async Task ExecArgvShapeWithGlobalFlagsAndContainer()
    {
        using var fake = FakeKubectl.Create(stdout: "x");
        var client = Client(fake, o => o with { Kubeconfig = "/home/u/.kube/lab config", Context = "user@lab", RequestTimeout = TimeSpan.FromMilliseconds(1500) });
        string[] cat = { "cat", "/usr/local/var/lib/opflex-agent-ovs/ids/secGroupSet.id" };
        await client.ExecAsync(Ns, "aci-containers-host-abcde", "opflex-agent", cat, CancellationToken.None);
        Assert.Equal(
            new[] { "--kubeconfig=/home/u/.kube/lab config", "--context=user@lab", "--request-timeout=1500ms", "exec", "-n", Ns, "aci-containers-host-abcde", "-c", "opflex-agent", "--" }.Concat(cat),
            fake.LastArgv());
    }

    [Theory]
    [InlineData(KubeResource.Pods, "demo", "web-1", null, null, new[] { "get", "pods", "web-1", "-n", "demo", "-o", "json" })]
    [InlineData(KubeResource.Pods, null, null, "name=aci-containers-host", "spec.nodeName=node-a", new[] { "get", "pods", "--all-namespaces", "--selector=name=aci-containers-host", "--field-selector=spec.nodeName=node-a", "-o", "json" })]
    [InlineData(KubeResource.Pods, Ns, null, "name in (aci-containers-host,aci-containers-openvswitch)", null, new[] { "get", "pods", "-n", Ns, "--selector=name in (aci-containers-host,aci-containers-openvswitch)", "-o", "json" })]
    [InlineData(KubeResource.Nodes, null, null, null, null, new[] { "get", "nodes", "-o", "json" })]
    [InlineData(KubeResource.Nodes, null, "node-a.example.com", null, null, new[] { "get", "nodes", "node-a.example.com", "-o", "json" })]
    [InlineData(KubeResource.Namespaces, null, "kube-system", null, null, new[] { "get", "namespaces", "kube-system", "-o", "json" })]
    [InlineData(KubeResource.Services, "kube-system", "kube-dns", null, null, new[] { "get", "services", "kube-dns", "-n", "kube-system", "-o", "json" })]
    [InlineData(KubeResource.EndpointSlices, "kube-system", null, "kubernetes.io/service-name=kube-dns", null, new[] { "get", "endpointslices.discovery.k8s.io", "-n", "kube-system", "--selector=kubernetes.io/service-name=kube-dns", "-o", "json" })]
    [InlineData(KubeResource.NetworkPolicies, "demo", null, null, null, new[] { "get", "networkpolicies.networking.k8s.io", "-n", "demo", "-o", "json" })]
    public async Task GetArgvShapes(KubeResource resource, string? ns, string? name, string? label, string? field, string[] expected)
    {
        using var fake = FakeKubectl.Create(stdout: "{\"kind\":\"List\",\"items\":[]}");
        var client = Client(fake);
        using var doc = await client.GetJsonAsync(resource, ns, name, label, field, CancellationToken.None);
        Assert.Equal(expected, fake.LastArgv());
        Assert.Equal("List", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal(1, client.ApiReads);
        Assert.Equal(0, client.Execs);
    }

    [Theory]
    [InlineData(KubeResource.Pods, null, "web-1", null, "NamespaceRequired")]
    [InlineData(KubeResource.Nodes, "demo", null, null, "InvalidKubeQuery")]
    [InlineData(KubeResource.Pods, "demo", "web-1", "app=web", "InvalidKubeQuery")]
    [InlineData(KubeResource.Pods, "Demo", null, null, "InvalidKubernetesName")]
    [InlineData(KubeResource.Pods, "demo", "web 1", null, "InvalidKubernetesName")]
    [InlineData(KubeResource.Services, "demo", "1svc", null, "InvalidKubernetesName")]
    [InlineData(KubeResource.Pods, "demo", null, "app=web;reboot", "InvalidSelector")]
    [InlineData(KubeResource.Pods, "demo", null, "", "InvalidSelector")]
    public async Task InvalidGetInputsAreRejectedBeforeKubectlRuns(KubeResource resource, string? ns, string? name, string? label, string errorId)
    {
        using var fake = FakeKubectl.Create(stdout: "{}");
        var client = Client(fake);
        var ex = await Assert.ThrowsAnyAsync<AciTraceException>(() => client.GetJsonAsync(resource, ns, name, label, null, CancellationToken.None));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(AciErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(0, fake.Calls);
    }

    [Theory]
    [InlineData("aci-containers-system", "pod;reboot", null)]
    [InlineData("aci containers", "pod", null)]
    [InlineData("ns", "pod", "Opflex")]
    [InlineData("ns", "-it", null)]
    public async Task InvalidExecNamesAreRejectedBeforeKubectlRuns(string ns, string pod, string? container)
    {
        using var fake = FakeKubectl.Create();
        var client = Client(fake);
        var ex = await Assert.ThrowsAnyAsync<AciTraceException>(() => client.ExecAsync(ns, pod, container, new[] { "ovs-vsctl", "show" }, CancellationToken.None));
        Assert.Equal("InvalidKubernetesName", ex.ErrorId);
        Assert.Equal(0, fake.Calls);
    }

    [Theory]
    [InlineData("ovs-ofctl", "del-flows", "br-int")]
    [InlineData("sh", "-c", "cat /etc/shadow")]
    [InlineData("cat", "/usr/local/var/lib/opflex-agent-ovs/endpoints/../../../../../etc/shadow")]
    [InlineData("ovs-vsctl", "set", "bridge", "br-int", "fail_mode=standalone")]
    public async Task DisallowedCommandsAreRefusedBeforeKubectlRuns(params string[] argv)
    {
        using var fake = FakeKubectl.Create();
        var client = Client(fake);
        var events = new List<KubeCommandEventArgs>();
        client.CommandStarting += (_, e) => events.Add(e);
        var ex = await Assert.ThrowsAsync<AciTraceException>(() => client.ExecAsync(Ns, OvsPod, null, argv, CancellationToken.None));
        Assert.Equal("CommandNotAllowed", ex.ErrorId);
        await Assert.ThrowsAsync<AciTraceException>(() => client.ExecBytesAsync(Ns, OvsPod, null, argv, CancellationToken.None));
        Assert.Equal(0, fake.Calls);
        Assert.Null(fake.LastArgv());
        Assert.Empty(events);
        Assert.Equal(0, client.Execs);
    }

    [Fact]
    public async Task ExecBytesReturnsBinaryStdoutUnchanged()
    {
        // opflexid magic, version 1, one record (id 7, "abc"), plus bytes that are invalid UTF-8.
        byte[] payload = Encoding.ASCII.GetBytes("opflexid").Concat(new byte[] { 1, 0, 0, 0, 7, 0, 0, 0, 3, 0, (byte)'a', (byte)'b', (byte)'c', 0xff, 0xfe, 0x00, 0x80 }).ToArray();
        using var fake = FakeKubectl.Create(stdoutBytes: payload);
        var client = Client(fake);
        var result = await client.ExecBytesAsync(Ns, "aci-containers-host-abcde", "opflex-agent",
            new[] { "cat", "/usr/local/var/lib/opflex-agent-ovs/ids/service.id" }, CancellationToken.None);
        Assert.Equal(payload, result.Stdout);
    }

    [Fact]
    public async Task StderrOfASuccessfulExecIsReturned()
    {
        using var fake = FakeKubectl.Create(stdout: "ok\n", stderr: "Defaulted container \"opflex-agent\" out of: opflex-agent, mcast-daemon\n");
        var result = await Client(fake).ExecAsync(Ns, "aci-containers-host-abcde", null, new[] { "ovs-vsctl", "show" }, CancellationToken.None);
        Assert.StartsWith("Defaulted container", result.Stderr);
    }

    [Fact]
    public async Task StdinIsClosedSoKubectlNeverWaitsOnTheConsole()
    {
        using var fake = FakeKubectl.Create(snippet: "cat > \"$d/stdin\"");
        var client = Client(fake, o => o with { CommandTimeout = TimeSpan.FromSeconds(5) });
        await client.ExecAsync(Ns, OvsPod, null, new[] { "ovs-vsctl", "show" }, CancellationToken.None);
        Assert.Equal("", File.ReadAllText(Path.Combine(fake.Dir, "stdin")));
    }

    [Fact]
    public async Task EventsCarryTheExactArgv()
    {
        using var fake = FakeKubectl.Create(stdout: "x", exitCode: 0);
        var client = Client(fake, o => o with { Context = "lab" });
        var started = new List<KubeCommandEventArgs>();
        var completed = new List<KubeCommandEventArgs>();
        client.CommandStarting += (_, e) => started.Add(e);
        client.CommandCompleted += (_, e) => completed.Add(e);
        await client.ExecAsync(Ns, OvsPod, null, Trace, CancellationToken.None);
        var expected = new[] { fake.Path, "--context=lab", "exec", "-n", Ns, OvsPod, "--" }.Concat(Trace).ToArray();
        Assert.Equal(expected, Assert.Single(started).Argv);
        var done = Assert.Single(completed);
        Assert.Equal(expected, done.Argv);
        Assert.Equal(0, done.ExitCode);
        Assert.NotNull(done.Elapsed);
        Assert.Null(started[0].ExitCode);
        Assert.Equal($"{fake.Path} --context=lab exec -n {Ns} {OvsPod} -- ovs-appctl ofproto/trace br-int in_port=1,tcp,nw_dst=10.1.0.12,tcp_dst=80 --ct-next trk,est", done.CommandLine);
    }

    [Fact]
    public async Task CountersAccumulate()
    {
        using var fake = FakeKubectl.Create(stdout: "{}");
        var client = Client(fake);
        for (int i = 0; i < 3; i++) (await client.GetJsonAsync(KubeResource.Nodes, null, null, null, null, CancellationToken.None)).Dispose();
        await client.ExecAsync(Ns, OvsPod, null, new[] { "ovs-vsctl", "show" }, CancellationToken.None);
        await client.ExecBytesAsync(Ns, OvsPod, null, new[] { "ovs-vsctl", "show" }, CancellationToken.None);
        Assert.Equal(3, client.ApiReads);
        Assert.Equal(2, client.Execs);
        Assert.Equal(5, fake.Calls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("No resources found in demo namespace.\n")]
    [InlineData("[1,2]")]
    [InlineData("{\"kind\":")]
    public async Task GetWithoutAJsonObjectIsNeverASuccess(string stdout)
    {
        using var fake = FakeKubectl.Create(stdout: stdout);
        var ex = await Assert.ThrowsAsync<AciTraceException>(() => Client(fake).GetJsonAsync(KubeResource.Pods, "demo", null, null, null, CancellationToken.None));
        Assert.Equal("ClusterInvalidOutput", ex.ErrorId);
        Assert.Equal(AciErrorKind.InvalidResult, ex.Kind);
    }

    [Fact]
    public async Task TimeoutKillsTheProcessTree()
    {
        using var fake = FakeKubectl.Create(snippet: "sleep 30 & echo $! > \"$d/child\"; wait");
        var client = Client(fake, o => o with { CommandTimeout = TimeSpan.FromMilliseconds(700) });
        var completed = new List<KubeCommandEventArgs>();
        client.CommandCompleted += (_, e) => completed.Add(e);
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<AciTraceException>(() => client.ExecAsync(Ns, OvsPod, null, new[] { "ovs-vsctl", "show" }, CancellationToken.None));
        watch.Stop();
        Assert.Equal("ClusterCallTimeout", ex.ErrorId);
        Assert.Equal(AciErrorKind.OperationTimeout, ex.Kind);
        Assert.Contains("0.7 s", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        AssertChildGone(fake);
        Assert.Null(Assert.Single(completed).ExitCode);
    }

    [Fact]
    public async Task CancellationKillsTheProcessTreeAndThrowsOperationCanceled()
    {
        using var fake = FakeKubectl.Create(snippet: "sleep 30 & echo $! > \"$d/child\"; wait");
        var client = Client(fake);
        using var cts = new CancellationTokenSource();
        var task = client.GetJsonAsync(KubeResource.Pods, "demo", null, null, null, cts.Token);
        await WaitForFileAsync(Path.Combine(fake.Dir, "child"));
        cts.Cancel();
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        AssertChildGone(fake);
    }

    [Theory]
    [InlineData(5000)]
    [InlineData(300_000)]
    public async Task OversizedOutputIsAnErrorNotATruncatedSuccess(int bytes)
    {
        using var fake = FakeKubectl.Create(stdout: new string('x', bytes));
        var client = Client(fake, o => o with { MaxOutputBytes = 1000 });
        var ex = await Assert.ThrowsAsync<AciTraceException>(() => client.ExecAsync(Ns, OvsPod, null, new[] { "ovs-vsctl", "show" }, CancellationToken.None));
        Assert.Equal("ClusterOutputTooLarge", ex.ErrorId);
    }

    [Fact]
    public async Task AlreadyCancelledTokenStartsNothing()
    {
        using var fake = FakeKubectl.Create(stdout: "{}");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(fake).GetJsonAsync(KubeResource.Nodes, null, null, null, null, cts.Token));
        Assert.Equal(0, fake.Calls);
    }

    [Fact]
    public void ClusterOptionsMapOntoClientOptions()
    {
        var o = KubectlClientOptions.From(new ClusterOptions { KubectlPath = "/x/kubectl", Kubeconfig = "/k", Context = "c", Timeout = TimeSpan.FromSeconds(9) });
        Assert.Equal(new KubectlClientOptions { KubectlPath = "/x/kubectl", Kubeconfig = "/k", Context = "c", CommandTimeout = TimeSpan.FromSeconds(9) }, o);
    }

    [Fact]
    public void MissingKubectlIsReportedWhenTheClientIsCreated()
    {
        var ex = Assert.Throws<AciTraceException>(() => new KubectlClient(new KubectlClientOptions { KubectlPath = "/nonexistent/kubectl" }));
        Assert.Equal("KubectlNotFound", ex.ErrorId);
    }

    [Theory]
    [InlineData(30_000, "30s")]
    [InlineData(1_500, "1500ms")]
    [InlineData(120_000, "120s")]
    public void RequestTimeoutIsAGoDuration(int ms, string expected) =>
        Assert.Equal(expected, KubectlClient.GoDuration(TimeSpan.FromMilliseconds(ms)));

    private static async Task WaitForFileAsync(string path)
    {
        for (int i = 0; i < 200 && !(File.Exists(path) && new FileInfo(path).Length > 0); i++) await Task.Delay(25);
        Assert.True(File.Exists(path), "the fake kubectl never started its child");
    }

    /// <summary>The background 'sleep' the fake started must be dead (gone, or a zombie awaiting its new parent).</summary>
    private static void AssertChildGone(FakeKubectl fake)
    {
        string childFile = Path.Combine(fake.Dir, "child");
        Assert.True(File.Exists(childFile), "the fake kubectl never started its child");
        int pid = int.Parse(File.ReadAllText(childFile).Trim());
        string stat = $"/proc/{pid}/stat";
        for (int i = 0; i < 100; i++)
        {
            if (!File.Exists(stat)) return;
            try
            {
                string text = File.ReadAllText(stat);
                char state = text[text.LastIndexOf(')') + 2];
                if (state is 'Z' or 'X') return;
            }
            catch (IOException)
            {
                return;
            }
            Thread.Sleep(20);
        }
        Assert.Fail($"child process {pid} of the fake kubectl is still running");
    }
}
