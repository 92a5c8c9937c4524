using System.Text.RegularExpressions;

namespace AciTrace.Replay.Exec;

/// <summary>Verdict of <see cref="PodExecAllowlist.Check"/>.</summary>
/// <param name="Allowed">Whether the command may run.</param>
/// <param name="Tool">The command's tool name (argv[0] without its directory), e.g. <c>ovs-appctl</c>.</param>
/// <param name="ExitCode">0 when allowed; 127 (no such executable in that container) or 126 (refused) otherwise.</param>
/// <param name="Message">Why it was refused (goes to stderr), empty when allowed.</param>
public sealed record PodExecDecision(bool Allowed, string Tool, int ExitCode, string Message)
{
    /// <summary>The refusal as an exec result (stderr = message).</summary>
    public PodExecResult ToResult() => PodExecResult.FromText(ExitCode, "", Message.Length == 0 ? "" : Message + "\n");
}

/// <summary>
/// The single place that decides which commands the lab runs in the ACI system pods. Only read-only forms pass:
/// <list type="bullet">
/// <item><c>ovs-appctl [--timeout=N] ofproto/trace ... | dpif/show [dp] | version</c> (no <c>-generate</c>);</item>
/// <item><c>ovs-ofctl [-O OpenFlow1X] [--names|--no-names|--no-stats|--sort|--rsort] show|dump-flows|dump-groups|dump-ports-desc|dump-ports|dump-tables BRIDGE [...]</c>;</item>
/// <item><c>ovs-vsctl [--format=..|--columns=..|--data=..|--bare|--no-headings|--timeout=N] show|list-br|list-ports|list-ifaces|br-exists|port-to-br|iface-to-br|get|list|find ...</c> (no <c>--</c> command chaining);</item>
/// <item><c>cat PATH...</c> and <c>ls [-1] PATH</c> under <c>/usr/local/var/lib/opflex-agent-ovs/{endpoints,services,snats,ids}</c> (no <c>..</c>);</item>
/// <item><c>gbp_inspect</c> read forms (<see cref="AciTrace.Kube.GbpInspectArguments"/>: <c>-f -p -r -u -x -q CLASS[,URI]... -t TYPE</c>) in the opflex-agent container.</item>
/// </list>
/// OVS tools exist only in the <c>aci-containers-openvswitch</c> container and <c>gbp_inspect</c> only in
/// <c>opflex-agent</c>; elsewhere they are "not found" (127). Everything else is refused with exit code 126.
/// </summary>
public static partial class PodExecAllowlist
{
    /// <summary>Role of the <c>aci-containers-host-*</c> pods.</summary>
    public const string HostRole = "host";

    /// <summary>Role of the <c>aci-containers-openvswitch-*</c> pods.</summary>
    public const string OpenVswitchRole = "openvswitch";

    /// <summary>The opflex agent's state directory on a node.</summary>
    public const string OpflexStateDir = AciTrace.Kube.ReadOnlyCommandPolicy.AgentStateRoot;

    /// <summary>Subdirectories of <see cref="OpflexStateDir"/> that may be read.</summary>
    public static readonly IReadOnlyList<string> ReadableDirs = AciTrace.Kube.ReadOnlyCommandPolicy.AgentStateFolders;

    private static readonly string[] BinDirs = ["/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"];
    private static readonly string[] OfctlVerbs = ["show", "dump-flows", "dump-groups", "dump-tlv-map", "dump-ports-desc", "dump-ports", "dump-tables"];
    private static readonly string[] OfctlFlags = ["--names", "--no-names", "--no-stats", "--stats", "--sort", "--rsort"];
    private static readonly string[] VsctlVerbs = ["show", "list-br", "list-ports", "list-ifaces", "br-exists", "port-to-br", "iface-to-br", "get", "list", "find"];

    /// <summary>The tools present in a container of a system pod.</summary>
    public static IReadOnlyList<string> ToolsIn(string podRole, string container) => (podRole, container) switch
    {
        (OpenVswitchRole, "aci-containers-openvswitch") => ["ovs-appctl", "ovs-ofctl", "ovs-vsctl", "cat", "ls", "sh"],
        (HostRole, "opflex-agent") => ["gbp_inspect", "cat", "ls", "sh"],
        (HostRole, _) => ["cat", "ls", "sh"],
        _ => [],
    };

