using System.Diagnostics;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Kube.Api;
using AciTrace.Lab;

namespace AciTrace.Bench;

/// <summary>
/// Every ordered pair of a random 3-node, 30-pod lab on one port (870 probes), planned and traced as
/// Get-AciConnectivity does, at several traces in flight; per-trace cost as a ratio to one bare kubectl exec.
/// </summary>
public static class ConnectivityBench
{
    public static int Run(string[] args) => RunAsync().GetAwaiter().GetResult();

    private static async Task<int> RunAsync()
    {
        var state = Directory.CreateTempSubdirectory("acitrace-conn-").FullName;
        try
        {
            var resolved = AciTrace.Lab.Spec.SpecResolver.Resolve(AciTrace.Lab.Spec.SpecGenerator.Random(seed: 7, nodes: 3, pods: 30));
            await using var lab = await LabEnvironment.StartAsync(resolved, state);
            var options = new ClusterOptions { Kubeconfig = lab.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) };
            var a = resolved.Pods.First(p => p.HasVeth);
            var ovsPod = lab.Api.Model.FindSystemPod(a.Node, AciTrace.Lab.Kube.AciSystemPodRole.OpenVswitch)!.Name;
            var baseline = await TraceBench.BareExecBaselineAsync(lab.KubeconfigPath, ovsPod, $"in_port={a.VethName},tcp,nw_src={a.Ip},nw_dst=10.2.0.1,tcp_dst=80");
            Console.WriteLine($"baseline: bare kubectl exec ofproto/trace  median {baseline.TotalMilliseconds:0} ms");
            var namespaces = resolved.Pods.Select(p => p.Namespace).Distinct().ToList();
            foreach (var (transport, inFlight, batch) in new[]
            {
                (ClusterTransport.KubernetesClient, 4, false), (ClusterTransport.KubernetesClient, 16, false), (ClusterTransport.KubernetesClient, 16, true),
                (ClusterTransport.Kubectl, 16, false), (ClusterTransport.Kubectl, 16, true),
            })
            {
                await using var session = TraceSessionFactory.Create(TransportRules.Select(options with { Transport = transport }, () => new KubeApiClientFactory()), batch);
                var clock = Stopwatch.StartNew();
                var probes = await session.PlanConnectivityAsync(new ConnectivityScope { Namespaces = namespaces, Ports = [80] }, CancellationToken.None);
                var planned = clock.Elapsed;
                using var gate = new SemaphoreSlim(inFlight);
                var verdicts = await Task.WhenAll(probes.Select(async probe =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        return (await TraceBench.TraceAsync(session, probe.ToRequest())).Item2.Verdict;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                var total = clock.Elapsed;
                var perTrace = total / probes.Count;
                var execs = ((TraceSession)session).Counters.Execs;
                Console.WriteLine($"{transport}, {inFlight} in flight, legs {(batch ? "batched" : "one exec each")}: {execs} execs for {probes.Count} probes (planned in {planned.TotalMilliseconds:0} ms) in {total.TotalSeconds:0.00} s = {probes.Count / total.TotalSeconds:0.0} traces/s, " +
                    $"{perTrace.TotalMilliseconds:0.0} ms per trace = {perTrace / baseline:0.000} x baseline; {string.Join(", ", verdicts.GroupBy(v => v).Select(g => $"{g.Key} {g.Count()}"))}");
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(state, true); } catch (IOException) { }
        }
    }
}
