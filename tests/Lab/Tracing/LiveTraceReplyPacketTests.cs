using AciTrace.Engine;
using AciTrace.Kube;
using Xunit.Abstractions;
using LabPod = AciTrace.Lab.Spec.ResolvedPod;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// The packets of reply legs are the mirror of the request (acikubectl trace bugs §7.10-12: UDP reply legs with TCP
/// or unswapped ports; §7.14: ARP reply with dl_dst/arp_sha swapped). The flows are read from the exact argv sent.
/// </summary>
[Collection(DemoLabCollection.Name)]
public sealed class LiveTraceReplyPacketTests(LabTraceFixture lab, ITestOutputHelper output)
{
    private const int ClientPort = 40123;

    private LabPod Pod(string key) => lab.Cluster.Pods.Single(p => p.Key == key);

    private async Task<(TraceRunResult Result, IReadOnlyList<(string Bridge, string Flow)> Flows)> TraceAsync(TraceRequest request)
    {
        var recorder = new RecordingKubeClient(new KubectlClient(lab.Options));
        await using var session = TraceSessionFactory.Create(recorder);
        var result = await LabTraceFixture.RunAsync(session, request);
        var flows = recorder.TraceFlows();
        foreach (var s in result.Summaries) output.WriteLine($"{s.Direction}: {s.Verdict} {s.Protocol} {s.SourceAddress}:{s.SourcePort} -> {s.DestinationAddress}:{s.DestinationPort} legs {s.Legs}: {s.Reason}");
        foreach (var (bridge, flow) in flows) output.WriteLine($"  {bridge} {flow}");
        return (result, flows);
    }

    private static void AssertUdpFlows(IReadOnlyList<(string Bridge, string Flow)> flows, string client)
    {
        var fields = flows.Select(f => RecordingKubeClient.FlowFields(f.Flow)).ToList();
        Assert.All(fields, f => Assert.True(f.ContainsKey("udp"), "every leg is a UDP packet"));
        Assert.All(fields, f => Assert.DoesNotContain(f.Keys, k => k.StartsWith("tcp", StringComparison.Ordinal) || k.StartsWith("tp_", StringComparison.Ordinal)));
        var requests = fields.Where(f => f.GetValueOrDefault("nw_src") == client).ToList();
        var replies = fields.Where(f => f.GetValueOrDefault("nw_dst") == client).ToList();
        Assert.NotEmpty(requests);
        Assert.NotEmpty(replies);
        Assert.All(requests, f =>
        {
            Assert.Equal(ClientPort.ToString(), f["udp_src"]);
            Assert.Equal("53", f["udp_dst"]);
        });
        Assert.All(replies, f =>
        {
            Assert.NotEqual(client, f.GetValueOrDefault("nw_src"));
            Assert.Equal("53", f["udp_src"]);
            Assert.Equal(ClientPort.ToString(), f["udp_dst"]);
        });
    }

    [Fact]
    public async Task DnsServiceReplyHasUdpPortsSwapped()
    {
        var client = Pod("shop/client");
        var (result, flows) = await TraceAsync(new TraceRequest
        {
            Kind = TraceKind.Service, SourceNamespace = "shop", SourceName = "client", DestinationNamespace = "kube-system",
            DestinationName = "kube-dns", Protocol = TraceProtocol.Udp, SourcePort = ClientPort, DestinationPort = 53, IncludeReply = true,
        });
        Assert.Equal(TraceVerdict.Deliver, result.Request.Verdict);
        var reply = result.Reply ?? throw new Xunit.Sdk.XunitException("no reply summary");
        Assert.True(reply.Legs > 0, "the reply was not traced: " + reply.Reason);
        Assert.True(reply.Verdict is TraceVerdict.Deliver or TraceVerdict.Forward, $"reply {reply.Verdict}: {reply.Reason}");
        Assert.Equal(("Udp", 53, ClientPort), (reply.Protocol, reply.SourcePort, reply.DestinationPort));
        AssertUdpFlows(flows, client.Ip.ToString());
    }

