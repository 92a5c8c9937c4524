using System.Diagnostics;

namespace AciTrace.Tests.Lab.Cli;

/// <summary>Result of one run of the lab CLI.</summary>
public sealed record LabCliResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public string[] Lines => Stdout.Split('\n');

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the built lab executable (<c>dotnet AciTrace.Lab.dll</c>, copied next to this test assembly) as a user would,
/// reading its output to the end: a command that left its output pipes to a background process would never finish.
/// </summary>
public static class LabCliRunner
{
    public static string LabDll => Path.Combine(AppContext.BaseDirectory, "AciTrace.Lab.dll");

    public static async Task<LabCliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        if (!File.Exists(LabDll)) throw new InvalidOperationException($"{LabDll} is missing: the test project must reference src/AciTrace.Lab");
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(LabDll);
        foreach (string a in args) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using Process p = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        Task<string> stderr = p.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return new LabCliResult(p.ExitCode, await stdout, await stderr, clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"'AciTrace.Lab {string.Join(' ', args)}' did not finish (with its output closed) within {timeout.TotalSeconds:0} s");
        }
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
