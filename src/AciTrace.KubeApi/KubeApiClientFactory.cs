using AciTrace.Engine;

namespace AciTrace.Kube.Api;

/// <summary>
/// The in-process transport's entry point (created by the cmdlets inside their private load context): the
/// KubernetesClient client, or kubectl when the kubeconfig uses what the library would silently get wrong.
/// </summary>
public sealed class KubeApiClientFactory : IKubeClientFactory
{
    public TransportSelection Create(ClusterOptions options, string chosenBecause)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = KubeconfigSource.Find(options);
        if (source.UnsupportedReason is { } why)
        {
            return new TransportSelection(new KubectlClient(options), ClusterTransport.Kubectl,
                $"transport Kubectl instead of KubernetesClient, because {why}");
        }
        var client = new KubeApiClient(source.BuildConfiguration(options.Context), options.Timeout);
        return new TransportSelection(client, ClusterTransport.KubernetesClient, $"{chosenBecause}; API server {client.Server}");
    }

    public IReadOnlyList<string>? ContextNames(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = KubeconfigSource.Find(options);
        if (source.Path is null) return source.UnsupportedReason is null ? [] : null;
        var config = k8s.KubernetesClientConfiguration.LoadKubeConfig(source.Path);
        return (config.Contexts ?? []).Select(c => c.Name).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }
}
