using AciTrace.Kube;

namespace AciTrace.Engine;

/// <summary>Creates the trace session the cmdlets use for one invocation.</summary>
public static class TraceSessionFactory
{
    /// <summary>Creates a session over the client <paramref name="selection"/> chose; the session disposes it.</summary>
    /// <param name="selection">The transport chosen.</param>
    /// <param name="batchLegs">Run the legs of traces in flight together, one exec per node and wave (many pairs at once).</param>
    public static ITraceSession Create(TransportSelection selection, bool batchLegs = false)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return new TraceSession(selection.Client, ownsClient: true, batchLegs);
    }

    /// <summary>Creates a session that reaches the cluster through kubectl with the given options.</summary>
    public static ITraceSession Create(ClusterOptions options) =>
        new TraceSession(new KubectlClient(options with { Transport = ClusterTransport.Kubectl }), ownsClient: true);

    /// <summary>Creates a session over a given client (other transports, tests); the caller keeps the client.</summary>
    public static ITraceSession Create(IKubeClient client, bool batchLegs = false) => new TraceSession(client, batchLegs: batchLegs);

    /// <summary>Creates a session that owns <paramref name="client"/> (a snapshot's): disposing the session disposes it.</summary>
    public static ITraceSession CreateOwning(IKubeClient client) => new TraceSession(client, ownsClient: true);
}
