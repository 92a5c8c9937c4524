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
            [NodeFacts.Name] = NodeFacts,
            [TraceWithPortMaps.Name] = TraceWithPortMaps,
        };
}
