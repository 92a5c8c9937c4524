using System.Net;
using System.Net.Sockets;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// Checks the packet fields the user typed before any cluster call, so a wrong combination is reported with a
/// stable ErrorId (InvalidPacketField) instead of reaching kubectl.
/// </summary>
internal static class PacketRules
{
    /// <summary>Throws <see cref="AciTraceException"/> when the protocol/port combination cannot form a packet.</summary>
    public static void Check(TraceKind kind, TraceProtocol protocol, int? sourcePort, int? destinationPort, object target)
    {
        var allowed = AllowedProtocols(kind);
        if (!allowed.Contains(protocol))
        {
            throw Invalid($"-Protocol {protocol} cannot be traced to a {KindWord(kind)}; use one of: {string.Join(", ", allowed)}.", target);
        }

        var hasPorts = protocol is TraceProtocol.Tcp or TraceProtocol.Udp;
        foreach (var (name, port) in new[] { ("SourcePort", sourcePort), ("DestinationPort", destinationPort) })
        {
            if (port is null)
            {
                continue;
            }

            if (!hasPorts)
            {
                throw Invalid($"-{name} applies to Tcp and Udp only, not to {protocol}.", target);
            }

            if (port is < 1 or > 65535)
            {
                throw Invalid($"-{name} {port} is outside 1-65535.", target);
            }
        }
    }

    /// <summary>The protocols each trace kind supports (ARP only between pods; services are TCP/UDP load balancing).</summary>
    public static IReadOnlyList<TraceProtocol> AllowedProtocols(TraceKind kind) => kind switch
    {
        TraceKind.Pod => [TraceProtocol.Tcp, TraceProtocol.Udp, TraceProtocol.Icmp, TraceProtocol.Ip, TraceProtocol.Arp],
        TraceKind.Service => [TraceProtocol.Tcp, TraceProtocol.Udp],
        _ => [TraceProtocol.Tcp, TraceProtocol.Udp, TraceProtocol.Icmp, TraceProtocol.Ip],
    };

    /// <summary>Parses an IPv4/IPv6 literal (no host names: the trace needs the exact address); returns its canonical text.</summary>
    public static string ParseAddress(string? text, string parameterName)
    {
        var value = (text ?? "").Trim();
        if (IPAddress.TryParse(value, out var address)
            && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            && (address.AddressFamily == AddressFamily.InterNetworkV6 || value.Count(c => c == '.') == 3))
        {
            return address.ToString();
        }

        throw Invalid($"-{parameterName} '{value}' is not an IPv4 or IPv6 address (host names are not resolved; give the address).", value);
    }

    /// <summary>
    /// What <c>-Quiet</c> reports as success: the packet reached the destination pod (Deliver), or, for an external
    /// destination, left the node towards it (Forward).
    /// </summary>
    public static bool IsSuccess(AciTraceSummary summary) =>
        summary.Verdict == TraceVerdict.Deliver
        || (summary.Verdict == TraceVerdict.Forward
            && summary.Direction == TraceDirection.Request
            && string.Equals(summary.Kind, nameof(TraceKind.External), StringComparison.OrdinalIgnoreCase));

    private static string KindWord(TraceKind kind) => kind switch
    {
        TraceKind.Pod => "pod",
        TraceKind.Service => "service",
        _ => "external address",
    };

    /// <summary>An InvalidPacketField error about the input <paramref name="target"/>.</summary>
    public static AciTraceException Invalid(string message, object target) =>
        new(ErrorIds.InvalidPacketField, AciErrorKind.InvalidArgument, message, target);
}
