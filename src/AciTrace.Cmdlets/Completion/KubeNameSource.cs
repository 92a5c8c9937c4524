using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Commands.Completion;

/// <summary>What the completers list.</summary>
internal enum KubeListKind
{
    Namespaces,
    Pods,
    Services,
    Contexts,
}

/// <summary>How the completers reach the cluster: the -Transport/-Context/-Kubeconfig/-KubectlPath (or -Snapshot) typed so far.</summary>
internal sealed record KubeConnection(string? KubectlPath, string? Kubeconfig, string? Context, ClusterTransport? Transport = null, string? Snapshot = null);

/// <summary>
/// Lists object names for tab completion. Completion needs what <see cref="IKubeClient"/> does not offer (the
/// context's default namespace without -n/-A, and kubeconfig contexts) and must stay cheap (<c>-o name</c>), so it
/// keeps this small source, sharing kubectl discovery with the engine (<see cref="KubectlLocator"/>).
/// </summary>
internal interface IKubeNameSource
{
    /// <summary>Names of <paramref name="kind"/> (in <paramref name="ns"/>, or the context's namespace when null); empty on any failure.</summary>
    IReadOnlyList<string> List(KubeListKind kind, string? ns, KubeConnection connection, TimeSpan timeout);
}

/// <summary>Runs <c>kubectl get ... -o name</c> (argv only, never a shell) with a hard timeout.</summary>
internal sealed class KubectlNameSource : IKubeNameSource
{
    /// <summary>Name lists are small; anything larger is not a kubectl name list.</summary>
    private const long MaxOutputBytes = 16L * 1024 * 1024;

    /// <summary>The kubectl (or oc) to run, found as the engine finds it: -KubectlPath, $ACITRACE_KUBECTL, kubectl or oc on PATH.</summary>
    public static string ResolveKubectl(KubeConnection connection) => KubectlLocator.Locate(connection.KubectlPath);

    /// <summary>The argv (after the executable) that lists <paramref name="kind"/>.</summary>
    public static IReadOnlyList<string> Arguments(KubeListKind kind, string? ns, KubeConnection connection)
    {
        var args = new List<string>();
        if (!string.IsNullOrWhiteSpace(connection.Kubeconfig))
        {
            args.Add("--kubeconfig=" + connection.Kubeconfig);
        }

        if (!string.IsNullOrWhiteSpace(connection.Context))
        {
            args.Add("--context=" + connection.Context);
        }

        switch (kind)
        {
            case KubeListKind.Contexts:
                args.AddRange(["config", "get-contexts", "-o", "name"]);
                return args;
            case KubeListKind.Namespaces:
                args.AddRange(["get", "namespaces", "-o", "name"]);
                return args;
            default:
                args.AddRange(["get", kind == KubeListKind.Pods ? "pods" : "services", "-o", "name"]);
                if (!string.IsNullOrEmpty(ns))
                {
                    args.Add("--namespace=" + ns);
                }

                return args;
        }
    }

    /// <summary>Names from <c>-o name</c> output (<c>pod/x</c> lines; contexts have no prefix).</summary>
    public static IReadOnlyList<string> ParseNames(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line[(line.IndexOf('/') + 1)..])
            .Where(name => name.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <inheritdoc />
    public IReadOnlyList<string> List(KubeListKind kind, string? ns, KubeConnection connection, TimeSpan timeout)
    {
        if (ns is not null && !ObjectReference.IsValidNamespace(ns))
        {
            return [];
        }

        string kubectl;
        try
        {
            kubectl = ResolveKubectl(connection);
        }
        catch (AciTraceException)
        {
            return [];
        }

        try
        {
            // The completer is synchronous; run the shared process runner off the pipeline thread.
            var args = Arguments(kind, ns, connection).ToList();
            var outcome = Task.Run(() => ProcessRunner.RunAsync(kubectl, args, timeout, MaxOutputBytes, CancellationToken.None))
                .GetAwaiter().GetResult();
            return outcome.ExitCode == 0 ? ParseNames(System.Text.Encoding.UTF8.GetString(outcome.Stdout)) : [];
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or ProcessStoppedException or InvalidOperationException or IOException)
        {
            // Completion is best effort: no kubectl, no cluster, no permission, too slow -> no suggestions.
            return [];
        }
    }
}
