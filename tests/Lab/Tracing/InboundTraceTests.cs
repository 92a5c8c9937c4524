using System.Net;
using AciTrace.Engine;
using AciTrace.Lab;
using AciTrace.Lab.Generation;
using AciTrace.Lab.GroundTruth;
using AciTrace.Lab.Spec;
using AciTrace.Tests.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>The lab for the outside-in traces: the demo cluster plus a LoadBalancer Service with one backend (on node-a), a database LoadBalancer its NetworkPolicy closes, and one whose only endpoint uses the host network.</summary>
public sealed class InboundLabFixture : IAsyncLifetime
{
    private string _state = "";

    public LabEnvironment Env { get; private set; } = null!;
    public GroundTruthEngine Truth { get; private set; } = null!;
    public ResolvedCluster Cluster => Env.Resolved;
    public ClusterOptions Options => new() { Kubeconfig = Env.KubeconfigPath, Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        _state = Directory.CreateTempSubdirectory("acitrace-inbound-").FullName;
        Env = await LabEnvironment.StartAsync(LabTestSupport.WithOutsideServices(), _state);
        Truth = new GroundTruthEngine(Env.Resolved);
    }

    public async Task DisposeAsync()
    {
        await Env.DisposeAsync();
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// Get-AciServiceTrace from outside (the engine, through both transports): a LoadBalancer IP traced end to end against
/// the ground truth of the node it was traced on, the reply rewritten to the entry address out of the uplink, and the
/// failure modes with their reasons (what ACI CNI does not program into OVS is said, not traced).
/// </summary>
public sealed class InboundTraceTests(InboundLabFixture lab, ITestOutputHelper output) : IClassFixture<InboundLabFixture>
{
    private const string Client = "203.0.113.7";

    public static TheoryData<string, string?, int, Kube.ClusterTransport> Cases()
    {
        var data = new TheoryData<string, string?, int, Kube.ClusterTransport>();
        foreach (var transport in LabSessions.Transports)
        {
            data.Add("shop/web-public", null, 80, transport);
            data.Add("shop/web-public", "node-b", 80, transport);
            data.Add("jobs/job-lb", null, 8000, transport);
            data.Add("data/db-public", null, 5432, transport);
        }
        return data;
    }

    private static TraceRequest Inbound(string service, int port, ServiceEntry entry = ServiceEntry.LoadBalancer, string? node = null, string? externalIp = null) => new()
    {
        Kind = TraceKind.Service, SourceAddress = Client, Entry = entry, ExternalIp = externalIp, Node = node,
        DestinationNamespace = service.Split('/')[0], DestinationName = service.Split('/')[1], Protocol = TraceProtocol.Tcp, DestinationPort = port, IncludeReply = true,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheLoadBalancerIpEqualsTheGroundTruth(string service, string? node, int port, Kube.ClusterTransport transport)
    {
        await using var session = LabSessions.Create(lab.Options with { Transport = transport });
        var result = await LabTraceFixture.RunAsync(session, Inbound(service, port, node: node));
        var request = result.Request;
        output.WriteLine($"{request.TraceId}: {request.Verdict}: {request.Reason}");
        foreach (var p in result.Passes) output.WriteLine($"  {p.Direction} {p.Node} {p.Bridge} {p.InPortName}->{p.OutPortName} {p.Verdict}: {p.Reason}");

        var svc = lab.Cluster.Services.Single(s => s.Key == service);
        var truth = lab.Truth.EvaluateInbound(new InboundQuery(IPAddress.Parse(Client), svc, "tcp", port, node));
        var tracedNode = request.Passes.First().Node;
        if (node is not null) Assert.Equal(node, tracedNode);
        var expected = truth.Where(o => o.Legs.Count > 0 && o.Legs[0].Node == tracedNode).ToList();
        Assert.NotEmpty(expected);
        var match = expected.FirstOrDefault(o => o.Backend is null || o.Backend.Ip.ToString() == request.DnatAddress) ?? expected[0];
        Assert.True(match.Verdict == request.Verdict, $"traced {request.Verdict} ({request.Reason}); ground truth {match.Verdict} ({match.Reason})");
        if (match.Drop is { } drop)
        {
            Assert.Equal((drop.Node, drop.Bridge, drop.Table), (request.DropNode, request.DropBridge, request.DropTable));
            Assert.Contains("data/db-from-shop", request.Reason, StringComparison.Ordinal);
        }

        var reply = result.Reply!;
        if (match.Verdict == TraceVerdict.Deliver)
        {
            Assert.Equal(match.Backend!.Ip.ToString(), request.DnatAddress);
            // The conntrack mark the agent writes names the external copy of the Service.
            Assert.Contains($"{service} (external)", string.Join("\n", result.Passes.SelectMany(p => p.Hops).Select(h => h.Decoded)), StringComparison.Ordinal);
            Assert.Equal(TraceVerdict.Forward, reply.Verdict);
            var back = reply.Passes.Last();
            Assert.Equal(lab.Cluster.Nodes.Single(n => n.Name == tracedNode).Uplink, back.OutPortName);
            var actions = string.Join("\n", back.Hops.Select(h => h.Actions));
            Assert.Contains($"set_field:{svc.LoadBalancerIp}->ip_src", actions, StringComparison.Ordinal);
            Assert.Contains("push_vlan", actions, StringComparison.Ordinal);
        }
        else
            Assert.True(reply.Legs == 0, "the reply of a request that reached no backend is not traced");
    }

    [Theory]
    [InlineData(ServiceEntry.NodePort, "node-a", null, ErrorIds.ServiceNotExposed, "does not program node ports into OVS")]
    [InlineData(ServiceEntry.LoadBalancer, "node-b", null, ErrorIds.ExternalServiceFileNotFound, "only on a node that runs a ready backend")]
    public async Task WhatACICNIDoesNotProgramIsSaidNotTraced(ServiceEntry entry, string? node, string? externalIp, string errorId, string why)
    {
        await using var session = LabSessions.Create(lab.Options);
        var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => LabTraceFixture.RunAsync(session, Inbound("jobs/job-lb", 8000, entry, node, externalIp)));
        output.WriteLine(e.Message);
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExternalIpIsNotProgrammedIntoOvs()
    {
        await using var session = LabSessions.Create(lab.Options);
        var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => LabTraceFixture.RunAsync(session, Inbound("shop/web-public", 80, ServiceEntry.ExternalIP, externalIp: "172.28.100.11")));
        Assert.Equal(ErrorIds.ServiceNotExposed, e.ErrorId);
        Assert.Contains("external IPs are not programmed into OVS", e.Message, StringComparison.Ordinal);
        Assert.Contains("it lists 172.28.100.10:80", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceWhoseOnlyEndpointUsesTheHostNetworkHasNoNodeToSendTo()
    {
        await using var session = LabSessions.Create(lab.Options);
        var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => LabTraceFixture.RunAsync(session, new TraceRequest
        {
            Kind = TraceKind.Service, SourceAddress = Client, DestinationNamespace = "kube-system", DestinationName = "exporter-public", DestinationPort = 9100,
        }));
        Assert.Equal(ErrorIds.ServiceHasNoEndpoints, e.ErrorId);
        Assert.Contains("on the pod network", e.Message, StringComparison.Ordinal);
        var svc = lab.Cluster.Services.Single(s => s.Key == "kube-system/exporter-public");
        Assert.Equal(TraceVerdict.Drop, lab.Truth.EvaluateInbound(new InboundQuery(IPAddress.Parse(Client), svc, "tcp", 9100)).Single().Verdict);
    }
}
