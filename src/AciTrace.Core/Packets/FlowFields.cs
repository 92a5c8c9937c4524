namespace AciTrace.Packets;

/// <summary>
/// Reads fields of an OVS flow string as <c>ofproto/trace</c> prints it on its <c>Flow:</c> line or as given to it
/// (<c>tcp,in_port=3,dl_src=..,nw_src=10.2.0.11,tp_dst=80</c>): <c>name=value</c> pairs and bare protocol words.
/// </summary>
public static class FlowFields
{
    private static readonly string[] ProtocolWords = ["tcp", "udp", "icmp", "arp", "tcp6", "udp6", "icmp6", "ipv6", "ip", "sctp", "sctp6"];

    /// <summary>The value of <paramref name="field"/>, or null.</summary>
    public static string? Value(string? flow, string field)
    {
        if (string.IsNullOrEmpty(flow)) return null;
        foreach (var part in flow.Split(','))
        {
            var item = part.Trim();
            if (item.Length > field.Length && item[field.Length] == '=' && item.StartsWith(field, StringComparison.Ordinal))
                return item[(field.Length + 1)..];
        }
        return null;
    }

    /// <summary>The first of several fields that is present (<c>nw_src</c>, <c>ipv6_src</c>, <c>arp_spa</c>).</summary>
    public static string? FirstValue(string? flow, params string[] fields) =>
        fields.Select(f => Value(flow, f)).FirstOrDefault(v => v is not null);

    /// <summary>The packet's source address (IPv4, IPv6 or ARP sender).</summary>
    public static string? SourceAddress(string? flow) => FirstValue(flow, "nw_src", "ipv6_src", "arp_spa");

    /// <summary>The packet's destination address (IPv4, IPv6 or ARP target).</summary>
    public static string? DestinationAddress(string? flow) => FirstValue(flow, "nw_dst", "ipv6_dst", "arp_tpa");

    /// <summary>The protocol word of the flow (<c>tcp</c>, <c>udp6</c>, <c>arp</c>...), or null.</summary>
    public static string? ProtocolWord(string? flow) =>
        string.IsNullOrEmpty(flow) ? null : flow.Split(',').Select(p => p.Trim()).FirstOrDefault(p => ProtocolWords.Contains(p));

    /// <summary>The L4 source port (<c>tp_src</c>, <c>tcp_src</c>, <c>udp_src</c>), or null.</summary>
    public static int? SourcePort(string? flow) => Port(FirstValue(flow, "tp_src", "tcp_src", "udp_src"));

    /// <summary>The L4 destination port (<c>tp_dst</c>, <c>tcp_dst</c>, <c>udp_dst</c>), or null.</summary>
    public static int? DestinationPort(string? flow) => Port(FirstValue(flow, "tp_dst", "tcp_dst", "udp_dst"));

    private static int? Port(string? text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 65535 ? n : null;

    /// <summary>A register or conntrack mark as OVS prints it (<c>0x8c8010</c> or decimal); null when it is neither.</summary>
    public static uint? ParseMark(string? text)
    {
        if (text is null) return null;
        var t = text.Trim();
        return t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(t[2..], System.Globalization.NumberStyles.HexNumber, null, out var h) ? h : null
            : uint.TryParse(t, out var d) ? d : null;
    }
}
