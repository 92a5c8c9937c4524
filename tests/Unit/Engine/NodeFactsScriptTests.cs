using System.Diagnostics;
using System.Text;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Kube;

namespace AciTrace.Tests.Unit.Engine;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeFactsScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("acitrace-facts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] RunScript(string agentDir, string binDir)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in NodeFactsScript.Argv.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment["ACITRACE_AGENT_DIR"] = agentDir;
        psi.Environment["PATH"] = binDir + ":/usr/bin:/bin";
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return ms.ToArray();
    }

    [Fact]
    public void ScriptOutputRoundTripsEveryFileByteExactAndTheDump()
    {
        var agent = Path.Combine(_dir, "agent");
        foreach (var d in new[] { "endpoints", "services", "snats", "ids" }) Directory.CreateDirectory(Path.Combine(agent, d));
        var ep = "{\"uuid\":\"u1\",\"mac\":\"9e:8f:11:02:00:0a\",\"ip\":[\"10.2.0.10\"]}";
        File.WriteAllText(Path.Combine(agent, "endpoints", "u1.ep"), ep);
        File.WriteAllText(Path.Combine(agent, "services", "s1.service"), "{\"uuid\":\"s1\"}\n@@ACITRACE file 1 x\n");
        var id = OpflexIdFile.Write(new[] { (1u, "/PolicyUniverse/PolicySpace/kube/GbpBridgeDomain/bd/"), (2u, "a\nb\u0000c") });
        File.WriteAllBytes(Path.Combine(agent, "ids", "bridgeDomain.id"), id);
        var bin = Path.Combine(_dir, "bin");
        Directory.CreateDirectory(bin);
        var shim = Path.Combine(bin, "gbp_inspect");
        File.WriteAllText(shim, "#!/bin/sh\necho '[{\"subject\":\"DmtreeRoot\",\"uri\":\"/\"}]'\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);

        var output = NodeFactsScript.Parse(RunScript(agent, bin));

        Assert.Empty(output.Warnings);
        Assert.Equal(ep, Encoding.UTF8.GetString(output.Files["endpoints/u1.ep"]));
        Assert.Equal(id, output.Files["ids/bridgeDomain.id"]);
        Assert.Contains("@@ACITRACE file 1 x", Encoding.UTF8.GetString(output.Files["services/s1.service"]));
        Assert.Contains("DmtreeRoot", output.PolicyDumpText);
        Assert.Equal(0, output.PolicyDumpExitCode);
        Assert.Equal(2, OpflexIdFile.Parse(output.Files["ids/bridgeDomain.id"]).Map.Count);
    }

    [Fact]
    public void EmptyAgentDirectoryGivesNoFilesAndReportsMissingGbpInspect()
    {
        var agent = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(agent);
        var output = NodeFactsScript.Parse(RunScript(agent, Path.Combine(_dir, "nobin")));
        Assert.Empty(output.Files);
        Assert.NotEqual(0, output.PolicyDumpExitCode);
    }

    [Fact]
    public void AListingThatCouldNotRunIsNotIntact()
    {
        // wc could not be started (E2BIG: too many agent files for one command line): the node's files were not read.
        var text = "\n@@ACITRACE files\n\n@@ACITRACE data 126\n\n@@ACITRACE gbp\n[]\n@@ACITRACE end 0\n";
        var output = NodeFactsScript.Parse(Encoding.UTF8.GetBytes(text));
        Assert.False(output.FilesIntact);
        Assert.Contains(output.Warnings, w => w.Contains("too many files", StringComparison.Ordinal));
        var normal = NodeFactsScript.Parse(Encoding.UTF8.GetBytes("\n@@ACITRACE files\n3 endpoints/a.ep\n\n@@ACITRACE data 1\nabc\n@@ACITRACE gbp\n[]\n@@ACITRACE end 0\n"));
        Assert.True(normal.FilesIntact);
        Assert.Equal("abc", Encoding.UTF8.GetString(normal.Files["endpoints/a.ep"]));
    }

    [Fact]
    public void TruncatedOutputNeverThrows()
    {
        var text = "\n@@ACITRACE file 100 endpoints/a.ep\n{\"uuid\"";
        var output = NodeFactsScript.Parse(Encoding.UTF8.GetBytes(text));
        Assert.Empty(output.Files);
        Assert.NotEmpty(output.Warnings);
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var header = Encoding.ASCII.GetBytes("\n@@ACITRACE file ");
            if (i % 2 == 0) header.AsSpan(0, Math.Min(bytes.Length, header.Length)).CopyTo(bytes);
            NodeFactsScript.Parse(bytes);
        }
    }

    [Fact]
    public void FixedScriptsAreAllowedAndTheirTraceArgumentsChecked()
    {
        Assert.True(ReadOnlyCommandPolicy.IsAllowed(NodeFactsScript.Argv, out _));
        var ok = OvsLegScript.ArgvWithPortMaps(new[] { "br-access", "in_port=veth1,tcp,nw_src=10.2.0.10,nw_dst=10.2.0.11,tcp_dst=80" });
        Assert.True(ReadOnlyCommandPolicy.IsAllowed(ok, out var why), why);
        var injected = OvsLegScript.ArgvWithPortMaps(new[] { "br-access", "in_port=1;reboot" });
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(injected, out _));
        var otherScript = new[] { "/bin/sh", "-c", OvsLegScript.Text + " ", "sh", "br-int", "in_port=1" };
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(otherScript, out _));
        var argsOnFactsScript = NodeFactsScript.Argv.Concat(new[] { "sh", "br-int", "in_port=1" }).ToList();
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(argsOnFactsScript, out _));
    }

    [Fact]
    public void LegScriptOutputSplitsIntoPortMapsAndTrace()
    {
        var text = " 1(eth1): addr:aa\n" + OvsLegScript.Separator + "\n 2(vxlan0): addr:bb\n" + OvsLegScript.Separator + "\nFlow: x\n";
        var (a, i, t) = OvsLegScript.Split(text);
        Assert.Equal("eth1", OvsPortMap.Parse(a).NameOf(1));
        Assert.Equal("vxlan0", OvsPortMap.Parse(i).NameOf(2));
        Assert.Equal("Flow: x\n", t);
    }
}
