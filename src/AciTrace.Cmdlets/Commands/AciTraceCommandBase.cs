using System.Collections.Concurrent;
using System.Management.Automation;
using AciTrace.Commands.Completion;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// Shared plumbing of the trace cmdlets: cluster parameters, output selection, one engine session per invocation,
/// and the pump that runs each trace on a worker thread while every pipeline write happens on the pipeline thread.
/// </summary>
public abstract class AciTraceCommandBase : PSCmdlet, IDisposable
{
    private const int ProgressActivityId = 0x4AC1;
    private const int QueueCapacity = 1024;
    private static readonly TimeSpan WorkerGracePeriod = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private ITraceSession? _session;
    private bool _disposed;
    private bool _progressShown;

    // Only the cmdlet classes in this assembly derive from the base.
    private protected AciTraceCommandBase()
    {
    }

    #region Parameters

    /// <summary>
    /// <para type="description">Source port of the simulated packet (Tcp and Udp only). The engine picks an ephemeral port when omitted.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int SourcePort { get; set; }

    /// <summary>
    /// <para type="description">Destination port of the simulated packet (Tcp and Udp only).</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int DestinationPort { get; set; }

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
    /// <para type="description">Path of the kubectl (or oc) executable. Defaults to $env:ACITRACE_KUBECTL, then kubectl or oc on PATH.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KubectlPath { get; set; }

    /// <summary>
    /// <para type="description">Timeout in seconds of each kubectl call the trace makes.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    #endregion

    #region Abstract members

    /// <summary>Builds the engine request for the current input; throws <see cref="AciTraceException"/> on bad input.</summary>
    private protected abstract TraceRequest BuildRequest();

    /// <summary>The current input as the user wrote it (error target and progress text).</summary>
    private protected abstract string DescribeInput();

    #endregion

    #region Overrides

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        TraceRequest request;
        try
        {
            request = BuildRequest() with { PreferIPv6 = IPv6.IsPresent };
            PacketRules.Check(request.Kind, request.Protocol, request.SourcePort, request.DestinationPort, DescribeInput());
        }
        catch (AciTraceException ex)
        {
            ReportFailure(ex, DescribeInput());
            return;
        }

        var session = EnsureSession();
        RunOne(session, request);
    }

    /// <inheritdoc />
    protected override void EndProcessing() => DisposeSession();

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    #endregion

    #region Helpers for derived cmdlets

    /// <summary>
    /// The port if given, else null. [ValidateRange(1, 65535)] keeps 0 out of binding, so 0 means "not given" even
    /// after PowerShell restores the default between pipeline records.
    /// </summary>
    private protected static int? PortOrNull(int value) => value == 0 ? null : value;

    #endregion

    #region Session and pump

    private ITraceSession EnsureSession()
    {
        if (_session is not null)
        {
            return _session;
        }

        var options = new ClusterOptions
        {
            KubectlPath = ResolveExecutablePath(KubectlPath),
            Kubeconfig = Kubeconfig is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Kubeconfig),
            Context = Context,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
        };

        try
        {
            _session = TraceSessionFactory.Create(options);
            return _session;
        }
        catch (AciTraceException ex)
        {
            // Without a session no input can succeed: end the command.
            ThrowTerminatingError(ToErrorRecord(ex, ex.Target ?? options));
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>
    /// Runs one trace: the async enumeration on a worker thread, its events marshalled through a bounded queue
    /// and written here, on the pipeline thread (cmdlet Write* methods must not be called from other threads).
    /// </summary>
    private void RunOne(ITraceSession session, TraceRequest request)
    {
        var target = DescribeInput();
        using var traceCts = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var queue = new BlockingCollection<TraceEvent>(QueueCapacity);
        Exception? failure = null;

        var worker = Task.Run(async () =>
        {
            try
            {
                await foreach (var traceEvent in session.RunAsync(request, traceCts.Token).WithCancellation(traceCts.Token).ConfigureAwait(false))
                {
                    queue.Add(traceEvent, traceCts.Token);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        var summaries = new List<AciTraceSummary>();
        var completed = false;
        _progressShown = false;
        try
        {
            foreach (var traceEvent in queue.GetConsumingEnumerable(traceCts.Token))
            {
                Handle(traceEvent, target, summaries);
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
            // StopProcessing: cancel so the engine kills its kubectl children, then let the worker finish.
            if (!worker.IsCompleted)
            {
                traceCts.Cancel();
            }

            try
            {
                worker.Wait(WorkerGracePeriod);
            }
            catch (AggregateException)
            {
                // The worker records its own failure; nothing else can surface here.
            }

            if (_progressShown && !_stopping.IsCancellationRequested)
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "AciTrace", target) { RecordType = ProgressRecordType.Completed });
            }
        }

        if (!completed)
        {
            return;
        }

        switch (failure)
        {
            case null:
                if (Quiet)
                {
                    WriteObject(summaries.Count > 0 && summaries.All(PacketRules.IsSuccess));
                }

                break;
            case OperationCanceledException when _stopping.IsCancellationRequested:
                break;
            case AciTraceException traceException:
                ReportFailure(traceException, target);
                break;
            default:
                ReportFailure(new AciTraceException(CmdletErrorIds.TraceEngineFailure, AciErrorKind.InvalidResult,
                    $"The trace of {target} failed unexpectedly: {failure.Message}", target, failure), target);
                break;
        }
    }

    private void Handle(TraceEvent traceEvent, string target, List<AciTraceSummary> summaries)
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
                WriteProgress(new ProgressRecord(
                    ProgressActivityId,
                    string.IsNullOrWhiteSpace(progress.Activity) ? "AciTrace" : progress.Activity,
                    string.IsNullOrWhiteSpace(progress.Status) ? target : progress.Status)
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

    /// <summary>Non-terminating: one bad input never stops the others (-ErrorAction Stop still stops).</summary>
    private void ReportFailure(AciTraceException ex, string target)
    {
        if (Quiet)
        {
            WriteObject(false);
        }

        WriteError(ToErrorRecord(ex, ex.Target ?? target));
    }

    private static ErrorRecord ToErrorRecord(AciTraceException ex, object? target) =>
        new(ex, ex.ErrorId, MapCategory(ex.Kind), target);

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
        DisposeSession();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    #endregion
}
