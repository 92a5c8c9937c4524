using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AciTrace.Packets;

/// <summary>
/// Renders a <see cref="PacketSpec"/> as the flow argument of <c>ovs-appctl ofproto/trace</c>, validating every
/// field first. Field order matters to OVS (a field is rejected with "prerequisites not met" if its protocol keyword
/// comes later), so the order is fixed: in_port, tun_*, protocol keyword, dl_*, vlan, L3, nw_ttl, L4 or ICMP/ND or
/// ARP fields, ct_*, reg0..reg15, metadata.
/// </summary>
public static class FlowStringBuilder
{
    /// <summary>Validates <paramref name="p"/> and returns the exact flow string, e.g.
    /// <c>in_port=veth5a3b1c2d,udp,dl_src=..,dl_dst=..,nw_src=..,nw_dst=..,nw_ttl=64,udp_src=..,udp_dst=53</c>.</summary>
    /// <exception cref="PacketValidationException">A field is invalid or does not fit the protocol.</exception>
    public static string Build(PacketSpec p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var fields = new List<string>(24);
        var inPort = p.InPort ?? throw new PacketValidationException("in_port", null, "an ingress port is required");
        fields.Add("in_port=" + inPort.Render());

        if (p.TunId is ulong tunId) fields.Add("tun_id=0x" + tunId.ToString("x", CultureInfo.InvariantCulture));
        if (p.TunSrc is not null) fields.Add("tun_src=" + InputValidation.ParseIPv4Strict(p.TunSrc, "tun_src"));
        if (p.TunDst is not null) fields.Add("tun_dst=" + InputValidation.ParseIPv4Strict(p.TunDst, "tun_dst"));

        bool ipv6 = ResolveFamily(p);
        fields.Add(Keyword(p.Protocol, ipv6));

        if (p.EthSrc is not null) fields.Add("dl_src=" + InputValidation.ParseMac(p.EthSrc, "dl_src"));
        if (p.EthDst is not null) fields.Add("dl_dst=" + InputValidation.ParseMac(p.EthDst, "dl_dst"));
        if (p.Vlan is { } vlan)
        {
            fields.Add("dl_vlan=" + Num(InputValidation.ValidateRange(vlan.Vid, 0, 4095, "dl_vlan")));
            if (vlan.Pcp is int pcp) fields.Add("dl_vlan_pcp=" + Num(InputValidation.ValidateRange(pcp, 0, 7, "dl_vlan_pcp")));
        }

        if (p.Protocol == PacketProtocol.Arp) AddArp(p, fields);
        else AddIp(p, ipv6, fields);

        RejectUnless(p.Protocol == PacketProtocol.Arp, "arp_op", p.ArpOp?.ToString(CultureInfo.InvariantCulture), p.Protocol);
        RejectUnless(p.Protocol == PacketProtocol.Arp, "arp_sha", p.ArpSha, p.Protocol);
        RejectUnless(p.Protocol == PacketProtocol.Arp, "arp_tha", p.ArpTha, p.Protocol);
        RejectUnless(p.Protocol == PacketProtocol.Arp, "arp_spa", p.ArpSpa, p.Protocol);
        RejectUnless(p.Protocol == PacketProtocol.Arp, "arp_tpa", p.ArpTpa, p.Protocol);

        if (p.CtState is { } ct)
        {
            ct.Validate("ct_state");
            fields.Add("ct_state=" + ct.ToFlowValue());
        }
        if (p.CtMark is uint mark) fields.Add("ct_mark=0x" + mark.ToString("x", CultureInfo.InvariantCulture));
        if (p.CtZone is int zone) fields.Add("ct_zone=" + Num(InputValidation.ValidateRange(zone, 0, 65535, "ct_zone")));

        if (p.Registers is { Count: > 0 } regs)
        {
            foreach (var (index, value) in regs.OrderBy(r => r.Key))
            {
                InputValidation.ValidateRange(index, 0, 15, "reg");
                fields.Add($"reg{Num(index)}=0x{value.ToString("x", CultureInfo.InvariantCulture)}");
            }
        }
        if (p.Metadata is ulong metadata) fields.Add("metadata=0x" + metadata.ToString("x", CultureInfo.InvariantCulture));

        return string.Join(',', fields);
    }

