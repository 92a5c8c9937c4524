using System.Management.Automation;
using AciTrace.Commands.Completion;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Traces a packet from a pod to an address outside the cluster (SNAT, uplink or tunnel).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AciExternalTrace", DefaultParameterSetName = ReferenceSet)]
[OutputType(typeof(AciBridgePass), typeof(AciTableHop), typeof(AciTraceSummary), typeof(bool), ParameterSetName = [ReferenceSet, NameSet])]
public sealed class GetAciExternalTraceCommand : AciTraceCommandBase
{
    /// <summary>Parameter set of <c>-Source</c> as <c>namespace/name</c> (or pod objects).</summary>
    public const string ReferenceSet = "Reference";

    /// <summary>Parameter set of separate source namespace and name parameters.</summary>
    public const string NameSet = "Name";

    /// <summary>
    /// <para type="description">Source pod as namespace/name (kubectl style); a bare name means the context's default namespace. Accepts pod objects from kubectl get pods -o json | ConvertFrom-Json.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ReferenceSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [KubeObjectReference(KubeObjectKind.Pod)]
    [ArgumentCompleter(typeof(PodCompleter))]
    public string Source { get; set; } = "";

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
    /// <para type="description">Destination IPv4 or IPv6 address outside the cluster. Host names are not resolved.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("DestinationAddress")]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    /// <summary>
    /// <para type="description">Protocol of the simulated packet: Tcp (default), Udp, Icmp or Ip.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    public ProtocolName Protocol { get; set; }

    private protected override TraceRequest BuildRequest()
    {
        var packet = PacketFields(Protocol);
        var source = ParameterSetName == NameSet
            ? ObjectReference.FromParts(SourceNamespace, SourceName, KubeObjectKind.Pod, nameof(SourceName))
            : ObjectReference.Parse(Source, KubeObjectKind.Pod, nameof(Source));
        return new TraceRequest
        {
            Kind = TraceKind.External,
            SourceNamespace = source.Namespace,
            SourceName = source.Name,
            DestinationAddress = InputRules.ParseAddress(Destination, nameof(Destination)),
            Protocol = packet.Protocol,
            SourcePort = packet.SourcePort,
            DestinationPort = packet.DestinationPort,
            IncludeReply = Reply,
        };
    }

    private protected override string DescribeInput() => ParameterSetName == NameSet
        ? $"{(string.IsNullOrEmpty(SourceNamespace) ? SourceName : SourceNamespace + "/" + SourceName)} -> {Destination}"
        : $"{Source} -> {Destination}";
}
