using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace AciTrace.Replay.Ovs;

/// <summary>
/// A private Open vSwitch instance (ovsdb-server + ovs-vswitchd on the userspace "dummy" datapath) whose database,
/// sockets, pid files and logs all live in one run directory. Several instances can run side by side.
/// </summary>
public sealed partial class OvsInstance : IAsyncDisposable
{
    /// <summary>Bridge protocols: OF1.3 for the agent-style flows, OF1.4+ for atomic bundles with groups.</summary>
    public const string BridgeProtocols = "OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15";

    private const int SigTerm = 15;
    private const int SigKill = 9;
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(5);

    private readonly OvsTools _tools;
    private readonly Dictionary<string, string> _environment;
    private readonly OvsUnixctlClient? _control;
    private int _stopped;
    private int _nextDatapathPort = 1;

    private OvsInstance(string runDirectory, OvsTools tools, int ovsdbServerPid, int vswitchdPid)
    {
        RunDirectory = runDirectory;
        _tools = tools;
        OvsdbServerPid = ovsdbServerPid;
        VswitchdPid = vswitchdPid;
        _environment = EnvironmentFor(runDirectory);
        ControlSocketPath = Path.Combine(runDirectory, $"ovs-vswitchd.{vswitchdPid}.ctl");
        _control = OvsUnixctlClient.CanUse(ControlSocketPath) ? new OvsUnixctlClient(ControlSocketPath) : null;
    }

    /// <summary>Absolute run directory holding conf.db, db.sock, *.mgmt, *.ctl, pid files and logs.</summary>
    public string RunDirectory { get; }

    /// <summary>Process id of ovsdb-server.</summary>
    public int OvsdbServerPid { get; }

    /// <summary>Process id of ovs-vswitchd.</summary>
    public int VswitchdPid { get; }

    /// <summary>The unixctl socket of ovs-vswitchd that <see cref="TraceAsync"/> talks JSON-RPC to.</summary>
    public string ControlSocketPath { get; }

    /// <summary>Timeout of every tool run and control-socket call.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When true (default) traces go over a persistent connection to the control socket; when false, or when the
    /// socket path is too long for a unix socket, they run ovs-appctl.
    /// </summary>
    public bool UseControlSocket { get; set; } = true;

    /// <summary>
    /// Whether <see cref="ConfigureAsync"/> pins datapath port numbers (reproducible "Datapath actions:" for fixtures).
    /// Each renumbering costs ovs-vswitchd work in proportion to its ports; a replay whose numbers need not match
    /// anything turns it off (seconds saved on a node of a few hundred pods).
    /// </summary>
    public bool PinDatapathPorts { get; set; } = true;

