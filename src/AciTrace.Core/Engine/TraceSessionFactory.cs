using AciTrace.Kube;

namespace AciTrace.Engine;

/// <summary>Creates the trace session the cmdlets use for one invocation.</summary>
public static class TraceSessionFactory
{
    /// <summary>Creates a session over the client <paramref name="selection"/> chose; the session disposes it.</summary>
    public static ITraceSession Create(TransportSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return new TraceSession(selection.Client, ownsClient: true);
    }

    /// <summary>Creates a session that reaches the cluster through kubectl with the given options.</summary>
    public static ITraceSession Create(ClusterOptions options) =>
        new TraceSession(new KubectlClient(options with { Transport = ClusterTransport.Kubectl }), ownsClient: true);

    /// <summary>Creates a session over a given client (other transports, tests); the caller keeps the client.</summary>
    public static ITraceSession Create(IKubeClient client) => new TraceSession(client);
}
