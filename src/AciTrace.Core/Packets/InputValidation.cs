using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AciTrace.Packets;

/// <summary>Which Kubernetes naming rule applies to a name.</summary>
public enum KubernetesNameKind
{
    /// <summary>DNS-1123 label: at most 63 characters of [a-z0-9-], starting and ending alphanumeric.</summary>
    Namespace = 0,
    /// <summary>DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123 labels.</summary>
    Pod,
    /// <summary>DNS-1035 label: like a DNS-1123 label but starting with a letter.</summary>
    Service,
    /// <summary>DNS-1123 subdomain.</summary>
    Node,
    /// <summary>DNS-1123 label.</summary>
    Container,
    /// <summary>DNS-1123 subdomain (EndpointSlices, NetworkPolicies and other objects).</summary>
    Object,
}

/// <summary>
/// Strict validators shared by every component that turns user or cluster input into command arguments.
/// Each Parse/Validate method throws <see cref="PacketValidationException"/> (or
/// <see cref="InputValidationException"/> with ErrorId <c>InvalidKubernetesName</c> for Kubernetes names)
/// naming the field and value; the Try variants never throw.
/// </summary>
public static class InputValidation
{
    /// <summary>Longest OVS port or bridge name accepted (Linux IFNAMSIZ 16 minus the terminator).</summary>
    public const int MaxPortNameLength = 15;

