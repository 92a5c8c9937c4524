namespace AciTrace;

/// <summary>
/// A snapshot file: one portable zip holding, per node, both bridges' flows, groups, TLV map and ports, the agent
/// state a trace reads, and the cluster's pods, Services, EndpointSlices, NetworkPolicies, nodes and namespaces.
/// Written by Save-AciSnapshot; every trace cmdlet and Get-AciFlow read it with -Snapshot.
/// </summary>
public sealed class AciSnapshot
{
    /// <summary>Full path of the file.</summary>
    public string Path { get; init; } = "";
    public DateTimeOffset TakenAt { get; init; }
    /// <summary>The kubeconfig context it was taken through; empty: the current context.</summary>
    public string Context { get; init; } = "";
    /// <summary>The namespace of the ACI CNI pods.</summary>
    public string SystemNamespace { get; init; } = "";
    /// <summary>The nodes whose datapath and agent state it holds.</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];
    /// <summary>Flows recorded, both bridges of every node.</summary>
    public int Flows { get; init; }
    /// <summary>Agent files recorded (endpoints, Services, SNAT and id maps), every node.</summary>
    public int AgentFiles { get; init; }
    public int Pods { get; init; }
    public int Services { get; init; }
    public int NetworkPolicies { get; init; }
    /// <summary>Size of the file in bytes.</summary>
    public long Bytes { get; init; }
    /// <summary>Version of the AciTrace that wrote it.</summary>
    public string ToolVersion { get; init; } = "";
    /// <summary>What could not be recorded as on the cluster.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public override string ToString() => Path;
}
