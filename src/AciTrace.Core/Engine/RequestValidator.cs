using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>Checks a request before any cluster call; failures are <see cref="AciTraceException"/>s naming the field.</summary>
internal static class RequestValidator
{
    public static void Validate(TraceRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Name(r.SourceName, "Source", KubernetesNameKind.Pod);
        Namespace(r.SourceNamespace, "SourceNamespace");
        switch (r.Kind)
        {
            case TraceKind.Pod:
            case TraceKind.Service:
                Name(r.DestinationName, "Destination", r.Kind == TraceKind.Service ? KubernetesNameKind.Service : KubernetesNameKind.Pod);
                Namespace(r.DestinationNamespace, "DestinationNamespace");
                break;
            case TraceKind.External:
                if (string.IsNullOrWhiteSpace(r.DestinationAddress))
                    throw Invalid(ErrorIds.DestinationAddressRequired, "DestinationAddress", r.DestinationAddress, "an IP address is required");
                InputValidation.ParseIPAddressStrict(r.DestinationAddress, "DestinationAddress");
                break;
        }
        if (r.Protocol == TraceProtocol.Arp && r.Kind != TraceKind.Pod)
            throw Invalid(ErrorIds.ProtocolNotSupported, "Protocol", "Arp", "ARP is traced between pods only (Get-AciPodTrace -Protocol Arp)");
        if (r.Kind == TraceKind.Service && r.Protocol is not (TraceProtocol.Tcp or TraceProtocol.Udp))
            throw Invalid(ErrorIds.ProtocolNotSupported, "Protocol", r.Protocol.ToString(), "Services load-balance TCP and UDP only");
        var l4 = r.Protocol is TraceProtocol.Tcp or TraceProtocol.Udp;
        if (!l4 && (r.SourcePort is not null || r.DestinationPort is not null))
            throw Invalid(ErrorIds.PortWithoutTransport, r.SourcePort is not null ? "SourcePort" : "DestinationPort",
                (r.SourcePort ?? r.DestinationPort)!.Value.ToString(), $"ports apply to TCP and UDP only, not {r.Protocol}");
        if (r.SourcePort is int sp) InputValidation.ValidatePort(sp, "SourcePort");
        if (r.DestinationPort is int dp) InputValidation.ValidatePort(dp, "DestinationPort");
        if (r.Kind == TraceKind.External && l4 && r.DestinationPort is null)
            throw Invalid(ErrorIds.DestinationPortRequired, "DestinationPort", null, $"a {r.Protocol} trace to an external address needs -DestinationPort");
    }

    private static void Name(string? value, string field, KubernetesNameKind kind)
    {
        if (string.IsNullOrEmpty(value)) throw Invalid(ErrorIds.NameRequired, field, value, "a name is required");
        InputValidation.ValidateKubernetesName(value, kind, field);
    }

    private static void Namespace(string? value, string field)
    {
        if (!string.IsNullOrEmpty(value)) InputValidation.ValidateKubernetesName(value, KubernetesNameKind.Namespace, field);
    }

    private static AciTraceException Invalid(string id, string field, string? value, string why) =>
        new(id, AciErrorKind.InvalidArgument, $"{field}: '{value}' is not valid: {why}.", value ?? field);
}
