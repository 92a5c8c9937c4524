using System.Diagnostics;
using System.Text;
using AciTrace.Judging;
using AciTrace.Ovs;

namespace AciTrace.Bench;

/// <summary>
/// Parse, judge and decode throughput over a trace text of more than 1 MB built from the real ACI traces captured
/// from OVS 3.1 in tests/Unit/Fixtures/Traces (patch crossings, conntrack resumes, services, SNAT, drops).
/// </summary>
public static class ParseBench
{
    public static int Run(string[] args)
    {
        var fixtures = args.Length > 0 ? args[0] : Path.Combine(BenchMain.RepoRoot(), "tests", "Unit", "Fixtures", "Traces");
        var traces = Directory.GetDirectories(fixtures)
            .Where(d => !Path.GetFileName(d).StartsWith('_') && File.Exists(Path.Combine(d, "trace.txt")))
            .Order(StringComparer.Ordinal)
            .Select(d => File.ReadAllText(Path.Combine(d, "trace.txt")))
            .Where(t => t.Contains("bridge(\"", StringComparison.Ordinal))
            .ToList();
        if (traces.Count == 0)
        {
            Console.Error.WriteLine($"no fixture traces under {fixtures}");
            return 1;
        }
        string unit = traces.OrderByDescending(t => t.Length).First();
        var sb = new StringBuilder();
        while (sb.Length < 1_100_000)
            foreach (var t in traces) sb.Append(t).Append('\n');
        string big = sb.ToString();
        long bytes = Encoding.UTF8.GetByteCount(big);
        var ctx = JudgeContext.Empty;

        var parsed = OvsTraceParser.Parse(big);
        Console.WriteLine($"{traces.Count} real fixture traces; big text: {bytes / 1024.0 / 1024.0:F2} MB, {parsed.Passes.Count} passes, {parsed.Passes.Sum(p => p.Hops.Count)} hops");

        for (int i = 0; i < 20; i++) TraceJudge.Judge(OvsTraceParser.Parse(big), ctx); // warm-up (lets tiered JIT promote the hot paths)

        Measure("parse only (1 MB text)", bytes, () => OvsTraceParser.Parse(big));
        Measure("parse + judge (1 MB text)", bytes, () => TraceJudge.Judge(OvsTraceParser.Parse(big), ctx));
        var leg = new AciTrace.Engine.LegContext("bench", AciTrace.TraceDirection.Request, 1, "node-a", new AciTrace.Aci.NodeFacts());
        Measure("parse + judge + decode (1 MB text)", bytes, () =>
        {
            var p = OvsTraceParser.Parse(big);
            AciTrace.Engine.TraceAssembler.Assemble(leg, p, TraceJudge.Judge(p, ctx));
        });
        long unitBytes = Encoding.UTF8.GetByteCount(unit);
        Measure($"parse + judge + decode (one {unitBytes / 1024} KB trace)", unitBytes, () =>
        {
            var p = OvsTraceParser.Parse(unit);
            AciTrace.Engine.TraceAssembler.Assemble(leg, p, TraceJudge.Judge(p, ctx));
        });
        return 0;
    }

    /// <summary>
    /// Prints throughput per wall-clock second and per CPU second of this process. The CPU figure is the one to compare
    /// on a shared, loaded machine: it does not count time the process spent waiting for a core.
    /// </summary>
    private static void Measure(string name, long bytes, Action action)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        long iterations = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(3))
        {
            action();
            iterations++;
        }
        sw.Stop();
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu0).TotalSeconds;
        double mb = bytes * (double)iterations / (1024 * 1024);
        double usPerOp = sw.Elapsed.TotalMilliseconds * 1000 / iterations;
        Console.WriteLine($"{name,-32} {mb / sw.Elapsed.TotalSeconds,8:F1} MB/s wall  {mb / cpuSeconds,8:F1} MB/s per CPU-second  {usPerOp,9:F1} us/op ({iterations} ops)");
    }
}
