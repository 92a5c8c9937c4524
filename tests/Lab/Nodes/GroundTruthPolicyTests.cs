using System.Net;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;

namespace AciTrace.Tests.Lab.Nodes;

/// <summary>NetworkPolicy semantics of the ground truth, from specs alone (no OVS).</summary>
public sealed class GroundTruthPolicyTests
{
    private const string Base = """
        podSubnets: [{cidr: 10.2.0.0/16}]
        nodes: [{name: n1}, {name: n2}]
        namespaces:
          - {name: a, labels: {team: red}}
          - {name: b, labels: {team: blue}}
        pods:
          - {namespace: a, name: web, node: n1, ip: 10.2.0.10, labels: {app: web}, ports: [{name: http, containerPort: 8080}]}
          - {namespace: a, name: cli, node: n1, ip: 10.2.0.11, labels: {app: cli}}
          - {namespace: b, name: other, node: n2, ip: 10.2.1.10, labels: {app: cli}}
          - {namespace: b, name: db, node: n2, ip: 10.2.1.11, labels: {app: db}, ports: [{name: pg, containerPort: 5432}]}
        """;

    private static (ResolvedCluster C, GroundTruthEngine G) Make(string policies) =>
        SpecResolver.Resolve(SpecResolver.Parse(Base + "\nnetworkPolicies:\n" + policies)) is var c ? (c, new GroundTruthEngine(c)) : default;

    private static TraceVerdict Verdict(string policies, string from, string to, string proto, int? port)
    {
        var (c, g) = Make(policies);
        var src = c.Pods.First(p => p.Name == from);
        var dst = c.Pods.First(p => p.Name == to);
        return g.Evaluate(new PacketQuery(src, dst.Ip, proto, 40000, port))[0].Verdict;
    }

    private const string None = "  []";

    [Fact] public void NoPolicyAllowsEverything() => Assert.Equal(TraceVerdict.Deliver, Verdict(None, "cli", "web", "tcp", 1234));

    [Fact]
    public void DefaultDenyIngressDropsAtDestinationBrAccessTable4()
    {
        var (c, g) = Make("  - {namespace: a, name: deny, spec: {podSelector: {}}}");
        var o = g.Evaluate(new PacketQuery(c.FindPod("a", "cli")!, c.FindPod("a", "web")!.Ip, "tcp", 40000, 8080))[0];
        Assert.Equal(TraceVerdict.Drop, o.Verdict);
        Assert.Equal(("n1", "br-access", (int?)4), (o.Drop!.Node, o.Drop.Bridge, o.Drop.Table));
    }

