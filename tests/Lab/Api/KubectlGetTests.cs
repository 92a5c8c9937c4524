using System.Text.Json.Nodes;
using AciTrace.Lab.Kube;

namespace AciTrace.Tests.Lab.Api;

/// <summary>kubectl get/describe against the lab API: real columns, selectors, JSON shape, errors, auth and RBAC.</summary>
public sealed class KubectlGetTests(LabApiFixture lab) : IClassFixture<LabApiFixture>
{
    private static string[] Lines(KubectlResult r) => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<KubectlResult> Ok(Task<KubectlResult> run)
    {
        KubectlResult r = await run;
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    [Fact]
    public async Task GetPodsAllNamespacesWidePrintsRealColumns()
    {
        KubectlResult r = await Ok(lab.Admin.RunAsync("get", "pods", "-A", "-o", "wide"));
        string[] lines = Lines(r);
        Assert.Equal(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"], Words(lines[0]));
        string web1 = Assert.Single(lines, l => l.Contains(" web-1 "));
        Assert.Equal(["demo", "web-1", "1/1", "Running", "0", "5m", "10.2.0.5", "node-a", "<none>", "<none>"], Words(web1).Select(w => w.StartsWith("5m") ? "5m" : w));
        string pending = Assert.Single(lines, l => l.Contains(" pending-1 "));
        Assert.Equal(["other", "pending-1", "0/1", "ContainerCreating"], Words(pending)[..4]);
        // Two ACI system pods per node, Running and Ready, on the node's IP (hostNetwork).
        string[] system = [.. lines.Where(l => l.StartsWith("aci-containers-system ", StringComparison.Ordinal))];
        Assert.Equal(4, system.Length);
        string ovsA = Assert.Single(system, l => l.Contains(lab.OvsPodA));
        Assert.Equal([lab.OvsPodA, "1/1", "Running", "0"], Words(ovsA)[1..5]);
        Assert.Equal(["10.0.0.11", "node-a"], Words(ovsA)[6..8]);
        Assert.Equal([lab.HostPodA, "3/3", "Running"], Words(Assert.Single(system, l => l.Contains(lab.HostPodA)))[1..4]);
        Assert.Matches("^aci-containers-openvswitch-[bcdfghjklmnpqrstvwxz2456789]{5}$", lab.OvsPodA);
    }

    [Fact]
    public async Task GetServicesEndpointSlicesPoliciesNodesAndNamespaces()
    {
        string[] svc = Lines(await Ok(lab.Admin.RunAsync("get", "svc", "-o", "wide")));
        Assert.Equal(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"], Words(svc[0]));
        Assert.Equal(["db", "NodePort", "10.96.0.20", "<none>", "5432:30432/TCP"], Words(svc[1])[..5]);
        Assert.Equal(["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP"], Words(svc[2])[..5]);
        Assert.Equal("app=web", Words(svc[2])[^1]);

        string[] slices = Lines(await Ok(lab.Admin.RunAsync("get", "endpointslices")));
        Assert.Equal(["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], Words(slices[0]));
        string web4 = Assert.Single(slices, l => l.StartsWith("web-", StringComparison.Ordinal) && l.Contains("IPv4"));
        Assert.Equal(["IPv4", "8080", "10.2.0.5,10.2.1.6"], Words(web4)[1..4]);
        Assert.Contains(slices, l => l.StartsWith("db-", StringComparison.Ordinal) && Words(l)[1..4].SequenceEqual(["IPv4", "5432", "10.2.1.7"]));

        string[] policies = Lines(await Ok(lab.Admin.RunAsync("get", "networkpolicies")));
        Assert.Equal(["NAME", "POD-SELECTOR", "AGE"], Words(policies[0]));
        Assert.Equal(["deny-db", "app=db"], Words(policies[1])[..2]);

        string[] nodes = Lines(await Ok(lab.Admin.RunAsync("get", "nodes", "-o", "wide")));
        Assert.Equal(["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP"], Words(nodes[0])[..7]);
        Assert.Equal(["node-a", "Ready", "<none>"], Words(nodes[1])[..3]);
        Assert.Equal(["node-b", "Ready", "worker"], Words(nodes[2])[..3]);
        Assert.Equal("10.0.0.12", Words(nodes[2])[5]);

        string ns = (await Ok(lab.Admin.RunAsync("get", "ns", "-l", "network-plugin=aci-containers", "-o", "name"))).Stdout;
        Assert.Equal("namespace/aci-containers-system\n", ns);
    }

    [Fact]
    public async Task LabelSelectorsAreAppliedByTheServer()
    {
        async Task<string> Names(params string[] selector) =>
            string.Join(",", Lines(await Ok(lab.Admin.RunAsync(["get", "pods", "-A", "-o", "name", .. selector]))).Select(l => l.Replace("pod/", "")));
        Assert.Equal("web-1,web-2", await Names("-l", "app=web"));
        Assert.Equal("web-1", await Names("-l", "app==web,tier!=back"));
        Assert.Equal("db-1,web-2", await Names("-l", "app in (db,web),tier notin (front)"));
        Assert.Equal("web-1,web-2", await Names("-l", "tier"));
        Assert.Equal("db-1,pending-1", await Names("-l", "!tier,app"));
        string system = await Names("-n", "aci-containers-system", "-l", "network-plugin=aci-containers,name=aci-containers-host");
        Assert.Equal(2, system.Split(',').Length);
        Assert.All(system.Split(','), n => Assert.StartsWith("aci-containers-host-", n));
        KubectlResult bad = await lab.Admin.RunAsync("get", "pods", "-l", "app in (web");
        Assert.NotEqual(0, bad.ExitCode);
    }

    [Fact]
    public async Task FieldSelectorsAreAppliedByTheServer()
    {
        async Task<string[]> Names(string selector) =>
            [.. Lines(await Ok(lab.Admin.RunAsync("get", "pods", "-A", "-o", "name", "--field-selector", selector))).Select(l => l.Replace("pod/", ""))];
        Assert.Equal(["db-1", "web-2"], (await Names("spec.nodeName=node-b,metadata.namespace=demo")));
        Assert.Equal(["pending-1"], await Names("status.phase=Pending"));
        Assert.Equal(["web-1"], await Names("metadata.name=web-1"));
        string[] onA = await Names("spec.nodeName==node-a,metadata.namespace!=demo");
        Assert.Equal(3, onA.Length);
        KubectlResult bad = await lab.Admin.RunAsync("get", "pods", "--field-selector", "spec.bogus=1");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("field label not supported: spec.bogus", bad.Stderr);
    }

    [Fact]
    public async Task JsonShapeMatchesTheRealApi()
    {
        JsonNode pod = JsonNode.Parse((await Ok(lab.Admin.RunAsync("get", "pod", "web-1", "-o", "json"))).Stdout)!;
        Assert.Equal("v1", (string?)pod["apiVersion"]);
        Assert.Equal("Pod", (string?)pod["kind"]);
        Assert.Equal("demo", (string?)pod["metadata"]!["namespace"]);
        Assert.Equal(KubeUid.For("Pod", "demo", "web-1"), (string?)pod["metadata"]!["uid"]);
        Assert.Equal("front", (string?)pod["metadata"]!["labels"]!["tier"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)pod["metadata"]!["creationTimestamp"]);
        Assert.Equal("node-a", (string?)pod["spec"]!["nodeName"]);
        Assert.Equal(8080, (int?)pod["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]);
        Assert.Equal("10.2.0.5", (string?)pod["status"]!["podIP"]);
        Assert.Equal(["10.2.0.5", "fd00:2::5"], pod["status"]!["podIPs"]!.AsArray().Select(x => (string?)x!["ip"]));
        Assert.Equal("10.0.0.11", (string?)pod["status"]!["hostIP"]);
        Assert.Contains(pod["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True");

        JsonNode sys = JsonNode.Parse((await Ok(lab.Admin.RunAsync("get", "pod", "-n", "aci-containers-system", lab.HostPodA, "-o", "json"))).Stdout)!;
        Assert.True((bool?)sys["spec"]!["hostNetwork"]);
        Assert.Equal(["aci-containers-host", "opflex-agent", "mcast-daemon"], sys["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("aci-containers-host", (string?)sys["metadata"]!["labels"]!["name"]);
        Assert.Equal("aci-containers", (string?)sys["metadata"]!["labels"]!["network-plugin"]);

        JsonNode svc = JsonNode.Parse((await Ok(lab.Admin.RunAsync("get", "svc", "web", "-o", "json"))).Stdout)!;
        Assert.Equal("http", (string?)svc["spec"]!["ports"]![0]!["targetPort"]);
        Assert.Equal("10.96.0.10", (string?)svc["spec"]!["clusterIP"]);
        Assert.Equal("RequireDualStack", (string?)svc["spec"]!["ipFamilyPolicy"]);
        Assert.Equal("web", (string?)svc["spec"]!["selector"]!["app"]);

        JsonNode slices = JsonNode.Parse((await Ok(lab.Admin.RunAsync("get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json"))).Stdout)!;
        JsonNode v6 = Assert.Single(slices["items"]!.AsArray(), s => (string?)s!["addressType"] == "IPv6")!;
        Assert.Equal("fd00:2::5", (string?)v6["endpoints"]![0]!["addresses"]![0]);
        JsonNode v4 = Assert.Single(slices["items"]!.AsArray(), s => (string?)s!["addressType"] == "IPv4")!;
        JsonNode ep = Assert.Single(v4["endpoints"]!.AsArray(), e => (string?)e!["targetRef"]!["name"] == "web-2")!;
        Assert.Equal("node-b", (string?)ep["nodeName"]);
        Assert.True((bool?)ep["conditions"]!["ready"]);
        Assert.Equal(KubeUid.For("Pod", "demo", "web-2"), (string?)ep["targetRef"]!["uid"]);
        Assert.Equal(8080, (int?)v4["ports"]![0]!["port"]);
        Assert.Equal("http", (string?)v4["ports"]![0]!["name"]);

        JsonNode np = JsonNode.Parse((await Ok(lab.Admin.RunAsync("get", "netpol", "deny-db", "-o", "json"))).Stdout)!;
        Assert.Equal("networking.k8s.io/v1", (string?)np["apiVersion"]);
        Assert.Equal("Ingress", (string?)np["spec"]!["policyTypes"]![0]);
    }

    [Fact]
    public async Task MissingObjectsGiveTheRealNotFoundMessages()
    {
        KubectlResult pod = await lab.Admin.RunAsync("get", "pod", "nope");
        Assert.Equal(1, pod.ExitCode);
        Assert.Equal("Error from server (NotFound): pods \"nope\" not found\n", pod.Stderr);
        KubectlResult node = await lab.Admin.RunAsync("get", "node", "node-z");
        Assert.Equal("Error from server (NotFound): nodes \"node-z\" not found\n", node.Stderr);
        KubectlResult slice = await lab.Admin.RunAsync("get", "endpointslice", "nope");
        Assert.Equal("Error from server (NotFound): endpointslices.discovery.k8s.io \"nope\" not found\n", slice.Stderr);
        KubectlResult kind = await lab.Admin.RunAsync("get", "deployments");
        Assert.Contains("the server doesn't have a resource type \"deployments\"", kind.Stderr);
    }

    [Fact]
    public async Task DescribePodWorks()
    {
        KubectlResult r = await Ok(lab.Admin.RunAsync("describe", "pod", "web-1"));
        Assert.Contains("Node:             node-a/10.0.0.11", r.Stdout);
        Assert.Contains("IP:  10.2.0.5", r.Stdout);
    }

    [Fact]
    public async Task BadTokenIsUnauthorized()
    {
        KubectlResult r = await lab.BadToken.RunAsync("get", "pods");
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith("error: You must be logged in to the server (the server has asked for the client to provide credentials)\n", r.Stderr);
    }

    [Fact]
    public async Task ViewerCanReadButNotExec()
    {
        await Ok(lab.Viewer.RunAsync("get", "pods", "-n", "aci-containers-system"));
        int execsBefore = lab.Server.ExecLog.Count;
        KubectlResult r = await lab.Viewer.RunAsync("exec", "-n", "aci-containers-system", lab.OvsPodA, "--", "ovs-appctl", "version");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            $"Error from server (Forbidden): pods \"{lab.OvsPodA}\" is forbidden: User \"viewer\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"aci-containers-system\"\n",
            r.Stderr);
        Assert.Equal(execsBefore, lab.Server.ExecLog.Count);
    }
}