    /// <summary>Whether the L3 header is IPv6, from the protocol and the addresses (which must agree).</summary>
    private static bool ResolveFamily(PacketSpec p)
    {
        IPAddress? src = ParseAddress(p.SourceAddress, "src");
        IPAddress? dst = ParseAddress(p.DestinationAddress, "dst");
        if (p.Protocol == PacketProtocol.Arp)
        {
            if (p.SourceAddress is not null)
                throw new PacketValidationException("nw_src", p.SourceAddress, "cannot be used with Arp (set ArpSpa, the sender protocol address)");
            if (p.DestinationAddress is not null)
                throw new PacketValidationException("nw_dst", p.DestinationAddress, "cannot be used with Arp (set ArpTpa, the target protocol address)");
            return false;
        }
        if (src is not null && dst is not null && src.AddressFamily != dst.AddressFamily)
            throw new PacketValidationException("nw_dst", p.DestinationAddress,
                $"is not of the same address family as the source address '{p.SourceAddress}'");
        bool addressesAreV6 = (src ?? dst)?.AddressFamily == AddressFamily.InterNetworkV6;
        bool addressesAreV4 = (src ?? dst)?.AddressFamily == AddressFamily.InterNetwork;
        switch (p.Protocol)
        {
            case PacketProtocol.Icmp when addressesAreV6:
                throw new PacketValidationException(src is not null ? "nw_src" : "nw_dst", p.SourceAddress ?? p.DestinationAddress,
                    "is an IPv6 address but Protocol is Icmp (ICMPv4); use Icmp6");
            case PacketProtocol.Icmp6 when addressesAreV4:
            case PacketProtocol.Ipv6 when addressesAreV4:
                throw new PacketValidationException(src is not null ? "ipv6_src" : "ipv6_dst", p.SourceAddress ?? p.DestinationAddress,
                    $"is an IPv4 address but Protocol is {p.Protocol} (IPv6)");
            case PacketProtocol.Icmp6:
            case PacketProtocol.Ipv6:
                return true;
            default:
                return addressesAreV6;
        }
    }

    private static IPAddress? ParseAddress(string? text, string direction)
    {
        if (text is null) return null;
        string field = text.Contains(':') ? "ipv6_" + direction : "nw_" + direction;
        return InputValidation.ParseIPAddressStrict(text, field);
    }

    private static string Keyword(PacketProtocol protocol, bool ipv6) => protocol switch
    {
        PacketProtocol.Ip => ipv6 ? "ipv6" : "ip",
        PacketProtocol.Ipv6 => "ipv6",
        PacketProtocol.Tcp => ipv6 ? "tcp6" : "tcp",
        PacketProtocol.Udp => ipv6 ? "udp6" : "udp",
        PacketProtocol.Icmp => "icmp",
        PacketProtocol.Icmp6 => "icmp6",
        PacketProtocol.Arp => "arp",
        _ => throw new PacketValidationException("protocol", protocol.ToString(), "is not a known protocol"),
    };

    private static void AddIp(PacketSpec p, bool ipv6, List<string> fields)
    {
        string prefix = ipv6 ? "ipv6_" : "nw_";
        // ResolveFamily already validated both addresses; render the canonical text (compressed, lower-case IPv6).
        if (p.SourceAddress is not null) fields.Add(prefix + "src=" + IPAddress.Parse(p.SourceAddress));
        if (p.DestinationAddress is not null) fields.Add(prefix + "dst=" + IPAddress.Parse(p.DestinationAddress));
        if (p.Ttl is int ttl) fields.Add("nw_ttl=" + Num(InputValidation.ValidateRange(ttl, 0, 255, "nw_ttl")));

        bool l4 = p.Protocol is PacketProtocol.Tcp or PacketProtocol.Udp;
        string l4Name = p.Protocol == PacketProtocol.Udp ? "udp" : "tcp";
        if (l4)
        {
            if (p.SourcePort is int sp) fields.Add($"{l4Name}_src=" + Num(InputValidation.ValidatePort(sp, l4Name + "_src")));
            if (p.DestinationPort is int dp) fields.Add($"{l4Name}_dst=" + Num(InputValidation.ValidatePort(dp, l4Name + "_dst")));
        }
        else
        {
            RejectUnless(false, "tp_src", p.SourcePort?.ToString(CultureInfo.InvariantCulture), p.Protocol, "Tcp or Udp");
            RejectUnless(false, "tp_dst", p.DestinationPort?.ToString(CultureInfo.InvariantCulture), p.Protocol, "Tcp or Udp");
        }

        bool icmp = p.Protocol is PacketProtocol.Icmp or PacketProtocol.Icmp6;
        string icmpName = p.Protocol == PacketProtocol.Icmp6 ? "icmpv6" : "icmp";
        if (icmp)
        {
            if (p.IcmpType is int type) fields.Add($"{icmpName}_type=" + Num(InputValidation.ValidateRange(type, 0, 255, icmpName + "_type")));
            if (p.IcmpCode is int code) fields.Add($"{icmpName}_code=" + Num(InputValidation.ValidateRange(code, 0, 255, icmpName + "_code")));
        }
        else
        {
            RejectUnless(false, "icmp_type", p.IcmpType?.ToString(CultureInfo.InvariantCulture), p.Protocol, "Icmp or Icmp6");
            RejectUnless(false, "icmp_code", p.IcmpCode?.ToString(CultureInfo.InvariantCulture), p.Protocol, "Icmp or Icmp6");
        }
        AddNeighborDiscovery(p, fields);
    }

