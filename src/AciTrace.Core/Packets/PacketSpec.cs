namespace AciTrace.Packets;

/// <summary>
/// L3/L4 protocol of a simulated packet. Tcp, Udp and Ip follow the address family of the addresses
/// (tcp/tcp6, udp/udp6, ip/ipv6); Icmp is ICMPv4 only, Icmp6 and Ipv6 are IPv6 only, Arp carries no IP header.
/// </summary>
public enum PacketProtocol
{
    Ip = 0,
    Tcp,
    Udp,
    Icmp,
    Icmp6,
    Arp,
    Ipv6,
}

/// <summary>
/// A typed description of the packet handed to <c>ovs-appctl ofproto/trace</c>. Every value is validated by
/// <see cref="FlowStringBuilder.Build"/> before anything is rendered; unset (null) fields are left out of the flow
/// and OVS uses zero for them.
/// </summary>
public sealed record PacketSpec
{
    /// <summary>Ingress port on the traced bridge (name or OpenFlow number).</summary>
    public required PortRef InPort { get; init; }

    public PacketProtocol Protocol { get; init; } = PacketProtocol.Ip;

    /// <summary><c>dl_src</c>.</summary>
    public string? EthSrc { get; init; }

    /// <summary><c>dl_dst</c>.</summary>
    public string? EthDst { get; init; }

    /// <summary><c>dl_vlan</c> and <c>dl_vlan_pcp</c>.</summary>
    public VlanSpec? Vlan { get; init; }

    /// <summary>IPv4 (<c>nw_src</c>) or IPv6 (<c>ipv6_src</c>) source address. Not allowed with Arp (use ArpSpa).</summary>
    public string? SourceAddress { get; init; }

    /// <summary>IPv4 (<c>nw_dst</c>) or IPv6 (<c>ipv6_dst</c>) destination address. Not allowed with Arp (use ArpTpa).</summary>
    public string? DestinationAddress { get; init; }

    /// <summary><c>nw_ttl</c> (IPv4 TTL or IPv6 hop limit), 0-255.</summary>
    public int? Ttl { get; init; }

    /// <summary>tcp_src/udp_src, 1-65535; Tcp and Udp only.</summary>
    public int? SourcePort { get; init; }

    /// <summary>tcp_dst/udp_dst, 1-65535; Tcp and Udp only.</summary>
    public int? DestinationPort { get; init; }

    /// <summary><c>icmp_type</c> (Icmp) or <c>icmpv6_type</c> (Icmp6), 0-255.</summary>
    public int? IcmpType { get; init; }

    /// <summary><c>icmp_code</c> (Icmp) or <c>icmpv6_code</c> (Icmp6), 0-255.</summary>
    public int? IcmpCode { get; init; }

    /// <summary>Neighbor discovery target (Icmp6 type 135 or 136, code 0).</summary>
    public string? NdTarget { get; init; }

    /// <summary>ND source link-layer address option (Icmp6 type 135).</summary>
    public string? NdSll { get; init; }

    /// <summary>ND target link-layer address option (Icmp6 type 136).</summary>
    public string? NdTll { get; init; }

    /// <summary><c>arp_op</c>: 1 request, 2 reply.</summary>
    public int? ArpOp { get; init; }

    /// <summary><c>arp_sha</c> (sender MAC).</summary>
    public string? ArpSha { get; init; }

    /// <summary><c>arp_tha</c> (target MAC).</summary>
    public string? ArpTha { get; init; }

    /// <summary><c>arp_spa</c> (sender IPv4).</summary>
    public string? ArpSpa { get; init; }

    /// <summary><c>arp_tpa</c> (target IPv4).</summary>
    public string? ArpTpa { get; init; }

    /// <summary><c>tun_id</c>, the full 64-bit tunnel key (a VXLAN VNID uses the low 24 bits).</summary>
    public ulong? TunId { get; init; }

    /// <summary><c>tun_src</c> (outer IPv4 source).</summary>
    public string? TunSrc { get; init; }

    /// <summary><c>tun_dst</c> (outer IPv4 destination).</summary>
    public string? TunDst { get; init; }

    /// <summary><c>ct_state</c> preset, rendered <c>trk|est</c>.</summary>
    public CtStateSet? CtState { get; init; }

    /// <summary><c>ct_mark</c> preset.</summary>
    public uint? CtMark { get; init; }

    /// <summary><c>ct_zone</c> preset, 0-65535.</summary>
    public int? CtZone { get; init; }

    /// <summary>Register presets: key 0-15 (<c>reg0</c>..<c>reg15</c>), 32-bit values.</summary>
    public IReadOnlyDictionary<int, uint>? Registers { get; init; }

    /// <summary><c>metadata</c> preset (64-bit).</summary>
    public ulong? Metadata { get; init; }
}
