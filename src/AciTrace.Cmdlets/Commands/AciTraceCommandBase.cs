using System.Collections.Concurrent;
using System.Management.Automation;
using AciTrace.Commands.Completion;
using AciTrace.Commands.Transport;
using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Commands;

/// <summary>
/// Shared plumbing of the trace cmdlets: cluster parameters, output selection, one engine session per invocation,
/// and the pump that runs each trace on a worker thread while every pipeline write happens on the pipeline thread.
/// </summary>
public abstract class AciTraceCommandBase : PSCmdlet, IDisposable
{
    private const int ProgressActivityId = 0x4AC1;
    private static readonly TimeSpan WorkerGracePeriod = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private readonly InputTally _tally = new();
    private readonly Queue<PendingInput> _window = new();
    private bool _firstTraceDrained;
    private ITraceSession? _session;
    private AciTraceException? _sessionFailure;
    private bool _disposed;
    private bool _progressShown;

    // Only the cmdlet classes in this assembly derive from the base.
    private protected AciTraceCommandBase()
    {
    }

    #region Parameters

    /// <summary>
    /// <para type="description">Source port of the simulated packet (Tcp and Udp only), 1-65535. The engine picks an ephemeral port when omitted. From the pipeline, an empty SourcePort column means "not given"; a value that is not a port is an error for that input.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public PortNumber SourcePort { get; set; }

    /// <summary>
    /// <para type="description">Destination port of the simulated packet (Tcp and Udp only), 1-65535. From the pipeline, an empty DestinationPort column means "not given" (an Icmp row traces); a value that is not a port is an error for that input.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public PortNumber DestinationPort { get; set; }

    /// <summary>
    /// <para type="description">Not for direct use: the pipeline input itself, so that an error names the failing row or object (TargetObject).</para>
    /// </summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Also trace the return direction (destination back to source), as a second trace with Direction Reply.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Reply { get; set; }

    /// <summary>
    /// <para type="description">Trace over IPv6: use the IPv6 addresses of dual-stack pods (and Services) instead of their IPv4 addresses. Get-AciExternalTrace picks the family of -Destination by itself.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter IPv6 { get; set; }

    /// <summary>
    /// <para type="description">What to write: Pass (one object per bridge pass, the default), Hop (one object per flow-table visit) or Summary (one object per trace direction).</para>
    /// </summary>
    [Parameter]
    public TraceOutput Output { get; set; } = TraceOutput.Pass;

    /// <summary>
    /// <para type="description">Write only $true or $false per input: $true when every traced direction was delivered. Errors are still written to the error stream.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

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
    /// <para type="description">How many traces of the pipeline run at the same time (1-64; default 4), as -ThrottleLimit of ForEach-Object -Parallel. Output, errors and -Quiet answers stay in input order. 1 traces one input after the other.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>
    /// <para type="description">Timeout in seconds of each cluster call the trace makes (one API read or one exec).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    #endregion

    #region Abstract members

    /// <summary>Builds the engine request for the current input; throws <see cref="AciTraceException"/> on bad input.</summary>
    private protected abstract TraceRequest BuildRequest();

    /// <summary>The current input as the user wrote it: <c>source -&gt; destination</c> (progress text, error target).</summary>
    private protected abstract string DescribeInput();

    #endregion

    #region Overrides

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var target = CurrentTarget();
        var description = DescribeInput();
        _tally.Begin();
        TraceRequest request;
        try
        {
            request = BuildRequest() with { PreferIPv6 = IPv6.IsPresent };
            RequestValidator.CheckPacket(request.Kind, request.Protocol, request.SourcePort, request.DestinationPort, target);
        }
        catch (AciTraceException ex)
        {
            Admit(PendingInput.Failed(ex, target, description));
            return;
        }

        // A failure that is the same for every input (no kubeconfig, cluster unreachable...) was reported once:
        // the inputs after it are not traced, only counted (EndProcessing says how many).
        if (_sessionFailure is not null || EnsureSession() is not { } session)
        {
            Admit(PendingInput.Failed(_sessionFailure!, target, description));
            return;
        }

