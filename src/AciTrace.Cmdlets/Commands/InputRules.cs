using AciTrace.Engine;
using AciTrace.Packets;

namespace AciTrace.Commands;

/// <summary>
/// What the cmdlet layer adds to the engine's request rules (<see cref="RequestValidator"/>): reading an address
/// parameter with the message its parameter deserves, and what <c>-Quiet</c> counts as success.
/// </summary>
internal static class InputRules
{
    /// <summary>Parses an IPv4/IPv6 literal (no host names: the trace needs the exact address); returns its canonical text.</summary>
    public static string ParseAddress(string? text, string parameterName)
    {
        var value = (text ?? "").Trim();
        try
        {
            return InputValidation.ParseIPAddressStrict(value, parameterName).ToString();
        }
        catch (InputValidationException)
        {
            throw RequestValidator.InvalidPacketField($"-{parameterName} '{value}' is not an IPv4 or IPv6 address (host names are not resolved; give the address).", value);
        }
    }

    /// <summary>
    /// What <c>-Quiet</c> reports as success: the packet reached the destination pod (Deliver), or, for a destination
    /// outside the cluster, left the node towards it (Forward): an external address, or the client of a Service traced
    /// from outside (its reply, addressed to an IP address rather than a pod).
    /// </summary>
    public static bool IsSuccess(AciTraceSummary summary) =>
        summary.Verdict == TraceVerdict.Deliver
        || (summary.Verdict == TraceVerdict.Forward
            && ((summary.Direction == TraceDirection.Request && string.Equals(summary.Kind, nameof(TraceKind.External), StringComparison.OrdinalIgnoreCase))
                || (summary.Direction == TraceDirection.Reply && string.Equals(summary.Kind, nameof(TraceKind.Service), StringComparison.OrdinalIgnoreCase)
                    && System.Net.IPAddress.TryParse(summary.Destination, out _))));
}
