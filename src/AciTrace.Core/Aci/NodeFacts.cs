namespace AciTrace.Aci;

/// <summary>
/// What the decoder knows about one node: its id maps, policy dump, OVS port maps and opflex input files.
/// Every part is optional; missing facts only make decoded meanings less specific.
/// </summary>
public sealed class NodeFacts
{
    public string? Node { get; init; }
    public string AccessBridgeName { get; init; } = AciTables.DefaultAccessBridgeName;
    public string IntegrationBridgeName { get; init; } = AciTables.DefaultIntegrationBridgeName;
    /// <summary>Id maps by namespace name (<see cref="OpflexIdNamespace"/>).</summary>
    public IReadOnlyDictionary<string, IdMap> IdMaps { get; init; } = new Dictionary<string, IdMap>(StringComparer.Ordinal);
    public PolicyDump? PolicyDump { get; init; }
    /// <summary>Port maps by bridge name.</summary>
    public IReadOnlyDictionary<string, OvsPortMap> PortMaps { get; init; } = new Dictionary<string, OvsPortMap>(StringComparer.Ordinal);
    public IReadOnlyList<EndpointFile> Endpoints { get; init; } = Array.Empty<EndpointFile>();
    public IReadOnlyList<ServiceFile> Services { get; init; } = Array.Empty<ServiceFile>();

    /// <summary>Id map of a namespace, or null.</summary>
    public IdMap? IdMap(string ns) => IdMaps.TryGetValue(ns, out var m) ? m : null;

    /// <summary>Port map of a bridge by name, or null.</summary>
    public OvsPortMap? PortMap(string bridgeName) => PortMaps.TryGetValue(bridgeName, out var m) ? m : null;

    /// <summary>Port map of a bridge by kind, using the configured bridge names.</summary>
    public OvsPortMap? PortMap(AciBridge bridge) => bridge switch
    {
        AciBridge.Access => PortMap(AccessBridgeName),
        AciBridge.Integration => PortMap(IntegrationBridgeName),
        _ => null,
    };

    /// <summary>Kind of a bridge under this node's bridge names.</summary>
    public AciBridge BridgeKind(string bridgeName) => AciTables.BridgeKind(bridgeName, AccessBridgeName, IntegrationBridgeName);

    public EndpointFile? EndpointByIp(string ip) => Endpoints.FirstOrDefault(e => e.Ips.Contains(ip, StringComparer.OrdinalIgnoreCase));
    public EndpointFile? EndpointByMac(string mac) => Endpoints.FirstOrDefault(e => string.Equals(e.Mac, mac, StringComparison.OrdinalIgnoreCase));
    public EndpointFile? EndpointByUuid(string uuid) => Endpoints.FirstOrDefault(e => e.Uuid == uuid);
    public ServiceFile? ServiceByUuid(string uuid) => Services.FirstOrDefault(s => s.Uuid == uuid);
    public ServiceFile? ServiceByIp(string ip) => Services.FirstOrDefault(s => s.Mappings.Any(m => m.ServiceIp == ip));

    /// <summary><c>namespace/pod</c> of an endpoint, else its uuid.</summary>
    internal static string Describe(EndpointFile ep) =>
        ep.Namespace is { } ns && ep.VmName is { } vm ? ns + "/" + vm : ep.VmName ?? ep.Uuid;

    /// <summary><c>namespace/name</c> of a service, else its uuid.</summary>
    internal static string Describe(ServiceFile svc) =>
        svc.Namespace is { } ns && svc.Name is { } n ? ns + "/" + n : svc.Name ?? svc.Uuid;
}
