using System.Diagnostics.CodeAnalysis;

namespace AciTrace.Packets;

/// <summary>
/// A conservative shape check of a rendered flow string and of ofproto/trace options, used as a second line of
/// defence before a command leaves the process (the read-only command policy calls it). It accepts what
/// <see cref="FlowStringBuilder"/> produces: comma-separated protocol keywords and <c>field=value</c> pairs with known
/// field names and values made of [A-Za-z0-9_.:|-].
/// </summary>
public static class FlowSyntax
{
    /// <summary>Longest flow string accepted.</summary>
    public const int MaxLength = 2048;

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "ip", "ipv6", "tcp", "tcp6", "udp", "udp6", "icmp", "icmp6", "arp",
    };

    private static readonly HashSet<string> FieldNames = BuildFieldNames();

    private static HashSet<string> BuildFieldNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal)
        {
            "in_port", "tun_id", "tun_src", "tun_dst", "dl_src", "dl_dst", "dl_vlan", "dl_vlan_pcp", "vlan_tci",
            "nw_src", "nw_dst", "ipv6_src", "ipv6_dst", "nw_ttl", "nw_tos", "tcp_src", "tcp_dst", "udp_src", "udp_dst",
            "tp_src", "tp_dst", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code", "nd_target", "nd_sll", "nd_tll",
            "arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha", "ct_state", "ct_mark", "ct_zone", "metadata",
        };
        for (int i = 0; i < 16; i++) names.Add("reg" + i);
        return names;
    }

    /// <summary>True if <paramref name="flow"/> has the shape of a trace flow; otherwise why not.</summary>
    public static bool IsWellFormed(string? flow, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (string.IsNullOrEmpty(flow)) { reason = "the flow is empty"; return false; }
        if (flow.Length > MaxLength) { reason = $"the flow is longer than {MaxLength} characters"; return false; }
        foreach (var token in flow.Split(','))
        {
            if (Keywords.Contains(token)) continue;
            int eq = token.IndexOf('=');
            if (eq <= 0) { reason = $"'{InputValidationException.Printable(token)}' is neither a protocol keyword nor field=value"; return false; }
            string name = token[..eq];
            string value = token[(eq + 1)..];
            if (!FieldNames.Contains(name)) { reason = $"'{InputValidationException.Printable(name)}' is not an allowed trace field"; return false; }
            if (value.Length == 0 || value[0] == '-') { reason = $"field '{name}' has an empty or option-like value"; return false; }
            foreach (char c in value)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '|' or '-'))
                {
                    reason = $"field '{name}' has a value with a character outside [A-Za-z0-9_.:|-]";
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>True if <paramref name="options"/> is a sequence of <c>--ct-next STATE</c> pairs with valid states.</summary>
    public static bool AreValidTraceOptions(IReadOnlyList<string> options, int start, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        for (int i = start; i < options.Count; i += 2)
        {
            if (options[i] != "--ct-next") { reason = $"option '{InputValidationException.Printable(options[i])}' is not allowed (only --ct-next)"; return false; }
            if (i + 1 >= options.Count) { reason = "--ct-next needs a value"; return false; }
            string value = options[i + 1];
            if (value.Contains('|') || value.StartsWith('+') || !CtStateSet.TryParse(value, out _))
            {
                reason = $"--ct-next value '{InputValidationException.Printable(value)}' is not a valid conntrack state like trk,est";
                return false;
            }
        }
        return true;
    }
}
