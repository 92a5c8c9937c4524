using System.Collections.Concurrent;
using System.Management.Automation;
using AciTrace.Commands.Completion;
using AciTrace.Commands.Transport;
using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Commands;

/// <summary>
/// The per-input trace cmdlets (Get-AciPodTrace, Get-AciServiceTrace, Get-AciExternalTrace): one trace per pipeline
/// input, written as passes, hops or summaries, or as $true/$false with -Quiet.
/// </summary>
public abstract class AciTraceCommandBase : AciClusterCommandBase
{
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
    /// <para type="description">How many traces of the pipeline run at the same time (1-64; default 4), as -ThrottleLimit of ForEach-Object -Parallel. Output, errors and -Quiet answers stay in input order. 1 traces one input after the other.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>
    /// <para type="description">Read a snapshot file written by Save-AciSnapshot instead of a cluster: the same engine and verdicts, offline. Each node's flows are replayed in a private Open vSwitch started on this machine (Open vSwitch must be installed; nothing needs to run) and stopped when the command ends. Not with -Kubeconfig, -Context, -Transport or -KubectlPath (those set by $PSDefaultParameterValues are left unused).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Snapshot { get; set; }

    #endregion

    private protected override int InFlight => ThrottleLimit;

    private protected override string? SnapshotPath => Snapshot;

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
        TraceRequest request;
        try
        {
            request = BuildRequest() with { PreferIPv6 = IPv6.IsPresent };
            RequestValidator.CheckPacket(request.Kind, request.Protocol, request.SourcePort, request.DestinationPort, target);
        }
        catch (AciTraceException ex)
        {
            Reject(ex, target, description);
            return;
        }

        Trace(request, target, description);
    }

    private protected override void WriteTraceOutput(TraceEvent traceEvent)
    {
        if (Quiet)
        {
            return;
        }

        switch (traceEvent)
        {
            case PassEvent { Pass: var pass } when Output == TraceOutput.Pass:
                WriteObject(pass);
                break;
            case PassEvent { Pass: var pass } when Output == TraceOutput.Hop:
                foreach (var hop in pass.Hops)
                {
                    WriteObject(hop);
                }

                break;
            case SummaryEvent { Summary: var summary } when Output == TraceOutput.Summary:
                WriteObject(summary);
                break;
        }
    }

    private protected override void OnInputDone(PendingInput input, IReadOnlyList<AciTraceSummary> summaries, bool delivered)
    {
        if (Quiet)
        {
            WriteObject(delivered);
        }
    }

    private protected override void OnInputFailed(object target, AciTraceException failure)
    {
        if (Quiet)
        {
            WriteObject(false);
        }
    }

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
}
