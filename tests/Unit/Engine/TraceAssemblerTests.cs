using AciTrace.Aci;
using AciTrace.Engine;
using AciTrace.Judging;
using AciTrace.Replay.Ovs;
using AciTrace.Ovs;
using AciTrace.Tests.Unit.Ovs;

namespace AciTrace.Tests.Unit.Engine;

/// <summary>The PowerShell-facing objects built from every captured fixture.</summary>
public class TraceAssemblerTests
{
    public static TheoryData<string> Scenarios() => FixtureRegenerationTests.Scenarios();

    private static (IReadOnlyList<AciBridgePass> Passes, FixtureExpectation Expected, TraceScenario Scenario) Assemble(string name)
    {
        var scenario = TraceScenario.Load(Path.Combine(ClusterFixtureFiles.TracesDirectory, name));
        var expected = FixtureExpectation.Load(scenario.Directory);
        var topology = ClusterFixtureFiles.ParseTopology(File.ReadAllText(Path.Combine(ClusterFixtureFiles.ClusterDirectory, scenario.Node, "topology.txt")));
        var maps = topology.Bridges.ToDictionary(b => b.Name, b => new OvsPortMap(b.Ports.Select(p => (p.OfPort, p.Name)), b.Name));
        var facts = new NodeFacts { Node = scenario.Node, PortMaps = maps };
        var parsed = OvsTraceParser.Parse(File.ReadAllText(Path.Combine(scenario.Directory, "trace.txt")));
        var judged = TraceJudge.Judge(parsed, expected.ContextFor(topology));
        var passes = TraceAssembler.Assemble(new LegContext("t", TraceDirection.Request, 1, scenario.Node, facts), parsed, judged);
        return (passes, expected, scenario);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void PassesAreFlatAndTheDropIsReportedOnce(string name)
    {
        var (passes, expected, scenario) = Assemble(name);
        if (expected.IsError)
        {
            Assert.Empty(passes);
            return;
        }
        Assert.Equal(expected.Passes.Count, passes.Count);
        Assert.All(passes, p => Assert.Equal(scenario.Node, p.Node));
        Assert.All(passes, p => Assert.Equal(p.Hops.Count, p.TablePath.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
        var drops = passes.Where(p => p.Verdict == TraceVerdict.Drop).ToList();
        if (expected.Verdict == "Drop")
        {
            var drop = Assert.Single(drops);
            Assert.Equal(expected.DropBridge, drop.Bridge);
            Assert.Equal(expected.DropTable, drop.DropTable);
            Assert.False(string.IsNullOrEmpty(drop.DropTableName));
            Assert.Contains(drop.Hops, h => h.Verdict == TraceVerdict.Drop);
        }
        else
            Assert.Empty(drops);
        // The first pass starts on the port the command named (by name or number).
        var inPort = scenario.Flow.Split(',').First(f => f.StartsWith("in_port=", StringComparison.Ordinal))[8..];
        var first = passes[0];
        Assert.True(first.InPortName == inPort || first.InPort?.ToString() == inPort, $"{name}: in port {first.InPort}/{first.InPortName}, command {inPort}");
    }

    [Fact]
    public void RegisterWritesAreDecodedAndDropLogExportsLeftOut()
    {
        var (passes, _, _) = Assemble("same-node-dns-allowed");
        var integration = passes.Single(p => p.Bridge == "br-int");
        var source = integration.Hops.Single(h => h.Table == 2);
        Assert.Contains(source.RegisterWrites, w => w.Register == "reg0" && w.Value == "0x8c8010");
        Assert.Contains("reg0 <- 0x8c8010", source.Decoded);
        Assert.Equal(AciTables.Name(AciBridge.Integration, 2), source.TableName);
        Assert.NotEmpty(source.TableName);
        var (dropped, _, _) = Assemble("no-contract-drop");
        var pol = dropped.Single(p => p.Verdict == TraceVerdict.Drop).Hops.Single(h => h.Table == 12);
        Assert.DoesNotContain(pol.RegisterWrites, w => w.Register.StartsWith("tun_metadata", StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(pol.CookieMeaning);
    }

    [Fact]
    public void PatchCrossingsNameBothEnds()
    {
        var (passes, _, _) = Assemble("same-node-dns-allowed");
        Assert.Equal("pa-veth5a3b1c2d", passes[0].OutPortName);
        Assert.Equal("pi-veth5a3b1c2d", passes[1].InPortName);
        Assert.Equal("pi-vethc0ffee01", passes[1].OutPortName);
        Assert.Equal("pa-vethc0ffee01", passes[2].InPortName);
        Assert.Equal("vethc0ffee01", passes[2].OutPortName);
        Assert.Equal(TraceVerdict.Deliver, passes[2].Verdict);
    }
}
