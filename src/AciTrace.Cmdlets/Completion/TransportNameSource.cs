using System.Collections.Concurrent;
using AciTrace.Commands.Transport;
using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Commands.Completion;

/// <summary>
/// The completers' name source over the transport a trace with the same parameters would use. In process, one
/// client per connection (kubeconfig, context, and the kubeconfig file's version) is kept for the life of the
/// PowerShell process, so a Tab after the first costs one API read over an open connection; with the kubectl transport each Tab runs
/// <c>kubectl get -o name</c> (<see cref="KubectlNameSource"/>).
/// </summary>
internal sealed class TransportNameSource : IKubeNameSource
{
    private static readonly ConcurrentDictionary<ClientKey, Lazy<IKubeClient?>> Clients = new();

    /// <summary>
    /// What a cached client stands for: the parameters, $KUBECONFIG, and the kubeconfig file's last write (so
    /// <c>kubectl config use-context</c> or a new token gets a new client).
    /// </summary>
    private sealed record ClientKey(KubeConnection Connection, string? KubeconfigVariable, DateTime? KubeconfigWritten)
    {
        public static ClientKey For(KubeConnection connection)
        {
            var variable = Environment.GetEnvironmentVariable("KUBECONFIG");
            var file = connection.Kubeconfig
                ?? variable?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
            return new ClientKey(connection, variable, File.Exists(file) ? File.GetLastWriteTimeUtc(file) : null);
        }
    }
    private readonly KubectlNameSource _kubectl = new();

    /// <inheritdoc />
    public IReadOnlyList<string> List(KubeListKind kind, string? ns, KubeConnection connection, TimeSpan timeout)
    {
        if (ns is not null && !ObjectReference.IsValidNamespace(ns))
        {
            return [];
        }

        if (connection.Snapshot is { } snapshot)
        {
            return Safely(() => SnapshotNames.List(kind, ns, snapshot)) ?? [];
        }

        var options = new ClusterOptions
        {
            Transport = connection.Transport,
            KubectlPath = connection.KubectlPath,
            Kubeconfig = connection.Kubeconfig,
            Context = connection.Context,
            Timeout = timeout,
        };
        ClusterTransport transport;
        try
        {
            transport = TransportRules.Choose(options, Environment.GetEnvironmentVariable(TransportRules.EnvironmentVariable)).Transport;
        }
        catch (AciTraceException)
        {
            return [];
        }

        if (transport == ClusterTransport.Kubectl)
        {
            return _kubectl.List(kind, ns, connection, timeout);
        }

        if (kind == KubeListKind.Contexts)
        {
            // The -Context being completed is a partial word, not a context to check.
            return Safely(() => KubeApiLoadContext.Factory.ContextNames(options with { Context = null })) ?? _kubectl.List(kind, ns, connection, timeout);
        }

        var key = ClientKey.For(connection);
        var entry = Clients.GetOrAdd(key, _ => new Lazy<IKubeClient?>(() => Safely(() => KubeApiLoadContext.Factory.Create(options, "completion").Client)));
        var client = entry.Value;
        foreach (var stale in Clients.Keys.Where(k => k.Connection == key.Connection && k != key).ToList())
        {
            // The kubeconfig changed: the client of its earlier version goes (with its connections).
            if (Clients.TryRemove(stale, out var old) && old.IsValueCreated)
            {
                (old.Value as IDisposable)?.Dispose();
            }
        }

        if (client is null)
        {
            // Not cached as a failure: the next Tab tries again (the cluster may be back).
            Clients.TryRemove(new KeyValuePair<ClientKey, Lazy<IKubeClient?>>(key, entry));
            return [];
        }

        if (client is KubectlClient)
        {
            // The kubeconfig needs kubectl (tokenFile, impersonation, proxy-url).
            return _kubectl.List(kind, ns, connection, timeout);
        }

        return Safely(() => Task.Run(() => ListAsync(client, kind, ns, timeout)).GetAwaiter().GetResult()) ?? [];
    }

    private static async Task<IReadOnlyList<string>> ListAsync(IKubeClient client, KubeListKind kind, string? ns, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var resource = kind switch
        {
            KubeListKind.Namespaces => KubeResource.Namespaces,
            KubeListKind.Pods => KubeResource.Pods,
            _ => KubeResource.Services,
        };
        if (resource != KubeResource.Namespaces)
        {
            ns ??= await client.GetContextNamespaceAsync(cts.Token).ConfigureAwait(false) ?? "default";
        }

        using var doc = await client.GetJsonAsync(resource, resource == KubeResource.Namespaces ? null : ns, null, null, null, cts.Token).ConfigureAwait(false);
        return doc.RootElement.Prop("items").Items()
            .Select(i => i.Path("metadata", "name").Str())
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Completion is best effort: no cluster, no permission, too slow, a broken kubeconfig -> no suggestions.</summary>
    private static T? Safely<T>(Func<T?> get) where T : class
    {
        try
        {
            return get();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }
}
