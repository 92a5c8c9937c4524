using System.Globalization;

namespace AciTrace.Commands;

/// <summary>
/// A TCP/UDP port as the user gave it: <c>-DestinationPort 80</c>, or a <c>DestinationPort</c> column of a CSV row or
/// JSON object. Conversion to this type never fails, so PowerShell always binds the value and the cmdlet checks it:
/// an unusable value (<c>abc</c>, <c>0</c>, <c>70000</c>) becomes an InvalidPacketField error for that input instead of
/// a binding failure that skips the row or a default the user never asked for. An empty cell means "not given".
/// </summary>
public readonly record struct PortNumber
{
    private PortNumber(string? text, int? value)
    {
        Text = text;
        Value = value;
    }

    /// <summary>The value as given (null when not given).</summary>
    public string? Text { get; }

    /// <summary>The port, when <see cref="Text"/> is a whole number from 1 to 65535.</summary>
    public int? Value { get; }

    /// <summary>True when a non-empty value was given.</summary>
    public bool IsGiven => Text is not null;

    /// <summary>True when given and usable as a port.</summary>
    public bool IsValid => Value is not null;

    /// <summary>PowerShell's conversion from a string (command line, CSV); never throws.</summary>
    public static PortNumber Parse(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return default;
        }

        return int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? FromNumber(n, trimmed) : new PortNumber(trimmed, null);
    }

    /// <summary>From an integer (typed on the command line, or a JSON number).</summary>
    public static implicit operator PortNumber(int value) => FromNumber(value, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>From a 64-bit integer (ConvertFrom-Json makes integers Int64).</summary>
    public static implicit operator PortNumber(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? (int)value : new PortNumber(value.ToString(CultureInfo.InvariantCulture), null);

    /// <summary>From a floating-point number: only whole numbers are ports.</summary>
    public static implicit operator PortNumber(double value) =>
        value == Math.Floor(value) && value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : new PortNumber(value.ToString(CultureInfo.InvariantCulture), null);

    private static PortNumber FromNumber(int n, string text) => new(text, n is >= 1 and <= 65535 ? n : null);

    /// <inheritdoc />
    public override string ToString() => Text ?? "";
}