    /// <summary>Decides whether <paramref name="argv"/> may run in that container of a system pod.</summary>
    public static PodExecDecision Check(string podRole, string container, IReadOnlyList<string> argv)
    {
        if (argv.Count == 0) return Deny("", 126, "no command given");
        string tool = ToolName(argv[0]);
        if (!ToolsIn(podRole, container).Contains(tool))
        {
            return new PodExecDecision(false, tool, 127,
                $"OCI runtime exec failed: exec failed: unable to start container process: exec: \"{argv[0]}\": executable file not found in $PATH: unknown");
        }
        if (argv.Any(a => a.Any(char.IsControl))) return Deny(tool, 126, "arguments must not contain control characters");
        string? why = tool switch
        {
            "ovs-appctl" => CheckAppCtl(argv),
            "ovs-ofctl" => CheckOfCtl(argv),
            "ovs-vsctl" => CheckVsCtl(argv),
            "cat" => CheckCat(argv),
            "ls" => CheckLs(argv),
            "gbp_inspect" => CheckGbpInspect(argv),
            "sh" => CheckShell(argv),
            _ => "unknown tool",
        };
        return why is null ? new PodExecDecision(true, tool, 0, "") : Deny(tool, 126, why);
    }

    /// <summary>
    /// <c>sh -c</c> runs only the tracer's fixed, read-only scripts (the same registry the tracer's own policy uses),
    /// with their trace arguments checked like a direct <c>ovs-appctl ofproto/trace</c>.
    /// </summary>
    private static string? CheckShell(IReadOnlyList<string> argv) =>
        AciTrace.Kube.ReadOnlyCommandPolicy.IsAllowed(["/bin/sh", .. argv.Skip(1)], out _)
            ? null
            : "sh -c runs only the tracer's registered read-only scripts";

    /// <summary>argv[0] without a standard binary directory (<c>/usr/bin/ovs-appctl</c> -> <c>ovs-appctl</c>); other paths are kept.</summary>
    public static string ToolName(string argv0)
    {
        foreach (string dir in BinDirs)
        {
            if (argv0.StartsWith(dir, StringComparison.Ordinal) && argv0.IndexOf('/', dir.Length) < 0) return argv0[dir.Length..];
        }
        return argv0;
    }

    /// <summary>
    /// Maps an allowed in-pod path to its part below <see cref="OpflexStateDir"/> (e.g. <c>ids/service.id</c>; empty for
    /// the directory itself), or null when the path is outside the readable directories or not normalized.
    /// </summary>
    public static string? RelativeStatePath(string path, bool allowRoot)
    {
        if (path == OpflexStateDir || path == OpflexStateDir + "/") return allowRoot ? "" : null;
        if (!path.StartsWith(OpflexStateDir + "/", StringComparison.Ordinal)) return null;
        string rest = path[(OpflexStateDir.Length + 1)..];
        if (rest.EndsWith('/')) rest = rest[..^1];
        string[] segments = rest.Split('/');
        if (segments.Any(s => s.Length == 0 || s == "." || s == "..")) return null;
        return ReadableDirs.Contains(segments[0]) ? rest : null;
    }

    private static PodExecDecision Deny(string tool, int code, string why) =>
        new(false, tool, code, $"aci-lab: refused by the read-only exec allowlist: {why}");

    private static string? CheckAppCtl(IReadOnlyList<string> argv)
    {
        int i = 1;
        if (i < argv.Count && TimeoutOption().IsMatch(argv[i])) i++;
        if (i >= argv.Count) return "ovs-appctl needs a command";
        string command = argv[i];
        IEnumerable<string> rest = argv.Skip(i + 1);
        return command switch
        {
            "ofproto/trace" when !rest.Any() => "ofproto/trace needs a bridge and a flow",
            "ofproto/trace" when rest.Any(a => a == "-generate") => "ofproto/trace -generate injects a packet",
            "ofproto/trace" => null,
            "dpif/show" when rest.All(DatapathName().IsMatch) => null,
            "version" when !rest.Any() => null,
            _ => $"ovs-appctl {command} is not a read-only command the lab allows (ofproto/trace, dpif/show, version)",
        };
    }

