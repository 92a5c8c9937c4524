using System.Collections.Concurrent;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// One pipeline input admitted to the window of traces in flight: either its trace, running on a worker and
/// queueing its events for the pipeline thread, or a failure known at once (a bad value, a session that cannot be
/// created). Inputs leave the window in the order they came, so output, errors and -Quiet booleans keep input order.
/// </summary>
internal sealed class PendingInput : IDisposable
{
    private const int QueueCapacity = 1024;

    private PendingInput(object target, string description)
    {
        Target = target;
        Description = description;
    }

    /// <summary>What an error about this input names (the row, object or pair).</summary>
    public object Target { get; }

    /// <summary>The input as the user wrote it (progress text).</summary>
    public string Description { get; }

    /// <summary>A failure known before any trace ran.</summary>
    public AciTraceException? ImmediateFailure { get; private init; }

    /// <summary>The trace's events, in order; completed when the worker ends.</summary>
    public BlockingCollection<TraceEvent>? Events { get; private init; }

    /// <summary>Cancels this trace (linked to the command's Stop).</summary>
    public CancellationTokenSource? Cancellation { get; private init; }

    /// <summary>The worker running the trace.</summary>
    public Task? Worker { get; private set; }

    /// <summary>What ended the trace early, if anything (read after the worker ended).</summary>
    public Exception? Failure { get; private set; }

    /// <summary>True when taking this input out of the window will not wait for a cluster call.</summary>
    public bool IsReady => Worker is null || Worker.IsCompleted;

    public static PendingInput Failed(AciTraceException failure, object target, string description) =>
        new(target, description) { ImmediateFailure = failure };

    /// <summary>Starts the trace on a worker; its events go to <see cref="Events"/>.</summary>
    public static PendingInput Start(ITraceSession session, TraceRequest request, object target, string description, CancellationToken stopping)
    {
        var input = new PendingInput(target, description)
        {
            Events = new BlockingCollection<TraceEvent>(QueueCapacity),
            Cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping),
        };
        var token = input.Cancellation.Token;
        input.Worker = Task.Run(async () =>
        {
            try
            {
                await foreach (var traceEvent in session.RunAsync(request, token).WithCancellation(token).ConfigureAwait(false))
                {
                    input.Events.Add(traceEvent, token);
                }
            }
            catch (Exception ex)
            {
                input.Failure = ex;
            }
            finally
            {
                input.Events.CompleteAdding();
            }
        });
        return input;
    }

    /// <summary>Stops the trace if it still runs and waits (boundedly) for its worker: no cluster call outlives it.</summary>
    public void Stop(TimeSpan grace) => CancelAndWait([this], grace);

    /// <summary>Stops several inputs: all are cancelled first, then their workers get one grace period together.</summary>
    public static void StopAll(IReadOnlyList<PendingInput> inputs, TimeSpan grace)
    {
        CancelAndWait(inputs, grace);
        foreach (var input in inputs)
        {
            input.Dispose();
        }
    }

    private static void CancelAndWait(IReadOnlyList<PendingInput> inputs, TimeSpan grace)
    {
        foreach (var input in inputs)
        {
            if (input.Worker is { IsCompleted: false })
            {
                input.Cancellation!.Cancel();
            }
        }

        try
        {
            Task.WaitAll(inputs.Select(i => i.Worker).OfType<Task>().ToArray(), grace);
        }
        catch (AggregateException)
        {
            // Each worker records its own failure; nothing else can surface here.
        }
    }

    /// <summary>Frees the queue and token once the worker has ended (a worker still running keeps them until it ends).</summary>
    public void Dispose()
    {
        if (Worker is { IsCompleted: false } running)
        {
            running.ContinueWith(_ => Release(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        Release();
    }

    private void Release()
    {
        Cancellation?.Dispose();
        Events?.Dispose();
    }
}
