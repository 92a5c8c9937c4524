using System.Text.Json;

namespace AciTrace.Snapshot;

/// <summary>How a manifest is written and read.</summary>
public static class SnapshotJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
