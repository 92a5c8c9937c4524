using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// The protocol of the simulated packet as the user gave it: <c>-Protocol Udp</c>, or a <c>Protocol</c> column
/// (<c>TCP</c>, <c>udp</c> as Kubernetes writes them). Like <see cref="PortNumber"/>, conversion never fails: an
/// unknown name (<c>Sctp</c>) is an InvalidPacketField error for that input, never a silent Tcp. Empty means not given.
/// </summary>
public readonly record struct ProtocolName
{
    private ProtocolName(string? text, TraceProtocol? value)
    {
        Text = text;
        Value = value;
    }

    /// <summary>The value as given (null when not given).</summary>
    public string? Text { get; }

    /// <summary>The protocol, when <see cref="Text"/> names one (case-insensitive; numbers are not names).</summary>
    public TraceProtocol? Value { get; }

    /// <summary>True when a non-empty value was given.</summary>
    public bool IsGiven => Text is not null;

    /// <summary>The names accepted, in their documented spelling.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<TraceProtocol>();

    /// <summary>PowerShell's conversion from a string; never throws.</summary>
    public static ProtocolName Parse(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return default;
        }

        var name = Names.FirstOrDefault(n => string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase));
        return new ProtocolName(trimmed, name is null ? null : Enum.Parse<TraceProtocol>(name));
    }

    /// <summary>From the engine's enum (scripts that pass <c>[AciTrace.Engine.TraceProtocol]::Udp</c>).</summary>
    public static implicit operator ProtocolName(TraceProtocol value) => new(value.ToString(), value);

    /// <inheritdoc />
    public override string ToString() => Text ?? "";
}
