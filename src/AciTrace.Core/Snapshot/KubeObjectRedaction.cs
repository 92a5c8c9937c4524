using System.Text.Json.Nodes;
using AciTrace.Kube;

namespace AciTrace.Snapshot;

/// <summary>
/// What a snapshot keeps of a Kubernetes object: what the tracer reads, never what may hold a secret. Every object
/// loses its managed fields and every annotation but the opflex ones (EPG and security-group assignments; others may
/// copy a whole spec, as <c>last-applied-configuration</c> does); a pod's containers keep only their names and ports
/// (no env, command, args or image pull secrets), it loses its volumes, and its status keeps only phase, addresses
/// and condition types and states (container statuses may hold log lines); a node's status keeps only its addresses
/// and conditions. Secrets themselves are never read.
/// </summary>
public static class KubeObjectRedaction
{
    /// <summary>The annotations kept: the ACI CNI's own.</summary>
    public const string KeptAnnotationPrefix = "opflex.cisco.com/";

    private static readonly string[] PodStatusKept = ["phase", "podIP", "podIPs", "hostIP", "hostIPs", "conditions", "startTime"];
    private static readonly string[] NodeStatusKept = ["addresses", "conditions"];
    private static readonly string[] ConditionFieldsKept = ["type", "status"];

    private static readonly string[] ContainerLists = ["containers", "initContainers", "ephemeralContainers"];
    private static readonly string[] ContainerFieldsKept = ["name", "ports"];

    public static void Redact(KubeResource resource, JsonObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
            if (metadata["annotations"] is JsonObject annotations)
                foreach (var key in annotations.Select(a => a.Key).Where(k => !k.StartsWith(KeptAnnotationPrefix, StringComparison.Ordinal)).ToList())
                    annotations.Remove(key);
        }
        switch (resource)
        {
            case KubeResource.Pods:
                if (item["spec"] is JsonObject spec) KeepContainerNamesAndPorts(spec);
                if (item["status"] is JsonObject podStatus) KeepOnly(podStatus, PodStatusKept);
                break;
            case KubeResource.Nodes when item["status"] is JsonObject status:
                KeepOnly(status, NodeStatusKept);
                break;
        }
    }

    private static void KeepContainerNamesAndPorts(JsonObject spec)
    {
        spec.Remove("volumes");
        spec.Remove("imagePullSecrets");
        foreach (var list in ContainerLists)
        {
            if (spec[list] is not JsonArray containers) continue;
            foreach (var container in containers.OfType<JsonObject>())
                foreach (var field in container.Select(p => p.Key).Where(k => !ContainerFieldsKept.Contains(k)).ToList())
                    container.Remove(field);
        }
    }

    private static void KeepOnly(JsonObject status, string[] kept)
    {
        foreach (var key in status.Select(p => p.Key).Where(k => !kept.Contains(k)).ToList()) status.Remove(key);
        if (status["conditions"] is JsonArray conditions)
            foreach (var condition in conditions.OfType<JsonObject>())
                foreach (var key in condition.Select(p => p.Key).Where(k => !ConditionFieldsKept.Contains(k)).ToList()) condition.Remove(key);
    }
}
