namespace AciTrace.Discovery;

/// <summary>
/// Every bridge's port names and OpenFlow port numbers in one read-only call, in the node's openvswitch container
/// (parsed by <see cref="AciTrace.Aci.OvsPortMap.ParseAll"/>). Read once per node, beside the agent files, so that a
/// trace never waits for it before its legs run.
/// </summary>
public static class PortMapQuery
{
    public static IReadOnlyList<string> Argv { get; } = new[] { "ovs-appctl", "dpif/show" };
}
