using System.Text.Json;
using AciTrace.Discovery;
using AciTrace.Explain;
using AciTrace.Policy;

namespace AciTrace.Tests.Unit.Engine;

public class ClusterObjectsTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void PodReadsDualStackAddressesPortsAndReadiness()
    {
        var pod = PodInfo.FromJson(J("""
            {"metadata":{"name":"a1","namespace":"team-a","uid":"u","labels":{"app":"a"}},
             "spec":{"nodeName":"node-a","containers":[{"name":"c","ports":[{"name":"http","containerPort":8080}]}]},
             "status":{"phase":"Running","podIP":"10.2.0.10","podIPs":[{"ip":"10.2.0.10"},{"ip":"fd00::a"}],
                       "conditions":[{"type":"Ready","status":"True"}]}}
            """));
        Assert.Equal("team-a/a1", pod.Key);
        Assert.True(pod.Ready);
        Assert.Equal("fd00::a", pod.AddressFor(preferIPv6: true)!.ToString());
        Assert.Equal("10.2.0.10", pod.AddressFor(preferIPv6: false)!.ToString());
        Assert.Equal(new ContainerPortInfo("http", 8080, "TCP"), pod.Ports.Single());
    }

    [Fact]
    public void MalformedObjectsGiveDefaultsNotExceptions()
    {
        var pod = PodInfo.FromJson(J("""{"metadata":5,"spec":{"containers":"x"},"status":{"podIP":"999.1.1.1"}}"""));
        Assert.Empty(pod.Addresses);
        Assert.Null(pod.NodeName);
        var svc = ServiceInfo.FromJson(J("""{"spec":{"clusterIP":"None","ports":[{"port":53,"targetPort":"dns","protocol":"UDP"}]}}"""));
        Assert.True(svc.Headless);
        Assert.Equal("dns", svc.Ports.Single().TargetPortName);
    }

    [Fact]
    public void ServiceTargetPortDefaultsToPort()
    {
        var svc = ServiceInfo.FromJson(J("""{"metadata":{"name":"s","namespace":"n"},"spec":{"clusterIP":"10.96.0.10","ports":[{"port":80}]}}"""));
        Assert.Equal(80, svc.Ports.Single().TargetPortNumber);
    }

    [Fact]
    public void NetworkPolicyTypesDefaultLikeKubernetes()
    {
        var ingressOnly = NetworkPolicyInfo.FromJson(J("""{"metadata":{"name":"p","namespace":"n"},"spec":{"podSelector":{}}}"""));
        Assert.True(ingressOnly.AppliesToIngress);
        Assert.False(ingressOnly.AppliesToEgress);
        var withEgress = NetworkPolicyInfo.FromJson(J("""{"metadata":{"name":"p","namespace":"n"},"spec":{"podSelector":{},"egress":[]}}"""));
        Assert.True(withEgress.AppliesToEgress);
    }

    [Fact]
    public void LabelSelectorsEvaluateMatchExpressions()
    {
        var sel = LabelSelector.FromJson(J("""{"matchLabels":{"app":"db"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]},{"key":"x","operator":"DoesNotExist"}]}"""));
        Assert.True(sel.Matches(new Dictionary<string, string> { ["app"] = "db", ["tier"] = "b" }));
        Assert.False(sel.Matches(new Dictionary<string, string> { ["app"] = "db", ["tier"] = "c" }));
        Assert.False(sel.Matches(new Dictionary<string, string> { ["app"] = "db", ["tier"] = "a", ["x"] = "1" }));
        Assert.True(LabelSelector.FromJson(J("{}")).Matches(new Dictionary<string, string>()));
        var unknownOp = LabelSelector.FromJson(J("""{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}"""));
        Assert.False(unknownOp.Matches(new Dictionary<string, string> { ["a"] = "2" }));
    }

    [Fact]
    public void IngressDropNamesTheSelectingPolicies()
    {
        var b1 = PodInfo.FromJson(J("""{"metadata":{"name":"b1","namespace":"team-b","labels":{"app":"b"}},"spec":{},"status":{}}"""));
        var policies = new[]
        {
            NetworkPolicyInfo.FromJson(J("""{"metadata":{"name":"allow-8080","namespace":"team-b"},"spec":{"podSelector":{"matchLabels":{"app":"b"}},"policyTypes":["Ingress"]}}""")),
            NetworkPolicyInfo.FromJson(J("""{"metadata":{"name":"other","namespace":"team-b"},"spec":{"podSelector":{"matchLabels":{"app":"c"}}}}""")),
            NetworkPolicyInfo.FromJson(J("""{"metadata":{"name":"egress","namespace":"team-b"},"spec":{"podSelector":{},"policyTypes":["Egress"]}}""")),
        };
        var e = DropExplainer.Explain(new DropContext(AciBridge.Access, 4, "SEC_GROUP_IN_TABLE", "TCP port 80", null, b1, null, policies, null, null, null));
        Assert.Equal(new[] { "team-b/allow-8080" }, e.Policies);
        Assert.Contains("team-b/allow-8080", e.Reason);
        Assert.Contains("TCP port 80", e.Reason);
    }

    [Fact]
    public void PolicyTableDropNamesBothEpgs()
    {
        var e = DropExplainer.Explain(new DropContext(AciBridge.Integration, 12, "POL_TABLE", "TCP port 80", null, null, null, null, "kube|app-a", "kube|app-b", null));
        Assert.Contains("kube|app-a", e.Reason);
        Assert.Contains("kube|app-b", e.Reason);
    }
}
