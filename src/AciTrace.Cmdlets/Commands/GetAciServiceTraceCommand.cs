using System.Management.Automation;
using AciTrace.Commands.Completion;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Traces a packet from a pod to a Kubernetes Service: load balancing (DNAT) to a backend, then delivery.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AciServiceTrace", DefaultParameterSetName = ReferenceSet)]
[OutputType(typeof(AciBridgePass), typeof(AciTableHop), typeof(AciTraceSummary), typeof(bool), ParameterSetName = [ReferenceSet, NameSet])]
public sealed class GetAciServiceTraceCommand : AciTraceCommandBase
{
    /// <summary>Parameter set of <c>-Source</c>/<c>-Destination</c> as <c>namespace/name</c> (or pod/service objects).</summary>
    public const string ReferenceSet = "Reference";

    /// <summary>Parameter set of separate namespace and name parameters.</summary>
    public const string NameSet = "Name";

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
    /// <para type="description">Protocol of the simulated packet: Tcp (default) or Udp.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    public ProtocolName Protocol { get; set; }

    private protected override TraceRequest BuildRequest()
    {
        var packet = PacketFields(Protocol);
        var (source, destination) = ParameterSetName == NameSet
            ? (ObjectReference.FromParts(SourceNamespace, SourceName, KubeObjectKind.Pod, nameof(SourceName)),
               ObjectReference.FromParts(DestinationNamespace, DestinationName, KubeObjectKind.Service, nameof(DestinationName)))
            : (ObjectReference.Parse(Source, KubeObjectKind.Pod, nameof(Source)),
               ObjectReference.Parse(Destination, KubeObjectKind.Service, nameof(Destination)));
        return new TraceRequest
        {
            Kind = TraceKind.Service,
            SourceNamespace = source.Namespace,
            SourceName = source.Name,
            DestinationNamespace = destination.Namespace,
            DestinationName = destination.Name,
            Protocol = packet.Protocol,
            SourcePort = packet.SourcePort,
            DestinationPort = packet.DestinationPort,
            IncludeReply = Reply,
        };
    }

    private protected override string DescribeInput() => ParameterSetName == NameSet
        ? $"{Join(SourceNamespace, SourceName)} -> service {Join(DestinationNamespace, DestinationName)}"
        : $"{Source} -> service {Destination}";

    private static string Join(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;
}
