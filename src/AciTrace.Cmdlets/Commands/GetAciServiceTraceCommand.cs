using System.Management.Automation;
using AciTrace.Commands.Completion;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Traces a packet to a Kubernetes Service, from a pod or from a client outside the cluster (LoadBalancer IP, external IP, node port): load balancing (DNAT) to a backend, then delivery.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AciServiceTrace", DefaultParameterSetName = ReferenceSet)]
[OutputType(typeof(AciBridgePass), typeof(AciTableHop), typeof(AciTraceSummary), typeof(bool), ParameterSetName = [ReferenceSet, NameSet, OutsideSet, NodePortSet])]
public sealed class GetAciServiceTraceCommand : AciTraceCommandBase
{
    /// <summary>Parameter set of <c>-Source</c>/<c>-Destination</c> as <c>namespace/name</c> (or pod/service objects).</summary>
    public const string ReferenceSet = "Reference";

    /// <summary>Parameter set of separate namespace and name parameters.</summary>
    public const string NameSet = "Name";

    /// <summary>Parameter set of a client outside the cluster reaching the Service's LoadBalancer IP or an external IP.</summary>
    public const string OutsideSet = "FromOutside";

    /// <summary>Parameter set of a client outside the cluster reaching the Service's node port on a node.</summary>
    public const string NodePortSet = "NodePort";

    /// <summary>
    /// <para type="description">Source pod as namespace/name (kubectl style); a bare name means the context's default namespace. Accepts pod objects from kubectl get pods -o json | ConvertFrom-Json.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ReferenceSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [KubeObjectReference(KubeObjectKind.Pod)]
    [ArgumentCompleter(typeof(PodCompleter))]
    public string Source { get; set; } = "";

    /// <summary>
    /// <para type="description">Destination Service as namespace/name; a bare name means the context's default namespace. Accepts a service object.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ReferenceSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = OutsideSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NodePortSet)]
    [KubeObjectReference(KubeObjectKind.Service)]
    [ArgumentCompleter(typeof(ServiceCompleter))]
    public string Destination { get; set; } = "";

    /// <summary>
    /// <para type="description">Namespace of the source pod. Defaults to the context's default namespace.</para>
    /// </summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? SourceNamespace { get; set; }

    /// <summary>
    /// <para type="description">Name of the source pod.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PodCompleter))]
    public string SourceName { get; set; } = "";

    /// <summary>
    /// <para type="description">Namespace of the destination Service. Defaults to the context's default namespace.</para>
    /// </summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? DestinationNamespace { get; set; }

    /// <summary>
    /// <para type="description">Name of the destination Service.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ServiceCompleter))]
    public string DestinationName { get; set; } = "";

    /// <summary>
    /// <para type="description">The IP address of a client outside the cluster: the packet arrives from the fabric on a node's uplink, on the service VLAN (with -Destination the Service; its LoadBalancer ingress IP by default). Not bound from pipeline rows (PowerShell would pick the pod-source parameter set for them): loop with ForEach-Object.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = OutsideSet)]
    [Parameter(Mandatory = true, ParameterSetName = NodePortSet)]
    [ValidateNotNullOrEmpty]
    public string? SourceAddress { get; set; }

    /// <summary>
    /// <para type="description">With -SourceAddress: send to this one of the Service's spec.externalIPs instead of its LoadBalancer ingress IP. ACI CNI does not program external IPs into OVS; the trace says so unless the node's external copy of the Service lists the address.</para>
    /// </summary>
    [Parameter(ParameterSetName = OutsideSet)]
    [ValidateNotNullOrEmpty]
    public string? ExternalIP { get; set; }

    /// <summary>
    /// <para type="description">With -SourceAddress and -Node: send to the Service's node port on that node. ACI CNI leaves node ports to the node's network stack (kube-proxy), not OVS; the trace says so unless the node's external copy of the Service lists the node port at the node's service IP.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = NodePortSet)]
    public SwitchParameter NodePort { get; set; }

    /// <summary>
    /// <para type="description">With -NodePort: the node whose node port the client reaches. Without it: trace on this node, as if the fabric's service graph sent the packet there (by default the first node that runs a ready backend).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = NodePortSet)]
    [Parameter(ParameterSetName = OutsideSet)]
    [ValidateNotNullOrEmpty]
    public string? Node { get; set; }

    /// <summary>
    /// <para type="description">Protocol of the simulated packet: Tcp (default) or Udp.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    public ProtocolName Protocol { get; set; }

    private bool FromOutside => ParameterSetName is OutsideSet or NodePortSet;

    private protected override TraceRequest BuildRequest()
    {
        var packet = PacketFields(Protocol);
        var packetOnly = new TraceRequest
        {
            Kind = TraceKind.Service,
            Protocol = packet.Protocol,
            SourcePort = packet.SourcePort,
            DestinationPort = packet.DestinationPort,
            IncludeReply = Reply,
        };
        if (FromOutside)
        {
            var service = ObjectReference.Parse(Destination, KubeObjectKind.Service, nameof(Destination));
            var request = packetOnly with
            {
                SourceAddress = SourceAddress,
                Entry = ParameterSetName == NodePortSet ? ServiceEntry.NodePort : ExternalIP is null ? ServiceEntry.LoadBalancer : ServiceEntry.ExternalIP,
                ExternalIp = ExternalIP,
                Node = Node,
                DestinationNamespace = service.Namespace,
                DestinationName = service.Name,
            };
            // The addresses and the node name are checked here, before any cluster call.
            RequestValidator.Validate(request);
            return request;
        }

        var (source, destination) = ParameterSetName == NameSet
            ? (ObjectReference.FromParts(SourceNamespace, SourceName, KubeObjectKind.Pod, nameof(SourceName)),
               ObjectReference.FromParts(DestinationNamespace, DestinationName, KubeObjectKind.Service, nameof(DestinationName)))
            : (ObjectReference.Parse(Source, KubeObjectKind.Pod, nameof(Source)),
               ObjectReference.Parse(Destination, KubeObjectKind.Service, nameof(Destination)));
        return packetOnly with
        {
            SourceNamespace = source.Namespace,
            SourceName = source.Name,
            DestinationNamespace = destination.Namespace,
            DestinationName = destination.Name,
        };
    }

    private protected override string DescribeInput() => ParameterSetName switch
    {
        NameSet => $"{Join(SourceNamespace, SourceName)} -> service {Join(DestinationNamespace, DestinationName)}",
        OutsideSet or NodePortSet => $"{SourceAddress} -> service {Destination}{(ParameterSetName == NodePortSet ? $" node port on {Node}" : ExternalIP is null ? "" : $" external IP {ExternalIP}")}{(ParameterSetName == OutsideSet && Node is not null ? $" on {Node}" : "")}",
        _ => $"{Source} -> service {Destination}",
    };

    private static string Join(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;
}
