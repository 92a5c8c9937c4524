using AciTrace.Discovery;
using AciTrace.Kube;

namespace AciTrace.Engine;

/// <summary>
/// Runs the legs of traces that are in flight together in one exec per node and wave (<see cref="TraceBatchScript"/>):
/// a leg waits a moment for the legs of other traces on its node, then all of them go in one exec, nodes in parallel.
/// A leg that is alone (one trace in flight), or a batch that fails, runs as its own exec, so its errors stay exactly
/// those of a single trace.
/// </summary>
internal sealed class LegBatcher(IKubeClient kube, Func<int> tracesInFlight)
{
    /// <summary>How long a leg waits for others: short against an exec (tens of ms), long enough for concurrent traces to meet.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(3);

    private sealed record Pending(TraceLeg Leg, TaskCompletionSource<string> Result, Action<string> Verbose, CancellationToken Ct);

    private readonly Dictionary<string, List<Pending>> _queues = new(StringComparer.Ordinal);

    public Task<string> TraceAsync(TraceLeg leg, Action<string> verbose, CancellationToken ct)
    {
        if (tracesInFlight() <= 1 || !TraceBatchScript.Fits(leg.Command)) return NodeExec.TraceAsync(kube, leg, verbose, ct);
        var pending = new Pending(leg, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously), verbose, ct);
        bool first;
        lock (_queues)
        {
            if (!_queues.TryGetValue(leg.Node, out var queue)) _queues[leg.Node] = queue = new List<Pending>();
            queue.Add(pending);
            first = queue.Count == 1;
        }
        if (first) _ = Task.Run(() => FlushAsync(leg.Node));
        return pending.Result.Task.WaitAsync(ct);
    }

    private async Task FlushAsync(string node)
    {
        await Task.Delay(Window).ConfigureAwait(false);
        List<Pending> batch;
        lock (_queues)
        {
            var queue = _queues[node];
            batch = queue.Take(TraceBatchScript.MaxTraces).ToList();
            queue.RemoveRange(0, batch.Count);
            if (queue.Count > 0) _ = Task.Run(() => FlushAsync(node));
        }
        batch = batch.Where(p => !p.Ct.IsCancellationRequested).ToList();
        if (batch.Count == 1)
        {
            await RunAloneAsync(batch[0]).ConfigureAwait(false);
            return;
        }
        if (batch.Count == 0) return;
        var first = batch[0].Leg;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(batch.Select(p => p.Ct).ToArray());
        IReadOnlyList<(string Output, int Status)?> results;
        try
        {
            var argv = TraceBatchScript.Argv(batch.Select(p => p.Leg.Command).ToList());
            batch[0].Verbose($"[{node}] {batch.Count} traces in one exec");
            var result = await NodeExec.OnNode(node, () => kube.ExecAsync(first.System.Namespace, first.System.OpenvSwitch.Name, ClusterDiscovery.OvsContainer, argv, stop.Token)).ConfigureAwait(false);
            results = TraceBatchScript.Parse(result.Stdout, batch.Count);
        }
        catch (Exception)
        {
            // The batch failed as a whole (the exec, or every trace cancelled): each leg runs on its own and gets its own outcome.
            results = new (string, int)?[batch.Count];
        }
        await Task.WhenAll(batch.Select((p, i) =>
            results[i] is { Status: 0 } ok && NodeExec.HasTrace(ok.Output)
                ? Complete(p, ok.Output)
                : RunAloneAsync(p))).ConfigureAwait(false);
    }

    private static Task Complete(Pending p, string output)
    {
        p.Result.TrySetResult(output);
        return Task.CompletedTask;
    }

    /// <summary>A leg on its own exec: the same output, retry and errors as a trace that was never batched.</summary>
    private async Task RunAloneAsync(Pending p)
    {
        try
        {
            p.Result.TrySetResult(await NodeExec.TraceAsync(kube, p.Leg, p.Verbose, p.Ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException e)
        {
            p.Result.TrySetCanceled(e.CancellationToken);
        }
        catch (Exception e)
        {
            p.Result.TrySetException(e);
        }
    }
}
