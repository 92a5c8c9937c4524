using AciTrace.Lab.Generation;
using AciTrace.Replay.Ovs;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.Nodes;

/// <summary>One simulated node: its OVS instance, generated state and files folder.</summary>
public sealed class LabNode
{
    /// <summary>Node name.</summary>
    public required string Name { get; init; }
    /// <summary>The node's running OVS.</summary>
    public required OvsInstance Ovs { get; init; }
    /// <summary>What was generated for the node.</summary>
    public required GeneratedNode Generated { get; init; }
    /// <summary>&lt;stateDir&gt;/nodes/&lt;node&gt;.</summary>
    public required string FilesRoot { get; init; }
}

/// <summary>A running simulated ACI CNI cluster: one real OVS per node, loaded with generated flows.</summary>
public sealed class LabCluster : IAsyncDisposable
{
    private LabCluster(ResolvedCluster cluster, IReadOnlyDictionary<string, LabNode> nodes)
    {
        Cluster = cluster;
        Nodes = nodes;
    }

    /// <summary>The resolved spec (the latest one applied).</summary>
    public ResolvedCluster Cluster { get; private set; }

    /// <summary>Nodes by name.</summary>
    public IReadOnlyDictionary<string, LabNode> Nodes { get; private set; }

    /// <summary>
    /// Applies a changed spec to the running nodes, as the opflex agent applies a policy pushed to it: every node's
    /// files (endpoint security groups, id maps, policy dump) are rewritten and both bridges reprogrammed atomically.
    /// Only what does not touch the ports may change (policies, contracts, EPG assignments): the nodes, pods and
    /// their addresses must stay as they are.
    /// </summary>
    public async Task ApplyAsync(ResolvedCluster next, string stateDir, CancellationToken ct = default)
    {
        static string Shape(ResolvedCluster c) => string.Join(";", c.Nodes.Select(n => n.Name + "@" + n.Ip).Order(StringComparer.Ordinal))
            + "|" + string.Join(";", c.Pods.Select(p => $"{p.Key}@{p.Node}/{p.Ip}/{p.VethName}/{p.Running}/{p.HostNetwork}").Order(StringComparer.Ordinal));
        if (Shape(next) != Shape(Cluster))
            throw new InvalidOperationException("A running lab changes policy only: its nodes, pods, their addresses and ports must stay the same (start a new lab for that).");
        var generated = NodeGenerator.GenerateAll(next);
        var nodes = await Task.WhenAll(generated.Select(async g =>
        {
            var node = Nodes[g.Name];
            var root = NodeStateWriter.Write(stateDir, g);
            await node.Ovs.ReplaceFlowsAsync("br-access", NodeStateWriter.FlowText(g.AccessFlows), null, ct).ConfigureAwait(false);
            await node.Ovs.ReplaceFlowsAsync("br-int", NodeStateWriter.FlowText(g.IntFlows), string.Join("\n", g.IntGroups), ct).ConfigureAwait(false);
            return new LabNode { Name = g.Name, Ovs = node.Ovs, Generated = g, FilesRoot = root };
        })).ConfigureAwait(false);
        Nodes = nodes.ToDictionary(n => n.Name);
        Cluster = next;
    }

    /// <summary>Validates the spec, writes node files and starts one OVS per node (in parallel); nothing is left running on failure.</summary>
    public static Task<LabCluster> StartAsync(ClusterSpec spec, string stateDir, CancellationToken ct = default) =>
        StartAsync(SpecResolver.Resolve(spec), stateDir, ct);

    /// <summary>Starts a cluster from an already resolved spec.</summary>
    public static async Task<LabCluster> StartAsync(ResolvedCluster cluster, string stateDir, CancellationToken ct = default)
    {
        var generated = NodeGenerator.GenerateAll(cluster);
        var started = new List<OvsInstance>();
        var gate = new object();
        try
        {
            var nodes = await Task.WhenAll(generated.Select(async g =>
            {
                var root = NodeStateWriter.Write(stateDir, g);
                var ovs = await OvsInstance.StartAsync(Path.Combine(root, "ovs"), ct).ConfigureAwait(false);
                lock (gate) started.Add(ovs);
                await ovs.ConfigureAsync(NodeStateWriter.ToOvsTopology(g), ct).ConfigureAwait(false);
                foreach (var bridge in new[] { "br-access", "br-int" })
                    await ovs.AddTlvMapAsync(bridge, g.TlvMap, ct).ConfigureAwait(false);
                await ovs.LoadFlowsAsync("br-access", NodeStateWriter.FlowText(g.AccessFlows), null, ct).ConfigureAwait(false);
                await ovs.LoadFlowsAsync("br-int", NodeStateWriter.FlowText(g.IntFlows), string.Join("\n", g.IntGroups), ct).ConfigureAwait(false);
                return new LabNode { Name = g.Name, Ovs = ovs, Generated = g, FilesRoot = root };
            })).ConfigureAwait(false);
            return new LabCluster(cluster, nodes.ToDictionary(n => n.Name));
        }
        catch
        {
            await Task.WhenAll(started.Select(o => o.DisposeAsync().AsTask())).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops every OVS instance.</summary>
    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(Nodes.Values.Select(n => n.Ovs.DisposeAsync().AsTask())).ConfigureAwait(false);
}
