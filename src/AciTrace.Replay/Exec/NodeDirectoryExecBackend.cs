using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AciTrace.Replay.Ovs;

namespace AciTrace.Replay.Exec;

/// <summary>
/// Runs allowlisted commands against a lab state directory: agent files from
/// <c>&lt;stateDir&gt;/nodes/&lt;node&gt;/opflex-agent-ovs/...</c> (mirrors <c>/usr/local/var/lib/opflex-agent-ovs</c>),
/// the policy dump from <c>&lt;stateDir&gt;/nodes/&lt;node&gt;/gbp_inspect-dump.json</c>, and OVS tools against the
/// node's <see cref="OvsInstance"/> (real binaries, argv only).
/// </summary>
public sealed class NodeDirectoryExecBackend : IPodExecBackend
{
    /// <summary>File name of a node's policy dump (a JSON array as printed by <c>gbp_inspect -fprq DmtreeRoot -t dump</c>).</summary>
    public const string PolicyDumpFileName = AciTrace.Snapshot.SnapshotLayout.PolicyDumpFileName;

    /// <summary>Name of the directory below a node directory that mirrors the agent's state directory.</summary>
    public const string AgentDirectoryName = AciTrace.Snapshot.SnapshotLayout.AgentDirectoryName;

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);
    private const long MaxScriptOutput = 512L * 1024 * 1024;

    private readonly string _stateDirectory;
    private readonly Func<string, OvsInstance?> _ovsForNode;

    /// <summary>Creates the backend.</summary>
    /// <param name="stateDirectory">Lab state directory (holds <c>nodes/&lt;node&gt;/</c>).</param>
    /// <param name="ovsForNode">The running OVS instance of a node, or null when the node has none.</param>
    public NodeDirectoryExecBackend(string stateDirectory, Func<string, OvsInstance?> ovsForNode)
    {
        _stateDirectory = Path.GetFullPath(stateDirectory);
        _ovsForNode = ovsForNode;
    }

    /// <summary>The directory of a node's files.</summary>
    public string NodeDirectory(string nodeName) => Path.Combine(_stateDirectory, AciTrace.Snapshot.SnapshotLayout.NodesFolder, nodeName);

    /// <inheritdoc/>
    public async Task<PodExecResult> ExecAsync(string nodeName, string podRole, string container, IReadOnlyList<string> argv, CancellationToken ct)
    {
        // Checked again here so the backend is safe on its own, whoever calls it.
        PodExecDecision decision = PodExecAllowlist.Check(podRole, container, argv);
        if (!decision.Allowed) return decision.ToResult();
        if (nodeName.Length == 0 || nodeName.Contains('/') || nodeName is "." or "..")
            return PodExecResult.FromText(1, "", $"aci-lab: invalid node name {nodeName}\n");
        return decision.Tool switch
        {
            "cat" => await CatAsync(nodeName, argv, ct).ConfigureAwait(false),
            "ls" => List(nodeName, argv),
            "gbp_inspect" => await GbpInspectAsync(nodeName, argv, ct).ConfigureAwait(false),
            "sh" => await ShellAsync(nodeName, argv, ct).ConfigureAwait(false),
            _ => await OvsAsync(nodeName, decision.Tool, argv, ct).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// Runs an allowed fixed script with the node's environment: the agent folder through ACITRACE_AGENT_DIR, the
    /// node's OVS through OVS_RUNDIR, and on PATH a <c>gbp_inspect</c> that answers the command lines the tracer's
    /// scripts run, from this node's policy database (<see cref="PolicyDatabase"/>, the same answers as a direct exec).
    /// </summary>
    private async Task<PodExecResult> ShellAsync(string nodeName, IReadOnlyList<string> argv, CancellationToken ct)
    {
        string nodeDir = NodeDirectory(nodeName);
        string bin = await PrepareScriptGbpInspectAsync(nodeDir, ct).ConfigureAwait(false);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ACITRACE_AGENT_DIR"] = Path.Combine(nodeDir, AgentDirectoryName),
            ["PATH"] = bin + ":/usr/sbin:/usr/bin:/sbin:/bin",
        };
        if (_ovsForNode(nodeName) is { } ovs)
            foreach (string v in new[] { "OVS_RUNDIR", "OVS_LOGDIR", "OVS_DBDIR", "OVS_SYSCONFDIR" })
                environment[v] = ovs.RunDirectory;
        try
        {
            var outcome = await AciTrace.Kube.ProcessRunner.RunAsync("/bin/sh", argv.Skip(1).ToList(), ScriptTimeout, MaxScriptOutput, ct, environment).ConfigureAwait(false);
            return new PodExecResult(outcome.ExitCode, outcome.Stdout, outcome.Stderr);
        }
        catch (AciTrace.Kube.ProcessStoppedException stopped)
        {
            return PodExecResult.FromText(124, "", $"aci-lab: the script was stopped ({stopped.Reason})\n");
        }
    }

    /// <summary>File (in a node directory) holding the policy database's answer to <see cref="AciTrace.Discovery.NodePolicyQuery"/>.</summary>
    private const string TracerQueryAnswerFileName = "gbp_inspect-tracer-query.json";

    /// <summary>
    /// Writes the node's script-side <c>gbp_inspect</c> (once) and its answer to the tracer's query (again whenever the
    /// policy dump changed); returns the folder to put on PATH. A node without a readable dump has no answer, so the
    /// tool fails there as it does when the agent's inspector socket is missing.
    /// </summary>
    private async Task<string> PrepareScriptGbpInspectAsync(string nodeDir, CancellationToken ct)
    {
        string bin = Path.Combine(nodeDir, "bin");
        Directory.CreateDirectory(bin);
        string dump = Path.Combine(nodeDir, PolicyDumpFileName);
        string answer = Path.Combine(nodeDir, TracerQueryAnswerFileName);
        PolicyDatabase? db = null;
        if (File.Exists(dump))
        {
            try
            {
                db = await PolicyDatabaseOfAsync(dump, ct).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                // an unreadable dump: no answer
            }
        }
        if (db is null) File.Delete(answer);
        else if (!File.Exists(answer) || File.GetLastWriteTimeUtc(answer) != db.Written)
        {
            // Stamped with the write time of the dump it was built from, so any change of the dump makes it stale.
            AciTrace.Kube.GbpInspectArguments.TryParse(AciTrace.Discovery.NodePolicyQuery.Argv, out var query, out _);
            string tmp = $"{answer}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(tmp, db.Dump(query!), ct).ConfigureAwait(false);
            File.SetLastWriteTimeUtc(tmp, db.Written);
            File.Move(tmp, answer, overwrite: true);
        }
        string shim = Path.Combine(bin, "gbp_inspect");
        static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        string text =
            "#!/bin/sh\n# aci-lab: gbp_inspect inside the tracer's scripts, answered from this node's policy database\n" +
            "case \"$*\" in\n" +
            $"  {Quote(string.Join(' ', AciTrace.Discovery.NodePolicyQuery.Argv.Skip(1)))}) f={Quote(answer)};;\n" +
            $"  '-fprq DmtreeRoot -t dump') f={Quote(dump)};;\n" +
            "  *) echo \"aci-lab: gbp_inspect $* is not simulated inside scripts\" >&2; exit 1;;\n" +
            "esac\n" +
            "[ -f \"$f\" ] || { echo '[error] Could not connect to inspector socket /usr/local/var/run/opflex-agent-ovs-inspect.sock: No such file or directory' >&2; exit 1; }\n" +
            "cat \"$f\"\n";
        // Rewritten when it differs: a state directory may hold the shim of an older lab.
        if (!File.Exists(shim) || await File.ReadAllTextAsync(shim, ct).ConfigureAwait(false) != text)
        {
            string tmp = $"{shim}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllTextAsync(tmp, text, ct).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.Move(tmp, shim, overwrite: true);
        }
        return bin;
    }

    private string? HostPath(string nodeName, string inPodPath, bool allowRoot)
    {
        string? rel = PodExecAllowlist.RelativeStatePath(inPodPath, allowRoot);
        if (rel is null) return null;
        string root = Path.Combine(NodeDirectory(nodeName), AgentDirectoryName);
        string full = Path.GetFullPath(Path.Combine(root, rel));
        return full == root || full.StartsWith(root + "/", StringComparison.Ordinal) ? full : null;
    }

    private async Task<PodExecResult> CatAsync(string nodeName, IReadOnlyList<string> argv, CancellationToken ct)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringBuilder();
        int exit = 0;
        foreach (string path in argv.Skip(1))
        {
            string? host = HostPath(nodeName, path, allowRoot: false);
            if (host is not null && Directory.Exists(host))
            {
                stderr.Append($"cat: {path}: Is a directory\n");
                exit = 1;
            }
            else if (host is not null && File.Exists(host))
            {
                byte[] bytes = await File.ReadAllBytesAsync(host, ct).ConfigureAwait(false);
                stdout.Write(bytes);
            }
            else
            {
                stderr.Append($"cat: {path}: No such file or directory\n");
                exit = 1;
            }
        }
        return new PodExecResult(exit, stdout.ToArray(), Encoding.UTF8.GetBytes(stderr.ToString()));
    }

    private PodExecResult List(string nodeName, IReadOnlyList<string> argv)
    {
        string path = argv.Skip(1).First(a => a != "-1");
        string? host = HostPath(nodeName, path, allowRoot: true);
        if (host is not null && Directory.Exists(host))
        {
            IEnumerable<string> names = Directory.EnumerateFileSystemEntries(host).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
            return PodExecResult.FromText(0, string.Concat(names.Select(n => n + "\n")), "");
        }
        if (host is not null && File.Exists(host)) return PodExecResult.FromText(0, path + "\n", "");
        return PodExecResult.FromText(2, "", $"ls: cannot access '{path}': No such file or directory\n");
    }

    private async Task<PodExecResult> GbpInspectAsync(string nodeName, IReadOnlyList<string> argv, CancellationToken ct)
    {
        if (!AciTrace.Kube.GbpInspectArguments.TryParse(argv, out var args, out string? error))
            return PodExecResult.FromText(1, "", error + "\n");
        string file = Path.Combine(NodeDirectory(nodeName), PolicyDumpFileName);
        if (!File.Exists(file))
            return PodExecResult.FromText(1, "", "[error] Could not connect to inspector socket /usr/local/var/run/opflex-agent-ovs-inspect.sock: No such file or directory\n");
        if (args.OutputType != "dump" || args.Unresolved)
            return PodExecResult.FromText(1, "", "aci-lab: only the JSON form (-t dump) of gbp_inspect is simulated, without -u\n");
        PolicyDatabase db;
        try
        {
            db = await PolicyDatabaseOfAsync(file, ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return PodExecResult.FromText(1, "", $"aci-lab: the policy dump of node {nodeName} is not a JSON array: {e.Message}\n");
        }
        return new PodExecResult(0, db.Dump(args), []);
    }

    private readonly Dictionary<string, (DateTime Written, long Length, PolicyDatabase Db)> _policies = new(StringComparer.Ordinal);

    /// <summary>The node's policy database, read again only when its dump file changed (a policy change in the lab).</summary>
    private async Task<PolicyDatabase> PolicyDatabaseOfAsync(string file, CancellationToken ct)
    {
        var info = new FileInfo(file);
        lock (_policies)
        {
            if (_policies.TryGetValue(file, out var known) && known.Written == info.LastWriteTimeUtc && known.Length == info.Length) return known.Db;
        }
        var db = PolicyDatabase.Load(await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false), info.LastWriteTimeUtc);
        lock (_policies) _policies[file] = (info.LastWriteTimeUtc, info.Length, db);
        return db;
    }

    private async Task<PodExecResult> OvsAsync(string nodeName, string tool, IReadOnlyList<string> argv, CancellationToken ct)
    {
        OvsInstance? ovs = _ovsForNode(nodeName);
        if (ovs is null)
        {
            return PodExecResult.FromText(1, "",
                tool == "ovs-vsctl" ? "ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (No such file or directory)\n"
                : $"{tool}: cannot connect to \"/var/run/openvswitch/ovs-vswitchd.pid\" (No such file or directory)\n");
        }
        // OvsInstance adds its own --timeout / --db; the caller's --timeout is dropped for ovs-appctl.
        List<string> args = [.. argv.Skip(1)];
        try
        {
            string output;
            if (tool == "ovs-appctl")
            {
                if (args.Count > 0 && (args[0].StartsWith("--timeout=", StringComparison.Ordinal) || args[0].StartsWith("-T", StringComparison.Ordinal))) args.RemoveAt(0);
                output = args.Count >= 3 && args[0] == "ofproto/trace"
                    ? await ovs.TraceAsync(args[1], args[2], args.Skip(3).ToList(), ct).ConfigureAwait(false)
                    : await ovs.AppCtlAsync(args, ct).ConfigureAwait(false);
            }
            else if (tool == "ovs-ofctl")
            {
                output = await ovs.OfCtlAsync(args, ct).ConfigureAwait(false);
            }
            else
            {
                output = await ovs.VsCtlAsync(args, ct).ConfigureAwait(false);
            }
            return PodExecResult.FromText(0, output, "");
        }
        catch (OvsException e) when (e is not OvsNotInstalledException)
        {
            string stderr = e.StandardError ?? e.Message;
            if (!stderr.EndsWith('\n')) stderr += "\n";
            // ovs-appctl prints a daemon error and exits 2; our JSON-RPC path has no process exit code.
            return PodExecResult.FromText(e.ExitCode ?? 2, "", stderr);
        }
    }
}
