using AciTrace.Engine;

namespace AciTrace.Kube;

/// <summary>
/// Finds the kubectl (or oc) binary: an explicit path, else <c>$ACITRACE_KUBECTL</c>, else <c>kubectl</c> then
/// <c>oc</c> on PATH. An explicit path or environment value that does not point to a file is an error (never a silent
/// fallback to something else).
/// </summary>
public static class KubectlLocator
{
    /// <summary>Environment variable naming the kubectl binary.</summary>
    public const string EnvironmentVariable = "ACITRACE_KUBECTL";

    private static readonly string[] Candidates = { "kubectl", "oc" };

    /// <summary>Locates kubectl using the process environment.</summary>
    public static string Locate(string? explicitPath = null) =>
        Locate(explicitPath, Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.GetEnvironmentVariable("PATH"));

    /// <summary>Locates kubectl from the given values (testable without touching the environment).</summary>
    public static string Locate(string? explicitPath, string? environmentValue, string? pathVariable)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return Resolve(explicitPath, pathVariable)
                ?? throw NotFound($"The kubectl path '{explicitPath}' given explicitly does not exist or is not an executable file.", explicitPath);
        if (!string.IsNullOrWhiteSpace(environmentValue))
            return Resolve(environmentValue, pathVariable)
                ?? throw NotFound($"${EnvironmentVariable} is set to '{environmentValue}', which does not exist or is not an executable file.", environmentValue);
        foreach (var name in Candidates)
        {
            var found = SearchPath(name, pathVariable);
            if (found is not null) return found;
        }
        throw NotFound(
            $"Neither kubectl nor oc was found on PATH, and neither -KubectlPath nor ${EnvironmentVariable} is set. " +
            "Install kubectl (https://kubernetes.io/docs/tasks/tools/) or give its path with -KubectlPath.", null);
    }

    private static AciTraceException NotFound(string message, string? target) =>
        new(ErrorIds.KubectlNotFound, AciErrorKind.NotInstalled, message, target);

    /// <summary>A value with a directory part must be that file; a bare name is searched on PATH.</summary>
    private static string? Resolve(string value, string? pathVariable)
    {
        bool hasDirectory = value.Contains('/') || (OperatingSystem.IsWindows() && value.Contains('\\'));
        if (hasDirectory)
        {
            string full = Path.GetFullPath(value);
            if (IsExecutableFile(full)) return full;
            if (OperatingSystem.IsWindows() && IsExecutableFile(full + ".exe")) return full + ".exe";
            return null;
        }
        return SearchPath(value, pathVariable);
    }

    private static string? SearchPath(string name, string? pathVariable)
    {
        if (string.IsNullOrEmpty(pathVariable)) return null;
        foreach (var dir in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate;
            try { candidate = Path.Combine(dir.Trim('"'), name); }
            catch (ArgumentException) { continue; }
            if (IsExecutableFile(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && IsExecutableFile(candidate + ".exe")) return candidate + ".exe";
        }
        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            if (OperatingSystem.IsWindows()) return true;
            const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return (File.GetUnixFileMode(path) & AnyExecute) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
