namespace AciTrace.Replay.Ovs;

/// <summary>Kind of an OVS port created by <see cref="OvsInstance.ConfigureAsync"/>.</summary>
public enum OvsPortType
{
    /// <summary>A userspace dummy netdev (pod veth, uplink, drop-log port).</summary>
    Dummy,
    /// <summary>A patch port; <see cref="OvsPortSpec.Peer"/> names the other end.</summary>
    Patch,
    /// <summary>A VXLAN tunnel port with remote_ip=flow, key=flow and dst_port=8472 unless overridden by options.</summary>
    Vxlan,
    /// <summary>An internal port (shows as dummy-internal on the dummy datapath).</summary>
    Internal,
    /// <summary>A Geneve tunnel port with remote_ip=flow (the opflex agent's drop-log export ports gen1/gen2).</summary>
    Geneve,
}

/// <summary>The bridges and ports of one simulated node.</summary>
/// <param name="Bridges">Bridges in creation order.</param>
public sealed record OvsTopology(IReadOnlyList<OvsBridgeSpec> Bridges);

/// <summary>One bridge and its ports.</summary>
/// <param name="Name">Bridge name, e.g. br-int.</param>
/// <param name="Ports">Ports with their pinned OpenFlow numbers.</param>
public sealed record OvsBridgeSpec(string Name, IReadOnlyList<OvsPortSpec> Ports);

/// <summary>One port with a fixed OpenFlow port number.</summary>
/// <param name="Name">Port (and interface) name.</param>
/// <param name="OfPort">OpenFlow port number requested with ofport_request (1..65279).</param>
/// <param name="Type">Port type.</param>
/// <param name="Peer">Peer port name; required for <see cref="OvsPortType.Patch"/>, not allowed otherwise.</param>
/// <param name="Options">Extra interface options (e.g. local_ip for VXLAN); they override the defaults.</param>
public sealed record OvsPortSpec(
    string Name,
    int OfPort,
    OvsPortType Type,
    string? Peer = null,
    IReadOnlyDictionary<string, string>? Options = null);
