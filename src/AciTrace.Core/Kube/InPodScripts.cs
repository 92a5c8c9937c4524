namespace AciTrace.Kube;

/// <summary>What a registered script takes as positional parameters after <c>sh -c TEXT sh</c>.</summary>
public enum InPodScriptArguments
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>One or more agent file keys (<see cref="AciTrace.Discovery.NodeFactsScript.IsKey"/>).</summary>
    AgentFileKeys,

    /// <summary>One or more traces, each checked like a direct <c>ovs-appctl ofproto/trace</c> (<see cref="AciTrace.Discovery.TraceBatchScript"/>).</summary>
    TraceBatch,
}

/// <summary>A fixed shell script defined in code. Its text never contains user input.</summary>
public sealed record InPodScript(string Name, string Text, InPodScriptArguments Arguments = InPodScriptArguments.None);

/// <summary>The registry of scripts <see cref="ReadOnlyCommandPolicy"/> allows through <c>sh -c</c>.</summary>
public static class InPodScripts
{
    /// <summary>
    /// The agent files (endpoints, services, snats, binary id files) named by its keys, in one exec
    /// (<see cref="AciTrace.Discovery.NodeFactsScript"/>).
    /// </summary>
    public static InPodScript NodeFacts { get; } = new("NodeFacts", AciTrace.Discovery.NodeFactsScript.Text, InPodScriptArguments.AgentFileKeys);

    /// <summary>Several <c>ovs-appctl ofproto/trace</c> runs in one exec, each output framed (<see cref="AciTrace.Discovery.TraceBatchScript"/>).</summary>
    public static InPodScript TraceBatch { get; } = new("TraceBatch", AciTrace.Discovery.TraceBatchScript.Text, InPodScriptArguments.TraceBatch);

    /// <summary>All registered scripts by name.</summary>
    public static IReadOnlyDictionary<string, InPodScript> All { get; } =
        new Dictionary<string, InPodScript>(StringComparer.Ordinal)
        {
            [NodeFacts.Name] = NodeFacts,
            [TraceBatch.Name] = TraceBatch,
        };
}
