using System.Globalization;
using AciTrace.Engine;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;
using AciTrace.Tests.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// Every scenario of samples/demo-cluster.yaml traced end to end through both transports (KubernetesClient in
/// process, and real kubectl -> lab API -> exec -> real OVS) and
/// compared with the lab's ground truth, computed from the spec alone.
/// </summary>
public sealed class LiveTraceScenarioTests(LabTraceFixture lab, ITestOutputHelper output) : IClassFixture<LabTraceFixture>
{
    public static TheoryData<string, Kube.ClusterTransport> Scenarios()
    {
        var data = new TheoryData<string, Kube.ClusterTransport>();
        foreach (var s in SpecResolver.LoadFile(LabTestSupport.Sample("demo-cluster.yaml")).Spec.Scenarios)
            foreach (var transport in LabSessions.Transports) data.Add(s.Name, transport);
        return data;
    }

    internal static TraceRequest RequestFor(ResolvedCluster cluster, ScenarioSpec s, bool reply = false)
    {
        var (srcNs, srcName) = Split(s.From);
        var protocol = Enum.Parse<TraceProtocol>(s.Protocol, ignoreCase: true);
        var request = new TraceRequest
        {
            SourceNamespace = srcNs,
            SourceName = srcName,
            Protocol = protocol,
            DestinationPort = protocol is TraceProtocol.Tcp or TraceProtocol.Udp ? s.Port : null,
            SourcePort = s.SourcePort,
            IncludeReply = reply,
        };
        if (s.ToPod is { } pod)
        {
            var (ns, name) = Split(pod);
            return request with { Kind = TraceKind.Pod, DestinationNamespace = ns, DestinationName = name };
        }
        if (s.ToService is { } svc)
        {
            var (ns, name) = Split(svc);
            return request with { Kind = TraceKind.Service, DestinationNamespace = ns, DestinationName = name };
        }
        var ip = s.ToExternal is { } ext ? cluster.Externals[ext].ToString() : s.ToIp!;
        return request with { Kind = TraceKind.External, DestinationAddress = ip };
    }

    private static (string, string) Split(string key)
    {
        var i = key.IndexOf('/');
        return (key[..i], key[(i + 1)..]);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task TraceEqualsGroundTruth(string name, Kube.ClusterTransport transport)
    {
        var scenario = lab.Cluster.Spec.Scenarios.Single(s => s.Name == name);
        await CheckAsync(lab.Sessions[transport], lab.Cluster, lab.Truth, scenario, output);
    }

    /// <summary>Traces a scenario (request and reply) and asserts the outcome equals the ground truth.</summary>
    internal static async Task CheckAsync(ITraceSession session, ResolvedCluster cluster, GroundTruthEngine truth, ScenarioSpec scenario, ITestOutputHelper output)
    {
        var query = AciTrace.Lab.GroundTruth.Scenarios.ToQuery(cluster, scenario, out var error) ?? throw new InvalidOperationException(error);
        var outcomes = truth.Evaluate(query);
        var result = await LabTraceFixture.RunAsync(session, RequestFor(cluster, scenario, reply: true));
        var summary = result.Request;
        output.WriteLine($"{summary.TraceId}: {summary.Verdict} at {summary.DropNode}/{summary.DropBridge}/{summary.DropTable}: {summary.Reason}");
        foreach (var p in result.Passes) output.WriteLine($"  {p.Direction} leg {p.Leg} {p.Node} {p.Bridge} {p.InPortName}->{p.OutPortName} {p.Verdict} [{p.TablePath}] {p.Reason}");

        var expected = outcomes.Count == 1 ? outcomes[0]
            : outcomes.SingleOrDefault(o => o.Backend?.Ip.ToString() == summary.DnatAddress)
              ?? throw new Xunit.Sdk.XunitException($"the traced backend {summary.DnatAddress} is none of the ground truth's backends");
        Assert.True(expected.Verdict == summary.Verdict, $"{scenario.Name}: traced {summary.Verdict} ({summary.Reason}); ground truth {expected.Verdict} ({expected.Reason})");
        if (expected.Drop is { } drop)
        {
            if (drop.Bridge == "fabric")
                Assert.Equal("fabric", summary.DropNode);
            else
            {
                Assert.Equal(drop.Node, summary.DropNode);
                Assert.Equal(drop.Bridge, summary.DropBridge);
                Assert.Equal(drop.Table, summary.DropTable);
            }
        }
        var tunnelOut = expected.Legs.Select(l => l.TunnelIdOut).FirstOrDefault(t => t is not null);
        if (tunnelOut is uint vnid && expected.Verdict != TraceVerdict.Drop)
            Assert.Equal("0x" + vnid.ToString("x", CultureInfo.InvariantCulture), summary.TunnelId);
        Assert.Equal(expected.SnatIp?.ToString(), summary.SnatAddress);
        if (expected.Backend is { } backend) Assert.Equal(backend.Ip.ToString(), summary.DnatAddress);

        // The reply of an allowed request is allowed (reflexive conntrack), where it can be traced.
        if (result.Reply is { } reply && expected.ReplyAllowed && reply.Legs > 0)
            Assert.True(reply.Verdict is TraceVerdict.Deliver or TraceVerdict.Forward, $"reply: {reply.Verdict}: {reply.Reason}");
    }
}
