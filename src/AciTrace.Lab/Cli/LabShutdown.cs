using AciTrace.Replay.Ovs;

namespace AciTrace.Lab.Cli;

/// <summary>What <see cref="LabShutdown"/> did.</summary>
/// <param name="ServeStopped">The serve process was running and is gone now.</param>
/// <param name="ServeKilled">It had to be killed (SIGKILL) after the grace period.</param>
/// <param name="DaemonsKilled">OVS daemons killed by the CLI (left over by a killed or crashed serve process).</param>
/// <param name="Remaining">OVS daemons of the state directory still alive afterwards (should be none).</param>
internal sealed record LabShutdownResult(bool ServeStopped, bool ServeKilled, IReadOnlyList<int> DaemonsKilled, IReadOnlyList<int> Remaining);

/// <summary>Stops a lab: the serve process first (it stops its OVS daemons), then anything it left behind.</summary>
internal static class LabShutdown
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    public static async Task<LabShutdownResult> StopAsync(string stateDirectory, LabStateFile? state)
    {
        bool stopped = false, killed = false;
        if (state is not null && LabProcesses.IsServeProcess(state.Pid, stateDirectory))
        {
            LabProcesses.Signal(state.Pid, LabProcesses.SigTerm);
            if (!await LabProcesses.WaitForExitAsync(state.Pid, GracePeriod).ConfigureAwait(false))
            {
                if (LabProcesses.IsServeProcess(state.Pid, stateDirectory)) LabProcesses.Signal(state.Pid, LabProcesses.SigKill);
                await LabProcesses.WaitForExitAsync(state.Pid, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                killed = true;
            }
            stopped = true;
        }
        var runDirs = new SortedSet<string>(StringComparer.Ordinal);
        if (state is not null) foreach (LabStateNode n in state.Nodes) runDirs.Add(n.OvsRunDirectory);
        foreach (string dir in NodeRunDirectories(stateDirectory)) runDirs.Add(dir);

        var daemonsKilled = new List<int>();
        foreach (string dir in runDirs)
        {
            // Only pids whose command line names this run directory: a recycled pid is never signalled.
            IReadOnlyList<int> pids = OvsInstance.FindDaemonProcesses(dir);
            foreach (int pid in pids) LabProcesses.Signal(pid, LabProcesses.SigTerm);
            foreach (int pid in pids)
            {
                if (!await LabProcesses.WaitForExitAsync(pid, TimeSpan.FromSeconds(5)).ConfigureAwait(false) && OvsInstance.FindDaemonProcesses(dir).Contains(pid))
                {
                    LabProcesses.Signal(pid, LabProcesses.SigKill);
                    await LabProcesses.WaitForExitAsync(pid, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
                daemonsKilled.Add(pid);
            }
        }
        List<int> remaining = [.. runDirs.SelectMany(OvsInstance.FindDaemonProcesses)];
        if (remaining.Count == 0 && !(state is not null && LabProcesses.IsServeProcess(state.Pid, stateDirectory)))
        {
            File.Delete(LabStateFile.PathIn(stateDirectory));
            File.Delete(Path.Combine(stateDirectory, LabStateFile.StopFileName));
        }
        return new LabShutdownResult(stopped, killed, daemonsKilled, remaining);
    }

    /// <summary>The OVS run directories the lab creates under a state directory (&lt;stateDir&gt;/nodes/*/ovs).</summary>
    public static IEnumerable<string> NodeRunDirectories(string stateDirectory)
    {
        string nodes = Path.Combine(stateDirectory, "nodes");
        return Directory.Exists(nodes)
            ? Directory.EnumerateDirectories(nodes).Select(d => Path.Combine(d, "ovs")).Where(Directory.Exists)
            : [];
    }
}
