using AciTrace.Replay.Exec;
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
            var environment = new LabEnvironment(cluster, api, stateDirectory, kubeconfig, viewer);
            api.PolicyChange = environment.ApplyPolicyRequestAsync;
            return environment;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Changes the running lab's policy: the spec edited by <paramref name="edit"/> (NetworkPolicies, contracts, EPG
    /// assignments) is applied to every node's datapath and files and to what the API server serves. Returns the new
    /// resolved cluster (its ground truth is the new expectation).
    /// </summary>
    public async Task<ResolvedCluster> ChangePolicyAsync(Action<ClusterSpec> edit, CancellationToken ct = default)
    {
        var spec = SpecResolver.Parse(SpecResolver.ToYaml(Cluster.Cluster.Spec));
        edit(spec);
        var next = SpecResolver.Resolve(spec);
        await Cluster.ApplyAsync(next, StateDirectory, ct).ConfigureAwait(false);
        Api.ReplaceModel(ToKubeModel(next));
        return next;
    }

    private readonly SemaphoreSlim _changing = new(1, 1);

    /// <summary>
    /// The admin endpoint's policy change: <c>apply</c> (spec YAML whose NetworkPolicies and contracts replace those of
    /// the same name or join them), <c>deletePolicies</c> (namespace/name), <c>deleteContracts</c>. One change at a time.
    /// </summary>
    private async Task<string> ApplyPolicyRequestAsync(JsonObject request, CancellationToken ct)
    {
        var change = request["apply"]?.GetValue<string>() is { } yaml ? SpecResolver.Parse(yaml) : new ClusterSpec();
        var deletePolicies = (request["deletePolicies"] as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToList();
        var deleteContracts = (request["deleteContracts"] as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToList();
        await _changing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await ChangePolicyAsync(spec =>
            {
                foreach (var key in deletePolicies)
                    if (spec.NetworkPolicies.RemoveAll(np => $"{np.Namespace}/{np.Name}" == key) == 0)
                        throw new ArgumentException($"the lab has no NetworkPolicy {key}");
                foreach (var name in deleteContracts)
                    if (spec.Contracts.RemoveAll(c => c.Name == name) == 0) throw new ArgumentException($"the lab has no contract {name}");
                foreach (var np in change.NetworkPolicies)
                {
                    spec.NetworkPolicies.RemoveAll(x => x.Namespace == np.Namespace && x.Name == np.Name);
                    spec.NetworkPolicies.Add(np);
                }
                foreach (var c in change.Contracts)
                {
                    spec.Contracts.RemoveAll(x => x.Name == c.Name);
                    spec.Contracts.Add(c);
                }
            }, ct).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
        return $"applied: {change.NetworkPolicies.Count} NetworkPolicy(ies) and {change.Contracts.Count} contract(s) set, "
            + $"{deletePolicies.Count} NetworkPolicy(ies) and {deleteContracts.Count} contract(s) deleted; every node reprogrammed";
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
        var services = c.Services.Select(s => new KubeService(s.Namespace, s.Name, s.Uid, s.Type, new[] { s.ClusterIp.ToString() },
            s.Ports.Select(p => new KubeServicePort(p.Name, p.Port, KubeIntOrString.Parse(p.TargetPort), p.Protocol, p.NodePort)).ToList(), s.Selector)
        {
            ExternalIps = s.ExternalIps.Select(ip => ip.ToString()).ToList(),
            LoadBalancerIngress = s.LoadBalancerIp is { } lb ? [lb.ToString()] : [],
            ExternalTrafficPolicy = s.Type == "ClusterIP" ? null : s.ExternalTrafficPolicy,
        });
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
