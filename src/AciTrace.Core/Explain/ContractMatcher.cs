using AciTrace.Aci;
using AciTrace.Engine;

namespace AciTrace.Explain;

/// <summary>
/// Whether the contracts bound between two EPGs allow a packet, the way the opflex agent renders them into POL_TABLE
/// (rules "in" for consumer -> provider, "out" for provider -> consumer, bidirectional both; allow rules only).
/// </summary>
public static class ContractMatcher
{
    public const int EtherIPv4 = 0x0800, EtherArp = 0x0806, EtherIPv6 = 0x86dd;

    public static bool Allows(IEnumerable<ContractBinding> bindings, TraceProtocol protocol, bool ipv6, int? sourcePort, int? destinationPort) =>
        bindings.Any(b => b.Contract.Rules.Any(r => r.Allow && Applies(r.Direction, b.Role)
            && (r.Classifiers.Count == 0 || r.Classifiers.Any(c => Matches(c, protocol, ipv6, sourcePort, destinationPort)))));

    private static bool Applies(PolicyRuleDirection? direction, ContractRole role) => role switch
    {
        ContractRole.SourceConsumes => direction is null or PolicyRuleDirection.Bidirectional or PolicyRuleDirection.In,
        ContractRole.SourceProvides => direction is null or PolicyRuleDirection.Bidirectional or PolicyRuleDirection.Out,
        _ => true,
    };

    public static bool Matches(ClassifierInfo c, TraceProtocol protocol, bool ipv6, int? sourcePort, int? destinationPort)
    {
        var ether = protocol == TraceProtocol.Arp ? EtherArp : ipv6 ? EtherIPv6 : EtherIPv4;
        if (c.EtherType is int e && e != 0 && e != ether) return false;
        if (c.Protocol is int p && p != 0)
        {
            int? wanted = protocol switch
            {
                TraceProtocol.Tcp => 6,
                TraceProtocol.Udp => 17,
                TraceProtocol.Icmp => ipv6 ? 58 : 1,
                _ => null,
            };
            if (wanted != p) return false;
        }
        return InRange(destinationPort, c.DestinationFromPort, c.DestinationToPort)
            && InRange(sourcePort, c.SourceFromPort, c.SourceToPort);
    }

    private static bool InRange(int? port, int? from, int? to)
    {
        if (from is null && to is null) return true;
        if (port is null) return false;
        var lo = from ?? to!.Value;
        var hi = to ?? lo;
        return port >= lo && port <= hi;
    }
}
