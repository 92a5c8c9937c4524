using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Kube.Api;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>Sessions over either transport, chosen exactly as the cmdlets choose (the in-process factory loaded directly).</summary>
public static class LabSessions
{
    /// <summary>Both transports, the default first.</summary>
    public static readonly ClusterTransport[] Transports = [ClusterTransport.KubernetesClient, ClusterTransport.Kubectl];

    public static ITraceSession Create(ClusterOptions options) =>
        TraceSessionFactory.Create(TransportRules.Select(options, () => new KubeApiClientFactory()));

    /// <summary>The client of <paramref name="transport"/> for <paramref name="options"/>.</summary>
    public static IKubeClient Client(ClusterOptions options, ClusterTransport transport) =>
        TransportRules.Select(options with { Transport = transport }, () => new KubeApiClientFactory()).Client;
}
