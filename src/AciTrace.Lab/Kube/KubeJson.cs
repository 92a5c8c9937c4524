using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace AciTrace.Lab.Kube;

/// <summary>Renders lab objects as the Kubernetes API returns them (apiVersion, kind, metadata, spec, status).</summary>
public static class KubeJson
{
    /// <summary>Resource version reported for every object and list (the lab never changes objects).</summary>
    public const string ResourceVersion = "1";

    /// <summary>A namespace.</summary>
    public static JsonObject Namespace(KubeNamespace ns, DateTimeOffset created)
    {
        var labels = new Dictionary<string, string>(ns.Labels ?? new Dictionary<string, string>()) { ["kubernetes.io/metadata.name"] = ns.Name };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = Metadata(ns.Name, null, KubeUid.For("Namespace", null, ns.Name), created, labels, null),
            ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
            ["status"] = new JsonObject { ["phase"] = "Active" },
        };
    }

    /// <summary>A node.</summary>
    public static JsonObject Node(KubeNode node, DateTimeOffset created)
    {
        var labels = new Dictionary<string, string>
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = node.Name,
            ["kubernetes.io/os"] = "linux",
        };
        foreach (KeyValuePair<string, string> kv in node.Labels ?? new Dictionary<string, string>()) labels[kv.Key] = kv.Value;
        string ts = Timestamp(created);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = Metadata(node.Name, null, KubeUid.For("Node", null, node.Name), created, labels, null),
            ["spec"] = new JsonObject(),
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = node.InternalIP },
                    new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = node.Ready ? "True" : "False",
                    ["reason"] = node.Ready ? "KubeletReady" : "KubeletNotReady",
                    ["message"] = node.Ready ? "kubelet is posting ready status" : "container runtime network not ready",
                    ["lastHeartbeatTime"] = ts,
                    ["lastTransitionTime"] = ts,
                }),
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = "amd64",
                    ["containerRuntimeVersion"] = NodeInfo.ContainerRuntime,
                    ["kernelVersion"] = NodeInfo.Kernel,
                    ["kubeProxyVersion"] = NodeInfo.KubeletVersion,
                    ["kubeletVersion"] = NodeInfo.KubeletVersion,
                    ["operatingSystem"] = "linux",
                    ["osImage"] = NodeInfo.OsImage,
                },
            },
        };
    }

    /// <summary>Versions reported by every lab node.</summary>
    public static class NodeInfo
    {
        /// <summary>kubelet version.</summary>
        public const string KubeletVersion = "v1.32.5";

        /// <summary>OS image.</summary>
        public const string OsImage = "Red Hat Enterprise Linux CoreOS 9.4 (ACI lab)";

        /// <summary>Kernel version.</summary>
        public const string Kernel = "5.14.0-427.el9.x86_64";

        /// <summary>Container runtime.</summary>
        public const string ContainerRuntime = "cri-o://1.32.5";
    }

    /// <summary>A pod.</summary>
    public static JsonObject Pod(KubePod pod, DateTimeOffset created)
    {
        string ts = Timestamp(created);
        var containers = new JsonArray();
        var statuses = new JsonArray();
        foreach (KubeContainer c in pod.Containers)
        {
            var container = new JsonObject { ["name"] = c.Name, ["image"] = c.Image, ["imagePullPolicy"] = "IfNotPresent" };
            if (c.Ports is { Count: > 0 })
            {
                var ports = new JsonArray();
                foreach (KubeContainerPort p in c.Ports)
                {
                    var port = new JsonObject();
                    if (!string.IsNullOrEmpty(p.Name)) port["name"] = p.Name;
                    port["containerPort"] = p.ContainerPort;
                    port["protocol"] = p.Protocol;
                    ports.Add(port);
                }
                container["ports"] = ports;
            }
            containers.Add(container);
            bool running = pod.Phase == "Running";
            statuses.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["image"] = c.Image,
                ["imageID"] = c.Image,
                ["containerID"] = "cri-o://" + KubeUid.For("Container", pod.Namespace, pod.Name + "/" + c.Name).Replace("-", ""),
                ["ready"] = pod.Ready && running,
                ["started"] = running,
                ["restartCount"] = 0,
                ["state"] = running ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = ts } }
                    : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
            });
        }
        var spec = new JsonObject
        {
            ["containers"] = containers,
            ["dnsPolicy"] = pod.HostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst",
            ["nodeName"] = pod.NodeName,
            ["restartPolicy"] = "Always",
            ["schedulerName"] = "default-scheduler",
            ["serviceAccountName"] = "default",
            ["terminationGracePeriodSeconds"] = 30,
        };
        if (pod.HostNetwork) spec["hostNetwork"] = true;
        var status = new JsonObject
        {
            ["phase"] = pod.Phase,
            ["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", true, ts),
                Condition("Initialized", true, ts),
                Condition("Ready", pod.Ready, ts),
                Condition("ContainersReady", pod.Ready, ts),
                Condition("PodScheduled", true, ts)),
            ["hostIP"] = pod.HostIP,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = pod.HostIP }),
            ["startTime"] = ts,
            ["qosClass"] = "BestEffort",
            ["containerStatuses"] = statuses,
        };
        if (pod.PodIPs.Count > 0)
        {
            status["podIP"] = pod.PodIPs[0];
            status["podIPs"] = new JsonArray([.. pod.PodIPs.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip })]);
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = Metadata(pod.Name, pod.Namespace, pod.Uid, created, pod.Labels, pod.Annotations),
            ["spec"] = spec,
            ["status"] = status,
        };
    }

    /// <summary>A service.</summary>
    public static JsonObject Service(KubeService svc, DateTimeOffset created)
    {
        var ports = new JsonArray();
        foreach (KubeServicePort p in svc.Ports)
        {
            var port = new JsonObject();
            if (!string.IsNullOrEmpty(p.Name)) port["name"] = p.Name;
            port["port"] = p.Port;
            port["protocol"] = p.Protocol;
            port["targetPort"] = IntOrString(p.TargetPort);
            if (p.NodePort is int np) port["nodePort"] = np;
            ports.Add(port);
        }
        var spec = new JsonObject { ["type"] = svc.Type };
        if (svc.ClusterIPs.Count > 0)
        {
            spec["clusterIP"] = svc.ClusterIPs[0];
            spec["clusterIPs"] = new JsonArray([.. svc.ClusterIPs.Select(ip => (JsonNode)JsonValue.Create(ip))]);
            List<string> families = [.. svc.ClusterIPs.Where(ip => IPAddress.TryParse(ip, out _))
                .Select(ip => IPAddress.Parse(ip).AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")];
            if (families.Count > 0)
            {
                spec["ipFamilies"] = new JsonArray([.. families.Select(f => (JsonNode)JsonValue.Create(f))]);
                spec["ipFamilyPolicy"] = families.Count > 1 ? "RequireDualStack" : "SingleStack";
            }
        }
        spec["ports"] = ports;
        if (svc.Selector is { Count: > 0 }) spec["selector"] = StringMap(svc.Selector);
        spec["sessionAffinity"] = "None";
        spec["internalTrafficPolicy"] = "Cluster";
        if (svc.ExternalIps.Count > 0) spec["externalIPs"] = new JsonArray([.. svc.ExternalIps.Select(ip => (JsonNode)JsonValue.Create(ip))]);
        if (svc.ExternalTrafficPolicy is { } policy) spec["externalTrafficPolicy"] = policy;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = Metadata(svc.Name, svc.Namespace, svc.Uid, created, null, null),
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["loadBalancer"] = svc.LoadBalancerIngress.Count == 0 ? new JsonObject()
                    : new JsonObject { ["ingress"] = new JsonArray([.. svc.LoadBalancerIngress.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip })]) },
            },
        };
    }

    /// <summary>An EndpointSlice, labelled with its service and owned by it, as the EndpointSlice controller writes it.</summary>
    public static JsonObject EndpointSlice(KubeEndpointSlice slice, KubeService? owner, DateTimeOffset created)
    {
        var labels = new Dictionary<string, string> { ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io" };
        if (slice.ServiceName is not null) labels["kubernetes.io/service-name"] = slice.ServiceName;
        JsonObject metadata = Metadata(slice.Name, slice.Namespace, slice.Uid, created, labels, null);
        if (owner is not null)
        {
            metadata["generateName"] = owner.Name + "-";
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["name"] = owner.Name,
                ["uid"] = owner.Uid,
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            });
        }
        var endpoints = new JsonArray();
        foreach (KubeEndpoint ep in slice.Endpoints)
        {
            var e = new JsonObject
            {
                ["addresses"] = new JsonArray([.. ep.Addresses.Select(a => (JsonNode)JsonValue.Create(a))]),
                ["conditions"] = new JsonObject { ["ready"] = ep.Ready, ["serving"] = ep.Ready, ["terminating"] = false },
            };
            if (ep.NodeName is not null) e["nodeName"] = ep.NodeName;
            if (ep.TargetRef is { } r)
                e["targetRef"] = new JsonObject { ["kind"] = r.Kind, ["namespace"] = r.Namespace, ["name"] = r.Name, ["uid"] = r.Uid };
            endpoints.Add(e);
        }
        var ports = new JsonArray();
        foreach (KubeEndpointPort p in slice.Ports)
            ports.Add(new JsonObject { ["name"] = p.Name ?? "", ["port"] = p.Port, ["protocol"] = p.Protocol });
        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = metadata,
            ["addressType"] = slice.AddressType,
            ["endpoints"] = endpoints,
            ["ports"] = ports,
        };
    }

    /// <summary>A NetworkPolicy (spec passed through).</summary>
    public static JsonObject NetworkPolicy(KubeNetworkPolicy policy, DateTimeOffset created) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "NetworkPolicy",
        ["metadata"] = Metadata(policy.Name, policy.Namespace, policy.Uid, created, null, null),
        ["spec"] = policy.Spec.DeepClone(),
    };

    /// <summary>Object metadata as the API server writes it.</summary>
    public static JsonObject Metadata(string name, string? ns, string uid, DateTimeOffset created,
        IReadOnlyDictionary<string, string>? labels, IReadOnlyDictionary<string, string>? annotations)
    {
        var m = new JsonObject { ["name"] = name };
        if (ns is not null) m["namespace"] = ns;
        m["uid"] = uid;
        m["resourceVersion"] = ResourceVersion;
        m["creationTimestamp"] = Timestamp(created);
        if (labels is { Count: > 0 }) m["labels"] = StringMap(labels);
        if (annotations is { Count: > 0 }) m["annotations"] = StringMap(annotations);
        return m;
    }

    /// <summary>RFC 3339 UTC timestamp with second precision, as Kubernetes writes it.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A JSON number or string for an int-or-string.</summary>
    public static JsonNode IntOrString(KubeIntOrString v) => v.Number is int n ? JsonValue.Create(n) : JsonValue.Create(v.Text ?? "");

    private static JsonObject Condition(string type, bool status, string ts) => new()
    {
        ["type"] = type,
        ["status"] = status ? "True" : "False",
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = ts,
    };

    private static JsonObject StringMap(IReadOnlyDictionary<string, string> map)
    {
        var o = new JsonObject();
        foreach (KeyValuePair<string, string> kv in map.OrderBy(kv => kv.Key, StringComparer.Ordinal)) o[kv.Key] = kv.Value;
        return o;
    }
}
