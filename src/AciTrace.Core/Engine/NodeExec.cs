using AciTrace.Kube;

namespace AciTrace.Engine;

/// <summary>Execs into a node's ACI system pods: the node named in failures, and a trace run with its one retry.</summary>
internal static class NodeExec
{
    /// <summary>Runs an exec into a pod of <paramref name="node"/>; an exec the API server cannot hand to that node names the node.</summary>
    public static async Task<T> OnNode<T>(string node, Func<Task<T>> exec)
    {
        try
        {
            return await exec().ConfigureAwait(false);
        }
        catch (AciTraceException e) when (e.ErrorId == ErrorIds.NodeExecUnavailable)
        {
            throw new AciTraceException(e.ErrorId, e.Kind, $"On node '{node}': {e.Message}", e.Target, e);
        }
    }

    /// <summary>
    /// Runs a leg's <c>ofproto/trace</c> in the node's openvswitch container and returns its text. ofproto/trace
    /// always prints a bridge section or datapath actions, or an error on stderr (which makes the exec fail): an
    /// empty success means the exec stream was cut short, so it is asked once more, then given up loudly.
    /// </summary>
    public static async Task<string> TraceAsync(IKubeClient kube, TraceLeg leg, Action<string> verbose, CancellationToken ct)
    {
        var argv = leg.Command.ToArgv();
        var result = await OnNode(leg.Node, () => kube.ExecAsync(leg.System.Namespace, leg.System.OpenvSwitch.Name, ClusterDiscovery.OvsContainer, argv, ct)).ConfigureAwait(false);
        if (HasTrace(result.Stdout)) return result.Stdout;
        verbose($"[{leg.Node}] the trace printed nothing ({FirstLine(result.Stderr)}); running it again");
        result = await OnNode(leg.Node, () => kube.ExecAsync(leg.System.Namespace, leg.System.OpenvSwitch.Name, ClusterDiscovery.OvsContainer, argv, ct)).ConfigureAwait(false);
        if (HasTrace(result.Stdout)) return result.Stdout;
        throw new AciTraceException(ErrorIds.OvsTraceEmpty, AciErrorKind.InvalidResult,
            $"ofproto/trace on node '{leg.Node}' printed no trace twice (its stderr: {FirstLine(result.Stderr)}).", leg.Command.Flow);
    }

    /// <summary>ofproto/trace always prints a bridge section or datapath actions.</summary>
    public static bool HasTrace(string output) =>
        output.Contains("bridge(\"", StringComparison.Ordinal) || output.Contains("Datapath actions", StringComparison.Ordinal);

    /// <summary>The first line of a command's stderr, for a message (at most 300 characters).</summary>
    public static string FirstLine(string? text)
    {
        var line = (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "nothing" : line.Length > 300 ? line[..300] : line;
    }
}