    [Fact]
    public async Task DnsPodReplyAcrossNodesHasUdpPortsSwapped()
    {
        var client = Pod("shop/client");
        var (result, flows) = await TraceAsync(new TraceRequest
        {
            Kind = TraceKind.Pod, SourceNamespace = "shop", SourceName = "client", DestinationNamespace = "kube-system",
            DestinationName = "coredns-2", Protocol = TraceProtocol.Udp, SourcePort = ClientPort, DestinationPort = 53, IncludeReply = true,
        });
        Assert.Equal(TraceVerdict.Deliver, result.Request.Verdict);
        var reply = result.Reply!;
        Assert.Equal(2, reply.Legs);
        Assert.Equal("node-b -> node-a", reply.Path);
        Assert.Equal(TraceVerdict.Deliver, reply.Verdict);
        Assert.Equal(4, flows.Count);
        AssertUdpFlows(flows, client.Ip.ToString());
        Assert.All(flows.Skip(2).Select(f => RecordingKubeClient.FlowFields(f.Flow)), f => Assert.Equal(Pod("kube-system/coredns-2").Ip.ToString(), f["nw_src"]));
    }

    [Fact]
    public async Task UdpToExternalKeepsPortsInBothLegs()
    {
        var client = Pod("shop/client");
        var external = lab.Cluster.Externals["registry"].ToString();
        var (result, flows) = await TraceAsync(new TraceRequest
        {
            Kind = TraceKind.External, SourceNamespace = "shop", SourceName = "client", DestinationAddress = external,
            Protocol = TraceProtocol.Udp, SourcePort = ClientPort, DestinationPort = 53, IncludeReply = true,
        });
        Assert.Equal(TraceVerdict.Forward, result.Request.Verdict);
        Assert.Equal(("Udp", ClientPort, 53), (result.Request.Protocol, result.Request.SourcePort, result.Request.DestinationPort));
        Assert.Equal(("Udp", 53, ClientPort), (result.Reply!.Protocol, result.Reply.SourcePort, result.Reply.DestinationPort));
        Assert.Equal(2, flows.Count);
        AssertUdpFlows(flows, client.Ip.ToString());
        Assert.Equal(external, RecordingKubeClient.FlowFields(flows[1].Flow)["nw_src"]);
    }

    [Theory]
    [InlineData("shop/web-1")] // same node
    [InlineData("shop/web-2")] // across nodes
    public async Task ArpReplyIsAddressedToTheRequester(string target)
    {
        var client = Pod("shop/client");
        var server = Pod(target);
        var (result, flows) = await TraceAsync(new TraceRequest
        {
            Kind = TraceKind.Pod, SourceNamespace = "shop", SourceName = "client", DestinationNamespace = server.Namespace,
            DestinationName = server.Name, Protocol = TraceProtocol.Arp, IncludeReply = true,
        });
        Assert.Equal(TraceVerdict.Deliver, result.Request.Verdict);
        var fields = flows.Select(f => RecordingKubeClient.FlowFields(f.Flow)).ToList();
        Assert.All(fields, f => Assert.True(f.ContainsKey("arp")));
        var requests = fields.Where(f => f["arp_op"] == "1").ToList();
        var replies = fields.Where(f => f["arp_op"] == "2").ToList();
        Assert.NotEmpty(requests);
        Assert.NotEmpty(replies);
        Assert.All(requests, f =>
        {
            Assert.Equal("ff:ff:ff:ff:ff:ff", f["dl_dst"]);
            Assert.Equal(client.Ip.ToString(), f["arp_spa"]);
            Assert.Equal(server.Ip.ToString(), f["arp_tpa"]);
        });
        Assert.All(replies, f =>
        {
            // The reply goes from the server to the client: sender = server, target = client, at L2 and in the ARP body.
            Assert.Equal(client.Mac, f["dl_dst"]);
            Assert.Equal(client.Mac, f["arp_tha"]);
            Assert.Equal(server.Ip.ToString(), f["arp_spa"]);
            Assert.Equal(client.Ip.ToString(), f["arp_tpa"]);
        });
        // Where the packet leaves the server itself, the L2 source and the ARP sender are the server's MAC.
        var fromServer = replies.Where(f => f["in_port"] == server.VethName).ToList();
        Assert.NotEmpty(fromServer);
        Assert.All(fromServer, f =>
        {
            Assert.Equal(server.Mac, f["dl_src"]);
            Assert.Equal(server.Mac, f["arp_sha"]);
        });
        var reply = result.Reply!;
        Assert.True(reply.Legs > 0, reply.Reason);
        Assert.Equal(TraceVerdict.Deliver, reply.Verdict);
    }
}
