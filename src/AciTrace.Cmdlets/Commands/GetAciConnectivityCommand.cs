using System.Management.Automation;
using AciTrace.Commands.Completion;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Packets;
using AciTrace.Policy;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Traces every pair of pods of a scope on the ports their destinations serve: the expected reachability matrix.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AciConnectivity")]
[OutputType(typeof(AciConnectivityCell), typeof(AciTraceSummary), typeof(AciConnectivityMatrix))]
public sealed class GetAciConnectivityCommand : AciClusterCommandBase
{
    private readonly List<ConnectivityProbe> _probes = new();
    private readonly Dictionary<ConnectivityProbe, AciTraceSummary> _traced = new();
    private readonly Dictionary<ConnectivityProbe, string> _failed = new();
    /// <summary>Each pair's probes, and how many of them are not done yet.</summary>
    private readonly Dictionary<(string Source, string Destination), (List<ConnectivityProbe> Probes, int Left)> _pending = new();

    /// <summary>
    /// <para type="description">How many probes are traced at the same time (1-64; default 16: a scope holds many probes, and 16 in flight trace two to three times faster than 4). Output and errors stay in probe order.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 16;

    private protected override int InFlight => ThrottleLimit;

    /// <summary>
    /// <para type="description">Namespaces whose running pods are the sources and the destinations. Defaults to the context's default namespace.</para>
    /// </summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string[] Namespace { get; set; } = [];

    /// <summary>
    /// <para type="description">Label selector of the source pods, as kubectl -l takes it (app=web, tier in (a,b), !canary). Defaults to every pod of the namespaces.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SourceSelector { get; set; }

    /// <summary>
    /// <para type="description">Label selector of the destination pods. Defaults to every pod of the namespaces.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DestinationSelector { get; set; }

    /// <summary>
    /// <para type="description">Destination ports to probe on every destination. Defaults to each destination's container ports and the ports its Services send to (targetPort); a destination that declares none is probed with ICMP echo.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int[] Port { get; set; } = [];

    /// <summary>
    /// <para type="description">Protocol of -Port: Tcp (default) or Udp. Ports found on the destinations keep their own protocol.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("Tcp", "Udp")]
    public string Protocol { get; set; } = "Tcp";

    /// <summary>
    /// <para type="description">What to write: Cell (one AciConnectivityCell per pair, the default), Summary (one AciTraceSummary per probe) or Matrix (one AciConnectivityMatrix at the end, shown as a grid).</para>
    /// </summary>
    [Parameter]
    public ConnectivityOutput Output { get; set; } = ConnectivityOutput.Cell;

    /// <summary>
    /// <para type="description">Read a snapshot file written by Save-AciSnapshot instead of a cluster: the same engine and verdicts, offline. Each node's flows are replayed in a private Open vSwitch started on this machine (Open vSwitch must be installed; nothing needs to run) and stopped when the command ends. Not with -Kubeconfig, -Context, -Transport or -KubectlPath (those set by $PSDefaultParameterValues are left unused).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Snapshot { get; set; }

    private protected override string? SnapshotPath => Snapshot;

    /// <summary>
    /// Through kubectl, where every exec is a process, probes in flight run their legs together, one exec per node
    /// and wave (870 probes on the lab: 22-23 s instead of 39-44 s). In process an exec is cheap and parallel execs beat a
    /// batch, whose traces run one after the other inside the pod.
    /// </summary>
    private protected override bool BatchLegs(ClusterTransport transport) => transport == ClusterTransport.Kubectl;

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        const string description = "connectivity scope";
        var scope = Scope(out var invalid);
        if (invalid is not null)
        {
            WriteError(new ErrorRecord(invalid, invalid.ErrorId, MapCategory(invalid.Kind), invalid.Target));
            return;
        }

        if (EnsureSession() is not { } session)
        {
            RejectForSession(description, description);
            FinishWindow();
            return;
        }

