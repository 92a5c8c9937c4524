using System.Globalization;

namespace AciTrace.Aci;

/// <summary>What kind of flow a cookie marks.</summary>
public enum AciCookieKind
{
    /// <summary>Cookie 0: static flows without a cookie.</summary>
    None = 0,
    /// <summary>0x4000000000000000: the priority-0 table-drop flow (nothing else matched).</summary>
    TableDrop,
    /// <summary>0xc00000000000000c: POL table per-RD drop (no contract allowed the traffic).</summary>
    RoutingDomainPolicyDrop,
    /// <summary>1&lt;&lt;63|n: an agent default flow (DHCP, neighbour discovery, DNS snooping...).</summary>
    AgentDefault,
    /// <summary>Other drop-marked cookies (bit 62 set).</summary>
    OtherDrop,
    /// <summary>A contract or security-group flow: the cookie is an <c>l24classifierRule</c> id.</summary>
    ClassifierRule,
}

/// <summary>A decoded cookie.</summary>
public sealed class AciCookieInfo
{
    public ulong Value { get; init; }
    public AciCookieKind Kind { get; init; }
    /// <summary>Constant name (<c>TABLE_DROP</c>, <c>DHCP_V4</c>...) or <c>classifier rule 7</c>.</summary>
    public string Name { get; init; } = "";
    /// <summary>Classifier URI from the l24classifierRule id map, when known.</summary>
    public string? ClassifierUri { get; init; }
    /// <summary>One-line description.</summary>
    public string Description { get; init; } = "";
    public override string ToString() => Description;
}

/// <summary>The cookie scheme of the opflex agent's flows (FlowConstants.cpp; research/opflex-pipeline.md 3.2).</summary>
public static class AciCookies
{
    public const ulong TableDrop = 0x4000000000000000;
    public const ulong RoutingDomainPolicyDrop = 0xc00000000000000c;
    private const ulong DefaultBit = 0x8000000000000000;

    private static readonly Dictionary<ulong, (string Name, string Text)> Defaults = new()
    {
        [3] = ("NEIGH_DISC", "neighbour discovery (ARP/ND) handled by the agent"),
        [4] = ("DHCP_V4", "DHCPv4 to the agent"),
        [5] = ("DHCP_V6", "DHCPv6 to the agent"),
        [6] = ("VIRTUAL_IP_V4", "virtual IPv4 learning"),
        [7] = ("VIRTUAL_IP_V6", "virtual IPv6 learning"),
        [8] = ("ICMP_ERROR_V4", "ICMPv4 error handling"),
        [9] = ("ICMP_ERROR_V6", "ICMPv6 error handling"),
        [0xa] = ("ICMP_ECHO_V4", "ICMPv4 echo answered by the agent"),
        [0xb] = ("ICMP_ECHO_V6", "ICMPv6 echo answered by the agent"),
        [0xd] = ("DNS_RESPONSE_V4", "DNSv4 response copied to the agent"),
        [0xe] = ("DNS_RESPONSE_V6", "DNSv6 response copied to the agent"),
        [0x10] = ("NAT_FLOW", "NAT flow"),
        [0x11] = ("RST_FLOW", "TCP reset flow"),
        [0x12] = ("RST_VLAN_FLOW", "TCP reset flow (VLAN)"),
    };

    /// <summary>Parses a cookie as OVS prints it (<c>0x4000000000000000</c>; decimal accepted).</summary>
    public static bool TryParse(string? text, out ulong cookie) => AciRegisters.TryParseNumber(text, out cookie);

    /// <summary>Classifies a cookie; a classifier-rule id resolves through <paramref name="classifierRules"/> (l24classifierRule).</summary>
    public static AciCookieInfo Classify(ulong cookie, IdMap? classifierRules = null)
    {
        var hex = AciRegisters.Hex(cookie);
        if (cookie == 0) return new AciCookieInfo { Value = 0, Kind = AciCookieKind.None, Name = "", Description = "" };
        if (cookie == TableDrop)
            return new AciCookieInfo { Value = cookie, Kind = AciCookieKind.TableDrop, Name = "TABLE_DROP", Description = "table drop: no flow matched" };
        if (cookie == RoutingDomainPolicyDrop)
            return new AciCookieInfo
            {
                Value = cookie, Kind = AciCookieKind.RoutingDomainPolicyDrop, Name = "RD_POL_DROP",
                Description = "policy drop: no contract allows this traffic in the routing domain",
            };
        if ((cookie & TableDrop) != 0)
            return new AciCookieInfo { Value = cookie, Kind = AciCookieKind.OtherDrop, Name = "DROP", Description = "drop flow (cookie " + hex + ")" };
        if ((cookie & DefaultBit) != 0)
        {
            var n = cookie & ~DefaultBit;
            return Defaults.TryGetValue(n, out var d)
                ? new AciCookieInfo { Value = cookie, Kind = AciCookieKind.AgentDefault, Name = d.Name, Description = d.Text }
                : new AciCookieInfo { Value = cookie, Kind = AciCookieKind.AgentDefault, Name = "DEFAULT_" + n.ToString("x", CultureInfo.InvariantCulture), Description = "agent flow " + hex };
        }
        var name = "classifier rule " + cookie.ToString(CultureInfo.InvariantCulture);
        string? uri = null;
        if (cookie <= uint.MaxValue && classifierRules is not null && classifierRules.TryGetKey((uint)cookie, out var key)) uri = key;
        return new AciCookieInfo
        {
            Value = cookie, Kind = AciCookieKind.ClassifierRule, Name = name, ClassifierUri = uri,
            Description = uri is null ? name : name + ": " + PolicyUri.Readable(uri),
        };
    }
}
