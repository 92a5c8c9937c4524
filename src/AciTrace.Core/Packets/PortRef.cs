using System.Globalization;

namespace AciTrace.Packets;

/// <summary>An OpenFlow port given by name (e.g. <c>veth5a3b1c2d</c>, <c>vxlan0</c>) or by number (1-65279).</summary>
public sealed record PortRef
{
    /// <summary>Highest OpenFlow port number OVS assigns to a port (ofport_request range 1-65279).</summary>
    public const int MaxPortNumber = 65279;

    private PortRef(string? name, int? number)
    {
        Name = name;
        Number = number;
    }

    /// <summary>Port name, when the port is referenced by name.</summary>
    public string? Name { get; }

    /// <summary>OpenFlow port number, when the port is referenced by number.</summary>
    public int? Number { get; }

    /// <summary>A port referenced by name (validated when rendered).</summary>
    public static PortRef Named(string name) => new(name ?? throw new ArgumentNullException(nameof(name)), null);

    /// <summary>A port referenced by OpenFlow number (validated when rendered).</summary>
    public static PortRef Numbered(int number) => new(null, number);

    /// <summary>Text of only ASCII digits becomes a number, anything else a name.</summary>
    public static PortRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit))
            return Numbered(int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
        return Named(text);
    }

    /// <summary>Validates and returns the <c>in_port</c> value text.</summary>
    public string Render(string field = "in_port")
    {
        if (Number is int n)
        {
            InputValidation.ValidateRange(n, 1, MaxPortNumber, field);
            return n.ToString(CultureInfo.InvariantCulture);
        }
        return InputValidation.ValidatePortName(Name, field);
    }

    /// <inheritdoc />
    public override string ToString() => Number?.ToString(CultureInfo.InvariantCulture) ?? Name ?? "";
}

/// <summary>An 802.1Q tag: VLAN id 0-4095 and optional priority 0-7.</summary>
public sealed record VlanSpec(int Vid, int? Pcp = null);
