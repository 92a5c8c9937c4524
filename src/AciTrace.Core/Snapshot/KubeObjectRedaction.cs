using System.Text.Json.Nodes;
using AciTrace.Kube;

namespace AciTrace.Snapshot;

/// <summary>
/// What a snapshot keeps of a Kubernetes object: what the tracer reads, never what may hold a secret. Every object
/// loses its managed fields and the <c>last-applied-configuration</c> annotation (a copy of the whole applied spec);
/// a pod's containers keep only their names and ports (no env, command, args or image pull secrets) and it loses its
/// volumes; a node loses its image list. Secrets themselves are never read.
/// </summary>
public static class KubeObjectRedaction
{
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private static readonly string[] ContainerLists = ["containers", "initContainers", "ephemeralContainers"];
    private static readonly string[] ContainerFieldsKept = ["name", "ports"];

    public static void Redact(KubeResource resource, JsonObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
            if (metadata["annotations"] is JsonObject annotations) annotations.Remove(LastAppliedAnnotation);
        }
        switch (resource)
        {
            case KubeResource.Pods when item["spec"] is JsonObject spec:
                spec.Remove("volumes");
                spec.Remove("imagePullSecrets");
                foreach (var list in ContainerLists)
                {
                    if (spec[list] is not JsonArray containers) continue;
                    foreach (var container in containers.OfType<JsonObject>())
                        foreach (var field in container.Select(p => p.Key).Where(k => !ContainerFieldsKept.Contains(k)).ToList())
                            container.Remove(field);
                }
                break;
            case KubeResource.Nodes when item["status"] is JsonObject status:
                status.Remove("images");
                break;
        }
    }
}
