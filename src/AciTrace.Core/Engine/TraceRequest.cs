namespace AciTrace.Engine;

/// <summary>What kind of destination a trace goes to.</summary>
public enum TraceKind
{
    Pod = 0,
    Service,
    External,
}

/// <summary>How a client outside the cluster reaches a Service.</summary>
public enum ServiceEntry
{
    /// <summary>Its LoadBalancer ingress IP (status.loadBalancer.ingress).</summary>
    LoadBalancer = 0,

    /// <summary>One of its spec.externalIPs.</summary>
    ExternalIP,

    /// <summary>Its node port on a node.</summary>
    NodePort,
}

/// <summary>Protocol of the simulated packet.</summary>
public enum TraceProtocol
{
    Tcp = 0,
    Udp,
    Icmp,
    Ip,
    Arp,
}

/// <summary>One trace the user asked for, with names as typed (validated before any cluster call).</summary>
public sealed record TraceRequest
{
    public TraceKind Kind { get; init; }
    public string SourceNamespace { get; init; } = "";
    public string SourceName { get; init; } = "";
    /// <summary>Pod or Service namespace (Pod and Service kinds).</summary>
    public string? DestinationNamespace { get; init; }
    /// <summary>Pod or Service name (Pod and Service kinds).</summary>
    public string? DestinationName { get; init; }
    /// <summary>Destination IP address (External kind).</summary>
    public string? DestinationAddress { get; init; }
    public TraceProtocol Protocol { get; init; } = TraceProtocol.Tcp;
    public int? SourcePort { get; init; }
    public int? DestinationPort { get; init; }
    /// <summary>Also trace the return direction.</summary>
    public bool IncludeReply { get; init; }
    /// <summary>Prefer IPv6 addresses of dual-stack pods.</summary>
    public bool PreferIPv6 { get; init; }
    /// <summary>Service kind traced from outside the cluster: the client's IP address (null: from the source pod).</summary>
    public string? SourceAddress { get; init; }
    /// <summary>With <see cref="SourceAddress"/>: how the client reaches the Service.</summary>
    public ServiceEntry Entry { get; init; }
    /// <summary>With <see cref="ServiceEntry.ExternalIP"/>: which of the Service's external IPs.</summary>
    public string? ExternalIp { get; init; }
    /// <summary>With <see cref="ServiceEntry.NodePort"/>: the node whose node port the client reaches.</summary>
    public string? Node { get; init; }
    /// <summary>True for a Service traced from outside the cluster.</summary>
    public bool FromOutside => Kind == TraceKind.Service && SourceAddress is not null;
}

/// <summary>How to reach the cluster (all optional; the kubeconfig's own defaults apply).</summary>
public sealed record ClusterOptions
{
    /// <summary>How to talk to the API server; null chooses as <see cref="Kube.TransportRules"/> says.</summary>
    public Kube.ClusterTransport? Transport { get; init; }
    /// <summary>Explicit kubectl or oc path (kubectl transport); else $ACITRACE_KUBECTL, else kubectl/oc on PATH.</summary>
    public string? KubectlPath { get; init; }
    public string? Kubeconfig { get; init; }
    public string? Context { get; init; }
    /// <summary>Timeout of each cluster call (one API read, one exec).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
