using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AciTrace.Lab.Kube;

namespace AciTrace.Tests.Lab.Api;

/// <summary>Every fault knob, as kubectl sees it. Tests of one class run one at a time; each resets the faults.</summary>
public sealed class KubectlFaultTests(LabApiFaultFixture lab) : IClassFixture<LabApiFaultFixture>, IDisposable
{
    private const string Sys = "aci-containers-system";

    public void Dispose() => lab.Server.Faults.Reset();

    private Task<KubectlResult> ExecLs(TimeSpan? timeout = null, params string[] extra) =>
        lab.Admin.RunWithTimeoutAsync(timeout ?? TimeSpan.FromSeconds(30),
            ["exec", .. extra, "-n", Sys, lab.HostPodA, "-c", "opflex-agent", "--", "ls", "/usr/local/var/lib/opflex-agent-ovs/ids"]);

    [Fact]
    public async Task ExecLatencyIsMeasurable()
    {
        KubectlResult baseline = await ExecLs();
        Assert.True(baseline.ExitCode == 0, baseline.ToString());
        lab.Server.Faults.ExecLatency = TimeSpan.FromMilliseconds(1500);
        KubectlResult slow = await ExecLs();
        Assert.Equal(0, slow.ExitCode);
        Assert.Equal(baseline.Stdout, slow.Stdout);
        Assert.True(slow.Elapsed - baseline.Elapsed >= TimeSpan.FromMilliseconds(1200), $"baseline {baseline.Elapsed}, slow {slow.Elapsed}");
        // Scoped to another node: no delay here.
        lab.Server.Faults.ExecFaultNode = "node-b";
        KubectlResult other = await ExecLs();
        Assert.True(other.Elapsed < slow.Elapsed - TimeSpan.FromMilliseconds(1000), $"{other.Elapsed} vs {slow.Elapsed}");
    }

    [Fact]
    public async Task ExecFailureExitCodeAndErrorStatusReachKubectl()
    {
        lab.Server.Faults.ExecExitCode = 42;
        KubectlResult r = await ExecLs();
        Assert.Equal(42, r.ExitCode);
        Assert.EndsWith("command terminated with exit code 42\n", r.Stderr);
        lab.Server.Faults.ExecExitCode = null;
        lab.Server.Faults.ExecErrorStatus = 500;
        KubectlResult e = await ExecLs();
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("error dialing backend: dial tcp 10.0.0.11:10250: connect: connection refused", e.Stderr);
    }

    [Fact]
    public async Task ExecHangIsEndedOnlyByTheClientTimeout()
    {
        lab.Server.Faults.ExecHang = true;
        int before = lab.Server.ExecLog.Count;
        KubectlResult r = await ExecLs(TimeSpan.FromSeconds(3));
        Assert.True(r.TimedOut, r.ToString());
        Assert.True(r.Elapsed >= TimeSpan.FromSeconds(3));
        // The server notices the client going away and ends the exec without an exit code.
        for (int i = 0; i < 50 && lab.Server.ExecLog.Count == before; i++) await Task.Delay(100);
        LabExecRecordAssert.Single(lab.Server.ExecLog.Skip(before), exitCode: null);
    }

    [Fact]
    public async Task OvsPodNotReadyShowsInGetPods()
    {
        string ovsB = LabKubeModel.SystemPodName("node-b", AciSystemPodRole.OpenVswitch);
        lab.Server.Faults.SetOvsNotReady("node-b");
        KubectlResult r = await lab.Admin.RunAsync("get", "pods", "-n", Sys, "-o", "wide");
        string line = Assert.Single(r.Stdout.Split('\n'), l => l.StartsWith(ovsB, StringComparison.Ordinal));
        Assert.Equal(["0/1", "Running"], line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..3]);
        string ovsA = Assert.Single(r.Stdout.Split('\n'), l => l.StartsWith(lab.OvsPodA, StringComparison.Ordinal));
        Assert.Equal("1/1", ovsA.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        JsonNode pod = JsonNode.Parse((await lab.Admin.RunAsync("get", "pod", "-n", Sys, ovsB, "-o", "json")).Stdout)!;
        Assert.Contains(pod["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "False");
    }

    [Fact]
    public async Task RemovedNodeIsGoneWithItsPods()
    {
        lab.Server.Faults.SetNodeRemoved("node-b");
        KubectlResult node = await lab.Admin.RunAsync("get", "node", "node-b");
        Assert.Equal("Error from server (NotFound): nodes \"node-b\" not found\n", node.Stderr);
        string pods = (await lab.Admin.RunAsync("get", "pods", "-A", "-o", "wide")).Stdout;
        Assert.DoesNotContain("node-b", pods);
        Assert.Contains("web-1", pods);
        string slices = (await lab.Admin.RunAsync("get", "endpointslices", "-l", "kubernetes.io/service-name=web")).Stdout;
        Assert.Contains("10.2.0.5", slices);
        Assert.DoesNotContain("10.2.1.6", slices);
        string ovsB = LabKubeModel.SystemPodName("node-b", AciSystemPodRole.OpenVswitch);
        KubectlResult exec = await lab.Admin.RunAsync("exec", "-n", Sys, ovsB, "--", "ovs-appctl", "version");
        Assert.Equal($"Error from server (NotFound): pods \"{ovsB}\" not found\n", exec.Stderr);
        lab.Server.Faults.SetNodeRemoved("node-b", removed: false);
        Assert.Equal(0, (await lab.Admin.RunAsync("get", "node", "node-b")).ExitCode);
    }

    [Fact]
    public async Task AdminEndpointReplacesTheFaults()
    {
        using var cert = X509Certificate2.CreateFromPem(lab.Server.CertificatePem);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && c.RawData.AsSpan().SequenceEqual(cert.RawData) };
        using var http = new HttpClient(handler) { BaseAddress = lab.Server.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", lab.Server.Options.AdminToken);
        using HttpResponseMessage put = await http.PutAsync("aci-lab/faults",
            new StringContent("""{"execExitCode":7,"ovsNotReadyNodes":["node-a"]}""", Encoding.UTF8, "application/json"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        Assert.Equal(7, lab.Server.Faults.ExecExitCode);
        Assert.Equal(7, (await ExecLs()).ExitCode);
        using HttpResponseMessage bad = await http.PutAsync("aci-lab/faults", new StringContent("""{"execErrorStatus":200}"""));
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Equal(7, lab.Server.Faults.ExecExitCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", lab.Server.Options.ViewerToken!);
        using HttpResponseMessage viewer = await http.GetAsync("aci-lab/faults");
        Assert.Equal(403, (int)viewer.StatusCode);
    }
}

internal static class LabExecRecordAssert
{
    public static void Single(IEnumerable<AciTrace.Lab.Api.LabExecRecord> records, int? exitCode)
    {
        AciTrace.Lab.Api.LabExecRecord r = Assert.Single(records);
        Assert.Equal(exitCode, r.ExitCode);
    }
}
