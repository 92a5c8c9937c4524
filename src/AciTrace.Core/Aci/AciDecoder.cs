using System.Globalization;
using System.Net;

namespace AciTrace.Aci;

/// <summary>
/// Turns OVS actions, cookies and port numbers of an <c>ofproto/trace</c> into ACI terms, using the node's facts
/// when given. Pure: never throws on odd input, returns null when there is nothing to decode.
/// </summary>
public static class AciDecoder
{
    /// <summary>Default ACI router MAC that pods use as gateway.</summary>
    public const string AciRouterMac = "00:22:bd:f8:19:ff";

    private readonly record struct Field(string Name, int? From, int? To)
    {
        public bool StartsAtZero => From is null || From == 0;
        public override string ToString() =>
            From is null ? Name : To is null || To == From
                ? string.Create(CultureInfo.InvariantCulture, $"{Name}[{From}]")
                : string.Create(CultureInfo.InvariantCulture, $"{Name}[{From}..{To}]");
    }

    /// <summary>
    /// Decodes one action as OVS prints it: <c>load:0x8c8010-&gt;NXM_NX_REG0[]</c>, <c>set_field:0x1-&gt;reg6</c>,
    /// <c>write_metadata:0x200/0x300</c>, <c>move:NXM_NX_REG0[]-&gt;NXM_NX_TUN_ID[0..31]</c>, <c>mod_nw_dst:10.2.0.20</c>...
    /// Returns null for actions that write no field (output, goto_table, ct, drop...).
    /// </summary>
    public static RegisterWrite? DecodeAction(AciBridge bridge, string? actionText, NodeFacts? facts)
    {
        if (string.IsNullOrWhiteSpace(actionText)) return null;
        var text = actionText.Trim().TrimEnd(',');
        var colon = text.IndexOf(':');
        if (colon <= 0) return null;
        var verb = text[..colon].Trim().ToLowerInvariant();
        var arg = text[(colon + 1)..].Trim();
        switch (verb)
        {
            case "load":
            case "set_field":
            {
                var arrow = arg.LastIndexOf("->", StringComparison.Ordinal);
                if (arrow <= 0) return null;
                var field = ParseField(arg[(arrow + 2)..]);
                if (field is null) return null;
                return Write(bridge, field.Value, arg[..arrow].Trim(), facts);
            }
            case "write_metadata":
                return arg.Length == 0 ? null : Write(bridge, new Field("metadata", null, null), arg, facts);
            case "move":
            {
                var arrow = arg.IndexOf("->", StringComparison.Ordinal);
                if (arrow <= 0) return null;
                var src = ParseField(arg[..arrow]);
                var dst = ParseField(arg[(arrow + 2)..]);
                if (src is null || dst is null) return null;
                var srcRole = FieldRole(bridge, src.Value.Name);
                var meaning = srcRole.Length == 0 || src.Value.Name == "reg7" ? "" : "from " + srcRole;
                return new RegisterWrite { Register = dst.Value.ToString(), Value = src.Value.ToString(), Role = FieldRole(bridge, dst.Value.Name), Meaning = meaning };
            }
            case "mod_nw_dst": return Write(bridge, new Field("ip_dst", null, null), arg, facts);
            case "mod_nw_src": return Write(bridge, new Field("ip_src", null, null), arg, facts);
            case "mod_dl_dst": return Write(bridge, new Field("eth_dst", null, null), arg, facts);
            case "mod_dl_src": return Write(bridge, new Field("eth_src", null, null), arg, facts);
            case "mod_tp_dst": return Write(bridge, new Field("tp_dst", null, null), arg, facts);
            case "mod_tp_src": return Write(bridge, new Field("tp_src", null, null), arg, facts);
            case "mod_vlan_vid": return Write(bridge, new Field("vlan_vid", null, null), arg, facts);
            case "set_tunnel":
            case "set_tunnel64": return Write(bridge, new Field("tun_id", null, null), arg, facts);
            default: return null;
        }
    }

