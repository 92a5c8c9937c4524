namespace AciTrace.Lab.Cli;

/// <summary><c>down</c>: stops the lab and makes sure no OVS daemon of its state directory is left.</summary>
internal static class LabDown
{
    public static async Task<int> RunAsync(LabCliArguments args, TextWriter stdout, TextWriter stderr)
    {
        string dir = args.StateDirectory;
        LabStateFile? state = LabStateFile.TryRead(dir);
        if (state is null && LabLock.IsHeld(dir))
        {
            // Starting: no lab.json yet. The stop file ends it as soon as it is ready (or its start is abandoned by up).
            await File.WriteAllTextAsync(Path.Combine(dir, LabStateFile.StopFileName), "stop\n").ConfigureAwait(false);
            DateTime deadline = DateTime.UtcNow + LabUp.ReadyTimeout + LabShutdown.GracePeriod;
            while (LabLock.IsHeld(dir) && DateTime.UtcNow < deadline) await Task.Delay(100).ConfigureAwait(false);
            state = LabStateFile.TryRead(dir);
        }
        LabShutdownResult r = await LabShutdown.StopAsync(dir, state).ConfigureAwait(false);
        if (r.Remaining.Count > 0)
        {
            await stderr.WriteLineAsync($"aci-lab: OVS daemons of {dir} are still running (pids {string.Join(", ", r.Remaining)})").ConfigureAwait(false);
            return 1;
        }
        if (r.ServeStopped)
            await stdout.WriteLineAsync($"lab stopped: pid {state!.Pid}{(r.ServeKilled ? " (killed after 10 s)" : "")}, {state.Nodes.Count} node(s), no OVS daemon left in {dir}").ConfigureAwait(false);
        else
            await stdout.WriteLineAsync($"no lab running in {dir}").ConfigureAwait(false);
        if (r.DaemonsKilled.Count > 0)
            await stdout.WriteLineAsync($"stopped {r.DaemonsKilled.Count} left-over OVS daemon(s): pids {string.Join(", ", r.DaemonsKilled)}").ConfigureAwait(false);
        return 0;
    }
}
