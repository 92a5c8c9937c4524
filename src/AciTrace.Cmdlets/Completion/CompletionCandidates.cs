namespace AciTrace.Commands.Completion;

/// <summary>What a completer proposes.</summary>
internal enum CompletionTarget
{
    Pod,
    Service,
    Namespace,
    Context,
}

/// <summary>One proposal: the text inserted, the text listed, and a tooltip.</summary>
internal sealed record CompletionCandidate(string Text, string ListItem, string ToolTip);

/// <summary>
/// The completion rules, free of PowerShell types so they are unit-tested: a <c>namespace/</c> prefix typed so far
/// selects the namespace (for -Source/-Destination), -SourceNamespace/-DestinationNamespace do so for the *Name
/// parameters, and without either the context's default namespace is listed together with <c>namespace/</c> stems.
/// </summary>
internal static class CompletionCandidates
{
    /// <summary>Computes proposals for <paramref name="word"/>; <paramref name="list"/> is the name source.</summary>
    public static IReadOnlyList<CompletionCandidate> For(CompletionTarget target, string parameterName, string word,
        IReadOnlyDictionary<string, string> bound, Func<KubeListKind, string?, IReadOnlyList<string>> list)
    {
        switch (target)
        {
            case CompletionTarget.Context:
                return Matching(list(KubeListKind.Contexts, null), word).Select(n => new CompletionCandidate(n, n, "context " + n)).ToArray();
            case CompletionTarget.Namespace:
                return Matching(list(KubeListKind.Namespaces, null), word).Select(n => new CompletionCandidate(n, n, "namespace " + n)).ToArray();
        }

        var objectKind = target == CompletionTarget.Pod ? KubeListKind.Pods : KubeListKind.Services;
        var noun = target == CompletionTarget.Pod ? "pod" : "service";

        // -SourceName / -DestinationName: bare names in the namespace given by the matching *Namespace parameter.
        if (parameterName.EndsWith("Name", StringComparison.OrdinalIgnoreCase))
        {
            var nsParameter = parameterName[..^"Name".Length] + "Namespace";
            var ns = bound.GetValueOrDefault(nsParameter);
            return Matching(list(objectKind, ns), word)
                .Select(n => new CompletionCandidate(n, n, $"{noun} {(ns is null ? n : ns + "/" + n)}")).ToArray();
        }

        // -Source / -Destination: namespace/name.
        var slash = word.IndexOf('/');
        if (slash >= 0)
        {
            var ns = word[..slash];
            return Matching(list(objectKind, ns), word[(slash + 1)..])
                .Select(n => new CompletionCandidate(ns + "/" + n, n, $"{noun} {ns}/{n}")).ToArray();
        }

        var inDefault = Matching(list(objectKind, null), word)
            .Select(n => new CompletionCandidate(n, n, $"{noun} {n} (context's default namespace)"));
        var stems = Matching(list(KubeListKind.Namespaces, null), word)
            .Select(n => new CompletionCandidate(n + "/", n + "/", $"namespace {n}"));
        return inDefault.Concat(stems).ToArray();
    }

    private static IEnumerable<string> Matching(IEnumerable<string> names, string prefix) =>
        names.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
