namespace AciTrace.Snapshot;

/// <summary>What a snapshot holds: written as <c>manifest.json</c>, checked before anything in it is used.</summary>
public sealed record SnapshotManifest
{
    /// <summary><see cref="SnapshotLayout.Format"/>.</summary>
    public required string Format { get; init; }

    /// <summary>Version of the AciTrace that wrote it.</summary>
    public required string ToolVersion { get; init; }

    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>The kubeconfig context it was taken through (null: the current context).</summary>
    public string? Context { get; init; }

    /// <summary>The namespace of that context (what a trace without a namespace uses), or null when it sets none.</summary>
    public string? ContextNamespace { get; init; }

    /// <summary>The namespace of the ACI CNI pods.</summary>
    public required string SystemNamespace { get; init; }

    /// <summary>The nodes whose datapath and agent state it holds.</summary>
    public required IReadOnlyList<SnapshotNode> Nodes { get; init; }

    /// <summary>Kubernetes objects recorded per kind (plural name -> count).</summary>
    public required IReadOnlyDictionary<string, int> Objects { get; init; }

    /// <summary>What could not be recorded as on the cluster (said again by the cmdlets that read it).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Every other entry of the zip with its size and SHA-256.</summary>
    public required IReadOnlyList<SnapshotFile> Files { get; init; }
}

/// <summary>One node of a snapshot.</summary>
public sealed record SnapshotNode(string Name, int Flows, int AgentFiles);

/// <summary>One entry of a snapshot with its checksum.</summary>
public sealed record SnapshotFile(string Path, long Bytes, string Sha256);
