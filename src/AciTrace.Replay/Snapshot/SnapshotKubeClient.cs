using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Replay.Exec;
using AciTrace.Replay.Kube;
using AciTrace.Replay.Ovs;
using AciTrace.Snapshot;

namespace AciTrace.Replay.Snapshot;

/// <summary>
/// A cluster read from a snapshot: object reads answered from its recorded lists (names, namespaces, label and field
/// selectors as the API server applies them), execs into the ACI system pods run by the node-directory backend the lab
/// uses, over the snapshot's folder. A node's flows are loaded into a private local OVS the first time a command needs
/// its datapath (a trace); its recorded dump-flows, dump-groups, dump-tlv-map and dpif/show answers need none (Get-AciFlow).
/// Every exec is checked by <see cref="ReadOnlyCommandPolicy"/> first, like a live client. Disposing stops the OVS
/// daemons it started and deletes the extracted folder.
/// </summary>
public sealed class SnapshotKubeClient : IKubeClient, IAsyncDisposable
{
    private const string Via = "snapshot";

    private readonly string _root;
    private readonly string _file;
    private readonly SnapshotManifest _manifest;
    private readonly Dictionary<KubeResource, JsonDocument> _lists = new();
    private readonly NodeDirectoryExecBackend _backend;
    private readonly ConcurrentDictionary<string, Lazy<Task<OvsInstance>>> _starting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OvsInstance> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private long _execs;
    private long _apiReads;
    private int _ovsCount;

    private SnapshotKubeClient(string file, string root, SnapshotManifest manifest)
    {
        _file = file;
        _root = root;
        _manifest = manifest;
        _backend = new NodeDirectoryExecBackend(root, node => _running.GetValueOrDefault(node));
    }

    /// <summary>Opens a snapshot file (checked and extracted into a private temporary folder, readable by this user only).</summary>
    public static SnapshotKubeClient Open(string path, CancellationToken ct = default)
    {
        var file = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux())
        {
            throw new AciTraceException(ErrorIds.LocalOvsNotInstalled, AciErrorKind.NotInstalled,
                "Reading a snapshot needs Linux: it runs the tracer's agent script with /bin/sh and replays flows in Open vSwitch; use a Linux machine or WSL.", file);
        }

