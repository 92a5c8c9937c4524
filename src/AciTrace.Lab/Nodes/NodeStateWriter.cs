using System.Text;
using AciTrace.Aci;
using AciTrace.Lab.Generation;
using AciTrace.Replay.Ovs;

namespace AciTrace.Lab.Nodes;

/// <summary>
/// Writes a generated node into the state directory:
/// <c>nodes/&lt;node&gt;/opflex-agent-ovs/{endpoints,services,snats,ids}/</c>, <c>gbp_inspect-dump.json</c>,
/// <c>ovs/</c> (OVS run dir) and <c>flows/{br-access.flows,br-int.flows,br-int.groups,topology.txt}</c>.
/// </summary>
public static class NodeStateWriter
{
    /// <summary>The node's folder in a state directory.</summary>
    public static string NodeRoot(string stateDir, string node) => Path.Combine(Path.GetFullPath(stateDir), "nodes", node);

    /// <summary>Writes every file of the node (replacing an older copy) and returns the node folder.</summary>
    public static string Write(string stateDir, GeneratedNode g)
    {
        var root = NodeRoot(stateDir, g.Name);
        var agent = Path.Combine(root, "opflex-agent-ovs");
        foreach (var sub in AciTrace.Kube.ReadOnlyCommandPolicy.AgentStateFolders)
        {
            var d = Path.Combine(agent, sub);
            if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
            Directory.CreateDirectory(d);
        }
        foreach (var (name, text) in g.EndpointFiles) File.WriteAllText(Path.Combine(agent, "endpoints", name), text);
        foreach (var (name, text) in g.ServiceFiles) File.WriteAllText(Path.Combine(agent, "services", name), text);
        foreach (var (name, text) in g.SnatFiles) File.WriteAllText(Path.Combine(agent, "snats", name), text);
        foreach (var (ns, records) in g.Ids)
            File.WriteAllBytes(Path.Combine(agent, "ids", ns + ".id"), OpflexIdFile.Write(records.Select(r => (r.Id, r.Key))));
        File.WriteAllText(Path.Combine(root, "gbp_inspect-dump.json"), g.PolicyDump);
        Directory.CreateDirectory(Path.Combine(root, "ovs"));
        var flows = Path.Combine(root, "flows");
        Directory.CreateDirectory(flows);
        File.WriteAllText(Path.Combine(flows, "br-access.flows"), FlowText(g.AccessFlows));
        File.WriteAllText(Path.Combine(flows, "br-int.flows"), FlowText(g.IntFlows));
        File.WriteAllText(Path.Combine(flows, "br-int.groups"), string.Concat(g.IntGroups.Select(x => x + "\n")));
        File.WriteAllText(Path.Combine(flows, "topology.txt"), Topology(g));
        return root;
    }

    /// <summary>Flows one per line (add-flows syntax).</summary>
    public static string FlowText(IEnumerable<OfFlow> flows) => string.Concat(flows.Select(f => f + "\n"));

    /// <summary>Human-readable port table.</summary>
    public static string Topology(GeneratedNode g)
    {
        var sb = new StringBuilder();
        foreach (var bridge in new[] { "br-access", "br-int" })
        {
            sb.Append(bridge).Append('\n');
            foreach (var p in g.Ports.Where(p => p.Bridge == bridge))
            {
                sb.Append($"  {p.OfPort,3} {p.Name,-16} {p.Type}");
                if (p.Options.Count > 0) sb.Append("  ").Append(string.Join(" ", p.Options.Select(o => $"{o.Key}={o.Value}")));
                sb.Append('\n');
            }
        }
        sb.Append("endpoints\n");
        foreach (var ep in g.Endpoints.Values)
            sb.Append($"  {ep.PodKey,-28} veth={ep.AccessPort} pa={ep.AccessUplinkPort} pi={ep.IntPort} zone={ep.Zone} sgset={ep.SecGroupSet}\n");
        return sb.ToString();
    }

    /// <summary>The node's topology for <see cref="OvsInstance.ConfigureAsync"/>; the drop-log ports are real Geneve tunnels, so an
    /// exported drop shows the same <c>set(tunnel(...))</c> datapath action as on a node.</summary>
    public static OvsTopology ToOvsTopology(GeneratedNode g) => new(
        new[] { "br-access", "br-int" }.Select(bridge => new OvsBridgeSpec(bridge, g.Ports.Where(p => p.Bridge == bridge).Select(p => p.Type switch
        {
            "patch" => new OvsPortSpec(p.Name, p.OfPort, OvsPortType.Patch, p.Options["peer"]),
            "vxlan" => new OvsPortSpec(p.Name, p.OfPort, OvsPortType.Vxlan, Options: p.Options),
            "geneve" => new OvsPortSpec(p.Name, p.OfPort, OvsPortType.Geneve, Options: p.Options),
            _ => new OvsPortSpec(p.Name, p.OfPort, OvsPortType.Dummy),
        }).ToList())).ToList());
}
