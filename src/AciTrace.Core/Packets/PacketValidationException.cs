using System.Text;
using AciTrace.Engine;

namespace AciTrace.Packets;

/// <summary>
/// A user or cluster supplied value failed validation before any command ran. The message names the field and the
/// offending value, e.g. <c>nw_dst: '10.1.0.999' is not a valid IPv4 address</c>.
/// </summary>
public class InputValidationException : AciTraceException
{
    public InputValidationException(string errorId, string field, string? value, string reason)
        : base(errorId, AciErrorKind.InvalidArgument, FormatMessage(field, value, reason), value)
    {
        Field = field;
        Value = value;
        Reason = reason;
    }

    /// <summary>The field (OVS field name such as <c>nw_dst</c>, or a parameter name).</summary>
    public string Field { get; }

    /// <summary>The rejected value as given (null when the value was missing).</summary>
    public string? Value { get; }

    /// <summary>Why the value was rejected, without the field and value.</summary>
    public string Reason { get; }

    private static string FormatMessage(string field, string? value, string reason) =>
        value is null ? $"{field}: {reason}" : $"{field}: '{Printable(value)}' {reason}";

    /// <summary>Control characters are shown escaped so a hostile value cannot rewrite the terminal.</summary>
    internal static string Printable(string value)
    {
        const int MaxShown = 120;
        var sb = new StringBuilder(Math.Min(value.Length, MaxShown) + 8);
        foreach (char c in value.Length > MaxShown ? value[..MaxShown] : value)
        {
            if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        if (value.Length > MaxShown) sb.Append("...");
        return sb.ToString();
    }
}

/// <summary>A packet field (address, MAC, port, name, number) is invalid. ErrorId <c>InvalidPacketField</c>.</summary>
public sealed class PacketValidationException : InputValidationException
{
    public PacketValidationException(string field, string? value, string reason)
        : base(ErrorIds.InvalidPacketField, field, value, reason)
    {
    }
}
