using System.Management.Automation;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Compares two sets of traces (before and after a change, live or saved with Export-Clixml): which packets changed verdict or path, and where the paths first part.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "AciTrace")]
[OutputType(typeof(AciTraceComparison))]
public sealed class CompareAciTraceCommand : PSCmdlet
{
    private readonly List<PSObject> _difference = new();

    /// <summary>
    /// <para type="description">The traces before: AciTraceSummary, AciBridgePass, AciConnectivityCell or AciConnectivityMatrix objects, live or from Import-Clixml.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [AllowEmptyCollection]
    public PSObject[] ReferenceObject { get; set; } = [];

    /// <summary>
    /// <para type="description">The traces after, of the same kinds; usually from the pipeline.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public PSObject[] DifferenceObject { get; set; } = [];

    /// <summary>
    /// <para type="description">Also write the packets whose verdict and path stayed the same (Change Same).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter IncludeEqual { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => _difference.AddRange(DifferenceObject.Where(o => o is not null));

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var unsupported = new List<PSObject>();
        var before = TraceFactsReader.Read(ReferenceObject.Where(o => o is not null), unsupported);
        var after = TraceFactsReader.Read(_difference, unsupported);
        foreach (var o in unsupported)
        {
            var ex = new AciTraceException(ErrorIds.CompareInputNotSupported, AciErrorKind.InvalidArgument,
                $"Compare-AciTrace compares trace summaries, bridge passes and connectivity cells or matrices; not {o.BaseObject?.GetType().FullName ?? "null"}.", o);
            WriteError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, o));
        }

        foreach (var c in TraceComparer.Compare(before, after))
        {
            if (IncludeEqual || c.Change != TraceChange.Same)
            {
                WriteObject(c);
            }
        }
    }
}
