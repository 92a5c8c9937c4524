using System.Diagnostics;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.Cli;

/// <summary><c>up</c>: starts the serve process detached and returns once the lab is ready.</summary>
internal static class LabUp
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(LabCliArguments args, TextWriter stdout, TextWriter stderr)
    {
        string dir = args.StateDirectory;
        string spec = args.SpecPath!;
        ResolvedCluster cluster;
        try
        {
            cluster = SpecResolver.LoadFile(spec);
        }
        catch (LabSpecException e)
        {
            await stderr.WriteLineAsync($"aci-lab: {spec} is not a valid lab spec:\n  {string.Join("\n  ", e.Errors)}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"aci-lab: cannot read {spec}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        Directory.CreateDirectory(dir);
        if (LabLock.IsHeld(dir))
        {
            LabStateFile? running = LabStateFile.TryRead(dir);
            await stderr.WriteLineAsync(running is null
                ? $"aci-lab: a lab is already starting in {dir}; wait for it or run 'down --state-dir {dir}'"
                : $"aci-lab: a lab is already running in {dir} (pid {running.Pid}, API {running.ApiAddress}); stop it first with 'down --state-dir {dir}'").ConfigureAwait(false);
            return 1;
        }
        // Leftovers of a lab whose serve process died without cleaning up.
        LabShutdownResult stale = await LabShutdown.StopAsync(dir, LabStateFile.TryRead(dir)).ConfigureAwait(false);
        if (stale.DaemonsKilled.Count > 0)
            await stderr.WriteLineAsync($"aci-lab: stopped {stale.DaemonsKilled.Count} OVS daemon(s) left in {dir} by an earlier lab").ConfigureAwait(false);
        if (stale.Remaining.Count > 0)
        {
            await stderr.WriteLineAsync($"aci-lab: OVS daemons of an earlier lab still run in {dir} (pids {string.Join(", ", stale.Remaining)})").ConfigureAwait(false);
            return 1;
        }

        using Process serve = StartServe(args);
        Task<string> early = serve.StandardError.ReadToEndAsync();
        serve.StandardInput.Close();
        var clock = Stopwatch.StartNew();
        LabStateFile? state = null;
        string? failure = null;
        while (state is null && failure is null)
        {
            await Task.Delay(100).ConfigureAwait(false);
            LabStateFile? read = LabStateFile.TryRead(dir);
            if (read is not null && read.Pid == serve.Id) state = read;
            else if (serve.HasExited) failure = $"the lab process exited with code {serve.ExitCode}";
            else if (clock.Elapsed > ReadyTimeout) failure = $"the lab was not ready after {ReadyTimeout.TotalSeconds:0} s";
        }
        if (failure is not null)
        {
            if (!serve.HasExited)
            {
                LabProcesses.Signal(serve.Id, LabProcesses.SigTerm);
                if (!await LabProcesses.WaitForExitAsync(serve.Id, LabShutdown.GracePeriod).ConfigureAwait(false)) serve.Kill();
            }
            await LabShutdown.StopAsync(dir, null).ConfigureAwait(false);
            string earlyText = early.IsCompleted ? (await early.ConfigureAwait(false)).TrimEnd() : "";
            string logPath = Path.Combine(dir, LabStateFile.LogFileName);
            string log = File.Exists(logPath) ? File.ReadAllText(logPath).TrimEnd() : "";
            await stderr.WriteLineAsync($"aci-lab: {failure}.").ConfigureAwait(false);
            if (earlyText.Length > 0) await stderr.WriteLineAsync(earlyText).ConfigureAwait(false);
            if (log.Length > 0) await stderr.WriteLineAsync($"--- {logPath}\n{log}").ConfigureAwait(false);
            return 1;
        }
        await stdout.WriteAsync(LabReport.Up(state!, cluster, clock.Elapsed)).ConfigureAwait(false);
        return 0;
    }

    private static Process StartServe(LabCliArguments args)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable runs the lab");
        var info = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = args.StateDirectory,
        };
        // Under `dotnet AciTrace.Lab.dll` the host is dotnet; under the apphost (dotnet run) it is the program itself.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(typeof(LabUp).Assembly.Location);
        info.ArgumentList.Add(LabCliArguments.ServeCommand);
        info.ArgumentList.Add(args.SpecPath!);
        info.ArgumentList.Add("--state-dir");
        info.ArgumentList.Add(args.StateDirectory);
        if (args.Port != 0)
        {
            info.ArgumentList.Add("--port");
            info.ArgumentList.Add(args.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (args.Rbac) info.ArgumentList.Add("--rbac");
        if (args.RbacRole is not null)
        {
            info.ArgumentList.Add("--rbac-role");
            info.ArgumentList.Add(args.RbacRole);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("the lab process did not start");
    }
}
