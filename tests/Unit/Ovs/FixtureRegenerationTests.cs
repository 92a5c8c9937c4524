using System.Diagnostics;
using AciTrace.Replay.Ovs;
using Xunit.Abstractions;

namespace AciTrace.Tests.Unit.Ovs;

/// <summary>Both simulated nodes of Fixtures/Traces/_cluster, started once for the regeneration tests.</summary>
public sealed class TwoNodeClusterFixture : IAsyncLifetime
{
    private readonly Dictionary<string, OvsInstance> _nodes = new(StringComparer.Ordinal);
    private readonly List<string> _directories = [];

    public TimeSpan StartTime { get; private set; }

    public OvsInstance this[string node] => _nodes.TryGetValue(node, out var ovs)
        ? ovs
        : throw new KeyNotFoundException($"No node '{node}' in the cluster (have {string.Join(", ", _nodes.Keys)}).");

    public IReadOnlyCollection<OvsInstance> Nodes => _nodes.Values;

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        foreach (var node in Directory.EnumerateDirectories(ClusterFixtureFiles.ClusterDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            var dir = OvsTestDirectory.Create(node!);
            _directories.Add(dir);
            _nodes[node!] = await ClusterFixtureFiles.StartNodeAsync(node!, dir);
        }
        StartTime = watch.Elapsed;
    }

    public async Task DisposeAsync()
    {
        foreach (var ovs in _nodes.Values)
        {
            await ovs.DisposeAsync();
        }
        foreach (var dir in _directories)
        {
            OvsTestDirectory.DeleteQuietly(dir);
        }
    }
}

/// <summary>
/// Re-runs every Fixtures/Traces/&lt;scenario&gt;/command.txt on the live cluster and checks that OVS still prints
/// trace.txt (recirculation ids normalised). With ACITRACE_RECAPTURE_FIXTURES=&lt;source Traces folder&gt; it rewrites
/// trace.txt there instead (tools/capture-fixtures.sh).
/// </summary>
public sealed class FixtureRegenerationTests(TwoNodeClusterFixture cluster, ITestOutputHelper output) : IClassFixture<TwoNodeClusterFixture>
{
    private const string RecaptureVariable = "ACITRACE_RECAPTURE_FIXTURES";

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in TraceScenario.LoadAll(ClusterFixtureFiles.TracesDirectory))
        {
            data.Add(scenario.Name);
        }
        return data;
    }

    [Fact]
    public void ThereAreAtLeastTwentyScenarios()
    {
        output.WriteLine($"two nodes started, configured and loaded in {cluster.StartTime.TotalMilliseconds:0} ms");
        var scenarios = TraceScenario.LoadAll(ClusterFixtureFiles.TracesDirectory);
        Assert.True(scenarios.Count >= 20, $"only {scenarios.Count} scenarios");
        Assert.All(scenarios, s =>
        {
            Assert.True(File.Exists(Path.Combine(s.Directory, "trace.txt")), $"{s.Name}: trace.txt missing");
            Assert.True(File.Exists(Path.Combine(s.Directory, "expected.json")), $"{s.Name}: expected.json missing");
        });
    }

    [Fact]
    public async Task ClusterHasTheFlowCountsOfTheFlowFiles()
    {
        foreach (var node in new[] { "nodeA", "nodeB" })
        {
            foreach (var bridge in new[] { "br-access", "br-int" })
            {
                var file = File.ReadAllLines(Path.Combine(ClusterFixtureFiles.ClusterDirectory, node, bridge + ".flows"))
                    .Count(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
                var dump = await cluster[node].OfCtlAsync("-O", "OpenFlow13", "dump-flows", bridge, "--no-stats");
                var installed = dump.Split('\n').Count(l => l.Contains("actions=", StringComparison.Ordinal));
                Assert.Equal(file, installed);
            }
        }
    }

    [Theory]
    [InlineData("nodeA")]
    [InlineData("nodeB")]
    public async Task CapturedPortMapEqualsLiveDpifShow(string node)
    {
        // ConvertFrom-AciOvsTrace -PortMap reads this real `ovs-appctl dpif/show` text (tests/Pester).
        var live = await cluster[node].AppCtlAsync("dpif/show");
        var path = Path.Combine(ClusterFixtureFiles.ClusterDirectory, node, "dpif-show.txt");
        var recaptureRoot = Environment.GetEnvironmentVariable(RecaptureVariable);
        if (!string.IsNullOrEmpty(recaptureRoot))
        {
            await File.WriteAllTextAsync(Path.Combine(recaptureRoot, "_cluster", node, "dpif-show.txt"), live);
            return;
        }

        static string[] Ports(string text) => AciTrace.Aci.OvsPortMap.ParseAll(text)
            .SelectMany(b => b.Value.Ports.Select(p => $"{b.Key} {p.OfPort} {p.Name}")).Order(StringComparer.Ordinal).ToArray();
        var captured = Ports(await File.ReadAllTextAsync(path));
        Assert.NotEmpty(captured);
        Assert.Equal(captured, Ports(live));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task LiveTraceEqualsCapturedTrace(string name)
    {
        var scenario = TraceScenario.Load(Path.Combine(ClusterFixtureFiles.TracesDirectory, name));
        var live = await scenario.CaptureAsync(cluster[scenario.Node]);

        var recaptureRoot = Environment.GetEnvironmentVariable(RecaptureVariable);
        if (!string.IsNullOrEmpty(recaptureRoot))
        {
            var target = Path.Combine(recaptureRoot, name, "trace.txt");
            Assert.True(Directory.Exists(Path.GetDirectoryName(target)), $"{RecaptureVariable}: no scenario folder {Path.GetDirectoryName(target)}");
            await File.WriteAllTextAsync(target, live);
            output.WriteLine($"recaptured {target}");
            return;
        }

        var captured = await File.ReadAllTextAsync(Path.Combine(scenario.Directory, "trace.txt"));
        Assert.Equal(TraceNormalizer.Normalize(captured), TraceNormalizer.Normalize(live));
        // The parser and judge must read the live output exactly as they read the fixture.
        FixtureExpectation.Check(scenario, live);
    }
}
