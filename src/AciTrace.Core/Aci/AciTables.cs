namespace AciTrace.Aci;

/// <summary>
/// Flow-table ids of the two opflex-agent bridges, with the agent's own table names and a one-line role each
/// (research/opflex-pipeline.md 2.1 and 3.1).
/// </summary>
public static class AciTables
{
    /// <summary>Default name of the access bridge on ACI CNI nodes.</summary>
    public const string DefaultAccessBridgeName = "br-access";

    /// <summary>Default name of the integration bridge on ACI CNI nodes.</summary>
    public const string DefaultIntegrationBridgeName = "br-int";

    /// <summary>Name prefix of the br-access patch port of a pod (toward br-int).</summary>
    public const string AccessPatchPrefix = "pa-";

    /// <summary>Name prefix of the br-int patch port of a pod (toward br-access).</summary>
    public const string IntegrationPatchPrefix = "pi-";

    /// <summary>Uplinks of an ACI CNI node when the agent's files name none (the SNAT files name the real one).</summary>
    public static readonly IReadOnlyList<string> DefaultUplinks = ["eth1", "bond0"];

    private static readonly (string Name, string Role)[] Access =
    {
        ("DROP_LOG_TABLE", "drop-log policy: marks packets whose drop should be logged"),
        ("SERVICE_BYPASS_TABLE", "lets a service backend reach its own service IP without security groups"),
        ("GROUP_MAP_TABLE", "classifies by port: security-group set, conntrack zone, output port, direction"),
        ("SYS_SEC_GRP_IN_TABLE", "system security group, traffic toward the pod"),
        ("SEC_GROUP_IN_TABLE", "security groups (NetworkPolicy ingress), traffic toward the pod"),
        ("SYS_SEC_GRP_OUT_TABLE", "system security group, traffic from the pod"),
        ("SEC_GROUP_OUT_TABLE", "security groups (NetworkPolicy egress), traffic from the pod"),
        ("TAP_TABLE", "copies DNS responses to the agent (FQDN policies)"),
        ("OUT_TABLE", "outputs to the port in reg7, popping or pushing a VLAN if asked"),
        ("EXP_DROP_TABLE", "drop sink: exports drop logs, otherwise drops"),
    };

    private static readonly (string Name, string Role)[] Integration =
    {
        ("DROP_LOG_TABLE", "drop-log policy: marks packets whose drop should be logged"),
        ("PORT_SECURITY_TABLE", "port security: source MAC/IP checks per endpoint port"),
        ("SOURCE_TABLE", "maps the source to its EPG, bridge, flood and routing domain"),
        ("SNAT_REV_TABLE", "reverses SNAT on traffic returning from outside"),
        ("SERVICE_REV_TABLE", "restores the service IP as source on service replies"),
        ("BRIDGE_TABLE", "L2 lookup of the destination; ARP/ND handling; service load balancing"),
        ("SERVICE_NEXTHOP_TABLE", "service next hop: DNAT to the chosen backend"),
        ("ROUTE_TABLE", "L3 lookup of the destination in the routing domain"),
        ("SNAT_TABLE", "SNAT of pod traffic leaving through the uplink"),
        ("NAT_IN_TABLE", "traffic to NAT addresses: sets the external network as source"),
        ("LEARN_TABLE", "learning-bridge flows (not used by ACI CNI)"),
        ("SERVICE_DST_TABLE", "return traffic from service interfaces to the endpoint"),
        ("POL_TABLE", "ACI contracts between source and destination EPG"),
        ("STATS_TABLE", "flow statistics"),
        ("OUT_TABLE", "applies the output action chosen in metadata"),
        ("EXP_DROP_TABLE", "drop sink: exports drop logs, otherwise drops"),
    };

    /// <summary>The agent's name of a table, or an empty string when the table is not one of the bridge's.</summary>
    public static string Name(AciBridge bridge, int table) =>
        TryGet(bridge, table, out var entry) ? entry.Name : "";

    /// <summary>One-line role of a table, or an empty string when the table is not one of the bridge's.</summary>
    public static string Role(AciBridge bridge, int table) =>
        TryGet(bridge, table, out var entry) ? entry.Role : "";

    /// <summary>True when <paramref name="table"/> is a table the agent programs on this bridge.</summary>
    public static bool IsKnown(AciBridge bridge, int table) => TryGet(bridge, table, out _);

    /// <summary>The id of the table the agent names <paramref name="name"/> on the bridge (SNAT_TABLE is 8 on br-int).</summary>
    public static int IdOf(AciBridge bridge, string name) =>
        TryIdOf(bridge, name, StringComparison.Ordinal, out int id) ? id : throw new ArgumentException($"{bridge} has no table {name}.", nameof(name));

    /// <summary>The id of the table named <paramref name="name"/> on the bridge, compared as <paramref name="comparison"/> says; false when none is.</summary>
    public static bool TryIdOf(AciBridge bridge, string name, StringComparison comparison, out int id)
    {
        id = Array.FindIndex(TableSet(bridge), t => string.Equals(t.Name, name, comparison));
        return id >= 0;
    }

    /// <summary>Number of tables the agent uses on the bridge (0 for <see cref="AciBridge.Unknown"/>).</summary>
    public static int Count(AciBridge bridge) => TableSet(bridge).Length;

    /// <summary>The explicit-drop table: 9 on br-access, 15 on br-int, null for an unknown bridge.</summary>
    public static int? DropTable(AciBridge bridge) => bridge switch
    {
        AciBridge.Access => Access.Length - 1,
        AciBridge.Integration => Integration.Length - 1,
        _ => null,
    };

    /// <summary>Kind of bridge for the default names <c>br-access</c> and <c>br-int</c>.</summary>
    public static AciBridge BridgeKind(string? bridgeName) =>
        BridgeKind(bridgeName, DefaultAccessBridgeName, DefaultIntegrationBridgeName);

    /// <summary>Kind of bridge when the cluster names its bridges differently. Names compare exactly, as in OVS.</summary>
    public static AciBridge BridgeKind(string? bridgeName, string? accessBridgeName, string? integrationBridgeName)
    {
        var name = bridgeName?.Trim();
        if (string.IsNullOrEmpty(name)) return AciBridge.Unknown;
        if (!string.IsNullOrEmpty(accessBridgeName) && string.Equals(name, accessBridgeName.Trim(), StringComparison.Ordinal))
            return AciBridge.Access;
        if (!string.IsNullOrEmpty(integrationBridgeName) && string.Equals(name, integrationBridgeName.Trim(), StringComparison.Ordinal))
            return AciBridge.Integration;
        return AciBridge.Unknown;
    }

    private static (string Name, string Role)[] TableSet(AciBridge bridge) => bridge switch
    {
        AciBridge.Access => Access,
        AciBridge.Integration => Integration,
        _ => Array.Empty<(string, string)>(),
    };

    private static bool TryGet(AciBridge bridge, int table, out (string Name, string Role) entry)
    {
        var set = TableSet(bridge);
        if (table >= 0 && table < set.Length)
        {
            entry = set[table];
            return true;
        }
        entry = default;
        return false;
    }
}
