namespace AciTrace.Judging;

/// <summary>
/// What the judge needs to know about the ports of each bridge, as plain data (fill it from <c>ovs-ofctl show</c>
/// port maps and the resolved endpoints). Bridges that are not listed get <see cref="BridgePorts.Empty"/>; the drop
/// and SNAT tables then default from the bridge name (<c>br-access</c>: drop 9; <c>br-int</c>: drop 15, SNAT 8).
/// </summary>
public sealed class JudgeContext
{
    /// <summary>No port facts: outputs to plain ports judge as <see cref="TraceVerdict.Unknown"/>, never as delivered.</summary>
    public static JudgeContext Empty { get; } = new();

    /// <summary>Port facts by bridge name (ordinal).</summary>
    public IReadOnlyDictionary<string, BridgePorts> Bridges { get; init; } =
        new Dictionary<string, BridgePorts>(StringComparer.Ordinal);

    /// <summary>The facts for <paramref name="bridge"/>, or <see cref="BridgePorts.Empty"/>.</summary>
    public BridgePorts For(string bridge) =>
        Bridges.TryGetValue(bridge, out var ports) ? ports : BridgePorts.Empty;

    /// <summary>The explicit drop table of a bridge: its own setting, else 9 for br-access and 15 for br-int.</summary>
    public int? DropTableFor(string bridge) => For(bridge).DropTable ?? DefaultDropTable(bridge);

    /// <summary>The table whose <c>ip_src</c> rewrite is SNAT: its own setting, else 8 (SNAT_TABLE) for br-int.</summary>
    public int? SnatTableFor(string bridge) => For(bridge).SnatTable ?? IntegrationTable(bridge, "SNAT_TABLE");

    /// <summary>
    /// The table whose <c>ip_src</c> rewrite is the service loopback (a backend reaching its own Service gets the
    /// Service IP as source, so its reply comes back through OVS): 6 (SERVICE_NEXTHOP_TABLE) for br-int. Reported as
    /// SNAT, since that is what it does to the packet.
    /// </summary>
    public static int? LoopbackSnatTableFor(string bridge) => IntegrationTable(bridge, "SERVICE_NEXTHOP_TABLE");

    /// <summary>EXP_DROP_TABLE of the opflex agent's bridges.</summary>
    public static int? DefaultDropTable(string bridge) => Aci.AciTables.DropTable(Aci.AciTables.BridgeKind(bridge));

    private static int? IntegrationTable(string bridge, string name) =>
        Aci.AciTables.BridgeKind(bridge) == AciBridge.Integration ? Aci.AciTables.IdOf(AciBridge.Integration, name) : null;

    /// <summary>
    /// The port roles of both bridges from their port maps, by the names the ACI CNI gives its ports: <c>pa-</c>
    /// (br-access to br-int) and <c>pi-</c> (br-int to br-access) patch ports, <c>vxlan</c>/<c>geneve</c> tunnels, the
    /// uplinks, and the destination pod's veth on br-access.
    /// </summary>
    public static JudgeContext FromPortMaps(IReadOnlyDictionary<string, Aci.OvsPortMap> maps, IEnumerable<string> destinationPorts,
        IEnumerable<string>? uplinks = null)
    {
        var destinations = new HashSet<string>(destinationPorts, StringComparer.Ordinal);
        var uplinkNames = new HashSet<string>(uplinks ?? Aci.AciTables.DefaultUplinks, StringComparer.Ordinal);
        uplinkNames.UnionWith(Aci.AciTables.DefaultUplinks);
        var context = Empty;
        foreach (var (bridge, map) in maps)
        {
            var patch = new Dictionary<int, string>();
            var tunnel = new HashSet<int>();
            var uplink = new HashSet<int>();
            var dest = new HashSet<int>();
            foreach (var (port, name) in map.Ports)
            {
                if (name.StartsWith(Aci.AciTables.AccessPatchPrefix, StringComparison.Ordinal)) patch[port] = Aci.AciTables.DefaultIntegrationBridgeName;
                else if (name.StartsWith(Aci.AciTables.IntegrationPatchPrefix, StringComparison.Ordinal)) patch[port] = Aci.AciTables.DefaultAccessBridgeName;
                else if (name.StartsWith("vxlan", StringComparison.Ordinal) || name.StartsWith("geneve", StringComparison.Ordinal)) tunnel.Add(port);
                else if (uplinkNames.Contains(name)) uplink.Add(port);
                if (destinations.Contains(name)) dest.Add(port);
            }
            context = context.With(bridge, new BridgePorts { DestinationPorts = dest, PatchPorts = patch, TunnelPorts = tunnel, UplinkPorts = uplink });
        }
        return context;
    }

    /// <summary>A copy of this context with the facts of one bridge replaced.</summary>
    public JudgeContext With(string bridge, BridgePorts ports)
    {
        var copy = new Dictionary<string, BridgePorts>(Bridges, StringComparer.Ordinal) { [bridge] = ports };
        return new JudgeContext { Bridges = copy };
    }
}

/// <summary>The roles of a bridge's OpenFlow ports (ofport numbers as in <c>output:N</c>).</summary>
public sealed class BridgePorts
{
    private static readonly IReadOnlySet<int> NoPorts = new HashSet<int>();

    /// <summary>No facts.</summary>
    public static BridgePorts Empty { get; } = new();

    /// <summary>Ports that are the destination on this bridge (the destination pod's veth on br-access).</summary>
    public IReadOnlySet<int> DestinationPorts { get; init; } = NoPorts;
    /// <summary>Patch ports and the bridge each leads to (br-int <c>pi-</c> ports lead to br-access).</summary>
    public IReadOnlyDictionary<int, string> PatchPorts { get; init; } = new Dictionary<int, string>();
    /// <summary>Tunnel ports (<c>vxlan0</c>).</summary>
    public IReadOnlySet<int> TunnelPorts { get; init; } = NoPorts;
    /// <summary>Uplink ports (<c>eth1</c>, the SNAT/service uplink).</summary>
    public IReadOnlySet<int> UplinkPorts { get; init; } = NoPorts;
    /// <summary>Overrides the explicit drop table (null: from the bridge name).</summary>
    public int? DropTable { get; init; }
    /// <summary>Overrides the SNAT table (null: from the bridge name).</summary>
    public int? SnatTable { get; init; }
}