        IReadOnlyList<ConnectivityProbe> probes;
        try
        {
            WriteVerbose($"Listing the pods of {string.Join(", ", scope.Namespaces.DefaultIfEmpty("the context's namespace"))}.");
            probes = session.PlanConnectivityAsync(scope, _stopping.Token).GetAwaiter().GetResult();
        }
        catch (AciTraceException ex)
        {
            Reject(ex, description, description);
            FinishWindow();
            return;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }

        WriteVerbose($"{probes.Count} probe(s) over {probes.Select(p => (p.Source, p.Destination)).Distinct().Count()} pair(s).");
        if (probes.Count == 0)
        {
            WriteWarning("No pair to trace: the scope has fewer than two running pods on the pod network (pods that are not running, have no address yet or use the host network are left out).");
        }
        _probes.AddRange(probes);
        foreach (var pair in probes.GroupBy(p => (p.Source, p.Destination)))
        {
            _pending[pair.Key] = (pair.ToList(), pair.Count());
        }

        _tally.Expected = probes.Count;
        foreach (var probe in probes)
        {
            if (_stopping.IsCancellationRequested)
            {
                break;
            }

            var port = probe.Port is int n ? $":{n}/{probe.Protocol}" : $" {probe.Protocol}";
            Trace(probe.ToRequest(), probe, $"{probe.Source} -> {probe.Destination}{port}");
        }

        FinishWindow();
        if (Output == ConnectivityOutput.Matrix && !_stopping.IsCancellationRequested)
        {
            WriteObject(ConnectivityMatrixBuilder.Build(_probes, _traced, _failed));
        }
    }

    private protected override void WriteTraceOutput(TraceEvent traceEvent)
    {
        if (Output == ConnectivityOutput.Summary && traceEvent is SummaryEvent { Summary: var summary } && summary.Direction == TraceDirection.Request)
        {
            WriteObject(summary);
        }
    }

    private protected override void OnInputDone(PendingInput input, IReadOnlyList<AciTraceSummary> summaries, bool delivered)
    {
        if (input.Target is not ConnectivityProbe probe)
        {
            return;
        }

        if (summaries.FirstOrDefault(s => s.Direction == TraceDirection.Request) is not { } request)
        {
            _failed[probe] = "the trace returned no request summary";
        }
        else if (Output != ConnectivityOutput.Summary)
        {
            // Summaries are written as they come and not kept; cells keep theirs until the pair is written.
            _traced[probe] = request;
        }

        PairDone(probe);
    }

    private protected override void OnInputFailed(object target, AciTraceException failure)
    {
        if (target is ConnectivityProbe probe)
        {
            _failed[probe] = $"{failure.ErrorId}: {failure.Message}";
            PairDone(probe);
        }
    }

    /// <summary>With -Output Cell, a pair's cell is written as soon as all its ports are done.</summary>
    private void PairDone(ConnectivityProbe probe)
    {
        var key = (probe.Source, probe.Destination);
        if (!_pending.TryGetValue(key, out var pending))
        {
            return;
        }

        _pending[key] = pending with { Left = pending.Left - 1 };
        if (pending.Left == 1 && Output == ConnectivityOutput.Cell)
        {
            var pair = pending.Probes;
            WriteObject(ConnectivityMatrixBuilder.Build(pair, _traced, _failed).Cells[0]);
            // Written: nothing of the pair stays in memory (only -Output Matrix holds every trace to the end).
            foreach (var p in pair)
            {
                _traced.Remove(p);
                _failed.Remove(p);
            }
        }
    }

    /// <summary>The scope, checked before any cluster call: namespace names and label selectors.</summary>
    private ConnectivityScope Scope(out AciTraceException? invalid)
    {
        invalid = null;
        foreach (var ns in Namespace)
        {
            if (!InputValidation.IsValidKubernetesName(ns, KubernetesNameKind.Namespace, out var reason))
            {
                invalid = new InputValidationException(ErrorIds.InvalidKubernetesName, nameof(Namespace), ns, reason);
                return new ConnectivityScope();
            }
        }

        foreach (var (name, selector) in new[] { (nameof(SourceSelector), SourceSelector), (nameof(DestinationSelector), DestinationSelector) })
        {
            if (selector is not null && !LabelSelectorSyntax.IsValid(selector, out var reason))
            {
                invalid = new AciTraceException(ErrorIds.InvalidLabelSelector, AciErrorKind.InvalidArgument,
                    $"{name} '{selector}' is not a label selector: {reason}.", selector);
                return new ConnectivityScope();
            }
        }

        return new ConnectivityScope
        {
            Namespaces = Namespace,
            SourceSelector = SourceSelector,
            DestinationSelector = DestinationSelector,
            Ports = Port,
            Protocol = string.Equals(Protocol, "Udp", StringComparison.OrdinalIgnoreCase) ? TraceProtocol.Udp : TraceProtocol.Tcp,
        };
    }
}
