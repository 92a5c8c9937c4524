namespace AciTrace.Engine;

/// <summary>Creates the trace session the cmdlets use for one invocation.</summary>
public static class TraceSessionFactory
{
    /// <summary>Creates a session that reaches the cluster through kubectl with the given options.</summary>
    public static ITraceSession Create(ClusterOptions options) =>
        throw new AciTraceException("LiveTracingUnavailable", AciErrorKind.NotImplemented,
            "Live tracing is not part of this build yet.", options);
}