    /// <summary>
    /// Names OVS parses as reserved OpenFlow ports in <c>in_port=</c> (case-insensitively), so a port of that name
    /// could never be addressed by name.
    /// </summary>
    private static readonly HashSet<string> ReservedPortNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "LOCAL", "NONE", "ANY", "IN_PORT", "TABLE", "NORMAL", "FLOOD", "ALL", "CONTROLLER", "UNSET",
    };

    // ---- IPv4 ----------------------------------------------------------------------------------------

    /// <summary>
    /// Parses exactly four dot-separated decimal numbers 0-255 without leading zeros. Rejects what
    /// <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> and OVS would otherwise reinterpret:
    /// <c>10.1.0.999</c> (OVS wraps it to .231), <c>010.1.0.1</c> (octal in some parsers), <c>10.1</c>, hex forms.
    /// </summary>
    public static bool TryParseIPv4Strict(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text is null || text.Length is < 7 or > 15) return false;
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3) return false;
            foreach (char c in part)
                if (c is < '0' or > '9') return false;
            if (part.Length > 1 && part[0] == '0') return false;
            if (int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture) > 255) return false;
        }
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetwork) return false;
        address = parsed;
        return true;
    }

    /// <summary>Strict IPv4 parse (see <see cref="TryParseIPv4Strict"/>); throws naming <paramref name="field"/>.</summary>
    public static IPAddress ParseIPv4Strict(string? text, string field = "address")
    {
        if (text is null) throw new PacketValidationException(field, null, "an IPv4 address is required");
        if (!TryParseIPv4Strict(text, out var address))
            throw new PacketValidationException(field, text,
                "is not a valid IPv4 address (expected four decimal numbers 0-255 without leading zeros, e.g. 10.1.0.12)");
        return address;
    }

    // ---- IPv6 ----------------------------------------------------------------------------------------

    /// <summary>
    /// Parses an IPv6 address in standard notation: hex groups and colons, optionally ending in a strict dotted
    /// quad; no zone index (<c>%eth0</c>), brackets, prefix length or whitespace.
    /// </summary>
    public static bool TryParseIPv6Strict(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text is null || text.Length is < 2 or > 45 || !text.Contains(':')) return false;
        foreach (char c in text)
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.')) return false;
        int lastColon = text.LastIndexOf(':');
        if (text.Contains('.') && !TryParseIPv4Strict(text[(lastColon + 1)..], out _)) return false;
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6) return false;
        address = parsed;
        return true;
    }

    /// <summary>Strict IPv6 parse (see <see cref="TryParseIPv6Strict"/>); throws naming <paramref name="field"/>.</summary>
    public static IPAddress ParseIPv6Strict(string? text, string field = "address")
    {
        if (text is null) throw new PacketValidationException(field, null, "an IPv6 address is required");
        if (!TryParseIPv6Strict(text, out var address))
            throw new PacketValidationException(field, text,
                "is not a valid IPv6 address (expected e.g. fd00::12, without zone index or prefix length)");
        return address;
    }

    /// <summary>IPv6 if the text contains a colon, else strict IPv4.</summary>
    public static bool TryParseIPAddressStrict(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text is null) return false;
        return text.Contains(':') ? TryParseIPv6Strict(text, out address) : TryParseIPv4Strict(text, out address);
    }

    /// <summary>IPv6 if the text contains a colon, else strict IPv4; throws naming <paramref name="field"/>.</summary>
    public static IPAddress ParseIPAddressStrict(string? text, string field = "address")
    {
        if (text is null) throw new PacketValidationException(field, null, "an IP address is required");
        return text.Contains(':') ? ParseIPv6Strict(text, field) : ParseIPv4Strict(text, field);
    }

    // ---- MAC -----------------------------------------------------------------------------------------

    /// <summary>
    /// Parses six two-digit hex octets separated consistently by ':' or '-'; returns the lower-case colon form
    /// OVS prints (e.g. <c>02:00:00:00:00:0a</c>).
    /// </summary>
    public static bool TryParseMac(string? text, [NotNullWhen(true)] out string? mac)
    {
        mac = null;
        if (text is null || text.Length != 17) return false;
        char separator = text[2];
        if (separator is not (':' or '-')) return false;
        for (int i = 0; i < 17; i++)
        {
            char c = text[i];
            bool ok = i % 3 == 2 ? c == separator : char.IsAsciiHexDigit(c);
            if (!ok) return false;
        }
        mac = text.Replace('-', ':').ToLowerInvariant();
        return true;
    }

    /// <summary>See <see cref="TryParseMac"/>; throws naming <paramref name="field"/>.</summary>
    public static string ParseMac(string? text, string field = "mac")
    {
        if (text is null) throw new PacketValidationException(field, null, "a MAC address is required");
        if (!TryParseMac(text, out var mac))
            throw new PacketValidationException(field, text,
                "is not a valid MAC address (expected six two-digit hex octets, e.g. 02:00:0a:01:00:0c)");
        return mac;
    }

    // ---- numbers -------------------------------------------------------------------------------------

    /// <summary>A TCP/UDP port: 1-65535.</summary>
    public static int ValidatePort(int port, string field = "port")
    {
        if (port is < 1 or > 65535)
            throw new PacketValidationException(field, port.ToString(CultureInfo.InvariantCulture), "is not a valid port (1-65535)");
        return port;
    }

    /// <summary>An integer within [min, max].</summary>
    public static int ValidateRange(int value, int min, int max, string field)
    {
        if (value < min || value > max)
            throw new PacketValidationException(field, value.ToString(CultureInfo.InvariantCulture),
                $"is out of range ({min}-{max})");
        return value;
    }

    // ---- names ---------------------------------------------------------------------------------------

    /// <summary>
    /// True for an OVS port or bridge name usable in argv and inside a flow string: 1-15 characters of
    /// [A-Za-z0-9_.-], not starting with '-', not "." or "..", not all digits (would be read as a port number),
    /// not an OpenFlow reserved port name.
    /// </summary>
    public static bool IsValidPortName(string? name, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (string.IsNullOrEmpty(name)) { reason = "a name is required"; return false; }
        if (name.Length > MaxPortNameLength) { reason = $"is longer than {MaxPortNameLength} characters (Linux IFNAMSIZ)"; return false; }
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                reason = "contains characters other than letters, digits, '_', '.' and '-'";
                return false;
            }
        }
        if (name[0] == '-') { reason = "must not start with '-'"; return false; }
        if (name is "." or "..") { reason = "is not a valid interface name"; return false; }
        if (name.All(char.IsAsciiDigit)) { reason = "is all digits (give a port number instead)"; return false; }
        if (ReservedPortNames.Contains(name)) { reason = "is an OpenFlow reserved port name"; return false; }
        return true;
    }

    /// <summary>Validates an OVS port name (see <see cref="IsValidPortName"/>).</summary>
    public static string ValidatePortName(string? name, string field = "in_port")
    {
        if (!IsValidPortName(name, out var reason))
            throw new PacketValidationException(field, name, reason);
        return name!;
    }

    /// <summary>Validates an OVS bridge name (same rules as port names).</summary>
    public static string ValidateBridgeName(string? name, string field = "bridge") => ValidatePortName(name, field);

    /// <summary>True if <paramref name="name"/> satisfies the Kubernetes naming rule for <paramref name="kind"/>.</summary>
    public static bool IsValidKubernetesName(string? name, KubernetesNameKind kind, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (string.IsNullOrEmpty(name)) { reason = "a name is required"; return false; }
        switch (kind)
        {
            case KubernetesNameKind.Namespace:
            case KubernetesNameKind.Container:
                return IsDns1123Label(name, requireLetterFirst: false, out reason);
            case KubernetesNameKind.Service:
                return IsDns1123Label(name, requireLetterFirst: true, out reason);
            default:
                if (name.Length > 253) { reason = "is longer than 253 characters"; return false; }
                foreach (var label in name.Split('.'))
                {
                    if (!IsDns1123Label(label, requireLetterFirst: false, out reason))
                    {
                        reason = "is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit)";
                        return false;
                    }
                }
                return true;
        }
    }

    /// <summary>Validates a Kubernetes name; throws <see cref="InputValidationException"/> (InvalidKubernetesName).</summary>
    public static string ValidateKubernetesName(string? name, KubernetesNameKind kind, string field)
    {
        if (!IsValidKubernetesName(name, kind, out var reason))
            throw new InputValidationException(ErrorIds.InvalidKubernetesName, field, name, reason);
        return name!;
    }

    private static bool IsDns1123Label(string label, bool requireLetterFirst, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        string rule = requireLetterFirst
            ? "is not a DNS-1035 label (at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit)"
            : "is not a DNS-1123 label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit)";
        if (label.Length is 0 or > 63) { reason = rule; return false; }
        foreach (char c in label)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) { reason = rule; return false; }
        }
        if (label[0] == '-' || label[^1] == '-' || (requireLetterFirst && !char.IsAsciiLetterLower(label[0])))
        {
            reason = rule;
            return false;
        }
        return true;
    }
}
