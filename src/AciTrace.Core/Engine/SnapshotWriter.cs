using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AciTrace.Discovery;
using AciTrace.Kube;
using AciTrace.Ovs;
using AciTrace.Snapshot;

namespace AciTrace.Engine;

/// <summary>What Save-AciSnapshot asks for.</summary>
/// <param name="Path">The file to write (replaced as a whole, never left half written).</param>
/// <param name="Nodes">Only these nodes' datapath and agent state (null: every node running the ACI CNI pods).</param>
/// <param name="Context">The kubeconfig context asked for (recorded in the manifest).</param>
/// <param name="NoClobber">Refuse to replace an existing file (checked again when the file is moved into place).</param>
public sealed record SnapshotRequest(string Path, IReadOnlyList<string>? Nodes, string? Context, bool NoClobber = false);

/// <summary>
/// Records a cluster's datapath for offline traces, with read-only calls only: the Kubernetes objects the engine reads
/// (redacted by <see cref="KubeObjectRedaction"/>), then per node (four at once) the recorded answers of its OVS
/// (<c>dpif/show</c>; per bridge dump-flows, dump-groups, dump-tlv-map) and one read of every agent file plus the
/// policy objects. Written to a temporary file beside the target (readable by this user only) and moved into place at
/// the end. A node that cannot be read is left out with a warning when every node was asked for; one named with
/// -Node fails the snapshot, and stops the reads of the others.
/// </summary>
internal static class SnapshotWriter
{
    private const int NodesAtOnce = 4;

    public static async Task<AciSnapshot> WriteAsync(IKubeClient kube, ClusterDiscovery discovery, NodeFactsStore facts, SnapshotRequest request,
        Action<string> progress, CancellationToken ct)
    {
        var (systemNamespace, _) = await discovery.SystemPodListAsync(ct).ConfigureAwait(false);
        progress("Kubernetes objects");
        var warnings = new List<string>();
        var kubeLists = new Dictionary<KubeResource, JsonObject>();
        foreach (var resource in SnapshotLayout.Resources.Except(OptionalKinds))
            kubeLists[resource] = await ListAsync(kube, resource, ct).ConfigureAwait(false);
        foreach (var resource in OptionalKinds)
            kubeLists[resource] = await OptionalListAsync(kube, resource, kubeLists, warnings, ct).ConfigureAwait(false);

        var aciNodes = await discovery.AciNodesAsync(ct).ConfigureAwait(false);
        var nodes = request.Nodes ?? aciNodes;
        foreach (var node in nodes.Where(n => !aciNodes.Contains(n)))
        {
            throw new AciTraceException(ErrorIds.NodeNotFound, AciErrorKind.ObjectNotFound,
                $"No ACI CNI pods run on a node '{node}'. Nodes that run them: {string.Join(", ", aciNodes)}.", node);
        }

        var entries = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (resource, list) in kubeLists)
            entries[SnapshotLayout.KubeEntry(resource)] = JsonSerializer.SerializeToUtf8Bytes(list);

