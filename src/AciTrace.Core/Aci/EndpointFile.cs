using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AciTrace.Aci;

/// <summary>A security group an endpoint belongs to (<c>{"policy-space","name"}</c>).</summary>
public sealed record SecurityGroupRef(string PolicySpace, string Name);

/// <summary>
/// An opflex endpoint file (<c>&lt;uuid&gt;.ep</c>) as the aci-containers host-agent writes it
/// (research/opflex-pipeline.md 5.4). Only the keys the trace needs are modelled.
/// </summary>
public sealed class EndpointFile
{
    /// <summary><c>&lt;pod-uid&gt;_&lt;container-id&gt;_&lt;host veth&gt;</c>.</summary>
    public string Uuid { get; init; } = "";
    /// <summary>ACI tenant of the EPG (<c>eg-policy-space</c>, or <c>policy-space-name</c>).</summary>
    public string? PolicySpace { get; init; }
    /// <summary><c>endpoint-group-name</c>: <c>&lt;app-profile&gt;|&lt;epg&gt;</c> or <c>&lt;epg&gt;</c>.</summary>
    public string? EndpointGroupName { get; init; }
    /// <summary><c>endpoint-group</c>: a full EPG URI (used instead of the two names by some writers).</summary>
    public string? EndpointGroupUri { get; init; }
    public IReadOnlyList<SecurityGroupRef> SecurityGroups { get; init; } = Array.Empty<SecurityGroupRef>();
    public IReadOnlyList<string> Ips { get; init; } = Array.Empty<string>();
    public string? Mac { get; init; }
    /// <summary>Host-side veth on br-access.</summary>
    public string? AccessInterface { get; init; }
    /// <summary><c>pa-&lt;veth&gt;</c>: the br-access side of the patch pair.</summary>
    public string? AccessUplinkInterface { get; init; }
    /// <summary><c>pi-&lt;veth&gt;</c>: the br-int side of the patch pair.</summary>
    public string? InterfaceName { get; init; }
    public int? AccessInterfaceVlan { get; init; }
    /// <summary>Free-form attributes: namespace, vm-name, interface-name, app...</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> SnatUuids { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ServiceIps { get; init; } = Array.Empty<string>();

    /// <summary>Pod namespace (<c>attributes.namespace</c>).</summary>
    public string? Namespace => Attributes.TryGetValue("namespace", out var v) ? v : null;
    /// <summary>Pod name (<c>attributes.vm-name</c>).</summary>
    public string? VmName => Attributes.TryGetValue("vm-name", out var v) ? v : null;
    /// <summary>Host veth name from <c>attributes.interface-name</c>, else <see cref="AccessInterface"/>.</summary>
    public string? HostInterface => Attributes.TryGetValue("interface-name", out var v) ? v : AccessInterface;

    /// <summary>Reads an endpoint file; false with a reason when it is not a JSON object.</summary>
    public static bool TryParse(string? json, [NotNullWhen(true)] out EndpointFile? value, out string? error) =>
        Json.TryReadObject(json, "endpoint file", Read, out value, out error);

    private static EndpointFile Read(JsonElement r)
    {
        var sgs = new List<SecurityGroupRef>();
        foreach (var sg in Json.Objects(r, "security-group"))
        {
            var name = Json.String(sg, "name");
            if (name is not null) sgs.Add(new SecurityGroupRef(Json.String(sg, "policy-space") ?? "", name));
        }
        return new EndpointFile
        {
            Uuid = Json.String(r, "uuid") ?? "",
            PolicySpace = Json.String(r, "eg-policy-space") ?? Json.String(r, "policy-space-name"),
            EndpointGroupName = Json.String(r, "endpoint-group-name"),
            EndpointGroupUri = Json.String(r, "endpoint-group"),
            SecurityGroups = sgs,
            Ips = Json.Strings(r, "ip"),
            Mac = Json.String(r, "mac"),
            AccessInterface = Json.String(r, "access-interface"),
            AccessUplinkInterface = Json.String(r, "access-uplink-interface"),
            InterfaceName = Json.String(r, "interface-name"),
            AccessInterfaceVlan = Json.Int32(r, "access-interface-vlan"),
            Attributes = Json.StringMap(r, "attributes"),
            SnatUuids = Json.Strings(r, "snat-uuids"),
            ServiceIps = Json.Strings(r, "service-ip"),
        };
    }

    /// <summary>Writes the file the way the host-agent does (keys it does not set are left out).</summary>
    public string ToJson() => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("uuid", Uuid);
        Json.StringIf(w, "eg-policy-space", PolicySpace);
        Json.StringIf(w, "endpoint-group-name", EndpointGroupName);
        Json.StringIf(w, "endpoint-group", EndpointGroupUri);
        if (SecurityGroups.Count > 0)
        {
            w.WriteStartArray("security-group");
            foreach (var sg in SecurityGroups)
            {
                w.WriteStartObject();
                w.WriteString("policy-space", sg.PolicySpace);
                w.WriteString("name", sg.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        Json.StringsIf(w, "ip", Ips);
        Json.StringIf(w, "mac", Mac);
        Json.StringIf(w, "access-interface", AccessInterface);
        Json.NumberIf(w, "access-interface-vlan", AccessInterfaceVlan);
        Json.StringIf(w, "access-uplink-interface", AccessUplinkInterface);
        Json.StringIf(w, "interface-name", InterfaceName);
        Json.MapIf(w, "attributes", Attributes);
        Json.StringsIf(w, "snat-uuids", SnatUuids);
        Json.StringsIf(w, "service-ip", ServiceIps);
        w.WriteEndObject();
    });
}