        Admit(PendingInput.Start(session, request, target, description, _stopping.Token));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        DrainWindow(keep: 0);
        CompleteProgress();
        DisposeSession();
        if (_tally.Suppressed > 0)
        {
            WriteWarning($"{_tally.Suppressed} more input(s) failed with an error already reported above ({_tally.SuppressedErrorIds}); it was written once, not once per input.");
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    #endregion

    #region Helpers for derived cmdlets

    /// <summary>
    /// The protocol and ports of the current input, checked: a value given but unusable (a port <c>abc</c> or
    /// <c>0</c>, a protocol <c>Sctp</c>) is an InvalidPacketField error naming the parameter (the CSV column) and the
    /// value; a value not given is null (protocol: Tcp).
    /// </summary>
    private protected (TraceProtocol Protocol, int? SourcePort, int? DestinationPort) PacketFields(ProtocolName protocol)
    {
        if (protocol.IsGiven && protocol.Value is null)
        {
            throw RequestValidator.InvalidPacketField($"Protocol '{protocol.Text}' is not a protocol AciTrace traces; use one of: {string.Join(", ", ProtocolName.Names)}.", CurrentTarget());
        }

        return (protocol.Value ?? TraceProtocol.Tcp, Port(SourcePort, nameof(SourcePort)), Port(DestinationPort, nameof(DestinationPort)));
    }

    private int? Port(PortNumber port, string name) => !port.IsGiven
        ? null
        : port.Value ?? throw RequestValidator.InvalidPacketField($"{name} '{port.Text}' is not a port number: give a whole number from 1 to 65535, or leave it empty.", CurrentTarget());

    /// <summary>
    /// What an error about the current input names as its TargetObject: the piped row or object itself, or the
    /// <c>source -&gt; destination</c> pair when the input is a string or came from the command line.
    /// </summary>
    private object CurrentTarget()
    {
        var piped = MyInvocation.ExpectingInput ? InputObject : null;
        return piped is null || piped.BaseObject is string ? DescribeInput() : piped;
    }

    #endregion

    #region Session and pump

    /// <summary>The session of this invocation, created at the first input; null (and <see cref="_sessionFailure"/> set) when it cannot be.</summary>
    private ITraceSession? EnsureSession()
    {
        if (_session is not null)
        {
            return _session;
        }

        try
        {
            var selection = TransportRules.Select(new ClusterOptions
            {
                Transport = MyInvocation.BoundParameters.ContainsKey(nameof(Transport)) ? Transport : null,
                KubectlPath = ResolveExecutablePath(KubectlPath),
                Kubeconfig = Kubeconfig is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Kubeconfig),
                Context = Context,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
            }, () => KubeApiLoadContext.Factory);
            WriteVerbose($"Using {selection.Reason}.");
            _session = TraceSessionFactory.Create(selection);
            return _session;
        }
        catch (AciTraceException ex)
        {
            // The caller reports it (once) and every input after it is skipped.
            _sessionFailure = ex;
            return null;
        }
    }

    /// <summary>
    /// Adds an input to the window of traces in flight (at most <see cref="ThrottleLimit"/> running at once), then
    /// writes out, in input order, every input at the front of the window that is done, and the oldest ones until
    /// the window has room again.
    /// </summary>
    private void Admit(PendingInput input)
    {
        _window.Enqueue(input);
        // The first trace runs alone: a failure that concerns every input (no kubeconfig, API unreachable) is then
        // known before a second input makes a cluster call, and the session's shared lookups are warm.
        DrainWindow(keep: _firstTraceDrained ? ThrottleLimit - 1 : 0);
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
                if (Quiet)
                {
                    WriteObject(success);
                }

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
            case PassEvent { Pass: var pass }:
                if (Quiet)
                {
                    break;
                }

                if (Output == TraceOutput.Pass)
                {
                    WriteObject(pass);
                }
                else if (Output == TraceOutput.Hop)
                {
                    foreach (var hop in pass.Hops)
                    {
                        WriteObject(hop);
                    }
                }

                break;
            case SummaryEvent { Summary: var summary }:
                summaries.Add(summary);
                if (!Quiet && Output == TraceOutput.Summary)
                {
                    WriteObject(summary);
                }

                break;
            case ProgressEvent progress:
                _progressShown = true;
                WriteProgress(new ProgressRecord(ProgressActivityId, $"AciTrace: {_tally.Describe()}",
                    $"{description}: {(string.IsNullOrWhiteSpace(progress.Status) ? progress.Activity : progress.Status)}")
                {
                    PercentComplete = Math.Clamp(progress.PercentComplete, -1, 100),
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

        var first = _tally.Failed(ex, sessionWide);
        if (Quiet)
        {
            WriteObject(false);
        }

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
            session.DisposeAsync().AsTask().Wait(WorkerGracePeriod);
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
