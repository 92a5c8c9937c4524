using System.Runtime.InteropServices;
using AciTrace.Lab.Kube;

namespace AciTrace.Lab.Cli;

/// <summary>
/// The background process behind <c>up</c>: owns the lock, starts the lab, writes lab.json when ready, then runs
/// until SIGTERM/SIGINT or a stop file, and stops everything (API, OVS daemons) before removing lab.json.
/// </summary>
internal static class LabServe
{
    private static readonly TimeSpan StopFilePoll = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(LabCliArguments args)
    {
        string dir = args.StateDirectory;
        using FileStream? held = LabLock.TryAcquire(dir);
        if (held is null)
        {
            await Console.Error.WriteLineAsync($"aci-lab: a lab is already running or starting in {dir}").ConfigureAwait(false);
            return 1;
        }
        string logPath = Path.Combine(dir, LabStateFile.LogFileName);
        LabProcesses.DetachFromTerminal();
        LabProcesses.RedirectStandardStreams(logPath);
        File.Delete(LabStateFile.PathIn(dir));
        string stopFile = Path.Combine(dir, LabStateFile.StopFileName);
        File.Delete(stopFile);

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext ctx)
        {
            ctx.Cancel = true;
            Log($"received {ctx.Signal}, stopping");
            stop.Cancel();
        }
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx => ctx.Cancel = true);

        Log($"starting the lab from {args.SpecPath} in {dir} (pid {Environment.ProcessId})");
        LabEnvironment lab;
        try
        {
            lab = await LabEnvironment.StartAsync(args.SpecPath!, dir, new LabEnvironmentOptions { Port = args.Port, Rbac = args.Rbac, RbacRolePath = args.RbacRole }, stop.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The message first (up prints this log); the details below it for debugging.
            Log(stop.IsCancellationRequested ? "stopped before the lab was ready" : $"the lab did not start: {e.Message}\n{e}");
            return 1;
        }
        await using (lab.ConfigureAwait(false))
        {
            var state = new LabStateFile(
                Environment.ProcessId, DateTimeOffset.UtcNow, args.SpecPath!, dir, lab.Api.Address.ToString(), lab.KubeconfigPath,
                lab.ViewerKubeconfigPath, logPath,
                [.. lab.Cluster.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => new LabStateNode(
                    n.Name, n.Ovs.RunDirectory, n.Ovs.VswitchdPid, n.Ovs.OvsdbServerPid,
                    LabKubeModel.SystemPodName(n.Name, AciSystemPodRole.OpenVswitch), LabKubeModel.SystemPodName(n.Name, AciSystemPodRole.Host)))]);
            state.Write();
            Log($"ready: API {state.ApiAddress}, kubeconfig {state.Kubeconfig}, {state.Nodes.Count} nodes");
            try
            {
                while (!File.Exists(stopFile)) await Task.Delay(StopFilePoll, stop.Token).ConfigureAwait(false);
                Log("stop file found, stopping");
            }
            catch (OperationCanceledException)
            {
                // Signalled.
            }
        }
        File.Delete(LabStateFile.PathIn(dir));
        File.Delete(stopFile);
        Log("stopped (API closed, OVS daemons stopped)");
        return 0;
    }

    private static void Log(string message) => Console.Out.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {message}");
}
