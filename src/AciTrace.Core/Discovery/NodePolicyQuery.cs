namespace AciTrace.Discovery;

/// <summary>
/// The policy objects a trace reads from a node's opflex agent, instead of its whole policy database (whose security
/// group rules list every peer pod address and grow with the cluster): every EPG with its subtree (instance context:
/// the VNID) and, following references, its flood domain, bridge domain, routing domain and the contracts it provides
/// or consumes with their subjects, rules and classifiers; plus every L24 classifier, which names the cookies of
/// contract and security-group flows.
/// </summary>
public static class NodePolicyQuery
{
    /// <summary>The command line, as <see cref="NodeFactsScript"/> runs it for its <c>policy</c> key.</summary>
    public const string Command = "gbp_inspect -fprq GbpEpGroup -q GbpeL24Classifier -t dump";

    public static IReadOnlyList<string> Argv { get; } = Command.Split(' ');
}
