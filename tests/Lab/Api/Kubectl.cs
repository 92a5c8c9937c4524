using System.Diagnostics;
using System.Text;

namespace AciTrace.Tests.Lab.Api;

/// <summary>Result of one kubectl run; stdout is kept as raw bytes for byte-exact checks.</summary>
public sealed record KubectlResult(int ExitCode, byte[] StdoutBytes, string Stderr, TimeSpan Elapsed, bool TimedOut)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    public override string ToString() => $"exit {ExitCode}{(TimedOut ? " (killed on timeout)" : "")}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the real kubectl on PATH (argv only, timeout, killed on timeout) against a lab kubeconfig.</summary>
public sealed class Kubectl(string kubeconfig, string cacheDir, string? context)
{
    public async Task<KubectlResult> RunAsync(params string[] args) => await RunWithTimeoutAsync(TimeSpan.FromSeconds(30), args);

    public async Task<KubectlResult> RunWithTimeoutAsync(TimeSpan timeout, params string[] args)
    {
        string exe = Locate() ?? throw new InvalidOperationException("kubectl is not on PATH: the lab API tests need the real kubectl (>= 1.30).");
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(kubeconfig);
        info.ArgumentList.Add("--cache-dir");
        info.ArgumentList.Add(cacheDir);
        if (context is not null)
        {
            info.ArgumentList.Add("--context");
            info.ArgumentList.Add(context);
        }
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["HOME"] = cacheDir;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var stdout = new MemoryStream();
        Task copy = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        bool timedOut = false;
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await p.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }
        }
        await copy;
        return new KubectlResult(p.ExitCode, stdout.ToArray(), await stderr, sw.Elapsed, timedOut);
    }

    private static string? Locate() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
}
