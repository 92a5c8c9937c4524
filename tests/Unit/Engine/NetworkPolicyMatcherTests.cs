using System.Text.Json;
using AciTrace.Discovery;
using AciTrace.Engine;
using AciTrace.Explain;

namespace AciTrace.Tests.Unit.Engine;

/// <summary>Drop reasons say which part of the NetworkPolicy rules a packet failed: its peer, its port or its protocol.</summary>
public class NetworkPolicyMatcherTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement;

    private static PodInfo Pod(string ns, string name, string labels, string ports = "[]") => PodInfo.FromJson(J(
        "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"labels\":" + labels + "}," +
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":" + ports + "}]},\"status\":{\"phase\":\"Running\"}}"));

    private static NetworkPolicyInfo Policy(string ns, string spec) =>
        NetworkPolicyInfo.FromJson(J("{\"metadata\":{\"name\":\"np\",\"namespace\":\"" + ns + "\"},\"spec\":" + spec + "}"));

    private static string? Egress(NetworkPolicyInfo np, PodInfo from, PodInfo? to, string address, TraceProtocol protocol, int? port)
    {
        var packet = new PolicyPacket(from, to, address, to, protocol, port);
        return NetworkPolicyMatcher.Mismatch(NetworkPolicyMatcher.Check([np], ingress: false, packet), false, packet, $"{protocol.ToString().ToUpperInvariant()} port {port}");
    }

    private static readonly PodInfo Client = Pod("shop", "client", """{"app":"client"}""");
    private static readonly PodInfo Dns = Pod("kube-system", "coredns-1", """{"k8s-app":"kube-dns"}""");
    private static readonly PodInfo Web = Pod("shop", "web-1", """{"app":"web"}""", """[{"name":"http","containerPort":8080}]""");

    private const string AllowDnsToKubeSystem = """
        {"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}}}],
         "ports":[{"protocol":"UDP","port":53}]}]}
        """;

    [Fact]
    public void APacketToTheAllowedPortOfAnotherPeerNamesThePeer()
    {
        // "allow DNS to kube-system" does not cover UDP 53 to a pod of shop: the peer failed, not the port.
        var why = Egress(Policy("shop", AllowDnsToKubeSystem), Client, Web, "10.2.0.10", TraceProtocol.Udp, 53);
        Assert.Equal("UDP port 53 is allowed only to all pods of namespaces kubernetes.io/metadata.name=kube-system; shop/web-1 (10.2.0.10) is not among them", why);
    }

    [Fact]
    public void APacketToTheAllowedPeerOnAnotherProtocolNamesTheProtocol()
    {
        var why = Egress(Policy("shop", AllowDnsToKubeSystem), Client, Dns, "10.2.0.20", TraceProtocol.Tcp, 53);
        Assert.Equal("the rules that admit kube-system/coredns-1 (10.2.0.20) allow UDP port 53, not TCP (the protocol differs)", why);
    }

    [Fact]
    public void APacketToTheAllowedPeerOnAnotherPortNamesThePortsAllowed()
    {
        var np = Policy("shop", """{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"ports":[{"protocol":"TCP","port":"http"}]}]}""");
        var packet = new PolicyPacket(Web, Client, "10.2.0.11", Web, TraceProtocol.Tcp, 80);
        var why = NetworkPolicyMatcher.Mismatch(NetworkPolicyMatcher.Check([np], ingress: true, packet), true, packet, "TCP port 80");
        Assert.Equal("the rules that admit shop/client (10.2.0.11) allow only TCP port http (8080), not TCP port 80", why);
    }

    [Fact]
    public void AnAllowedPacketHasNoMismatchAndANamedPortResolvesOnTheDestination()
    {
        var np = Policy("shop", """{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"ports":[{"protocol":"TCP","port":"http"}]}]}""");
        var packet = new PolicyPacket(Web, Client, "10.2.0.11", Web, TraceProtocol.Tcp, 8080);
        Assert.Null(NetworkPolicyMatcher.Mismatch(NetworkPolicyMatcher.Check([np], ingress: true, packet), true, packet, "TCP port 8080"));
    }

    [Fact]
    public void AnAddressInAnExceptBlockFailsThePeer()
    {
        var np = Policy("shop", """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"10.2.0.0/16","except":["10.2.0.0/24"]}}],"ports":[{"protocol":"TCP","port":5432}]}]}""");
        var why = Egress(np, Client, Web, "10.2.0.10", TraceProtocol.Tcp, 5432);
        Assert.Equal("TCP port 5432 is allowed only to 10.2.0.0/16 except 10.2.0.0/24; shop/web-1 (10.2.0.10) is not among them", why);
    }

    [Fact]
    public void ANamespaceSelectorOnUnreadLabelsIsSaidToBeUnchecked()
    {
        var np = Policy("shop", """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"namespaceSelector":{"matchLabels":{"team":"infra"}}}],"ports":[{"protocol":"UDP","port":53}]}]}""");
        var why = Egress(np, Client, Dns, "10.2.0.20", TraceProtocol.Udp, 53);
        Assert.Contains("is not among them (a namespaceSelector on namespace labels could not be checked", why);
    }

    [Fact]
    public void APolicyWithoutRulesDeniesAll()
    {
        var np = Policy("shop", """{"podSelector":{},"policyTypes":["Egress"]}""");
        Assert.Equal("they have no egress rule, so they deny all egress", Egress(np, Client, Dns, "10.2.0.20", TraceProtocol.Udp, 53));
    }

    [Fact]
    public void PortRangesAndEmptyPortListsMatch()
    {
        var np = Policy("shop", """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"protocol":"TCP","port":9000,"endPort":9100}]},{"to":[{"podSelector":{"matchLabels":{"app":"web"}}}]}]}""");
        Assert.Null(Egress(np, Client, Dns, "10.2.0.20", TraceProtocol.Tcp, 9050));
        Assert.Null(Egress(np, Client, Web, "10.2.0.10", TraceProtocol.Udp, 1));
        Assert.NotNull(Egress(np, Client, Dns, "10.2.0.20", TraceProtocol.Tcp, 9101));
    }
}
