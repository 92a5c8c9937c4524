using System.Globalization;
using System.Text.Json;

namespace AciTrace.Aci;

/// <summary>A reference property (<c>{"subject": class, "reference_uri": uri}</c>).</summary>
public sealed record PolicyReference(string Subject, string Uri);

/// <summary>Kind of a property value in a MODB dump.</summary>
public enum PolicyValueKind
{
    Null = 0,
    String,
    Integer,
    Boolean,
    /// <summary>A number that is not a 64-bit integer (kept as raw JSON text).</summary>
    Number,
    Reference,
    Array,
    /// <summary>An object that is not a reference (kept as raw JSON text).</summary>
    Object,
}

/// <summary>The <c>data</c> of one MODB property.</summary>
public sealed class PolicyValue
{
    private PolicyValue(PolicyValueKind kind) => Kind = kind;

    public PolicyValueKind Kind { get; }
    /// <summary>String value, or raw JSON for <see cref="PolicyValueKind.Number"/> and <see cref="PolicyValueKind.Object"/>.</summary>
    public string? Text { get; private init; }
    public long? Integer { get; private init; }
    public bool? Boolean { get; private init; }
    public PolicyReference? Reference { get; private init; }
    public IReadOnlyList<PolicyValue> Items { get; private init; } = System.Array.Empty<PolicyValue>();

    public static PolicyValue Null { get; } = new(PolicyValueKind.Null);
    public static PolicyValue Of(string text) => new(PolicyValueKind.String) { Text = text };
    public static PolicyValue Of(long number) => new(PolicyValueKind.Integer) { Integer = number };
    public static PolicyValue Of(bool flag) => new(PolicyValueKind.Boolean) { Boolean = flag };
    public static PolicyValue Ref(string subject, string uri) => new(PolicyValueKind.Reference) { Reference = new PolicyReference(subject, uri) };
    public static PolicyValue Array(IEnumerable<PolicyValue> items) => new(PolicyValueKind.Array) { Items = items.ToArray() };

    /// <summary>Integer value: a JSON integer, a whole float, or numeric text (an enum printed as <c>"6 (tcp)"</c> too).</summary>
    public long? AsInteger()
    {
        switch (Kind)
        {
            case PolicyValueKind.Integer: return Integer;
            case PolicyValueKind.Boolean: return Boolean == true ? 1 : 0;
            case PolicyValueKind.Number:
                return double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Abs(d) < 9.2e18 && Math.Floor(d) == d
                    ? (long)d : null;
            case PolicyValueKind.String:
                var t = Text!.Trim();
                var space = t.IndexOf(' ');
                if (space > 0) t = t[..space];
                if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                    return long.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) ? h : null;
                return long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null;
            default: return null;
        }
    }

    /// <summary>Scalar as text (strings, integers, booleans, numbers), else null.</summary>
    public string? AsText() => Kind switch
    {
        PolicyValueKind.String or PolicyValueKind.Number => Text,
        PolicyValueKind.Integer => Integer!.Value.ToString(CultureInfo.InvariantCulture),
        PolicyValueKind.Boolean => Boolean == true ? "true" : "false",
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        PolicyValueKind.Reference => $"{Reference!.Subject} {Reference.Uri}",
        PolicyValueKind.Array => "[" + string.Join(", ", Items) + "]",
        PolicyValueKind.Null => "null",
        _ => AsText() ?? Text ?? "",
    };

    internal static PolicyValue FromJson(JsonElement e, int depth = 0)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String: return Of(Json.SafeString(e));
            case JsonValueKind.True: return Of(true);
            case JsonValueKind.False: return Of(false);
            case JsonValueKind.Number:
                return e.TryGetInt64(out var l) ? Of(l) : new PolicyValue(PolicyValueKind.Number) { Text = e.GetRawText() };
            case JsonValueKind.Array:
                return depth > 8 ? new PolicyValue(PolicyValueKind.Object) { Text = e.GetRawText() }
                    : Array(e.EnumerateArray().Select(i => FromJson(i, depth + 1)));
            case JsonValueKind.Object:
                var uri = Json.TryGet(e, "reference_uri", out var u) && u.ValueKind == JsonValueKind.String ? Json.SafeString(u) : null;
                if (uri is not null) return Ref(Json.String(e, "subject") ?? "", uri);
                return new PolicyValue(PolicyValueKind.Object) { Text = e.GetRawText() };
            default: return Null;
        }
    }

    internal void WriteTo(Utf8JsonWriter w)
    {
        switch (Kind)
        {
            case PolicyValueKind.String: w.WriteStringValue(Text); break;
            case PolicyValueKind.Integer: w.WriteNumberValue(Integer!.Value); break;
            case PolicyValueKind.Boolean: w.WriteBooleanValue(Boolean!.Value); break;
            case PolicyValueKind.Number:
            case PolicyValueKind.Object: w.WriteRawValue(Text!, skipInputValidation: false); break;
            case PolicyValueKind.Reference:
                w.WriteStartObject();
                w.WriteString("subject", Reference!.Subject);
                w.WriteString("reference_uri", Reference.Uri);
                w.WriteEndObject();
                break;
            case PolicyValueKind.Array:
                w.WriteStartArray();
                foreach (var i in Items) i.WriteTo(w);
                w.WriteEndArray();
                break;
            default: w.WriteNullValue(); break;
        }
    }
}

/// <summary>One <c>{name, data}</c> property of a MODB object.</summary>
public sealed record PolicyProperty(string Name, PolicyValue Data);

/// <summary>One managed object of a <c>gbp_inspect -t dump</c>.</summary>
public sealed class PolicyObject
{
    /// <summary>Class name, e.g. <c>GbpEpGroup</c>.</summary>
    public string Subject { get; init; } = "";
    public string Uri { get; init; } = "";
    public IReadOnlyList<PolicyProperty> Properties { get; init; } = System.Array.Empty<PolicyProperty>();
    /// <summary>URIs of the child objects.</summary>
    public IReadOnlyList<string> Children { get; init; } = System.Array.Empty<string>();
    public string? ParentSubject { get; init; }
    public string? ParentUri { get; init; }
    public string? ParentRelation { get; init; }

    /// <summary>The first property with this name (exact, then case-insensitive).</summary>
    public PolicyValue? Property(string name) =>
        (Properties.FirstOrDefault(p => p.Name == name) ??
         Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))?.Data;

    public string? String(string name) => Property(name)?.AsText();
    public long? Integer(string name) => Property(name)?.AsInteger();
    public PolicyReference? Reference(string name) => Property(name)?.Reference;

    public override string ToString() => $"{Subject},{Uri}";
}
