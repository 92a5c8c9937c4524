using System.Diagnostics;
using System.Text;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Kube;

namespace AciTrace.Tests.Unit.Engine;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeFactsScriptTests : IDisposable
{
    private const string PodA = "5e1c1a2b-1111-2222-3333-444455556666";
    private const string PodB = "0006dcd9-b1e8-4fc1-aaaf-254c65fa1990";
    private const string Svc = "e28127ee-51d5-4c2b-9796-9e2c44008573";

    private readonly string _dir = Directory.CreateTempSubdirectory("acitrace-facts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs the registered script with real /bin/sh, as the exec in the host pod does.</summary>
    private static byte[] RunScript(string agentDir, params string[] keys) => RunScriptWith(agentDir, null, keys);

    private static byte[] RunScriptWith(string agentDir, string? binDir, params string[] keys)
    {
        var argv = NodeFactsScript.Argv(keys);
        Assert.True(ReadOnlyCommandPolicy.IsAllowed(argv, out var why), why);
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment["ACITRACE_AGENT_DIR"] = agentDir;
        if (binDir is not null) psi.Environment["PATH"] = binDir + ":/usr/bin:/bin";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return ms.ToArray();
    }

    private string AgentWithTwoPodsAndAService(out string epA, out byte[] id)
    {
        var agent = Path.Combine(_dir, "agent");
        foreach (var d in new[] { "endpoints", "services", "snats", "ids" }) Directory.CreateDirectory(Path.Combine(agent, d));
        epA = "{\"uuid\":\"" + PodA + "_c1_veth1\",\"mac\":\"9e:8f:11:02:00:0a\",\"ip\":[\"10.2.0.10\"]}";
        File.WriteAllText(Path.Combine(agent, "endpoints", PodA + "_c1_veth1.ep"), epA);
        File.WriteAllText(Path.Combine(agent, "endpoints", PodB + "_c2_veth2.ep"), "{\"uuid\":\"" + PodB + "_c2_veth2\"}");
        File.WriteAllText(Path.Combine(agent, "services", Svc + ".service"), "{\"uuid\":\"" + Svc + "\"}\n@@ACITRACE file 1 x\n");
        File.WriteAllText(Path.Combine(agent, "services", Svc + "-external.service"), "{\"uuid\":\"" + Svc + "-external\"}");
        File.WriteAllText(Path.Combine(agent, "services", "other.service"), "{\"uuid\":\"other\"}");
        File.WriteAllText(Path.Combine(agent, "snats", "s.snat"), "{\"uuid\":\"s\"}");
        id = OpflexIdFile.Write(new[] { (1u, "/PolicyUniverse/PolicySpace/kube/GbpBridgeDomain/bd/"), (2u, "a\nb\u0000c") });
        File.WriteAllBytes(Path.Combine(agent, "ids", "bridgeDomain.id"), id);
        return agent;
    }

    [Fact]
    public void ReadsOnlyTheFilesOfItsKeysByteExact()
    {
        var agent = AgentWithTwoPodsAndAService(out var epA, out var id);

        var output = NodeFactsScript.Parse(RunScript(agent, NodeFactsScript.NodeKey, NodeFactsScript.PodKey(PodA), NodeFactsScript.ServiceKey(Svc)));

        Assert.Empty(output.Warnings);
        Assert.True(output.Complete && output.FilesIntact);
        Assert.Equal(
            new[] { "endpoints/" + PodA + "_c1_veth1.ep", "ids/bridgeDomain.id", "services/" + Svc + "-external.service", "services/" + Svc + ".service", "snats/s.snat" },
            output.Files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(epA, Encoding.UTF8.GetString(output.Files["endpoints/" + PodA + "_c1_veth1.ep"]));
        Assert.Equal(id, output.Files["ids/bridgeDomain.id"]);
        Assert.Contains("@@ACITRACE file 1 x", Encoding.UTF8.GetString(output.Files["services/" + Svc + ".service"]));
        Assert.Equal(2, OpflexIdFile.Parse(output.Files["ids/bridgeDomain.id"]).Map.Count);
    }

    [Fact]
    public void ThePolicyKeyRunsTheTracersQueryAndKeepsItsStatus()
    {
        var agent = AgentWithTwoPodsAndAService(out _, out _);
        var bin = Path.Combine(_dir, "bin");
        Directory.CreateDirectory(bin);
        var shim = Path.Combine(bin, "gbp_inspect");
        // Prints its own arguments so the test sees the exact query the script ran.
        File.WriteAllText(shim, "#!/bin/sh\nprintf '[{\"subject\":\"GbpEpGroup\",\"uri\":\"/%s/\"}]' \"$*\" | tr ' ' '_'\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);

        var output = NodeFactsScript.Parse(RunScriptWith(agent, bin, NodeFactsScript.NodeKey, NodeFactsScript.PolicyKey));

        Assert.True(output.Complete && output.FilesIntact);
        Assert.Equal(0, output.PolicyExitCode);
        Assert.Contains("/" + NodePolicyQuery.Command["gbp_inspect ".Length..].Replace(' ', '_') + "/", output.PolicyText);
        Assert.Contains("ids/bridgeDomain.id", output.Files.Keys);

        var without = NodeFactsScript.Parse(RunScriptWith(agent, Path.Combine(_dir, "nobin"), NodeFactsScript.PolicyKey));
        Assert.True(without.Complete);
        Assert.Empty(without.Files);
        Assert.Equal(127, without.PolicyExitCode);
    }

    [Fact]
    public void AllPodsReadsEveryEndpointOfASmallNodeOnly()
    {
        var agent = AgentWithTwoPodsAndAService(out _, out _);
        var small = NodeFactsScript.Parse(RunScript(agent, NodeFactsScript.AllPodsKey, NodeFactsScript.PodKey(PodA)));
        Assert.True(small.AllEndpointsRead);
        Assert.Equal(2, small.Files.Keys.Count(k => k.StartsWith("endpoints/", StringComparison.Ordinal)));

        for (int i = 0; i < NodeFactsScript.WholeNodeEndpointLimit; i++)
            File.WriteAllText(Path.Combine(agent, "endpoints", $"{Guid.NewGuid()}_c_veth{i}.ep"), "{}");
        var large = NodeFactsScript.Parse(RunScript(agent, NodeFactsScript.AllPodsKey, NodeFactsScript.PodKey(PodA)));
        Assert.False(large.AllEndpointsRead);
        Assert.Equal(new[] { "endpoints/" + PodA + "_c1_veth1.ep" }, large.Files.Keys);

        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(Path.Combine(empty, "endpoints"));
        var none = NodeFactsScript.Parse(RunScript(empty, NodeFactsScript.AllPodsKey));
        Assert.True(none.AllEndpointsRead);
        Assert.Empty(none.Files);
    }

    [Fact]
    public void APodKeyAloneReadsThatPodsEndpointAndNothingElse()
    {
        var agent = AgentWithTwoPodsAndAService(out _, out _);
        var output = NodeFactsScript.Parse(RunScript(agent, NodeFactsScript.PodKey(PodB)));
        Assert.Equal(new[] { "endpoints/" + PodB + "_c2_veth2.ep" }, output.Files.Keys);
        Assert.True(output.Complete);
    }

    [Fact]
    public void KeysWithoutFilesAndAMissingAgentDirectoryGiveNoFilesButACompleteRead()
    {
        var agent = AgentWithTwoPodsAndAService(out _, out _);
        var none = NodeFactsScript.Parse(RunScript(agent, NodeFactsScript.PodKey("no-such-pod"), NodeFactsScript.ServiceKey("no-such-service")));
        Assert.Empty(none.Files);
        Assert.True(none.Complete && none.FilesIntact);
        var missing = NodeFactsScript.Parse(RunScript(Path.Combine(_dir, "nothing-here"), NodeFactsScript.NodeKey, NodeFactsScript.AllPodsKey));
        Assert.Empty(missing.Files);
        Assert.True(missing.Complete);
        Assert.False(missing.AllEndpointsRead);
        Assert.Contains(missing.Warnings, w => w.Contains("nothing-here does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void EachKeyOwnsExactlyItsFiles()
    {
        Assert.True(NodeFactsScript.KeyOwns(NodeFactsScript.PodKey(PodA), "endpoints/" + PodA + "_c1_veth1.ep"));
        Assert.False(NodeFactsScript.KeyOwns(NodeFactsScript.PodKey(PodA), "endpoints/" + PodB + "_c2_veth2.ep"));
        Assert.True(NodeFactsScript.KeyOwns(NodeFactsScript.ServiceKey(Svc), "services/" + Svc + ".service"));
        Assert.True(NodeFactsScript.KeyOwns(NodeFactsScript.ServiceKey(Svc), "services/" + Svc + "-external.service"));
        Assert.False(NodeFactsScript.KeyOwns(NodeFactsScript.ServiceKey("e28127ee"), "services/" + Svc + ".service"));
        Assert.True(NodeFactsScript.KeyOwns(NodeFactsScript.NodeKey, "ids/conntrack.id"));
        Assert.True(NodeFactsScript.KeyOwns(NodeFactsScript.PodKey(PodA), "endpoints/" + PodA + ".ep"));
        Assert.True(NodeFactsScript.KeyOwns(NodeFactsScript.AllPodsKey, "endpoints/" + PodB + "_c2_veth2.ep"));
        Assert.False(NodeFactsScript.KeyOwns(NodeFactsScript.NodeKey, "endpoints/" + PodA + "_c1_veth1.ep"));
    }

    [Fact]
    public void AListingThatCouldNotRunIsNotIntact()
    {
        // wc could not be started (E2BIG, or no wc): the node's files were not read.
        var text = "\n@@ACITRACE files\n\n@@ACITRACE data 126\n\n@@ACITRACE end\n";
        var output = NodeFactsScript.Parse(Encoding.UTF8.GetBytes(text));
        Assert.False(output.FilesIntact);
        Assert.Contains(output.Warnings, w => w.Contains("too many files", StringComparison.Ordinal));
        var normal = NodeFactsScript.Parse(Encoding.UTF8.GetBytes("\n@@ACITRACE files\n3 endpoints/a.ep\n\n@@ACITRACE data 1\nabc\n@@ACITRACE end\n"));
        Assert.True(normal.FilesIntact && normal.Complete);
        Assert.Null(normal.PolicyExitCode);
        Assert.Equal("abc", Encoding.UTF8.GetString(normal.Files["endpoints/a.ep"]));
    }

    [Fact]
    public void TruncatedOutputIsIncompleteAndNeverThrows()
    {
        var output = NodeFactsScript.Parse(Encoding.UTF8.GetBytes("\n@@ACITRACE files\n100 endpoints/a.ep\n\n@@ACITRACE data 0\n{\"uuid\""));
        Assert.Empty(output.Files);
        Assert.False(output.Complete && output.FilesIntact);
        Assert.NotEmpty(output.Warnings);
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var header = Encoding.ASCII.GetBytes("\n@@ACITRACE files\n");
            if (i % 2 == 0) header.AsSpan(0, Math.Min(bytes.Length, header.Length)).CopyTo(bytes);
            NodeFactsScript.Parse(bytes);
        }
    }

    [Fact]
    public void TheScriptTakesOnlyWellFormedKeys()
    {
        Assert.True(ReadOnlyCommandPolicy.IsAllowed(NodeFactsScript.Argv(new[] { "node", NodeFactsScript.PodKey(PodA) }), out var why), why);
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(NodeFactsScript.Argv(Array.Empty<string>()), out _));
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(NodeFactsScript.Argv(new[] { "pod=*" }), out _));
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(NodeFactsScript.Argv(new[] { "pod=a b" }), out _));
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(NodeFactsScript.Argv(Enumerable.Repeat("node", NodeFactsScript.MaxKeys + 1)), out _));
        var otherScript = new[] { "/bin/sh", "-c", NodeFactsScript.Text + " ", "sh", "node" };
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(otherScript, out _));
    }

