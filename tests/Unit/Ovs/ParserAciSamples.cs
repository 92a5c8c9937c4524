namespace AciTrace.Tests.Unit.Ovs;

/// <summary>
/// ACI pipeline traces of the two-node cluster of research/opflex-pipeline.md §4, as captured from real OVS 3.1:
/// each is the trace.txt of a scenario in tests/Unit/Fixtures/Traces, whose command.txt holds the command that made it
/// (and the fixture regeneration test re-captures it on live OVS every run).
/// </summary>
internal static class ParserAciSamples
{
    private static string Fixture(string scenario) =>
        File.ReadAllText(Path.Combine(ClusterFixtureFiles.TracesDirectory, scenario, "trace.txt"));

    /// <summary>§4.1 (a): a1 → coredns-1 on node A, udp 53, allowed by contract; delivered to br-access port 6.</summary>
    public static string SameNodeAllowed => Fixture("same-node-dns-allowed");

    /// <summary>§4.2 (b): a1 → a2, no contract: POL table 12 per-RD drop flow, then a miss in table 15.</summary>
    public static string NoContract => Fixture("no-contract-drop");

    /// <summary>§4.3 (c) node B: from vxlan0 to b1, tcp 8080 allowed by b1's ingress policy after the conntrack resume.</summary>
    public static string NodeBIngressAllowed => Fixture("cross-node-ingress-allowed");

    /// <summary>§4.4 (d) node B: tcp 80 not allowed by b1's policy: table-4 drop flow, then table 9 misses.</summary>
    public static string NodeBIngressDenied => Fixture("ingress-netpol-drop");

    /// <summary>§4.5 (e): a2 egress denied at node A's br-access table 6 after the conntrack resume.</summary>
    public static string EgressDenied => Fixture("egress-netpol-drop");

    /// <summary>§4.6 (f) link 0: a1 → ClusterIP 10.96.0.10 udp 53, DNAT to coredns-1 (10.2.0.20) on the same node.</summary>
    public static string ServiceDnatLocal => Fixture("service-dns-local-backend");

    /// <summary>§4.6 reply leg on node A with ct state preset: the DNS snooping flow punts a copy, the packet is delivered.</summary>
    public static string DnsReplyWithSnooping => Fixture("service-dns-reply-preset-ct");

    /// <summary>§4.7 (g): a1 → 93.184.216.34 via SNAT on node A: ct nat(src) then out the uplink eth1 (port 1).</summary>
    public static string SnatEgress => Fixture("snat-outbound");

    /// <summary>§4.3 variant: table 12's POLICY_APPLIED block (priority 8242) drops explicitly, outside the drop table.</summary>
    public static string PolicyAppliedBlock => Fixture("tunnel-policy-applied-drop");
}
