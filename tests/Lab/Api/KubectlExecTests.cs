using System.Text;

namespace AciTrace.Tests.Lab.Api;

/// <summary>kubectl exec over WebSocket into the ACI system pods: files, policy dump, real OVS, allowlist, errors.</summary>
public sealed class KubectlExecTests(LabApiFixture lab) : IClassFixture<LabApiFixture>
{
    private const string Sys = "aci-containers-system";

    private Task<KubectlResult> ExecHost(params string[] argv) => lab.Admin.RunAsync(["exec", "-n", Sys, lab.HostPodA, "-c", "opflex-agent", "--", .. argv]);

    private Task<KubectlResult> ExecOvs(params string[] argv) => lab.Admin.RunAsync(["exec", "-n", Sys, lab.OvsPodA, "--", .. argv]);

    [Fact]
    public async Task CatOfABinaryIdFileIsByteExact()
    {
        KubectlResult r = await ExecHost("cat", LabApiFixture.IdFilePath);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(lab.IdFileBytes, r.StdoutBytes);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public async Task CatLsAndGbpInspectReadTheNodeFiles()
    {
        KubectlResult ep = await ExecHost("cat", LabApiFixture.EndpointFilePath);
        Assert.Equal("""{"uuid":"web-1_abc_vethweb1","ip":["10.2.0.5"],"mac":"0a:58:0a:02:00:05"}""" + "\n", ep.Stdout);
        KubectlResult ls = await ExecHost("ls", "/usr/local/var/lib/opflex-agent-ovs/endpoints");
        Assert.Equal("web-1.ep\n", ls.Stdout);
        KubectlResult dump = await ExecHost("gbp_inspect", "-fprq", "DmtreeRoot", "-t", "dump");
        Assert.True(dump.ExitCode == 0, dump.ToString());
        Assert.StartsWith("""[{"subject":"DmtreeRoot","uri":"/",""", dump.Stdout);
        KubectlResult one = await ExecHost("gbp_inspect", "-fprq", "GbpeInstContext,/PolicyUniverse/PolicySpace/kube/GbpEpGroup/kube%7cdemo/GbpeInstContext/", "-t", "dump");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains("\"encapId\"", one.Stdout);
        Assert.DoesNotContain("DmtreeRoot", one.Stdout);
    }

    [Fact]
    public async Task MissingFileGivesStderrAndTheExitCode()
    {
        KubectlResult r = await ExecHost("cat", "/usr/local/var/lib/opflex-agent-ovs/endpoints/nope.ep");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("cat: /usr/local/var/lib/opflex-agent-ovs/endpoints/nope.ep: No such file or directory\ncommand terminated with exit code 1\n", r.Stderr);
        KubectlResult ls = await ExecHost("ls", "/usr/local/var/lib/opflex-agent-ovs/snats");
        Assert.Equal(2, ls.ExitCode);
    }

    [Fact]
    public async Task OfprotoTraceRunsAgainstTheNodesRealOvs()
    {
        const string flow = "in_port=1,ip,nw_src=10.2.0.5,nw_dst=10.2.1.6";
        KubectlResult r = await ExecOvs("ovs-appctl", "ofproto/trace", "br-access", flow);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(await lab.Ovs!.TraceAsync("br-access", flow), r.Stdout);
        Assert.Contains("output:2", r.Stdout);
        Assert.Contains("Datapath actions:", r.Stdout);

        KubectlResult flows = await ExecOvs("ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "br-access");
        Assert.True(flows.ExitCode == 0, flows.ToString());
        Assert.Contains("priority=100,ip,in_port=1 actions=output:2", flows.Stdout);
        KubectlResult show = await ExecOvs("ovs-ofctl", "show", "br-access");
        Assert.Contains(" 1(vethweb1): addr:", show.Stdout);
        Assert.Equal("br-access\n", (await ExecOvs("ovs-vsctl", "list-br")).Stdout);

        KubectlResult badFlow = await ExecOvs("ovs-appctl", "ofproto/trace", "br-access", "in_port=1,nonsense=3");
        Assert.NotEqual(0, badFlow.ExitCode);
        Assert.Contains("nonsense", badFlow.Stderr);
    }

    [Theory]
    [InlineData("ovs-ofctl", "add-flow", "br-access", "actions=drop")]
    [InlineData("ovs-ofctl", "del-flows", "br-access")]
    [InlineData("ovs-vsctl", "del-br", "br-access")]
    [InlineData("ovs-vsctl", "list-br", "--", "del-br", "br-access")]
    [InlineData("ovs-appctl", "exit")]
    [InlineData("cat", "/etc/passwd")]
    [InlineData("cat", "/usr/local/var/lib/opflex-agent-ovs/ids/../../../../../etc/passwd")]
    public async Task WriteCommandsAndOutsidePathsAreRefused(params string[] argv)
    {
        KubectlResult r = await ExecOvs(argv);
        // Under heavy load kubectl's WebSocket client can log its own error (websocket.go) and lose the stderr frame;
        // that is the client, not the lab: ask once more.
        if (!r.Stderr.Contains("refused by", StringComparison.Ordinal) && r.Stderr.Contains("websocket.go", StringComparison.Ordinal))
            r = await ExecOvs(argv);
        Assert.Equal(126, r.ExitCode);
        Assert.Contains("refused by the read-only exec allowlist", r.Stderr);
        Assert.Contains("command terminated with exit code 126", r.Stderr);
        Assert.Contains("in_port=1", (await ExecOvs("ovs-ofctl", "dump-flows", "br-access")).Stdout);
    }

    [Fact]
    public async Task UnknownBinariesAreNotFound()
    {
        // sh exists, but runs only the tracer's registered read-only scripts.
        KubectlResult shell = await ExecOvs("sh", "-c", "ovs-ofctl del-flows br-access");
        Assert.Equal(126, shell.ExitCode);
        Assert.Contains("sh -c runs only the tracer's registered read-only scripts", shell.Stderr);
        // gbp_inspect lives in opflex-agent only; workload pods run nothing.
        Assert.Equal(127, (await ExecOvs("gbp_inspect", "-fprq", "DmtreeRoot", "-t", "dump")).ExitCode);
        KubectlResult app = await lab.Admin.RunAsync("exec", "web-1", "--", "ls", "/");
        Assert.Equal(127, app.ExitCode);
        Assert.Contains("exec: \"ls\": executable file not found in $PATH", app.Stderr);
    }

    [Fact]
    public async Task UnknownContainerAndPodGiveTheRealErrors()
    {
        KubectlResult c = await lab.Admin.RunAsync("exec", "-n", Sys, lab.HostPodA, "-c", "nope", "--", "ls", "/usr/local/var/lib/opflex-agent-ovs");
        Assert.Equal(1, c.ExitCode);
        Assert.Equal($"Error from server (BadRequest): container nope is not valid for pod {lab.HostPodA}\n", c.Stderr);
        KubectlResult p = await lab.Admin.RunAsync("exec", "-n", Sys, "aci-containers-host-zzzzz", "--", "ls", "/");
        Assert.Equal("Error from server (NotFound): pods \"aci-containers-host-zzzzz\" not found\n", p.Stderr);
    }

    [Fact]
    public async Task DefaultContainerOfTheHostPodIsUsedWithoutDashC()
    {
        KubectlResult r = await lab.Admin.RunAsync("exec", "-n", Sys, lab.HostPodA, "--", "cat", LabApiFixture.EndpointFilePath);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("web-1_abc_vethweb1", r.Stdout);
        Assert.Contains(lab.Server.ExecLog, e => e.Pod == lab.HostPodA && e.Container == "aci-containers-host" && e.ExitCode == 0);
    }

    [Fact]
    public async Task LargeOutputArrivesWhole()
    {
        // Over 64 KiB of stdout forces several WebSocket frames.
        string big = Path.Combine(lab.Root, "state", "nodes", "node-a", "opflex-agent-ovs", "endpoints", "big.ep");
        byte[] content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 20000).Select(i => $"line {i:D6}\n")));
        await File.WriteAllBytesAsync(big, content);
        try
        {
            KubectlResult r = await ExecHost("cat", "/usr/local/var/lib/opflex-agent-ovs/endpoints/big.ep");
            Assert.Equal(content, r.StdoutBytes);
        }
        finally
        {
            File.Delete(big);
        }
    }
}
