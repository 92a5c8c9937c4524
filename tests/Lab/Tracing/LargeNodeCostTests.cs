using AciTrace.Discovery;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Lab;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// What a cold trace reads does not grow with the pods a node runs: on nodes with more pods than the whole-node limit
/// it reads the two pods' endpoint files, the node's own state and policy objects, never the other pods' files or the
/// security groups.
/// </summary>
public sealed class LargeNodeCostTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AColdTraceReadsOnlyTheFilesOfItsPods()
    {
        var spec = SpecGenerator.Random(seed: 11, nodes: 2, pods: 1200, scenarios: 0);
        for (int i = 0; i < spec.Nodes.Count; i++) spec.Nodes[i].PodCidr = $"10.2.{16 * i}.0/20";
        var cluster = SpecResolver.Resolve(spec);
        var state = Directory.CreateTempSubdirectory("acitrace-large-").FullName;
        try
        {
            await using var lab = await LabEnvironment.StartAsync(cluster, state);
            var options = new ClusterOptions { Kubeconfig = lab.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) };
            var recorder = new RecordingKubeClient(new KubectlClient(options));
            await using var session = TraceSessionFactory.Create(recorder);
            var withVeth = cluster.Pods.Where(p => p.HasVeth).ToList();
            var a = withVeth[0];
            var b = withVeth.First(p => p.Node != a.Node);
            var request = new TraceRequest
            {
                Kind = TraceKind.Pod, SourceNamespace = a.Namespace, SourceName = a.Name, DestinationNamespace = b.Namespace, DestinationName = b.Name,
                Protocol = TraceProtocol.Tcp, DestinationPort = 8080,
            };
            var result = await LabTraceFixture.RunAsync(session, request);
            var truth = new GroundTruthEngine(cluster).Evaluate(new PacketQuery(a, b.Ip, "tcp", DestinationPort: 8080)).Single();
            output.WriteLine($"{result.Request.Verdict} (truth {truth.Verdict}: {truth.Reason}); execs {result.Request.Execs}");
            Assert.Equal(truth.Verdict, result.Request.Verdict);

            var agentReads = recorder.ExecOutputs.Where(e => e.Argv.Count > 2 && e.Argv[2] == NodeFactsScript.Text).ToList();
            Assert.Equal(2, agentReads.Count); // one per node
            foreach (var agentRead in agentReads)
            {
                var keys = agentRead.Argv.Skip(4).ToList();
                output.WriteLine($"{agentRead.Pod}: {string.Join(" ", keys)} -> {agentRead.Bytes} bytes");
                Assert.Contains(NodeFactsScript.NodeKey, keys);
                Assert.Contains(NodeFactsScript.PolicyKey, keys);
                Assert.Single(keys, k => k.StartsWith("pod=", StringComparison.Ordinal));
            }
            long endpointBytes = Directory.EnumerateFiles(Path.Combine(state, "nodes", a.Node, "opflex-agent-ovs", "endpoints")).Sum(f => new FileInfo(f).Length);
            long dumpBytes = new FileInfo(Path.Combine(state, "nodes", a.Node, "gbp_inspect-dump.json")).Length;
            long read = agentReads.Single(r => r.Pod.Contains(lab.Api.Model.FindSystemPod(a.Node, AciTrace.Lab.Kube.AciSystemPodRole.Host)!.Name, StringComparison.Ordinal)).Bytes;
            output.WriteLine($"{a.Node}: endpoint files {endpointBytes} bytes, whole policy dump {dumpBytes} bytes, read {read} bytes");
            Assert.True(read * 10 < endpointBytes + dumpBytes, $"read {read} bytes of a node whose endpoint files and policy dump hold {endpointBytes + dumpBytes}");
        }
        finally
        {
            try { Directory.Delete(state, recursive: true); } catch (IOException) { }
        }
    }
}
