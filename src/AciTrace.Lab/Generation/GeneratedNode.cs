namespace AciTrace.Lab.Generation;

/// <summary>An OVS port of a simulated node.</summary>
/// <param name="Bridge">br-access or br-int.</param>
/// <param name="Name">Interface name as on a real node.</param>
/// <param name="Type">OVS interface type: dummy, patch, vxlan or geneve.</param>
/// <param name="OfPort">Pinned OpenFlow port number (ofport_request).</param>
/// <param name="Options">Interface options (peer, remote_ip, key, dst_port, local_ip).</param>
public sealed record LabPort(string Bridge, string Name, string Type, int OfPort, IReadOnlyDictionary<string, string> Options);

/// <summary>A local endpoint as placed on a node.</summary>
/// <param name="PodKey">namespace/name.</param>
/// <param name="Uuid">Endpoint uuid (file name without .ep).</param>
/// <param name="AccessPort">veth ofport on br-access.</param>
/// <param name="AccessUplinkPort">pa- ofport on br-access.</param>
/// <param name="IntPort">pi- ofport on br-int.</param>
/// <param name="Zone">Conntrack zone (br-access reg6).</param>
/// <param name="SecGroupSet">Security-group-set id (br-access reg0).</param>
/// <param name="SecurityGroups">SG names in set order.</param>
public sealed record LabEndpoint(string PodKey, string Uuid, int AccessPort, int AccessUplinkPort, int IntPort, uint Zone, uint SecGroupSet, IReadOnlyList<string> SecurityGroups);

/// <summary>Everything generated for one node: topology, flows, groups, ids and the agent's input files.</summary>
public sealed class GeneratedNode
{
    /// <summary>Node name.</summary>
    public required string Name { get; init; }
    /// <summary>Ports in creation order.</summary>
    public required IReadOnlyList<LabPort> Ports { get; init; }
    /// <summary>TLV map text for add-tlv-map (both bridges).</summary>
    public string TlvMap => Of.TlvMap;
    /// <summary>br-access flows.</summary>
    public required IReadOnlyList<OfFlow> AccessFlows { get; init; }
    /// <summary>br-int flows.</summary>
    public required IReadOnlyList<OfFlow> IntFlows { get; init; }
    /// <summary>br-int groups in add-groups syntax.</summary>
    public required IReadOnlyList<string> IntGroups { get; init; }
    /// <summary>Id allocations per namespace.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<IdRecord>> Ids { get; init; }
    /// <summary>Local endpoints by pod key.</summary>
    public required IReadOnlyDictionary<string, LabEndpoint> Endpoints { get; init; }
    /// <summary>Endpoint files: file name (uuid.ep) to JSON text.</summary>
    public required IReadOnlyDictionary<string, string> EndpointFiles { get; init; }
    /// <summary>Service files: file name (uuid.service) to JSON text.</summary>
    public required IReadOnlyDictionary<string, string> ServiceFiles { get; init; }
    /// <summary>SNAT files: file name (uuid.snat) to JSON text.</summary>
    public required IReadOnlyDictionary<string, string> SnatFiles { get; init; }
    /// <summary>gbp_inspect -fprq DmtreeRoot -t dump output (JSON array).</summary>
    public required string PolicyDump { get; init; }

    /// <summary>OpenFlow port number of a named port (or null).</summary>
    public int? OfPortOf(string name) => Ports.FirstOrDefault(p => p.Name == name)?.OfPort;

    /// <summary>Id of a key in a namespace (or null).</summary>
    public uint? IdOf(string ns, string key) => Ids.TryGetValue(ns, out var l) ? l.FirstOrDefault(r => r.Key == key)?.Id : null;
}
