namespace AciTrace.Replay.Kube;

/// <summary>A parsed Kubernetes label selector (<c>a=b, c!=d, e in (f,g), h notin (i), j, !k, l&gt;3</c>).</summary>
public sealed class KubeLabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private KubeLabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    /// <summary>Selects everything.</summary>
    public static KubeLabelSelector Everything { get; } = new([]);

    /// <summary>Parses a selector; returns false with a Kubernetes-style message when it is malformed.</summary>
    public static bool TryParse(string? text, out KubeLabelSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        var reqs = new List<Requirement>();
        foreach (string raw in AciTrace.Policy.LabelSelectorSyntax.SplitRequirements(text))
        {
            string part = raw.Trim();
            if (!TryParseRequirement(part, out Requirement? req))
            {
                error = $"unable to parse requirement: found '{part}', expected: identifier, '!', 'in', 'notin', '=', '==', '!=', '<', '>'";
                return false;
            }
            reqs.Add(req!);
        }
        selector = new KubeLabelSelector(reqs);
        return true;
    }

    /// <summary>Whether the labels satisfy every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        foreach (Requirement r in _requirements)
        {
            string? value = labels is not null && labels.TryGetValue(r.Key, out string? v) ? v : null;
            bool ok = r.Op switch
            {
                "exists" => value is not null,
                "!" => value is null,
                "=" or "in" => value is not null && r.Values.Contains(value),
                "!=" or "notin" => value is null || !r.Values.Contains(value),
                ">" => value is not null && long.TryParse(value, out long a) && a > long.Parse(r.Values[0]),
                "<" => value is not null && long.TryParse(value, out long b) && b < long.Parse(r.Values[0]),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private sealed record Requirement(string Key, string Op, IReadOnlyList<string> Values);

    private static bool TryParseRequirement(string part, out Requirement? req)
    {
        req = null;
        if (part.Length == 0) return false;
        if (part[0] == '!')
        {
            string key = part[1..].Trim();
            if (!IsKey(key)) return false;
            req = new Requirement(key, "!", []);
            return true;
        }
        foreach (string op in new[] { "==", "!=", "=", ">", "<" })
        {
            int at = part.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0) continue;
            string key = part[..at].Trim(), value = part[(at + op.Length)..].Trim();
            if (!IsKey(key) || !IsValue(value)) return false;
            if (op is ">" or "<" && !long.TryParse(value, out _)) return false;
            req = new Requirement(key, op == "==" ? "=" : op, [value]);
            return true;
        }
        string[] words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 1)
        {
            if (!IsKey(words[0])) return false;
            req = new Requirement(words[0], "exists", []);
            return true;
        }
        string rest = words[1];
        string? setOp = rest.StartsWith("notin", StringComparison.Ordinal) ? "notin" : rest.StartsWith("in", StringComparison.Ordinal) ? "in" : null;
        if (setOp is null || !IsKey(words[0])) return false;
        string list = rest[setOp.Length..].Trim();
        if (list.Length < 2 || list[0] != '(' || list[^1] != ')') return false;
        List<string> values = [.. list[1..^1].Split(',').Select(v => v.Trim())];
        if (values.Any(v => !IsValue(v))) return false;
        req = new Requirement(words[0], setOp, values);
        return true;
    }

    private static bool IsKey(string key) =>
        key.Length is > 0 and <= 317 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' || c is '_' || c is '.' || c is '/');

    private static bool IsValue(string value) =>
        value.Length <= 63 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' || c is '_' || c is '.');
}

/// <summary>A parsed field selector (<c>a=b, c==d, e!=f</c>) over the fields a resource supports.</summary>
public sealed class KubeFieldSelector
{
    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> _terms;

    private KubeFieldSelector(IReadOnlyList<(string, bool, string)> terms) => _terms = terms;

    /// <summary>Selects everything.</summary>
    public static KubeFieldSelector Everything { get; } = new([]);

    /// <summary>The fields used by this selector.</summary>
    public IEnumerable<string> Fields => _terms.Select(t => t.Field);

    /// <summary>Parses a field selector; returns false with a message when it is malformed.</summary>
    public static bool TryParse(string? text, out KubeFieldSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        var terms = new List<(string, bool, string)>();
        foreach (string raw in text.Split(','))
        {
            string part = raw.Trim();
            int at;
            if ((at = part.IndexOf("!=", StringComparison.Ordinal)) > 0) terms.Add((part[..at].Trim(), false, part[(at + 2)..].Trim()));
            else if ((at = part.IndexOf("==", StringComparison.Ordinal)) > 0) terms.Add((part[..at].Trim(), true, part[(at + 2)..].Trim()));
            else if ((at = part.IndexOf('=')) > 0) terms.Add((part[..at].Trim(), true, part[(at + 1)..].Trim()));
            else
            {
                error = $"invalid selector: '{text}'; can't understand '{part}'";
                return false;
            }
        }
        selector = new KubeFieldSelector(terms);
        return true;
    }

    /// <summary>Whether the object's fields satisfy every term; <paramref name="fields"/> gives a field's value.</summary>
    public bool Matches(Func<string, string?> fields) =>
        _terms.All(t => (fields(t.Field) ?? "") == t.Value == t.Equal);
}
