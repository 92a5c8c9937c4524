using System.Text.Json;
using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// Delegates to a real client but answers a get of a pod or service in a missing namespace the way kube-apiserver
/// does (<c>pods "x" not found</c>, mapped to PodNotFound exactly as kubectl's stderr would be); the lab API answers
/// <c>namespaces "ns" not found</c> instead. Everything else passes through unchanged.
/// </summary>
public sealed class KubeApiServerNotFoundShape(IKubeClient inner) : IKubeClient
{
    public long Execs => inner.Execs;

    public long ApiReads => inner.ApiReads;

    public event EventHandler<KubeCommandEventArgs>? CommandStarting
    {
        add => inner.CommandStarting += value;
        remove => inner.CommandStarting -= value;
    }

    public event EventHandler<KubeCommandEventArgs>? CommandCompleted
    {
        add => inner.CommandCompleted += value;
        remove => inner.CommandCompleted -= value;
    }

    public async Task<JsonDocument> GetJsonAsync(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector,
        CancellationToken cancellationToken)
    {
        try
        {
            return await inner.GetJsonAsync(resource, ns, name, labelSelector, fieldSelector, cancellationToken);
        }
        catch (AciTraceException e) when (e.ErrorId == "NamespaceNotFound" && resource is KubeResource.Pods or KubeResource.Services && name is not null)
        {
            throw new AciTraceException(resource.NotFoundErrorId(), AciErrorKind.ObjectNotFound,
                $"The {resource.DisplayName()} '{name}' was not found in namespace '{ns}'. Check the name and namespace (kubectl: Error from server (NotFound): {resource.KubectlName()} \"{name}\" not found)",
                name);
        }
    }

    public Task<ExecResult> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken) =>
        inner.ExecAsync(ns, pod, container, argv, cancellationToken);

    public Task<ExecBytesResult> ExecBytesAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken) =>
        inner.ExecBytesAsync(ns, pod, container, argv, cancellationToken);

    public Task<string?> GetContextNamespaceAsync(CancellationToken cancellationToken) => inner.GetContextNamespaceAsync(cancellationToken);
}
