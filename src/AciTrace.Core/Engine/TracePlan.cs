using System.Net;
using System.Net.Sockets;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>A pod resolved to everything a trace needs: node, address, endpoint file, EPG and VNID.</summary>
internal sealed record ResolvedPod(PodInfo Pod, IPAddress Address, NodeSystemPods? System, EndpointFile? Endpoint, EpgInfo? Epg)
{
    public string Node => Pod.NodeName ?? "";
    public bool HostNetwork => Pod.HostNetwork;
    public string? Mac => Endpoint?.Mac;
    public string? Veth => Endpoint?.HostInterface;
    public uint? Vnid => Epg?.Vnid;
    /// <summary>The EPG as ACI CNI names it (<c>app-profile|epg</c>), the form the decoder shows.</summary>
    public string EpgName => Epg?.Name ?? Endpoint?.EndpointGroupName ?? "";
    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;
}

/// <summary>One <c>ofproto/trace</c> run on one node.</summary>
internal sealed record TraceLeg(
    int Number,
    TraceDirection Direction,
    string Node,
    NodeSystemPods System,
    string Description,
    TraceCommand Command,
    IReadOnlyList<string> DestinationVeths);

/// <summary>The L4 part of a packet, already validated.</summary>
internal sealed record L4(TraceProtocol Protocol, int? SourcePort, int? DestinationPort)
{
    public L4 Reversed() => this with { SourcePort = DestinationPort, DestinationPort = SourcePort };

    public string Describe() => Protocol switch
    {
        TraceProtocol.Tcp or TraceProtocol.Udp => $"{Protocol.ToString().ToUpperInvariant()} {SourcePort}->{DestinationPort}",
        TraceProtocol.Icmp => "ICMP echo",
        TraceProtocol.Arp => "ARP",
        _ => "IP",
    };

    public string DescribeDestination() => Protocol switch
    {
        TraceProtocol.Tcp or TraceProtocol.Udp => $"{Protocol.ToString().ToUpperInvariant()} port {DestinationPort}",
        TraceProtocol.Icmp => "ICMP echo",
        TraceProtocol.Arp => "ARP",
        _ => "IP traffic",
    };
}

/// <summary>Builds the packets of each leg. Every value it uses has been validated or comes from the cluster.</summary>
internal static class PacketPlanner
{
    public const string RouterMac = AciDecoder.AciRouterMac;
    public const string TunnelPort = "vxlan0";
    public const int DefaultTtl = 64;
    public const int ReplyRecirculations = 4;

    private static PacketProtocol Map(TraceProtocol p, bool v6) => (p, v6) switch
    {
        (TraceProtocol.Tcp, _) => PacketProtocol.Tcp,
        (TraceProtocol.Udp, _) => PacketProtocol.Udp,
        (TraceProtocol.Icmp, false) => PacketProtocol.Icmp,
        (TraceProtocol.Icmp, true) => PacketProtocol.Icmp6,
        (TraceProtocol.Ip, true) => PacketProtocol.Ipv6,
        _ => PacketProtocol.Ip,
    };

    /// <summary>An IP packet; ICMP is an echo request (or reply when <paramref name="reply"/>).</summary>
    public static PacketSpec Ip(PortRef inPort, string? ethSrc, string? ethDst, IPAddress src, IPAddress dst, L4 l4, bool reply)
    {
        var v6 = dst.AddressFamily == AddressFamily.InterNetworkV6;
        var icmp = l4.Protocol == TraceProtocol.Icmp;
        return new PacketSpec
        {
            InPort = inPort,
            Protocol = Map(l4.Protocol, v6),
            EthSrc = ethSrc,
            EthDst = ethDst,
            SourceAddress = src.ToString(),
            DestinationAddress = dst.ToString(),
            Ttl = DefaultTtl,
            SourcePort = l4.Protocol is TraceProtocol.Tcp or TraceProtocol.Udp ? l4.SourcePort : null,
            DestinationPort = l4.Protocol is TraceProtocol.Tcp or TraceProtocol.Udp ? l4.DestinationPort : null,
            IcmpType = icmp ? (v6 ? (reply ? 129 : 128) : (reply ? 0 : 8)) : null,
            IcmpCode = icmp ? 0 : null,
        };
    }

    public static PacketSpec Arp(PortRef inPort, string ethSrc, string ethDst, int op, string sha, string tha, IPAddress spa, IPAddress tpa) => new()
    {
        InPort = inPort,
        Protocol = PacketProtocol.Arp,
        EthSrc = ethSrc,
        EthDst = ethDst,
        ArpOp = op,
        ArpSha = sha,
        ArpTha = tha,
        ArpSpa = spa.ToString(),
        ArpTpa = tpa.ToString(),
    };

    /// <summary>The same packet arriving from the fabric on vxlan0 with the receiving EPG's VNID.</summary>
    public static PacketSpec FromFabric(PacketSpec p, uint vnid) =>
        p with { InPort = PortRef.Named(TunnelPort), TunId = vnid };

    /// <summary>Options that make every conntrack recirculation resume as an established reply.</summary>
    public static TraceOptions ReplyOptions { get; } = new()
    {
        CtNext = Enumerable.Repeat(CtStateSet.TrackedEstablishedReply, ReplyRecirculations).ToList(),
    };
}

/// <summary>The ACI leaf's predicted drop of a packet between EPGs on different nodes (no contract allows it).</summary>
internal sealed record FabricDrop(string Reason, string Cause, string SourceEpg, string DestinationEpg)
{
    /// <summary>The node and bridge names of the fabric's pass, so reports group it apart from the nodes.</summary>
    public const string Node = "fabric", Bridge = "leaf";
}
