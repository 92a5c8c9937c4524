using System.Text.Json.Nodes;

namespace AciTrace.Replay.Ovs;

/// <summary>
/// OVSDB transactions (RFC 7047 JSON, for <c>ovsdb-client transact</c>) that create the bridges and ports of a
/// topology exactly as <c>ovs-vsctl add-br</c> / <c>add-port</c> would: each bridge with its local internal port,
/// each port with one Interface of the port's type, ofport_request and options.
/// </summary>
internal static class OvsdbTransactions
{
    private const string Database = "Open_vSwitch";

    /// <summary>One transaction per <paramref name="portsPerTransaction"/> ports (150 ports make about 45 KB: one argument of ovsdb-client).</summary>
    public static IEnumerable<string> AddBridges(OvsTopology topology, IReadOnlyList<string> protocols, int portsPerTransaction)
    {
        var ops = new JsonArray(Database);
        int ports = 0, uuid = 0;
        foreach (var bridge in topology.Bridges)
        {
            var local = AddPort(ops, bridge.Name, "internal", null, new SortedDictionary<string, string>(), ref uuid);
            string bridgeUuid = "b" + uuid++;
            ops.Add(new JsonObject
            {
                ["op"] = "insert",
                ["table"] = "Bridge",
                ["uuid-name"] = bridgeUuid,
                ["row"] = new JsonObject
                {
                    ["name"] = bridge.Name,
                    ["datapath_type"] = "dummy",
                    ["fail_mode"] = "secure",
                    ["protocols"] = Set(protocols.Select(p => (JsonNode)JsonValue.Create(p))),
                    ["ports"] = Set([NamedUuid(local)]),
                },
            });
            ops.Add(new JsonObject
            {
                ["op"] = "mutate",
                ["table"] = "Open_vSwitch",
                ["where"] = new JsonArray(),
                ["mutations"] = new JsonArray(new JsonArray("bridges", "insert", Set([NamedUuid(bridgeUuid)]))),
            });
            var pending = new List<string>();
            foreach (var port in bridge.Ports)
            {
                var (type, options) = OvsInstance.InterfaceSettings(port);
                pending.Add(AddPort(ops, port.Name, type, port.OfPort, options, ref uuid));
                if (++ports % portsPerTransaction == 0)
                {
                    AttachPorts(ops, bridge.Name, pending);
                    yield return ops.ToJsonString();
                    ops = new JsonArray(Database);
                    pending.Clear();
                }
            }
            AttachPorts(ops, bridge.Name, pending);
        }
        if (ops.Count > 1) yield return ops.ToJsonString();
    }

    /// <summary>The first error of a transaction's results (an array with one object per operation), or null.</summary>
    public static string? FirstError(string reply)
    {
        JsonNode? results;
        try
        {
            results = JsonNode.Parse(reply);
        }
        catch (System.Text.Json.JsonException e)
        {
            return $"ovsdb-client printed no JSON result ({e.Message})";
        }
        if (results is not JsonArray array) return "ovsdb-client printed no result array";
        foreach (var result in array)
        {
            if (result is JsonObject o && o["error"] is { } error)
                return $"{error}: {o["details"]?.ToString() ?? ""}".TrimEnd(' ', ':');
        }
        return null;
    }

    private static string AddPort(JsonArray ops, string name, string type, int? ofport, SortedDictionary<string, string> options, ref int uuid)
    {
        string iface = "i" + uuid++, port = "p" + uuid++;
        var row = new JsonObject { ["name"] = name, ["type"] = type };
        if (ofport is int n) row["ofport_request"] = n;
        if (options.Count > 0) row["options"] = new JsonArray("map", new JsonArray(options.Select(o => (JsonNode)new JsonArray(o.Key, o.Value)).ToArray()));
        ops.Add(new JsonObject { ["op"] = "insert", ["table"] = "Interface", ["uuid-name"] = iface, ["row"] = row });
        ops.Add(new JsonObject
        {
            ["op"] = "insert",
            ["table"] = "Port",
            ["uuid-name"] = port,
            ["row"] = new JsonObject { ["name"] = name, ["interfaces"] = NamedUuid(iface) },
        });
        return port;
    }

    private static void AttachPorts(JsonArray ops, string bridge, IReadOnlyList<string> ports)
    {
        if (ports.Count == 0) return;
        ops.Add(new JsonObject
        {
            ["op"] = "mutate",
            ["table"] = "Bridge",
            ["where"] = new JsonArray(new JsonArray("name", "==", bridge)),
            ["mutations"] = new JsonArray(new JsonArray("ports", "insert", Set(ports.Select(p => (JsonNode)NamedUuid(p))))),
        });
    }

    private static JsonArray NamedUuid(string name) => new("named-uuid", name);

    private static JsonArray Set(IEnumerable<JsonNode> members) => new("set", new JsonArray(members.ToArray()));
}
