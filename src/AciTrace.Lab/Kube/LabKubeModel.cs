using System.Net;
using System.Net.Sockets;

namespace AciTrace.Lab.Kube;

/// <summary>Which ACI CNI system pod of a node.</summary>
public enum AciSystemPodRole
{
    /// <summary><c>aci-containers-host-*</c> (containers aci-containers-host, opflex-agent, mcast-daemon).</summary>
    Host,

    /// <summary><c>aci-containers-openvswitch-*</c> (container aci-containers-openvswitch).</summary>
    OpenVswitch,
}

/// <summary>How the lab renders the ACI CNI system namespace and its per-node pods.</summary>
/// <param name="Namespace">System namespace (acc-provision uses aci-containers-system; old installs kube-system).</param>
/// <param name="Version">Image tag of the aci-containers images.</param>
public sealed record AciSystemOptions(string Namespace = AciSystemOptions.DefaultNamespace, string Version = "6.1.1.2.81c2369")
{
    /// <summary>The namespace acc-provision creates.</summary>
    public const string DefaultNamespace = "aci-containers-system";

    /// <summary>Label key and value acikubectl uses to find the system namespace and the system pods.</summary>
    public const string NetworkPluginLabel = "network-plugin", NetworkPluginValue = "aci-containers";

    /// <summary>Value of the <c>name</c> label of the host pods.</summary>
    public const string HostPodLabel = "aci-containers-host";

    /// <summary>Value of the <c>name</c> label of the OVS pods.</summary>
    public const string OpenVswitchPodLabel = "aci-containers-openvswitch";

    /// <summary>Containers of the host pod, in spec order.</summary>
    public static readonly IReadOnlyList<string> HostContainers = ["aci-containers-host", "opflex-agent", "mcast-daemon"];

    /// <summary>The single container of the OVS pod.</summary>
    public const string OpenVswitchContainer = "aci-containers-openvswitch";
}

/// <summary>
/// A snapshot of the simulated cluster as the lab API serves it: the objects given, plus the ACI CNI system
/// namespace and, for every node, its <c>aci-containers-host-*</c> and <c>aci-containers-openvswitch-*</c> pods,
/// plus EndpointSlices derived from each selector service and the pods it selects (unless slices are given for it).
/// </summary>
public sealed class LabKubeModel
{
    private readonly IReadOnlyList<KubeEndpointSlice> _givenSlices;
    private readonly Dictionary<(string Node, AciSystemPodRole Role), KubePod> _systemPods;

    private LabKubeModel(
        IReadOnlyList<KubeNamespace> namespaces, IReadOnlyList<KubeNode> nodes, IReadOnlyList<KubePod> pods,
        IReadOnlyList<KubeService> services, IReadOnlyList<KubeNetworkPolicy> policies, IReadOnlyList<KubeEndpointSlice> givenSlices,
        AciSystemOptions system, DateTimeOffset createdAt)
    {
        Namespaces = namespaces;
        Nodes = nodes;
        Pods = pods;
        Services = services;
        NetworkPolicies = policies;
        _givenSlices = givenSlices;
        AciSystem = system;
        CreatedAt = createdAt;
        _systemPods = [];
        foreach (KubePod pod in pods)
        {
            if (SystemPodRoleOf(pod) is AciSystemPodRole role) _systemPods.TryAdd((pod.NodeName, role), pod);
        }
        EndpointSlices = DeriveSlices(givenSlices, services, pods);
    }

