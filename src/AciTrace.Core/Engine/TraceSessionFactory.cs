namespace AciTrace.Engine;

/// <summary>Creates the trace session the cmdlets use for one invocation.</summary>
public static class TraceSessionFactory
{
    /// <summary>Creates a session that reaches the cluster through kubectl with the given options.</summary>
    public static ITraceSession Create(ClusterOptions options) =>
        new KubectlTraceSession(new Kube.KubectlClient(options), ownsClient: true);

    /// <summary>Creates a session over a given client (other transports, tests).</summary>
    public static ITraceSession Create(Kube.IKubeClient client) => new KubectlTraceSession(client);
}