    /// <summary>
    /// Creates a fresh database in <paramref name="runDirectory"/> (created if needed; an old conf.db is replaced) and
    /// starts ovsdb-server and ovs-vswitchd with the dummy datapath. Throws <see cref="OvsNotInstalledException"/> when
    /// OVS is not installed and <see cref="OvsException"/> when a daemon does not start or one already runs there.
    /// </summary>
    public static async Task<OvsInstance> StartAsync(string runDirectory, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        var tools = OvsTools.Locate();
        var dir = Path.GetFullPath(runDirectory).TrimEnd('/');
        if (dir.Length == 0 || dir.Any(char.IsControl) || dir.Contains(','))
        {
            throw new ArgumentException($"Unusable run directory '{runDirectory}'.", nameof(runDirectory));
        }
        Directory.CreateDirectory(dir);
        var running = FindDaemonProcesses(dir);
        if (running.Count > 0)
        {
            throw new OvsException($"OVS daemons already run in '{dir}' (pids {string.Join(", ", running)}); stop them first.");
        }
        foreach (var stale in new[] { "conf.db", ".conf.db.~lock~", "ovsdb-server.pid", "ovs-vswitchd.pid", "db.sock" })
        {
            File.Delete(Path.Combine(dir, stale));
        }

        var env = EnvironmentFor(dir);
        var timeout = TimeSpan.FromSeconds(30);
        var db = Path.Combine(dir, "conf.db");
        var dbSocket = Path.Combine(dir, "db.sock");
        await RunCheckedAsync(tools.OvsdbTool, ["create", db, tools.Schema], env, timeout, ct).ConfigureAwait(false);

        int? ovsdbPid = null;
        try
        {
            await RunCheckedAsync(tools.OvsdbServer,
                [db, "--detach", "--no-chdir", $"--pidfile={dir}/ovsdb-server.pid", $"--log-file={dir}/ovsdb-server.log",
                 "-vconsole:off", $"--remote=punix:{dbSocket}"], env, timeout, ct).ConfigureAwait(false);
            ovsdbPid = ReadPidFile(Path.Combine(dir, "ovsdb-server.pid"));
            await RunCheckedAsync(tools.Vsctl, [$"--db=unix:{dbSocket}", "--no-wait", "--", "init"], env, timeout, ct)
                .ConfigureAwait(false);
            await RunCheckedAsync(tools.Vswitchd,
                [$"unix:{dbSocket}", "--enable-dummy", "--disable-system", "--disable-system-route", "--detach", "--no-chdir",
                 $"--pidfile={dir}/ovs-vswitchd.pid", $"--log-file={dir}/ovs-vswitchd.log", "-vconsole:off"], env, timeout, ct)
                .ConfigureAwait(false);
            var vswitchdPid = ReadPidFile(Path.Combine(dir, "ovs-vswitchd.pid"));
            return new OvsInstance(dir, tools, ovsdbPid.Value, vswitchdPid);
        }
        catch
        {
            // Leave nothing behind when start-up fails half way.
            foreach (var pid in FindDaemonProcesses(dir))
            {
                await TerminateAsync(pid, dir).ConfigureAwait(false);
            }
            throw;
        }
    }

    private int _configureCalls;

    /// <summary>Ports added per OVSDB transaction.</summary>
    private const int PortsPerTransaction = 150;

    /// <summary>Most datapath ports an instance pins to reproducible numbers (see <see cref="PinDatapathPortsAsync"/>).</summary>
    public const int PinnedPortLimit = 512;

    /// <summary>
    /// Creates all bridges and ports of <paramref name="topology"/> with OVSDB transactions (dummy datapath,
    /// fail_mode=secure, <see cref="BridgeProtocols"/>, pinned ofports), checks that every ofport was honoured,
    /// switches the datapath to kernel-style tunnel actions so that VXLAN output traces as set(tunnel(...)), and pins
    /// datapath port numbers in topology order (bridge local port first, then its dummy/internal ports; numbering
    /// continues across calls) so that "Datapath actions:" are reproducible.
    /// </summary>
    public async Task ConfigureAsync(OvsTopology topology, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (topology.Bridges.Count == 0)
        {
            throw new ArgumentException("The topology has no bridge.", nameof(topology));
        }
        // Straight to OVSDB, in transactions of a bounded size: ovs-vsctl re-reads the whole database for every
        // port it adds, which made 5,000 ports on one node take minutes; these inserts cost the same per port at
        // any size. ovs-vswitchd applies them in order; the closing ovs-vsctl call waits until it has.
        var portNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bridge in topology.Bridges)
        {
            ValidateName(bridge.Name, "bridge");
            if (!portNames.Add(bridge.Name))
            {
                throw new ArgumentException($"Duplicate name '{bridge.Name}'.", nameof(topology));
            }
            var ofports = new HashSet<int>();
            foreach (var port in bridge.Ports)
            {
                ValidatePort(port);
                if (!portNames.Add(port.Name) || !ofports.Add(port.OfPort))
                {
                    throw new ArgumentException($"Duplicate port name or ofport: '{port.Name}' ({port.OfPort}).", nameof(topology));
                }
            }
        }
        foreach (var transaction in OvsdbTransactions.AddBridges(topology, BridgeProtocols.Split(','), PortsPerTransaction))
        {
            var reply = await RunToolAsync(_tools.OvsdbClient, ["--timeout=" + (int)Math.Ceiling(CommandTimeout.TotalSeconds), "transact", $"unix:{Path.Combine(RunDirectory, "db.sock")}", transaction], ct)
                .ConfigureAwait(false);
            // ovsdb-client exits 0 when an operation fails (the transaction is rolled back): read the results.
            if (OvsdbTransactions.FirstError(reply) is { } error)
            {
                throw new OvsException($"Adding ports to OVSDB failed: {error}");
            }
        }
        // A value that changes on every call, so ovs-vsctl waits until ovs-vswitchd has applied everything above.
        await VsCtlAsync(["--timeout=" + (int)Math.Ceiling(CommandTimeout.TotalSeconds), "--", "set", "Open_vSwitch", ".",
            $"external_ids:aci-lab-configured={++_configureCalls}"], ct).ConfigureAwait(false);

