using System.Text.Json;
using System.Text.Json.Serialization;

namespace AciTrace.Lab.Cli;

/// <summary>One node of a running lab as recorded in lab.json.</summary>
/// <param name="Name">Node name.</param>
/// <param name="OvsRunDirectory">The node's OVS run directory (conf.db, sockets, logs).</param>
/// <param name="VswitchdPid">ovs-vswitchd process id.</param>
/// <param name="OvsdbServerPid">ovsdb-server process id.</param>
/// <param name="OvsPod">Name of the node's aci-containers-openvswitch pod.</param>
/// <param name="HostPod">Name of the node's aci-containers-host pod.</param>
internal sealed record LabStateNode(string Name, string OvsRunDirectory, int VswitchdPid, int OvsdbServerPid, string OvsPod, string HostPod);

/// <summary>
/// <c>&lt;stateDir&gt;/lab.json</c>: written by the <c>serve</c> process once the lab is ready, removed when it stops.
/// Holds no secrets (the tokens stay in the kubeconfig files).
/// </summary>
internal sealed record LabStateFile(
    int Pid,
    DateTimeOffset StartedAt,
    string SpecPath,
    string StateDirectory,
    string ApiAddress,
    string Kubeconfig,
    string? ViewerKubeconfig,
    string LogPath,
    IReadOnlyList<LabStateNode> Nodes)
{
    public const string FileName = "lab.json";
    public const string LogFileName = "lab.log";
    public const string LockFileName = "lab.lock";
    public const string StopFileName = "lab.stop";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    /// <summary>The lab.json of a lab whose serve process is still running in <paramref name="stateDirectory"/>; null otherwise.</summary>
    public static LabStateFile? TryReadRunning(string stateDirectory) =>
        TryRead(stateDirectory) is { } state && LabProcesses.IsServeProcess(state.Pid, stateDirectory) ? state : null;

    /// <summary>Reads lab.json; null when it is missing or unreadable (a half-written file never exists: writes are atomic).</summary>
    public static LabStateFile? TryRead(string stateDirectory)
    {
        try
        {
            string text = File.ReadAllText(PathIn(stateDirectory));
            LabStateFile? state = JsonSerializer.Deserialize<LabStateFile>(text, Json);
            return state is { Pid: > 0, Nodes: not null, ApiAddress: not null, Kubeconfig: not null } ? state : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Writes lab.json atomically (temporary file, then rename).</summary>
    public void Write()
    {
        string path = PathIn(StateDirectory);
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json));
        File.Move(tmp, path, overwrite: true);
    }
}