    /// <summary>Describes a flow cookie (null for cookie 0); classifier-rule ids name the classifier and what it matches.</summary>
    public static string? DescribeCookie(ulong cookie, NodeFacts? facts)
    {
        if (cookie == 0) return null;
        var info = AciCookies.Classify(cookie, facts?.IdMap(OpflexIdNamespace.L24ClassifierRule));
        if (info.ClassifierUri is not null && facts?.PolicyDump?.FindClassifier(info.ClassifierUri) is { } c)
            return info.Description + " (" + c.Describe() + ")";
        return info.Description;
    }

    /// <summary>Name of an OpenFlow port on a bridge of this node, or null when unknown.</summary>
    public static string? PortName(string? bridge, int ofport, NodeFacts? facts)
    {
        if (facts is null || string.IsNullOrEmpty(bridge)) return null;
        var map = facts.PortMap(bridge);
        var name = map?.NameOf(ofport);
        if (name is null && ofport == OvsPortMap.LocalPort) return bridge;
        return name;
    }

    private static RegisterWrite Write(AciBridge bridge, Field field, string valueText, NodeFacts? facts)
    {
        var slash = valueText.IndexOf('/');
        var valuePart = slash > 0 ? valueText[..slash] : valueText;
        var maskPart = slash > 0 ? valueText[(slash + 1)..] : null;
        var role = FieldRole(bridge, field.Name);
        string meaning = "";
        // No catch: the readers below never throw on odd values; an exception here is a bug the fuzz tests must see.
        if (field.StartsAtZero) meaning = Meaning(bridge, field, valuePart, maskPart, facts, ref role);
        return new RegisterWrite { Register = field.ToString(), Value = valueText, Role = role, Meaning = meaning };
    }

    private static string Meaning(AciBridge bridge, Field field, string valueText, string? maskText, NodeFacts? facts, ref string role)
    {
        var hasNumber = AciRegisters.TryParseNumber(valueText, out var value);
        if (field.Name == "metadata")
        {
            if (!hasNumber) return "";
            ulong? mask = maskText is not null && AciRegisters.TryParseNumber(maskText, out var m) ? m : null;
            return AciRegisters.DescribeMetadata(bridge, value, mask);
        }
        if (AciRegisters.TryParseRegister(field.Name, out var reg))
            return hasNumber ? RegisterMeaning(bridge, reg, value, facts, ref role) : "";
        switch (field.Name)
        {
            case "tun_id":
                return hasNumber && value <= uint.MaxValue ? EpgName((uint)value, facts) : "";
            case "tun_dst":
            case "tun_src":
                return hasNumber ? AciRegisters.Ipv4(value) : IPAddress.TryParse(valueText, out var a) ? a.ToString() : "";
            case "ip_dst":
            case "ip_src":
            case "ipv6_dst":
            case "ipv6_src":
                return IpMeaning(valueText, facts);
            case "eth_dst":
            case "eth_src":
                if (string.Equals(valueText, AciRouterMac, StringComparison.OrdinalIgnoreCase)) return "ACI router MAC";
                return facts?.EndpointByMac(valueText) is { } ep ? NodeFacts.Describe(ep) : "";
            case "vlan_vid":
                return hasNumber ? "VLAN " + (value & 0xfff).ToString(CultureInfo.InvariantCulture) : "";
            case "ct_mark":
                return hasNumber ? ServiceMeaning(value, facts) : "";
            case "in_port":
                return hasNumber && value <= int.MaxValue ? PortName(BridgeName(bridge, facts), (int)value, facts) ?? "" : "";
            default:
                return "";
        }
    }

    private static string RegisterMeaning(AciBridge bridge, int reg, ulong value, NodeFacts? facts, ref string role)
    {
        if (AciRegisters.HoldsEpgVnid(bridge, reg))
            return value <= uint.MaxValue ? EpgName((uint)value, facts) : "";
        switch (bridge, reg)
        {
            case (AciBridge.Access, 5): return "VLAN " + value.ToString(CultureInfo.InvariantCulture);
            case (_, 7): return OutputMeaning(bridge, value, facts, ref role);
            case (AciBridge.Integration, 8):
            {
                var ip = AciRegisters.Ipv4(value);
                return facts?.ServiceByIp(ip) is { } svc ? ip + " (" + NodeFacts.Describe(svc) + ")" : ip;
            }
            case (AciBridge.Integration, 12): return ServiceMeaning(value, facts);
        }
        var ns = AciRegisters.IdNamespace(bridge, reg);
        if (ns is null || value > uint.MaxValue) return "";
        var key = facts?.IdMap(ns)?.KeyOf((uint)value);
        if (key is null) return "";
        if (ns == OpflexIdNamespace.SecGroupSet && key.Length == 0) return "no security groups";
        if (ns == OpflexIdNamespace.Conntrack && facts?.EndpointByUuid(key) is { } ep) return NodeFacts.Describe(ep);
        return PolicyUri.Readable(key);
    }

