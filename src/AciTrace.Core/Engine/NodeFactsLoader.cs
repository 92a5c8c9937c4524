using System.Text;
using AciTrace.Aci;
using AciTrace.Discovery;

namespace AciTrace.Engine;

/// <summary>
/// A node's own agent state: its id maps (register values to names), SNAT files and policy objects. Read once per node.
/// </summary>
internal sealed record NodeAgentState(IReadOnlyDictionary<string, IdMap> IdMaps, IReadOnlyList<SnatFile> Snats, NodePolicy Policy, IReadOnlyList<string> Warnings)
{
    /// <summary>Every endpoint file of the node, when it had few enough to read them all (<see cref="NodeFactsScript.WholeNodeEndpointLimit"/>).</summary>
    public NodeFactsOutput? AllEndpoints { get; init; }

    /// <summary>The endpoint files of a pod key among <see cref="AllEndpoints"/> (by file name, as the per-pod read finds them); null when there are none.</summary>
    public AgentFiles? EndpointsOf(string node, string podKey)
    {
        if (AllEndpoints is null) return null;
        var owned = AllEndpoints with { Files = AllEndpoints.Files.Where(f => NodeFactsScript.KeyOwns(podKey, f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) };
        return owned.Files.Count == 0 ? null : NodeFactsLoader.Files(node, owned, withReadWarnings: false);
    }
}

/// <summary>The agent files of one pod or Service on a node.</summary>
internal sealed record AgentFiles(IReadOnlyList<EndpointFile> Endpoints, IReadOnlyList<ServiceFile> Services, IReadOnlyList<string> Warnings);

/// <summary>The policy objects read from a node's agent (<see cref="NodePolicyQuery"/>); null dump when unreadable.</summary>
internal sealed record NodePolicy(PolicyDump? Dump, IReadOnlyList<string> Warnings);

/// <summary>Builds the parts of <see cref="NodeFacts"/> from what the node's agent printed, and joins them for a leg.</summary>
internal static class NodeFactsLoader
{
    public static NodeAgentState State(string node, NodeFactsOutput output)
    {
        var warnings = new List<string>(output.Warnings.Select(w => $"{node}: {w}"));
        var snats = new List<SnatFile>();
        foreach (var (path, bytes) in output.FilesIn("snats", ".snat"))
            if (SnatFile.TryParse(Encoding.UTF8.GetString(bytes), out var snat, out var err)) snats.Add(snat);
            else warnings.Add($"{node}: snat file {path} is not valid: {err}");
        var idMaps = new Dictionary<string, IdMap>(StringComparer.Ordinal);
        foreach (var (path, bytes) in output.FilesIn("ids", ".id"))
        {
            var result = OpflexIdFile.Parse(bytes);
            idMaps[Path.GetFileNameWithoutExtension(path)] = result.Map;
            foreach (var e in result.Errors) warnings.Add($"{node}: id file {path}: {e}");
        }
        var policy = Policy(node, output.PolicyText, output.PolicyExitCode);
        return new NodeAgentState(idMaps, snats, policy, warnings.Concat(policy.Warnings).ToList())
        {
            AllEndpoints = output.AllEndpointsRead
                ? output with { Files = output.FilesIn("endpoints", ".ep").ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal), Warnings = Array.Empty<string>() }
                : null,
        };
    }

    /// <summary>
    /// The endpoint and service files in <paramref name="output"/> (the node's own files are left out); the read's own
    /// warnings too unless <see cref="State"/> already reports them (one read for both).
    /// </summary>
    public static AgentFiles Files(string node, NodeFactsOutput output, bool withReadWarnings)
    {
        var warnings = withReadWarnings ? output.Warnings.Select(w => $"{node}: {w}").ToList() : new List<string>();
        var endpoints = new List<EndpointFile>();
        foreach (var (path, bytes) in output.FilesIn("endpoints", ".ep"))
            if (EndpointFile.TryParse(Encoding.UTF8.GetString(bytes), out var ep, out var err)) endpoints.Add(ep);
            else warnings.Add($"{node}: endpoint file {path} is not valid: {err}");
        var services = new List<ServiceFile>();
        foreach (var (path, bytes) in output.FilesIn("services", ".service"))
            if (ServiceFile.TryParse(Encoding.UTF8.GetString(bytes), out var svc, out var err)) services.Add(svc);
            else warnings.Add($"{node}: service file {path} is not valid: {err}");
        return new AgentFiles(endpoints, services, warnings);
    }

    private static NodePolicy Policy(string node, string? text, int? exitCode)
    {
        if (exitCode is not 0 || string.IsNullOrWhiteSpace(text))
        {
            var said = (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return new NodePolicy(null, new[] { $"{node}: gbp_inspect printed no policy objects (exit {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}{(said is null ? "" : ": " + said)}); EPG names cannot be resolved" });
        }
        return PolicyDump.TryParse(text, out var dump, out var err)
            ? new NodePolicy(dump, Array.Empty<string>())
            : new NodePolicy(null, new[] { $"{node}: the gbp_inspect policy objects are not valid ({err}); EPG names cannot be resolved" });
    }

    /// <summary>What the decoder knows on <paramref name="node"/> for one trace: the node's state and policy, the trace's files there, the port maps.</summary>
    public static NodeFacts Compose(string node, NodeAgentState state, IEnumerable<AgentFiles> files,
        IReadOnlyDictionary<string, OvsPortMap> portMaps)
    {
        var list = files.ToList();
        return new NodeFacts
        {
            Node = node,
            IdMaps = state.IdMaps,
            PolicyDump = state.Policy.Dump,
            Endpoints = list.SelectMany(f => f.Endpoints).DistinctBy(e => e.Uuid).ToList(),
            Services = list.SelectMany(f => f.Services).DistinctBy(s => s.Uuid).ToList(),
            PortMaps = portMaps,
        };
    }
}
