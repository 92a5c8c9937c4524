using System.Text.Json;
using AciTrace.Judging;
using AciTrace.Replay.Ovs;
using AciTrace.Ovs;

namespace AciTrace.Tests.Unit.Ovs;

/// <summary>
/// What a careful reader expects of a captured trace (expected.json beside trace.txt), and the judge context the
/// scenario's node topology gives (patch, tunnel and uplink ports; the destination port of delivered scenarios).
/// </summary>
internal sealed record FixtureExpectation(
    string Verdict, string? DropBridge, int? DropTable, int? OutPort, string? TunnelId, string? TunnelDst,
    string? Dnat, string? Snat, IReadOnlyList<(string Bridge, bool IsResume)> Passes, bool IsError, string? DropKind = null)
{
    public static FixtureExpectation Load(string directory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "expected.json")));
        var e = doc.RootElement;
        string? S(string n) => e.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? I(string n) => e.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        var passes = e.TryGetProperty("passes", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(x => (x.GetProperty("bridge").GetString()!, x.GetProperty("isResume").GetBoolean())).ToList()
            : new List<(string, bool)>();
        return new FixtureExpectation(S("verdict") ?? "Unknown", S("dropBridge"), I("dropTable"), I("outPort"), S("tunnelId"),
            S("tunnelDst"), S("dnat"), S("snat"), passes, e.TryGetProperty("error", out var err) && err.ValueKind is not (JsonValueKind.Null or JsonValueKind.False),
            S("dropKind"));
    }

    public JudgeContext ContextFor(OvsTopology topology)
    {
        var bridgeOfPort = topology.Bridges.SelectMany(b => b.Ports.Select(p => (p.Name, Bridge: b.Name))).ToDictionary(x => x.Name, x => x.Bridge);
        var context = JudgeContext.Empty;
        foreach (var bridge in topology.Bridges)
        {
            // As the engine sees them from a port map: every patch port leads to the other bridge, whether or not its
            // peer exists (a port whose peer is missing is what patch-port-without-peer shows).
            var patch = bridge.Ports.Where(p => p.Type == OvsPortType.Patch)
                .ToDictionary(p => p.OfPort, p => p.Peer is not null && bridgeOfPort.TryGetValue(p.Peer, out var b) ? b : bridge.Name == "br-access" ? "br-int" : "br-access");
            var tunnel = bridge.Ports.Where(p => p.Type == OvsPortType.Vxlan).Select(p => p.OfPort).ToHashSet();
            var uplink = bridge.Ports.Where(p => p.Name == "eth1").Select(p => p.OfPort).ToHashSet();
            var destination = Verdict == "Deliver" && OutPort is int o && bridge.Name == LastBridge ? new HashSet<int> { o } : new HashSet<int>();
            context = context.With(bridge.Name, new BridgePorts { PatchPorts = patch, TunnelPorts = tunnel, UplinkPorts = uplink, DestinationPorts = destination });
        }
        return context;
    }

    private string? LastBridge => Passes.Count > 0 ? Passes[^1].Bridge : null;

    public void AssertMatches(string name, ParsedTrace parsed, TraceJudgement judged)
    {
        if (IsError)
        {
            Assert.True(parsed.Error is not null, $"{name}: expected an OVS error");
            return;
        }
        Assert.True(parsed.Error is null, $"{name}: unexpected error {parsed.Error}");
        Assert.Equal(Passes, parsed.Passes.Select(p => (p.Bridge, p.IsResume)).ToList());
        Assert.True(Verdict == judged.Verdict.ToString(), $"{name}: verdict {judged.Verdict} ({judged.Reason}), expected {Verdict}");
        if (Verdict == "Drop")
        {
            Assert.True(DropBridge == judged.FirstDrop?.Bridge, $"{name}: drop bridge {judged.FirstDrop?.Bridge}, expected {DropBridge}");
            Assert.True(DropTable == judged.FirstDrop?.DropTable, $"{name}: drop table {judged.FirstDrop?.DropTable}, expected {DropTable}");
            if (DropKind is not null)
                Assert.True(DropKind == judged.FirstDrop?.DropKind.ToString(), $"{name}: drop kind {judged.FirstDrop?.DropKind}, expected {DropKind}");
        }
        if (OutPort is int port && Verdict is "Deliver" or "Forward")
            Assert.True(port == judged.DecisivePass?.OutPort, $"{name}: out port {judged.DecisivePass?.OutPort}, expected {port}");
        Assert.True(TunnelId == judged.TunnelId, $"{name}: tunnel id {judged.TunnelId}, expected {TunnelId}");
        Assert.True(TunnelDst == judged.TunnelDestination, $"{name}: tunnel dst {judged.TunnelDestination}, expected {TunnelDst}");
        Assert.True(Dnat == judged.DnatAddress, $"{name}: dnat {judged.DnatAddress}, expected {Dnat}");
        Assert.True(Snat == judged.SnatAddress, $"{name}: snat {judged.SnatAddress}, expected {Snat}");
    }

    /// <summary>Parses and judges <paramref name="text"/> as the scenario's node would, then asserts.</summary>
    public static void Check(TraceScenario scenario, string text)
    {
        var expected = Load(scenario.Directory);
        var topology = ClusterFixtureFiles.ParseTopology(File.ReadAllText(Path.Combine(ClusterFixtureFiles.ClusterDirectory, scenario.Node, "topology.txt")));
        var parsed = OvsTraceParser.Parse(text);
        var judged = TraceJudge.Judge(parsed, expected.ContextFor(topology));
        expected.AssertMatches(scenario.Name, parsed, judged);
    }
}

public sealed class FixtureVerdictTests
{
    public static TheoryData<string> Scenarios() => FixtureRegenerationTests.Scenarios();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void CapturedTraceIsParsedAndJudgedAsExpected(string name)
    {
        var scenario = TraceScenario.Load(Path.Combine(ClusterFixtureFiles.TracesDirectory, name));
        FixtureExpectation.Check(scenario, File.ReadAllText(Path.Combine(scenario.Directory, "trace.txt")));
    }
}
