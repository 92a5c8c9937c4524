using System.Net;
using System.Text.Json;

namespace AciTrace.Discovery;

/// <summary>A container port as declared in a pod spec.</summary>
public sealed record ContainerPortInfo(string? Name, int Port, string Protocol);

/// <summary>What the tracer needs of a pod, read from the Kubernetes API.</summary>
public sealed record PodInfo(
    string Namespace,
    string Name,
    string Uid,
    string? NodeName,
    string Phase,
    bool Ready,
    bool HostNetwork,
    IReadOnlyList<IPAddress> Addresses,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<ContainerPortInfo> Ports,
    IReadOnlyList<string> Containers)
{
    public string Key => $"{Namespace}/{Name}";

    /// <summary>Being deleted (metadata.deletionTimestamp set): its phase may still say Running.</summary>
    public bool Terminating { get; init; }

    public static PodInfo FromJson(JsonElement pod)
    {
        var meta = pod.Prop("metadata");
        var spec = pod.Prop("spec");
        var status = pod.Prop("status");
        var addresses = new List<IPAddress>();
        foreach (var ip in status.Prop("podIPs").Items())
            if (IPAddress.TryParse(ip.Prop("ip").Str() ?? "", out var a) && !addresses.Contains(a)) addresses.Add(a);
        if (addresses.Count == 0 && IPAddress.TryParse(status.Prop("podIP").Str() ?? "", out var single))
            addresses.Add(single);
        var ports = new List<ContainerPortInfo>();
        var containers = new List<string>();
        foreach (var c in spec.Prop("containers").Items())
        {
            containers.Add(c.Prop("name").Str() ?? "");
            foreach (var p in c.Prop("ports").Items())
                if (p.Prop("containerPort").Int() is int port)
                    ports.Add(new ContainerPortInfo(p.Prop("name").Str(), port, p.Prop("protocol").Str() ?? "TCP"));
        }
        var ready = status.Prop("conditions").Items()
            .Any(c => c.Prop("type").Str() == "Ready" && c.Prop("status").Str() == "True");
        return new PodInfo(
            meta.Prop("namespace").Str() ?? "",
            meta.Prop("name").Str() ?? "",
            meta.Prop("uid").Str() ?? "",
            spec.Prop("nodeName").Str(),
            status.Prop("phase").Str() ?? "Unknown",
            ready,
            spec.Prop("hostNetwork").Bool(),
            addresses,
            meta.Prop("labels").StringMap(),
            ports,
            containers)
        {
            Terminating = meta.Prop("deletionTimestamp").Str() is not null,
        };
    }

    /// <summary>The address of the wanted family, else the first one.</summary>
    public IPAddress? AddressFor(bool preferIPv6) =>
        Addresses.FirstOrDefault(a => (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) == preferIPv6)
        ?? Addresses.FirstOrDefault();
}

/// <summary>One port of a Service; <see cref="TargetPortName"/> is set for named target ports.</summary>
public sealed record ServicePortInfo(string? Name, int Port, string Protocol, int? TargetPortNumber, string? TargetPortName)
{
    /// <summary>The node port (NodePort and LoadBalancer Services).</summary>
    public int? NodePort { get; init; }
}

