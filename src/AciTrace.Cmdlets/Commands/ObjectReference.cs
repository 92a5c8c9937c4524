using System.Text.RegularExpressions;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>Which Kubernetes object a reference names; decides the name rules that apply.</summary>
internal enum KubeObjectKind
{
    Pod,
    Service,
}

/// <summary>
/// A kubectl-style reference <c>namespace/name</c>, or a bare <c>name</c> (empty namespace: the engine resolves
/// the kubeconfig context's default namespace). Names are validated with Kubernetes' own rules so that a typo is
/// reported before any cluster call.
/// </summary>
internal readonly record struct ObjectReference(string Namespace, string Name)
{
    // RFC 1123 label: namespaces (and the labels of a DNS-1123 subdomain).
    private static readonly Regex Rfc1123Label = new("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant);
    // RFC 1035 label: Service names must start with a letter.
    private static readonly Regex Rfc1035Label = new("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant);

    /// <summary>Display form: <c>namespace/name</c>, or the bare name when the namespace is left to the context.</summary>
    public override string ToString() => Namespace.Length == 0 ? Name : Namespace + "/" + Name;

    /// <summary>Parses <c>namespace/name</c> or <c>name</c>; throws <see cref="AciTraceException"/> (InvalidObjectReference).</summary>
    public static ObjectReference Parse(string? text, KubeObjectKind kind, string parameterName)
    {
        var value = (text ?? "").Trim();
        var slash = value.IndexOf('/');
        if (slash < 0)
        {
            return FromParts("", value, kind, parameterName, value);
        }

        if (slash == 0)
        {
            throw Invalid(parameterName, value, kind, "the namespace before '/' is empty (leave out the '/' for the context's default namespace)");
        }

        if (value.IndexOf('/', slash + 1) >= 0)
        {
            throw Invalid(parameterName, value, kind, "use namespace/name with a single '/'");
        }

        return FromParts(value[..slash], value[(slash + 1)..], kind, parameterName, value);
    }

    /// <summary>Builds a reference from separate parts (-SourceNamespace/-SourceName style); empty namespace allowed.</summary>
    public static ObjectReference FromParts(string? ns, string? name, KubeObjectKind kind, string parameterName, string? shownAs = null)
    {
        var n = (ns ?? "").Trim();
        var nm = (name ?? "").Trim();
        var shown = shownAs ?? (n.Length == 0 ? nm : n + "/" + nm);
        if (nm.Length == 0)
        {
            throw Invalid(parameterName, shown, kind, $"the {Describe(kind)} name is empty");
        }

        if (n.Length > 0 && (n.Length > 63 || !Rfc1123Label.IsMatch(n)))
        {
            throw Invalid(parameterName, shown, kind,
                $"'{n}' is not a valid namespace (lower-case letters, digits and '-', at most 63 characters)");
        }

        if (!IsValidName(nm, kind))
        {
            throw Invalid(parameterName, shown, kind, kind == KubeObjectKind.Pod
                ? $"'{nm}' is not a valid pod name (lower-case letters, digits, '-' and '.', at most 253 characters)"
                : $"'{nm}' is not a valid service name (a lower-case letter, then letters, digits or '-', at most 63 characters)");
        }

        return new ObjectReference(n, nm);
    }

    /// <summary>True when <paramref name="name"/> follows Kubernetes' naming rule for <paramref name="kind"/>.</summary>
    public static bool IsValidName(string name, KubeObjectKind kind) => kind switch
    {
        KubeObjectKind.Service => name.Length <= 63 && Rfc1035Label.IsMatch(name),
        _ => name.Length <= 253 && name.Split('.').All(label => label.Length <= 63 && Rfc1123Label.IsMatch(label)),
    };

    /// <summary>True when <paramref name="ns"/> is a valid namespace name.</summary>
    public static bool IsValidNamespace(string ns) => ns.Length <= 63 && Rfc1123Label.IsMatch(ns);

    private static string Describe(KubeObjectKind kind) => kind == KubeObjectKind.Pod ? "pod" : "service";

    private static AciTraceException Invalid(string parameterName, string value, KubeObjectKind kind, string why) =>
        new(CmdletErrorIds.InvalidObjectReference, AciErrorKind.InvalidArgument,
            $"-{parameterName} '{value}' does not name a {Describe(kind)}: {why}. " +
            $"Write namespace/name (as kubectl prints it) or a bare name for the context's default namespace.",
            value);
}
