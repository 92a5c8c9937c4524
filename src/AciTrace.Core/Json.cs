using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AciTrace;

/// <summary>
/// The one home of AciTrace's JSON reading, for the two kinds of JSON it reads. Both are tolerant: a missing field,
/// a field of the wrong type or a string that is not valid UTF-8 reads as absent and never throws.
/// <list type="bullet">
/// <item>Kubernetes API objects, typed strictly (<see cref="Prop"/>, <see cref="Path"/>, <see cref="Str"/>,
/// <see cref="Int"/>, <see cref="Items"/>): a number is never read as a string.</item>
/// <item>The opflex agent's files and policy dump, read leniently (<see cref="String"/>, <see cref="Integer"/>,
/// <see cref="Strings"/>...): numbers written as text and text written as numbers are both accepted, as the agent
/// and its tools write either; and their writers, for the lab.</item>
/// </list>
/// </summary>
internal static class Json
{
    // ---- Kubernetes API objects ----

    internal static JsonElement Prop(this JsonElement e, string name)
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

    internal static JsonElement Path(this JsonElement e, params string[] names)
    {
        foreach (var n in names) e = e.Prop(n);
        return e;
    }

    /// <summary>The string value, or null (not a string, or a string whose bytes are not valid UTF-8).</summary>
    internal static string? Str(this JsonElement e)
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

    internal static int? Int(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i) ? i : null;

    internal static bool Bool(this JsonElement e) => e.ValueKind == JsonValueKind.True;

    internal static IEnumerable<JsonElement> Items(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : Enumerable.Empty<JsonElement>();

    internal static IReadOnlyDictionary<string, string> StringMap(this JsonElement e)
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

    // ---- The opflex agent's files and policy dump ----

    internal static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses a document; null with an error text when it is not JSON.</summary>
    internal static JsonDocument? TryParse(string? json, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(json))
        {
            error = "empty input";
            return null;
        }
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            error = "not valid JSON: " + ex.Message;
        }
        catch (ArgumentException ex)
        {
            error = "not valid JSON: " + ex.Message;
        }
        return null;
    }

    internal static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value);
    }

    /// <summary>A string, or a number/bool written as text.</summary>
    internal static string? String(JsonElement obj, string name) =>
        TryGet(obj, name, out var v) ? AsString(v) : null;

    internal static string? AsString(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => SafeString(v),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>
    /// The string value; an escaped lone surrogate (<c>\ud800</c>), which <see cref="JsonElement.GetString"/> refuses,
    /// yields the raw escaped text instead.
    /// </summary>
    internal static string SafeString(JsonElement v)
    {
        try
        {
            return v.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            var raw = v.GetRawText();
            return raw.Length >= 2 ? raw[1..^1] : raw;
        }
    }

    /// <summary>Runs a reader over a parsed document, turning the DOM's own refusals into an error text.</summary>
    /// <summary>
    /// Parses <paramref name="json"/> as one JSON object and reads it with <paramref name="read"/>; false with a reason
    /// (not JSON, not an object, unreadable content) instead of an exception.
    /// </summary>
    internal static bool TryReadObject<T>(string? json, string what, Func<JsonElement, T> read,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value, out string? error) where T : class
    {
        value = null;
        using var doc = TryParse(json, out error);
        if (doc is null) return false;
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"{what} must be a JSON object, not {root.ValueKind}";
            return false;
        }
        T? result = null;
        if (!Guard(() => { result = read(root); return true; }, out error)) return false;
        value = result!;
        return true;
    }

    internal static bool Guard(Func<bool> read, out string? error)
    {
        try
        {
            error = null;
            return read();
        }
        catch (InvalidOperationException ex)
        {
            error = "unreadable JSON content: " + ex.Message;
            return false;
        }
    }

    /// <summary>An integer given as a JSON number or as numeric text.</summary>
    internal static long? Integer(JsonElement obj, string name) =>
        TryGet(obj, name, out var v) ? AsInteger(v) : null;

    internal static long? AsInteger(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out var l)) return l;
            if (v.TryGetDouble(out var d) && Math.Abs(d) < 9.2e18 && Math.Floor(d) == d) return (long)d;
            return null;
        }
        if (v.ValueKind == JsonValueKind.String)
        {
            var s = SafeString(v);
            if (long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        }
        return null;
    }

    internal static int? Int32(JsonElement obj, string name)
    {
        var l = Integer(obj, name);
        return l is >= int.MinValue and <= int.MaxValue ? (int)l.Value : null;
    }

    internal static bool? Bool(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(SafeString(v), out var b) => b,
            JsonValueKind.Number when v.TryGetInt64(out var n) => n != 0,
            _ => null,
        };
    }

    /// <summary>An array of strings (non-strings skipped); a lone string reads as a one-element list.</summary>
    internal static IReadOnlyList<string> Strings(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var v)) return Array.Empty<string>();
        if (v.ValueKind == JsonValueKind.String) return new[] { SafeString(v) };
        if (v.ValueKind != JsonValueKind.Array) return Array.Empty<string>();
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
            if (AsString(item) is { } s) list.Add(s);
        return list;
    }

    internal static IEnumerable<JsonElement> Objects(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var v)) yield break;
        if (v.ValueKind == JsonValueKind.Object) { yield return v; yield break; }
        if (v.ValueKind != JsonValueKind.Array) yield break;
        foreach (var item in v.EnumerateArray())
            if (item.ValueKind == JsonValueKind.Object) yield return item;
    }

    /// <summary>A flat string map (values that are not scalars are skipped).</summary>
    internal static IReadOnlyDictionary<string, string> StringMap(JsonElement obj, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryGet(obj, name, out var v) || v.ValueKind != JsonValueKind.Object) return map;
        foreach (var p in v.EnumerateObject())
        {
            string key;
            try { key = p.Name; }
            catch (InvalidOperationException) { continue; }
            if (AsString(p.Value) is { } s) map[key] = s;
        }
        return map;
    }

    internal static string Write(Action<Utf8JsonWriter> body) => Write(body, WriterOptions);

    /// <summary>JSON that is safe inside an HTML script element: &lt;, &gt;, &amp; and quotes are escaped.</summary>
    internal static string WriteForHtml(Action<Utf8JsonWriter> body) =>
        Write(body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });

    private static string Write(Action<Utf8JsonWriter> body, JsonWriterOptions options)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, options)) body(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    internal static void StringIf(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    internal static void NumberIf(Utf8JsonWriter w, string name, long? value)
    {
        if (value is not null) w.WriteNumber(name, value.Value);
    }

    internal static void BoolIf(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is not null) w.WriteBoolean(name, value.Value);
    }

    internal static void StringsIf(Utf8JsonWriter w, string name, IReadOnlyList<string>? values, bool evenIfEmpty = false)
    {
        if (values is null || (values.Count == 0 && !evenIfEmpty)) return;
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    internal static void MapIf(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null || map.Count == 0) return;
        w.WriteStartObject(name);
        foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();
    }
}
