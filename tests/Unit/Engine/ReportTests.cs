using AciTrace.Reports;

namespace AciTrace.Tests.Unit.Engine;

public sealed class ReportTests
{
    private static AciBridgePass Pass(string node, string bridge, TraceVerdict verdict, string? cause = null) =>
        new() { TraceId = "t", Node = node, Bridge = bridge, Verdict = verdict, DropCause = cause, OutPortName = "p-" + bridge };

    private static ReportTrace Trace(string cause) => new("ns/a -> ns/b tcp/80", TraceDirection.Request, "ns/a", "ns/b", "tcp/80", TraceVerdict.Drop, "Drop", cause,
        new[] { Pass("node-a", "br-access", TraceVerdict.Forward), Pass("node-a", "br-int", TraceVerdict.Drop, cause) });

    [Fact]
    public void MermaidLabelsCarryMarkupCharactersAsEntityCodes()
    {
        var chart = MermaidReport.Flowchart(Trace("EPG \"a|b\" <x> #1"));
        Assert.StartsWith("flowchart LR", chart, StringComparison.Ordinal);
        Assert.Contains("Drop<br/>EPG #quot;a|b#quot; #lt;x#gt; #35;1\"]", chart, StringComparison.Ordinal);
        Assert.Contains("style p1 fill:#fdd", chart, StringComparison.Ordinal);
        Assert.DoesNotContain("p1 -- ", chart, StringComparison.Ordinal); // nothing after the drop
    }

    [Fact]
    public void HtmlPlaceholdersAreFilledOnceAndTextIsEscaped()
    {
        var data = ReportData.From(new object[] { new AciTraceSummary { TraceId = "x", Source = "ns/a", Destination = "</script>" } });
        var html = HtmlReport.Write(data, "{{DATA}} & <b>", DateTimeOffset.UnixEpoch);
        Assert.Contains("<title>{{DATA}} &amp; &lt;b&gt;</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("</script>\"", html, StringComparison.Ordinal);
        Assert.Contains("\\u003C/script\\u003E", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "id=\"report-data\""));
    }
}
