using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AciTrace.Discovery;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Replay.Snapshot;
using AciTrace.Snapshot;

namespace AciTrace.Tests.Unit.Replay;

/// <summary>
/// A snapshot file read back without a cluster: its checks (names, checksums, format), its object reads as the API
/// server answers them, and the execs it answers from its recordings or its node folders. Traces through its
/// private OVS are proven against the lab (tests/Lab SnapshotReplayTests).
/// </summary>
public sealed class SnapshotFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("acitrace-snapshot-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string Dpif = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Snapshot", "node-a-dpif-show.txt"));
    private static readonly string Flows = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Flows", "node-b-br-int.txt"));

    private static JsonObject Pod(string ns, string name, string node, string? role = null, string? app = null) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["namespace"] = ns, ["name"] = name, ["uid"] = Guid.NewGuid().ToString(),
            ["labels"] = role is not null ? new JsonObject { ["name"] = role } : new JsonObject { ["app"] = app ?? name },
        },
        ["spec"] = new JsonObject { ["nodeName"] = node },
        ["status"] = new JsonObject { ["phase"] = "Running" },
    };

    private static byte[] List(params JsonObject[] items) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["kind"] = "List", ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()) });

    private static SnapshotManifest Manifest(string format = SnapshotLayout.Format) => new()
    {
        Format = format, ToolVersion = "test", TakenAt = DateTimeOffset.UnixEpoch, SystemNamespace = "aci-containers-system", ContextNamespace = "shop",
        Nodes = [new SnapshotNode("node-a", 1, 1)], Objects = new Dictionary<string, int>(), Files = [],
    };

    /// <summary>One node (node-a) with its system pods; node-b's pods exist but its datapath was not recorded.</summary>
    private static Dictionary<string, byte[]> Entries()
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in SnapshotLayout.Resources) entries[SnapshotLayout.KubeEntry(resource)] = List();
        entries[SnapshotLayout.KubeEntry(KubeResource.Pods)] = List(
            Pod("aci-containers-system", "ovs-a", "node-a", "aci-containers-openvswitch"), Pod("aci-containers-system", "host-a", "node-a", "aci-containers-host"),
            Pod("aci-containers-system", "ovs-b", "node-b", "aci-containers-openvswitch"),
            Pod("shop", "web-1", "node-a", app: "web"), Pod("shop", "client", "node-a"), Pod("data", "db-1", "node-a", app: "web"));
        entries[SnapshotLayout.KubeEntry(KubeResource.Namespaces)] = List(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "shop" } });
        entries[SnapshotLayout.NodeEntry("node-a", $"{SnapshotLayout.DatapathFolder}/{SnapshotLayout.PortsFileName}")] = Encoding.UTF8.GetBytes(Dpif);
        entries[SnapshotLayout.NodeEntry("node-a", $"{SnapshotLayout.DatapathFolder}/{SnapshotLayout.DumpFileName("dump-flows", "br-int")}")] = Encoding.UTF8.GetBytes(Flows);
        entries[SnapshotLayout.NodeEntry("node-a", $"{SnapshotLayout.AgentDirectoryName}/snats/s.snat")] = Encoding.UTF8.GetBytes("{\"uuid\":\"s\"}");
        return entries;
    }

    private string Write(Dictionary<string, byte[]>? entries = null, SnapshotManifest? manifest = null)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".zip");
        SnapshotWriter.WriteZipAsync(path, manifest ?? Manifest(), entries ?? Entries(), CancellationToken.None).GetAwaiter().GetResult();
        return path;
    }

    private static async Task<string> ExecAsync(SnapshotKubeClient client, string pod, string container, params string[] argv) =>
        (await client.ExecAsync("aci-containers-system", pod, container, argv, CancellationToken.None)).Stdout;

    [Fact]
    public async Task ObjectReadsAnswerAsTheApiServerDoes()
    {
        await using var client = SnapshotKubeClient.Open(Write());

        using var system = await client.GetJsonAsync(KubeResource.Pods, null, null, ClusterDiscovery.SystemPodsSelector, null, CancellationToken.None);
        Assert.Equal(3, system.RootElement.GetProperty("items").GetArrayLength());
        using var webs = await client.GetJsonAsync(KubeResource.Pods, "shop", null, "app=web", null, CancellationToken.None);
        Assert.Equal("web-1", webs.RootElement.GetProperty("items").EnumerateArray().Single().GetProperty("metadata").GetProperty("name").GetString());
        using var onA = await client.GetJsonAsync(KubeResource.Pods, null, null, null, "spec.nodeName=node-b", CancellationToken.None);
        Assert.Equal("ovs-b", onA.RootElement.GetProperty("items").EnumerateArray().Single().GetProperty("metadata").GetProperty("name").GetString());
        using var one = await client.GetJsonAsync(KubeResource.Pods, "shop", "client", null, null, CancellationToken.None);
        Assert.Equal("client", one.RootElement.GetProperty("metadata").GetProperty("name").GetString());
        using var none = await client.GetJsonAsync(KubeResource.Pods, "nowhere", null, null, null, CancellationToken.None);
        Assert.Equal(0, none.RootElement.GetProperty("items").GetArrayLength());

        var missing = await Assert.ThrowsAnyAsync<AciTraceException>(() => client.GetJsonAsync(KubeResource.Pods, "shop", "gone", null, null, CancellationToken.None));
        Assert.Equal(ErrorIds.PodNotFound, missing.ErrorId);
        var noNamespace = await Assert.ThrowsAnyAsync<AciTraceException>(() => client.GetJsonAsync(KubeResource.Namespaces, null, "gone", null, null, CancellationToken.None));
        Assert.Equal(ErrorIds.NamespaceNotFound, noNamespace.ErrorId);
        Assert.Equal("shop", await client.GetContextNamespaceAsync(CancellationToken.None));
        Assert.Equal(7, client.ApiReads);
    }

    [Fact]
    public async Task RecordedAnswersNeedNoOvsAndAgentFilesAreReadByTheRealScript()
    {
        await using var client = SnapshotKubeClient.Open(Write());
        var commands = new List<string>();
        client.CommandStarting += (_, e) => commands.Add(e.CommandLine);

        Assert.Equal(Dpif, await ExecAsync(client, "ovs-a", ClusterDiscovery.OvsContainer, [.. PortMapQuery.Argv]));
        Assert.Equal(Flows, await ExecAsync(client, "ovs-a", ClusterDiscovery.OvsContainer, "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "br-int"));
        var table = await ExecAsync(client, "ovs-a", ClusterDiscovery.OvsContainer, "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "br-int", "table=4");
        Assert.All(AciTrace.Ovs.FlowDumpParser.Parse(table), f => Assert.Equal(4, f.Table));
        var facts = NodeFactsScript.Parse((await client.ExecBytesAsync("aci-containers-system", "host-a", ClusterDiscovery.AgentContainer,
            NodeFactsScript.Argv([NodeFactsScript.AllFilesKey]), CancellationToken.None)).Stdout);
        Assert.Equal(["snats/s.snat"], facts.Files.Keys);
        Assert.Equal(0, client.OvsStarted);
        Assert.Equal(4, client.Execs);
        Assert.StartsWith("snapshot exec -n aci-containers-system ovs-a -c aci-containers-openvswitch -- ovs-appctl dpif/show", commands[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecsAreRefusedLikeOnACluster()
    {
        await using var client = SnapshotKubeClient.Open(Write());

        var write = await Assert.ThrowsAnyAsync<AciTraceException>(() => ExecAsync(client, "ovs-a", ClusterDiscovery.OvsContainer, "ovs-ofctl", "add-flow", "br-int", "actions=drop"));
        Assert.Equal(ErrorIds.CommandNotAllowed, write.ErrorId);
        var appPod = await Assert.ThrowsAnyAsync<AciTraceException>(() => client.ExecAsync("shop", "web-1", null, ["ovs-appctl", "dpif/show"], CancellationToken.None));
        Assert.Equal(ErrorIds.CommandNotAllowed, appPod.ErrorId);
        var notRecorded = await Assert.ThrowsAnyAsync<AciTraceException>(() => ExecAsync(client, "ovs-b", ClusterDiscovery.OvsContainer, [.. PortMapQuery.Argv]));
        Assert.Equal(ErrorIds.SnapshotNodeMissing, notRecorded.ErrorId);
        Assert.Contains("node-b", notRecorded.Message, StringComparison.Ordinal);
        var noPod = await Assert.ThrowsAnyAsync<AciTraceException>(() => ExecAsync(client, "gone", ClusterDiscovery.OvsContainer, [.. PortMapQuery.Argv]));
        Assert.Equal(ErrorIds.PodNotFound, noPod.ErrorId);
        Assert.Equal(0, client.OvsStarted);
    }

    [Fact]
    public async Task DisposingDeletesTheExtractedFolder()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "acitrace-*").ToHashSet();
        var client = SnapshotKubeClient.Open(Write());
        var extracted = Directory.GetDirectories(Path.GetTempPath(), "acitrace-*").Except(before)
            .Single(d => File.Exists(Path.Combine(d, SnapshotLayout.KubeEntry(KubeResource.Pods))));

        await client.DisposeAsync();

        Assert.False(Directory.Exists(extracted));
    }

    [Fact]
    public async Task OpeningASnapshotCleansUpAfterAProcessThatWasKilled()
    {
        var orphan = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "acitrace-" + Guid.NewGuid().ToString("N")[..12])).FullName;
        Directory.CreateDirectory(Path.Combine(orphan, "ovs", "1"));
        File.WriteAllText(Path.Combine(orphan, "owner"), "2147483646 1");
        var living = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "acitrace-" + Guid.NewGuid().ToString("N")[..12])).FullName;
        var stat = File.ReadAllText($"/proc/{Environment.ProcessId}/stat");
        File.WriteAllText(Path.Combine(living, "owner"), $"{Environment.ProcessId} {stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19]}");
        try
        {
            await using var client = SnapshotKubeClient.Open(Write());

            Assert.False(Directory.Exists(orphan));
            Assert.True(Directory.Exists(living));
        }
        finally
        {
            Directory.Delete(living, recursive: true);
            if (Directory.Exists(orphan)) Directory.Delete(orphan, recursive: true);
        }
    }

    [Fact]
    public void AFileThatIsNotAnIntactSnapshotIsRefusedBeforeUse()
    {
        static string IdOf(Action open) => Assert.ThrowsAny<AciTraceException>(open).ErrorId;

        Assert.Equal(ErrorIds.SnapshotNotFound, IdOf(() => SnapshotKubeClient.Open(Path.Combine(_dir, "none.zip"))));

        var notZip = Path.Combine(_dir, "text.zip");
        File.WriteAllText(notZip, "not a zip");
        Assert.Equal(ErrorIds.SnapshotInvalid, IdOf(() => SnapshotKubeClient.Open(notZip)));

        Assert.Equal(ErrorIds.SnapshotInvalid, IdOf(() => SnapshotKubeClient.Open(Write(manifest: Manifest("acitrace-snapshot/99")))));

        var tampered = Write();
        using (var zip = ZipFile.Open(tampered, ZipArchiveMode.Update))
        {
            // Same length, one word changed: only the checksum tells.
            var name = SnapshotLayout.KubeEntry(KubeResource.Pods);
            string text;
            using (var reader = new StreamReader(zip.GetEntry(name)!.Open())) text = reader.ReadToEnd();
            zip.GetEntry(name)!.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            writer.Write(text.Replace("Running", "Pending", StringComparison.Ordinal));
        }
        var checksum = Assert.ThrowsAny<AciTraceException>(() => SnapshotKubeClient.Open(tampered));
        Assert.Equal(ErrorIds.SnapshotInvalid, checksum.ErrorId);
        Assert.Contains($"the entry {SnapshotLayout.KubeEntry(KubeResource.Pods)} does not match its checksum", checksum.Message, StringComparison.Ordinal);

        var extra = Write();
        using (var zip = ZipFile.Open(extra, ZipArchiveMode.Update)) zip.CreateEntry("nodes/node-a/unlisted.txt");
        Assert.Equal(ErrorIds.SnapshotInvalid, IdOf(() => SnapshotKubeClient.Open(extra)));

        var escaping = Entries();
        escaping["nodes/../../escape.txt"] = [1];
        Assert.Equal(ErrorIds.SnapshotInvalid, IdOf(() => SnapshotKubeClient.Open(Write(escaping))));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "escape.txt")));

        // Only a snapshot's layout: no script next to a node's files, no node the manifest does not name.
        foreach (var name in new[] { "nodes/node-a/bin/gbp_inspect", "nodes/node-b/datapath/dpif-show.txt", "nodes/node-a/opflex-agent-ovs/secrets/x", "kube/secrets.json" })
        {
            var unknown = Entries();
            unknown[name] = [1];
            Assert.Equal(ErrorIds.SnapshotInvalid, IdOf(() => SnapshotKubeClient.Open(Write(unknown))));
        }
        Assert.Equal(ErrorIds.SnapshotInvalid, IdOf(() => SnapshotKubeClient.Open(Write(manifest: Manifest() with { Nodes = [new SnapshotNode("../../etc", 0, 0)] }))));
    }

    [Fact]
    public void ADeclaredSizeOrCompressionNoSnapshotHasIsRefusedBeforeItIsExtracted()
    {
        // 64 MiB of zeros deflate to about 64 kB: a ratio no snapshot has, refused before anything is written.
        var zeros = Entries();
        zeros[SnapshotLayout.NodeEntry("node-a", $"{SnapshotLayout.AgentDirectoryName}/endpoints/big.ep")] = new byte[64 << 20];
        var bomb = Assert.ThrowsAny<AciTraceException>(() => SnapshotKubeClient.Open(Write(zeros)));
        Assert.Equal(ErrorIds.SnapshotInvalid, bomb.ErrorId);
        Assert.Contains("compressed more than", bomb.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nodes/a/opflex-agent-ovs/ids/x.id", true)]
    [InlineData("../x", false)]
    [InlineData("a/../../x", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("a\\b", false)]
    [InlineData("c:x", false)]
    [InlineData("a//b", false)]
    [InlineData("", false)]
    public void EntryNamesStayInsideTheFolder(string name, bool safe) =>
        Assert.Equal(safe, SnapshotArchive.SafePath("/tmp/root", name) is not null);

    [Fact]
    public void RedactionKeepsWhatTheTracerReadsAndNothingThatMayHoldASecret()
    {
        var pod = JsonNode.Parse("""
            {"metadata":{"name":"web","namespace":"shop","labels":{"app":"web"},"managedFields":[{"manager":"kubectl"}],
              "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"env\":\"PASSWORD=x\"}","opflex.cisco.com/endpoint-group":"{\"name\":\"kube|web\"}"}},
             "spec":{"nodeName":"node-a","hostNetwork":false,"volumes":[{"name":"token","secret":{"secretName":"s"}}],"imagePullSecrets":[{"name":"regcred"}],
              "containers":[{"name":"web","image":"nginx","command":["sh"],"args":["-c","x"],"env":[{"name":"PASSWORD","value":"hunter2"}],"envFrom":[{"secretRef":{"name":"s"}}],
                "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}]}],
              "initContainers":[{"name":"init","env":[{"name":"TOKEN","value":"t"}]}]},
             "status":{"phase":"Running","podIP":"10.2.0.10","message":"OOM: dumped TOKEN",
              "conditions":[{"type":"Ready","status":"True","message":"ready TOKEN"}],
              "containerStatuses":[{"name":"web","state":{"terminated":{"message":"last log line: PASSWORD=hunter2"}}}]}}
            """)!.AsObject();
        KubeObjectRedaction.Redact(KubeResource.Pods, pod);
        var text = pod.ToJsonString();

        foreach (var secret in new[] { "hunter2", "PASSWORD", "TOKEN", "regcred", "secretName", "managedFields", "nginx", "last-applied" })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        var info = PodInfo.FromJson(JsonDocument.Parse(text).RootElement);
        Assert.Equal(("shop", "web", "node-a", "web"), (info.Namespace, info.Name, info.NodeName, info.Labels["app"]));
        Assert.Equal(8080, info.Ports.Single().Port);
        Assert.Contains("opflex.cisco.com/endpoint-group", text, StringComparison.Ordinal);
        Assert.True(info.Ready);
        Assert.Equal("Running", info.Phase);

        var node = JsonNode.Parse("""{"metadata":{"name":"n"},"status":{"images":[{"names":["x"]}],"addresses":[{"type":"InternalIP","address":"1.2.3.4"}]}}""")!.AsObject();
        KubeObjectRedaction.Redact(KubeResource.Nodes, node);
        Assert.Null(node["status"]!["images"]);
        Assert.NotNull(node["status"]!["addresses"]);
    }
}
