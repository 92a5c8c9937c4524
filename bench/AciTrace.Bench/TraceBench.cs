using System.Diagnostics;
using System.Globalization;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Kube.Api;
using AciTrace.Lab;
using ResolvedPod = AciTrace.Lab.Spec.ResolvedPod;

namespace AciTrace.Bench;

/// <summary>
/// Live-trace cost on the lab (lab API -> real OVS) through both transports, as ratios to one bare
/// <c>kubectl exec &lt;ovs pod&gt; -- ovs-appctl ofproto/trace</c> measured in the same process.
/// </summary>
public static class TraceBench
{
    public static int Run(string[] args)
    {
        var spec = args.Length > 0 ? args[0] : Path.Combine(BenchMain.RepoRoot(), "samples", "demo-cluster.yaml");
        return RunAsync(spec).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string specPath)
    {
        var state = Directory.CreateTempSubdirectory("acitrace-bench-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            await using var lab = await LabEnvironment.StartAsync(specPath, state);
            Console.WriteLine($"lab up in {clock.ElapsedMilliseconds} ms ({lab.Resolved.Nodes.Count} nodes, {lab.Resolved.Pods.Count} pods)");
            var options = new ClusterOptions { Kubeconfig = lab.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) };
            var pods = lab.Resolved.Pods.Where(p => p.HasVeth).ToList();
            var a = pods[0];
            var same = pods.First(p => p != a && p.Node == a.Node);
            var cross = pods.First(p => p.Node != a.Node);
            var ovsPod = lab.Api.Model.FindSystemPod(a.Node, AciTrace.Lab.Kube.AciSystemPodRole.OpenVswitch)!.Name;

            // Baseline: one bare kubectl exec of ofproto/trace.
            var flow = $"in_port={a.VethName},tcp,dl_src={a.Mac},dl_dst={same.Mac},nw_src={a.Ip},nw_dst={same.Ip},nw_ttl=64,tcp_src=40000,tcp_dst=8080";
            var baseline = await BareExecBaselineAsync(lab.KubeconfigPath, ovsPod, flow);
            Console.WriteLine($"baseline: bare kubectl exec ofproto/trace  median {Ms(baseline)}");

            TraceRequest Pair(ResolvedPod src, ResolvedPod dst) => new()
            {
                Kind = TraceKind.Pod, SourceNamespace = src.Namespace, SourceName = src.Name,
                DestinationNamespace = dst.Namespace, DestinationName = dst.Name, Protocol = TraceProtocol.Tcp, DestinationPort = 8080,
            };
            using (var api = KubeApiClient.Create(options))
            {
                await api.ExecAsync("aci-containers-system", ovsPod, "aci-containers-openvswitch", ["ovs-appctl", "ofproto/trace", "br-access", flow], CancellationToken.None);
                var inProcess = await MedianAsync(10, async () =>
                {
                    var clock = Stopwatch.StartNew();
                    await api.ExecAsync("aci-containers-system", ovsPod, "aci-containers-openvswitch", ["ovs-appctl", "ofproto/trace", "br-access", flow], CancellationToken.None);
                    return clock.Elapsed;
                });
                Console.WriteLine($"in-process exec of the same ofproto/trace (KubernetesClient, warm connection)  median {Ms(inProcess)} = {Ratio(inProcess, baseline)} x baseline");
            }
            foreach (var transport in Transports)
            {
                foreach (var (label, dst) in new[] { ("same-node", same), ("cross-node", cross) })
                {
                    var cold = new List<TimeSpan>();
                    AciTraceSummary? coldSummary = null;
                    for (var i = 0; i < 5; i++)
                    {
                        await using var session = Session(options, transport);
                        var (t, s) = await TraceAsync(session, Pair(a, dst));
                        cold.Add(t);
                        coldSummary = s;
                    }
                    await using var warmSession = Session(options, transport);
                    await TraceAsync(warmSession, Pair(a, dst));
                    var warm = new List<TimeSpan>();
                    AciTraceSummary? warmSummary = null;
                    for (var i = 0; i < 10; i++)
                    {
                        var (t, s) = await TraceAsync(warmSession, Pair(a, dst));
                        warm.Add(t);
                        warmSummary = s;
                    }
                    Console.WriteLine($"{transport,-16} {label,-10} cold median {Ms(Median(cold))} = {Ratio(Median(cold), baseline)} x baseline; cluster calls {coldSummary!.Execs + coldSummary.ApiReads} (execs {coldSummary.Execs}, API reads {coldSummary.ApiReads}); verdict {coldSummary.Verdict}");
                    Console.WriteLine($"{transport,-16} {label,-10} warm median {Ms(Median(warm))} = {Ratio(Median(warm), baseline)} x baseline; cluster calls {warmSummary!.Execs + warmSummary.ApiReads} (execs {warmSummary.Execs}, API reads {warmSummary.ApiReads})");
                }
            }

            foreach (var transport in Transports) await TimelineAsync(options, transport, Pair(a, cross));
            await ManyPairsAsync(state);
            return 0;
        }
        finally
        {
            try { Directory.Delete(state, true); } catch (IOException) { }
        }
    }

    private static readonly ClusterTransport[] Transports = [ClusterTransport.KubernetesClient, ClusterTransport.Kubectl];

    private static ITraceSession Session(ClusterOptions options, ClusterTransport transport) =>
        TraceSessionFactory.Create(TransportRules.Select(options with { Transport = transport }, () => new KubeApiClientFactory()));

    /// <summary>When each cluster call of one cold cross-node trace started and ended (where the cold time goes).</summary>
    private static async Task TimelineAsync(ClusterOptions options, ClusterTransport transport, TraceRequest request)
    {
        var client = TransportRules.Select(options with { Transport = transport }, () => new KubeApiClientFactory()).Client;
        var clock = Stopwatch.StartNew();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        client.CommandCompleted += (_, e) =>
        {
            var end = clock.Elapsed;
            var start = end - (e.Elapsed ?? TimeSpan.Zero);
            var what = string.Join(' ', e.Argv.Skip(transport == ClusterTransport.Kubectl ? 1 : 0).Where(a => !a.StartsWith("--kubeconfig", StringComparison.Ordinal)).Take(6));
            lines.Enqueue($"  {start.TotalMilliseconds,6:0} -> {end.TotalMilliseconds,6:0} ms  {(what.Length > 90 ? what[..90] + "..." : what)}");
        };
        await using (var session = TraceSessionFactory.Create(client))
        {
            var (total, _) = await TraceAsync(session, request);
            Console.WriteLine($"{transport}: cold cross-node timeline (total {Ms(total)}):");
        }
        (client as IDisposable)?.Dispose();
        foreach (var l in lines) Console.WriteLine(l);
    }

    /// <summary>100 distinct pod pairs of a random 3-node, 30-pod cluster through one session (one pipeline of 100 inputs).</summary>
    private static async Task ManyPairsAsync(string state)
    {
        var resolved = AciTrace.Lab.Spec.SpecResolver.Resolve(AciTrace.Lab.Spec.SpecGenerator.Random(seed: 7, nodes: 3, pods: 30));
        await using var lab = await LabEnvironment.StartAsync(resolved, Path.Combine(state, "random"));
        var options = new ClusterOptions { Kubeconfig = lab.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) };
        var pods = resolved.Pods.Where(p => p.HasVeth).ToList();
        var pairs = pods.SelectMany(s => pods.Where(d => d != s).Select(d => (s, d))).Where((_, i) => i % 7 == 0).Take(100).ToList();
        foreach (var transport in Transports)
        {
            foreach (var inFlight in new[] { 1, 4 })
            {
                await using var session = Session(options, transport);
                int execs = 0, reads = 0;
                var verdicts = new Dictionary<TraceVerdict, int>();
                var clock = Stopwatch.StartNew();
                // As the cmdlets run a pipeline: up to inFlight traces at once in one session (-ThrottleLimit).
                using var gate = new SemaphoreSlim(inFlight);
                var runs = pairs.Select(async pair =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var (s, d) = pair;
                        var request = new TraceRequest
                        {
                            Kind = TraceKind.Pod, SourceNamespace = s.Namespace, SourceName = s.Name, DestinationNamespace = d.Namespace,
                            DestinationName = d.Name, Protocol = TraceProtocol.Tcp, DestinationPort = d.Ports.FirstOrDefault(p => p.Protocol == "TCP")?.Port ?? 80,
                        };
                        return (await TraceAsync(session, request)).Item2;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToList();
                foreach (var summary in await Task.WhenAll(runs))
                {
                    execs += summary.Execs;
                    reads += summary.ApiReads;
                    verdicts[summary.Verdict] = verdicts.GetValueOrDefault(summary.Verdict) + 1;
                }
                var total = clock.Elapsed;
                Console.WriteLine($"{transport}, {inFlight} in flight: {pairs.Count} distinct pairs ({resolved.Nodes.Count} nodes, {pods.Count} pods) in one session: {total.TotalSeconds:0.00} s = {pairs.Count / total.TotalSeconds:0.0} traces/s; execs {execs} ({(double)execs / pairs.Count:0.00}/trace), API reads {reads}; verdicts {string.Join(", ", verdicts.Select(v => $"{v.Key} {v.Value}"))}");
            }
        }
    }

    internal static async Task<(TimeSpan, AciTraceSummary)> TraceAsync(ITraceSession session, TraceRequest request)
    {
        var clock = Stopwatch.StartNew();
        AciTraceSummary? summary = null;
        await foreach (var e in session.RunAsync(request, CancellationToken.None))
            if (e is SummaryEvent s) summary = s.Summary;
        return (clock.Elapsed, summary!);
    }

    /// <summary>The median of ten bare <c>kubectl exec ... ofproto/trace</c> runs (after one that warms kubectl's cache).</summary>
    internal static async Task<TimeSpan> BareExecBaselineAsync(string kubeconfig, string ovsPod, string flow)
    {
        var cache = Directory.CreateTempSubdirectory("acitrace-bench-cache-").FullName;
        try
        {
            await BareExecAsync(kubeconfig, cache, ovsPod, flow); // warm kubectl's discovery cache
            return await MedianAsync(10, () => BareExecAsync(kubeconfig, cache, ovsPod, flow));
        }
        finally
        {
            Directory.Delete(cache, true);
        }
    }

    private static async Task<TimeSpan> BareExecAsync(string kubeconfig, string cacheDir, string ovsPod, string flow)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--kubeconfig", kubeconfig, "--cache-dir", cacheDir, "exec", "-n", "aci-containers-system", ovsPod, "--", "ovs-appctl", "ofproto/trace", "br-access", flow })
            psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"bare kubectl exec failed: {await error}");
        await output;
        return clock.Elapsed;
    }

    private static async Task<TimeSpan> MedianAsync(int n, Func<Task<TimeSpan>> run)
    {
        var list = new List<TimeSpan>();
        for (var i = 0; i < n; i++) list.Add(await run());
        return Median(list);
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
    private static string Ratio(TimeSpan t, TimeSpan baseline) => (t / baseline).ToString("0.00", CultureInfo.InvariantCulture);
}
