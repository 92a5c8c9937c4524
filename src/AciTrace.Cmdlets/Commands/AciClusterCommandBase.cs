using System.Collections.Concurrent;
using System.Management.Automation;
using AciTrace.Commands.Completion;
using AciTrace.Commands.Transport;
using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Commands;

/// <summary>
/// Shared plumbing of the cmdlets that trace in a cluster: cluster parameters, one engine session per invocation, the
/// window of traces in flight (each on a worker thread, every pipeline write on the pipeline thread, in order), and
/// errors written once per cause.
/// </summary>
public abstract class AciClusterCommandBase : PSCmdlet, IDisposable
{
    private const int ProgressActivityId = 0x4AC1;
    private static readonly TimeSpan WorkerGracePeriod = TimeSpan.FromSeconds(10);

    private protected readonly CancellationTokenSource _stopping = new();
    private protected readonly InputTally _tally = new();
    private readonly Queue<PendingInput> _window = new();
    private bool _firstTraceDrained;
    private ITraceSession? _session;
    private AciTraceException? _sessionFailure;
    private bool _disposed;
    private bool _progressShown;

    // Only the cmdlet classes in this assembly derive from the base.
    private protected AciClusterCommandBase()
    {
    }

    #region Cluster parameters

    /// <summary>
    /// <para type="description">How to reach the API server: KubernetesClient (in process: one connection and one login per invocation; the default) or Kubectl (one kubectl process per call). Defaults to $env:ACITRACE_TRANSPORT when set, and to Kubectl when -KubectlPath is given. KubernetesClient falls back to kubectl by itself, with a -Verbose line saying why, when the kubeconfig uses settings the library does not honour (tokenFile, impersonation with as/as-groups, proxy-url) or $env:KUBECONFIG lists several files.</para>
    /// </summary>
    [Parameter]
    public ClusterTransport Transport { get; set; }

    /// <summary>
    /// <para type="description">kubeconfig context to use (kubectl --context). Defaults to the current context.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextCompleter))]
    public string? Context { get; set; }

    /// <summary>
    /// <para type="description">Path of the kubeconfig file (kubectl --kubeconfig). Defaults to $env:KUBECONFIG or ~/.kube/config.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// <para type="description">Path of the kubectl (or oc) executable, for -Transport Kubectl (giving it alone selects that transport). Defaults to $env:ACITRACE_KUBECTL, then kubectl or oc on PATH.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KubectlPath { get; set; }

    /// <summary>
    /// <para type="description">Timeout in seconds of each cluster call the trace makes (one API read or one exec).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    #endregion

    #region What derived cmdlets decide

    /// <summary>How many traces may run at once (the cmdlet's -ThrottleLimit; 1 when it has none).</summary>
    private protected virtual int InFlight => 1;

    /// <summary>The snapshot file read instead of a cluster (the cmdlet's -Snapshot); null: the cluster.</summary>
    private protected virtual string? SnapshotPath => null;

    /// <summary>Whether the traces in flight run their legs together, one exec per node and wave, over this transport.</summary>
    private protected virtual bool BatchLegs(ClusterTransport transport) => false;

    /// <summary>Writes what one trace produced as it arrives (passes, hops or summaries), on the pipeline thread.</summary>
    private protected abstract void WriteTraceOutput(TraceEvent traceEvent);

    /// <summary>One input is done: its summaries (one per direction) and whether every direction was delivered.</summary>
    private protected virtual void OnInputDone(PendingInput input, IReadOnlyList<AciTraceSummary> summaries, bool delivered)
    {
    }

    /// <summary>One input failed (its error is written once per cause by the base).</summary>
    private protected virtual void OnInputFailed(object target, AciTraceException failure)
    {
    }

    #endregion

    #region Overrides

    /// <inheritdoc />
    protected override void EndProcessing() => FinishWindow();

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Writes out every input still in the window, ends progress and the session, and says how many inputs a repeated error skipped.</summary>
    private protected void FinishWindow()
    {
        DrainWindow(keep: 0);
        CompleteProgress();
        DisposeSession();
        if (_tally.Suppressed > 0)
        {
            WriteWarning($"{_tally.Suppressed} more input(s) failed with an error already reported above ({_tally.SuppressedErrorIds}); it was written once, not once per input.");
        }
    }

