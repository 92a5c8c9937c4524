using System.Text.Json;

namespace AciTrace.Kube;

/// <summary>Result of a command run inside a pod (always exit code 0: failures are thrown).</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

/// <summary>Like <see cref="ExecResult"/> with raw stdout bytes (binary files such as the opflex id maps).</summary>
public sealed record ExecBytesResult(int ExitCode, byte[] Stdout, string Stderr, TimeSpan Elapsed);

/// <summary>What a cluster call does (what a trace's cost counts).</summary>
public enum KubeCallKind
{
    /// <summary>Neither (reading the kubeconfig).</summary>
    Other = 0,

    /// <summary>An API read (get or list).</summary>
    Read,

    /// <summary>An exec into a pod.</summary>
    Exec,
}

/// <summary>One cluster command line, reported before it runs and again when it finished.</summary>
public sealed class KubeCommandEventArgs : EventArgs
{
    public KubeCommandEventArgs(IReadOnlyList<string> argv, int? exitCode = null, TimeSpan? elapsed = null, KubeCallKind kind = KubeCallKind.Other)
    {
        Argv = argv;
        ExitCode = exitCode;
        Elapsed = elapsed;
        Kind = kind;
    }

    /// <summary>Whether the call is an API read, an exec, or neither.</summary>
    public KubeCallKind Kind { get; }

    /// <summary>The exact argv, program first.</summary>
    public IReadOnlyList<string> Argv { get; }

    /// <summary>Exit code (null before the run, or when the process was killed).</summary>
    public int? ExitCode { get; }

    /// <summary>Wall time (null before the run).</summary>
    public TimeSpan? Elapsed { get; }

    /// <summary>The argv as a POSIX-quoted line, for display only (it is never given to a shell).</summary>
    public string CommandLine => CommandLineText.Format(Argv);
}

/// <summary>
/// Read access to a cluster: object reads and exec into pods. Implementations must refuse exec argv that
/// <see cref="ReadOnlyCommandPolicy"/> does not allow, before contacting the cluster, and must map failures to
/// <see cref="AciTrace.Engine.AciTraceException"/>s (never return an empty success).
/// </summary>
public interface IKubeClient
{
    /// <summary>Get one object (<paramref name="name"/> given) or list objects, as the API's JSON.
    /// <paramref name="ns"/> null lists namespaced kinds across all namespaces.</summary>
    Task<JsonDocument> GetJsonAsync(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector,
        CancellationToken cancellationToken);

    /// <summary>Runs an allowed read-only command in a pod; stdout decoded as UTF-8.</summary>
    Task<ExecResult> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken);

    /// <summary>Runs an allowed read-only command in a pod; stdout as raw bytes.</summary>
    Task<ExecBytesResult> ExecBytesAsync(string ns, string pod, string? container, IReadOnlyList<string> argv,
        CancellationToken cancellationToken);

    /// <summary>The namespace of the current (or given) context, from the kubeconfig; null when it sets none.</summary>
    Task<string?> GetContextNamespaceAsync(CancellationToken cancellationToken);

    /// <summary>Number of exec calls made.</summary>
    long Execs { get; }

    /// <summary>Number of API reads (get/list) made.</summary>
    long ApiReads { get; }

    /// <summary>Raised with the exact argv before each command runs, in the async flow of the caller.</summary>
    event EventHandler<KubeCommandEventArgs>? CommandStarting;

    /// <summary>Raised after each command finished (also when it failed or was killed).</summary>
    event EventHandler<KubeCommandEventArgs>? CommandCompleted;
}

/// <summary>Display formatting of argv.</summary>
public static class CommandLineText
{
    /// <summary>Joins argv with POSIX single-quoting where needed (for logs and -Verbose only).</summary>
    public static string Format(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));

    private static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c))) return arg;
        return "'" + arg.Replace("'", "'\\''") + "'";
    }
}
