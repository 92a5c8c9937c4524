using YamlDotNet.RepresentationModel;

namespace AciTrace.Lab.Api;

/// <summary>
/// Kubernetes RBAC rules read from Role and ClusterRole documents (the format of <c>kubectl apply -f</c>), enforced
/// for the lab's viewer user: a request is allowed when one rule matches its API group, resource (with
/// subresource, <c>pods/exec</c>) and verb, a ClusterRole's rules in every namespace and at cluster scope, a Role's
/// in its own namespace only. No aggregation, resourceNames or nonResourceURLs (the lab serves none of them).
/// </summary>
public sealed class LabRbacRole
{
    private readonly IReadOnlyList<Rule> _rules;

    private LabRbacRole(IReadOnlyList<Rule> rules) => _rules = rules;

    /// <summary>One rule, with the namespace of its Role (null: a ClusterRole's).</summary>
    private sealed record Rule(string? Namespace, IReadOnlySet<string> ApiGroups, IReadOnlySet<string> Resources, IReadOnlySet<string> Verbs);

    /// <summary>Number of rules read.</summary>
    public int Count => _rules.Count;

    /// <summary>Reads every Role and ClusterRole of a YAML file (other kinds are ignored); throws <see cref="FormatException"/>.</summary>
    public static LabRbacRole Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads every Role and ClusterRole of a YAML text.</summary>
    public static LabRbacRole Parse(string yaml, string source = "the role")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"{source} is not valid YAML: {e.Message}", e);
        }

        var rules = new List<Rule>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                continue;
            }

            var kind = Scalar(root, "kind");
            if (kind is not ("Role" or "ClusterRole"))
            {
                continue;
            }

            string? ns = null;
            if (kind == "Role")
            {
                ns = root.Children.TryGetValue(new YamlScalarNode("metadata"), out var meta) && meta is YamlMappingNode m ? Scalar(m, "namespace") : null;
                if (string.IsNullOrEmpty(ns))
                {
                    throw new FormatException($"{source}: a Role needs metadata.namespace");
                }
            }

            if (!root.Children.TryGetValue(new YamlScalarNode("rules"), out var list) || list is not YamlSequenceNode sequence)
            {
                continue;
            }

            foreach (var item in sequence.OfType<YamlMappingNode>())
            {
                rules.Add(new Rule(ns, Set(item, "apiGroups"), Set(item, "resources"), Set(item, "verbs")));
            }
        }

        return new LabRbacRole(rules);
    }

    /// <summary>True when a rule lets the user <paramref name="verb"/> the resource in <paramref name="ns"/> (null: cluster scope).</summary>
    public bool Allows(string verb, string apiGroup, string resource, string? ns) =>
        _rules.Any(r => (r.Namespace is null || r.Namespace == ns)
                        && Matches(r.ApiGroups, apiGroup) && Matches(r.Resources, resource) && Matches(r.Verbs, verb));

    private static bool Matches(IReadOnlySet<string> allowed, string value) => allowed.Contains("*") || allowed.Contains(value);

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    private static HashSet<string> Set(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode s
            ? s.OfType<YamlScalarNode>().Select(v => v.Value ?? "").ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
}