        var done = 0;
        var recorded = new List<SnapshotNode>();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var gate = new SemaphoreSlim(NodesAtOnce);
        var nodeTasks = nodes.Select(async node =>
        {
            await gate.WaitAsync(failed.Token).ConfigureAwait(false);
            try
            {
                var system = await discovery.SystemPodsAsync(node, failed.Token).ConfigureAwait(false);
                var result = await RecordNodeAsync(kube, facts, system, failed.Token).ConfigureAwait(false);
                lock (entries)
                {
                    foreach (var (name, bytes) in result.Entries) entries[SnapshotLayout.NodeEntry(node, name)] = bytes;
                    warnings.AddRange(result.Warnings);
                    recorded.Add(result.Node);
                    progress($"node {node} ({++done} of {nodes.Count})");
                }
            }
            catch (AciTraceException e) when (request.Nodes is null)
            {
                lock (entries)
                {
                    warnings.Add($"{node}: left out, it could not be read: {e.Message}");
                    progress($"node {node} left out ({++done} of {nodes.Count})");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed.Cancel();
                throw;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        // A failed node's task is faulted, the ones it cancelled are not: the failure is what is thrown.
        await Task.WhenAll(nodeTasks).ConfigureAwait(false);
        if (recorded.Count == 0)
            throw new AciTraceException(ErrorIds.NodeFactsIncomplete, AciErrorKind.ResourceUnavailable,
                $"No node could be read for the snapshot: {string.Join(" ", warnings.Where(w => w.Contains(": left out,", StringComparison.Ordinal)))}", request.Path);

        var manifest = new SnapshotManifest
        {
            Format = SnapshotLayout.Format,
            ToolVersion = ToolVersion,
            TakenAt = DateTimeOffset.UtcNow,
            Context = request.Context,
            ContextNamespace = await kube.GetContextNamespaceAsync(ct).ConfigureAwait(false),
            SystemNamespace = systemNamespace,
            Nodes = recorded.OrderBy(n => n.Name, StringComparer.Ordinal).ToList(),
            Objects = kubeLists.ToDictionary(l => l.Key.ApiGroupVersionAndPlural().Plural, l => Items(l.Value).Count, StringComparer.Ordinal),
            Warnings = warnings.Order(StringComparer.Ordinal).ToList(),
            Files = [],
        };
        progress("writing " + request.Path);
        long bytes = await WriteZipAsync(request.Path, manifest, entries, ct, request.NoClobber).ConfigureAwait(false);
        return new AciSnapshot
        {
            Path = request.Path, TakenAt = manifest.TakenAt, Context = request.Context ?? "", SystemNamespace = systemNamespace,
            Nodes = manifest.Nodes.Select(n => n.Name).ToList(), Flows = manifest.Nodes.Sum(n => n.Flows), AgentFiles = manifest.Nodes.Sum(n => n.AgentFiles),
            Pods = manifest.Objects.GetValueOrDefault("pods"), Services = manifest.Objects.GetValueOrDefault("services"),
            NetworkPolicies = manifest.Objects.GetValueOrDefault("networkpolicies"), Bytes = bytes, ToolVersion = manifest.ToolVersion, Warnings = manifest.Warnings,
        };
    }

    public static string ToolVersion { get; } =
        typeof(SnapshotWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private sealed record NodeRecord(SnapshotNode Node, IReadOnlyDictionary<string, byte[]> Entries, IReadOnlyList<string> Warnings);

    private static async Task<NodeRecord> RecordNodeAsync(IKubeClient kube, NodeFactsStore facts, NodeSystemPods system, CancellationToken ct)
    {
        var node = system.Node;
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var warnings = new List<string>();
        Task<ExecResult> Ovs(IReadOnlyList<string> argv) =>
            NodeExec.OnNode(node, () => kube.ExecAsync(system.Namespace, system.OpenvSwitch.Name, ClusterDiscovery.OvsContainer, argv, ct));

        var agentTask = facts.ReadOutputAsync(system, [NodeFactsScript.NodeKey, NodeFactsScript.PolicyKey, NodeFactsScript.AllFilesKey], ct);
        // Observed even when a dump below fails first: its failure is then not the one reported.
        NodeFactsStore.Observe(agentTask);
        var ports = await Ovs(PortMapQuery.Argv).ConfigureAwait(false);
        entries[$"{SnapshotLayout.DatapathFolder}/{SnapshotLayout.PortsFileName}"] = Encoding.UTF8.GetBytes(ports.Stdout);
        var flows = 0;
        foreach (var bridge in SnapshotLayout.Bridges)
        {
            foreach (var verb in SnapshotLayout.DumpVerbs)
            {
                var dump = await Ovs(SnapshotLayout.DumpArgv(verb, bridge)).ConfigureAwait(false);
                entries[$"{SnapshotLayout.DatapathFolder}/{SnapshotLayout.DumpFileName(verb, bridge)}"] = Encoding.UTF8.GetBytes(dump.Stdout);
                if (verb == "dump-flows") flows += FlowDumpParser.Parse(dump.Stdout).Count;
            }
        }

        var agent = await agentTask.ConfigureAwait(false);
        warnings.AddRange(agent.Warnings.Select(w => $"{node}: {w}"));
        foreach (var (path, bytes) in agent.Files)
        {
            // What the agent's folders hold, by the names a reader accepts (folder/file, no other path).
            if (SnapshotLayout.IsAgentFile(path))
                entries[$"{SnapshotLayout.AgentDirectoryName}/{path}"] = bytes;
            else
                warnings.Add($"{node}: the agent file {path} was left out: not a name a snapshot holds");
        }
        if (agent.PolicyExitCode == 0 && !string.IsNullOrWhiteSpace(agent.PolicyText))
            entries[SnapshotLayout.PolicyDumpFileName] = Encoding.UTF8.GetBytes(agent.PolicyText);
        else
            warnings.Add($"{node}: gbp_inspect printed no policy objects (exit {agent.PolicyExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}); offline traces there cannot name EPGs or contracts");
        return new NodeRecord(new SnapshotNode(node, flows, agent.Files.Count), entries, warnings);
    }

    private static async Task<JsonObject> ListAsync(IKubeClient kube, KubeResource resource, CancellationToken ct)
    {
        using var doc = await kube.GetJsonAsync(resource, null, null, null, null, ct).ConfigureAwait(false);
        var items = new JsonArray();
        foreach (var element in doc.RootElement.Prop("items").Items())
        {
            if (JsonNode.Parse(element.GetRawText()) is not JsonObject item) continue;
            KubeObjectRedaction.Redact(resource, item);
            items.Add(item);
        }
        return new JsonObject { ["kind"] = "List", ["apiVersion"] = "v1", ["items"] = items };
    }

    /// <summary>Kinds the engine does not read: recorded when the account may list them (the shipped role does not grant it).</summary>
    private static readonly KubeResource[] OptionalKinds = [KubeResource.Nodes, KubeResource.Namespaces];

    /// <summary>
    /// A kind the account may not list is recorded as the names the other objects name: the namespaces they are in,
    /// the nodes the pods run on.
    /// </summary>
    private static async Task<JsonObject> OptionalListAsync(IKubeClient kube, KubeResource resource, Dictionary<KubeResource, JsonObject> lists,
        List<string> warnings, CancellationToken ct)
    {
        try
        {
            return await ListAsync(kube, resource, ct).ConfigureAwait(false);
        }
        catch (AciTraceException e) when (e.ErrorId == ErrorIds.KubeForbidden)
        {
            IEnumerable<string?> named = resource == KubeResource.Nodes
                ? Items(lists[KubeResource.Pods]).Select(i => i?["spec"]?["nodeName"]?.GetValue<string>())
                : lists.Where(l => l.Key.IsNamespaced()).SelectMany(l => Items(l.Value)).Select(i => i?["metadata"]?["namespace"]?.GetValue<string>());
            var names = named.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            warnings.Add(resource == KubeResource.Nodes
                ? "nodes could not be listed (forbidden): the snapshot holds the names of the nodes its pods run on"
                : "namespaces could not be listed (forbidden): the snapshot holds the namespaces its pods, Services, EndpointSlices and NetworkPolicies are in");
            var items = new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["metadata"] = new JsonObject { ["name"] = n } }).ToArray());
            return new JsonObject { ["kind"] = "List", ["apiVersion"] = "v1", ["items"] = items };
        }
    }

    private static JsonArray Items(JsonObject list) => (JsonArray)list["items"]!;

    /// <summary>Writes the entries and their manifest (which gets every entry's size and checksum); returns the file's size.</summary>
    internal static async Task<long> WriteZipAsync(string path, SnapshotManifest manifest, IReadOnlyDictionary<string, byte[]> entries, CancellationToken ct,
        bool noClobber = false)
    {
        manifest = manifest with
        {
            Files = entries.Select(e => new SnapshotFile(e.Key, e.Value.LongLength, Convert.ToHexString(SHA256.HashData(e.Value)).ToLowerInvariant())).ToList(),
        };
        var full = System.IO.Path.GetFullPath(path);
        var temporary = $"{full}.{Guid.NewGuid():N}.partial";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var file = new FileStream(temporary, options))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
            {
                await AddAsync(zip, SnapshotLayout.ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(manifest, SnapshotJson.Options), ct).ConfigureAwait(false);
                foreach (var (name, bytes) in entries) await AddAsync(zip, name, bytes, ct).ConfigureAwait(false);
            }
            try
            {
                File.Move(temporary, full, overwrite: !noClobber);
            }
            catch (IOException) when (noClobber && File.Exists(full))
            {
                throw new AciTraceException(ErrorIds.SnapshotFileExists, AciErrorKind.InvalidArgument, $"'{full}' exists and -NoClobber is set.", full);
            }
            return new FileInfo(full).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AciTraceException(ErrorIds.SnapshotWriteFailed, AciErrorKind.WriteError, $"The snapshot could not be written to {full}: {e.Message}", full, e);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static async Task AddAsync(ZipArchive zip, string name, byte[] bytes, CancellationToken ct)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = entry.Open();
        await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
    }
}
