using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AciTrace.Aci;

/// <summary>A port range <c>{"start","end"}</c> of a SNAT file.</summary>
public sealed record SnatPortRange(int Start, int End);

/// <summary>A remote node sharing the SNAT IP: its MAC and port ranges.</summary>
public sealed class SnatRemote
{
    public string? Mac { get; init; }
    public IReadOnlyList<SnatPortRange> PortRanges { get; init; } = Array.Empty<SnatPortRange>();
}

/// <summary>
/// An opflex SNAT file (<c>&lt;uuid&gt;.snat</c>, FSSnatSource; research/opflex-pipeline.md 5.4).
/// </summary>
public sealed class SnatFile
{
    public string Uuid { get; init; } = "";
    public string? SnatIp { get; init; }
    /// <summary>Uplink interface the SNATed traffic leaves through.</summary>
    public string? InterfaceName { get; init; }
    public string? InterfaceMac { get; init; }
    public int? InterfaceVlan { get; init; }
    public bool? Local { get; init; }
    /// <summary>Destination CIDRs the SNAT applies to.</summary>
    public IReadOnlyList<string> Dest { get; init; } = Array.Empty<string>();
    /// <summary>Conntrack zone (ACI CNI default 8191).</summary>
    public int? Zone { get; init; }
    public IReadOnlyList<SnatPortRange> PortRanges { get; init; } = Array.Empty<SnatPortRange>();
    public IReadOnlyList<SnatRemote> Remote { get; init; } = Array.Empty<SnatRemote>();

    /// <summary>The agent ignores a SNAT file unless some port range has end &gt; start.</summary>
    public bool IsUsedByAgent => PortRanges.Any(r => r.End > r.Start);

    /// <summary>Reads a SNAT file; false with a reason when it is not a JSON object.</summary>
    public static bool TryParse(string? json, [NotNullWhen(true)] out SnatFile? value, out string? error) =>
        Json.TryReadObject(json, "snat file", Read, out value, out error);

    private static SnatFile Read(JsonElement r)
    {
        var remote = new List<SnatRemote>();
        foreach (var rm in Json.Objects(r, "remote"))
            remote.Add(new SnatRemote { Mac = Json.String(rm, "mac"), PortRanges = Ranges(rm) });
        return new SnatFile
        {
            Uuid = Json.String(r, "uuid") ?? "",
            SnatIp = Json.String(r, "snat-ip"),
            InterfaceName = Json.String(r, "interface-name"),
            InterfaceMac = Json.String(r, "interface-mac"),
            InterfaceVlan = Json.Int32(r, "interface-vlan"),
            Local = Json.Bool(r, "local"),
            Dest = Json.Strings(r, "dest"),
            Zone = Json.Int32(r, "zone"),
            PortRanges = Ranges(r),
            Remote = remote,
        };
    }

    private static IReadOnlyList<SnatPortRange> Ranges(JsonElement obj)
    {
        var list = new List<SnatPortRange>();
        foreach (var pr in Json.Objects(obj, "port-range"))
        {
            var start = Json.Int32(pr, "start");
            var end = Json.Int32(pr, "end");
            if (start is not null && end is not null) list.Add(new SnatPortRange(start.Value, end.Value));
        }
        return list;
    }

    /// <summary>Writes the file in the agent's format.</summary>
    public string ToJson() => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("uuid", Uuid);
        Json.StringIf(w, "snat-ip", SnatIp);
        Json.StringIf(w, "interface-name", InterfaceName);
        Json.StringIf(w, "interface-mac", InterfaceMac);
        Json.NumberIf(w, "interface-vlan", InterfaceVlan);
        Json.BoolIf(w, "local", Local);
        Json.StringsIf(w, "dest", Dest);
        Json.NumberIf(w, "zone", Zone);
        WriteRanges(w, PortRanges);
        if (Remote.Count > 0)
        {
            w.WriteStartArray("remote");
            foreach (var rm in Remote)
            {
                w.WriteStartObject();
                Json.StringIf(w, "mac", rm.Mac);
                WriteRanges(w, rm.PortRanges);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });

    private static void WriteRanges(Utf8JsonWriter w, IReadOnlyList<SnatPortRange> ranges)
    {
        if (ranges.Count == 0) return;
        w.WriteStartArray("port-range");
        foreach (var pr in ranges)
        {
            w.WriteStartObject();
            w.WriteNumber("start", pr.Start);
            w.WriteNumber("end", pr.End);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