    [Fact] public void PolicyInOtherNamespaceDoesNotIsolate() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: b, name: deny, spec: {podSelector: {}}}", "cli", "web", "tcp", 8080));

    [Fact] public void IngressPortAllowed() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: a, name: p, spec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: \"8080\"}]}]}}", "cli", "web", "tcp", 8080));

    [Fact] public void IngressOtherPortDropped() => Assert.Equal(TraceVerdict.Drop, Verdict("  - {namespace: a, name: p, spec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: \"8080\"}]}]}}", "cli", "web", "tcp", 80));

    [Fact] public void IngressProtocolMismatchDropped() => Assert.Equal(TraceVerdict.Drop, Verdict("  - {namespace: a, name: p, spec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: \"8080\", protocol: UDP}]}]}}", "cli", "web", "tcp", 8080));

    [Fact] public void NamedPortResolvedOnDestination() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: a, name: p, spec: {podSelector: {}, ingress: [{ports: [{port: http}]}]}}", "cli", "web", "tcp", 8080));

    [Fact] public void NamedPortMissingOnDestinationDrops() => Assert.Equal(TraceVerdict.Drop, Verdict("  - {namespace: a, name: p, spec: {podSelector: {}, ingress: [{ports: [{port: pg}]}]}}", "cli", "web", "tcp", 5432));

    [Fact] public void EndPortRange() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: a, name: p, spec: {podSelector: {}, ingress: [{ports: [{port: \"8000\", endPort: 8100}]}]}}", "cli", "web", "tcp", 8080));

    [Fact] public void PodSelectorPeerSameNamespaceOnly() => Assert.Equal(TraceVerdict.Drop, Verdict("  - {namespace: b, name: p, spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: cli}}}]}]}}", "cli", "db", "tcp", 5432));

    [Fact] public void PodSelectorPeerAllowsSameNamespacePod() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: b, name: p, spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: cli}}}]}]}}", "other", "db", "tcp", 5432));

    [Fact] public void NamespaceSelectorPeer() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: b, name: p, spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: red}}}]}]}}", "cli", "db", "tcp", 5432));

    [Fact] public void NamespaceAndPodSelectorMustBothMatch() => Assert.Equal(TraceVerdict.Drop, Verdict("  - {namespace: b, name: p, spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: red}}, podSelector: {matchLabels: {app: web}}}]}]}}", "cli", "db", "tcp", 5432));

    [Fact] public void MatchExpressionsNotIn() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: b, name: p, spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: team, operator: NotIn, values: [blue]}]}}]}]}}", "cli", "db", "tcp", 5432));

    [Fact] public void IpBlockAllows() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: b, name: p, spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.2.0.0/16}}]}]}}", "cli", "db", "tcp", 5432));

    [Fact] public void IpBlockExceptDrops() => Assert.Equal(TraceVerdict.Drop, Verdict("  - {namespace: b, name: p, spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.2.0.0/16, except: [10.2.0.0/24]}}]}]}}", "cli", "db", "tcp", 5432));

    [Fact]
    public void EgressOnlyDropsAtSourceBrAccessTable6AndLeavesIngressOpen()
    {
        const string np = "  - {namespace: a, name: e, spec: {podSelector: {matchLabels: {app: cli}}, policyTypes: [Egress], egress: [{ports: [{port: \"5432\"}]}]}}";
        var (c, g) = Make(np);
        var o = g.Evaluate(new PacketQuery(c.FindPod("a", "cli")!, c.FindPod("a", "web")!.Ip, "tcp", 40000, 8080))[0];
        Assert.Equal(("n1", "br-access", (int?)6), (o.Drop!.Node, o.Drop.Bridge, o.Drop.Table));
        Assert.Equal(TraceVerdict.Deliver, Verdict(np, "web", "cli", "tcp", 9999));
    }

    [Fact]
    public void BothTypesWithoutRulesDenyBothDirections()
    {
        const string np = "  - {namespace: a, name: iso, spec: {podSelector: {matchLabels: {app: cli}}, policyTypes: [Ingress, Egress]}}";
        Assert.Equal(TraceVerdict.Drop, Verdict(np, "cli", "web", "tcp", 8080));
        Assert.Equal(TraceVerdict.Drop, Verdict(np, "web", "cli", "tcp", 8080));
    }

    [Fact] public void EgressRulesImplyEgressTypeWhenPolicyTypesAbsent() => Assert.Equal(TraceVerdict.Drop, Verdict("  - {namespace: a, name: e, spec: {podSelector: {matchLabels: {app: cli}}, egress: [{to: [{ipBlock: {cidr: 10.9.0.0/16}}]}]}}", "cli", "web", "tcp", 8080));

    [Fact] public void AnyAllowingPolicyWins() => Assert.Equal(TraceVerdict.Deliver, Verdict("  - {namespace: a, name: p1, spec: {podSelector: {}, ingress: [{ports: [{port: \"1\"}]}]}}\n  - {namespace: a, name: p2, spec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: \"8080\"}]}]}}", "cli", "web", "tcp", 8080));

    [Fact] public void IcmpAndArpPassAciStaticDiscovery()
    {
        const string np = "  - {namespace: a, name: deny, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}}";
        Assert.Equal(TraceVerdict.Deliver, Verdict(np, "cli", "web", "icmp", null));
        Assert.Equal(TraceVerdict.Deliver, Verdict(np, "cli", "web", "arp", null));
    }

    [Fact]
    public void CrossNodeDropsReportTheRightNodeAndTunnelIds()
    {
        var (c, g) = Make("  - {namespace: b, name: deny, spec: {podSelector: {}}}");
        var src = c.FindPod("a", "cli")!;
        var dst = c.FindPod("b", "db")!;
        var o = g.Evaluate(new PacketQuery(src, dst.Ip, "tcp", 40000, 5432))[0];
        Assert.Equal("n2", o.Drop!.Node);
        Assert.Equal(src.Epg!.Vnid, o.Legs[0].TunnelIdOut);
        Assert.Equal(dst.Epg!.Vnid, o.Legs[1].TunnelIdIn);
    }

    [Fact]
    public void SpecValidationReportsPreciseErrors()
    {
        var e = Assert.Throws<LabSpecException>(() => SpecResolver.Resolve(SpecResolver.Parse(Base + """

            services: [{namespace: a, name: s, ports: [{port: 70000}]}]
            networkPolicies:
              - {namespace: a, name: bad, spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.2.0.0/16, except: [10.3.0.0/24]}}], ports: [{port: "x_y"}]}]}}
            """)));
        Assert.Contains(e.Errors, x => x.StartsWith("services[0].ports[0].port:", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("networkPolicies[0].spec.ingress[0].from[0].ipBlock.except:", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("networkPolicies[0].spec.ingress[0].ports[0].port:", StringComparison.Ordinal));
    }
}
