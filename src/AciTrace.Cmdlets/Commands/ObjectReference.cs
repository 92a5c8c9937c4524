using AciTrace.Engine;
using AciTrace.Packets;

namespace AciTrace.Commands;

/// <summary>Which Kubernetes object a reference names; decides the name rules that apply.</summary>
internal enum KubeObjectKind
{
    Pod,
    Service,
}

/// <summary>
/// A kubectl-style reference <c>namespace/name</c>, or a bare <c>name</c> (empty namespace: the engine resolves
/// the kubeconfig context's default namespace). The shape is checked here (InvalidObjectReference) and the names with
/// Kubernetes' own rules from AciTrace.Core (InvalidKubernetesName), so that a typo is reported before any cluster call.
/// </summary>
internal readonly record struct ObjectReference(string Namespace, string Name)
{
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

        // Kubernetes' naming rules live in AciTrace.Core (one place for the cmdlets and the engine).
        if (n.Length > 0 && !InputValidation.IsValidKubernetesName(n, KubernetesNameKind.Namespace, out var nsReason))
        {
            throw BadName(parameterName, shown, $"namespace '{n}' {nsReason}");
        }

        if (!InputValidation.IsValidKubernetesName(nm, CoreKind(kind), out var nameReason))
        {
            throw BadName(parameterName, shown, $"{Describe(kind)} name '{nm}' {nameReason}");
        }

        return new ObjectReference(n, nm);
    }

    /// <summary>True when <paramref name="ns"/> is a valid namespace name.</summary>
    public static bool IsValidNamespace(string ns) => InputValidation.IsValidKubernetesName(ns, KubernetesNameKind.Namespace, out _);

    private static KubernetesNameKind CoreKind(KubeObjectKind kind) =>
        kind == KubeObjectKind.Service ? KubernetesNameKind.Service : KubernetesNameKind.Pod;

    private static string Describe(KubeObjectKind kind) => kind == KubeObjectKind.Pod ? "pod" : "service";

    private static AciTraceException BadName(string parameterName, string value, string why) =>
        new(ErrorIds.InvalidKubernetesName, AciErrorKind.InvalidArgument,
            $"-{parameterName} '{value}': {why}. Names are written as Kubernetes stores them (lower case).", value);

    private static AciTraceException Invalid(string parameterName, string value, KubeObjectKind kind, string why) =>
        new(ErrorIds.InvalidObjectReference, AciErrorKind.InvalidArgument,
            $"-{parameterName} '{value}' does not name a {Describe(kind)}: {why}. " +
            $"Write namespace/name (as kubectl prints it) or a bare name for the context's default namespace.",
            value);
}
