namespace AciTrace.Kube;

/// <summary>A fixed shell script defined in code. Its text never contains user input.</summary>
public sealed record InPodScript(string Name, string Text, bool TakesTraceArguments = false)
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

    /// <summary>
    /// Every agent file (endpoints, services, snats, binary id files, length-prefixed) and the gbp_inspect policy
    /// dump of a node in one exec (<see cref="AciTrace.Discovery.NodeFactsScript"/>).
    /// </summary>
    public static InPodScript NodeFacts { get; } = new("NodeFacts", AciTrace.Discovery.NodeFactsScript.Text);

    /// <summary>
    /// Both bridges' port maps, then <c>ovs-appctl ofproto/trace "$@"</c>: the trace arguments follow as positional
    /// parameters and are checked like a direct <c>ovs-appctl ofproto/trace</c> (<see cref="AciTrace.Discovery.OvsLegScript"/>).
    /// </summary>
    public static InPodScript TraceWithPortMaps { get; } = new("TraceWithPortMaps", AciTrace.Discovery.OvsLegScript.Text, TakesTraceArguments: true);

    /// <summary>All registered scripts by name.</summary>
    public static IReadOnlyDictionary<string, InPodScript> All { get; } =
        new Dictionary<string, InPodScript>(StringComparer.Ordinal)
        {
            [AgentStateFiles.Name] = AgentStateFiles,
            [NodeFacts.Name] = NodeFacts,
            [TraceWithPortMaps.Name] = TraceWithPortMaps,
        };
}
