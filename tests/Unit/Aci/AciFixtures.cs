using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

/// <summary>Fixture files and the node-A facts of research/opflex-pipeline.md 4.0.</summary>
internal static class AciFixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Aci", name);

    public static string Text(string name)
    {
        var path = PathOf(name);
        Assert.True(File.Exists(path), $"fixture missing: {path}");
        return File.ReadAllText(path);
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static PolicyDump Dump()
    {
        Assert.True(PolicyDump.TryParse(Text("policy-dump.json"), out var dump, out var error), error);
        return dump;
    }

    public const string BdUri = "/PolicyUniverse/PolicySpace/kube/GbpBridgeDomain/aci-containers-kube-pod-bd/";
    public const string FdUri = "/PolicyUniverse/PolicySpace/kube/GbpFloodDomain/aci-containers-kube-pod-fd/";
    public const string RdUri = "/PolicyUniverse/PolicySpace/kube/GbpRoutingDomain/kube-vrf/";
    public const string DnsClassifierUri = "/PolicyUniverse/PolicySpace/kube/GbpeL24Classifier/dns-udp/";
    public const string A1Uuid = "3f1c2a9e-6b1d-4c55-9a0e-0a1b2c3d4e5f_5a3b1c2d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b_veth5a3b1c2d";
    public const string DnsServiceUuid = "c0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b";

    /// <summary>Node A: real port maps from the OVS capture, id maps as a fresh agent allocates them, the dump and input files.</summary>
    public static NodeFacts NodeA()
    {
        Assert.True(EndpointFile.TryParse(Text("a1.ep"), out var a1, out var e1), e1);
        Assert.True(ServiceFile.TryParse(Text("kube-dns.service"), out var dns, out var e2), e2);
        return new NodeFacts
        {
            Node = "node-a",
            IdMaps = new Dictionary<string, IdMap>
            {
                [OpflexIdNamespace.BridgeDomain] = OpflexIdFile.Parse(Bytes("bridgeDomain.id")).Map,
                [OpflexIdNamespace.FloodDomain] = new IdMap(new[] { (1u, FdUri) }),
                [OpflexIdNamespace.RoutingDomain] = new IdMap(new[] { (1u, RdUri) }),
                [OpflexIdNamespace.SecGroupSet] = new IdMap(new[]
                {
                    (1u, ""),
                    (2u, "/PolicyUniverse/PolicySpace/kube/GbpSecGroup/kube_np_static-discovery/,/PolicyUniverse/PolicySpace/kube/GbpSecGroup/kube_np_team-a_egress/"),
                }),
                [OpflexIdNamespace.Conntrack] = new IdMap(new[] { (1u, A1Uuid), (4u, RdUri) }),
                [OpflexIdNamespace.Service] = new IdMap(new[] { (1u, DnsServiceUuid) }),
                [OpflexIdNamespace.L24ClassifierRule] = new IdMap(new[] { (1u, DnsClassifierUri), (2u, "/PolicyUniverse/PolicySpace/kube/GbpeL24Classifier/dns-udp-reverse/") }),
            },
            PolicyDump = Dump(),
            PortMaps = new Dictionary<string, OvsPortMap>
            {
                ["br-access"] = OvsPortMap.Parse(Text("ovs-ofctl-show-br-access.txt")),
                ["br-int"] = OvsPortMap.Parse(Text("ovs-ofctl-of13-show-br-int.txt")),
            },
            Endpoints = new[] { a1 },
            Services = new[] { dns },
        };
    }
}