        var listing = await VsCtlAsync(["--format=csv", "--data=bare", "--no-headings", "--columns=name,ofport", "list", "Interface"], ct)
            .ConfigureAwait(false);
        var actual = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(','))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim(), StringComparer.Ordinal);
        foreach (var port in topology.Bridges.SelectMany(b => b.Ports))
        {
            if (!actual.TryGetValue(port.Name, out var ofport) || ofport != port.OfPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new OvsException($"Port '{port.Name}' got ofport {(ofport ?? "none")} instead of {port.OfPort}.");
            }
        }

        // Per datapath backer (all dummy bridges share it) and lost on restart. Without it OVS would use native
        // tunnelling (tnl_push), which needs an underlay route and ARP entry and traces unlike a kernel node.
        await UnixctlAsync("dpif/set-dp-features", [topology.Bridges[0].Name, "tnl_push_pop", "false"], ct).ConfigureAwait(false);
        if (PinDatapathPorts)
        {
            await PinDatapathPortsAsync(topology, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives every datapath port of the topology a fixed number, in topology order (each bridge's local port, then
    /// its dummy/internal ports), starting after the ports pinned by earlier calls. The dummy datapath otherwise
    /// numbers ports in an order that varies between runs (and takes trailing digits of a name as the number), so
    /// "Datapath actions:" lines would not be reproducible. Tunnel ports keep their UDP port (8472); patch ports have none.
    /// Each renumbering costs ovs-vswitchd work in proportion to the ports it has, so a topology of more than
    /// <see cref="PinnedPortLimit"/> datapath ports (a scale lab, not a fixture) keeps the numbers the datapath chose.
    /// </summary>
    private async Task PinDatapathPortsAsync(OvsTopology topology, CancellationToken ct)
    {
        var names = topology.Bridges
            .SelectMany(b => new[] { b.Name }.Concat(b.Ports.Where(p => p.Type is OvsPortType.Dummy or OvsPortType.Internal).Select(p => p.Name)))
            .ToList();
        if (_nextDatapathPort + names.Count > PinnedPortLimit)
        {
            return;
        }
        // Above any number the dummy datapath derives from a name's first digits (at most 8 of them in the lab's
        // names), so parking never lands on a port that is not parked yet.
        const int Parking = 1_000_000_000;
        for (var i = 0; i < names.Count; i++)
        {
            await UnixctlAsync("dpif-dummy/change-port-number", ["ovs-dummy", names[i], (Parking + _nextDatapathPort + i).ToString(System.Globalization.CultureInfo.InvariantCulture)], ct)
                .ConfigureAwait(false);
        }
        for (var i = 0; i < names.Count; i++)
        {
            await UnixctlAsync("dpif-dummy/change-port-number", ["ovs-dummy", names[i], (_nextDatapathPort + i).ToString(System.Globalization.CultureInfo.InvariantCulture)], ct)
                .ConfigureAwait(false);
        }
        _nextDatapathPort += names.Count;
    }

    /// <summary>A unixctl command over the control socket when possible (0.2 ms instead of a 7 ms ovs-appctl run).</summary>
    private async Task<string> UnixctlAsync(string method, IReadOnlyList<string> parameters, CancellationToken ct)
    {
        if (_control is null)
        {
            return await AppCtlAsync([method, .. parameters], ct).ConfigureAwait(false);
        }
        var reply = await _control.CallAsync(method, parameters, CommandTimeout, ct).ConfigureAwait(false);
        return reply.Error is null
            ? reply.Result!
            : throw new OvsException($"{method} {string.Join(' ', parameters)} failed: {reply.Error.TrimEnd('\n')}", standardError: reply.Error);
    }

    /// <summary>Installs a tunnel-metadata TLV map (add-tlv-map syntax) on a bridge.</summary>
    public Task AddTlvMapAsync(string bridge, string map, CancellationToken ct = default)
    {
        ValidateName(bridge, "bridge");
        ValidateText(map, nameof(map));
        return OfCtlAsync(["-O", "OpenFlow15", "add-tlv-map", bridge, map.Trim()], ct);
    }

    /// <summary>
    /// Adds groups and flows (add-flows / add-groups syntax, one per line, '#' comment lines and blank lines allowed)
    /// in ONE atomic bundle: if any line is rejected nothing is installed and the exception carries ovs-ofctl's
    /// error text. The bundle goes over OpenFlow 1.3 (ONF bundle extension), the protocol opflex-agent speaks, so that
    /// actions print as on a real node (OF1.5 would turn every <c>load:</c> into <c>set_field:</c>). Only when a group
    /// uses <c>selection_method</c>, which OF1.3/1.4 silently drop, is OpenFlow 1.5 used.
    /// </summary>
    public Task LoadFlowsAsync(string bridge, string flows, string? groups = null, CancellationToken ct = default) =>
        LoadFlowsAsync(bridge, flows, groups, replace: false, ct);

    /// <summary>
    /// Replaces every flow (and group, when <paramref name="groups"/> is given) of a bridge in one atomic bundle, as
    /// the opflex agent reprograms a bridge after a policy change: no packet ever sees a half-loaded table.
    /// </summary>
    public Task ReplaceFlowsAsync(string bridge, string flows, string? groups = null, CancellationToken ct = default) =>
        LoadFlowsAsync(bridge, flows, groups, replace: true, ct);

    private async Task LoadFlowsAsync(string bridge, string flows, string? groups, bool replace, CancellationToken ct)
    {
        ValidateName(bridge, "bridge");
        ArgumentNullException.ThrowIfNull(flows);
        var bundle = new StringBuilder();
        if (replace)
        {
            bundle.Append("flow delete\n");
            if (groups is not null) bundle.Append("group delete group_id=all\n");
        }
        var protocol = "OpenFlow13";
        foreach (var group in EntryLines(groups ?? ""))
        {
            bundle.Append("group add ").Append(group).Append('\n');
            if (group.Contains("selection_method", StringComparison.Ordinal))
            {
                protocol = "OpenFlow15";
            }
        }
        foreach (var flow in EntryLines(flows))
        {
            bundle.Append("flow add ").Append(flow).Append('\n');
        }
        if (bundle.Length == 0)
        {
            return;
        }
        var file = Path.Combine(RunDirectory, $"bundle-{bridge}-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, bundle.ToString(), ct).ConfigureAwait(false);
        try
        {
            await OfCtlAsync(["-O", protocol, "bundle", bridge, file], ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Runs <c>ofproto/trace bridge flow [options]</c> and returns exactly the text ovs-appctl would print.
    /// An OVS error (unknown bridge, bad flow) becomes an <see cref="OvsException"/> with OVS's message.
    /// </summary>
    public async Task<string> TraceAsync(string bridge, string flow, IReadOnlyList<string>? options = null, CancellationToken ct = default)
    {
        ValidateText(bridge, nameof(bridge));
        ValidateText(flow, nameof(flow));
        var parameters = new List<string> { bridge, flow };
        foreach (var option in options ?? [])
        {
            ValidateText(option, nameof(options));
            parameters.Add(option);
        }
        if (UseControlSocket && _control is not null)
        {
            var reply = await _control.CallAsync("ofproto/trace", parameters, CommandTimeout, ct).ConfigureAwait(false);
            if (reply.Error is not null)
            {
                throw new OvsException(reply.Error.TrimEnd('\n'), standardError: reply.Error);
            }
            return reply.Result!;
        }
        return await AppCtlAsync(["ofproto/trace", .. parameters], ct).ConfigureAwait(false);
    }

    /// <summary>Runs ovs-appctl against this instance's ovs-vswitchd and returns its standard output.</summary>
    public Task<string> AppCtlAsync(params string[] args) => AppCtlAsync(args, CancellationToken.None);

    /// <summary>Runs ovs-appctl against this instance's ovs-vswitchd and returns its standard output.</summary>
    public Task<string> AppCtlAsync(IReadOnlyList<string> args, CancellationToken ct) =>
        RunToolAsync(_tools.Appctl, ["--timeout=" + (int)Math.Ceiling(CommandTimeout.TotalSeconds), .. args], ct);

    /// <summary>Runs ovs-ofctl (bridges are reached through &lt;run dir&gt;/&lt;bridge&gt;.mgmt) and returns its standard output.</summary>
    public Task<string> OfCtlAsync(params string[] args) => OfCtlAsync(args, CancellationToken.None);

    /// <summary>Runs ovs-ofctl (bridges are reached through &lt;run dir&gt;/&lt;bridge&gt;.mgmt) and returns its standard output.</summary>
    public Task<string> OfCtlAsync(IReadOnlyList<string> args, CancellationToken ct) => RunToolAsync(_tools.Ofctl, args, ct);

    /// <summary>Runs ovs-vsctl against this instance's database and returns its standard output.</summary>
    public Task<string> VsCtlAsync(params string[] args) => VsCtlAsync(args, CancellationToken.None);

    /// <summary>Runs ovs-vsctl against this instance's database and returns its standard output.</summary>
    public Task<string> VsCtlAsync(IReadOnlyList<string> args, CancellationToken ct) =>
        RunToolAsync(_tools.Vsctl, [$"--db=unix:{Path.Combine(RunDirectory, "db.sock")}", .. args], ct);

    /// <summary>
    /// Stops ovs-vswitchd and ovsdb-server (SIGTERM, then SIGKILL after 5 s) and waits until both are gone.
    /// Safe to call more than once. The run directory (logs, database) is left for inspection.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }
        await TerminateAsync(VswitchdPid, RunDirectory).ConfigureAwait(false);
        await TerminateAsync(OvsdbServerPid, RunDirectory).ConfigureAwait(false);
        // Anything else started in this directory (e.g. a daemon whose pid file was rewritten).
        foreach (var pid in FindDaemonProcesses(RunDirectory))
        {
            await TerminateAsync(pid, RunDirectory).ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="StopAsync"/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>
    /// Live (not zombie) ovsdb-server / ovs-vswitchd processes whose command line names <paramref name="runDirectory"/>.
    /// </summary>
    /// <summary>Stops the daemons left running in <paramref name="runDirectory"/> by a process that is gone.</summary>
    public static async Task StopDaemonsAsync(string runDirectory)
    {
        var dir = Path.GetFullPath(runDirectory).TrimEnd('/');
        foreach (var pid in FindDaemonProcesses(dir))
        {
            await TerminateAsync(pid, dir).ConfigureAwait(false);
        }
    }

    /// <summary>The ovsdb-server and ovs-vswitchd processes whose files are in <paramref name="runDirectory"/>.</summary>
    public static IReadOnlyList<int> FindDaemonProcesses(string runDirectory)
    {
        var dir = Path.GetFullPath(runDirectory).TrimEnd('/');
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && IsOurDaemon(pid, dir))
            {
                found.Add(pid);
            }
        }
        return found;
    }

    private async Task<string> RunToolAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var arg in args)
        {
            ValidateText(arg, nameof(args));
        }
        var result = await OvsProcess.RunAsync(tool, args, _environment, CommandTimeout, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failure(tool, args, result);
        }
        return result.StandardOutput;
    }

    private static async Task RunCheckedAsync(string tool, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env,
        TimeSpan timeout, CancellationToken ct)
    {
        var result = await OvsProcess.RunAsync(tool, args, env, timeout, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failure(tool, args, result);
        }
    }

    private static OvsException Failure(string tool, IReadOnlyList<string> args, OvsProcessResult result)
    {
        var stderr = result.StandardError.TrimEnd();
        return new OvsException(
            $"{Path.GetFileName(tool)} {string.Join(' ', args.Take(4))}{(args.Count > 4 ? " ..." : "")} failed (exit {result.ExitCode}): {stderr}",
            result.ExitCode, result.StandardError);
    }

    private static Dictionary<string, string> EnvironmentFor(string dir) => new(StringComparer.Ordinal)
    {
        ["OVS_RUNDIR"] = dir,
        ["OVS_LOGDIR"] = dir,
        ["OVS_DBDIR"] = dir,
        ["OVS_SYSCONFDIR"] = dir,
    };

    /// <summary>The Interface row's type and options for a port of the topology.</summary>
    internal static (string Type, SortedDictionary<string, string> Options) InterfaceSettings(OvsPortSpec port)
    {
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string type;
        switch (port.Type)
        {
            case OvsPortType.Dummy:
                type = "dummy";
                break;
            case OvsPortType.Internal:
                type = "internal";
                break;
            case OvsPortType.Patch:
                type = "patch";
                options["peer"] = port.Peer!;
                break;
            case OvsPortType.Vxlan:
                type = "vxlan";
                options["remote_ip"] = "flow";
                options["key"] = "flow";
                options["dst_port"] = "8472";
                break;
            case OvsPortType.Geneve:
                type = "geneve";
                options["remote_ip"] = "flow";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(port), port.Type, "Unknown port type.");
        }
        foreach (var (key, value) in port.Options ?? new Dictionary<string, string>())
        {
            options[key] = value;
        }
        return (type, options);
    }

    private static void ValidatePort(OvsPortSpec port)
    {
        ArgumentNullException.ThrowIfNull(port);
        ValidateName(port.Name, "port");
        if (port.OfPort is < 1 or > 65279)
        {
            throw new ArgumentException($"Port '{port.Name}': ofport {port.OfPort} is outside 1..65279.");
        }
        if (port.Type == OvsPortType.Patch)
        {
            ValidateName(port.Peer ?? "", "patch peer");
        }
        else if (port.Peer is not null)
        {
            throw new ArgumentException($"Port '{port.Name}': only patch ports have a peer.");
        }
        foreach (var (key, value) in port.Options ?? new Dictionary<string, string>())
        {
            if (!OptionKeyPattern().IsMatch(key) || !OptionValuePattern().IsMatch(value))
            {
                throw new ArgumentException($"Port '{port.Name}': invalid option '{key}={value}'.");
            }
        }
    }

    private static void ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Invalid {what} name '{name}': use letters, digits, '_', '.', '-' (at most 64, not starting with '-').");
        }
    }

    private static void ValidateText(string? text, string parameter)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 65536 || text.Any(c => char.IsControl(c)))
        {
            throw new ArgumentException("Empty, over-long or containing control characters.", parameter);
        }
    }

    private static IEnumerable<string> EntryLines(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            if (line.Any(char.IsControl))
            {
                throw new ArgumentException($"Control character in line '{line}'.");
            }
            yield return line;
        }
    }

    private static int ReadPidFile(string path)
    {
        var text = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
        return int.TryParse(text, out var pid) && pid > 0
            ? pid
            : throw new OvsException($"The daemon did not write a valid pid file '{path}'.");
    }

    private static bool IsOurDaemon(int pid, string dir)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X')
            {
                return false; // Gone, or a zombie waiting for init to reap it.
            }
            var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var exe = Path.GetFileName(argv[0]);
            return exe is "ovs-vswitchd" or "ovsdb-server"
                && argv.Any(a => a.Contains(dir + "/", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task TerminateAsync(int pid, string dir)
    {
        if (!IsOurDaemon(pid, dir))
        {
            return;
        }
        _ = Kill(pid, SigTerm);
        var deadline = DateTime.UtcNow + StopGracePeriod;
        // Wait on the process state, not its command line: an exiting process loses its cmdline before it is a zombie.
        while (IsRunning(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                _ = Kill(pid, SigKill);
                deadline = DateTime.UtcNow + StopGracePeriod;
            }
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>True while the process exists and is neither a zombie nor dead.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: the project does not allow unsafe code, and int/int marshals trivially.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054

    [GeneratedRegex("^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex OptionKeyPattern();

    [GeneratedRegex("^[A-Za-z0-9_.:/-]{1,255}$")]
    private static partial Regex OptionValuePattern();
}
