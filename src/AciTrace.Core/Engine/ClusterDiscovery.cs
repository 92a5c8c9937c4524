using System.Text.Json;
using AciTrace.Discovery;
using AciTrace.Kube;

namespace AciTrace.Engine;

/// <summary>The ACI CNI system pods of one node.</summary>
public sealed record NodeSystemPods(string Namespace, string Node, PodInfo OpenvSwitch, PodInfo Host);

/// <summary>
/// Reads Kubernetes objects through <see cref="IKubeClient"/> and caches them for the session: the ACI system
/// namespace (found, not assumed), system pods per node, pods, services, EndpointSlices, NetworkPolicies.
/// </summary>
internal sealed class ClusterDiscovery
{
    public const string DefaultSystemNamespace = "aci-containers-system";
    public const string PluginLabel = "network-plugin=aci-containers";
    public const string OvsPodLabel = "name=aci-containers-openvswitch";
    public const string HostPodLabel = "name=aci-containers-host";
    public const string OvsContainer = "aci-containers-openvswitch";
    public const string AgentContainer = "opflex-agent";

    private readonly IKubeClient _kube;
    private readonly AsyncCache<string, (string, IReadOnlyList<PodInfo>)> _systemPodList = new();
    private readonly AsyncCache<string, PodInfo> _pods = new();
    private readonly AsyncCache<string, ServiceInfo> _services = new();
    private readonly AsyncCache<string, IReadOnlyList<EndpointSliceInfo>> _slices = new();
    private readonly AsyncCache<string, IReadOnlyList<NetworkPolicyInfo>> _policies = new();
    private readonly AsyncCache<string, string> _defaultNamespace = new();

    public ClusterDiscovery(IKubeClient kube) => _kube = kube;

    public Task<string> DefaultNamespaceAsync(CancellationToken ct) =>
        _defaultNamespace.GetAsync("", async _ => await _kube.GetContextNamespaceAsync(ct).ConfigureAwait(false) ?? "default", ct);

