using System.Globalization;

namespace AciTrace.Aci;

/// <summary>Direction of a contract or security-group rule (opflex DirectionEnumT).</summary>
public enum PolicyRuleDirection
{
    Bidirectional = 0,
    /// <summary>Toward the provider (contracts) or toward the endpoint (security groups).</summary>
    In = 1,
    /// <summary>From the provider (contracts) or from the endpoint (security groups).</summary>
    Out = 2,
}

/// <summary>An endpoint group and its VNID.</summary>
public sealed class EpgInfo
{
    public string Uri { get; init; } = "";
    public string PolicySpace { get; init; } = "";
    /// <summary>EPG name as in endpoint files: <c>&lt;app-profile&gt;|&lt;epg&gt;</c> or <c>&lt;epg&gt;</c>.</summary>
    public string Name { get; init; } = "";
    /// <summary>GbpeInstContext <c>encapId</c>: the VNID in reg0/reg2 and on the wire.</summary>
    public uint? Vnid { get; init; }
    public uint? ClassId { get; init; }
    public string? MulticastGroupIp { get; init; }
    public string? FloodDomainUri { get; init; }
    public IReadOnlyList<string> ProvidedContracts { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ConsumedContracts { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> IntraContracts { get; init; } = Array.Empty<string>();

    public override string ToString() => $"{PolicySpace}/{Name}";
}

/// <summary>An L2-L4 classifier (GbpeL24Classifier): what a rule matches.</summary>
public sealed class ClassifierInfo
{
    public string Uri { get; init; } = "";
    public string PolicySpace { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>Ethertype (2048 ipv4, 2054 arp, 34525 ipv6).</summary>
    public int? EtherType { get; init; }
    /// <summary>IP protocol (1 icmp, 6 tcp, 17 udp, 58 icmpv6).</summary>
    public int? Protocol { get; init; }
    public int? SourceFromPort { get; init; }
    public int? SourceToPort { get; init; }
    public int? DestinationFromPort { get; init; }
    public int? DestinationToPort { get; init; }
    public int? TcpFlags { get; init; }
    public int? ArpOpcode { get; init; }
    public int? IcmpType { get; init; }
    public int? IcmpCode { get; init; }
    /// <summary>1 = reflexive (conntrack), 0 = normal.</summary>
    public int? ConnectionTracking { get; init; }
    public int? Order { get; init; }
    public PolicyRuleDirection? Direction { get; init; }

    /// <summary>True when matching uses conntrack (reply traffic is allowed implicitly).</summary>
    public bool IsReflexive => ConnectionTracking == 1;

    /// <summary>Short text like <c>udp dport 53</c>, <c>tcp dport 8000-8080 reflexive</c>, <c>arp</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        var proto = Protocol switch
        {
            1 => "icmp", 6 => "tcp", 17 => "udp", 58 => "icmpv6", 132 => "sctp",
            null => null, var p => "proto " + p.Value.ToString(CultureInfo.InvariantCulture),
        };
        var ether = EtherType switch
        {
            0x0800 => "ipv4", 0x0806 => "arp", 0x86dd => "ipv6", 0x8847 => "mpls", 0x88cc => "lldp",
            null => null, var e => "ethertype 0x" + e.Value.ToString("x4", CultureInfo.InvariantCulture),
        };
        if (proto is not null) parts.Add(proto);
        else parts.Add(ether ?? "any");
        if (proto is not null && EtherType == 0x86dd && Protocol != 58) parts.Add("(ipv6)");
        AddRange(parts, "sport", SourceFromPort, SourceToPort);
        AddRange(parts, "dport", DestinationFromPort, DestinationToPort);
        if (ArpOpcode is { } op and > 0) parts.Add(op == 1 ? "request" : op == 2 ? "reply" : "opcode " + op.ToString(CultureInfo.InvariantCulture));
        if (TcpFlags is { } f and > 0) parts.Add("flags 0x" + f.ToString("x", CultureInfo.InvariantCulture));
        if (IsReflexive) parts.Add("reflexive");
        return string.Join(" ", parts);
    }

    private static void AddRange(List<string> parts, string label, int? from, int? to)
    {
        if (from is null && to is null) return;
        var f = from ?? to!.Value;
        var t = to ?? f;
        if (f == 0 && t == 0) return;
        parts.Add(t > f ? $"{label} {f.ToString(CultureInfo.InvariantCulture)}-{t.ToString(CultureInfo.InvariantCulture)}"
                        : $"{label} {f.ToString(CultureInfo.InvariantCulture)}");
    }

    public override string ToString() => $"{PolicySpace}/{Name} ({Describe()})";
}

/// <summary>A contract rule (GbpRule) or security-group rule (GbpSecGroupRule) with its classifiers.</summary>
public sealed class PolicyRuleInfo
{
    public string Uri { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>Name of the GbpSubject / GbpSecGroupSubject the rule sits in.</summary>
    public string SubjectName { get; init; } = "";
    /// <summary>Null when the rule has no direction (the agent ignores such security-group rules).</summary>
    public PolicyRuleDirection? Direction { get; init; }
    public int? Order { get; init; }
    /// <summary>False for a deny rule (GbpAllowDenyAction allow=0); rules without an action allow.</summary>
    public bool Allow { get; init; } = true;
    public IReadOnlyList<ClassifierInfo> Classifiers { get; init; } = Array.Empty<ClassifierInfo>();
    /// <summary>Remote subnets (security-group rules only), as <c>address/prefix</c>.</summary>
    public IReadOnlyList<string> RemoteSubnets { get; init; } = Array.Empty<string>();

    public override string ToString()
    {
        var what = Classifiers.Count == 0 ? "no classifier" : string.Join("; ", Classifiers.Select(c => c.Describe()));
        var dir = Direction is null ? "no direction" : Direction.Value.ToString().ToLowerInvariant();
        var remote = RemoteSubnets.Count == 0 ? "" : " remote " + string.Join(",", RemoteSubnets);
        return $"{(Allow ? "allow" : "deny")} {dir} {what}{remote}";
    }
}

/// <summary>An ACI contract (GbpContract) with its rules in order.</summary>
public sealed class ContractInfo
{
    public string Uri { get; init; } = "";
    public string PolicySpace { get; init; } = "";
    public string Name { get; init; } = "";
    public IReadOnlyList<PolicyRuleInfo> Rules { get; init; } = Array.Empty<PolicyRuleInfo>();
    public override string ToString() => $"{PolicySpace}/{Name}";
}

/// <summary>A security group (GbpSecGroup; one per NetworkPolicy in ACI CNI) with its rules.</summary>
public sealed class SecurityGroupInfo
{
    public string Uri { get; init; } = "";
    public string PolicySpace { get; init; } = "";
    public string Name { get; init; } = "";
    public IReadOnlyList<PolicyRuleInfo> Rules { get; init; } = Array.Empty<PolicyRuleInfo>();
    public override string ToString() => $"{PolicySpace}/{Name}";
}

/// <summary>How a contract relates two EPGs.</summary>
public enum ContractRole
{
    /// <summary>The source EPG consumes and the destination EPG provides (rules "in" apply to the request).</summary>
    SourceConsumes,
    /// <summary>The source EPG provides and the destination EPG consumes.</summary>
    SourceProvides,
    /// <summary>Intra-EPG contract (source and destination in the same EPG).</summary>
    IntraEpg,
}

/// <summary>A contract found between two EPGs.</summary>
public sealed record ContractBinding(ContractInfo Contract, ContractRole Role)
{
    public override string ToString() => $"{Contract} ({Role})";
}