    private static string OutputMeaning(AciBridge bridge, ulong value, NodeFacts? facts, ref string role)
    {
        if (value <= 0xffff && PortName(BridgeName(bridge, facts), (int)value, facts) is { } port) return port;
        if (bridge != AciBridge.Integration) return "";
        // On br-int reg7 also carries a tunnel destination (REMOTE_TUNNEL/flood), an EPG VNID (RESUBMIT_DST)
        // or a multipath link index; only unambiguous readings are given.
        if (value > 0xffffff && value <= uint.MaxValue)
        {
            role = "tunnel destination";
            return AciRegisters.Ipv4(value);
        }
        if (value > 0xffff && facts?.PolicyDump?.EpgByVnid((uint)value) is { } epg)
        {
            role = "destination EPG (resubmit)";
            return epg.Name;
        }
        return "";
    }

    private static string ServiceMeaning(ulong value, NodeFacts? facts)
    {
        var external = (value & 0x80000000) != 0;
        var id = (uint)(value & 0x7fffffff);
        var key = facts?.IdMap(OpflexIdNamespace.Service)?.KeyOf(id);
        if (key is null) return "";
        var name = facts?.ServiceByUuid(key) is { } svc ? NodeFacts.Describe(svc) : key;
        return external ? name + " (external)" : name;
    }

    private static string EpgName(uint vnid, NodeFacts? facts) =>
        facts?.PolicyDump?.EpgByVnid(vnid)?.Name ?? "";

    private static string IpMeaning(string ipText, NodeFacts? facts)
    {
        if (facts is null || !IPAddress.TryParse(ipText, out var ip)) return "";
        var text = ip.ToString();
        if (facts.EndpointByIp(text) is { } ep) return NodeFacts.Describe(ep);
        if (facts.ServiceByIp(text) is { } svc) return "service " + NodeFacts.Describe(svc);
        return "";
    }

    private static string? BridgeName(AciBridge bridge, NodeFacts? facts) => bridge switch
    {
        AciBridge.Access => facts?.AccessBridgeName ?? AciTables.DefaultAccessBridgeName,
        AciBridge.Integration => facts?.IntegrationBridgeName ?? AciTables.DefaultIntegrationBridgeName,
        _ => null,
    };

    private static string FieldRole(AciBridge bridge, string name)
    {
        if (AciRegisters.TryParseRegister(name, out var reg)) return AciRegisters.Role(bridge, reg);
        if (name.StartsWith("tun_metadata", StringComparison.Ordinal)) return "drop-log field";
        return name switch
        {
            "metadata" => "metadata",
            "tun_id" => "tunnel id (VNID)",
            "tun_dst" => "tunnel destination",
            "tun_src" => "tunnel source",
            "ip_dst" or "ipv6_dst" => "destination IP",
            "ip_src" or "ipv6_src" => "source IP",
            "eth_dst" => "destination MAC",
            "eth_src" => "source MAC",
            "tcp_dst" or "udp_dst" or "sctp_dst" or "tp_dst" => "destination port",
            "tcp_src" or "udp_src" or "sctp_src" or "tp_src" => "source port",
            "vlan_vid" or "vlan_tci" => "VLAN",
            "ct_mark" => "conntrack mark",
            "ct_label" => "conntrack label",
            "ct_state" => "conntrack state",
            "ct_zone" => "conntrack zone",
            "pkt_mark" => "packet mark",
            "in_port" => "input port",
            "arp_sha" => "ARP sender MAC",
            "arp_tha" => "ARP target MAC",
            "arp_spa" => "ARP sender IP",
            "arp_tpa" => "ARP target IP",
            "arp_op" => "ARP opcode",
            _ => "",
        };
    }