    /// <summary>
    /// The namespace of the ACI CNI pods when it is not aci-containers-system (older installs use kube-system): found
    /// from the pods themselves, listed by label across namespaces, so no read of namespaces is needed (the shipped
    /// RBAC role grants none).
    /// </summary>
    private async Task<(string Namespace, IReadOnlyList<PodInfo> Pods)> FindSystemPodsAsync(CancellationToken ct)
    {
        using var doc = await _kube.GetJsonAsync(KubeResource.Pods, null, null, SystemPodsSelector, null, ct).ConfigureAwait(false);
        var pods = doc.RootElement.Prop("items").Items().Select(PodInfo.FromJson).ToList();
        var ns = pods.Select(p => p.Namespace).Distinct(StringComparer.Ordinal)
            .OrderBy(n => n == "kube-system" ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new AciTraceException(ErrorIds.AciSystemNamespaceNotFound, AciErrorKind.ObjectNotFound,
                $"The ACI CNI pods were not found: no namespace has pods labelled {SystemPodsSelector}. Is this an ACI CNI cluster, and is the right context selected (-Context)?",
                DefaultSystemNamespace);
        return (ns, pods.Where(p => p.Namespace == ns).ToList());
    }

    public const string SystemPodsSelector = "name in (aci-containers-openvswitch,aci-containers-host)";

    /// <summary>
    /// Both kinds of ACI system pods in one list call: first in aci-containers-system (an empty answer when that
    /// namespace does not exist), else in the namespace found by <see cref="FindSystemPodsAsync"/>.
    /// </summary>
    public Task<(string Namespace, IReadOnlyList<PodInfo> Pods)> SystemPodListAsync(CancellationToken ct) =>
        _systemPodList.GetAsync("", async _ =>
        {
            var found = await ListSystemPods(DefaultSystemNamespace, ct).ConfigureAwait(false);
            return found.Count > 0 ? (DefaultSystemNamespace, found) : await FindSystemPodsAsync(ct).ConfigureAwait(false);
        }, ct);

    private async Task<IReadOnlyList<PodInfo>> ListSystemPods(string ns, CancellationToken ct)
    {
        try
        {
            using var doc = await _kube.GetJsonAsync(KubeResource.Pods, ns, null, SystemPodsSelector, null, ct).ConfigureAwait(false);
            return doc.RootElement.Prop("items").Items().Select(PodInfo.FromJson).ToList();
        }
        catch (AciTraceException e) when (e.Kind == AciErrorKind.ObjectNotFound)
        {
            return Array.Empty<PodInfo>();
        }
    }

    /// <summary>The nodes that run ACI CNI system pods, by name.</summary>
    public async Task<IReadOnlyList<string>> AciNodesAsync(CancellationToken ct) =>
        (await SystemPodListAsync(ct).ConfigureAwait(false)).Pods.Select(p => p.NodeName).OfType<string>()
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public async Task<NodeSystemPods> SystemPodsAsync(string node, CancellationToken ct)
    {
        var (ns, pods) = await SystemPodListAsync(ct).ConfigureAwait(false);
        var ovs = PickSystemPod(ns, pods, OvsPodLabel, node);
        var host = PickSystemPod(ns, pods, HostPodLabel, node);
        return new NodeSystemPods(ns, node, ovs, host);
    }

    private static PodInfo PickSystemPod(string ns, IReadOnlyList<PodInfo> all, string label, string node)
    {
        var role = label == OvsPodLabel ? "aci-containers-openvswitch" : "aci-containers-host";
        var pod = all.FirstOrDefault(p => p.NodeName == node && p.Labels.GetValueOrDefault("name") == role)
            ?? throw new AciTraceException(role == "aci-containers-openvswitch" ? ErrorIds.OvsPodNotFound : ErrorIds.HostAgentPodNotFound,
                AciErrorKind.ObjectNotFound,
                $"No {role} pod (label {label}) runs on node '{node}' in namespace '{ns}'. Check the DaemonSet: kubectl get pods -n {ns} -l {label} -o wide.",
                node);
        if (!pod.Ready || pod.Phase != "Running")
            throw new AciTraceException(role == "aci-containers-openvswitch" ? ErrorIds.OvsPodNotReady : ErrorIds.HostAgentPodNotReady,
                AciErrorKind.ResourceUnavailable,
                $"The {role} pod {ns}/{pod.Name} on node '{node}' is not Ready (phase {pod.Phase}); its OVS state cannot be trusted. Check: kubectl describe pod -n {ns} {pod.Name}.",
                pod.Key);
        return pod;
    }

    public Task<PodInfo> PodAsync(string ns, string name, CancellationToken ct) => _pods.GetAsync($"{ns}/{name}", async _ =>
    {
        using var doc = await GetNamespacedAsync(KubeResource.Pods, ns, name, ct).ConfigureAwait(false);
        return PodInfo.FromJson(doc.RootElement);
    }, ct);

    /// <summary>The pods of a namespace matching a label selector (null: all), as the API server lists them.</summary>
    public async Task<IReadOnlyList<PodInfo>> PodListAsync(string ns, string? labelSelector, CancellationToken ct)
    {
        using var doc = await _kube.GetJsonAsync(KubeResource.Pods, ns, null, labelSelector, null, ct).ConfigureAwait(false);
        return doc.RootElement.Prop("items").Items().Select(PodInfo.FromJson).ToList();
    }

    /// <summary>The Services of a namespace.</summary>
    public async Task<IReadOnlyList<ServiceInfo>> ServiceListAsync(string ns, CancellationToken ct)
    {
        using var doc = await _kube.GetJsonAsync(KubeResource.Services, ns, null, null, null, ct).ConfigureAwait(false);
        return doc.RootElement.Prop("items").Items().Select(ServiceInfo.FromJson).ToList();
    }

    /// <summary>
    /// Throws NamespaceNotFound when a namespace does not exist (a list of it is just empty); when namespaces cannot
    /// be read (the shipped role does not grant it), the namespace is taken to exist.
    /// </summary>
    public async Task EnsureNamespaceAsync(string ns, CancellationToken ct)
    {
        try
        {
            using var _ = await _kube.GetJsonAsync(KubeResource.Namespaces, null, ns, null, null, ct).ConfigureAwait(false);
        }
        catch (AciTraceException e) when (e.ErrorId == ErrorIds.KubeForbidden)
        {
        }
    }

    public Task<ServiceInfo> ServiceAsync(string ns, string name, CancellationToken ct) => _services.GetAsync($"{ns}/{name}", async _ =>
    {
        using var doc = await GetNamespacedAsync(KubeResource.Services, ns, name, ct).ConfigureAwait(false);
        return ServiceInfo.FromJson(doc.RootElement);
    }, ct);

    /// <summary>
    /// Gets a namespaced object. The API server answers "pods "x" not found" also when the namespace does not exist,
    /// so on NotFound the namespace is checked (error path only) and a missing one is reported as NamespaceNotFound.
    /// </summary>
    private async Task<JsonDocument> GetNamespacedAsync(KubeResource resource, string ns, string name, CancellationToken ct)
    {
        try
        {
            return await _kube.GetJsonAsync(resource, ns, name, null, null, ct).ConfigureAwait(false);
        }
        catch (AciTraceException e) when (e.ErrorId == resource.NotFoundErrorId())
        {
            bool namespaceMissing;
            try
            {
                using var _ = await _kube.GetJsonAsync(KubeResource.Namespaces, null, ns, null, null, ct).ConfigureAwait(false);
                namespaceMissing = false;
            }
            catch (AciTraceException n) when (n.ErrorId == KubeResource.Namespaces.NotFoundErrorId())
            {
                namespaceMissing = true;
            }
            catch (AciTraceException)
            {
                // e.g. no permission to read namespaces: keep the original answer
                namespaceMissing = false;
            }
            if (!namespaceMissing) throw;
            throw new AciTraceException(KubeResource.Namespaces.NotFoundErrorId(), AciErrorKind.ObjectNotFound,
                $"The namespace '{ns}' does not exist, so the {resource.DisplayName()} '{ns}/{name}' was not found. Check the namespace (kubectl get namespaces).",
                ns, e);
        }
    }

    public Task<IReadOnlyList<EndpointSliceInfo>> EndpointSlicesAsync(ServiceInfo svc, CancellationToken ct) => _slices.GetAsync(svc.Key, async _ =>
    {
        using var doc = await _kube.GetJsonAsync(KubeResource.EndpointSlices, svc.Namespace, null,
            "kubernetes.io/service-name=" + svc.Name, null, ct).ConfigureAwait(false);
        return (IReadOnlyList<EndpointSliceInfo>)doc.RootElement.Prop("items").Items().Select(EndpointSliceInfo.FromJson).ToList();
    }, ct);

    /// <summary>
    /// NetworkPolicies of a namespace; null when the namespace has none to read. A permission error is thrown: the
    /// caller turns it into a warning (explanations degrade, traces do not fail).
    /// </summary>
    public async Task<IReadOnlyList<NetworkPolicyInfo>?> NetworkPoliciesAsync(string ns, CancellationToken ct)
    {
        try
        {
            return await _policies.GetAsync(ns, async _ =>
            {
                using var doc = await _kube.GetJsonAsync(KubeResource.NetworkPolicies, ns, null, null, null, ct).ConfigureAwait(false);
                return (IReadOnlyList<NetworkPolicyInfo>)doc.RootElement.Prop("items").Items().Select(NetworkPolicyInfo.FromJson).ToList();
            }, ct).ConfigureAwait(false);
        }
        catch (AciTraceException e) when (e.Kind is AciErrorKind.ObjectNotFound)
        {
            return null;
        }
    }
}
