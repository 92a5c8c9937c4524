using System.Globalization;
using System.Net;
using System.Text;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.Generation;

/// <summary>One OpenFlow flow in ovs-ofctl add-flows syntax.</summary>
public sealed record OfFlow(int Table, int Priority, ulong Cookie, bool SendFlowRem, string Match, string Actions)
{
    /// <summary>The identity OVS uses for a flow: table, priority and match.</summary>
    public string Key => $"{Table}|{Priority}|{Match}";

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("table=").Append(Table).Append(",priority=").Append(Priority);
        if (Cookie != 0) sb.Append(",cookie=0x").Append(Cookie.ToString("x", CultureInfo.InvariantCulture));
        if (SendFlowRem) sb.Append(",send_flow_rem");
        if (Match.Length > 0) sb.Append(',').Append(Match);
        return sb.Append(",actions=").Append(Actions).ToString();
    }
}

/// <summary>An ordered flow list that, like the switch, keeps one flow per (table, priority, match).</summary>
public sealed class FlowList
{
    private readonly List<OfFlow> _flows = [];
    private readonly HashSet<string> _keys = [];

    /// <summary>Flows in insertion order.</summary>
    public IReadOnlyList<OfFlow> Flows => _flows;

    /// <summary>Adds a flow unless one with the same key exists (the first one wins).</summary>
    public void Add(int table, int priority, string match, string actions, ulong cookie = 0, bool sendFlowRem = false)
    {
        var f = new OfFlow(table, priority, cookie, sendFlowRem, match, actions);
        if (_keys.Add(f.Key)) _flows.Add(f);
    }
}

/// <summary>Constants and text builders of the opflex agent's flows.</summary>
public static class Of
{
    /// <summary>Virtual router MAC.</summary>
    public const string RouterMac = "00:22:bd:f8:19:ff";
    /// <summary>TABLE_DROP cookie.</summary>
    public const ulong TableDropCookie = 0x4000000000000000;
    /// <summary>RD policy drop cookie.</summary>
    public const ulong RdPolDropCookie = 0xc00000000000000c;
    /// <summary>DEF_COOKIE(v) = 1&lt;&lt;63 | v.</summary>
    public static ulong DefCookie(int v) => 0x8000000000000000UL | (uint)v;

    /// <summary>TLV map for the drop-log tun_metadata fields (both bridges).</summary>
    public const string TlvMap =
        "{class=0xffff,type=0,len=4}->tun_metadata0,{class=0xffff,type=1,len=4}->tun_metadata1,{class=0xffff,type=2,len=4}->tun_metadata2," +
        "{class=0xffff,type=3,len=4}->tun_metadata3,{class=0xffff,type=4,len=4}->tun_metadata4,{class=0xffff,type=5,len=4}->tun_metadata5," +
        "{class=0xffff,type=6,len=4}->tun_metadata6,{class=0xffff,type=7,len=4}->tun_metadata7,{class=0xffff,type=8,len=4}->tun_metadata8," +
        "{class=0xffff,type=9,len=4}->tun_metadata9,{class=0xffff,type=10,len=4}->tun_metadata10,{class=0xffff,type=11,len=16}->tun_metadata11," +
        "{class=0xffff,type=12,len=4}->tun_metadata12,{class=0xffff,type=13,len=4}->tun_metadata13,{class=0xffff,type=14,len=8}->tun_metadata14";

    /// <summary>ActionBuilder::dropLog(table, reason NO_MATCH) as OVS prints it with the TLV map installed.</summary>
    public static string DropLog(int table)
    {
        var sb = new StringBuilder();
        for (var r = 0; r < 8; r++) sb.Append($"move:NXM_NX_REG{r}[]->NXM_NX_TUN_METADATA{r}[0..31],");
        sb.Append("move:NXM_NX_CT_STATE[]->NXM_NX_TUN_METADATA8[0..31],move:NXM_NX_CT_ZONE[]->NXM_NX_TUN_METADATA9[0..15],");
        sb.Append("move:NXM_NX_CT_MARK[]->NXM_NX_TUN_METADATA10[0..31],move:NXM_NX_CT_LABEL[]->NXM_NX_TUN_METADATA11[0..127],");
        sb.Append($"set_field:0x{table:x}->tun_metadata12,set_field:0->tun_metadata13");
        return sb.ToString();
    }

    /// <summary>"0x.." hex of a number.</summary>
    public static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>IPv4 as hex for load actions.</summary>
    public static string Hex(IPAddress ip) => Hex(IpCidr.ToUInt32(ip));

    /// <summary>MAC as hex for load actions.</summary>
    public static string MacHex(string mac) => Hex(ulong.Parse(mac.Replace(":", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    /// <summary>The EUI-64 IPv6 link-local address of a MAC.</summary>
    public static IPAddress LinkLocal(string mac)
    {
        var m = mac.Split(':').Select(x => byte.Parse(x, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        var b = new byte[16];
        b[0] = 0xfe; b[1] = 0x80;
        b[8] = (byte)(m[0] ^ 0x02); b[9] = m[1]; b[10] = m[2]; b[11] = 0xff; b[12] = 0xfe; b[13] = m[3]; b[14] = m[4]; b[15] = m[5];
        return new IPAddress(b);
    }

    /// <summary>RangeMask::getMasks: a port range as value/mask pairs (mask 0xffff = exact).</summary>
    public static IReadOnlyList<(int Value, int Mask)> RangeMasks(int from, int to)
    {
        var result = new List<(int, int)>();
        var start = from;
        while (start <= to)
        {
            var size = 1;
            while ((start & (size * 2 - 1)) == 0 && start + size * 2 - 1 <= to && size < 0x10000) size *= 2;
            result.Add((start, 0xffff & ~(size - 1)));
            start += size;
        }
        return result;
    }

    /// <summary>A tp_src/tp_dst match term for a value/mask.</summary>
    public static string PortTerm(string field, (int Value, int Mask) m) =>
        m.Mask == 0xffff ? $"{field}={m.Value}" : $"{field}={Hex((ulong)m.Value)}/{Hex((ulong)m.Mask)}";

    /// <summary>ovs-ofctl shorthand for an ethertype (+protocol).</summary>
    public static string Proto(string etherT, int? proto) => (etherT, proto) switch
    {
        ("arp", _) => "arp",
        ("ipv4", 6) => "tcp",
        ("ipv4", 17) => "udp",
        ("ipv4", 1) => "icmp",
        ("ipv4", 132) => "sctp",
        ("ipv4", null) => "ip",
        ("ipv4", var p) => $"ip,nw_proto={p}",
        ("ipv6", 6) => "tcp6",
        ("ipv6", 17) => "udp6",
        ("ipv6", 58) => "icmp6",
        ("ipv6", 132) => "sctp6",
        ("ipv6", null) => "ipv6",
        ("ipv6", var p) => $"ipv6,nw_proto={p}",
        _ => "",
    };

    /// <summary>Joins non-empty match terms.</summary>
    public static string M(params string?[] terms) => string.Join(",", terms.Where(t => !string.IsNullOrEmpty(t)));
}