        SweepOrphans();
        var root = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(root, OwnerFileName), OwnerText(Environment.ProcessId) ?? "");
        try
        {
            var manifest = SnapshotArchive.Extract(file, root, ct);
            var client = new SnapshotKubeClient(file, root, manifest);
            foreach (var resource in SnapshotLayout.Resources)
            {
                var list = Path.Combine(root, SnapshotLayout.KubeEntry(resource));
                client._lists[resource] = File.Exists(list)
                    ? JsonDocument.Parse(File.ReadAllBytes(list))
                    : throw new AciTraceException(ErrorIds.SnapshotInvalid, AciErrorKind.InvalidData,
                        $"{file} is not a snapshot AciTrace can read: it holds no {resource.DisplayName()} list. Take it again with Save-AciSnapshot.", file);
            }
            return client;
        }
        catch (JsonException e)
        {
            TryDelete(root);
            throw new AciTraceException(ErrorIds.SnapshotInvalid, AciErrorKind.InvalidData, $"{file} is not a snapshot AciTrace can read: a Kubernetes list is not JSON ({e.Message}). Take it again with Save-AciSnapshot.", file, e);
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    private const string FolderPrefix = "acitrace-";
    private const string OwnerFileName = "owner";

    /// <summary>"pid start-time" of a live process (the start time tells a reused pid apart), or null when it is gone.</summary>
    private static string? OwnerText(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? $"{pid} {fields[19]}" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Stops the private OVS daemons of snapshot folders whose owner process is gone (a pwsh that was killed) and
    /// deletes those folders; a folder whose owner lives, or that names none, is left alone.
    /// </summary>
    private static void SweepOrphans()
    {
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var folder in folders)
        {
            try
            {
                var owner = Path.Combine(folder, OwnerFileName);
                if (!File.Exists(owner)) continue;
                var text = File.ReadAllText(owner);
                if (text.Split(' ') is not [var pidText, _] || !int.TryParse(pidText, out var pid) || OwnerText(pid) == text) continue;
                var runs = Path.Combine(folder, "ovs");
                if (Directory.Exists(runs))
                    foreach (var run in Directory.EnumerateDirectories(runs)) OvsInstance.StopDaemonsAsync(run).GetAwaiter().GetResult();
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's folder, or one being deleted: not ours to clean.
            }
        }
    }

    /// <summary>The snapshot's manifest (what it holds, when and where it was taken).</summary>
    public SnapshotManifest Manifest => _manifest;

    /// <summary>The private folder the snapshot was extracted into (deleted on disposal).</summary>
    internal string Folder => _root;

    /// <summary>Local OVS instances started so far (one per node whose datapath a command needed).</summary>
    public int OvsStarted => _running.Count;

    public long Execs => Interlocked.Read(ref _execs);

    public long ApiReads => Interlocked.Read(ref _apiReads);

    public event EventHandler<KubeCommandEventArgs>? CommandStarting;

    public event EventHandler<KubeCommandEventArgs>? CommandCompleted;

    public Task<string?> GetContextNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(_manifest.ContextNamespace);

    public Task<JsonDocument> GetJsonAsync(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector,
        CancellationToken cancellationToken)
    {
        var argv = new List<string> { Via, "get", resource.KubectlName() };
        if (name is not null) argv.Add(name);
        if (ns is not null) argv.AddRange(["-n", ns]);
        if (labelSelector is not null) argv.AddRange(["-l", labelSelector]);
        if (fieldSelector is not null) argv.AddRange(["--field-selector", fieldSelector]);
        Interlocked.Increment(ref _apiReads);
        return Task.FromResult(Call(argv, KubeCallKind.Read, () => Get(resource, resource.IsNamespaced() ? ns : null, name, labelSelector, fieldSelector)));
    }

    private JsonDocument Get(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector)
    {
        var context = new KubectlCallContext(resource, ns, name, null, null);
        if (!KubeLabelSelector.TryParse(labelSelector, out var labels, out var labelError))
            throw KubectlErrors.Map(1, $"Error from server (BadRequest): {labelError}", "", context, Via);
        if (!KubeFieldSelector.TryParse(fieldSelector, out var fields, out var fieldError))
            throw KubectlErrors.Map(1, $"Error from server (BadRequest): {fieldError}", "", context, Via);
        var matches = _lists[resource].RootElement.Prop("items").Items()
            .Where(item => ns is null || item.Prop("metadata").Prop("namespace").Str() == ns)
            .Where(item => name is null || item.Prop("metadata").Prop("name").Str() == name)
            .Where(item => labels.Matches(item.Prop("metadata").Prop("labels").StringMap()))
            .Where(item => fields.Matches(path => FieldOf(item, path)))
            .ToList();
        if (name is not null)
        {
            return matches.Count > 0
                ? JsonDocument.Parse(matches[0].GetRawText())
                : throw KubectlErrors.Map(1, $"Error from server (NotFound): {resource.KubectlName()} \"{name}\" not found", "", context, Via);
        }
        var list = new StringBuilder("{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":[");
        list.AppendJoin(',', matches.Select(m => m.GetRawText())).Append("]}");
        return JsonDocument.Parse(list.ToString());
    }

    /// <summary>A field of an object by its selector path (<c>spec.nodeName</c>, <c>metadata.name</c>, <c>status.phase</c>).</summary>
    private static string? FieldOf(JsonElement item, string path)
    {
        var current = item;
        foreach (var part in path.Split('.'))
        {
            current = current.Prop(part);
            if (current.ValueKind == JsonValueKind.Undefined) return null;
        }
        return current.ValueKind == JsonValueKind.String ? current.GetString() : current.GetRawText();
    }

    public async Task<ExecResult> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var result = await ExecBytesAsync(ns, pod, container, argv, cancellationToken).ConfigureAwait(false);
        return new ExecResult(result.ExitCode, Encoding.UTF8.GetString(result.Stdout), result.Stderr, result.Elapsed);
    }

    public async Task<ExecBytesResult> ExecBytesAsync(string ns, string pod, string? container, IReadOnlyList<string> argv,
        CancellationToken cancellationToken)
    {
        ReadOnlyCommandPolicy.EnsureAllowed(argv);
        Interlocked.Increment(ref _execs);
        var display = new List<string> { Via, "exec", "-n", ns, pod };
        if (container is not null) display.AddRange(["-c", container]);
        display.Add("--");
        display.AddRange(argv);
        var started = Stopwatch.StartNew();
        CommandStarting?.Invoke(this, new KubeCommandEventArgs(display, kind: KubeCallKind.Exec));
        int? exit = null;
        try
        {
            var result = await RunAsync(ns, pod, container, argv, cancellationToken).ConfigureAwait(false);
            exit = result.ExitCode;
            var stderr = Encoding.UTF8.GetString(result.Stderr);
            if (result.ExitCode != 0)
            {
                throw KubectlErrors.Map(1, $"{stderr.TrimEnd()}\ncommand terminated with exit code {result.ExitCode}", Encoding.UTF8.GetString(result.Stdout),
                    new KubectlCallContext(KubeResource.Pods, ns, pod, container, argv), Via);
            }
            return new ExecBytesResult(0, result.Stdout, stderr, started.Elapsed);
        }
        finally
        {
            CommandCompleted?.Invoke(this, new KubeCommandEventArgs(display, exit, started.Elapsed, KubeCallKind.Exec));
        }
    }

    private async Task<PodExecResult> RunAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken ct)
    {
        var context = new KubectlCallContext(KubeResource.Pods, ns, pod, container, argv);
        var item = _lists[KubeResource.Pods].RootElement.Prop("items").Items()
            .Where(p => p.Prop("metadata").Prop("namespace").Str() == ns && p.Prop("metadata").Prop("name").Str() == pod)
            .Select(p => (JsonElement?)p).FirstOrDefault()
            ?? throw KubectlErrors.Map(1, $"Error from server (NotFound): pods \"{pod}\" not found", "", context, Via);
        var role = ("name=" + item.Prop("metadata").Prop("labels").StringMap().GetValueOrDefault("name")) switch
        {
            ClusterDiscovery.OvsPodLabel => PodExecAllowlist.OpenVswitchRole,
            ClusterDiscovery.HostPodLabel => PodExecAllowlist.HostRole,
            _ => throw new AciTraceException(ErrorIds.CommandNotAllowed, AciErrorKind.InvalidOperation,
                $"A snapshot runs commands in the ACI CNI system pods only, not in {ns}/{pod}.", pod),
        };
        var node = item.Prop("spec").Prop("nodeName").Str() ?? "";
        if (!_manifest.Nodes.Any(n => n.Name == node))
        {
            throw new AciTraceException(ErrorIds.SnapshotNodeMissing, AciErrorKind.ObjectNotFound,
                $"The snapshot {_file} does not hold node '{node}' (it holds {string.Join(", ", _manifest.Nodes.Select(n => n.Name))}); take it again without -Node, or with -Node {node}.",
                node);
        }
        var containerName = container ?? (role == PodExecAllowlist.OpenVswitchRole ? ClusterDiscovery.OvsContainer : ClusterDiscovery.AgentContainer);
        if (role == PodExecAllowlist.OpenVswitchRole && Recorded(node, argv) is { } answer)
            return PodExecResult.FromText(0, answer, "");
        if (role == PodExecAllowlist.OpenVswitchRole) await DatapathAsync(node, ct).ConfigureAwait(false);
        return await _backend.ExecAsync(node, role, containerName, argv, ct).ConfigureAwait(false);
    }

    /// <summary>The recorded answer of a read the snapshot holds as taken (dpif/show; dump-flows, dump-groups, dump-tlv-map of a recorded bridge), or null.</summary>
    private string? Recorded(string node, IReadOnlyList<string> argv)
    {
        string? File(string name)
        {
            var path = Path.Combine(_backend.NodeDirectory(node), SnapshotLayout.DatapathFolder, name);
            return System.IO.File.Exists(path) ? System.IO.File.ReadAllText(path) : null;
        }

        if (argv.SequenceEqual(AciTrace.Discovery.PortMapQuery.Argv)) return File(SnapshotLayout.PortsFileName);
        if (argv.Count is < 5 or > 6) return null;
        var verb = argv[3];
        var bridge = argv[4];
        if (!SnapshotLayout.DumpVerbs.Contains(verb) || !argv.Take(5).SequenceEqual(SnapshotLayout.DumpArgv(verb, bridge))) return null;
        var dump = File(SnapshotLayout.DumpFileName(verb, bridge));
        if (dump is null || argv.Count == 5) return dump;
        return verb == "dump-flows" && argv[5].StartsWith("table=", StringComparison.Ordinal)
            ? RecordedDatapath.FlowsOfTable(dump, int.Parse(argv[5]["table=".Length..], System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>The node's private OVS, started and loaded from its recorded answers on first use (one start per node, whoever asks).</summary>
    private async Task DatapathAsync(string node, CancellationToken ct)
    {
        var start = _starting.GetOrAdd(node, n => new Lazy<Task<OvsInstance>>(() => StartAsync(n)));
        await start.Value.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task<OvsInstance> StartAsync(string node)
    {
        var ct = _disposing.Token;
        var datapath = Path.Combine(_backend.NodeDirectory(node), SnapshotLayout.DatapathFolder);
        string Read(string name) => File.Exists(Path.Combine(datapath, name)) ? File.ReadAllText(Path.Combine(datapath, name)) : "";
        // Short run folders: the daemons' control sockets must fit a Unix socket path whatever the node names.
        var runDirectory = Path.Combine(_root, "ovs", Interlocked.Increment(ref _ovsCount).ToString(System.Globalization.CultureInfo.InvariantCulture));
        OvsInstance? ovs = null;
        try
        {
            ovs = await OvsInstance.StartAsync(runDirectory, ct).ConfigureAwait(false);
            // Datapath port numbers of the replay never match the node's anyway (its kernel datapath numbered them).
            ovs.PinDatapathPorts = false;
            // One bundle loads a bridge's flows: give big nodes the time it takes (about a second per 100 kB of flows).
            var recorded = Directory.Exists(datapath) ? Directory.EnumerateFiles(datapath).Sum(f => new FileInfo(f).Length) : 0;
            ovs.CommandTimeout = TimeSpan.FromSeconds(30 + recorded / 100_000);
            var topology = RecordedDatapath.Topology(Read(SnapshotLayout.PortsFileName));
            await ovs.ConfigureAsync(topology, ct).ConfigureAwait(false);
            foreach (var bridge in SnapshotLayout.Bridges.Where(b => topology.Bridges.Any(t => t.Name == b)))
            {
                var tlv = RecordedDatapath.TlvMap(Read(SnapshotLayout.DumpFileName("dump-tlv-map", bridge)));
                if (tlv.Length > 0) await ovs.AddTlvMapAsync(bridge, tlv, ct).ConfigureAwait(false);
                await ovs.LoadFlowsAsync(bridge, RecordedDatapath.Flows(Read(SnapshotLayout.DumpFileName("dump-flows", bridge))),
                    RecordedDatapath.Groups(Read(SnapshotLayout.DumpFileName("dump-groups", bridge))), ct).ConfigureAwait(false);
            }
            _running[node] = ovs;
            return ovs;
        }
        catch (Exception e)
        {
            // Nothing of a node that failed (or was cancelled) half way is left running.
            if (ovs is not null) await ovs.DisposeAsync().ConfigureAwait(false);
            if (e is OvsNotInstalledException)
            {
                throw new AciTraceException(ErrorIds.LocalOvsNotInstalled, AciErrorKind.NotInstalled,
                    $"Tracing a snapshot replays each node's flows in a private Open vSwitch on this machine, and it is not installed: {e.Message}", node, e);
            }
            if (e is OperationCanceledException) throw;
            throw new AciTraceException(ErrorIds.LocalOvsFailed, AciErrorKind.ResourceUnavailable,
                $"The private Open vSwitch for node '{node}' of {_file} could not be started or loaded: {e.Message}", node, e);
        }
    }

    private T Call<T>(IReadOnlyList<string> argv, KubeCallKind kind, Func<T> call)
    {
        var started = Stopwatch.StartNew();
        CommandStarting?.Invoke(this, new KubeCommandEventArgs(argv, kind: kind));
        int? exit = 1;
        try
        {
            var result = call();
            exit = 0;
            return result;
        }
        finally
        {
            CommandCompleted?.Invoke(this, new KubeCommandEventArgs(argv, exit, started.Elapsed, kind));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested) return;
        _disposing.Cancel();
        try
        {
            foreach (var start in _starting.Values.Where(s => s.IsValueCreated))
            {
                try
                {
                    await start.Value.ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // It failed to start: StartAsync stopped what it had started.
                }
            }
        }
        finally
        {
            foreach (var ovs in _running.Values)
            {
                try
                {
                    await ovs.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Stop the others and delete the folder all the same.
                }
            }
            foreach (var list in _lists.Values) list.Dispose();
            _disposing.Dispose();
            TryDelete(_root);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary folder left behind is not worth failing the command for.
        }
    }
}
