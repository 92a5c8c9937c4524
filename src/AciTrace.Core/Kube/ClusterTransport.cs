using AciTrace.Engine;

namespace AciTrace.Kube;

/// <summary>How AciTrace talks to the Kubernetes API server.</summary>
public enum ClusterTransport
{
    /// <summary>In process, through the KubernetesClient library: one connection pool and one credential per session.</summary>
    KubernetesClient = 0,

    /// <summary>One kubectl (or oc) process per call.</summary>
    Kubectl,
}

/// <summary>The client a session uses, and why that transport was chosen (for -Verbose).</summary>
public sealed record TransportSelection(IKubeClient Client, ClusterTransport Transport, string Reason);

/// <summary>Creates the in-process client; implemented by the isolated KubernetesClient transport assembly.</summary>
public interface IKubeClientFactory
{
    /// <summary>
    /// The in-process client for <paramref name="options"/>, or the kubectl client when the kubeconfig uses what the
    /// in-process transport does not honour (the selection's reason says which setting).
    /// <paramref name="chosenBecause"/> is why the in-process transport was asked for.
    /// </summary>
    TransportSelection Create(ClusterOptions options, string chosenBecause);

    /// <summary>
    /// The context names of the options' kubeconfig (tab completion of -Context; no cluster call), or null when
    /// only kubectl reads this kubeconfig faithfully (several $KUBECONFIG files).
    /// </summary>
    IReadOnlyList<string>? ContextNames(ClusterOptions options);
}

/// <summary>The one home of the rule that picks a transport before the kubeconfig is read.</summary>
public static class TransportRules
{
    /// <summary>Environment variable naming the transport when -Transport is not given.</summary>
    public const string EnvironmentVariable = "ACITRACE_TRANSPORT";

    /// <summary>
    /// The transport asked for: the option, else $ACITRACE_TRANSPORT, else kubectl when a kubectl path was given,
    /// else KubernetesClient. A $ACITRACE_TRANSPORT that names no transport is an error, never ignored.
    /// </summary>
    public static (ClusterTransport Transport, string Reason) Choose(ClusterOptions options, string? environmentValue)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Transport is { } explicitTransport)
        {
            if (!Enum.IsDefined(explicitTransport))
                throw new AciTraceException(ErrorIds.InvalidTransport, AciErrorKind.InvalidArgument, $"Unknown transport {explicitTransport}.", explicitTransport);
            return (explicitTransport, $"transport {explicitTransport} was asked for (-Transport)");
        }
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            // By name only: Enum.TryParse would also take numbers and comma-joined names.
            string? name = Enum.GetNames<ClusterTransport>().FirstOrDefault(n => n.Equals(environmentValue.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                throw new AciTraceException(ErrorIds.InvalidTransport, AciErrorKind.InvalidArgument,
                    $"${EnvironmentVariable} is '{environmentValue}', which is not a transport; set it to {string.Join(" or ", Enum.GetNames<ClusterTransport>())}, or remove it.",
                    environmentValue);
            }
            return (Enum.Parse<ClusterTransport>(name), $"transport {name} was asked for (${EnvironmentVariable})");
        }
        if (!string.IsNullOrEmpty(options.KubectlPath))
            return (ClusterTransport.Kubectl, "transport Kubectl, because -KubectlPath was given");
        return (ClusterTransport.KubernetesClient, "transport KubernetesClient (the default)");
    }

    /// <summary>
    /// The client for <paramref name="options"/>: kubectl when chosen, else the in-process factory's choice. The
    /// factory is only asked for (and its assemblies only loaded) when the in-process transport is wanted.
    /// </summary>
    public static TransportSelection Select(ClusterOptions options, Func<IKubeClientFactory> inProcess)
    {
        ArgumentNullException.ThrowIfNull(inProcess);
        var (transport, reason) = Choose(options, Environment.GetEnvironmentVariable(EnvironmentVariable));
        return transport == ClusterTransport.Kubectl
            ? new TransportSelection(new KubectlClient(options), transport, reason)
            : inProcess().Create(options, reason);
    }
}
