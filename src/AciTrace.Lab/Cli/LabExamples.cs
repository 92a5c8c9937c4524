using AciTrace.Lab.Kube;
using AciTrace.Lab.Spec;
using AciTrace.Packets;

namespace AciTrace.Lab.Cli;

/// <summary>A pod-to-pod packet of the spec to show in the example commands.</summary>
/// <param name="Source">Source pod (has a veth).</param>
/// <param name="Destination">Destination pod (has a veth).</param>
/// <param name="Port">A TCP container port of the destination, or null (then ICMP).</param>
internal sealed record LabExamplePacket(ResolvedPod Source, ResolvedPod Destination, int? Port)
{
    /// <summary>
    /// Picks a real pair: a destination with a TCP port when there is one (application namespaces before
    /// kube-system), and a source on another pod, preferably in the same namespace.
    /// </summary>
    public static LabExamplePacket? Pick(ResolvedCluster cluster)
    {
        List<ResolvedPod> pods = [.. cluster.Pods.Where(p => p.HasVeth).OrderBy(p => p.Namespace == "kube-system" ? 1 : 0)];
        ResolvedPod? destination = pods.FirstOrDefault(p => p.Ports.Any(IsTcp)) ?? pods.Skip(1).FirstOrDefault();
        if (destination is null) return null;
        ResolvedPod? source = pods.Where(p => p != destination)
            .OrderBy(p => p.Namespace == destination.Namespace ? 0 : 1).FirstOrDefault();
        if (source is null) return null;
        return new LabExamplePacket(source, destination, destination.Ports.FirstOrDefault(IsTcp)?.Port);
    }

    /// <summary>The aci-containers-openvswitch pod of the source's node.</summary>
    public string OvsPod => LabKubeModel.SystemPodName(Source.Node, AciSystemPodRole.OpenVswitch);

    /// <summary>ofproto/trace flow of the packet entering br-access from the source's veth.</summary>
    public string AccessFlow => FlowStringBuilder.Build(new PacketSpec
    {
        InPort = PortRef.Named(Source.VethName),
        Protocol = Port is null ? PacketProtocol.Icmp : PacketProtocol.Tcp,
        EthSrc = Source.Mac,
        EthDst = Destination.Mac,
        SourceAddress = Source.Ip.ToString(),
        DestinationAddress = Destination.Ip.ToString(),
        Ttl = 64,
        SourcePort = Port is null ? null : 40000,
        DestinationPort = Port,
        IcmpType = Port is null ? 8 : null,
        IcmpCode = Port is null ? 0 : null,
    });

    /// <summary>The matching AciTrace cmdlet parameters (after -Kubeconfig).</summary>
    public string CmdletArguments => $"-Source {Source.Key} -Destination {Destination.Key} " +
        (Port is int p ? $"-Protocol Tcp -DestinationPort {p}" : "-Protocol Icmp");

    private static bool IsTcp(ResolvedContainerPort port) => string.Equals(port.Protocol, "TCP", StringComparison.OrdinalIgnoreCase);
}
