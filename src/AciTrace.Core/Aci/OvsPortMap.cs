using System.Globalization;

namespace AciTrace.Aci;

/// <summary>
/// OpenFlow port numbers and names of one bridge, read from <c>ovs-ofctl show &lt;bridge&gt;</c> (any OpenFlow version):
/// lines such as <c> 3(pa-veth5a3b1c2d): addr:..</c> and <c> LOCAL(br-int): addr:..</c>.
/// </summary>
public sealed class OvsPortMap
{
    /// <summary>Port number OVS uses for the bridge's own LOCAL port (OpenFlow 1.0 OFPP_LOCAL).</summary>
    public const int LocalPort = 0xfffe;

    private readonly Dictionary<int, string> _byPort = new();
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

    /// <summary>Builds a map from known ports.</summary>
    public OvsPortMap(IEnumerable<(int OfPort, string Name)> ports, string? bridge = null)
    {
        Bridge = bridge;
        foreach (var (p, n) in ports) Add(p, n);
    }

    /// <summary>Bridge name, from the <c>LOCAL(&lt;bridge&gt;)</c> line.</summary>
    public string? Bridge { get; private set; }

    /// <summary>Number of ports, LOCAL included.</summary>
    public int Count => _byPort.Count;

    /// <summary>Ports ordered by number.</summary>
    public IEnumerable<(int OfPort, string Name)> Ports => _byPort.OrderBy(p => p.Key).Select(p => (p.Key, p.Value));

    /// <summary>Name of an OpenFlow port, or null.</summary>
    public string? NameOf(int ofPort) => _byPort.GetValueOrDefault(ofPort);

    /// <summary>Number of a port by name.</summary>
    public bool TryGetPort(string name, out int ofPort) => _byName.TryGetValue(name, out ofPort);

    private void Add(int port, string name)
    {
        _byPort[port] = name;
        _byName.TryAdd(name, port);
    }

    /// <summary>Parses <c>ovs-ofctl show</c> output. Never throws; lines that are not port lines are ignored.</summary>
    public static OvsPortMap Parse(string? showOutput)
    {
        var map = new OvsPortMap(Array.Empty<(int, string)>());
        if (string.IsNullOrEmpty(showOutput)) return map;
        foreach (var raw in showOutput.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length < 4 || line[0] != ' ') continue;
            var text = line.TrimStart(' ');
            // The port name may itself contain "(", ")" or ":", so the name ends at the last "): addr:".
            var open = text.IndexOf('(');
            var close = text.LastIndexOf("): addr:", StringComparison.Ordinal);
            if (open <= 0 || close <= open) continue;
            var number = text[..open];
            var name = text[(open + 1)..close];
            if (name.Length == 0) continue;
            if (number == "LOCAL")
            {
                map.Add(LocalPort, name);
                map.Bridge ??= name;
            }
            else if (number.Length <= 10 && number.All(char.IsAsciiDigit) &&
                     int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                map.Add(port, name);
            }
        }
        return map;
    }

    /// <summary>
    /// The port maps of every bridge in a text that holds <c>ovs-appctl dpif/show</c> output, or one or more
    /// <c>ovs-ofctl show &lt;bridge&gt;</c> outputs one after the other (each names its bridge on its LOCAL line).
    /// Never throws; text that is neither gives no bridge.
    /// </summary>
    public static IReadOnlyDictionary<string, OvsPortMap> ParseAll(string? text)
    {
        var maps = new Dictionary<string, OvsPortMap>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text)) return maps;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Any(l => l.Contains("): addr:", StringComparison.Ordinal)))
        {
            // ovs-ofctl show: one reply per bridge, each starting with an OFPT_FEATURES_REPLY line.
            var block = new List<string>();
            foreach (var line in lines.Append("OFPT_FEATURES_REPLY"))
            {
                if (line.StartsWith("OFPT_FEATURES_REPLY", StringComparison.Ordinal) && block.Count > 0)
                {
                    var map = Parse(string.Join('\n', block));
                    if (map.Bridge is { } bridge) maps[bridge] = map;
                    block.Clear();
                }
                block.Add(line);
            }
            return maps;
        }

        // ovs-appctl dpif/show: "  <bridge>:" then "    <port> <ofport>/<dp port or none>: (<type>)".
        OvsPortMap? current = null;
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            var indent = line.Length - line.TrimStart(' ').Length;
            if (indent == 2 && trimmed.EndsWith(':') && !trimmed.Contains(' ', StringComparison.Ordinal))
            {
                var bridge = trimmed[..^1];
                current = new OvsPortMap(Array.Empty<(int, string)>(), bridge);
                maps[bridge] = current;
                continue;
            }
            if (current is null || indent < 4) continue;
            var colon = trimmed.IndexOf(": (", StringComparison.Ordinal);
            var space = colon > 0 ? trimmed.LastIndexOf(' ', colon) : -1;
            if (space <= 0) continue;
            var name = trimmed[..space];
            var numbers = trimmed[(space + 1)..colon];
            var slash = numbers.IndexOf('/');
            var ofport = slash > 0 ? numbers[..slash] : numbers;
            if (!int.TryParse(ofport, NumberStyles.None, CultureInfo.InvariantCulture, out var port)) continue;
            current.Add(port == 65534 ? LocalPort : port, name);
        }
        return maps;
    }
}
