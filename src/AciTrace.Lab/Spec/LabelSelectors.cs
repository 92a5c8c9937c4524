namespace AciTrace.Lab.Spec;

/// <summary>Kubernetes label-selector semantics.</summary>
public static class LabelSelectors
{
    /// <summary>True when labels satisfy the selector; an empty selector matches everything.</summary>
    public static bool Matches(LabelSelectorSpec? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is null || AciTrace.Policy.LabelSelector.FromParts(selector.MatchLabels,
            selector.MatchExpressions?.Select(e => (e.Key, e.Operator, (IReadOnlyList<string>?)e.Values))).Matches(labels);

    /// <summary>Validates operators; returns an error text or null.</summary>
    public static string? Validate(LabelSelectorSpec? selector)
    {
        foreach (var e in selector?.MatchExpressions ?? [])
        {
            if (e.Operator is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
                return $"matchExpressions operator '{e.Operator}' is not In, NotIn, Exists or DoesNotExist";
            if (e.Operator is "In" or "NotIn" && (e.Values is null || e.Values.Count == 0))
                return $"matchExpressions '{e.Key}' {e.Operator} needs values";
            if (e.Operator is "Exists" or "DoesNotExist" && e.Values is { Count: > 0 })
                return $"matchExpressions '{e.Key}' {e.Operator} must not have values";
        }
        return null;
    }
}
