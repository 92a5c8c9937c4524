using System.Diagnostics.CodeAnalysis;
using AciTrace.Engine;
using AciTrace.Packets;

namespace AciTrace.Kube;

/// <summary>
/// The single allowlist of commands the tracer may run inside cluster pods. Every form is read-only:
/// <list type="bullet">
/// <item><c>ovs-appctl ofproto/trace BRIDGE FLOW [--ct-next STATE]...</c> (flow shape-checked by <see cref="FlowSyntax"/>)</item>
/// <item><c>ovs-appctl dpif/show</c></item>
/// <item><c>ovs-ofctl [-O OpenFlow1x] show|dump-flows|dump-groups|dump-tlv-map BRIDGE</c>; dump-flows may add one <c>table=N</c></item>
/// <item><c>ovs-vsctl show</c>, <c>ovs-vsctl list-ports BRIDGE</c></item>
/// <item><c>cat FILE</c> / <c>ls DIR</c> directly in the opflex agent's endpoints, services, snats or ids folder</item>
/// <item><c>gbp_inspect</c> queries (<see cref="GbpInspectArguments"/>: <c>-fprq GbpEpGroup -t dump</c> and similar; nothing that writes, no other socket)</item>
/// <item><c>/bin/sh -c SCRIPT</c> only for a script text registered in <see cref="InPodScripts"/></item>
/// </list>
/// </summary>
public static class ReadOnlyCommandPolicy
{
    /// <summary>Where the opflex agent keeps its state files.</summary>
    public const string AgentStateRoot = "/usr/local/var/lib/opflex-agent-ovs";

    /// <summary>The agent folders a trace may read, by name (endpoint, Service, SNAT and id-map files).</summary>
    public static IReadOnlyList<string> AgentStateFolders { get; } = ["endpoints", "services", "snats", "ids"];

    /// <summary>The readable agent folders (no trailing slash).</summary>
    public static IReadOnlyList<string> AgentStateDirectories { get; } = AgentStateFolders.Select(d => AgentStateRoot + "/" + d).ToArray();

    private static readonly HashSet<string> OpenFlowVersions = new(StringComparer.Ordinal)
    {
        "OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15",
    };

    /// <summary>True if <paramref name="argv"/> is one of the allowed read-only forms; otherwise why not.</summary>
    public static bool IsAllowed(IReadOnlyList<string>? argv, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (argv is null || argv.Count == 0) { reason = "the command is empty"; return false; }
        for (int i = 0; i < argv.Count; i++)
        {
            var arg = argv[i];
            if (string.IsNullOrEmpty(arg)) { reason = $"argument {i} is empty"; return false; }
            if (arg.Any(char.IsControl))
            {
                reason = $"argument {i} contains control characters";
                return false;
            }
        }

        reason = argv[0] switch
        {
            "ovs-appctl" => CheckAppctl(argv),
            "ovs-ofctl" => CheckOfctl(argv),
            "ovs-vsctl" => CheckVsctl(argv),
            "cat" => CheckCat(argv),
            "ls" => CheckLs(argv),
            "gbp_inspect" => CheckGbpInspect(argv),
            "sh" or "/bin/sh" => IsScript(argv) ? null : "only the fixed scripts registered in InPodScripts may run through sh -c",
            _ => $"'{Printable(argv[0])}' is not an allowed program (ovs-appctl, ovs-ofctl, ovs-vsctl, cat, ls, gbp_inspect)",
        };
        return reason is null;
    }

    /// <summary>Throws <see cref="AciTraceException"/> (CommandNotAllowed) unless the command is allowed.</summary>
    public static void EnsureAllowed(IReadOnlyList<string>? argv)
    {
        if (!IsAllowed(argv, out var reason))
        {
            string shown = argv is null ? "" : CommandLineText.Format(argv.Select(Printable));
            throw new AciTraceException(ErrorIds.CommandNotAllowed, AciErrorKind.InvalidOperation,
                $"Refused to run '{shown}' in a pod: {reason}. AciTrace only runs read-only commands from its allowlist.", shown);
        }
    }

    private static bool IsScript(IReadOnlyList<string> argv) =>
        argv.Count >= 3 && argv[0] is "sh" or "/bin/sh" && argv[1] == "-c"
        && InPodScripts.All.Values.FirstOrDefault(s => s.Text == argv[2]) is { } script
        && script.Arguments switch
        {
            InPodScriptArguments.TraceBatch => argv.Count >= 7 && argv[3] == "sh"
                && AciTrace.Discovery.TraceBatchScript.CheckArguments(argv.Skip(4).ToList(), CheckAppctl) is null,
            InPodScriptArguments.AgentFileKeys => argv.Count >= 5 && argv.Count - 4 <= AciTrace.Discovery.NodeFactsScript.MaxKeys
                && argv[3] == "sh" && argv.Skip(4).All(AciTrace.Discovery.NodeFactsScript.IsKey),
            _ => argv.Count == 3,
        };

