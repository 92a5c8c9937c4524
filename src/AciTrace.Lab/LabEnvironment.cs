using System.Text.Json;
using System.Text.Json.Nodes;
using AciTrace.Lab.Api;
using AciTrace.Lab.Kube;
using AciTrace.Lab.Nodes;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab;

/// <summary>Options of a running lab: API port, RBAC viewer, faults.</summary>
public sealed record LabEnvironmentOptions
{
    /// <summary>API port; 0 picks a free one.</summary>
    public int Port { get; init; }
    /// <summary>Also create a read-only "viewer" token and context (403 on pods/exec).</summary>
    public bool Rbac { get; init; }
    /// <summary>With <see cref="Rbac"/>: the viewer's permissions are exactly this Role/ClusterRole file's rules.</summary>
    public string? RbacRolePath { get; init; }
    /// <summary>Default namespace of the kubeconfig's contexts.</summary>
    public string DefaultNamespace { get; init; } = "default";
}

/// <summary>
/// A whole simulated ACI CNI cluster: one real OVS per node (flows, node files, ground truth from the spec) and a
/// Kubernetes API facade on 127.0.0.1 whose exec reaches those nodes, with a kubeconfig for kubectl.
/// </summary>
public sealed class LabEnvironment : IAsyncDisposable
{
    public const string KubeconfigFileName = "kubeconfig";
    public const string ViewerKubeconfigFileName = "kubeconfig-viewer";

    private LabEnvironment(LabCluster cluster, LabApiServer api, string stateDirectory, string kubeconfig, string? viewerKubeconfig)
    {
        Cluster = cluster;
        Api = api;
        StateDirectory = stateDirectory;
        KubeconfigPath = kubeconfig;
        ViewerKubeconfigPath = viewerKubeconfig;
    }

    public LabCluster Cluster { get; }
    public LabApiServer Api { get; }
    public string StateDirectory { get; }
    public string KubeconfigPath { get; }
    /// <summary>Kubeconfig of the read-only user (RBAC mode only).</summary>
    public string? ViewerKubeconfigPath { get; }
    public ResolvedCluster Resolved => Cluster.Cluster;

    public static async Task<LabEnvironment> StartAsync(ResolvedCluster resolved, string stateDirectory, LabEnvironmentOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LabEnvironmentOptions();
        Directory.CreateDirectory(stateDirectory);
        var cluster = await LabCluster.StartAsync(resolved, stateDirectory, ct).ConfigureAwait(false);
        try
        {
            var backend = new NodeDirectoryExecBackend(stateDirectory, node => cluster.Nodes.TryGetValue(node, out var n) ? n.Ovs : null);
            var apiOptions = new LabApiOptions
            {
                Port = options.Port,
                ViewerToken = options.Rbac ? LabApiOptions.NewToken() : null,
                ViewerRole = options.Rbac && options.RbacRolePath is { } role ? LabRbacRole.Load(role) : null,
            };
            var api = await LabApiServer.StartAsync(apiOptions, ToKubeModel(resolved), backend, ct).ConfigureAwait(false);
            var kubeconfig = Path.Combine(stateDirectory, KubeconfigFileName);
            await api.WriteKubeconfigAsync(kubeconfig, options.DefaultNamespace, LabKubeconfig.AdminContext, ct).ConfigureAwait(false);
            string? viewer = null;
            if (options.Rbac)
            {
                viewer = Path.Combine(stateDirectory, ViewerKubeconfigFileName);
                await api.WriteKubeconfigAsync(viewer, options.DefaultNamespace, LabKubeconfig.ViewerContext, ct).ConfigureAwait(false);
            }
            return new LabEnvironment(cluster, api, stateDirectory, kubeconfig, viewer);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static Task<LabEnvironment> StartAsync(string specPath, string stateDirectory, LabEnvironmentOptions? options = null, CancellationToken ct = default) =>
        StartAsync(SpecResolver.LoadFile(specPath), stateDirectory, options, ct);

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync().ConfigureAwait(false);
        await Cluster.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The Kubernetes objects a real API server would hold for this cluster.</summary>
    public static LabKubeModel ToKubeModel(ResolvedCluster c)
    {
        var nodeIp = c.Nodes.ToDictionary(n => n.Name, n => n.Ip.ToString());
        var namespaces = c.Namespaces.Select(n => new KubeNamespace(n.Name, n.Labels));
        var nodes = c.Nodes.Select(n => new KubeNode(n.Name, n.Ip.ToString(),
            new Dictionary<string, string> { ["kubernetes.io/hostname"] = n.Name, ["kubernetes.io/os"] = "linux" }));
        var pods = c.Pods.Select(p =>
        {
            var ips = !p.Running ? new List<string>()
                : p.HostNetwork ? new List<string> { nodeIp[p.Node] }
                : new[] { p.Ip.ToString(), p.Ipv6?.ToString() }.OfType<string>().ToList();
            var container = new KubeContainer(p.Name.Length <= 63 ? "main" : "app", "registry.lab.local/" + p.Namespace + "/" + p.Name + ":1",
                p.Ports.Select(port => new KubeContainerPort(port.Name, port.Port, port.Protocol)).ToList());
            return new KubePod(p.Namespace, p.Name, p.Uid, p.Node, p.Labels, p.Annotations, ips, nodeIp[p.Node], p.HostNetwork,
                p.Running ? "Running" : "Pending", p.Running, new[] { container });
        });
        var services = c.Services.Select(s => new KubeService(s.Namespace, s.Name, s.Uid, "ClusterIP", new[] { s.ClusterIp.ToString() },
            s.Ports.Select(p => new KubeServicePort(p.Name, p.Port, KubeIntOrString.Parse(p.TargetPort), p.Protocol)).ToList(), s.Selector));
        var policies = c.NetworkPolicies.Select(np => new KubeNetworkPolicy(np.Namespace, np.Name,
            KubeUid.For("NetworkPolicy", np.Namespace, np.Name), PolicySpecJson(np.Spec)));
        return LabKubeModel.Create(namespaces, nodes, pods, services, policies);
    }

    private static readonly JsonSerializerOptions SpecJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>networking.k8s.io/v1 NetworkPolicySpec JSON (numeric ports as numbers, named ports as strings).</summary>
    private static JsonObject PolicySpecJson(NetworkPolicyBody body)
    {
        var json = JsonSerializer.SerializeToNode(body, SpecJson)!.AsObject();
        foreach (var direction in new[] { "ingress", "egress" })
            if (json[direction] is JsonArray rules)
                foreach (var rule in rules.OfType<JsonObject>())
                    if (rule["ports"] is JsonArray ports)
                        foreach (var port in ports.OfType<JsonObject>())
                            if (port["port"] is JsonValue v && v.TryGetValue<string>(out var text) && int.TryParse(text, out var n))
                                port["port"] = n;
        return json;
    }
}
