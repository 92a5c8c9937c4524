using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

public class PolicyDumpTests
{
    [Fact]
    public void IndexesByUriAndSubject()
    {
        var dump = AciFixtures.Dump();
        Assert.Equal(35, dump.Objects.Count);
        Assert.Empty(dump.Warnings);
        Assert.Equal(3, dump.OfSubject("GbpEpGroup").Count);
        Assert.Equal(3, dump.OfSubject("gbpepgroup").Count);
        Assert.Equal("GbpBridgeDomain", dump.Find(AciFixtures.BdUri)!.Subject);
        Assert.Null(dump.Find("/nope/"));
    }

    [Fact]
    public void VnidsFromInstContext()
    {
        var dump = AciFixtures.Dump();
        Assert.Equal(0x8c8010u, dump.VnidOfEpg("kube", "kube|app-a"));
        Assert.Equal(0x8c8011u, dump.VnidOfEpg("kube", "kube|app-b"));
        // kube|system's context is linked only through the child's parent_uri.
        Assert.Equal(0x8c8004u, dump.VnidOfEpg("kube", "kube|system"));
        Assert.Null(dump.VnidOfEpg("kube", "kube|nope"));
        Assert.Null(dump.VnidOfEpg("other", "kube|app-a"));

        var epg = dump.EpgByVnid(0x8c8004)!;
        Assert.Equal("kube|system", epg.Name);
        Assert.Equal("kube", epg.PolicySpace);
        Assert.Equal("/PolicyUniverse/PolicySpace/kube/GbpEpGroup/kube%7csystem/", epg.Uri);
        Assert.Equal(32773u, epg.ClassId);
        Assert.Equal(AciFixtures.FdUri, epg.FloodDomainUri);
        Assert.Null(dump.EpgByVnid(0x123456));
    }

    [Fact]
    public void UriLookupIgnoresEscapeCase()
    {
        var dump = AciFixtures.Dump();
        Assert.NotNull(dump.Find("/PolicyUniverse/PolicySpace/kube/GbpEpGroup/kube%7Capp-a/GbpeInstContext/"));
        Assert.NotNull(dump.Find("/PolicyUniverse/PolicySpace/kube/GbpEpGroup/kube%7capp-a/GbpeInstContext"));
        Assert.NotNull(dump.Find("/PolicyUniverse/PolicySpace/%6bube/GbpEpGroup/kube%7capp-a/"));
    }

    [Theory]
    [InlineData("kube|app-a", "kube%7capp-a")]
    [InlineData("a b/c", "a%20b%2fc")]
    [InlineData("x_y-z.w~", "x_y-z.w~")]
    [InlineData("é", "%c3%a9")]
    public void EncodesLikeUriBuilder(string name, string encoded)
    {
        Assert.Equal(encoded, PolicyUri.Encode(name));
        Assert.Equal(name, PolicyUri.Decode(encoded));
    }

    [Fact]
    public void DecodesUppercaseAndMalformedEscapes()
    {
        Assert.Equal("kube|app-a", PolicyUri.Decode("kube%7Capp-a"));
        Assert.Equal("50%", PolicyUri.Decode("50%"));
        Assert.Equal("%zz", PolicyUri.Decode("%zz"));
        Assert.Equal(PolicyUri.Canonical("/a/b%7Cc/"), PolicyUri.Canonical("/a/b%7cc"));
    }

    [Fact]
    public void EpgUriShape() =>
        Assert.Equal("/PolicyUniverse/PolicySpace/kube/GbpEpGroup/aci-containers-kube%7caci-containers-default/GbpeInstContext/",
            PolicyUri.EpgInstContext("kube", "aci-containers-kube|aci-containers-default"));

