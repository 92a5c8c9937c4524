using System.Globalization;
using System.Text.Json.Nodes;
using AciTrace.Lab.Kube;

namespace AciTrace.Lab.Api;

/// <summary>One object of a resource, ready for filtering and rendering.</summary>
internal sealed record KubeItem(
    string? Namespace,
    string Name,
    IReadOnlyDictionary<string, string>? Labels,
    Func<string, string?> Field,
    Func<JsonObject> Json,
    Func<DateTimeOffset, JsonArray> Cells);

/// <summary>A column of a Table response.</summary>
internal sealed record KubeColumn(string Name, string Type, string Format, int Priority, string Description);

/// <summary>A resource type the lab serves (discovery entry, list kind, fields, table columns, items).</summary>
internal sealed record KubeResourceType(
    string Plural,
    string Singular,
    string Kind,
    string Group,
    string Version,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Fields,
    IReadOnlyList<KubeColumn> Columns,
    Func<LabKubeModel, IEnumerable<KubeItem>> Items)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The resource name used in messages: <c>pods</c>, <c>endpointslices.discovery.k8s.io</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>The resources of the lab API and how each renders (JSON and kubectl's Table columns).</summary>
internal static class KubeResourceCatalog
{
    private static readonly string[] MetaFields = ["metadata.name", "metadata.namespace"];

    public static readonly IReadOnlyList<KubeResourceType> All =
    [
        new("namespaces", "namespace", "Namespace", "", "v1", false, ["ns"], ["metadata.name", "status.phase"],
            [Col("Name", "name", "Name must be unique within a namespace."), Col("Status", "", "The status of the namespace"), Age()],
            m => m.Namespaces.Select(ns => new KubeItem(null, ns.Name,
                new Dictionary<string, string>(ns.Labels ?? new Dictionary<string, string>()) { ["kubernetes.io/metadata.name"] = ns.Name },
                f => f switch { "metadata.name" => ns.Name, "status.phase" => "Active", _ => null },
                () => KubeJson.Namespace(ns, m.CreatedAt),
                now => Cells(ns.Name, "Active", AgeOf(m, now))))),
        new("nodes", "node", "Node", "", "v1", false, ["no"], ["metadata.name", "spec.unschedulable"],
            [Col("Name", "name", "Name"), Col("Status", "", "The status of the node"), Col("Roles", "", "The roles of the node"), Age(),
             Col("Version", "", "Kubelet Version reported by the node."), Col("Internal-IP", "", "List of internal IPs.", 1),
             Col("External-IP", "", "List of external IPs.", 1), Col("OS-Image", "", "OS image reported by the node.", 1),
             Col("Kernel-Version", "", "Kernel version reported by the node.", 1), Col("Container-Runtime", "", "Container runtime.", 1)],
            m => m.Nodes.Select(n => new KubeItem(null, n.Name, (IReadOnlyDictionary<string, string>?)NodeLabels(n),
                f => f switch { "metadata.name" => n.Name, "spec.unschedulable" => "false", _ => null },
                () => KubeJson.Node(n, m.CreatedAt),
                now => Cells(n.Name, n.Ready ? "Ready" : "NotReady", Roles(n), AgeOf(m, now), KubeJson.NodeInfo.KubeletVersion, n.InternalIP,
                    "<none>", KubeJson.NodeInfo.OsImage, KubeJson.NodeInfo.Kernel, KubeJson.NodeInfo.ContainerRuntime)))),
        new("pods", "pod", "Pod", "", "v1", true, ["po"],
            [.. MetaFields, "spec.nodeName", "spec.hostNetwork", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"],
            [Col("Name", "name", "Name"), Col("Ready", "", "The aggregate readiness state of this pod for accepting traffic."),
             Col("Status", "", "The aggregate status of the containers in this pod."),
             Col("Restarts", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
             Age(), Col("IP", "", "IP address allocated to the pod.", 1), Col("Node", "", "Name of the Node this pod is assigned to.", 1),
             Col("Nominated Node", "", "Name of the node where the pod is nominated to run.", 1), Col("Readiness Gates", "", "Pod readiness gates.", 1)],
            m => m.Pods.Select(p => new KubeItem(p.Namespace, p.Name, p.Labels,
                f => f switch
                {
                    "metadata.name" => p.Name,
                    "metadata.namespace" => p.Namespace,
                    "spec.nodeName" => p.NodeName,
                    "spec.hostNetwork" => p.HostNetwork ? "true" : "false",
                    "spec.restartPolicy" => "Always",
                    "spec.schedulerName" => "default-scheduler",
                    "spec.serviceAccountName" => "default",
                    "status.phase" => p.Phase,
                    "status.podIP" => p.PodIPs.Count > 0 ? p.PodIPs[0] : "",
                    "status.nominatedNodeName" => "",
                    _ => null,
                },
                () => KubeJson.Pod(p, m.CreatedAt),
                now => Cells(p.Name,
                    $"{(p.Ready && p.Phase == "Running" ? p.Containers.Count : 0)}/{p.Containers.Count}",
                    p.Phase == "Pending" ? "ContainerCreating" : p.Phase, "0", AgeOf(m, now),
                    p.PodIPs.Count > 0 ? p.PodIPs[0] : "<none>", p.NodeName.Length > 0 ? p.NodeName : "<none>", "<none>", "<none>")))),
        new("services", "service", "Service", "", "v1", true, ["svc"], [.. MetaFields, "spec.clusterIP", "spec.type"],
            [Col("Name", "name", "Name"), Col("Type", "", "The type of the service."), Col("Cluster-IP", "", "The cluster IP of the service."),
             Col("External-IP", "", "External IPs of the service."), Col("Port(s)", "", "The ports of the service."), Age(),
             Col("Selector", "", "The label selector of the service.", 1)],
            m => m.Services.Select(s => new KubeItem(s.Namespace, s.Name, null,
                f => f switch
                {
                    "metadata.name" => s.Name,
                    "metadata.namespace" => s.Namespace,
                    "spec.clusterIP" => s.ClusterIPs.Count > 0 ? s.ClusterIPs[0] : "",
                    "spec.type" => s.Type,
                    _ => null,
                },
                () => KubeJson.Service(s, m.CreatedAt),
                now => Cells(s.Name, s.Type, s.ClusterIPs.Count > 0 ? s.ClusterIPs[0] : "<none>",
                    s.Type == "LoadBalancer" ? "<pending>" : "<none>", ServicePorts(s), AgeOf(m, now),
                    s.Selector is { Count: > 0 } ? string.Join(",", s.Selector.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "<none>")))),
        new("events", "event", "Event", "", "v1", true, ["ev"], [.. MetaFields, "involvedObject.name", "involvedObject.namespace", "involvedObject.uid", "involvedObject.kind"],
            [Col("Last Seen", "", "Last seen"), Col("Type", "", "Type"), Col("Reason", "", "Reason"), Col("Object", "", "Object"), Col("Message", "", "Message")],
            _ => []),
        new("endpointslices", "endpointslice", "EndpointSlice", "discovery.k8s.io", "v1", true, [], MetaFields,
            [Col("Name", "name", "Name"), Col("AddressType", "", "The IP protocol for this slice."), Col("Ports", "", "The ports for this slice."),
             Col("Endpoints", "", "A list of endpoints for this slice."), Age()],
            m => m.EndpointSlices.Select(s =>
            {
                KubeService? owner = m.Services.FirstOrDefault(x => x.Namespace == s.Namespace && x.Name == s.ServiceName);
                var labels = new Dictionary<string, string> { ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io" };
                if (s.ServiceName is not null) labels["kubernetes.io/service-name"] = s.ServiceName;
                return new KubeItem(s.Namespace, s.Name, labels,
                    f => f switch { "metadata.name" => s.Name, "metadata.namespace" => s.Namespace, _ => null },
                    () => KubeJson.EndpointSlice(s, owner, m.CreatedAt),
                    now => Cells(s.Name, s.AddressType, s.Ports.Count == 0 ? "<unset>" : string.Join(",", s.Ports.Select(p => p.Port.ToString(CultureInfo.InvariantCulture))),
                        SliceEndpoints(s), AgeOf(m, now)));
            })),
        new("networkpolicies", "networkpolicy", "NetworkPolicy", "networking.k8s.io", "v1", true, ["netpol"], MetaFields,
            [Col("Name", "name", "Name"), Col("Pod-Selector", "", "Selects the pods to which this NetworkPolicy object applies."), Age()],
            m => m.NetworkPolicies.Select(np => new KubeItem(np.Namespace, np.Name, null,
                f => f switch { "metadata.name" => np.Name, "metadata.namespace" => np.Namespace, _ => null },
                () => KubeJson.NetworkPolicy(np, m.CreatedAt),
                now => Cells(np.Name, PodSelector(np.Spec["podSelector"]), AgeOf(m, now))))),
    ];

    public static KubeResourceType? Find(string groupVersion, string plural) =>
        All.FirstOrDefault(r => r.GroupVersion == groupVersion && r.Plural == plural);

    /// <summary>Kubernetes' HumanDuration (the AGE column).</summary>
    public static string HumanDuration(TimeSpan d)
    {
        long seconds = (long)d.TotalSeconds;
        if (seconds < -1) return "<invalid>";
        if (seconds < 0) return "0s";
        if (seconds < 120) return $"{seconds}s";
        long minutes = (long)d.TotalMinutes;
        if (minutes < 10) return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 180) return $"{minutes}m";
        long hours = (long)d.TotalHours;
        if (hours < 8) return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48) return $"{hours}h";
        if (hours < 24 * 8) return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8) return (hours / 24) % 365 == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{(hours / 24) % 365}d";
        return $"{hours / 24 / 365}y";
    }

    private static KubeColumn Col(string name, string format, string description, int priority = 0) => new(name, "string", format, priority, description);

    private static KubeColumn Age() => Col("Age", "", "CreationTimestamp is a timestamp representing the server time when this object was created.");

    private static string AgeOf(LabKubeModel m, DateTimeOffset now) => HumanDuration(now - m.CreatedAt);

    private static JsonArray Cells(params string[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static Dictionary<string, string> NodeLabels(KubeNode n)
    {
        var labels = new Dictionary<string, string>
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = n.Name,
            ["kubernetes.io/os"] = "linux",
        };
        foreach (KeyValuePair<string, string> kv in n.Labels ?? new Dictionary<string, string>()) labels[kv.Key] = kv.Value;
        return labels;
    }

    private static string Roles(KubeNode n)
    {
        List<string> roles = [.. (n.Labels ?? new Dictionary<string, string>()).Keys
            .Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k["node-role.kubernetes.io/".Length..])
            .Where(r => r.Length > 0).Order(StringComparer.Ordinal)];
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    private static string ServicePorts(KubeService s)
    {
        if (s.Ports.Count == 0) return "<none>";
        return string.Join(",", s.Ports.Select(p => p.NodePort is int np ? $"{p.Port}:{np}/{p.Protocol}" : $"{p.Port}/{p.Protocol}"));
    }

    private static string SliceEndpoints(KubeEndpointSlice s)
    {
        List<string> addresses = [.. s.Endpoints.SelectMany(e => e.Addresses)];
        if (addresses.Count == 0) return "<unset>";
        return addresses.Count <= 3 ? string.Join(",", addresses) : $"{string.Join(",", addresses.Take(3))} + {addresses.Count - 3} more...";
    }

    private static string PodSelector(JsonNode? selector)
    {
        var parts = new List<string>();
        if (selector?["matchLabels"] is JsonObject labels)
        {
            foreach (KeyValuePair<string, JsonNode?> kv in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)) parts.Add($"{kv.Key}={kv.Value}");
        }
        if (selector?["matchExpressions"] is JsonArray expressions)
        {
            foreach (JsonNode? e in expressions)
            {
                string key = e?["key"]?.ToString() ?? "", op = e?["operator"]?.ToString() ?? "";
                List<string> values = [.. (e?["values"] as JsonArray ?? []).Select(v => v?.ToString() ?? "")];
                parts.Add(op switch
                {
                    "In" => $"{key} in ({string.Join(",", values)})",
                    "NotIn" => $"{key} notin ({string.Join(",", values)})",
                    "Exists" => key,
                    "DoesNotExist" => "!" + key,
                    _ => $"{key} {op}",
                });
            }
        }
        return parts.Count == 0 ? "<none>" : string.Join(",", parts);
    }
}
