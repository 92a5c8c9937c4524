using System.Text.Json;

namespace AciTrace.Discovery;

/// <summary>Tolerant readers for Kubernetes JSON: a missing or mistyped field gives a default, never an exception.</summary>
internal static class Json
{
    public static JsonElement Prop(this JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object) return default;
        try
        {
            return e.TryGetProperty(name, out var v) ? v : default;
        }
        catch (InvalidOperationException)
        {
            // A property name with a broken escape (a lone surrogate) cannot be compared: the field is absent.
            return default;
        }
    }

    public static JsonElement Path(this JsonElement e, params string[] names)
    {
        foreach (var n in names) e = e.Prop(n);
        return e;
    }

    /// <summary>The string value, or null (not a string, or a string whose bytes are not valid UTF-8).</summary>
    public static string? Str(this JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.String) return null;
        try
        {
            return e.GetString();
        }
        catch (InvalidOperationException)
        {
            // JsonDocument over raw bytes checks UTF-8 only when a string is read.
            return null;
        }
    }

    public static int? Int(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i) ? i : null;

    public static bool Bool(this JsonElement e) => e.ValueKind == JsonValueKind.True;

    public static IEnumerable<JsonElement> Items(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : Enumerable.Empty<JsonElement>();

    public static IReadOnlyDictionary<string, string> StringMap(this JsonElement e)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.ValueKind != JsonValueKind.Object) return map;
        foreach (var p in e.EnumerateObject())
        {
            try
            {
                if (p.Value.Str() is { } value) map[p.Name] = value;
            }
            catch (InvalidOperationException)
            {
                // a property name that is not valid UTF-8: skip it, like an invalid value
            }
        }
        return map;
    }
}