    /// <summary>
    /// Builds a model. The system namespace (labelled <c>network-plugin=aci-containers</c>) and the two system pods
    /// per node are added unless <paramref name="addAciSystem"/> is false; a namespace given under the same name keeps
    /// its labels and gains the network-plugin label.
    /// </summary>
    /// <param name="namespaces">Namespaces (namespaces used by pods, services or policies but missing here are added).</param>
    /// <param name="nodes">Nodes.</param>
    /// <param name="pods">Workload pods.</param>
    /// <param name="services">Services.</param>
    /// <param name="networkPolicies">NetworkPolicies.</param>
    /// <param name="endpointSlices">Explicit EndpointSlices; a service named by any of them gets no derived slice.</param>
    /// <param name="aciSystem">System namespace and image version; defaults to aci-containers-system.</param>
    /// <param name="createdAt">Creation timestamp of every object (AGE columns); defaults to now.</param>
    /// <param name="addAciSystem">Whether to add the ACI system namespace and pods.</param>
    public static LabKubeModel Create(
        IEnumerable<KubeNamespace> namespaces,
        IEnumerable<KubeNode> nodes,
        IEnumerable<KubePod> pods,
        IEnumerable<KubeService> services,
        IEnumerable<KubeNetworkPolicy>? networkPolicies = null,
        IEnumerable<KubeEndpointSlice>? endpointSlices = null,
        AciSystemOptions? aciSystem = null,
        DateTimeOffset? createdAt = null,
        bool addAciSystem = true)
    {
        AciSystemOptions system = aciSystem ?? new AciSystemOptions();
        List<KubeNode> nodeList = [.. nodes];
        List<KubePod> podList = [.. pods];
        List<KubeService> serviceList = [.. services];
        List<KubeNetworkPolicy> policyList = [.. networkPolicies ?? []];
        var nsList = new List<KubeNamespace>();
        foreach (KubeNamespace ns in namespaces)
        {
            if (!nsList.Exists(n => n.Name == ns.Name)) nsList.Add(ns);
        }
        if (addAciSystem)
        {
            int at = nsList.FindIndex(n => n.Name == system.Namespace);
            var labels = new Dictionary<string, string>(at >= 0 ? nsList[at].Labels ?? new Dictionary<string, string>() : new Dictionary<string, string>())
            {
                [AciSystemOptions.NetworkPluginLabel] = AciSystemOptions.NetworkPluginValue,
            };
            var systemNs = new KubeNamespace(system.Namespace, labels);
            if (at >= 0) nsList[at] = systemNs; else nsList.Add(systemNs);
            foreach (KubeNode node in nodeList)
            {
                podList.Add(SystemPod(system, node, AciSystemPodRole.Host));
                podList.Add(SystemPod(system, node, AciSystemPodRole.OpenVswitch));
            }
        }
        foreach (string used in podList.Select(p => p.Namespace).Concat(serviceList.Select(s => s.Namespace)).Concat(policyList.Select(p => p.Namespace)))
        {
            if (!nsList.Exists(n => n.Name == used)) nsList.Add(new KubeNamespace(used));
        }
        return new LabKubeModel(nsList, nodeList, podList, serviceList, policyList, [.. endpointSlices ?? []], system,
            createdAt ?? DateTimeOffset.UtcNow.AddSeconds(-1));
    }

    /// <summary>Namespaces.</summary>
    public IReadOnlyList<KubeNamespace> Namespaces { get; }

    /// <summary>Nodes.</summary>
    public IReadOnlyList<KubeNode> Nodes { get; }

    /// <summary>All pods, ACI system pods included.</summary>
    public IReadOnlyList<KubePod> Pods { get; }

    /// <summary>Services.</summary>
    public IReadOnlyList<KubeService> Services { get; }

    /// <summary>EndpointSlices: the ones given plus the derived ones.</summary>
    public IReadOnlyList<KubeEndpointSlice> EndpointSlices { get; }

    /// <summary>NetworkPolicies.</summary>
    public IReadOnlyList<KubeNetworkPolicy> NetworkPolicies { get; }

    /// <summary>The ACI system namespace settings.</summary>
    public AciSystemOptions AciSystem { get; }