    [Fact]
    public void AllFilesReadsEveryFileOfTheNodeWithoutTheWholeNodeLimit()
    {
        var agent = AgentWithTwoPodsAndAService(out var epA, out var id);
        for (var i = 0; i < NodeFactsScript.WholeNodeEndpointLimit + 10; i++)
            File.WriteAllText(Path.Combine(agent, "endpoints", $"{i:D8}-0000-0000-0000-000000000000_c_veth{i}.ep"), "{}");

        var output = NodeFactsScript.Parse(RunScript(agent, NodeFactsScript.AllFilesKey));

        Assert.True(output.Complete && output.FilesIntact);
        Assert.Equal(NodeFactsScript.WholeNodeEndpointLimit + 12, output.FilesIn("endpoints", ".ep").Count());
        Assert.Equal(3, output.FilesIn("services", ".service").Count());
        Assert.Equal(epA, Encoding.UTF8.GetString(output.Files[$"endpoints/{PodA}_c1_veth1.ep"]));
        Assert.Equal(id, output.Files["ids/bridgeDomain.id"]);
        Assert.True(output.Files.ContainsKey("snats/s.snat"));
        Assert.All(output.Files.Keys, path => Assert.True(NodeFactsScript.KeyOwns(NodeFactsScript.AllFilesKey, path)));
    }
}
