using System.Text.Json;
using AciTrace.Discovery;

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
        // The tolerant readers of Discovery.Json: a value that is not valid text is absent, never an exception.
        var labels = element.Prop("matchLabels").StringMap();
        var reqs = element.Prop("matchExpressions").Items()
            .Where(e => e.ValueKind == JsonValueKind.Object)
            .Select(e => (e.Prop("key").Str() ?? "", e.Prop("operator").Str() ?? "",
                (IReadOnlyList<string>?)e.Prop("values").Items().Select(x => x.Str()).OfType<string>().ToList()))
            .ToList();
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
