using System.Globalization;

namespace AciTrace.Lab.Cli;

/// <summary>A command line the lab CLI cannot accept (exit code 2 with the usage text).</summary>
internal sealed class LabUsageException(string message) : Exception(message);

/// <summary>Fault changes asked for by <c>faults</c>; null members are left as they are.</summary>
internal sealed record LabFaultChanges
{
    public bool Reset { get; init; }
    public long? ExecLatencyMs { get; init; }
    public int? ExecExitCode { get; init; }
    public bool ClearExecExitCode { get; init; }
    public int? ExecErrorStatus { get; init; }
    public bool ClearExecErrorStatus { get; init; }
    public bool? ExecHang { get; init; }
    public string? ExecFaultNode { get; init; }
    public bool ClearExecFaultNode { get; init; }
    public IReadOnlyList<string> OvsNotReady { get; init; } = [];
    public IReadOnlyList<string> OvsReady { get; init; } = [];
    public IReadOnlyList<string> NodeRemoved { get; init; } = [];
    public IReadOnlyList<string> NodeRestored { get; init; } = [];

    /// <summary>True when nothing would change (faults then only prints the current faults).</summary>
    public bool IsEmpty => !Reset && ExecLatencyMs is null && ExecExitCode is null && !ClearExecExitCode && ExecErrorStatus is null
        && !ClearExecErrorStatus && ExecHang is null && ExecFaultNode is null && !ClearExecFaultNode
        && OvsNotReady.Count == 0 && OvsReady.Count == 0 && NodeRemoved.Count == 0 && NodeRestored.Count == 0;
}

/// <summary>The parsed command line of <c>AciTrace.Lab</c>.</summary>
internal sealed record LabCliArguments
{
    public const string ServeCommand = "serve";
    public const string DefaultStateDirectory = ".lab";

    public const string Usage = """
        usage: AciTrace.Lab <command> [options]
          up <spec.yaml> [--state-dir D] [--port P] [--rbac] [--rbac-role ROLE.yaml]
                 start a lab in the background and return once it is ready (prints the kubeconfig path first)
          status [--state-dir D]
                 show the lab (exit 0 running, 1 running but not answering, 3 not running)
          down [--state-dir D]
                 stop the lab and every OVS daemon it started (exit 0 also when nothing runs)
          faults [--state-dir D] [--reset] [--exec-latency-ms N] [--exec-exit-code N|none]
                 [--exec-error-status 400-599|none] [--exec-hang true|false] [--exec-fault-node NODE|all]
                 [--ovs-not-ready NODE]... [--ovs-ready NODE]... [--node-removed NODE]... [--node-restored NODE]...
                 change the injected faults of a running lab (--reset first clears all); no option prints them
          policy [--state-dir D] [--apply CHANGE.yaml] [--delete-policy NS/NAME]... [--delete-contract NAME]...
                 change the running lab's policy: the NetworkPolicies and contracts of CHANGE.yaml (spec format)
                 replace or join those of the same name; the node files and both bridges are reprogrammed
          trace  --from NS/POD (--to NS/POD | --service NS/SVC | --external IP) [--protocol tcp|udp|icmp|ip|arp]
                 [--port N] [--source-port N] [--reply] [--hops] [--verbose] [--kubeconfig K [--context C]]
                 run the live tracer against the lab (or the cluster of --kubeconfig) and print the bridge passes;
                 exit 4 when a trace was dropped
          help   show this text
        The state directory defaults to ./.lab.
        """;

    public required string Command { get; init; }
    public string? SpecPath { get; init; }
    public required string StateDirectory { get; init; }
    public int Port { get; init; }
    public bool Rbac { get; init; }
    /// <summary>A Role/ClusterRole file whose rules are the viewer's permissions (implies <see cref="Rbac"/>).</summary>
    public string? RbacRole { get; init; }
    public LabFaultChanges Faults { get; init; } = new();
    /// <summary><c>policy --apply</c>: a spec file whose NetworkPolicies and contracts replace or join the lab's.</summary>
    public string? PolicyFile { get; init; }
    /// <summary><c>policy --delete-policy</c>: NetworkPolicies to remove (<c>namespace/name</c>).</summary>
    public IReadOnlyList<string> DeletePolicies { get; init; } = [];
    /// <summary><c>policy --delete-contract</c>: contracts to remove.</summary>
    public IReadOnlyList<string> DeleteContracts { get; init; } = [];

    /// <summary>Parses argv; throws <see cref="LabUsageException"/> with the reason.</summary>
    public static LabCliArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new LabUsageException("no command given");
        string command = args[0];
        if (command is not ("up" or ServeCommand or "status" or "down" or "faults" or "policy" or "help" or "--help" or "-h"))
            throw new LabUsageException($"unknown command '{command}'");
        if (command is "--help" or "-h") command = "help";

