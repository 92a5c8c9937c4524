using System.Diagnostics;
using System.Globalization;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Kube.Api;
using AciTrace.Lab;
using AciTrace.Replay.Snapshot;

namespace AciTrace.Bench;

/// <summary>
/// Snapshots against cluster size (3-node random labs): how long Save-AciSnapshot takes in process and how big the
/// file is, and what a trace of the file costs (cold: extract, start and load the private OVS of the nodes it crosses;
/// warm: the next trace), each as a ratio to the same trace live in process (cold and warm), and to one bare
/// `kubectl exec ... ofproto/trace` measured in the same run.
/// </summary>
public static class SnapshotBench
{
    public static int Run(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10, 1000];
        return RunAsync(sizes).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int[] sizes)
    {
        var state = Directory.CreateTempSubdirectory("acitrace-snapshot-bench-").FullName;
        try
        {
            foreach (var pods in sizes) await MeasureAsync(Path.Combine(state, pods.ToString(CultureInfo.InvariantCulture)), pods);
            return 0;
        }
        finally
        {
            try { Directory.Delete(state, true); } catch (IOException) { }
        }
    }

    private static async Task MeasureAsync(string dir, int pods)
    {
        var resolved = ScaleBench.LargeCluster(pods);
        var file = Path.Combine(dir, "snapshot.zip");
        TraceRequest request;
        TimeSpan liveCold, liveWarm, save, baseline;
        await using (var lab = await LabEnvironment.StartAsync(resolved, Path.Combine(dir, "lab")))
        {
            var options = new ClusterOptions { Kubeconfig = lab.KubeconfigPath, Timeout = TimeSpan.FromSeconds(300) };
            var withVeth = resolved.Pods.Where(p => p.HasVeth).ToList();
            var (a, b) = (withVeth.First(), withVeth.First(p => p.Node != withVeth[0].Node));
            request = new TraceRequest
            {
                Kind = TraceKind.Pod, SourceNamespace = a.Namespace, SourceName = a.Name, DestinationNamespace = b.Namespace, DestinationName = b.Name,
                Protocol = TraceProtocol.Tcp, DestinationPort = 80,
            };
            var ovsPod = lab.Api.Model.FindSystemPod(a.Node, AciTrace.Lab.Kube.AciSystemPodRole.OpenVswitch)!.Name;
            baseline = await TraceBench.BareExecBaselineAsync(lab.KubeconfigPath, ovsPod, $"in_port={a.VethName},tcp,nw_src={a.Ip},nw_dst={b.Ip},tcp_dst=80");
            await using (var session = TraceSessionFactory.Create(TransportRules.Select(options with { Transport = ClusterTransport.KubernetesClient }, () => new KubeApiClientFactory())))
            {
                liveCold = await TimeAsync(session, request);
                liveWarm = await TimeAsync(session, request);
                var clock = Stopwatch.StartNew();
                await session.SaveSnapshotAsync(new SnapshotRequest(file, null, null), _ => { }, CancellationToken.None);
                save = clock.Elapsed;
            }
        }

        var open = Stopwatch.StartNew();
        await using var client = SnapshotKubeClient.Open(file);
        var opened = open.Elapsed;
        await using var offline = TraceSessionFactory.Create(client);
        var offlineCold = await TimeAsync(offline, request);
        var offlineWarm = await TimeAsync(offline, request);
        string Ratio(TimeSpan t, TimeSpan of) => (t / of).ToString("0.00", CultureInfo.InvariantCulture);
        Console.WriteLine($"{pods} pods, 3 nodes: baseline bare kubectl exec ofproto/trace {baseline.TotalMilliseconds:0} ms");
        Console.WriteLine($"  Save-AciSnapshot in process {save.TotalMilliseconds:0} ms = {Ratio(save, baseline)} x baseline; file {new FileInfo(file).Length / 1024} KiB");
        Console.WriteLine($"  open (check + extract) {opened.TotalMilliseconds:0} ms");
        Console.WriteLine($"  cold trace: offline {offlineCold.TotalMilliseconds:0} ms (starts the OVS of 2 nodes) vs live {liveCold.TotalMilliseconds:0} ms = {Ratio(offlineCold, liveCold)} x live, {Ratio(offlineCold, baseline)} x baseline");
        Console.WriteLine($"  warm trace: offline {offlineWarm.TotalMilliseconds:0} ms vs live {liveWarm.TotalMilliseconds:0} ms = {Ratio(offlineWarm, liveWarm)} x live, {Ratio(offlineWarm, baseline)} x baseline");
    }

    private static async Task<TimeSpan> TimeAsync(ITraceSession session, TraceRequest request)
    {
        var clock = Stopwatch.StartNew();
        await foreach (var e in session.RunAsync(request, CancellationToken.None))
        {
        }
        return clock.Elapsed;
    }
}