    private static string? CheckAppctl(IReadOnlyList<string> argv)
    {
        if (argv.Count == 2 && argv[1] == "dpif/show") return null;
        if (argv.Count >= 4 && argv[1] == "ofproto/trace")
        {
            if (!InputValidation.IsValidPortName(argv[2], out var why)) return $"bridge '{Printable(argv[2])}' {why}";
            if (!FlowSyntax.IsWellFormed(argv[3], out why)) return why;
            return FlowSyntax.AreValidTraceOptions(argv, 4, out why) ? null : why;
        }
        return "only 'ovs-appctl ofproto/trace BRIDGE FLOW [--ct-next STATE]...' and 'ovs-appctl dpif/show' are allowed";
    }

    private static string? CheckOfctl(IReadOnlyList<string> argv)
    {
        int i = 1;
        if (argv.Count > 2 && argv[1] == "-O")
        {
            if (!OpenFlowVersions.Contains(argv[2])) return $"'-O {Printable(argv[2])}' is not an OpenFlow version";
            i = 3;
        }
        const string usage = "only 'ovs-ofctl [-O OpenFlow1x] show|dump-flows|dump-groups|dump-tlv-map BRIDGE' (dump-flows with an optional table=N) is allowed";
        if (argv.Count - i < 2) return usage;
        string verb = argv[i];
        if (verb is not ("show" or "dump-flows" or "dump-groups" or "dump-tlv-map")) return $"'{Printable(verb)}' is not a read-only ovs-ofctl command ({usage})";
        if (!InputValidation.IsValidPortName(argv[i + 1], out var why)) return $"bridge '{Printable(argv[i + 1])}' {why}";
        int extra = argv.Count - (i + 2);
        if (extra == 0) return null;
        if (extra == 1 && verb == "dump-flows" && IsTableFilter(argv[i + 2])) return null;
        return usage;
    }

    private static bool IsTableFilter(string arg)
    {
        if (!arg.StartsWith("table=", StringComparison.Ordinal)) return false;
        string n = arg["table=".Length..];
        return n.Length is > 0 and <= 3 && n.All(char.IsAsciiDigit) && int.Parse(n) <= 254;
    }

    private static string? CheckVsctl(IReadOnlyList<string> argv)
    {
        if (argv.Count == 2 && argv[1] == "show") return null;
        if (argv.Count == 3 && argv[1] == "list-ports")
            return InputValidation.IsValidPortName(argv[2], out var why) ? null : $"bridge '{Printable(argv[2])}' {why}";
        return "only 'ovs-vsctl show' and 'ovs-vsctl list-ports BRIDGE' are allowed";
    }

    private static string? CheckCat(IReadOnlyList<string> argv)
    {
        if (argv.Count != 2) return "cat takes exactly one file";
        string path = argv[1];
        int slash = path.LastIndexOf('/');
        if (!path.StartsWith('/') || slash <= 0) return $"'{Printable(path)}' is not an absolute path in the agent state folders";
        string dir = path[..slash];
        string file = path[(slash + 1)..];
        if (!AgentStateDirectories.Contains(dir, StringComparer.Ordinal))
            return $"'{Printable(path)}' is not directly inside {string.Join(", ", AgentStateDirectories)}";
        return IsPlainFileName(file) ? null : $"'{Printable(file)}' is not a plain file name";
    }

    private static bool IsPlainFileName(string name) =>
        name.Length is > 0 and <= 255 && name is not ("." or "..") && name[0] != '-'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or ':' or '@' or '+');

    private static string? CheckLs(IReadOnlyList<string> argv)
    {
        if (argv.Count != 2) return "ls takes exactly one folder";
        string dir = argv[1].EndsWith('/') ? argv[1][..^1] : argv[1];
        return AgentStateDirectories.Contains(dir, StringComparer.Ordinal)
            ? null
            : $"'{Printable(argv[1])}' is not one of {string.Join(", ", AgentStateDirectories)}";
    }

    private static string? CheckGbpInspect(IReadOnlyList<string> argv) =>
        GbpInspectArguments.TryParse(argv, out _, out var error) ? null : error;

    private static string Printable(string s) => InputValidationException.Printable(s);
}
