using System.Text.Json;

namespace AciTrace.Policy;

/// <summary>A Kubernetes label selector (matchLabels + matchExpressions) evaluated against a label set.</summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyDictionary<string, string> _matchLabels;
    private readonly IReadOnlyList<Requirement> _expressions;

    private LabelSelector(IReadOnlyDictionary<string, string> matchLabels, IReadOnlyList<Requirement> expressions)
    {
        _matchLabels = matchLabels;
        _expressions = expressions;
    }

    /// <summary>The empty selector: selects everything.</summary>
    public static LabelSelector Everything { get; } = new(new Dictionary<string, string>(), Array.Empty<Requirement>());

    /// <summary>True when the selector has no requirement (selects everything).</summary>
    public bool IsEmpty => _matchLabels.Count == 0 && _expressions.Count == 0;

    /// <summary>The label keys the selector looks at.</summary>
    public IReadOnlySet<string> Keys => _matchLabels.Keys.Concat(_expressions.Select(e => e.Key)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads a selector object; a missing/null element means "everything". Unknown operators never match.</summary>
    public static LabelSelector FromJson(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return Everything;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("matchLabels", out var ml) && ml.ValueKind == JsonValueKind.Object)
            foreach (var p in ml.EnumerateObject())
                labels[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.ToString();
        var reqs = new List<(string, string, IReadOnlyList<string>?)>();
        if (element.TryGetProperty("matchExpressions", out var me) && me.ValueKind == JsonValueKind.Array)
            foreach (var e in me.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) continue;
                var key = e.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
                var op = e.TryGetProperty("operator", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "";
                var values = new List<string>();
                if (e.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Array)
                    values.AddRange(v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
                reqs.Add((key, op, values));
            }
        return FromParts(labels, reqs);
    }

    /// <summary>A selector from matchLabels and matchExpressions (key, operator, values) of any source model.</summary>
    public static LabelSelector FromParts(IReadOnlyDictionary<string, string>? matchLabels,
        IEnumerable<(string Key, string Operator, IReadOnlyList<string>? Values)>? expressions) =>
        new(new Dictionary<string, string>(matchLabels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            (expressions ?? []).Select(e => new Requirement(e.Key, e.Operator, e.Values ?? Array.Empty<string>())).ToList());

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in _matchLabels)
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        foreach (var r in _expressions)
            if (!r.Matches(labels)) return false;
        return true;
    }

    public override string ToString()
    {
        var parts = _matchLabels.Select(kv => $"{kv.Key}={kv.Value}")
            .Concat(_expressions.Select(r => r.ToString()));
        var text = string.Join(",", parts);
        return text.Length == 0 ? "(all)" : text;
    }

    private sealed record Requirement(string Key, string Operator, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var v);
            return Operator switch
            {
                "In" => has && Values.Contains(v!),
                "NotIn" => !has || !Values.Contains(v!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
        }

        public override string ToString() => Operator switch
        {
            "Exists" => Key,
            "DoesNotExist" => "!" + Key,
            _ => $"{Key} {Operator.ToLowerInvariant()} ({string.Join(",", Values)})",
        };
    }
}