    /// <summary>nd_* fields need icmp6 with type 135 (solicitation) or 136 (advertisement) and code 0.</summary>
    private static void AddNeighborDiscovery(PacketSpec p, List<string> fields)
    {
        if (p.NdTarget is null && p.NdSll is null && p.NdTll is null) return;
        string field = p.NdTarget is not null ? "nd_target" : p.NdSll is not null ? "nd_sll" : "nd_tll";
        string? value = p.NdTarget ?? p.NdSll ?? p.NdTll;
        if (p.Protocol != PacketProtocol.Icmp6 || p.IcmpType is not (135 or 136) || (p.IcmpCode ?? 0) != 0)
            throw new PacketValidationException(field, value,
                "needs Protocol Icmp6 with IcmpType 135 (neighbor solicitation) or 136 (advertisement) and IcmpCode 0");
        if (p.NdTarget is not null) fields.Add("nd_target=" + InputValidation.ParseIPv6Strict(p.NdTarget, "nd_target"));
        if (p.NdSll is not null)
        {
            if (p.IcmpType != 135) throw new PacketValidationException("nd_sll", p.NdSll, "needs IcmpType 135 (neighbor solicitation)");
            fields.Add("nd_sll=" + InputValidation.ParseMac(p.NdSll, "nd_sll"));
        }
        if (p.NdTll is not null)
        {
            if (p.IcmpType != 136) throw new PacketValidationException("nd_tll", p.NdTll, "needs IcmpType 136 (neighbor advertisement)");
            fields.Add("nd_tll=" + InputValidation.ParseMac(p.NdTll, "nd_tll"));
        }
    }

    private static void AddArp(PacketSpec p, List<string> fields)
    {
        RejectUnless(false, "nw_ttl", p.Ttl?.ToString(CultureInfo.InvariantCulture), p.Protocol, "an IP protocol");
        RejectUnless(false, "tp_src", p.SourcePort?.ToString(CultureInfo.InvariantCulture), p.Protocol, "Tcp or Udp");
        RejectUnless(false, "tp_dst", p.DestinationPort?.ToString(CultureInfo.InvariantCulture), p.Protocol, "Tcp or Udp");
        RejectUnless(false, "icmp_type", p.IcmpType?.ToString(CultureInfo.InvariantCulture), p.Protocol, "Icmp or Icmp6");
        RejectUnless(false, "icmp_code", p.IcmpCode?.ToString(CultureInfo.InvariantCulture), p.Protocol, "Icmp or Icmp6");
        RejectUnless(false, "nd_target", p.NdTarget, p.Protocol, "Icmp6");
        RejectUnless(false, "nd_sll", p.NdSll, p.Protocol, "Icmp6");
        RejectUnless(false, "nd_tll", p.NdTll, p.Protocol, "Icmp6");

        if (p.ArpOp is int op)
        {
            if (op is not (1 or 2))
                throw new PacketValidationException("arp_op", Num(op), "is not a valid ARP operation (1 request, 2 reply)");
            fields.Add("arp_op=" + Num(op));
        }
        if (p.ArpSpa is not null) fields.Add("arp_spa=" + InputValidation.ParseIPv4Strict(p.ArpSpa, "arp_spa"));
        if (p.ArpTpa is not null) fields.Add("arp_tpa=" + InputValidation.ParseIPv4Strict(p.ArpTpa, "arp_tpa"));
        if (p.ArpSha is not null) fields.Add("arp_sha=" + InputValidation.ParseMac(p.ArpSha, "arp_sha"));
        if (p.ArpTha is not null) fields.Add("arp_tha=" + InputValidation.ParseMac(p.ArpTha, "arp_tha"));
    }

    private static void RejectUnless(bool allowed, string field, string? value, PacketProtocol protocol, string? needs = null)
    {
        if (allowed || value is null) return;
        throw new PacketValidationException(field, value,
            needs is null
                ? $"cannot be used with Protocol {protocol} (needs Arp)"
                : $"cannot be used with Protocol {protocol} (needs {needs})");
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
