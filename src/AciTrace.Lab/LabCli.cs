using AciTrace.Lab.Cli;

namespace AciTrace.Lab;

/// <summary>
/// Entry point of the lab command line: <c>up</c>, <c>status</c>, <c>down</c>, <c>faults</c> (and the internal
/// <c>serve</c> that <c>up</c> starts in the background). Exit codes: 0 success, 1 failure, 2 usage error,
/// 3 no lab running (status, faults).
/// </summary>
public static class LabCli
{
    /// <summary>Runs one command and returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // serve must not touch Console before it has pointed the standard streams at its log file.
        if (args is [LabCliArguments.ServeCommand, ..])
        {
            try
            {
                return LabServe.RunAsync(LabCliArguments.Parse(args));
            }
            catch (LabUsageException e)
            {
                Console.Error.WriteLine($"aci-lab: {e.Message}\n{LabCliArguments.Usage}");
                return Task.FromResult(2);
            }
        }
        return RunAsync(args, Console.Out, Console.Error);
    }

    /// <summary>Runs one command writing to the given streams (serve always logs to &lt;stateDir&gt;/lab.log).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count > 0 && args[0] == "trace")
            return await Cli.LabTraceCommand.RunAsync(args.Skip(1).ToList(), stdout, stderr).ConfigureAwait(false);
        LabCliArguments parsed;
        try
        {
            parsed = LabCliArguments.Parse(args);
        }
        catch (LabUsageException e)
        {
            await stderr.WriteLineAsync($"aci-lab: {e.Message}\n{LabCliArguments.Usage}").ConfigureAwait(false);
            return 2;
        }
        return parsed.Command switch
        {
            "up" => await LabUp.RunAsync(parsed, stdout, stderr).ConfigureAwait(false),
            LabCliArguments.ServeCommand => throw new InvalidOperationException("serve runs only as its own process (LabCli.RunAsync(string[]))"),
            "status" => await LabStatus.RunAsync(parsed, stdout).ConfigureAwait(false),
            "down" => await LabDown.RunAsync(parsed, stdout, stderr).ConfigureAwait(false),
            "faults" => await LabFaultsCommand.RunAsync(parsed, stdout, stderr).ConfigureAwait(false),
            "policy" => await LabPolicyCommand.RunAsync(parsed, stdout, stderr).ConfigureAwait(false),
            _ => await Help(stdout).ConfigureAwait(false),
        };
    }

    private static async Task<int> Help(TextWriter stdout)
    {
        await stdout.WriteLineAsync(LabCliArguments.Usage).ConfigureAwait(false);
        return 0;
    }
}
