namespace AciTrace.Engine;

/// <summary>
/// Lives for one cmdlet invocation: caches node facts (port maps, id maps, policy objects, endpoint files) and
/// API reads across every trace it runs, so many pipeline inputs cost one fact-gathering exec per node.
/// </summary>
public interface ITraceSession : IAsyncDisposable
{
    /// <summary>
    /// Runs one trace, yielding events as they happen. Failures tied to this request are thrown as
    /// <see cref="AciTraceException"/>; cancellation kills every child process.
    /// </summary>
    IAsyncEnumerable<TraceEvent> RunAsync(TraceRequest request, CancellationToken cancellationToken);

    /// <summary>The pairs of a connectivity scope, in source then destination order (API reads only).</summary>
    Task<IReadOnlyList<ConnectivityProbe>> PlanConnectivityAsync(ConnectivityScope scope, CancellationToken cancellationToken);

    /// <summary>A node's flows on one bridge (all tables, or one), decoded.</summary>
    Task<IReadOnlyList<AciFlow>> FlowsAsync(string node, string bridge, int? table, CancellationToken cancellationToken);

    /// <summary>Records the cluster's datapath, agent state and Kubernetes objects in a snapshot file (read-only calls only).</summary>
    /// <param name="request">The file and the nodes.</param>
    /// <param name="progress">Called with what is being recorded, from any thread.</param>
    /// <param name="cancellationToken">Stops every call; no file is left behind.</param>
    Task<AciSnapshot> SaveSnapshotAsync(SnapshotRequest request, Action<string> progress, CancellationToken cancellationToken);
}
