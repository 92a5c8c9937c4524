using AciTrace.Replay.Exec;
using System.Text.Json.Nodes;
using AciTrace.Lab.Api;
using AciTrace.Lab.Kube;
using AciTrace.Replay.Ovs;

namespace AciTrace.Tests.Lab.Api;

/// <summary>
/// One lab API server per test class: two nodes, workload pods (one dual-stack, one Pending), two services, a
/// NetworkPolicy, node files for node-a (endpoint file, binary id file, policy dump) and, when asked, a real OVS
/// instance for node-a with a two-port br-access.
/// </summary>
public class LabApiFixture : IAsyncLifetime
{
    private readonly bool _withOvs;

    public LabApiFixture() : this(withOvs: true)
    {
    }

    protected LabApiFixture(bool withOvs) => _withOvs = withOvs;

    public const string IdFilePath = "/usr/local/var/lib/opflex-agent-ovs/ids/service.id";
    public const string EndpointFilePath = "/usr/local/var/lib/opflex-agent-ovs/endpoints/web-1.ep";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "acitrace-labapi-" + Guid.NewGuid().ToString("N")[..8]);
    public LabApiServer Server { get; private set; } = null!;
    public OvsInstance? Ovs { get; private set; }
    public byte[] IdFileBytes { get; private set; } = [];
    public Kubectl Admin { get; private set; } = null!;
    public Kubectl Viewer { get; private set; } = null!;
    public Kubectl BadToken { get; private set; } = null!;
    public string OvsPodA => LabKubeModel.SystemPodName("node-a", AciSystemPodRole.OpenVswitch);
    public string HostPodA => LabKubeModel.SystemPodName("node-a", AciSystemPodRole.Host);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        string stateDir = Path.Combine(Root, "state");
        WriteNodeFiles(Path.Combine(stateDir, "nodes", "node-a"));
        if (_withOvs)
        {
            Ovs = await OvsInstance.StartAsync(Path.Combine(Root, "ovs-a"));
            await Ovs.ConfigureAsync(new OvsTopology([new OvsBridgeSpec("br-access",
                [new OvsPortSpec("vethweb1", 1, OvsPortType.Dummy), new OvsPortSpec("pa-vethweb1", 2, OvsPortType.Dummy)])]));
            await Ovs.LoadFlowsAsync("br-access", "table=0,priority=100,in_port=1,ip,actions=output:2\ntable=0,priority=0,actions=drop\n");
        }
        var backend = new NodeDirectoryExecBackend(stateDir, node => node == "node-a" ? Ovs : null);
        Server = await LabApiServer.StartAsync(new LabApiOptions { ViewerToken = LabApiOptions.NewToken() }, BuildModel(), backend, CancellationToken.None);
        string kubeconfig = Path.Combine(Root, "kubeconfig");
        await Server.WriteKubeconfigAsync(kubeconfig, "demo");
        string bad = Path.Combine(Root, "kubeconfig-bad");
        await LabKubeconfig.WriteAsync(bad, LabKubeconfig.Render(Server.Address, [new LabKubeconfigUser("aci-lab", "intruder", "not-the-token", "demo")], "aci-lab", Server.CertificatePem));
        Admin = new Kubectl(kubeconfig, Path.Combine(Root, "cache-admin"), null);
        Viewer = new Kubectl(kubeconfig, Path.Combine(Root, "cache-viewer"), LabKubeconfig.ViewerContext);
        BadToken = new Kubectl(bad, Path.Combine(Root, "cache-bad"), null);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Ovs is not null) await Ovs.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static LabKubeModel BuildModel()
    {
        KubePod Pod(string ns, string name, string node, string hostIp, string[] ips, string phase, bool ready, Dictionary<string, string> labels, params KubeContainerPort[] ports) =>
            new(ns, name, KubeUid.For("Pod", ns, name), node, labels, null, ips, hostIp, false, phase, ready, [new KubeContainer("main", "registry.local/demo:1", ports)]);
        return LabKubeModel.Create(
            [new KubeNamespace("demo", new Dictionary<string, string> { ["team"] = "blue" }), new KubeNamespace("other")],
            [new KubeNode("node-a", "10.0.0.11"), new KubeNode("node-b", "10.0.0.12", new Dictionary<string, string> { ["node-role.kubernetes.io/worker"] = "" })],
            [
                Pod("demo", "web-1", "node-a", "10.0.0.11", ["10.2.0.5", "fd00:2::5"], "Running", true, new() { ["app"] = "web", ["tier"] = "front" }, new KubeContainerPort("http", 8080)),
                Pod("demo", "web-2", "node-b", "10.0.0.12", ["10.2.1.6"], "Running", true, new() { ["app"] = "web", ["tier"] = "back" }, new KubeContainerPort("http", 8080)),
                Pod("demo", "db-1", "node-b", "10.0.0.12", ["10.2.1.7"], "Running", true, new() { ["app"] = "db" }, new KubeContainerPort(null, 5432)),
                Pod("other", "pending-1", "node-a", "10.0.0.11", [], "Pending", false, new() { ["app"] = "batch" }),
            ],
            [
                new KubeService("demo", "web", KubeUid.For("Service", "demo", "web"), "ClusterIP", ["10.96.0.10", "fd00:96::a"],
                    [new KubeServicePort("http", 80, KubeIntOrString.FromString("http"))], new Dictionary<string, string> { ["app"] = "web" }),
                new KubeService("demo", "db", KubeUid.For("Service", "demo", "db"), "NodePort", ["10.96.0.20"],
                    [new KubeServicePort(null, 5432, KubeIntOrString.FromInt(5432), NodePort: 30432)], new Dictionary<string, string> { ["app"] = "db" }),
            ],
            [new KubeNetworkPolicy("demo", "deny-db", KubeUid.For("NetworkPolicy", "demo", "deny-db"),
                (JsonObject)JsonNode.Parse("""{"podSelector":{"matchLabels":{"app":"db"}},"policyTypes":["Ingress"]}""")!)],
            createdAt: DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    private void WriteNodeFiles(string nodeDir)
    {
        string agent = Path.Combine(nodeDir, "opflex-agent-ovs");
        Directory.CreateDirectory(Path.Combine(agent, "ids"));
        Directory.CreateDirectory(Path.Combine(agent, "endpoints"));
        // opflexid layout: magic, uint32 version, then (uint32 id, uint16 length, bytes) records; plus every byte value.
        var id = new MemoryStream();
        id.Write("opflexid"u8);
        id.Write(BitConverter.GetBytes(1u));
        byte[] uri = "/PolicyUniverse/PolicySpace/kube/GbpRoutingDomain/kube%7cvrf/"u8.ToArray();
        id.Write(BitConverter.GetBytes(7u));
        id.Write(BitConverter.GetBytes((ushort)uri.Length));
        id.Write(uri);
        id.Write(BitConverter.GetBytes(8u));
        id.Write(BitConverter.GetBytes((ushort)256));
        id.Write([.. Enumerable.Range(0, 256).Select(i => (byte)i)]);
        IdFileBytes = id.ToArray();
        File.WriteAllBytes(Path.Combine(agent, "ids", "service.id"), IdFileBytes);
        File.WriteAllText(Path.Combine(agent, "endpoints", "web-1.ep"), """{"uuid":"web-1_abc_vethweb1","ip":["10.2.0.5"],"mac":"0a:58:0a:02:00:05"}""" + "\n");
        File.WriteAllText(Path.Combine(nodeDir, "gbp_inspect-dump.json"),
            """[{"subject":"DmtreeRoot","uri":"/","properties":[],"children":[]},{"subject":"GbpeInstContext","uri":"/PolicyUniverse/PolicySpace/kube/GbpEpGroup/kube%7cdemo/GbpeInstContext/","properties":[{"name":"encapId","data":15725}]}]""");
    }
}

/// <summary>The same cluster without OVS, for the fault tests (which change the server's state).</summary>
public sealed class LabApiFaultFixture : LabApiFixture
{
    public LabApiFaultFixture() : base(withOvs: false)
    {
    }
}
