using System.Diagnostics;
using System.Globalization;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Kube.Api;
using AciTrace.Lab;
using AciTrace.Lab.Spec;

namespace AciTrace.Bench;

/// <summary>
/// Cost against cluster size: a 10-pod and a large random lab (3 nodes), how long each takes to start, and a cold
/// cross-node trace on each through both transports, as a ratio to the same trace on the small lab.
/// </summary>
public static class ScaleBench
{
    public static int Run(string[] args)
    {
        int pods = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        return RunAsync(pods).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int largePods)
    {
        var state = Directory.CreateTempSubdirectory("acitrace-scale-").FullName;
        try
        {
            var small = await MeasureAsync(Path.Combine(state, "small"), 10);
            var large = await MeasureAsync(Path.Combine(state, "large"), largePods);
            foreach (var transport in small.Keys)
            {
                Console.WriteLine($"{transport}: cold cross-node trace on {largePods} pods = {(large[transport] / small[transport]).ToString("0.00", CultureInfo.InvariantCulture)} x the same on 10 pods");
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(state, true); } catch (IOException) { }
        }
    }

    /// <summary>Starts the large lab and keeps it up until stdin closes (for looking at it by hand).</summary>
    public static int Hold(string[] args)
    {
        int pods = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        var dir = args.Length > 1 ? args[1] : Directory.CreateTempSubdirectory("acitrace-scale-").FullName;
        return HoldAsync(pods, dir).GetAwaiter().GetResult();
    }

