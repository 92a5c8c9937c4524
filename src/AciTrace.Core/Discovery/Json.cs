using System.Text.Json;

namespace AciTrace.Discovery;

/// <summary>Tolerant readers for Kubernetes JSON: a missing or mistyped field gives a default, never an exception.</summary>
internal static class Json
{
    public static JsonElement Prop(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    public static JsonElement Path(this JsonElement e, params string[] names)
    {
        foreach (var n in names) e = e.Prop(n);
        return e;
    }

    public static string? Str(this JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    public static int? Int(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i) ? i : null;

    public static bool Bool(this JsonElement e) => e.ValueKind == JsonValueKind.True;

    public static IEnumerable<JsonElement> Items(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : Enumerable.Empty<JsonElement>();

    public static IReadOnlyDictionary<string, string> StringMap(this JsonElement e)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.ValueKind == JsonValueKind.Object)
            foreach (var p in e.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) map[p.Name] = p.Value.GetString()!;
        return map;
    }
}
