namespace AciTrace.Lab.Kube;

/// <summary>A Kubernetes namespace.</summary>
/// <param name="Name">Namespace name.</param>
/// <param name="Labels">Labels; <c>kubernetes.io/metadata.name</c> is added when rendered, as the real API server does.</param>
public sealed record KubeNamespace(string Name, IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>A Kubernetes node.</summary>
/// <param name="Name">Node name.</param>
/// <param name="InternalIP">The node's <c>InternalIP</c> address (also the host IP of its pods).</param>
/// <param name="Labels">Extra labels; <c>kubernetes.io/hostname</c> and <c>kubernetes.io/os</c> are always rendered.</param>
/// <param name="Ready">Value of the node's Ready condition.</param>
public sealed record KubeNode(string Name, string InternalIP, IReadOnlyDictionary<string, string>? Labels = null, bool Ready = true);

/// <summary>A container port of a pod.</summary>
public sealed record KubeContainerPort(string? Name, int ContainerPort, string Protocol = "TCP");

/// <summary>A container of a pod.</summary>
public sealed record KubeContainer(string Name, string Image, IReadOnlyList<KubeContainerPort>? Ports = null);

/// <summary>A Kubernetes pod.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Name">Pod name.</param>
/// <param name="Uid">UID (see <see cref="KubeUid.For"/> for a stable one).</param>
/// <param name="NodeName">Node the pod runs on (<c>spec.nodeName</c>).</param>
/// <param name="Labels">Labels.</param>
/// <param name="Annotations">Annotations.</param>
/// <param name="PodIPs">Pod IPs, primary first (IPv4 and/or IPv6 for dual stack); empty while pending.</param>
/// <param name="HostIP">The node's IP (<c>status.hostIP</c>).</param>
/// <param name="HostNetwork">Whether the pod uses the node's network namespace.</param>
/// <param name="Phase">Pod phase: Pending, Running, Succeeded, Failed or Unknown.</param>
/// <param name="Ready">Value of the pod's Ready condition (all containers ready).</param>
/// <param name="Containers">Containers, in spec order (the first one is kubectl's default for exec).</param>
public sealed record KubePod(
    string Namespace,
    string Name,
    string Uid,
    string NodeName,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyDictionary<string, string>? Annotations,
    IReadOnlyList<string> PodIPs,
    string HostIP,
    bool HostNetwork,
    string Phase,
    bool Ready,
    IReadOnlyList<KubeContainer> Containers);

/// <summary>An int-or-string value such as a service's <c>targetPort</c>.</summary>
public readonly record struct KubeIntOrString
{
    private KubeIntOrString(int? number, string? text) { Number = number; Text = text; }

    /// <summary>The numeric value, when the value is a number.</summary>
    public int? Number { get; }

    /// <summary>The string value (a named port), when the value is a string.</summary>
    public string? Text { get; }

    /// <summary>A numeric value.</summary>
    public static KubeIntOrString FromInt(int value) => new(value, null);

    /// <summary>A named value.</summary>
    public static KubeIntOrString FromString(string value) => new(null, value);

    /// <summary>Numeric text becomes a number, anything else a name.</summary>
    public static KubeIntOrString Parse(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) ? FromInt(n) : FromString(value);

    /// <inheritdoc/>
    public override string ToString() => Number is int n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : Text ?? "";
}

/// <summary>A port of a service.</summary>
/// <param name="Name">Port name (required by Kubernetes when a service has several ports).</param>
/// <param name="Port">Service port.</param>
/// <param name="TargetPort">Target port: a number or a container port name.</param>
/// <param name="Protocol">TCP, UDP or SCTP.</param>
/// <param name="NodePort">Node port, for NodePort/LoadBalancer services.</param>
public sealed record KubeServicePort(string? Name, int Port, KubeIntOrString TargetPort, string Protocol = "TCP", int? NodePort = null);

/// <summary>A Kubernetes service.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Name">Service name.</param>
/// <param name="Uid">UID.</param>
/// <param name="Type">ClusterIP, NodePort, LoadBalancer or ExternalName.</param>
/// <param name="ClusterIPs">Cluster IPs, primary first (dual stack: one per family); empty or <c>None</c> for headless.</param>
/// <param name="Ports">Ports.</param>
/// <param name="Selector">Pod selector; null or empty means no selector (no derived EndpointSlices).</param>
public sealed record KubeService(
    string Namespace,
    string Name,
    string Uid,
    string Type,
    IReadOnlyList<string> ClusterIPs,
    IReadOnlyList<KubeServicePort> Ports,
    IReadOnlyDictionary<string, string>? Selector)
{
    /// <summary>spec.externalIPs.</summary>
    public IReadOnlyList<string> ExternalIps { get; init; } = [];

    /// <summary>status.loadBalancer.ingress IPs.</summary>
    public IReadOnlyList<string> LoadBalancerIngress { get; init; } = [];

    /// <summary>spec.externalTrafficPolicy (NodePort and LoadBalancer only).</summary>
    public string? ExternalTrafficPolicy { get; init; }
}

/// <summary>A reference from an endpoint to the object behind it (normally a pod).</summary>
public sealed record KubeObjectReference(string Kind, string Namespace, string Name, string Uid);

/// <summary>One endpoint of an EndpointSlice.</summary>
public sealed record KubeEndpoint(IReadOnlyList<string> Addresses, bool Ready, string? NodeName, KubeObjectReference? TargetRef);

/// <summary>A port of an EndpointSlice.</summary>
public sealed record KubeEndpointPort(string? Name, int Port, string Protocol = "TCP");

/// <summary>An EndpointSlice (<c>discovery.k8s.io/v1</c>).</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Name">Slice name (<c>&lt;service&gt;-&lt;suffix&gt;</c> when derived).</param>
/// <param name="Uid">UID.</param>
/// <param name="ServiceName">Owning service; rendered as the <c>kubernetes.io/service-name</c> label.</param>
/// <param name="AddressType">IPv4, IPv6 or FQDN.</param>
/// <param name="Endpoints">Endpoints.</param>
/// <param name="Ports">Ports.</param>
public sealed record KubeEndpointSlice(
    string Namespace,
    string Name,
    string Uid,
    string? ServiceName,
    string AddressType,
    IReadOnlyList<KubeEndpoint> Endpoints,
    IReadOnlyList<KubeEndpointPort> Ports);

/// <summary>A NetworkPolicy (<c>networking.k8s.io/v1</c>); the spec is passed through as given.</summary>
public sealed record KubeNetworkPolicy(string Namespace, string Name, string Uid, System.Text.Json.Nodes.JsonObject Spec);

/// <summary>Stable UIDs for lab objects.</summary>
public static class KubeUid
{
    /// <summary>A UUID (version-5 style, SHA-1 of kind/namespace/name) that is the same in every run.</summary>
    public static string For(string kind, string? @namespace, string name)
    {
        byte[] hash = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes($"aci-lab/{kind}/{@namespace}/{name}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(hash, 0, 4) + "-" + Convert.ToHexStringLower(hash, 4, 2) + "-" + Convert.ToHexStringLower(hash, 6, 2)
            + "-" + Convert.ToHexStringLower(hash, 8, 2) + "-" + Convert.ToHexStringLower(hash, 10, 6);
    }
}