    private static async Task<int> HoldAsync(int pods, string dir)
    {
        await using var lab = await LabEnvironment.StartAsync(LargeCluster(pods), dir);
        Console.WriteLine($"kubeconfig {lab.KubeconfigPath}; state {dir}; close stdin to stop");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    internal static AciTrace.Lab.Spec.ResolvedCluster LargeCluster(int pods)
    {
        var spec = SpecGenerator.Random(seed: 11, nodes: 3, pods: pods, scenarios: 0);
        // A /20 per node (the default /24 holds 254 pods).
        for (int i = 0; i < spec.Nodes.Count; i++) spec.Nodes[i].PodCidr = $"10.2.{16 * i}.0/20";
        return SpecResolver.Resolve(spec);
    }

    private static async Task<Dictionary<ClusterTransport, TimeSpan>> MeasureAsync(string dir, int pods)
    {
        var resolved = LargeCluster(pods);
        var clock = Stopwatch.StartNew();
        await using var lab = await LabEnvironment.StartAsync(resolved, dir);
        Console.WriteLine($"{pods} pods on {resolved.Nodes.Count} nodes: lab up in {clock.Elapsed.TotalSeconds:0.0} s");
        var options = new ClusterOptions { Kubeconfig = lab.KubeconfigPath, Timeout = TimeSpan.FromSeconds(120) };
        // The same kind of trace on both labs: the first cross-node pair the ground truth delivers on port 80.
        var withVeth = resolved.Pods.Where(p => p.HasVeth).ToList();
        var truth = new AciTrace.Lab.GroundTruth.GroundTruthEngine(resolved);
        var (a, b) = withVeth.SelectMany(x => withVeth.Where(y => y.Node != x.Node).Take(50).Select(y => (x, y)))
            .First(p => truth.Evaluate(new AciTrace.Lab.GroundTruth.PacketQuery(p.x, p.y.Ip, "tcp", DestinationPort: 80))[0].Verdict == TraceVerdict.Deliver);
        var request = new TraceRequest
        {
            Kind = TraceKind.Pod, SourceNamespace = a.Namespace, SourceName = a.Name, DestinationNamespace = b.Namespace, DestinationName = b.Name,
            Protocol = TraceProtocol.Tcp, DestinationPort = 80,
        };
        var result = new Dictionary<ClusterTransport, TimeSpan>();
        foreach (var transport in new[] { ClusterTransport.KubernetesClient, ClusterTransport.Kubectl })
        {
            var times = new List<TimeSpan>();
            AciTraceSummary? summary = null;
            for (int i = 0; i < 3; i++)
            {
                await using var session = TraceSessionFactory.Create(TransportRules.Select(options with { Transport = transport }, () => new KubeApiClientFactory()));
                var t = Stopwatch.StartNew();
                await foreach (var e in session.RunAsync(request, CancellationToken.None))
                    if (e is SummaryEvent s) summary = s.Summary;
                times.Add(t.Elapsed);
            }
            var median = times.Order().ElementAt(1);
            result[transport] = median;
            Console.WriteLine($"  {transport,-16} cold cross-node trace median {median.TotalMilliseconds:0} ms ({summary!.Verdict})");
        }
        await TimelineAsync(options, request);
        {
            await NodeFactsCostAsync(options, lab, a.Node, a.Uid);
        }
        return result;
    }

    /// <summary>What a cold trace reads from one node's agent (its state and one pod's files; the policy objects) and the CPU time to read it.</summary>
    private static async Task NodeFactsCostAsync(ClusterOptions options, LabEnvironment lab, string node, string podUid)
    {
        using var client = KubeApiClient.Create(options);
        var host = lab.Api.Model.FindSystemPod(node, AciTrace.Lab.Kube.AciSystemPodRole.Host)!;
        var clock = Stopwatch.StartNew();
        var keys = new[] { AciTrace.Discovery.NodeFactsScript.NodeKey, AciTrace.Discovery.NodeFactsScript.PodKey(podUid) };
        var result = await client.ExecBytesAsync(host.Namespace, host.Name, "opflex-agent", AciTrace.Discovery.NodeFactsScript.Argv(keys), CancellationToken.None);
        var exec = clock.Elapsed;
        clock.Restart();
        var output = AciTrace.Discovery.NodeFactsScript.Parse(result.Stdout);
        var parse = clock.Elapsed;
        clock.Restart();
        var policy = await client.ExecAsync(host.Namespace, host.Name, "opflex-agent", AciTrace.Discovery.NodePolicyQuery.Argv, CancellationToken.None);
        var policyExec = clock.Elapsed;
        clock.Restart();
        AciTrace.Aci.PolicyDump.TryParse(policy.Stdout, out var dump, out _);
        var policyParse = clock.Elapsed;
        Console.WriteLine($"  agent files of {node}: {result.Stdout.Length / 1024} KiB ({output.Files.Count} files), exec {exec.TotalMilliseconds:0} ms, split {parse.TotalMilliseconds:0} ms; " +
            $"policy objects {policy.Stdout.Length / 1024} KiB ({dump?.Objects.Count} objects), exec {policyExec.TotalMilliseconds:0} ms, parse {policyParse.TotalMilliseconds:0} ms");
    }

    /// <summary>Where a cold in-process trace on the large lab spends its time.</summary>
    private static async Task TimelineAsync(ClusterOptions options, TraceRequest request)
    {
        using var client = KubeApiClient.Create(options);
        var clock = Stopwatch.StartNew();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        client.CommandCompleted += (_, e) =>
        {
            var end = clock.Elapsed;
            var start = end - (e.Elapsed ?? TimeSpan.Zero);
            var what = string.Join(' ', e.Argv.Take(6));
            lines.Enqueue($"    {start.TotalMilliseconds,6:0} -> {end.TotalMilliseconds,6:0} ms  {(what.Length > 90 ? what[..90] + "..." : what)}");
        };
        await using var session = TraceSessionFactory.Create(client);
        await foreach (var e in session.RunAsync(request, CancellationToken.None))
        {
        }
        Console.WriteLine($"  KubernetesClient cold cross-node timeline (total {clock.Elapsed.TotalMilliseconds:0} ms):");
        foreach (var l in lines) Console.WriteLine(l);
    }
}