    [Theory]
    [InlineData("/PolicyUniverse/PolicySpace/kube/GbpBridgeDomain/aci-containers-kube-pod-bd/", "kube/aci-containers-kube-pod-bd")]
    [InlineData("/PolicyUniverse/PolicySpace/kube/GbpEpGroup/kube%7capp-a/", "kube/kube|app-a")]
    [InlineData("/PolicyUniverse/PolicySpace/kube/GbpContract/dns/GbpSubject/s/GbpRule/r/", "kube/r")]
    [InlineData("/PolicyUniverse/PolicySpace/kube/GbpSecGroup/a/,/PolicyUniverse/PolicySpace/kube/GbpSecGroup/b/", "kube/a, kube/b")]
    [InlineData("extbd:/PolicyUniverse/PolicySpace/kube/GbpBridgeDomain/x/", "kube/x (extbd)")]
    [InlineData("", "(none)")]
    [InlineData("3f1c_veth", "3f1c_veth")]
    public void ReadableKeys(string key, string readable) => Assert.Equal(readable, PolicyUri.Readable(key));

    [Fact]
    public void ContractsBetweenEpgs()
    {
        var dump = AciFixtures.Dump();
        var appA = dump.FindEpg("kube", "kube|app-a")!;
        var appB = dump.FindEpg("kube", "kube|app-b")!;
        var system = dump.FindEpg("kube", "kube|system")!;

        var aToDns = dump.ContractsBetween(appA, system);
        var binding = Assert.Single(aToDns);
        Assert.Equal(ContractRole.SourceConsumes, binding.Role);
        Assert.Equal("dns", binding.Contract.Name);
        Assert.Equal(2, binding.Contract.Rules.Count);
        var inRule = binding.Contract.Rules[0];
        Assert.Equal(PolicyRuleDirection.In, inRule.Direction);
        Assert.True(inRule.Allow);
        Assert.Equal("dns-subj", inRule.SubjectName);
        Assert.Equal("udp dport 53", Assert.Single(inRule.Classifiers).Describe());
        Assert.Equal("udp sport 53", binding.Contract.Rules[1].Classifiers.Single().Describe());
        Assert.Equal("allow in udp dport 53", inRule.ToString());

        Assert.Equal(ContractRole.SourceProvides, Assert.Single(dump.ContractsBetween(system, appA)).Role);
        Assert.Empty(dump.ContractsBetween(appA, appB));
        Assert.Empty(dump.ContractsBetween(appA, appA));
    }

    [Fact]
    public void SecurityGroupsWithRemoteSubnets()
    {
        var dump = AciFixtures.Dump();
        var sg = dump.FindSecurityGroup("kube", "kube_np_team-b_allow-8080")!;
        var rule = Assert.Single(sg.Rules);
        Assert.Equal(PolicyRuleDirection.In, rule.Direction);
        Assert.Equal(new[] { "0.0.0.0/0" }, rule.RemoteSubnets);
        Assert.Equal("tcp dport 8080 reflexive", rule.Classifiers.Single().Describe());
        Assert.Null(dump.FindSecurityGroup("kube", "nope"));
    }

    [Fact]
    public void ClassifierByUri()
    {
        var c = AciFixtures.Dump().FindClassifier(AciFixtures.DnsClassifierUri)!;
        Assert.Equal("dns-udp", c.Name);
        Assert.Equal(2048, c.EtherType);
        Assert.Equal(17, c.Protocol);
        Assert.Equal(53, c.DestinationFromPort);
    }

    [Fact]
    public void ToleratesOddElementsAndTypes()
    {
        const string json = """
            [1, {"subject":"X"}, {"uri":"/a/","properties":[{"name":"n","data":"6 (tcp)"},{"data":1},{"name":"f","data":2.0},{"name":"big","data":1e30},{"name":"o","data":{"k":1}}]},
             {"subject":"GbpEpGroup","uri":"/PolicyUniverse/PolicySpace/t/GbpEpGroup/e/","children":"nope"},
             {"subject":"GbpeInstContext","uri":"/PolicyUniverse/PolicySpace/t/GbpEpGroup/e/GbpeInstContext/","properties":[{"name":"encapId","data":"42"}],"parent_uri":"/PolicyUniverse/PolicySpace/t/GbpEpGroup/e/"},
             {"uri":"/a/"}]
            """;
        Assert.True(PolicyDump.TryParse(json, out var dump, out var error), error);
        Assert.Equal(3, dump.Warnings.Count);
        Assert.Equal(42u, dump.VnidOfEpg("t", "e"));
        Assert.Equal("e", dump.EpgByVnid(42)!.Name);
        Assert.False(PolicyDump.TryParse("{}", out _, out var e2));
        Assert.Contains("array", e2);

        Assert.True(PolicyDump.TryParse(json.Replace("""{"uri":"/a/"}]""", "]"), out var d2, out _));
        var a = d2.Find("/a/")!;
        Assert.Equal(6, a.Integer("n"));
        Assert.Equal(2, a.Integer("f"));
        Assert.Null(a.Integer("big"));
        Assert.Equal(PolicyValueKind.Object, a.Property("o")!.Kind);
    }