    /// <summary>Starts tracing a request (or records why it cannot be traced) in the window of traces in flight.</summary>
    private protected void Trace(TraceRequest request, object target, string description)
    {
        _tally.Begin();
        // A failure that is the same for every input (no kubeconfig, cluster unreachable...) was reported once:
        // the inputs after it are not traced, only counted (EndProcessing says how many).
        if (_sessionFailure is not null || EnsureSession() is not { } session)
        {
            Admit(PendingInput.Failed(_sessionFailure!, target, description));
            return;
        }

        Admit(PendingInput.Start(session, request, target, description, _stopping.Token));
    }

    /// <summary>Records that the session could not be created for this input (the cause is written once).</summary>
    private protected void RejectForSession(object target, string description)
    {
        _tally.Begin();
        Admit(PendingInput.Failed(_sessionFailure!, target, description));
    }

    /// <summary>Records an input that failed before any cluster call (bad input).</summary>
    private protected void Reject(AciTraceException failure, object target, string description)
    {
        _tally.Begin();
        Admit(PendingInput.Failed(failure, target, description));
    }

    #endregion

    #region Session and pump

    /// <summary>The session of this invocation, created at the first input; null (and <see cref="_sessionFailure"/> set) when it cannot be.</summary>
    private protected ITraceSession? EnsureSession()
    {
        if (_session is not null)
        {
            return _session;
        }

        try
        {
            if (SnapshotPath is { } snapshot)
            {
                _session = OpenSnapshot(snapshot);
                return _session;
            }

            var selection = TransportRules.Select(new ClusterOptions
            {
                Transport = MyInvocation.BoundParameters.ContainsKey(nameof(Transport)) ? Transport : null,
                KubectlPath = ResolveExecutablePath(KubectlPath),
                Kubeconfig = Kubeconfig is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Kubeconfig),
                Context = Context,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
            }, () => KubeApiLoadContext.Factory);
            WriteVerbose($"Using {selection.Reason}.");
            _session = TraceSessionFactory.Create(selection, BatchLegs(selection.Transport));
            return _session;
        }
        catch (AciTraceException ex)
        {
            // The caller reports it (once) and every input after it is skipped.
            _sessionFailure = ex;
            return null;
        }
    }

    private static readonly string[] ClusterParameters = [nameof(Transport), nameof(Context), nameof(Kubeconfig), nameof(KubectlPath)];

    /// <summary>How long the end of a snapshot command waits for its private OVS daemons to stop and its folder to go.</summary>
    private static readonly TimeSpan SnapshotDisposal = TimeSpan.FromSeconds(60);

    /// <summary>Text from a file (a snapshot's manifest) without control characters, so it cannot drive the terminal.</summary>
    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    /// <summary>A session over a snapshot file: its objects, agent files and recorded answers, its flows in private local OVS.</summary>
    private ITraceSession OpenSnapshot(string snapshot)
    {
        if (ClusterParameters.Where(MyInvocation.BoundParameters.ContainsKey).FirstOrDefault(p => !IsSessionDefault(p)) is { } clash)
        {
            throw new AciTraceException(ErrorIds.SnapshotConflictsWithCluster, AciErrorKind.InvalidArgument,
                $"-Snapshot reads a snapshot file, -{clash} a cluster: give one or the other.", snapshot);
        }

        var client = AciTrace.Replay.Snapshot.SnapshotKubeClient.Open(SessionState.Path.GetUnresolvedProviderPathFromPSPath(snapshot), _stopping.Token);
        try
        {
            var manifest = client.Manifest;
            WriteVerbose($"Using snapshot {snapshot}, taken {manifest.TakenAt:u}{(manifest.Context is null ? "" : $" through context {Printable(manifest.Context)}")} " +
                $"with AciTrace {Printable(manifest.ToolVersion)}: nodes {string.Join(", ", manifest.Nodes.Select(n => n.Name))}.");
            foreach (var warning in manifest.Warnings)
            {
                WriteWarning($"The snapshot says: {Printable(warning)}");
            }
        }
        catch
        {
            client.DisposeAsync().AsTask().Wait(SnapshotDisposal);
            throw;
        }

        return TraceSessionFactory.CreateOwning(client);
    }

    /// <summary>
    /// Whether a bound parameter holds the value $PSDefaultParameterValues gives it for this cmdlet (a session-wide
    /// default, such as the lab's kubeconfig): beside -Snapshot it is not used, rather than a conflict.
    /// </summary>
    private bool IsSessionDefault(string parameter)
    {
        if (SessionState.PSVariable.GetValue("PSDefaultParameterValues") is not System.Collections.IDictionary defaults)
        {
            return false;
        }

        var bound = MyInvocation.BoundParameters[parameter];
        foreach (System.Collections.DictionaryEntry entry in defaults)
        {
            if (entry.Key is not string key || key.Split(':', 2) is not [var cmdlet, var name]
                || !name.Trim().Equals(parameter, StringComparison.OrdinalIgnoreCase)
                || !WildcardPattern.Get(cmdlet.Trim(), WildcardOptions.IgnoreCase).IsMatch(MyInvocation.MyCommand.Name))
            {
                continue;
            }

            var value = entry.Value is PSObject p ? p.BaseObject : entry.Value;
            if (Equals(value?.ToString(), bound?.ToString()))
            {
                WriteVerbose($"-{parameter} comes from $PSDefaultParameterValues and is not used: -Snapshot reads the file instead of a cluster.");
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Adds an input to the window of traces in flight (at most <see cref="InFlight"/> running at once), then
    /// writes out, in input order, every input at the front of the window that is done, and the oldest ones until
    /// the window has room again.
    /// </summary>
    private void Admit(PendingInput input)
    {
        _window.Enqueue(input);
        // The first trace runs alone: a failure that concerns every input (no kubeconfig, API unreachable) is then
        // known before a second input makes a cluster call, and the session's shared lookups are warm.
        DrainWindow(keep: _firstTraceDrained ? InFlight - 1 : 0);
    }

    /// <summary>Takes inputs out of the window in order while more than <paramref name="keep"/> remain or the oldest is done.</summary>
    private void DrainWindow(int keep)
    {
        try
        {
            while (_window.Count > 0 && (_window.Count > keep || _window.Peek().IsReady))
            {
                using var input = _window.Dequeue();
                Drain(input);
            }
        }
        catch
        {
            // The pipeline is stopping (Ctrl+C, Select-Object -First, -ErrorAction Stop): no trace may keep running.
            StopWindow();
            throw;
        }
    }

    /// <summary>Cancels every trace still in the window at once, then waits (one grace period for all) for their workers.</summary>
    private void StopWindow()
    {
        var inputs = _window.ToArray();
        _window.Clear();
        PendingInput.StopAll(inputs, WorkerGracePeriod);
    }

    /// <summary>
    /// Writes one input's outcome on the pipeline thread (cmdlet Write* methods must not be called from other
    /// threads): the trace's events as its worker queued them, then success, not delivered, or its error.
    /// </summary>
    private void Drain(PendingInput input)
    {
        if (input.ImmediateFailure is { } immediate)
        {
            ReportFailure(immediate, input.Target);
            return;
        }

        var summaries = new List<AciTraceSummary>();
        var completed = false;
        try
        {
            foreach (var traceEvent in input.Events!.GetConsumingEnumerable(input.Cancellation!.Token))
            {
                Handle(traceEvent, input.Description, summaries);
            }

            completed = true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Ctrl+C / Stop: PowerShell ends the pipeline itself once StopProcessing has run.
        }
        finally
        {
            // Also reached when a downstream command stops the pipeline early (Select-Object -First) without
            // StopProcessing: cancel so the engine stops its cluster calls, then let the worker finish.
            input.Stop(WorkerGracePeriod);
        }

        if (!completed)
        {
            return;
        }

        _firstTraceDrained = true;
        var failure = input.Failure;
        var target = input.Target;
        var description = input.Description;
        switch (failure)
        {
            case null:
                var success = summaries.Count > 0 && summaries.All(InputRules.IsSuccess);
                _tally.Finished(success ? InputOutcome.Success : InputOutcome.NotDelivered);
                OnInputDone(input, summaries, success);
                break;
            case OperationCanceledException when _stopping.IsCancellationRequested:
                break;
            case AciTraceException traceException:
                ReportFailure(traceException, target);
                break;
            default:
                ReportFailure(new AciTraceException(ErrorIds.TraceEngineFailure, AciErrorKind.InvalidResult,
                    $"The trace of {description} failed unexpectedly: {failure.Message}", description, failure), target);
                break;
        }
    }

    private void Handle(TraceEvent traceEvent, string description, List<AciTraceSummary> summaries)
    {
        switch (traceEvent)
        {
            case PassEvent:
                WriteTraceOutput(traceEvent);
                break;
            case SummaryEvent { Summary: var summary }:
                summaries.Add(summary);
                WriteTraceOutput(traceEvent);
                break;
            case ProgressEvent progress:
                _progressShown = true;
                WriteProgress(new ProgressRecord(ProgressActivityId, $"AciTrace: {_tally.Describe()}",
                    $"{description}: {(string.IsNullOrWhiteSpace(progress.Status) ? progress.Activity : progress.Status)}")
                {
                    PercentComplete = _tally.Expected is null ? Math.Clamp(progress.PercentComplete, -1, 100) : _tally.PercentDone,
                });
                break;
            case VerboseEvent verbose:
                WriteVerbose(verbose.Message);
                break;
            case WarningEvent warning:
                WriteWarning(warning.Message);
                break;
        }
    }

    #endregion

    #region Errors

    /// <summary>
    /// Non-terminating: one bad input never stops the others (-ErrorAction Stop still stops). TargetObject is always
    /// the failing input; the detail (which pod, which node) is in the message. An error that is the same for every
    /// input is written once; the inputs it fails afterwards are counted and named in one warning at the end.
    /// </summary>
    private void ReportFailure(AciTraceException ex, object target)
    {
        // A session that could not be created fails every input the same way, whatever the ErrorId.
        var sessionWide = IsSessionWide(ex) || ReferenceEquals(ex, _sessionFailure);
        // No input can succeed after these: skip the rest without another cluster call (a forbidden read may concern
        // one namespace only, so it is written once but does not stop the others).
        if (sessionWide && ex.ErrorId != ErrorIds.KubeForbidden)
        {
            _sessionFailure ??= ex;
        }

        var first = _tally.Failed(ex, sessionWide || OncePerCauseErrorIds.Contains(ex.ErrorId));
        OnInputFailed(target, ex);

        if (first)
        {
            WriteError(new ErrorRecord(ex, ex.ErrorId, MapCategory(ex.Kind), target));
        }
    }

    /// <summary>Failures that do not depend on the input: written once per invocation.</summary>
    internal static bool IsSessionWide(AciTraceException ex) => SessionWideErrorIds.Contains(ex.ErrorId);

    private static readonly HashSet<string> SessionWideErrorIds = new(StringComparer.Ordinal)
    {
        ErrorIds.KubectlNotFound, ErrorIds.KubeconfigNotFound, ErrorIds.KubeContextNotFound,
        ErrorIds.ClusterUnreachable, ErrorIds.KubeUnauthorized, ErrorIds.KubeForbidden,
        ErrorIds.AciSystemNamespaceNotFound, ErrorIds.InvalidTimeout,
        ErrorIds.SnapshotConflictsWithCluster, ErrorIds.SnapshotNotFound, ErrorIds.SnapshotInvalid, ErrorIds.LocalOvsNotInstalled,
    };

    /// <summary>Failures that fail every input that meets them the same way, but not the others: written once per message.</summary>
    private static readonly HashSet<string> OncePerCauseErrorIds = new(StringComparer.Ordinal)
    {
        ErrorIds.LocalOvsFailed, ErrorIds.SnapshotNodeMissing,
    };

    /// <summary>
    /// Every <see cref="AciErrorKind"/> is named after the <see cref="ErrorCategory"/> it stands for (a unit test
    /// checks the names against System.Management.Automation), so the mapping is by name.
    /// </summary>
    internal static ErrorCategory MapCategory(AciErrorKind kind) =>
        Enum.TryParse<ErrorCategory>(kind.ToString(), ignoreCase: false, out var category) ? category : ErrorCategory.NotSpecified;

    #endregion

    #region Paths and disposal

    private string? ResolveExecutablePath(string? path)
    {
        if (path is null)
        {
            return null;
        }

        // A bare command name is looked up on PATH by the engine; a path is relative to the PowerShell location,
        // not to the process directory.
        return path.IndexOfAny(['/', '\\']) < 0 ? path : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }

    private void CompleteProgress()
    {
        if (_progressShown && !_stopping.IsCancellationRequested)
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, "AciTrace", _tally.Describe()) { RecordType = ProgressRecordType.Completed });
            _progressShown = false;
        }
    }

    private void DisposeSession()
    {
        var session = _session;
        _session = null;
        if (session is null)
        {
            return;
        }

        try
        {
            // A snapshot's session stops local OVS daemons: wait for them, or they would outlive a pwsh -c.
            session.DisposeAsync().AsTask().Wait(SnapshotPath is null ? WorkerGracePeriod : SnapshotDisposal);
        }
        catch (AggregateException)
        {
            // Disposal failures must not hide the command's own output or errors.
        }
    }

    /// <summary>PowerShell disposes the cmdlet when the command ends, including after Stop.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        StopWindow();
        DisposeSession();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    #endregion
}