    private static string? CheckOfCtl(IReadOnlyList<string> argv)
    {
        int i = 1;
        while (i < argv.Count && argv[i].StartsWith('-'))
        {
            string o = argv[i];
            if (o == "-O" && i + 1 < argv.Count && OpenFlowVersions().IsMatch(argv[i + 1])) i += 2;
            else if (o.StartsWith("-O", StringComparison.Ordinal) && o.Length > 2 && OpenFlowVersions().IsMatch(o[2..])) i++;
            else if (o.StartsWith("--protocols=", StringComparison.Ordinal) && OpenFlowVersions().IsMatch(o["--protocols=".Length..])) i++;
            else if (OfctlFlags.Contains(o) || o.StartsWith("--sort=", StringComparison.Ordinal) || o.StartsWith("--rsort=", StringComparison.Ordinal)) i++;
            else return $"ovs-ofctl option {o} is not allowed";
        }
        if (i >= argv.Count) return "ovs-ofctl needs a command";
        if (!OfctlVerbs.Contains(argv[i])) return $"ovs-ofctl {argv[i]} is not a read-only command the lab allows ({string.Join(", ", OfctlVerbs)})";
        if (i + 1 >= argv.Count || !IsName(argv[i + 1])) return $"ovs-ofctl {argv[i]} needs a bridge name";
        if (argv.Count - (i + 2) > 1) return "too many arguments";
        return null;
    }

    private static string? CheckVsCtl(IReadOnlyList<string> argv)
    {
        int i = 1;
        while (i < argv.Count && argv[i].StartsWith('-'))
        {
            string o = argv[i];
            if (o is "--bare" or "--no-headings" or "--pretty" || TimeoutOption().IsMatch(o)
                || VsctlValueOption().IsMatch(o)) i++;
            else return o == "--" ? "ovs-vsctl command chaining (--) is not allowed" : $"ovs-vsctl option {o} is not allowed";
        }
        if (i >= argv.Count) return "ovs-vsctl needs a command";
        if (!VsctlVerbs.Contains(argv[i])) return $"ovs-vsctl {argv[i]} is not a read-only command the lab allows ({string.Join(", ", VsctlVerbs)})";
        if (argv.Skip(i + 1).Any(a => a.StartsWith('-'))) return "options after the ovs-vsctl command are not allowed";
        return null;
    }

    private static string? CheckCat(IReadOnlyList<string> argv)
    {
        if (argv.Count < 2) return "cat needs a file under " + OpflexStateDir;
        foreach (string p in argv.Skip(1))
        {
            if (RelativeStatePath(p, allowRoot: false) is null) return $"cat may only read files under {OpflexStateDir}/{{{string.Join(",", ReadableDirs)}}}: {p}";
        }
        return null;
    }

    private static string? CheckLs(IReadOnlyList<string> argv)
    {
        List<string> paths = [.. argv.Skip(1).Where(a => a != "-1")];
        if (paths.Count != 1) return "ls takes exactly one directory (and optionally -1)";
        return RelativeStatePath(paths[0], allowRoot: true) is null ? $"ls may only list {OpflexStateDir} and its {string.Join(", ", ReadableDirs)} directories: {paths[0]}" : null;
    }

    private static string? CheckGbpInspect(IReadOnlyList<string> argv) =>
        AciTrace.Kube.GbpInspectArguments.TryParse(argv, out _, out string? error) ? null : error;

    private static bool IsName(string s) => BridgeName().IsMatch(s);

    // No ':' or '/': ovs-ofctl would read "tcp:HOST:PORT" or "unix:PATH" as a remote switch.
    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex BridgeName();

    [GeneratedRegex(@"^[A-Za-z0-9_.@-]{1,64}$")]
    private static partial Regex DatapathName();

    [GeneratedRegex(@"^OpenFlow1[0-5](,OpenFlow1[0-5])*$")]
    private static partial Regex OpenFlowVersions();

    [GeneratedRegex(@"^(--timeout=[0-9]{1,4}|-T[0-9]{1,4})$")]
    private static partial Regex TimeoutOption();

    [GeneratedRegex(@"^(--format=(table|list|json|csv|html)|--columns=[A-Za-z0-9_,:]+|--data=(bare|string|json))$")]
    private static partial Regex VsctlValueOption();
}