    /// <summary>Creation timestamp of every object.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The role of an ACI system pod (by namespace and <c>name</c> label), or null for any other pod.</summary>
    public AciSystemPodRole? SystemPodRoleOf(KubePod pod)
    {
        if (pod.Namespace != AciSystem.Namespace || pod.Labels is null || !pod.Labels.TryGetValue("name", out string? name)) return null;
        return name switch
        {
            AciSystemOptions.HostPodLabel => AciSystemPodRole.Host,
            AciSystemOptions.OpenVswitchPodLabel => AciSystemPodRole.OpenVswitch,
            _ => null,
        };
    }

    /// <summary>The system pod of that role on that node, if any.</summary>
    public KubePod? FindSystemPod(string nodeName, AciSystemPodRole role) => _systemPods.GetValueOrDefault((nodeName, role));

    /// <summary>
    /// The model as seen with faults applied: removed nodes and every pod on them disappear (slices re-derived),
    /// and the OVS pod of each node in <paramref name="ovsNotReadyNodes"/> is Running but not Ready.
    /// </summary>
    public LabKubeModel WithFaults(IReadOnlySet<string> removedNodes, IReadOnlySet<string> ovsNotReadyNodes)
    {
        if (removedNodes.Count == 0 && ovsNotReadyNodes.Count == 0) return this;
        var pods = new List<KubePod>();
        foreach (KubePod pod in Pods)
        {
            if (removedNodes.Contains(pod.NodeName)) continue;
            pods.Add(ovsNotReadyNodes.Contains(pod.NodeName) && SystemPodRoleOf(pod) == AciSystemPodRole.OpenVswitch ? pod with { Ready = false } : pod);
        }
        List<KubeEndpointSlice> given = [.. _givenSlices.Select(s => s with
        {
            Endpoints = [.. s.Endpoints.Where(e => e.NodeName is null || !removedNodes.Contains(e.NodeName))],
        })];
        return new LabKubeModel(Namespaces, [.. Nodes.Where(n => !removedNodes.Contains(n.Name))], pods, Services, NetworkPolicies, given, AciSystem, CreatedAt);
    }

    /// <summary>The generated DaemonSet-style name of a node's system pod (stable 5-character suffix).</summary>
    public static string SystemPodName(string nodeName, AciSystemPodRole role) =>
        (role == AciSystemPodRole.Host ? "aci-containers-host-" : "aci-containers-openvswitch-") + Suffix($"{role}/{nodeName}");

    private static KubePod SystemPod(AciSystemOptions system, KubeNode node, AciSystemPodRole role)
    {
        string name = SystemPodName(node.Name, role);
        bool host = role == AciSystemPodRole.Host;
        var labels = new Dictionary<string, string>
        {
            ["name"] = host ? AciSystemOptions.HostPodLabel : AciSystemOptions.OpenVswitchPodLabel,
            [AciSystemOptions.NetworkPluginLabel] = AciSystemOptions.NetworkPluginValue,
            ["controller-revision-hash"] = Suffix("rev/" + role).PadRight(10, '5'),
            ["pod-template-generation"] = "1",
        };
        var annotations = new Dictionary<string, string> { ["kubectl.kubernetes.io/default-container"] = host ? "aci-containers-host" : AciSystemOptions.OpenVswitchContainer };
        IReadOnlyList<KubeContainer> containers = host
            ?
            [
                new KubeContainer("aci-containers-host", $"quay.io/noiro/aci-containers-host:{system.Version}"),
                new KubeContainer("opflex-agent", $"quay.io/noiro/opflex:{system.Version}"),
                new KubeContainer("mcast-daemon", $"quay.io/noiro/opflex:{system.Version}"),
            ]
            : [new KubeContainer(AciSystemOptions.OpenVswitchContainer, $"quay.io/noiro/openvswitch:{system.Version}")];
        return new KubePod(system.Namespace, name, KubeUid.For("Pod", system.Namespace, name), node.Name, labels, annotations,
            [node.InternalIP], node.InternalIP, HostNetwork: true, Phase: "Running", Ready: true, containers);
    }

