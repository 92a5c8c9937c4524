using AciTrace.Lab.Cli;
using AciTrace.Lab.Kube;
using AciTrace.Replay.Ovs;
using AciTrace.Tests.Lab.Api;
using AciTrace.Tests.Lab.Nodes;

namespace AciTrace.Tests.Lab.Cli;

/// <summary>The lab command line end to end: real processes, real OVS, real kubectl.</summary>
public sealed class LabCliTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(75);

    [Fact]
    public async Task UpReturnsAndTheLabServesUntilDownLeavesNothingRunning()
    {
        using var temp = LabTestSupport.NewStateDir();
        string dir = Path.Combine(temp.Path, "state");
        string spec = LabTestSupport.Sample("research-two-node.yaml");
        int servePid = 0;
        List<string> runDirs = [];
        try
        {
            LabCliResult up = await LabCliRunner.RunAsync(UpTimeout, "up", spec, "--state-dir", dir);
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.True(up.Elapsed < TimeSpan.FromSeconds(20), up.ToString());
            string kubeconfig = up.Lines[0];
            Assert.Equal(Path.Combine(dir, "kubeconfig"), kubeconfig);
            Assert.True(File.Exists(kubeconfig), up.ToString());

            LabStateFile state = LabStateFile.TryRead(dir) ?? throw new InvalidOperationException("no lab.json after up:\n" + up);
            servePid = state.Pid;
            runDirs = [.. state.Nodes.Select(n => n.OvsRunDirectory)];
            Assert.True(LabProcesses.IsServeProcess(servePid, dir), $"serve pid {servePid} is not running");
            Assert.Equal(["node-a", "node-b"], state.Nodes.Select(n => n.Name));
            Assert.All(state.Nodes, n => Assert.Equal(2, OvsInstance.FindDaemonProcesses(n.OvsRunDirectory).Count));
            // The example commands name real objects of the spec: a1's veth on node-a's OVS pod, a1 -> b1 tcp/8080.
            string ovsA = LabKubeModel.SystemPodName("node-a", AciSystemPodRole.OpenVswitch);
            Assert.Contains(up.Lines, l => l.Contains($"kubectl --kubeconfig {kubeconfig} get pods -A -o wide", StringComparison.Ordinal));
            string trace = Assert.Single(up.Lines, l => l.Contains("ofproto/trace", StringComparison.Ordinal));
            Assert.Contains($"exec -n aci-containers-system {ovsA} -- ovs-appctl ofproto/trace br-access 'in_port=veth", trace);
            Assert.Contains("nw_src=10.2.0.10,nw_dst=10.2.1.10", trace);
            Assert.Contains(up.Lines, l => l.Contains("Get-AciPodTrace -Kubeconfig " + kubeconfig + " -Source team-a/a1 -Destination team-a/b1 -Protocol Tcp -DestinationPort 8080", StringComparison.Ordinal));

            // The printed trace command works as printed (argv split the way a shell would).
            var kubectl = new Kubectl(kubeconfig, Path.Combine(temp.Path, "kube-cache"), null);
            string flow = trace[(trace.IndexOf('\'') + 1)..trace.LastIndexOf('\'')];
            KubectlResult traced = await kubectl.RunAsync("exec", "-n", "aci-containers-system", ovsA, "--", "ovs-appctl", "ofproto/trace", "br-access", flow);
            Assert.True(traced.ExitCode == 0, traced.ToString());
            Assert.Contains("Datapath actions: set(tunnel(tun_id=0x8c8010", traced.Stdout);

            KubectlResult pods = await kubectl.RunAsync("get", "pods", "-A");
            Assert.True(pods.ExitCode == 0, pods.ToString());
            Assert.Contains(pods.Stdout.Split('\n'), l => l.StartsWith("team-a ", StringComparison.Ordinal) && l.Contains(" b1 ", StringComparison.Ordinal));

            LabCliResult status = await LabCliRunner.RunAsync(Short, "status", "--state-dir", dir);
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.StartsWith($"lab: running (pid {servePid},", status.Stdout);
            Assert.Contains("answering (version v1.32.5)", status.Stdout);
            Assert.Contains(status.Lines, l => l.TrimStart().StartsWith("node-b ", StringComparison.Ordinal) && l.Contains(" up ", StringComparison.Ordinal));

            LabCliResult again = await LabCliRunner.RunAsync(Short, "up", spec, "--state-dir", dir);
            Assert.True(again.ExitCode == 1, again.ToString());
            Assert.Contains($"a lab is already running in {dir} (pid {servePid}", again.Stderr);

            LabCliResult faults = await LabCliRunner.RunAsync(Short, "faults", "--state-dir", dir, "--ovs-not-ready", "node-b");
            Assert.True(faults.ExitCode == 0, faults.ToString());
            Assert.Contains("ovs not ready:     node-b", faults.Stdout);
            string ovsB = LabKubeModel.SystemPodName("node-b", AciSystemPodRole.OpenVswitch);
            KubectlResult system = await kubectl.RunAsync("get", "pods", "-n", "aci-containers-system");
            Assert.Equal(["0/1", "Running"], ColumnsOf(system.Stdout, ovsB)[1..3]);
            Assert.Equal("1/1", ColumnsOf(system.Stdout, ovsA)[1]);
            LabCliResult reset = await LabCliRunner.RunAsync(Short, "faults", "--state-dir", dir, "--reset");
            Assert.Contains("ovs not ready:     none", reset.Stdout);
            Assert.Equal("1/1", ColumnsOf((await kubectl.RunAsync("get", "pods", "-n", "aci-containers-system")).Stdout, ovsB)[1]);
            LabCliResult unknownNode = await LabCliRunner.RunAsync(Short, "faults", "--state-dir", dir, "--node-removed", "node-z");
            Assert.True(unknownNode.ExitCode == 2, unknownNode.ToString());

            LabCliResult down = await LabCliRunner.RunAsync(Short, "down", "--state-dir", dir);
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Equal($"lab stopped: pid {servePid}, 2 node(s), no OVS daemon left in {dir}", down.Lines[0]);
            Assert.False(LabProcesses.IsAlive(servePid), $"serve pid {servePid} is still alive after down");
            Assert.All(runDirs, d => Assert.Empty(OvsInstance.FindDaemonProcesses(d)));
            Assert.False(File.Exists(LabStateFile.PathIn(dir)));

            LabCliResult secondDown = await LabCliRunner.RunAsync(Short, "down", "--state-dir", dir);
            Assert.True(secondDown.ExitCode == 0, secondDown.ToString());
            Assert.Equal($"no lab running in {dir}", secondDown.Lines[0]);
            LabCliResult after = await LabCliRunner.RunAsync(Short, "status", "--state-dir", dir);
            Assert.True(after.ExitCode == 3, after.ToString());
            Assert.Equal($"lab: not running in {dir}", after.Lines[0]);
            Assert.Contains("stopped (API closed, OVS daemons stopped)", File.ReadAllText(Path.Combine(dir, "lab.log")));
        }
        finally
        {
            // Never leave a lab behind, even when an assertion failed half way.
            if (servePid > 0 && LabProcesses.IsServeProcess(servePid, dir)) LabProcesses.Signal(servePid, LabProcesses.SigKill);
            await LabShutdown.StopAsync(dir, null);
        }
    }

    [Fact]
    public async Task UsageErrorsExitTwoWithTheUsageText()
    {
        using var temp = LabTestSupport.NewStateDir();
        string[][] bad =
        [
            [],
            ["bogus"],
            ["up"],
            ["up", "a.yaml", "b.yaml"],
            ["up", "a.yaml", "--port", "70000"],
            ["status", "--rbac"],
            ["faults", "--exec-hang", "maybe"],
            ["down", "--state-dir"],
            ["policy", "--apply", "/no/such/change.yaml"],
            ["policy", "--delete-policy", "no-slash"],
            ["faults", "--apply", "x.yaml"],
        ];
        foreach (string[] args in bad)
        {
            LabCliResult r = await LabCliRunner.RunAsync(Short, args);
            Assert.True(r.ExitCode == 2, $"[{string.Join(' ', args)}] {r}");
            Assert.Contains("usage: AciTrace.Lab <command> [options]", r.Stderr);
            Assert.Equal("", r.Stdout);
        }
        LabCliResult notRunning = await LabCliRunner.RunAsync(Short, "policy", "--delete-policy", "shop/web-ingress", "--state-dir", temp.Path);
        Assert.Equal(3, notRunning.ExitCode);
        LabCliResult help = await LabCliRunner.RunAsync(Short, "help");
        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("usage: AciTrace.Lab", help.Stdout);
    }

    [Fact]
    public async Task UpWithAnInvalidSpecFailsAndStartsNothing()
    {
        using var temp = LabTestSupport.NewStateDir();
        string spec = Path.Combine(temp.Path, "bad.yaml");
        await File.WriteAllTextAsync(spec, "nodes:\n  - {name: Node_A}\n");
        string dir = Path.Combine(temp.Path, "state");
        LabCliResult r = await LabCliRunner.RunAsync(Short, "up", spec, "--state-dir", dir);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("is not a valid lab spec", r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.False(File.Exists(LabStateFile.PathIn(dir)));
        LabCliResult status = await LabCliRunner.RunAsync(Short, "status", "--state-dir", dir);
        Assert.Equal(3, status.ExitCode);
        LabCliResult faults = await LabCliRunner.RunAsync(Short, "faults", "--state-dir", dir);
        Assert.Equal(3, faults.ExitCode);
    }

    private static string[] ColumnsOf(string table, string name) =>
        Assert.Single(table.Split('\n'), l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
