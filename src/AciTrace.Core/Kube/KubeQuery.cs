using AciTrace.Engine;
using AciTrace.Packets;

namespace AciTrace.Kube;

/// <summary>
/// A get or list of one resource kind, validated before any transport turns it into a kubectl argv or an API path:
/// names by Kubernetes rules, a namespace only for namespaced kinds, a name never with a selector.
/// </summary>
public sealed record KubeQuery
{
    private KubeQuery(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector)
    {
        Resource = resource;
        Namespace = ns;
        Name = name;
        LabelSelector = labelSelector;
        FieldSelector = fieldSelector;
    }

    public KubeResource Resource { get; }

    /// <summary>Null: all namespaces (namespaced kinds) or cluster scope.</summary>
    public string? Namespace { get; }

    /// <summary>Null: a list.</summary>
    public string? Name { get; }

    public string? LabelSelector { get; }

    public string? FieldSelector { get; }

    /// <summary>Validates every part; throws <see cref="AciTraceException"/> (InvalidArgument) naming the bad one.</summary>
    public static KubeQuery Create(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector)
    {
        if (!Enum.IsDefined(resource))
            throw new AciTraceException(ErrorIds.InvalidKubeResource, AciErrorKind.InvalidArgument, $"Unknown resource kind {resource}.", resource);
        if (name is not null)
        {
            InputValidation.ValidateKubernetesName(name, NameKind(resource), resource.DisplayName());
            if (labelSelector is not null || fieldSelector is not null)
                throw new AciTraceException(ErrorIds.InvalidKubeQuery, AciErrorKind.InvalidArgument,
                    $"A {resource.DisplayName()} name and a selector cannot be combined.", name);
        }
        if (resource.IsNamespaced())
        {
            if (ns is not null) InputValidation.ValidateKubernetesName(ns, KubernetesNameKind.Namespace, "namespace");
            else if (name is not null)
                throw new AciTraceException(ErrorIds.NamespaceRequired, AciErrorKind.InvalidArgument,
                    $"Getting the {resource.DisplayName()} '{name}' needs a namespace.", name);
        }
        else if (ns is not null)
        {
            throw new AciTraceException(ErrorIds.InvalidKubeQuery, AciErrorKind.InvalidArgument,
                $"{resource.KubectlName()} are cluster-scoped; no namespace may be given (got '{ns}').", ns);
        }
        if (labelSelector is not null) ValidateSelector(labelSelector, "labelSelector");
        if (fieldSelector is not null) ValidateSelector(fieldSelector, "fieldSelector");
        return new KubeQuery(resource, ns, name, labelSelector, fieldSelector);
    }

    /// <summary>The API path (<c>/api/v1/namespaces/NS/pods/NAME</c>) without query string.</summary>
    public string ApiPath
    {
        get
        {
            var (prefix, plural) = Resource.ApiGroupVersionAndPlural();
            string scope = Namespace is null ? "" : "/namespaces/" + Namespace;
            string item = Name is null ? "" : "/" + Name;
            return $"{prefix}{scope}/{plural}{item}";
        }
    }

    /// <summary>The API query string (<c>?labelSelector=...</c>, escaped), empty when there is none.</summary>
    public string ApiQueryString
    {
        get
        {
            var parts = new List<string>(2);
            if (LabelSelector is not null) parts.Add("labelSelector=" + Uri.EscapeDataString(LabelSelector));
            if (FieldSelector is not null) parts.Add("fieldSelector=" + Uri.EscapeDataString(FieldSelector));
            return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
        }
    }

    /// <summary>Label/field selectors: printable ASCII of the selector grammar (keys, values, = == != , ! in notin ( )).</summary>
    private static void ValidateSelector(string selector, string field)
    {
        bool ok = selector.Length is > 0 and <= 1024
            && selector.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '=' or '!' or ',' or '(' or ')' or ' ');
        if (!ok)
            throw new InputValidationException(ErrorIds.InvalidSelector, field, selector,
                "is not a valid selector (letters, digits and . - _ / = ! , ( ) and spaces, at most 1024 characters)");
    }

    private static KubernetesNameKind NameKind(KubeResource resource) => resource switch
    {
        KubeResource.Namespaces => KubernetesNameKind.Namespace,
        KubeResource.Services => KubernetesNameKind.Service,
        KubeResource.Pods => KubernetesNameKind.Pod,
        KubeResource.Nodes => KubernetesNameKind.Node,
        _ => KubernetesNameKind.Object,
    };
}

/// <summary>An exec into one container, validated: names by Kubernetes rules, argv allowed by <see cref="ReadOnlyCommandPolicy"/>.</summary>
public sealed record KubeExecTarget
{
    private KubeExecTarget(string ns, string pod, string? container, IReadOnlyList<string> argv)
    {
        Namespace = ns;
        Pod = pod;
        Container = container;
        Argv = argv;
    }

    public string Namespace { get; }

    public string Pod { get; }

    public string? Container { get; }

    public IReadOnlyList<string> Argv { get; }

    /// <summary>Applies the read-only command policy first (nothing is contacted for a refused argv), then the names.</summary>
    public static KubeExecTarget Create(string ns, string pod, string? container, IReadOnlyList<string> argv)
    {
        ReadOnlyCommandPolicy.EnsureAllowed(argv);
        InputValidation.ValidateKubernetesName(ns, KubernetesNameKind.Namespace, "namespace");
        InputValidation.ValidateKubernetesName(pod, KubernetesNameKind.Pod, "pod");
        if (container is not null) InputValidation.ValidateKubernetesName(container, KubernetesNameKind.Container, "container");
        return new KubeExecTarget(ns, pod, container, argv.ToArray());
    }
}
