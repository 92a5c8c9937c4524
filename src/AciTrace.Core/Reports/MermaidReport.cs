using System.Text;

namespace AciTrace.Reports;

/// <summary>
/// A trace's path as a Mermaid flowchart, for tickets: one box per bridge pass grouped by node, arrows labelled with
/// the port the packet left by, the dropping pass in red with its cause.
/// </summary>
public static class MermaidReport
{
    public static string Flowchart(ReportTrace trace)
    {
        var text = new StringBuilder();
        text.AppendLine("flowchart LR");
        text.AppendLine($"  %% {trace.Id.Replace('\n', ' ')} ({trace.Direction}): {trace.Verdict}");
        text.AppendLine($"  src([\"{Clean(trace.Source)}\"])");
        var passes = trace.Passes;
        var dropped = -1;
        for (int i = 0; i < passes.Count; i++)
        {
            var p = passes[i];
            if (i == 0 || passes[i - 1].Node != p.Node)
            {
                if (i > 0) text.AppendLine("  end");
                text.AppendLine($"  subgraph n{i}[\"{Clean(p.Node)}\"]");
            }
            var label = $"{Clean(p.Bridge)}{(p.IsResume ? " (after conntrack)" : "")}<br/>{p.Verdict}";
            if (p.Verdict == TraceVerdict.Drop)
            {
                label += $"<br/>{Clean(p.DropCause ?? p.DropTableName ?? "dropped")}";
                if (dropped < 0) dropped = i;
            }
            text.AppendLine($"    p{i}[\"{label}\"]");
        }
        if (passes.Count > 0) text.AppendLine("  end");
        var end = trace.Verdict == TraceVerdict.Deliver ? $"dst([\"{Clean(trace.Destination)}\"])" : null;
        if (end is not null) text.AppendLine($"  {end}");
        string previous = "src";
        for (int i = 0; i < passes.Count; i++)
        {
            var into = i == 0 ? passes[i].InPortName ?? passes[i].InPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) : passes[i - 1].OutPortName;
            text.AppendLine(into is null ? $"  {previous} --> p{i}" : $"  {previous} -- \"{Clean(into)}\" --> p{i}");
            previous = $"p{i}";
            if (passes[i].Verdict == TraceVerdict.Drop) break;
        }
        if (end is not null && passes.Count > 0)
        {
            var last = passes[^1].OutPortName;
            text.AppendLine(last is null ? $"  {previous} --> dst" : $"  {previous} -- \"{Clean(last)}\" --> dst");
        }
        if (dropped >= 0) text.AppendLine($"  style p{dropped} fill:#fdd,stroke:#c00,stroke-width:2px");
        return text.ToString();
    }

    /// <summary>Markdown with one fenced Mermaid block per trace (GitHub and most trackers draw them).</summary>
    public static string Markdown(IReadOnlyList<ReportTrace> traces, string title)
    {
        var text = new StringBuilder();
        text.AppendLine($"# {title}").AppendLine();
        foreach (var t in traces)
        {
            text.AppendLine($"## {t.Id} ({t.Direction}): {t.Verdict}").AppendLine();
            if (!string.IsNullOrEmpty(t.Reason)) text.AppendLine(t.Reason).AppendLine();
            text.AppendLine("```mermaid").Append(Flowchart(t)).AppendLine("```").AppendLine();
        }
        return text.ToString();
    }

    /// <summary>
    /// Text inside a quoted Mermaid label: the characters Mermaid would read as markup become its entity codes
    /// (<c>#quot;</c>, <c>#lt;</c>, <c>#gt;</c>, <c>#35;</c>); line breaks become spaces.
    /// </summary>
    private static string Clean(string text) => text
        .Replace("#", "#35;", StringComparison.Ordinal).Replace("\"", "#quot;", StringComparison.Ordinal)
        .Replace("<", "#lt;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal)
        .Replace('\n', ' ').Replace('\r', ' ');
}
