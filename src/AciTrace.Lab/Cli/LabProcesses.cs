using System.Runtime.InteropServices;

namespace AciTrace.Lab.Cli;

/// <summary>Process helpers of the lab command line (Linux): liveness, identity, signals, detaching.</summary>
internal static class LabProcesses
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>True when the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when <paramref name="pid"/> is alive and is the lab's <c>serve</c> process for <paramref name="stateDirectory"/>
    /// (checked on its command line, so a recycled pid is never signalled).
    /// </summary>
    public static bool IsServeProcess(int pid, string stateDirectory)
    {
        if (!IsAlive(pid)) return false;
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            int serve = Array.IndexOf(argv, LabCliArguments.ServeCommand);
            return serve >= 0 && argv.Skip(serve).Contains(stateDirectory, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Sends a signal; false when the process is gone or not ours.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>Waits until the process is gone (or a zombie); false on timeout.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(50).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>Starts a new session so that the terminal's Ctrl-C and hang-up do not reach the lab.</summary>
    public static void DetachFromTerminal() => _ = SetSid();

    /// <summary>Points stdin at /dev/null and stdout/stderr at <paramref name="logPath"/> (native descriptors, so child output and crashes land there too).</summary>
    public static void RedirectStandardStreams(string logPath)
    {
        using var log = new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        using var devNull = new FileStream("/dev/null", FileMode.Open, FileAccess.Read);
        int logFd = (int)log.SafeFileHandle.DangerousGetHandle();
        int nullFd = (int)devNull.SafeFileHandle.DangerousGetHandle();
        if (Dup2(nullFd, 0) < 0 || Dup2(logFd, 1) < 0 || Dup2(logFd, 2) < 0)
            throw new IOException($"cannot redirect the standard streams to {logPath} (errno {Marshal.GetLastPInvokeError()})");
    }

    // DllImport rather than LibraryImport: the project does not allow unsafe code, and these signatures marshal trivially.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "setsid", SetLastError = true)]
    private static extern int SetSid();

    [DllImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static extern int Dup2(int oldFd, int newFd);
#pragma warning restore SYSLIB1054
}