/// <summary>What the tracer needs of a Service.</summary>
public sealed record ServiceInfo(
    string Namespace,
    string Name,
    string Type,
    IReadOnlyList<IPAddress> ClusterIPs,
    bool Headless,
    IReadOnlyList<ServicePortInfo> Ports,
    IReadOnlyDictionary<string, string> Selector,
    string Uid = "")
{
    public string Key => $"{Namespace}/{Name}";

    /// <summary>status.loadBalancer.ingress IPs.</summary>
    public IReadOnlyList<IPAddress> LoadBalancerIngress { get; init; } = [];

    /// <summary>spec.externalIPs.</summary>
    public IReadOnlyList<IPAddress> ExternalIPs { get; init; } = [];

    public static ServiceInfo FromJson(JsonElement svc)
    {
        var meta = svc.Prop("metadata");
        var spec = svc.Prop("spec");
        var ips = new List<IPAddress>();
        var headless = false;
        foreach (var ip in spec.Prop("clusterIPs").Items().Select(x => x.Str()).Append(spec.Prop("clusterIP").Str()))
        {
            if (ip == "None") headless = true;
            else if (IPAddress.TryParse(ip ?? "", out var a) && !ips.Contains(a)) ips.Add(a);
        }
        var ports = new List<ServicePortInfo>();
        foreach (var p in spec.Prop("ports").Items())
        {
            if (p.Prop("port").Int() is not int port) continue;
            var target = p.Prop("targetPort");
            int? targetNumber = target.Int();
            string? targetName = target.Str();
            if (targetName is not null && int.TryParse(targetName, out var n)) { targetNumber = n; targetName = null; }
            if (targetNumber is null && targetName is null) targetNumber = port;
            ports.Add(new ServicePortInfo(p.Prop("name").Str(), port, p.Prop("protocol").Str() ?? "TCP", targetNumber, targetName) { NodePort = p.Prop("nodePort").Int() });
        }
        static List<IPAddress> Addresses(IEnumerable<string?> texts) =>
            texts.Select(t => IPAddress.TryParse(t ?? "", out var a) ? a : null).OfType<IPAddress>().Distinct().ToList();
        return new ServiceInfo(meta.Prop("namespace").Str() ?? "", meta.Prop("name").Str() ?? "",
            spec.Prop("type").Str() ?? "ClusterIP", ips, headless, ports, spec.Prop("selector").StringMap(), meta.Prop("uid").Str() ?? "")
        {
            LoadBalancerIngress = Addresses(svc.Prop("status").Prop("loadBalancer").Prop("ingress").Items().Select(i => i.Prop("ip").Str())),
            ExternalIPs = Addresses(spec.Prop("externalIPs").Items().Select(i => i.Str())),
        };
    }
}

/// <summary>One endpoint of an EndpointSlice with the pod it targets.</summary>
public sealed record EndpointInfo(IReadOnlyList<IPAddress> Addresses, bool Ready, string? NodeName, string? PodNamespace, string? PodName, string? PodUid = null);

/// <summary>A port of an EndpointSlice (the resolved target port).</summary>
public sealed record EndpointPortInfo(string? Name, int Port, string Protocol);

/// <summary>An EndpointSlice of a Service.</summary>
public sealed record EndpointSliceInfo(string Namespace, string Name, string AddressType, IReadOnlyList<EndpointInfo> Endpoints, IReadOnlyList<EndpointPortInfo> Ports)
{
    public static EndpointSliceInfo FromJson(JsonElement slice)
    {
        var meta = slice.Prop("metadata");
        var endpoints = new List<EndpointInfo>();
        foreach (var e in slice.Prop("endpoints").Items())
        {
            var addrs = e.Prop("addresses").Items().Select(a => a.Str())
                .Select(s => IPAddress.TryParse(s ?? "", out var ip) ? ip : null).OfType<IPAddress>().ToList();
            var readyEl = e.Path("conditions", "ready");
            var ready = readyEl.ValueKind != JsonValueKind.False; // nil means ready
            var target = e.Prop("targetRef");
            var isPod = target.Prop("kind").Str() is null or "Pod";
            endpoints.Add(new EndpointInfo(addrs, ready, e.Prop("nodeName").Str(),
                isPod ? target.Prop("namespace").Str() : null, isPod ? target.Prop("name").Str() : null, isPod ? target.Prop("uid").Str() : null));
        }
        var ports = slice.Prop("ports").Items()
            .Where(p => p.Prop("port").Int() is not null)
            .Select(p => new EndpointPortInfo(p.Prop("name").Str(), p.Prop("port").Int()!.Value, p.Prop("protocol").Str() ?? "TCP"))
            .ToList();
        return new EndpointSliceInfo(meta.Prop("namespace").Str() ?? "", meta.Prop("name").Str() ?? "",
            slice.Prop("addressType").Str() ?? "IPv4", endpoints, ports);
    }
}

