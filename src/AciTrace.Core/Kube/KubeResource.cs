namespace AciTrace.Kube;

/// <summary>Kubernetes resource kinds the tracer reads.</summary>
public enum KubeResource
{
    Namespaces = 0,
    Nodes,
    Pods,
    Services,
    /// <summary>discovery.k8s.io EndpointSlices.</summary>
    EndpointSlices,
    /// <summary>networking.k8s.io NetworkPolicies.</summary>
    NetworkPolicies,
}

/// <summary>kubectl names and properties of each <see cref="KubeResource"/>.</summary>
public static class KubeResourceInfo
{
    /// <summary>The fully qualified name kubectl accepts (<c>endpointslices.discovery.k8s.io</c>).</summary>
    public static string KubectlName(this KubeResource resource) => resource switch
    {
        KubeResource.Namespaces => "namespaces",
        KubeResource.Nodes => "nodes",
        KubeResource.Pods => "pods",
        KubeResource.Services => "services",
        KubeResource.EndpointSlices => "endpointslices.discovery.k8s.io",
        KubeResource.NetworkPolicies => "networkpolicies.networking.k8s.io",
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    /// <summary>The API group/version path prefix and the plural resource name (<c>/apis/discovery.k8s.io/v1</c>, <c>endpointslices</c>).</summary>
    public static (string Prefix, string Plural) ApiGroupVersionAndPlural(this KubeResource resource) => resource switch
    {
        KubeResource.Namespaces => ("/api/v1", "namespaces"),
        KubeResource.Nodes => ("/api/v1", "nodes"),
        KubeResource.Pods => ("/api/v1", "pods"),
        KubeResource.Services => ("/api/v1", "services"),
        KubeResource.EndpointSlices => ("/apis/discovery.k8s.io/v1", "endpointslices"),
        KubeResource.NetworkPolicies => ("/apis/networking.k8s.io/v1", "networkpolicies"),
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    /// <summary>False for cluster-scoped kinds (namespaces, nodes).</summary>
    public static bool IsNamespaced(this KubeResource resource) => resource is not (KubeResource.Namespaces or KubeResource.Nodes);

    /// <summary>ErrorId used when an object of this kind does not exist.</summary>
    public static string NotFoundErrorId(this KubeResource resource) => resource switch
    {
        KubeResource.Namespaces => ErrorIds.NamespaceNotFound,
        KubeResource.Nodes => ErrorIds.NodeNotFound,
        KubeResource.Pods => ErrorIds.PodNotFound,
        KubeResource.Services => ErrorIds.ServiceNotFound,
        KubeResource.EndpointSlices => ErrorIds.EndpointSliceNotFound,
        KubeResource.NetworkPolicies => ErrorIds.NetworkPolicyNotFound,
        _ => ErrorIds.KubeObjectNotFound,
    };

    /// <summary>Singular display name ("pod", "EndpointSlice").</summary>
    public static string DisplayName(this KubeResource resource) => resource switch
    {
        KubeResource.Namespaces => "namespace",
        KubeResource.Nodes => "node",
        KubeResource.Pods => "pod",
        KubeResource.Services => "service",
        KubeResource.EndpointSlices => "EndpointSlice",
        KubeResource.NetworkPolicies => "NetworkPolicy",
        _ => resource.ToString(),
    };

    /// <summary>Maps the plural resource word of a kubectl message (<c>pods</c>, <c>endpointslices.discovery.k8s.io</c>).</summary>
    public static KubeResource? FromKubectlWord(string word)
    {
        string plural = word.Split('.')[0].ToLowerInvariant();
        return plural switch
        {
            "namespaces" or "namespace" => KubeResource.Namespaces,
            "nodes" or "node" => KubeResource.Nodes,
            "pods" or "pod" => KubeResource.Pods,
            "services" or "service" => KubeResource.Services,
            "endpointslices" or "endpointslice" => KubeResource.EndpointSlices,
            "networkpolicies" or "networkpolicy" => KubeResource.NetworkPolicies,
            _ => null,
        };
    }
}
