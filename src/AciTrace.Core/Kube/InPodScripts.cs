namespace AciTrace.Kube;

/// <summary>What a registered script takes as positional parameters after <c>sh -c TEXT sh</c>.</summary>
public enum InPodScriptArguments
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>One or more agent file keys (<see cref="AciTrace.Discovery.NodeFactsScript.IsKey"/>).</summary>
    AgentFileKeys,
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

    /// <summary>All registered scripts by name.</summary>
    public static IReadOnlyDictionary<string, InPodScript> All { get; } =
        new Dictionary<string, InPodScript>(StringComparer.Ordinal)
        {
            [NodeFacts.Name] = NodeFacts,
        };
}
