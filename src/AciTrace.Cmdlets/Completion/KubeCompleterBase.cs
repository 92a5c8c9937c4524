using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AciTrace.Commands.Completion;

/// <summary>
/// Shared part of the cluster-backed completers: reads -Transport/-Context/-Kubeconfig/-KubectlPath from the
/// parameters typed so far, asks the name source with a 2 s timeout, and never fails (no suggestions instead).
/// </summary>
public abstract class KubeCompleterBase : IArgumentCompleter
{
    /// <summary>Upper bound of one cluster call made for tab completion.</summary>
    internal static readonly TimeSpan CompletionTimeout = TimeSpan.FromSeconds(2);

    private readonly IKubeNameSource _source;

    private protected KubeCompleterBase(IKubeNameSource source) => _source = source;

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var bound = BoundText(fakeBoundParameters);
            var connection = new KubeConnection(
                bound.GetValueOrDefault("KubectlPath"),
                ResolveAgainstLocation(bound.GetValueOrDefault("Kubeconfig")),
                bound.GetValueOrDefault("Context"),
                Enum.TryParse<AciTrace.Kube.ClusterTransport>(bound.GetValueOrDefault("Transport"), ignoreCase: true, out var transport) ? transport : null,
                ResolveAgainstLocation(bound.GetValueOrDefault("Snapshot")));
            var word = Unquote(wordToComplete ?? "");
            var candidates = CompletionCandidates.For(Kind, parameterName, word, bound,
                (kind, ns) => _source.List(kind, ns, connection, CompletionTimeout));
            return candidates.Select(c => new CompletionResult(c.Text, c.ListItem, CompletionResultType.ParameterValue, c.ToolTip)).ToArray();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];
        }
    }

    /// <summary>What this completer proposes.</summary>
    private protected abstract CompletionTarget Kind { get; }

    private static Dictionary<string, string> BoundText(IDictionary? fakeBoundParameters)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (fakeBoundParameters is null)
        {
            return result;
        }

        foreach (DictionaryEntry entry in fakeBoundParameters)
        {
            var value = entry.Value is PSObject p ? p.BaseObject : entry.Value;
            if (entry.Key is string key && value is string text && text.Length > 0)
            {
                result[key] = text;
            }
        }

        return result;
    }

    // kubectl resolves a relative path against the process directory, which pwsh does not keep in step with $PWD.
    private static string? ResolveAgainstLocation(string? path)
    {
        if (string.IsNullOrEmpty(path) || Path.IsPathRooted(path))
        {
            return path;
        }

        // ~ is PowerShell's (and the shell's) home folder; kubectl would take it as a folder named "~".
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            return Path.GetFullPath(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : ""));
        }

        try
        {
            // Completers run on the pipeline thread while TabExpansion2 runs: ask the running session for its location.
            var location = ScriptBlock.Create("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke()
                .Select(o => o?.BaseObject as string).FirstOrDefault(l => !string.IsNullOrEmpty(l));
            return location is null ? path : Path.GetFullPath(Path.Combine(location, path));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return path;
        }
    }

    private static string Unquote(string word) =>
        word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word.Trim(word[0]) : word;
}

/// <summary>Completes pod names, <c>namespace/pod</c> for -Source/-Destination, bare names for -SourceName/-DestinationName.</summary>
public sealed class PodCompleter : KubeCompleterBase
{
    /// <summary>Creates the completer PowerShell instantiates from [ArgumentCompleter].</summary>
    public PodCompleter() : base(new TransportNameSource())
    {
    }

    internal PodCompleter(IKubeNameSource source) : base(source)
    {
    }

    private protected override CompletionTarget Kind => CompletionTarget.Pod;
}

/// <summary>Completes Service names (same rules as <see cref="PodCompleter"/>).</summary>
public sealed class ServiceCompleter : KubeCompleterBase
{
    /// <summary>Creates the completer PowerShell instantiates from [ArgumentCompleter].</summary>
    public ServiceCompleter() : base(new TransportNameSource())
    {
    }

    internal ServiceCompleter(IKubeNameSource source) : base(source)
    {
    }

    private protected override CompletionTarget Kind => CompletionTarget.Service;
}

/// <summary>Completes namespace names.</summary>
public sealed class NamespaceCompleter : KubeCompleterBase
{
    /// <summary>Creates the completer PowerShell instantiates from [ArgumentCompleter].</summary>
    public NamespaceCompleter() : base(new TransportNameSource())
    {
    }

    internal NamespaceCompleter(IKubeNameSource source) : base(source)
    {
    }

    private protected override CompletionTarget Kind => CompletionTarget.Namespace;
}

/// <summary>Completes kubeconfig context names.</summary>
public sealed class ContextCompleter : KubeCompleterBase
{
    /// <summary>Creates the completer PowerShell instantiates from [ArgumentCompleter].</summary>
    public ContextCompleter() : base(new TransportNameSource())
    {
    }

    internal ContextCompleter(IKubeNameSource source) : base(source)
    {
    }

    private protected override CompletionTarget Kind => CompletionTarget.Context;
}
