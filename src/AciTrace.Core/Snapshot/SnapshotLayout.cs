using AciTrace.Kube;

namespace AciTrace.Snapshot;

/// <summary>
/// Where things are in a snapshot (a zip file) and in a node directory (the lab's state directory uses the same
/// shape, so one exec backend serves both): <c>manifest.json</c>, <c>kube/&lt;resource&gt;.json</c> (one List per
/// kind), and per node <c>nodes/&lt;node&gt;/</c> with the agent's files below <c>opflex-agent-ovs/</c>, the policy
/// objects in <c>gbp_inspect-dump.json</c> and the datapath's recorded answers below <c>datapath/</c>.
/// </summary>
public static class SnapshotLayout
{
    /// <summary>The manifest's format name; a reader refuses any other.</summary>
    public const string Format = "acitrace-snapshot/1";

    public const string ManifestEntry = "manifest.json";

    public const string NodesFolder = "nodes";

    /// <summary>Below a node directory: mirrors the agent's <c>/usr/local/var/lib/opflex-agent-ovs</c>.</summary>
    public const string AgentDirectoryName = "opflex-agent-ovs";

    /// <summary>Below a node directory: the policy objects as <c>gbp_inspect -t dump</c> prints them (a JSON array).</summary>
    public const string PolicyDumpFileName = "gbp_inspect-dump.json";

    /// <summary>Below a node directory: the recorded read-only answers of the node's OVS.</summary>
    public const string DatapathFolder = "datapath";

    /// <summary>
    /// Whether <paramref name="path"/> (below <see cref="AgentDirectoryName"/>) names an agent file a snapshot holds:
    /// <c>folder/file</c> in a readable agent folder, no other path; the writer records only those, the reader accepts
    /// only those.
    /// </summary>
    public static bool IsAgentFile(string path) =>
        path.Split('/') is [var folder, var file] && ReadOnlyCommandPolicy.AgentStateFolders.Contains(folder)
        && file.Length > 0 && !file.StartsWith('.') && !file.Contains(':');

    /// <summary>The bridges whose tables a snapshot records.</summary>
    public static IReadOnlyList<string> Bridges { get; } = [AciTrace.Aci.AciTables.DefaultAccessBridgeName, AciTrace.Aci.AciTables.DefaultIntegrationBridgeName];

    /// <summary>The Kubernetes kinds a snapshot records (every kind the engine reads).</summary>
    public static IReadOnlyList<KubeResource> Resources { get; } = Enum.GetValues<KubeResource>();

    public static string KubeEntry(KubeResource resource) => $"kube/{resource.ApiGroupVersionAndPlural().Plural}.json";

    public static string NodeEntry(string node, string relative) => $"{NodesFolder}/{node}/{relative}";

    /// <summary>The recorded <c>ovs-appctl dpif/show</c> of a node (every bridge's ports).</summary>
    public const string PortsFileName = "dpif-show.txt";

    /// <summary>The recorded <see cref="DumpArgv"/> answer of a node.</summary>
    public static string DumpFileName(string verb, string bridge) => $"{verb}-{bridge}.txt";

    /// <summary>The ovs-ofctl verbs a snapshot records per bridge.</summary>
    public static IReadOnlyList<string> DumpVerbs { get; } = ["dump-flows", "dump-groups", "dump-tlv-map"];

    /// <summary>
    /// The recorded command line of a dump (what the snapshot answers offline): OpenFlow 1.3, what opflex-agent speaks,
    /// except groups in OpenFlow 1.5, the only version that prints a select group's selection method and fields.
    /// </summary>
    public static IReadOnlyList<string> DumpArgv(string verb, string bridge) => ["ovs-ofctl", "-O", verb == "dump-groups" ? "OpenFlow15" : "OpenFlow13", verb, bridge];
}
