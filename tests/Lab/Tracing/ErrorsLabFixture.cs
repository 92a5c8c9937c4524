using AciTrace.Engine;
using AciTrace.Lab;
using AciTrace.Tests.Lab.Nodes;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// samples/errors-cluster.yaml as a running lab with the RBAC viewer. Fault tests share its API server, so they live
/// in one collection (run one after another) and reset the faults after each test.
/// </summary>
public sealed class ErrorsLabFixture : IAsyncLifetime
{
    private string _state = "";

    public LabEnvironment Env { get; private set; } = null!;

    public ClusterOptions Options => new() { Kubeconfig = Env.KubeconfigPath, Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _state = Directory.CreateTempSubdirectory("acitrace-lab-errors-").FullName;
        Env = await LabEnvironment.StartAsync(LabTestSupport.Sample("errors-cluster.yaml"), _state, new LabEnvironmentOptions { Rbac = true });
    }

    public async Task DisposeAsync()
    {
        await Env.DisposeAsync();
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ErrorsLabCollection : ICollectionFixture<ErrorsLabFixture>
{
    public const string Name = "errors-lab";
}

/// <summary>One demo lab shared by the read-only allowlist, cost and reply-packet tests (no faults are injected there).</summary>
[CollectionDefinition(Name)]
public sealed class DemoLabCollection : ICollectionFixture<LabTraceFixture>
{
    public const string Name = "demo-lab";
}
