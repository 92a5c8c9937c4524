using System.Text;

namespace AciTrace.Replay.Ovs;

/// <summary>Locates the OVS daemons, tools and schema; throws <see cref="OvsNotInstalledException"/> when missing.</summary>
internal sealed class OvsTools
{
    private static readonly string[] SearchDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"];
    private static readonly string[] SchemaLocations =
        ["/usr/share/openvswitch/vswitch.ovsschema", "/usr/local/share/openvswitch/vswitch.ovsschema"];

    private OvsTools(string ovsdbTool, string ovsdbServer, string vswitchd, string vsctl, string ofctl, string appctl, string schema, string ovsdbClient)
    {
        OvsdbClient = ovsdbClient;
        OvsdbTool = ovsdbTool;
        OvsdbServer = ovsdbServer;
        Vswitchd = vswitchd;
        Vsctl = vsctl;
        Ofctl = ofctl;
        Appctl = appctl;
        Schema = schema;
    }

    public string OvsdbTool { get; }
    public string OvsdbServer { get; }
    public string OvsdbClient { get; }
    public string Vswitchd { get; }
    public string Vsctl { get; }
    public string Ofctl { get; }
    public string Appctl { get; }
    public string Schema { get; }

    /// <summary>
    /// Environment variable naming the one folder that holds OVS's programs when they are not installed in a standard
    /// place (its schema is then looked for in <c>../share/openvswitch</c> beside it too); when set, only it is searched.
    /// </summary>
    public const string DirectoryVariable = "ACITRACE_OVS_DIR";

    public static OvsTools Locate()
    {
        var only = Environment.GetEnvironmentVariable(DirectoryVariable);
        var directories = string.IsNullOrEmpty(only)
            ? SearchDirectories.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)).ToList()
            : [only];
        var schemas = string.IsNullOrEmpty(only) ? SchemaLocations : [Path.Combine(only, "..", "share", "openvswitch", "vswitch.ovsschema"), .. SchemaLocations];
        var missing = new List<string>();
        string Find(string name)
        {
            var path = directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
            if (path is null)
            {
                missing.Add(name);
            }
            return path ?? name;
        }

        var tools = new OvsTools(Find("ovsdb-tool"), Find("ovsdb-server"), Find("ovs-vswitchd"), Find("ovs-vsctl"),
            Find("ovs-ofctl"), Find("ovs-appctl"), schemas.FirstOrDefault(File.Exists) ?? "", Find("ovsdb-client"));
        if (tools.Schema.Length == 0)
        {
            missing.Add("vswitch.ovsschema");
        }
        if (missing.Count > 0)
        {
            throw new OvsNotInstalledException(
                $"Open vSwitch is not installed: {string.Join(", ", missing)} not found (searched {(string.IsNullOrEmpty(only) ? string.Join(", ", SearchDirectories) + " and PATH" : $"${DirectoryVariable} = {only}")}). " +
                "Install it (Debian, Ubuntu: 'apt-get install -y --no-install-recommends openvswitch-switch'; Fedora, RHEL: 'dnf install openvswitch'), " +
                $"or set ${DirectoryVariable} to the folder holding ovs-vswitchd. Nothing needs to run: AciTrace starts its own daemons in a private folder.");
        }
        return tools;
    }
}

/// <summary>Result of one finished tool run.</summary>
internal sealed record OvsProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs OVS tools with an argv (never a shell), a private OVS environment, a timeout and cancellation.</summary>
internal static class OvsProcess
{
    /// <summary>Output larger than this is not an OVS tool's answer; the process is stopped.</summary>
    private const long MaxOutputBytes = 512L * 1024 * 1024;

    public static async Task<OvsProcessResult> RunAsync(
        string executable,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout,
        CancellationToken ct)
    {
        try
        {
            var outcome = await AciTrace.Kube.ProcessRunner.RunAsync(executable, arguments, timeout, MaxOutputBytes, ct, environment).ConfigureAwait(false);
            return new OvsProcessResult(outcome.ExitCode, Encoding.UTF8.GetString(outcome.Stdout), Encoding.UTF8.GetString(outcome.Stderr));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new OvsNotInstalledException($"Cannot start '{executable}': {ex.Message}");
        }
        catch (AciTrace.Kube.ProcessStoppedException stopped) when (stopped.Reason == AciTrace.Kube.ProcessStop.Timeout)
        {
            throw new OvsException($"'{Path.GetFileName(executable)} {string.Join(' ', arguments)}' timed out after {timeout.TotalSeconds:0.#} s and was killed.");
        }
        catch (AciTrace.Kube.ProcessStoppedException)
        {
            throw new OvsException($"'{Path.GetFileName(executable)} {string.Join(' ', arguments)}' printed more than {MaxOutputBytes} bytes and was killed.");
        }
    }
}