    private static readonly Dictionary<string, string> FieldAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["OXM_OF_METADATA"] = "metadata",
        ["NXM_NX_TUN_ID"] = "tun_id", ["tunnel_id"] = "tun_id",
        ["NXM_NX_TUN_IPV4_DST"] = "tun_dst", ["tun_ipv4_dst"] = "tun_dst",
        ["NXM_NX_TUN_IPV4_SRC"] = "tun_src", ["tun_ipv4_src"] = "tun_src",
        ["NXM_OF_IP_DST"] = "ip_dst", ["nw_dst"] = "ip_dst",
        ["NXM_OF_IP_SRC"] = "ip_src", ["nw_src"] = "ip_src",
        ["NXM_NX_IPV6_DST"] = "ipv6_dst", ["NXM_NX_IPV6_SRC"] = "ipv6_src",
        ["NXM_OF_ETH_DST"] = "eth_dst", ["dl_dst"] = "eth_dst",
        ["NXM_OF_ETH_SRC"] = "eth_src", ["dl_src"] = "eth_src",
        ["NXM_OF_TCP_DST"] = "tcp_dst", ["NXM_OF_TCP_SRC"] = "tcp_src",
        ["NXM_OF_UDP_DST"] = "udp_dst", ["NXM_OF_UDP_SRC"] = "udp_src",
        ["OXM_OF_SCTP_DST"] = "sctp_dst", ["OXM_OF_SCTP_SRC"] = "sctp_src",
        ["NXM_OF_VLAN_TCI"] = "vlan_tci", ["OXM_OF_VLAN_VID"] = "vlan_vid",
        ["NXM_NX_CT_MARK"] = "ct_mark", ["NXM_NX_CT_LABEL"] = "ct_label",
        ["NXM_NX_CT_STATE"] = "ct_state", ["NXM_NX_CT_ZONE"] = "ct_zone",
        ["NXM_NX_PKT_MARK"] = "pkt_mark",
        ["NXM_OF_IN_PORT"] = "in_port",
        ["NXM_NX_ARP_SHA"] = "arp_sha", ["NXM_NX_ARP_THA"] = "arp_tha",
        ["NXM_OF_ARP_SPA"] = "arp_spa", ["NXM_OF_ARP_TPA"] = "arp_tpa", ["NXM_OF_ARP_OP"] = "arp_op",
    };

    /// <summary>Parses <c>NXM_NX_REG0[]</c>, <c>NXM_NX_REG0[0..15]</c>, <c>reg6</c>, <c>tun_metadata3</c>... into a short name and range.</summary>
    private static Field? ParseField(string text)
    {
        var t = text.Trim();
        int? from = null, to = null;
        var bracket = t.IndexOf('[');
        if (bracket >= 0)
        {
            var end = t.IndexOf(']', bracket);
            if (end < 0) return null;
            var range = t[(bracket + 1)..end];
            t = t[..bracket];
            if (range.Length > 0)
            {
                var dots = range.IndexOf("..", StringComparison.Ordinal);
                var a = dots >= 0 ? range[..dots] : range;
                var b = dots >= 0 ? range[(dots + 2)..] : range;
                if (!int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var f) ||
                    !int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l < f)
                    return null;
                from = f;
                to = l;
            }
        }
        if (t.Length == 0 || t.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_'))) return null;
        if (AciRegisters.TryParseRegister(t, out var reg)) return new Field("reg" + reg.ToString(CultureInfo.InvariantCulture), from, to);
        if (t.StartsWith("NXM_NX_TUN_METADATA", StringComparison.OrdinalIgnoreCase))
            return new Field("tun_metadata" + t[19..], from, to);
        if (FieldAliases.TryGetValue(t, out var alias)) return new Field(alias, from, to);
        var name = t.ToLowerInvariant();
        foreach (var prefix in new[] { "nxm_nx_", "nxm_of_", "oxm_of_" })
            if (name.StartsWith(prefix, StringComparison.Ordinal)) name = name[prefix.Length..];
        return new Field(name, from, to);
    }
}
