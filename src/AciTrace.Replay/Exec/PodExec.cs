namespace AciTrace.Replay.Exec;

/// <summary>The outcome of a command run by an exec backend; stdout and stderr are raw bytes (binary-safe).</summary>
/// <param name="ExitCode">Exit code (0 = success).</param>
/// <param name="Stdout">Standard output bytes.</param>
/// <param name="Stderr">Standard error bytes.</param>
public sealed record PodExecResult(int ExitCode, byte[] Stdout, byte[] Stderr)
{
    /// <summary>A result with text output (UTF-8).</summary>
    public static PodExecResult FromText(int exitCode, string stdout, string stderr) =>
        new(exitCode, System.Text.Encoding.UTF8.GetBytes(stdout), System.Text.Encoding.UTF8.GetBytes(stderr));
}

/// <summary>Runs an allowlisted command "inside" an ACI system pod of a node.</summary>
public interface IPodExecBackend
{
    /// <summary>Runs <paramref name="argv"/> (already accepted by <see cref="PodExecAllowlist"/>) for a node's system pod.</summary>
    /// <param name="nodeName">Node the pod runs on.</param>
    /// <param name="podRole"><see cref="PodExecAllowlist.OpenVswitchRole"/> ("openvswitch") or <see cref="PodExecAllowlist.HostRole"/> ("host").</param>
    /// <param name="container">Container name.</param>
    /// <param name="argv">Command and arguments (never passed to a shell).</param>
    /// <param name="ct">Cancelled when the client goes away or the server stops.</param>
    Task<PodExecResult> ExecAsync(string nodeName, string podRole, string container, IReadOnlyList<string> argv, CancellationToken ct);
}
