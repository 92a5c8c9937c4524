using System.ComponentModel;
using System.Diagnostics;

namespace AciTrace.Kube;

/// <summary>Outcome of one finished child process.</summary>
internal sealed record ProcessOutcome(int ExitCode, byte[] Stdout, byte[] Stderr, TimeSpan Elapsed);

/// <summary>Why a child process was stopped before it finished.</summary>
internal enum ProcessStop
{
    Timeout,
    OutputTooLarge,
}

internal sealed class ProcessStoppedException : Exception
{
    public ProcessStoppedException(ProcessStop reason, TimeSpan elapsed) : base(reason.ToString())
    {
        Reason = reason;
        Elapsed = elapsed;
    }

    public ProcessStop Reason { get; }
    public TimeSpan Elapsed { get; }
}

/// <summary>
/// Runs a program with an argv list (never a shell), stdin closed, stdout and stderr drained concurrently.
/// On timeout, cancellation or oversized output the whole process tree is killed and awaited.
/// </summary>
internal static class ProcessRunner
{
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    /// <exception cref="Win32Exception">The program could not be started.</exception>
    /// <exception cref="ProcessStoppedException">Timeout or output limit; the tree was killed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the tree was killed.</exception>
    public static async Task<ProcessOutcome> RunAsync(string program, IReadOnlyList<string> args, TimeSpan timeout, long maxOutputBytes,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var psi = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        if (environment is not null)
            foreach (var (key, value) in environment) psi.Environment[key] = value;

        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.Start();
        // kubectl must never wait on the user's console (no -i is passed, but close stdin anyway).
        process.StandardInput.Close();

        using var limit = new CancellationTokenSource();
        var stdoutTask = DrainAsync(process.StandardOutput.BaseStream, maxOutputBytes, limit);
        var stderrTask = DrainAsync(process.StandardError.BaseStream, 16L * 1024 * 1024, limit);

        using var timeoutCts = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token, limit.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            // A grandchild could keep the pipes open after the child exited; bound the drain by the same limits.
            var stdout = await stdoutTask.WaitAsync(linked.Token).ConfigureAwait(false);
            var stderr = await stderrTask.WaitAsync(linked.Token).ConfigureAwait(false);
            // A drain that hit its limit returns what it had; never hand that truncated output back as a success.
            if (limit.IsCancellationRequested) throw new OperationCanceledException(limit.Token);
            return new ProcessOutcome(process.ExitCode, stdout, stderr, watch.Elapsed);
        }
        catch (OperationCanceledException)
        {
            await KillTreeAsync(process).ConfigureAwait(false);
            await ObserveAsync(stdoutTask, stderrTask).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ProcessStoppedException(limit.IsCancellationRequested ? ProcessStop.OutputTooLarge : ProcessStop.Timeout, watch.Elapsed);
        }
    }

    /// <summary>Lets the drain tasks finish (the pipes close once the tree is dead) so no task is left unobserved.</summary>
    private static async Task ObserveAsync(Task<byte[]> stdout, Task<byte[]> stderr)
    {
        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(KillGrace).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // nothing to recover: the output of a killed process is discarded
        }
    }

    private static async Task<byte[]> DrainAsync(Stream stream, long max, CancellationTokenSource overLimit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                overLimit.Cancel();
                break;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task KillTreeAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
        catch (Win32Exception)
        {
            // a member of the tree vanished while being killed
        }
        using var grace = new CancellationTokenSource(KillGrace);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the kernel did not reap it within the grace period; nothing more can be done
        }
    }
}
