using System.Globalization;
using AciTrace.Replay.Ovs;

namespace AciTrace.Tests.Unit.Ovs;

/// <summary>
/// Reads the hand-built cluster under Fixtures/Traces/_cluster/&lt;node&gt;/ (topology.txt, tlv.txt, &lt;bridge&gt;.flows,
/// &lt;bridge&gt;.groups) and the scenario folders beside it.
/// </summary>
internal static class ClusterFixtureFiles
{
    public static string TracesDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Traces");

    public static string ClusterDirectory => Path.Combine(TracesDirectory, "_cluster");

    /// <summary>
    /// Parses topology.txt: one port per line, <c>bridge name ofport type [peer=NAME] [option=value ...]</c>,
    /// '#' comments. Bridges appear in order of first mention.
    /// </summary>
    public static OvsTopology ParseTopology(string text)
    {
        var bridges = new List<(string Name, List<OvsPortSpec> Ports)>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ofport)
                || !Enum.TryParse<OvsPortType>(fields[3], ignoreCase: true, out var type))
            {
                throw new FormatException($"topology line {lineNumber}: expected 'bridge name ofport type [key=value ...]', got '{line}'.");
            }
            string? peer = null;
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in fields.Skip(4))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0)
                {
                    throw new FormatException($"topology line {lineNumber}: '{pair}' is not key=value.");
                }
                var (key, value) = (pair[..eq], pair[(eq + 1)..]);
                if (key == "peer")
                {
                    peer = value;
                }
                else
                {
                    options[key] = value;
                }
            }
            var bridge = bridges.FindIndex(b => b.Name == fields[0]);
            if (bridge < 0)
            {
                bridges.Add((fields[0], []));
                bridge = bridges.Count - 1;
            }
            bridges[bridge].Ports.Add(new OvsPortSpec(fields[1], ofport, type, peer, options.Count > 0 ? options : null));
        }
        return new OvsTopology(bridges.Select(b => new OvsBridgeSpec(b.Name, b.Ports)).ToList());
    }

    /// <summary>Starts one node of the cluster: topology, TLV map on every bridge, then groups and flows per bridge.</summary>
    public static async Task<OvsInstance> StartNodeAsync(string node, string runDirectory)
    {
        var dir = Path.Combine(ClusterDirectory, node);
        var topology = ParseTopology(File.ReadAllText(Path.Combine(dir, "topology.txt")));
        var ovs = await OvsInstance.StartAsync(runDirectory);
        try
        {
            await ovs.ConfigureAsync(topology);
            var tlv = File.ReadAllText(Path.Combine(dir, "tlv.txt")).Trim();
            foreach (var bridge in topology.Bridges)
            {
                await ovs.AddTlvMapAsync(bridge.Name, tlv);
            }
            foreach (var bridge in topology.Bridges)
            {
                var groups = Path.Combine(dir, bridge.Name + ".groups");
                await ovs.LoadFlowsAsync(bridge.Name, File.ReadAllText(Path.Combine(dir, bridge.Name + ".flows")),
                    File.Exists(groups) ? File.ReadAllText(groups) : null);
            }
            return ovs;
        }
        catch
        {
            await ovs.DisposeAsync();
            throw;
        }
    }
}

/// <summary>One scenario folder: command.txt = <c>node bridge flow [options ...]</c> on one line.</summary>
internal sealed record TraceScenario(string Name, string Directory, string Node, string Bridge, string Flow, IReadOnlyList<string> Options)
{
    public static IReadOnlyList<TraceScenario> LoadAll(string tracesDirectory) =>
        System.IO.Directory.EnumerateDirectories(tracesDirectory)
            .Where(d => !Path.GetFileName(d).StartsWith('_'))
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();

    public static TraceScenario Load(string directory)
    {
        var command = File.ReadAllText(Path.Combine(directory, "command.txt")).Trim();
        var fields = command.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3)
        {
            throw new FormatException($"{directory}/command.txt: expected 'node bridge flow [options ...]', got '{command}'.");
        }
        return new TraceScenario(Path.GetFileName(directory), directory, fields[0], fields[1], fields[2], fields[3..]);
    }

    /// <summary>The text ovs-appctl prints for this command: the trace, or for an OVS error its standard error.</summary>
    public async Task<string> CaptureAsync(OvsInstance ovs)
    {
        try
        {
            return await ovs.TraceAsync(Bridge, Flow, Options);
        }
        catch (OvsException)
        {
            try
            {
                await ovs.AppCtlAsync(["ofproto/trace", Bridge, Flow, .. Options], CancellationToken.None);
            }
            catch (OvsException appctl) when (appctl.StandardError is not null)
            {
                return appctl.StandardError;
            }
            throw new InvalidOperationException($"{Name}: the control socket reported an error but ovs-appctl succeeded.");
        }
    }
}
