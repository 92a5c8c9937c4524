using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Kube.Api;
using AciTrace.Lab.Api;

namespace AciTrace.Tests.Lab.Api;

/// <summary>
/// The in-process transport (KubernetesClient, exec over WebSocket read by our own channel reader) against the lab
/// API server, side by side with the kubectl transport: same bytes, same objects, same ErrorIds.
/// </summary>
public sealed class KubeApiClientTests(LabApiFixture lab) : IClassFixture<LabApiFixture>, IDisposable
{
    private const string Sys = "aci-containers-system";
    private const string Agent = "opflex-agent";

    private ClusterOptions Options => new() { Kubeconfig = Path.Combine(lab.Root, "kubeconfig"), Timeout = TimeSpan.FromSeconds(20) };

    private KubeApiClient Api(ClusterOptions? options = null) => KubeApiClient.Create(options ?? Options);

    private KubectlClient Kubectl() => new(Options);

    public void Dispose() => lab.Server.Faults.Reset();

    [Fact]
    public async Task ExecReturnsTheSameBytesAsKubectl()
    {
        using var api = Api();
        string[] cat = ["cat", LabApiFixture.IdFilePath];
        var viaApi = await api.ExecBytesAsync(Sys, lab.HostPodA, Agent, cat, CancellationToken.None);
        var viaKubectl = await Kubectl().ExecBytesAsync(Sys, lab.HostPodA, Agent, cat, CancellationToken.None);
        Assert.Equal(lab.IdFileBytes, viaApi.Stdout);
        Assert.Equal(viaKubectl.Stdout, viaApi.Stdout);
        Assert.Equal(1, api.Execs);
    }

