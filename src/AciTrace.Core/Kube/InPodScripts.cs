namespace AciTrace.Kube;

/// <summary>A fixed shell script defined in code. Its text never contains user input.</summary>
public sealed record InPodScript(string Name, string Text)
{
    /// <summary><c>["/bin/sh", "-c", Text]</c>.</summary>
    public IReadOnlyList<string> ToArgv() => new[] { "/bin/sh", "-c", Text };
}

/// <summary>The registry of scripts <see cref="ReadOnlyCommandPolicy"/> allows through <c>sh -c</c>.</summary>
public static class InPodScripts
{
    /// <summary>
    /// Prints every regular file of the opflex agent's endpoints, services and snats folders, each preceded by a
    /// line <c>==&gt; PATH &lt;==</c>, so one exec replaces one <c>cat</c> per file.
    /// </summary>
    public static InPodScript AgentStateFiles { get; } = new("AgentStateFiles",
        "for d in endpoints services snats; do " +
        "for f in " + ReadOnlyCommandPolicy.AgentStateRoot + "/$d/*; do " +
        "[ -f \"$f\" ] || continue; printf '==> %s <==\\n' \"$f\"; cat \"$f\"; printf '\\n'; " +
        "done; done");

    /// <summary>All registered scripts by name.</summary>
    public static IReadOnlyDictionary<string, InPodScript> All { get; } =
        new Dictionary<string, InPodScript>(StringComparer.Ordinal) { [AgentStateFiles.Name] = AgentStateFiles };
}
