using AciTrace.Engine;
using AciTrace.Lab;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;
using AciTrace.Tests.Lab.Nodes;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>The demo lab (real OVS per node + API facade) and one trace session reused by every test of a class.</summary>
public sealed class LabTraceFixture : IAsyncLifetime
{
    private string _state = "";

    public LabEnvironment Env { get; private set; } = null!;
    /// <summary>The session of the default transport (in process).</summary>
    public ITraceSession Session => Sessions[Kube.ClusterTransport.KubernetesClient];

    /// <summary>One session per transport.</summary>
    public IReadOnlyDictionary<Kube.ClusterTransport, ITraceSession> Sessions { get; private set; } = null!;
    public ResolvedCluster Cluster => Env.Resolved;
    public GroundTruthEngine Truth { get; private set; } = null!;

    public ClusterOptions Options => new() { Kubeconfig = Env.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        _state = Directory.CreateTempSubdirectory("acitrace-lab-trace-").FullName;
        Env = await LabEnvironment.StartAsync(LabTestSupport.Sample("demo-cluster.yaml"), _state, new LabEnvironmentOptions { Rbac = true });
        Truth = new GroundTruthEngine(Env.Resolved);
        Sessions = LabSessions.Transports.ToDictionary(t => t, t => LabSessions.Create(Options with { Transport = t }));
    }

    public async Task DisposeAsync()
    {
        foreach (var session in Sessions.Values) await session.DisposeAsync();
        await Env.DisposeAsync();
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    /// <summary>Runs a trace to the end and collects its events (exceptions propagate).</summary>
    public static async Task<TraceRunResult> RunAsync(ITraceSession session, TraceRequest request, CancellationToken ct = default)
    {
        var events = new List<TraceEvent>();
        await foreach (var e in session.RunAsync(request, ct)) events.Add(e);
        return new TraceRunResult(events);
    }
}

public sealed record TraceRunResult(IReadOnlyList<TraceEvent> Events)
{
    public IReadOnlyList<AciBridgePass> Passes => Events.OfType<PassEvent>().Select(e => e.Pass).ToList();
    public IReadOnlyList<AciTraceSummary> Summaries => Events.OfType<SummaryEvent>().Select(e => e.Summary).ToList();
    public AciTraceSummary Request => Summaries.Single(s => s.Direction == TraceDirection.Request);
    public AciTraceSummary? Reply => Summaries.SingleOrDefault(s => s.Direction == TraceDirection.Reply);
}