/// <summary>One peer of a NetworkPolicy rule: pods by selector (in the policy's namespace or in selected namespaces) or an IP block.</summary>
public sealed record NetworkPolicyPeer(Policy.LabelSelector? PodSelector, Policy.LabelSelector? NamespaceSelector, string? Cidr, IReadOnlyList<string> Except);

/// <summary>One port of a NetworkPolicy rule (protocol TCP when omitted; a number, a container port name, or any port).</summary>
public sealed record NetworkPolicyPort(string Protocol, int? Port, string? PortName, int? EndPort);

/// <summary>One ingress or egress rule: from/to peers (none: every peer) and ports (none: every port).</summary>
public sealed record NetworkPolicyRule(IReadOnlyList<NetworkPolicyPeer> Peers, IReadOnlyList<NetworkPolicyPort> Ports);

/// <summary>A NetworkPolicy with its rules, for explanations.</summary>
public sealed record NetworkPolicyInfo(string Namespace, string Name, Policy.LabelSelector PodSelector, bool AppliesToIngress, bool AppliesToEgress)
{
    public string Key => $"{Namespace}/{Name}";

    /// <summary>The ingress rules (<c>spec.ingress</c>).</summary>
    public IReadOnlyList<NetworkPolicyRule> IngressRules { get; init; } = Array.Empty<NetworkPolicyRule>();

    /// <summary>The egress rules (<c>spec.egress</c>).</summary>
    public IReadOnlyList<NetworkPolicyRule> EgressRules { get; init; } = Array.Empty<NetworkPolicyRule>();

    public static NetworkPolicyInfo FromJson(JsonElement np)
    {
        var meta = np.Prop("metadata");
        var spec = np.Prop("spec");
        var types = spec.Prop("policyTypes").Items().Select(t => t.Str()).OfType<string>().ToList();
        bool ingress, egress;
        if (types.Count > 0)
        {
            ingress = types.Contains("Ingress");
            egress = types.Contains("Egress");
        }
        else
        {
            // Kubernetes default: Ingress always; Egress only when egress rules are present.
            ingress = true;
            egress = spec.Prop("egress").ValueKind == JsonValueKind.Array;
        }
        return new NetworkPolicyInfo(meta.Prop("namespace").Str() ?? "", meta.Prop("name").Str() ?? "",
            Policy.LabelSelector.FromJson(spec.Prop("podSelector")), ingress, egress)
        {
            IngressRules = spec.Prop("ingress").Items().Select(r => Rule(r, "from")).ToList(),
            EgressRules = spec.Prop("egress").Items().Select(r => Rule(r, "to")).ToList(),
        };
    }

    private static NetworkPolicyRule Rule(JsonElement rule, string peersField)
    {
        var peers = rule.Prop(peersField).Items().Select(p =>
        {
            var pod = p.Prop("podSelector");
            var ns = p.Prop("namespaceSelector");
            var block = p.Prop("ipBlock");
            return new NetworkPolicyPeer(
                pod.ValueKind == JsonValueKind.Object ? Policy.LabelSelector.FromJson(pod) : null,
                ns.ValueKind == JsonValueKind.Object ? Policy.LabelSelector.FromJson(ns) : null,
                block.Prop("cidr").Str(),
                block.Prop("except").Items().Select(e => e.Str()).OfType<string>().ToList());
        }).ToList();
        var ports = rule.Prop("ports").Items().Select(p =>
        {
            var port = p.Prop("port");
            return new NetworkPolicyPort(p.Prop("protocol").Str() ?? "TCP",
                port.ValueKind == JsonValueKind.Number ? port.Int() : int.TryParse(port.Str(), out var n) ? n : null,
                port.ValueKind == JsonValueKind.String && !int.TryParse(port.Str(), out _) ? port.Str() : null,
                p.Prop("endPort").Int());
        }).ToList();
        return new NetworkPolicyRule(peers, ports);
    }
}