    // Same alphabet as Kubernetes' generated name suffixes (no vowels, no confusable digits).
    private static string Suffix(string seed)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        return new string([.. hash.Take(5).Select(b => alphabet[b % alphabet.Length])]);
    }

    private static List<KubeEndpointSlice> DeriveSlices(IReadOnlyList<KubeEndpointSlice> given, IReadOnlyList<KubeService> services, IReadOnlyList<KubePod> pods)
    {
        var slices = new List<KubeEndpointSlice>(given);
        foreach (KubeService svc in services)
        {
            if (svc.Selector is null || svc.Selector.Count == 0 || svc.Type == "ExternalName") continue;
            if (given.Any(s => s.Namespace == svc.Namespace && s.ServiceName == svc.Name)) continue;
            List<KubePod> selected = [.. pods.Where(p => p.Namespace == svc.Namespace && p.Phase is "Running" or "Pending" && p.PodIPs.Count > 0
                && svc.Selector.All(kv => p.Labels is not null && p.Labels.TryGetValue(kv.Key, out string? v) && v == kv.Value))];
            foreach (string family in ServiceFamilies(svc, selected))
            {
                // Pods whose named target ports resolve differently go to different slices, as in Kubernetes.
                var groups = new List<(List<KubeEndpointPort> Ports, List<KubeEndpoint> Endpoints)>();
                foreach (KubePod pod in selected)
                {
                    List<string> addrs = [.. pod.PodIPs.Where(ip => FamilyOf(ip) == family)];
                    if (addrs.Count == 0) continue;
                    List<KubeEndpointPort> ports = [.. svc.Ports.Select(sp => ResolvePort(sp, pod)).OfType<KubeEndpointPort>()];
                    var ep = new KubeEndpoint([addrs[0]], pod.Ready && pod.Phase == "Running", pod.NodeName,
                        new KubeObjectReference("Pod", pod.Namespace, pod.Name, pod.Uid));
                    int g = groups.FindIndex(x => x.Ports.SequenceEqual(ports));
                    if (g < 0) groups.Add((ports, [ep])); else groups[g].Endpoints.Add(ep);
                }
                if (groups.Count == 0) groups.Add(([.. svc.Ports.Where(p => p.TargetPort.Number is not null).Select(p => new KubeEndpointPort(p.Name ?? "", p.TargetPort.Number!.Value, p.Protocol))], []));
                for (int i = 0; i < groups.Count; i++)
                {
                    string name = $"{svc.Name}-{Suffix($"slice/{svc.Namespace}/{svc.Name}/{family}/{i}")}";
                    slices.Add(new KubeEndpointSlice(svc.Namespace, name, KubeUid.For("EndpointSlice", svc.Namespace, name), svc.Name, family,
                        groups[i].Endpoints, groups[i].Ports));
                }
            }
        }
        return slices;
    }

    private static IEnumerable<string> ServiceFamilies(KubeService svc, List<KubePod> pods)
    {
        List<string> families = [.. svc.ClusterIPs.Where(ip => IPAddress.TryParse(ip, out _)).Select(FamilyOf).Distinct()];
        if (families.Count == 0) families = [.. pods.SelectMany(p => p.PodIPs).Select(FamilyOf).Distinct().Order()];
        return families.Count == 0 ? ["IPv4"] : families;
    }

    private static string FamilyOf(string ip) =>
        IPAddress.TryParse(ip, out IPAddress? a) && a.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    private static KubeEndpointPort? ResolvePort(KubeServicePort sp, KubePod pod)
    {
        if (sp.TargetPort.Number is int n) return new KubeEndpointPort(sp.Name ?? "", n, sp.Protocol);
        KubeContainerPort? named = pod.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == sp.TargetPort.Text && p.Protocol == sp.Protocol);
        return named is null ? null : new KubeEndpointPort(sp.Name ?? "", named.ContainerPort, sp.Protocol);
    }
}