    [Fact]
    public async Task LargeOutputArrivesWholeOverManyFrames()
    {
        string big = Path.Combine(lab.Root, "state", "nodes", "node-a", "opflex-agent-ovs", "endpoints", "big-api.ep");
        byte[] content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40000).Select(i => $"line {i:D6}\n")));
        await File.WriteAllBytesAsync(big, content);
        try
        {
            using var api = Api();
            var r = await api.ExecBytesAsync(Sys, lab.HostPodA, Agent, ["cat", ReadOnlyCommandPolicy.AgentStateRoot + "/endpoints/big-api.ep"], CancellationToken.None);
            Assert.Equal(content, r.Stdout);
        }
        finally
        {
            File.Delete(big);
        }
    }

    [Fact]
    public async Task ListsAndGetsReturnTheSameObjectsAsKubectl()
    {
        using var api = Api();
        foreach (var (resource, ns, name) in new (KubeResource, string?, string?)[]
                 {
                     (KubeResource.Pods, null, null), (KubeResource.Pods, "demo", "web-1"), (KubeResource.Nodes, null, null),
                     (KubeResource.Services, "demo", null), (KubeResource.NetworkPolicies, "demo", null), (KubeResource.EndpointSlices, null, null),
                 })
        {
            using var viaApi = await api.GetJsonAsync(resource, ns, name, null, null, CancellationToken.None);
            using var viaKubectl = await Kubectl().GetJsonAsync(resource, ns, name, null, null, CancellationToken.None);
            Assert.Equal(Names(viaKubectl), Names(viaApi));
        }
        using var selected = await api.GetJsonAsync(KubeResource.Pods, "demo", null, "app=web", null, CancellationToken.None);
        Assert.Contains("demo/web-1", Names(selected));
        Assert.Equal("demo", await api.GetContextNamespaceAsync(CancellationToken.None));
    }

    private static string[] Names(JsonDocument doc)
    {
        var root = doc.RootElement;
        var items = root.TryGetProperty("items", out var list) ? list.EnumerateArray().ToArray() : [root];
        return items.Select(i => i.GetProperty("metadata")).Select(m =>
            (m.TryGetProperty("namespace", out var n) ? n.GetString() + "/" : "") + m.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToArray();
    }

    [Theory]
    [InlineData("host", Agent, "missing-file")]
    [InlineData("host", "nope", "bad-container")]
    [InlineData("aci-containers-host-zzzzz", Agent, "bad-pod")]
    [InlineData("ovs", "aci-containers-openvswitch", "no-such-binary")]
    public async Task FailuresHaveTheSameErrorIdAsKubectl(string pod, string container, string what)
    {
        string podName = pod switch { "host" => lab.HostPodA, "ovs" => lab.OvsPodA, _ => pod };
        string[] argv = what == "no-such-binary"
            ? ["gbp_inspect", "-fprq", "DmtreeRoot", "-t", "dump"]
            : ["cat", LabApiFixture.EndpointFilePath.Replace("web-1.ep", "nope.ep", StringComparison.Ordinal)];
        using var api = Api();
        var viaApi = await Assert.ThrowsAnyAsync<AciTraceException>(() => api.ExecAsync(Sys, podName, container, argv, CancellationToken.None));
        var viaKubectl = await Assert.ThrowsAnyAsync<AciTraceException>(() => Kubectl().ExecAsync(Sys, podName, container, argv, CancellationToken.None));
        Assert.Equal(viaKubectl.ErrorId, viaApi.ErrorId);
        Assert.Equal(viaKubectl.Kind, viaApi.Kind);
        Assert.Equal(viaKubectl.GetType(), viaApi.GetType());
        if (viaApi is RemoteCommandFailedException failed)
        {
            var k = (RemoteCommandFailedException)viaKubectl;
            Assert.Equal(k.ExitCode, failed.ExitCode);
            Assert.Equal(k.RemoteStderr, failed.RemoteStderr);
        }
    }

    [Fact]
    public async Task AForbiddenExecNamesTheUserAndThePermission()
    {
        using var viewer = Api(Options with { Context = LabKubeconfig.ViewerContext });
        var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => viewer.ExecAsync(Sys, lab.HostPodA, Agent, ["cat", LabApiFixture.EndpointFilePath], CancellationToken.None));
        Assert.Equal(ErrorIds.KubeForbidden, e.ErrorId);
        Assert.Contains("User 'viewer' is not allowed to create pods/exec in namespace 'aci-containers-system'", e.Message);
    }

    [Fact]
    public async Task ARefusedCommandNeverReachesTheCluster()
    {
        using var api = Api();
        int before = lab.Server.ExecLog.Count;
        var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => api.ExecAsync(Sys, lab.HostPodA, Agent, ["rm", "-rf", "/"], CancellationToken.None));
        Assert.Equal(ErrorIds.CommandNotAllowed, e.ErrorId);
        Assert.Equal(0, api.Execs);
        Assert.Equal(before, lab.Server.ExecLog.Count);
    }

    [Fact]
    public async Task ParallelExecsAllComplete()
    {
        using var api = Api();
        var started = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            api.ExecAsync(Sys, lab.HostPodA, Agent, ["cat", LabApiFixture.EndpointFilePath], CancellationToken.None)));
        Assert.All(results, r => Assert.Contains("web-1_abc_vethweb1", r.Stdout));
        Assert.Equal(12, api.Execs);
        Console.WriteLine($"12 parallel in-process execs: {started.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task CancellingAHangingExecEndsIt()
    {
        lab.Server.Faults.ExecHang = true;
        using var api = Api();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.ExecAsync(Sys, lab.HostPodA, Agent, ["cat", LabApiFixture.EndpointFilePath], cts.Token));
        lab.Server.Faults.Reset();
        var after = await api.ExecAsync(Sys, lab.HostPodA, Agent, ["cat", LabApiFixture.EndpointFilePath], CancellationToken.None);
        Assert.Contains("web-1_abc_vethweb1", after.Stdout);
    }

    [Fact]
    public async Task AHangingExecTimesOutAsClusterCallTimeout()
    {
        lab.Server.Faults.ExecHang = true;
        using var api = Api(Options with { Timeout = TimeSpan.FromSeconds(1) });
        var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => api.ExecAsync(Sys, lab.HostPodA, Agent, ["cat", LabApiFixture.EndpointFilePath], CancellationToken.None));
        Assert.Equal("ClusterCallTimeout", e.ErrorId);
        Assert.Equal(AciErrorKind.OperationTimeout, e.Kind);
    }
}
