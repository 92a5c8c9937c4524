namespace AciTrace.Commands;

/// <summary>What Export-AciReport writes.</summary>
public enum ReportFormat
{
    /// <summary>One self-contained HTML page: the matrix as a coloured grid, each trace's path drawn.</summary>
    Html,

    /// <summary>Mermaid flowcharts of the traces' paths: Markdown with one fenced block per trace, or one bare chart.</summary>
    Mermaid,
}
