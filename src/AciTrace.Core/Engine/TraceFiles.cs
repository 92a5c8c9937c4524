namespace AciTrace.Engine;

/// <summary>The agent files one trace has read, by node: what its legs' decoders know about pods and Services.</summary>
internal sealed class TraceFiles
{
    private readonly Dictionary<string, List<AgentFiles>> _byNode = new(StringComparer.Ordinal);

    public void Add(string node, AgentFiles files)
    {
        lock (_byNode)
        {
            if (!_byNode.TryGetValue(node, out var list)) _byNode[node] = list = new List<AgentFiles>();
            if (!list.Contains(files)) list.Add(files);
        }
    }

    public IReadOnlyList<AgentFiles> On(string node)
    {
        lock (_byNode) return _byNode.TryGetValue(node, out var list) ? list.ToList() : new List<AgentFiles>();
    }
}