    [Fact]
    public void ReaderWriterRoundTripOfTheFixture()
    {
        var dump = AciFixtures.Dump();
        var json = dump.ToJson();
        Assert.True(PolicyDump.TryParse(json, out var again, out _));
        Assert.Equal(json, again.ToJson());
        Assert.Equal(0x8c8010u, again.VnidOfEpg("kube", "kube|app-a"));
    }

    [Fact]
    public void BuilderProducesWhatTheReaderUnderstands()
    {
        var b = new PolicyDumpBuilder();
        var rd = b.AddRoutingDomain("kube", "kube-vrf");
        var bd = b.AddBridgeDomain("kube", "pod-bd", rd);
        var fd = b.AddFloodDomain("kube", "pod-fd", bd);
        var cls = b.AddClassifier("kube", "http", new ClassifierSpec { Protocol = 6, DestinationFromPort = 80, DestinationToPort = 80, ConnectionTracking = 1 });
        var deny = b.AddClassifier("kube", "icmp", new ClassifierSpec { Protocol = 1 });
        var web = b.AddContract("kube", "web", new[]
        {
            new PolicyRuleSpec("http-in", PolicyRuleDirection.In, new[] { cls }) { Order = 1 },
            new PolicyRuleSpec("no-icmp", PolicyRuleDirection.Bidirectional, new[] { deny }) { Order = 2, Allow = false },
        });
        b.AddEpg("kube", "kube|front", 0x8c8020, fd, consumes: new[] { web });
        b.AddEpg("kube", "kube|back", 0x8c8021, fd, provides: new[] { web });
        b.AddSecurityGroup("kube", "kube_np_x", new[]
        {
            new PolicyRuleSpec("0_0", PolicyRuleDirection.Out, new[] { cls }) { RemoteSubnets = new[] { "10.2.5.0/24" } },
        });

        var json = b.ToJson();
        Assert.True(PolicyDump.TryParse(json, out var dump, out var error), error);
        Assert.Empty(dump.Warnings);
        Assert.Equal(0x8c8020u, dump.VnidOfEpg("kube", "kube|front"));
        var front = dump.EpgByVnid(0x8c8020)!;
        var back = dump.EpgByVnid(0x8c8021)!;
        Assert.Equal(fd, front.FloodDomainUri);
        var contract = Assert.Single(dump.ContractsBetween(front, back)).Contract;
        Assert.Equal("web", contract.Name);
        Assert.Equal(new[] { "allow in tcp dport 80 reflexive", "deny bidirectional icmp" }, contract.Rules.Select(r => r.ToString()));
        var sg = dump.FindSecurityGroup("kube", "kube_np_x")!;
        Assert.Equal(new[] { "10.2.5.0/24" }, sg.Rules.Single().RemoteSubnets);
        Assert.Equal(PolicyRuleDirection.Out, sg.Rules.Single().Direction);
        Assert.Equal("GbpBridgeDomainToNetworkRSrc", dump.ChildrenOf(dump.Find(bd)!).Single().Subject);
        // Every object but the root has its parent recorded, and the parent lists it.
        foreach (var o in dump.Objects.Where(o => o.Subject != "PolicyUniverse"))
            Assert.Contains(o.Uri, dump.Find(o.ParentUri)!.Children);
    }
}
