using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AciTrace.Replay.Ovs;

namespace AciTrace.Lab.Cli;

/// <summary><c>status</c>: is the lab's process alive, does its API answer, are its OVS daemons up.</summary>
internal static partial class LabStatus
{
    public const int Running = 0;
    public const int Degraded = 1;
    public const int NotRunning = 3;

    public static async Task<int> RunAsync(LabCliArguments args, TextWriter stdout)
    {
        string dir = args.StateDirectory;
        LabStateFile? state = LabStateFile.TryRead(dir);
        if (state is null || !LabProcesses.IsServeProcess(state.Pid, dir))
        {
            string why = state is not null ? $" (lab.json names pid {state.Pid}, which is gone; 'down --state-dir {LabReport.Quote(dir)}' cleans up)"
                : LabLock.IsHeld(dir) ? " (a lab is starting)" : "";
            await stdout.WriteLineAsync($"lab: not running in {dir}{why}").ConfigureAwait(false);
            return NotRunning;
        }

        string api;
        bool apiOk = false;
        try
        {
            using LabApiClient client = LabApiClient.FromKubeconfig(state.Kubeconfig, TimeSpan.FromSeconds(5));
            JsonObject version = await client.GetAsync("version").ConfigureAwait(false);
            api = $"answering (version {version["gitVersion"]})";
            apiOk = true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException or FormatException or System.Security.Cryptography.CryptographicException or YamlDotNet.Core.YamlException)
        {
            api = "NOT ANSWERING: " + e.Message;
        }

        var rows = new List<string[]>();
        bool daemonsOk = true;
        foreach (LabStateNode n in state.Nodes)
        {
            IReadOnlyList<int> live = OvsInstance.FindDaemonProcesses(n.OvsRunDirectory);
            bool vswitchd = live.Contains(n.VswitchdPid), ovsdb = live.Contains(n.OvsdbServerPid);
            daemonsOk &= vswitchd && ovsdb;
            string access = vswitchd ? await FlowCountAsync(n.OvsRunDirectory, "br-access").ConfigureAwait(false) : "-";
            string integ = vswitchd ? await FlowCountAsync(n.OvsRunDirectory, "br-int").ConfigureAwait(false) : "-";
            rows.Add([n.Name, Alive(n.VswitchdPid, vswitchd), Alive(n.OvsdbServerPid, ovsdb), access, integ, n.OvsPod]);
        }
        bool ok = apiOk && daemonsOk;
        var o = new StringBuilder();
        o.AppendLine(Inv($"lab: {(ok ? "running" : "DEGRADED")} (pid {state.Pid}, started {state.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)"));
        o.AppendLine($"api: {state.ApiAddress} {api}");
        o.AppendLine($"kubeconfig: {state.Kubeconfig}");
        if (state.ViewerKubeconfig is not null) o.AppendLine($"viewer kubeconfig: {state.ViewerKubeconfig}");
        o.AppendLine($"spec: {state.SpecPath}");
        LabReport.AppendTable(o, ["NODE", "OVS-VSWITCHD", "OVSDB-SERVER", "BR-ACCESS FLOWS", "BR-INT FLOWS", "OVS POD"], rows);
        await stdout.WriteAsync(o.ToString()).ConfigureAwait(false);
        return ok ? Running : Degraded;
    }

    private static string Alive(int pid, bool alive) => Inv($"{pid} {(alive ? "up" : "DOWN")}");

    /// <summary>Flow count of a bridge (<c>ovs-ofctl dump-aggregate</c> on its management socket), or "?".</summary>
    private static async Task<string> FlowCountAsync(string runDir, string bridge)
    {
        try
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["OVS_RUNDIR"] = runDir, ["OVS_LOGDIR"] = runDir, ["OVS_DBDIR"] = runDir };
            OvsProcessResult r = await OvsProcess.RunAsync(OvsTools.Locate().Ofctl,
                ["-O", "OpenFlow13", "dump-aggregate", $"unix:{Path.Combine(runDir, bridge + ".mgmt")}"], env, TimeSpan.FromSeconds(5), CancellationToken.None)
                .ConfigureAwait(false);
            Match m = FlowCount().Match(r.StandardOutput);
            return r.ExitCode == 0 && m.Success ? m.Groups[1].Value : "?";
        }
        catch (Exception e) when (e is OvsException or IOException or OperationCanceledException)
        {
            return "?";
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"flow_count=(\d+)")]
    private static partial Regex FlowCount();
}
