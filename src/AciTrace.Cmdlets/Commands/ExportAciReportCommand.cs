using System.Management.Automation;
using System.Text;
using AciTrace.Engine;
using AciTrace.Reports;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Writes AciTrace objects to one self-contained HTML report (the connectivity grid and each trace's path), or to Mermaid flowcharts for tickets.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "AciReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportAciReportCommand : PSCmdlet
{
    private readonly List<object> _items = new();

    /// <summary>
    /// <para type="description">The file to write. Its folder must exist; an existing file is replaced (use -NoClobber to refuse). Relative paths are resolved against the current PowerShell location.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>
    /// <para type="description">The objects to report, from the pipeline: AciConnectivityMatrix or AciConnectivityCell (Get-AciConnectivity), AciTraceSummary, or AciBridgePass (grouped into their traces). Anything else is an error for that object.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Html (default) or Mermaid. Mermaid writes Markdown with one fenced mermaid block per trace when -Path ends in .md, else one bare flowchart, which needs exactly one trace.</para>
    /// </summary>
    [Parameter]
    public ReportFormat Format { get; set; } = ReportFormat.Html;

    /// <summary>
    /// <para type="description">The report's title. Defaults to "AciTrace report".</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = "AciTrace report";

    /// <summary>
    /// <para type="description">Do not replace an existing file: writing to one is then the error ReportFileExists.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>
    /// <para type="description">Write the file's FileInfo to the pipeline once it is written.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // An array given as -InputObject counts as its elements, as the pipeline would give them.
        var item = InputObject?.BaseObject;
        var items = item is System.Collections.IEnumerable many and not string
            ? many.Cast<object?>().Select(o => o is PSObject ps ? ps.BaseObject : o)
            : new[] { item };
        foreach (var one in items)
        {
            if (one is not null && ReportData.Accepts(one))
            {
                _items.Add(one);
                continue;
            }

            var ex = new AciTraceException(ErrorIds.ReportInputNotSupported, AciErrorKind.InvalidArgument,
                $"Export-AciReport takes AciTrace connectivity matrices and cells, trace summaries and bridge passes; not {one?.GetType().FullName ?? "null"}.", one);
            WriteError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, one));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var data = ReportData.From(_items);
        string text;
        if (Format == ReportFormat.Html)
        {
            text = HtmlReport.Write(data, Title, DateTimeOffset.Now);
        }
        else if (path.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            text = MermaidReport.Markdown(data.Traces, Title);
        }
        else if (data.Traces.Count == 1)
        {
            text = MermaidReport.Flowchart(data.Traces[0]);
        }
        else
        {
            Fail(ErrorIds.ReportInputNotSupported, ErrorCategory.InvalidArgument,
                $"A bare Mermaid flowchart holds one trace; {data.Traces.Count} came. Give -Path a .md name for one fenced chart per trace.", path);
            return;
        }

        if (NoClobber && File.Exists(path))
        {
            Fail(ErrorIds.ReportFileExists, ErrorCategory.ResourceExists, $"'{path}' exists and -NoClobber is set.", path);
            return;
        }

        if (!ShouldProcess(path, $"Write a {Format} report of {data.Traces.Count} trace(s)"))
        {
            return;
        }

        try
        {
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Fail(ErrorIds.ReportWriteFailed, ErrorCategory.WriteError, $"Cannot write '{path}': {e.Message}", path);
            return;
        }

        if (PassThru)
        {
            // As Get-Item returns it, so the file shows and pipes like any other.
            WriteObject(InvokeProvider.Item.Get([path], force: false, literalPath: true), enumerateCollection: true);
        }
    }

    private void Fail(string errorId, ErrorCategory category, string message, object target)
    {
        var ex = new AciTraceException(errorId, AciErrorKind.InvalidArgument, message, target);
        WriteError(new ErrorRecord(ex, errorId, category, target));
    }
}
