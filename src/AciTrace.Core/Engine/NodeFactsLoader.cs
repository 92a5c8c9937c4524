using System.Text;
using AciTrace.Aci;
using AciTrace.Discovery;

namespace AciTrace.Engine;

/// <summary>Builds <see cref="NodeFacts"/> from the output of <see cref="NodeFactsScript"/> (one exec per node).</summary>
internal static class NodeFactsLoader
{
    public static (NodeFacts Facts, IReadOnlyList<SnatFile> Snats, IReadOnlyList<string> Warnings) Build(string node, NodeFactsOutput output)
    {
        var warnings = new List<string>(output.Warnings);
        var endpoints = new List<EndpointFile>();
        foreach (var (path, bytes) in output.FilesIn("endpoints", ".ep"))
            if (EndpointFile.TryParse(Encoding.UTF8.GetString(bytes), out var ep, out var err)) endpoints.Add(ep);
            else warnings.Add($"{node}: endpoint file {path} is not valid: {err}");
        var services = new List<ServiceFile>();
        foreach (var (path, bytes) in output.FilesIn("services", ".service"))
            if (ServiceFile.TryParse(Encoding.UTF8.GetString(bytes), out var svc, out var err)) services.Add(svc);
            else warnings.Add($"{node}: service file {path} is not valid: {err}");
        var snats = new List<SnatFile>();
        foreach (var (path, bytes) in output.FilesIn("snats", ".snat"))
            if (SnatFile.TryParse(Encoding.UTF8.GetString(bytes), out var snat, out var err)) snats.Add(snat);
            else warnings.Add($"{node}: snat file {path} is not valid: {err}");
        var idMaps = new Dictionary<string, IdMap>(StringComparer.Ordinal);
        foreach (var (path, bytes) in output.FilesIn("ids", ".id"))
        {
            var result = OpflexIdFile.Parse(bytes);
            idMaps[Path.GetFileNameWithoutExtension(path)] = result.Map;
            foreach (var e in result.Errors) warnings.Add($"{node}: id file {path}: {e}");
        }
        PolicyDump? dump = null;
        if (string.IsNullOrWhiteSpace(output.PolicyDumpText))
            warnings.Add($"{node}: gbp_inspect printed no policy dump; EPG names cannot be resolved");
        else if (PolicyDump.TryParse(output.PolicyDumpText, out var d, out var err)) dump = d;
        else warnings.Add($"{node}: the gbp_inspect policy dump is not valid ({err}); EPG names cannot be resolved");
        var facts = new NodeFacts
        {
            Node = node,
            IdMaps = idMaps,
            PolicyDump = dump,
            Endpoints = endpoints,
            Services = services,
        };
        return (facts, snats, warnings);
    }

    /// <summary>A copy of <paramref name="facts"/> with the port maps of both bridges.</summary>
    public static NodeFacts WithPortMaps(NodeFacts facts, IReadOnlyDictionary<string, OvsPortMap> portMaps) => new()
    {
        Node = facts.Node,
        AccessBridgeName = facts.AccessBridgeName,
        IntegrationBridgeName = facts.IntegrationBridgeName,
        IdMaps = facts.IdMaps,
        PolicyDump = facts.PolicyDump,
        Endpoints = facts.Endpoints,
        Services = facts.Services,
        PortMaps = portMaps,
    };
}
