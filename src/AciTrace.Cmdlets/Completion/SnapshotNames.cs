using System.Collections.Concurrent;
using System.Text.Json;
using AciTrace.Kube;
using AciTrace.Replay.Snapshot;
using AciTrace.Snapshot;

namespace AciTrace.Commands.Completion;

/// <summary>
/// Names for tab completion after -Snapshot: read from the snapshot's Kubernetes lists (each checked against its
/// manifest, nothing extracted), kept per file version for the life of the PowerShell process.
/// </summary>
internal static class SnapshotNames
{
    private static readonly ConcurrentDictionary<(string Path, DateTime Written, KubeResource Resource), (string? ContextNamespace, IReadOnlyList<(string? Namespace, string Name)> Items)> Lists = new();

    public static IReadOnlyList<string> List(KubeListKind kind, string? ns, string snapshot)
    {
        var resource = kind switch
        {
            KubeListKind.Namespaces => KubeResource.Namespaces,
            KubeListKind.Pods => KubeResource.Pods,
            KubeListKind.Services => KubeResource.Services,
            _ => (KubeResource?)null,
        };
        if (resource is not { } r)
        {
            return [];
        }

        var (contextNamespace, items) = Lists.GetOrAdd((snapshot, File.GetLastWriteTimeUtc(snapshot), r), key => Read(key.Path, key.Resource));
        var inNamespace = r == KubeResource.Namespaces ? null : ns ?? contextNamespace ?? "default";
        return items.Where(i => inNamespace is null || i.Namespace == inNamespace).Select(i => i.Name)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private static (string?, IReadOnlyList<(string?, string)>) Read(string path, KubeResource resource)
    {
        var (manifest, bytes) = SnapshotArchive.ReadEntry(path, SnapshotLayout.KubeEntry(resource));
        using var doc = JsonDocument.Parse(bytes);
        var items = doc.RootElement.Prop("items").Items()
            .Select(i => (i.Path("metadata", "namespace").Str(), i.Path("metadata", "name").Str()))
            .Where(i => i.Item2 is not null)
            .Select(i => (i.Item1, i.Item2!))
            .ToList();
        return (manifest.ContextNamespace, items);
    }
}