        string? spec = null;
        string stateDir = DefaultStateDirectory;
        int port = 0;
        bool rbac = false;
        string? rbacRole = null;
        var faults = new LabFaultChanges();
        var notReady = new List<string>();
        var ready = new List<string>();
        var removed = new List<string>();
        var restored = new List<string>();
        bool takesSpec = command is "up" or ServeCommand;
        bool takesLabOptions = takesSpec;
        bool takesFaults = command == "faults";
        bool takesPolicy = command == "policy";
        string? policyFile = null;
        var deletePolicies = new List<string>();
        var deleteContracts = new List<string>();

        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                if (!takesSpec || spec is not null || arg.Length == 0 || arg == "--") throw new LabUsageException($"unexpected argument '{arg}'");
                spec = arg;
                continue;
            }
            string name = arg;
            string? inline = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count) throw new LabUsageException($"{name} needs a value");
                return args[++i];
            }
            void NoValue()
            {
                if (inline is not null) throw new LabUsageException($"{name} takes no value");
            }

            switch (name)
            {
                case "--state-dir" when command != "help":
                    stateDir = Value();
                    if (stateDir.Length == 0 || stateDir.Any(char.IsControl)) throw new LabUsageException("--state-dir must be a usable path");
                    break;
                case "--port" when takesLabOptions:
                    port = Integer(name, Value(), 0, 65535);
                    break;
                case "--rbac" when takesLabOptions:
                    NoValue();
                    rbac = true;
                    break;
                case "--rbac-role" when takesLabOptions:
                    rbacRole = Path.GetFullPath(Value());
                    if (!File.Exists(rbacRole)) throw new LabUsageException($"--rbac-role: {rbacRole} does not exist");
                    rbac = true;
                    break;
                case "--reset" when takesFaults:
                    NoValue();
                    faults = faults with { Reset = true };
                    break;
                case "--exec-latency-ms" when takesFaults:
                    faults = faults with { ExecLatencyMs = Integer(name, Value(), 0, 3_600_000) };
                    break;
                case "--exec-exit-code" when takesFaults:
                {
                    string v = Value();
                    faults = v == "none" ? faults with { ExecExitCode = null, ClearExecExitCode = true }
                        : faults with { ExecExitCode = Integer(name, v, 0, 255), ClearExecExitCode = false };
                    break;
                }
                case "--exec-error-status" when takesFaults:
                {
                    string v = Value();
                    faults = v == "none" ? faults with { ExecErrorStatus = null, ClearExecErrorStatus = true }
                        : faults with { ExecErrorStatus = Integer(name, v, 400, 599), ClearExecErrorStatus = false };
                    break;
                }
                case "--exec-hang" when takesFaults:
                    faults = faults with
                    {
                        ExecHang = Value() switch
                        {
                            "true" => true,
                            "false" => false,
                            var v => throw new LabUsageException($"--exec-hang must be true or false, not '{v}'"),
                        },
                    };
                    break;
                case "--exec-fault-node" when takesFaults:
                {
                    string v = Value();
                    faults = v == "all" ? faults with { ExecFaultNode = null, ClearExecFaultNode = true }
                        : faults with { ExecFaultNode = NodeName(name, v), ClearExecFaultNode = false };
                    break;
                }
                case "--ovs-not-ready" when takesFaults:
                    notReady.Add(NodeName(name, Value()));
                    break;
                case "--ovs-ready" when takesFaults:
                    ready.Add(NodeName(name, Value()));
                    break;
                case "--node-removed" when takesFaults:
                    removed.Add(NodeName(name, Value()));
                    break;
                case "--node-restored" when takesFaults:
                    restored.Add(NodeName(name, Value()));
                    break;
                case "--apply" when takesPolicy:
                    policyFile = Value();
                    if (!File.Exists(policyFile)) throw new LabUsageException($"--apply: {policyFile} does not exist");
                    policyFile = Path.GetFullPath(policyFile);
                    break;
                case "--delete-policy" when takesPolicy:
                    string np = Value();
                    if (np.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]) throw new LabUsageException($"--delete-policy needs namespace/name, not '{np}'");
                    deletePolicies.Add(np);
                    break;
                case "--delete-contract" when takesPolicy:
                    deleteContracts.Add(Value());
                    break;
                default:
                    throw new LabUsageException($"unknown option '{name}' for '{command}'");
            }
        }
        if (takesSpec && spec is null) throw new LabUsageException($"'{command}' needs a spec file");
        return new LabCliArguments
        {
            Command = command,
            SpecPath = spec is null ? null : Path.GetFullPath(spec),
            StateDirectory = Path.GetFullPath(stateDir).TrimEnd('/') is { Length: > 0 } full ? full : "/",
            Port = port,
            Rbac = rbac,
            RbacRole = rbacRole,
            Faults = faults with { OvsNotReady = notReady, OvsReady = ready, NodeRemoved = removed, NodeRestored = restored },
            PolicyFile = policyFile,
            DeletePolicies = deletePolicies,
            DeleteContracts = deleteContracts,
        };
    }

    private static int Integer(string option, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new LabUsageException($"{option} must be a whole number from {min} to {max}, not '{value}'");

    private static string NodeName(string option, string value) =>
        value.Length is > 0 and <= 253 && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
            ? value
            : throw new LabUsageException($"{option} needs a node name, not '{value}'");
}
