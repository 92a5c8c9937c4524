using System.Management.Automation;
using AciTrace.Aci;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Turns ovs-appctl ofproto/trace text (run by hand, pasted in a ticket) into AciTrace's pass, hop and summary objects, with verdicts and ACI decoding.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "AciOvsTrace")]
[OutputType(typeof(AciBridgePass), typeof(AciTableHop), typeof(AciTraceSummary))]
public sealed class ConvertFromAciOvsTraceCommand : PSCmdlet
{
    private readonly RawTraceSplitter _splitter = new();
    private IReadOnlyDictionary<string, OvsPortMap> _portMaps = new Dictionary<string, OvsPortMap>(StringComparer.Ordinal);

    /// <summary>
    /// <para type="description">The text of one or more ofproto/trace runs: a whole text (Get-Content -Raw) or its lines (Get-Content), from the pipeline. Several traces one after another are split at each Flow: line that follows a trace's Datapath actions: line.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] InputObject { get; set; } = [];

    /// <summary>
    /// <para type="description">The node's port maps: the text of ovs-appctl dpif/show, or of ovs-ofctl show for each bridge (one after another). Gives port names and roles (patch, tunnel, uplink); without it outputs to plain ports cannot be judged Deliver.</para>
    /// </summary>
    [Parameter]
    [AllowEmptyString]
    public string[]? PortMap { get; set; }

    /// <summary>
    /// <para type="description">The destination pod's OVS port on br-access (its veth name, or its OpenFlow port number with -PortMap): an output there is Deliver.</para>
    /// </summary>
    [Parameter]
    [Alias("DestinationPort")]
    [ValidateNotNullOrEmpty]
    public string[]? DestinationPortName { get; set; }

    /// <summary>
    /// <para type="description">The node the trace ran on, shown in the Node column.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public string Node { get; set; } = "";

    /// <summary>
    /// <para type="description">What to write: Pass (one object per bridge pass, the default), Hop (one object per flow-table visit) or Summary (one object per trace).</para>
    /// </summary>
    [Parameter]
    public TraceOutput Output { get; set; } = TraceOutput.Pass;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (PortMap is { Length: > 0 })
        {
            _portMaps = OvsPortMap.ParseAll(string.Join('\n', PortMap));
            if (_portMaps.Count == 0)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-PortMap is neither ovs-appctl dpif/show nor ovs-ofctl show output: no bridge and port lines were found."),
                    ErrorIds.InvalidPortMap, ErrorCategory.InvalidArgument, PortMap));
            }
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // Whole traces are written as soon as the next one starts, so a long file streams.
        foreach (var chunk in InputObject)
        {
            foreach (var text in _splitter.Add(chunk))
            {
                Write(text);
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_splitter.Finish() is { } text)
        {
            Write(text);
        }
    }

    private void Write(string text)
    {
        var trace = RawTraceConverter.Convert(text, new RawTraceOptions
        {
            Node = Node,
            PortMaps = _portMaps,
            DestinationPorts = DestinationPortName ?? [],
        });
        if (trace is null)
        {
            WriteError(new ErrorRecord(
                new FormatException("This text is not ofproto/trace output: it has no Flow: line, bridge(\"...\") section or OVS error."),
                ErrorIds.NotAnOvsTrace, ErrorCategory.InvalidData, text));
            return;
        }

        if (trace.Passes.Count == 0 && Output != TraceOutput.Summary)
        {
            // OVS itself refused the trace (unknown bridge, bad flow): there is no pass to write, so say why.
            WriteError(new ErrorRecord(new InvalidOperationException(trace.Summary.Reason), ErrorIds.OvsTraceFailed, ErrorCategory.InvalidResult, text));
            return;
        }

        switch (Output)
        {
            case TraceOutput.Summary:
                WriteObject(trace.Summary);
                break;
            case TraceOutput.Hop:
                foreach (var pass in trace.Passes)
                {
                    WriteObject(pass.Hops, enumerateCollection: true);
                }

                break;
            default:
                WriteObject(trace.Passes, enumerateCollection: true);
                break;
        }
    }
}
