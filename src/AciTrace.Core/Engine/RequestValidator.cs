using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>
/// The one home of the rules a trace request must meet before any cluster call: names by Kubernetes rules, which
/// protocols each kind of destination can be traced with, ports only where the protocol has them. Failures are
/// <see cref="AciTraceException"/>s naming the field; a packet that cannot be built is always InvalidPacketField.
/// </summary>
public static class RequestValidator
{
    /// <summary>Checks the whole request (the cmdlets have checked its packet fields already, naming their input).</summary>
    public static void Validate(TraceRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.FromOutside)
        {
            InputValidation.ParseIPAddressStrict(r.SourceAddress, "SourceAddress");
            if (r.Entry == ServiceEntry.ExternalIP) InputValidation.ParseIPAddressStrict(r.ExternalIp, "ExternalIP");
            if (r.Entry == ServiceEntry.NodePort || r.Node is not null) Name(r.Node, "Node", KubernetesNameKind.Node);
        }
        else
        {
            Name(r.SourceName, "Source", KubernetesNameKind.Pod);
            Namespace(r.SourceNamespace, "SourceNamespace");
        }
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
        CheckPacket(r.Kind, r.Protocol, r.SourcePort, r.DestinationPort, target: null);
        var l4 = r.Protocol is TraceProtocol.Tcp or TraceProtocol.Udp;
        if (r.Kind == TraceKind.External && l4 && r.DestinationPort is null)
            throw Invalid(ErrorIds.DestinationPortRequired, "DestinationPort", null, $"a {r.Protocol} trace to an external address needs -DestinationPort");
    }

    /// <summary>The protocols each trace kind supports (ARP only between pods; services are TCP/UDP load balancing).</summary>
    public static IReadOnlyList<TraceProtocol> AllowedProtocols(TraceKind kind) => kind switch
    {
        TraceKind.Pod => [TraceProtocol.Tcp, TraceProtocol.Udp, TraceProtocol.Icmp, TraceProtocol.Ip, TraceProtocol.Arp],
        TraceKind.Service => [TraceProtocol.Tcp, TraceProtocol.Udp],
        _ => [TraceProtocol.Tcp, TraceProtocol.Udp, TraceProtocol.Icmp, TraceProtocol.Ip],
    };

    /// <summary>
    /// Throws InvalidPacketField, with <paramref name="target"/> (the failing input) as target, when the protocol
    /// cannot be traced to this kind of destination or a port is given that the protocol does not have or that is
    /// outside 1-65535.
    /// </summary>
    public static void CheckPacket(TraceKind kind, TraceProtocol protocol, int? sourcePort, int? destinationPort, object? target)
    {
        var allowed = AllowedProtocols(kind);
        if (!allowed.Contains(protocol))
        {
            throw InvalidPacketField($"-Protocol {protocol} cannot be traced to a {KindWord(kind)}; use one of: {string.Join(", ", allowed)}.", target ?? protocol);
        }

        var hasPorts = protocol is TraceProtocol.Tcp or TraceProtocol.Udp;
        foreach (var (name, port) in new[] { ("SourcePort", sourcePort), ("DestinationPort", destinationPort) })
        {
            if (port is null) continue;
            if (!hasPorts) throw InvalidPacketField($"-{name} applies to Tcp and Udp only, not to {protocol}.", target ?? port);
            if (port is < 1 or > 65535) throw InvalidPacketField($"-{name} {port} is outside 1-65535.", target ?? port);
        }
    }

    /// <summary>An InvalidPacketField error about <paramref name="target"/> (the failing input).</summary>
    public static AciTraceException InvalidPacketField(string message, object? target) =>
        new AciTraceException(ErrorIds.InvalidPacketField, AciErrorKind.InvalidArgument, message, target);

    private static string KindWord(TraceKind kind) => kind switch
    {
        TraceKind.Pod => "pod",
        TraceKind.Service => "service",
        _ => "external address",
    };

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
