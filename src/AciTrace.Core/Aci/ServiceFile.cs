using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AciTrace.Aci;

/// <summary>One <c>service-mapping</c> entry: a service IP/port and its next hops.</summary>
public sealed class ServiceMapping
{
    public string? ServiceIp { get; init; }
    /// <summary><c>tcp</c>, <c>udp</c> or <c>sctp</c>.</summary>
    public string? ServiceProto { get; init; }
    public int? ServicePort { get; init; }
    public IReadOnlyList<string> NextHopIps { get; init; } = Array.Empty<string>();
    public int? NextHopPort { get; init; }
    public bool? ConntrackEnabled { get; init; }
    public int? NodePort { get; init; }
    /// <summary><c>session-affinity.client-ip.timeout-seconds</c>, when client-IP affinity is on.</summary>
    public int? SessionAffinityTimeoutSeconds { get; init; }
}

/// <summary>
/// An opflex service file (<c>&lt;uuid&gt;.service</c>) as the aci-containers host-agent writes it
/// (research/opflex-pipeline.md 5.4).
/// </summary>
public sealed class ServiceFile
{
    /// <summary>The uuid of a Service's external copy (its LoadBalancer entry from the uplink), as the host agent names it.</summary>
    public static string ExternalUuid(string serviceUid) => serviceUid + "-external";

    public string Uuid { get; init; } = "";
    public string? DomainPolicySpace { get; init; }
    /// <summary>VRF name (<c>domain-name</c>).</summary>
    public string? DomainName { get; init; }
    /// <summary><c>loadbalancer</c> or <c>local-anycast</c> (the agent's default).</summary>
    public string? ServiceMode { get; init; }
    /// <summary><c>clusterIp</c>, <c>nodePort</c> or <c>loadBalancer</c>.</summary>
    public string? ServiceType { get; init; }
    public string? ServiceMac { get; init; }
    public string? InterfaceName { get; init; }
    public int? InterfaceVlan { get; init; }
    public string? InterfaceIp { get; init; }
    public IReadOnlyList<ServiceMapping> Mappings { get; init; } = Array.Empty<ServiceMapping>();
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Kubernetes service name (<c>attributes.name</c>).</summary>
    public string? Name => Attributes.TryGetValue("name", out var v) ? v : null;
    /// <summary>Kubernetes namespace (<c>attributes.namespace</c>).</summary>
    public string? Namespace => Attributes.TryGetValue("namespace", out var v) ? v : null;

    /// <summary>Reads a service file; false with a reason when it is not a JSON object.</summary>
    public static bool TryParse(string? json, [NotNullWhen(true)] out ServiceFile? value, out string? error) =>
        Json.TryReadObject(json, "service file", Read, out value, out error);

    private static ServiceFile Read(JsonElement r)
    {
        var mappings = new List<ServiceMapping>();
        foreach (var m in Json.Objects(r, "service-mapping"))
        {
            int? affinity = null;
            if (Json.TryGet(m, "session-affinity", out var sa) && Json.TryGet(sa, "client-ip", out var cip))
                affinity = Json.Int32(cip, "timeout-seconds");
            mappings.Add(new ServiceMapping
            {
                ServiceIp = Json.String(m, "service-ip"),
                ServiceProto = Json.String(m, "service-proto"),
                ServicePort = Json.Int32(m, "service-port"),
                NextHopIps = Json.Strings(m, "next-hop-ips"),
                NextHopPort = Json.Int32(m, "next-hop-port"),
                ConntrackEnabled = Json.Bool(m, "conntrack-enabled"),
                NodePort = Json.Int32(m, "node-port"),
                SessionAffinityTimeoutSeconds = affinity,
            });
        }
        return new ServiceFile
        {
            Uuid = Json.String(r, "uuid") ?? "",
            DomainPolicySpace = Json.String(r, "domain-policy-space"),
            DomainName = Json.String(r, "domain-name"),
            ServiceMode = Json.String(r, "service-mode"),
            ServiceType = Json.String(r, "service-type"),
            ServiceMac = Json.String(r, "service-mac"),
            InterfaceName = Json.String(r, "interface-name"),
            InterfaceVlan = Json.Int32(r, "interface-vlan"),
            InterfaceIp = Json.String(r, "interface-ip"),
            Mappings = mappings,
            Attributes = Json.StringMap(r, "attributes"),
        };
    }

    /// <summary>Writes the file the way the host-agent does.</summary>
    public string ToJson() => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("uuid", Uuid);
        Json.StringIf(w, "domain-policy-space", DomainPolicySpace);
        Json.StringIf(w, "domain-name", DomainName);
        Json.StringIf(w, "service-mode", ServiceMode);
        Json.StringIf(w, "service-type", ServiceType);
        Json.StringIf(w, "service-mac", ServiceMac);
        Json.StringIf(w, "interface-name", InterfaceName);
        Json.NumberIf(w, "interface-vlan", InterfaceVlan);
        Json.StringIf(w, "interface-ip", InterfaceIp);
        w.WriteStartArray("service-mapping");
        foreach (var m in Mappings)
        {
            w.WriteStartObject();
            Json.StringIf(w, "service-ip", m.ServiceIp);
            Json.StringIf(w, "service-proto", m.ServiceProto);
            Json.NumberIf(w, "service-port", m.ServicePort);
            Json.StringsIf(w, "next-hop-ips", m.NextHopIps, evenIfEmpty: true);
            Json.NumberIf(w, "next-hop-port", m.NextHopPort);
            Json.BoolIf(w, "conntrack-enabled", m.ConntrackEnabled);
            Json.NumberIf(w, "node-port", m.NodePort);
            if (m.SessionAffinityTimeoutSeconds is { } t)
            {
                w.WriteStartObject("session-affinity");
                w.WriteStartObject("client-ip");
                w.WriteNumber("timeout-seconds", t);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Json.MapIf(w, "attributes", Attributes);
        w.WriteEndObject();
    });
}
