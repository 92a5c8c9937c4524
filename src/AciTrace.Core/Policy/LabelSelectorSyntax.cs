using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace AciTrace.Policy;

/// <summary>
/// Checks a label selector in the API server's text form before it is sent (kubectl -l): comma-separated
/// requirements <c>key</c>, <c>!key</c>, <c>key=value</c>, <c>key==value</c>, <c>key!=value</c>,
/// <c>key in (a,b)</c>, <c>key notin (a,b)</c>, <c>key&gt;N</c>, <c>key&lt;N</c>, with Kubernetes' rules for label keys and values.
/// </summary>
public static partial class LabelSelectorSyntax
{
    public static bool IsValid(string selector, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (string.IsNullOrWhiteSpace(selector))
        {
            reason = "it is empty";
            return false;
        }
        foreach (var requirement in SplitRequirements(selector))
        {
            var r = requirement.Trim();
            var m = Requirement().Match(r);
            if (!m.Success)
            {
                reason = $"'{r}' is not a requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))";
                return false;
            }
            var key = m.Groups["key"].Value;
            if (!IsKey(key))
            {
                reason = $"'{key}' is not a label key (an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";
                return false;
            }
            if (m.Groups["set"].Success && m.Groups["set"].Value.Trim().Length == 0)
            {
                reason = $"'{r}' has an empty set: in and notin need at least one value";
                return false;
            }
            var values = m.Groups["set"].Success
                ? m.Groups["set"].Value.Split(',').Select(v => v.Trim()).ToList()
                : m.Groups["value"].Success ? new List<string> { m.Groups["value"].Value.Trim() } : new List<string>();
            foreach (var v in values)
                if (!IsValue(v))
                {
                    reason = $"'{v}' is not a label value (up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";
                    return false;
                }
        }
        return true;
    }

    /// <summary>The requirements of a selector: split at the commas that are not inside an <c>in (...)</c> set.</summary>
    internal static IEnumerable<string> SplitRequirements(string selector)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }
        yield return selector[start..];
    }

    private static bool IsKey(string key)
    {
        var slash = key.IndexOf('/');
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length is 0 or > 253 || !Prefix().IsMatch(prefix)) return false;
            key = key[(slash + 1)..];
        }
        return key.Length is > 0 and <= 63 && Name().IsMatch(key);
    }

    private static bool IsValue(string value) => value.Length == 0 || (value.Length <= 63 && Name().IsMatch(value));

    [GeneratedRegex(@"^(?:!\s*(?<key>[^\s=!(),<>]+)|(?<key>[^\s=!(),<>]+)\s*(?:(?:==|=|!=)\s*(?<value>[^\s=!(),<>]*)|[<>]\s*(?<number>-?[0-9]+)|\s(?:in|notin)\s*\((?<set>[^()]*)\))?)$")]
    private static partial Regex Requirement();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$")]
    private static partial Regex Name();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")]
    private static partial Regex Prefix();
}
