using System.Globalization;
using System.Net;
using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Packets;

/// <summary>
/// Random valid packets together with what the rendered flow must contain (<see cref="Case.Fields"/>) and what
/// OVS must echo back on its "Flow:" line (<see cref="Case.OvsEcho"/>), computed independently of the builder.
/// </summary>
public static class RandomPackets
{
    public sealed record Case(PacketSpec Spec, string Keyword, Dictionary<string, string> Fields, Dictionary<string, string> OvsEcho)
    {
        public override string ToString() => Keyword + " " + string.Join(",", Fields.Select(f => f.Key + "=" + f.Value));
    }

    private static readonly (string Name, int OfPort)[] Ports = { ("veth5a3b1c2d", 1), ("pod-b", 2), ("vxlan0", 200) };

    public static IEnumerable<Case> Generate(int seed, int count)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++) yield return One(rng);
    }

    private static Case One(Random rng)
    {
        var fields = new Dictionary<string, string>();
        var echo = new Dictionary<string, string>();
        var protocol = (PacketProtocol)rng.Next(0, 7);
        bool v6 = protocol is PacketProtocol.Icmp6 or PacketProtocol.Ipv6
            || (protocol is PacketProtocol.Ip or PacketProtocol.Tcp or PacketProtocol.Udp && rng.Next(2) == 0);
        var spec = new PacketSpec { InPort = PortRef.Numbered(1), Protocol = protocol };

        if (rng.Next(2) == 0)
        {
            var port = Ports[rng.Next(Ports.Length)];
            spec = spec with { InPort = PortRef.Named(port.Name) };
            fields["in_port"] = port.Name;
            echo["in_port"] = port.OfPort.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            int n = rng.Next(1, 65280);
            spec = spec with { InPort = PortRef.Numbered(n) };
            fields["in_port"] = echo["in_port"] = n.ToString(CultureInfo.InvariantCulture);
        }

        if (rng.Next(3) == 0)
        {
            ulong tunId = (ulong)rng.NextInt64(1, long.MaxValue) * (rng.Next(2) == 0 ? 1UL : 2UL);
            spec = spec with { TunId = tunId };
            fields["tun_id"] = echo["tun_id"] = "0x" + tunId.ToString("x");
            if (rng.Next(2) == 0)
            {
                string s = V4(rng), d = V4(rng);
                spec = spec with { TunSrc = s, TunDst = d };
                fields["tun_src"] = echo["tun_src"] = s;
                fields["tun_dst"] = echo["tun_dst"] = d;
                // OVS 3.1 leaves tun_id off its "Flow:" line once tun_src/tun_dst are set (it still matches on it;
                // see OvsTraceAcceptanceTests.TunIdIsMatchedWhenTunnelAddressesAreSet).
                echo.Remove("tun_id");
            }
        }

        string keyword = protocol switch
        {
            PacketProtocol.Ip => v6 ? "ipv6" : "ip",
            PacketProtocol.Ipv6 => "ipv6",
            PacketProtocol.Tcp => v6 ? "tcp6" : "tcp",
            PacketProtocol.Udp => v6 ? "udp6" : "udp",
            PacketProtocol.Icmp => "icmp",
            PacketProtocol.Icmp6 => "icmp6",
            _ => "arp",
        };

        if (rng.Next(2) == 0)
        {
            var (input, canonical) = Mac(rng);
            spec = spec with { EthSrc = input };
            fields["dl_src"] = echo["dl_src"] = canonical;
        }
        if (rng.Next(2) == 0)
        {
            var (input, canonical) = Mac(rng);
            spec = spec with { EthDst = input };
            fields["dl_dst"] = echo["dl_dst"] = canonical;
        }
        if (rng.Next(4) == 0)
        {
            int vid = rng.Next(0, 4096);
            int pcp = rng.Next(0, 8);
            spec = spec with { Vlan = new VlanSpec(vid, pcp) };
            fields["dl_vlan"] = echo["dl_vlan"] = vid.ToString(CultureInfo.InvariantCulture);
            fields["dl_vlan_pcp"] = echo["dl_vlan_pcp"] = pcp.ToString(CultureInfo.InvariantCulture);
        }

        if (protocol == PacketProtocol.Arp)
        {
            int op = rng.Next(1, 3);
            string spa = V4(rng), tpa = V4(rng);
            var (shaIn, sha) = Mac(rng);
            var (thaIn, tha) = Mac(rng);
            spec = spec with { ArpOp = op, ArpSpa = spa, ArpTpa = tpa, ArpSha = shaIn, ArpTha = thaIn };
            fields["arp_op"] = echo["arp_op"] = op.ToString(CultureInfo.InvariantCulture);
            fields["arp_spa"] = echo["arp_spa"] = spa;
            fields["arp_tpa"] = echo["arp_tpa"] = tpa;
            fields["arp_sha"] = echo["arp_sha"] = sha;
            fields["arp_tha"] = echo["arp_tha"] = tha;
        }
        else
        {
            string prefix = v6 ? "ipv6_" : "nw_";
            // Tcp/Udp/Ip pick their family from the addresses, so an IPv6 case needs at least one address.
            bool needAddress = v6 && protocol is PacketProtocol.Ip or PacketProtocol.Tcp or PacketProtocol.Udp;
            if (needAddress || rng.Next(4) != 0)
            {
                var (input, canonical) = v6 ? V6(rng) : (V4(rng), null);
                spec = spec with { SourceAddress = input };
                fields[prefix + "src"] = echo[prefix + "src"] = canonical ?? input;
            }
            if (rng.Next(4) != 0)
            {
                var (input, canonical) = v6 ? V6(rng) : (V4(rng), null);
                spec = spec with { DestinationAddress = input };
                fields[prefix + "dst"] = echo[prefix + "dst"] = canonical ?? input;
            }
            if (rng.Next(2) == 0)
            {
                int ttl = rng.Next(0, 256);
                spec = spec with { Ttl = ttl };
                fields["nw_ttl"] = echo["nw_ttl"] = ttl.ToString(CultureInfo.InvariantCulture);
            }
            if (protocol is PacketProtocol.Tcp or PacketProtocol.Udp)
            {
                string l4 = protocol == PacketProtocol.Tcp ? "tcp" : "udp";
                if (rng.Next(3) != 0)
                {
                    int sp = rng.Next(1, 65536);
                    spec = spec with { SourcePort = sp };
                    fields[l4 + "_src"] = echo["tp_src"] = sp.ToString(CultureInfo.InvariantCulture);
                }
                if (rng.Next(3) != 0)
                {
                    int dp = rng.Next(1, 65536);
                    spec = spec with { DestinationPort = dp };
                    fields[l4 + "_dst"] = echo["tp_dst"] = dp.ToString(CultureInfo.InvariantCulture);
                }
            }
            if (protocol is PacketProtocol.Icmp or PacketProtocol.Icmp6)
            {
                string name = protocol == PacketProtocol.Icmp ? "icmp" : "icmpv6";
                bool nd = protocol == PacketProtocol.Icmp6 && rng.Next(2) == 0;
                int type = nd ? rng.Next(135, 137) : rng.Next(0, 256);
                int code = nd ? 0 : rng.Next(0, 256);
                spec = spec with { IcmpType = type, IcmpCode = code };
                fields[name + "_type"] = echo["icmp_type"] = type.ToString(CultureInfo.InvariantCulture);
                fields[name + "_code"] = echo["icmp_code"] = code.ToString(CultureInfo.InvariantCulture);
                if (nd)
                {
                    var (target, canonical) = V6(rng);
                    var (llIn, ll) = Mac(rng);
                    spec = spec with { NdTarget = target };
                    fields["nd_target"] = echo["nd_target"] = canonical;
                    if (type == 135) { spec = spec with { NdSll = llIn }; fields["nd_sll"] = echo["nd_sll"] = ll; }
                    else { spec = spec with { NdTll = llIn }; fields["nd_tll"] = echo["nd_tll"] = ll; }
                }
            }
        }

        if (rng.Next(3) == 0)
        {
            var states = new[] { "trk", "trk|new", "trk|est", "trk|est|rpl", "trk|rel", "trk|inv", "trk|est|snat|dnat" };
            string state = states[rng.Next(states.Length)];
            spec = spec with { CtState = CtStateSet.Parse(state) };
            fields["ct_state"] = state;
        }
        if (rng.Next(3) == 0)
        {
            uint mark = (uint)rng.NextInt64(1, uint.MaxValue + 1L);
            spec = spec with { CtMark = mark };
            fields["ct_mark"] = echo["ct_mark"] = "0x" + mark.ToString("x");
        }
        if (rng.Next(3) == 0)
        {
            int zone = rng.Next(1, 65536);
            spec = spec with { CtZone = zone };
            fields["ct_zone"] = echo["ct_zone"] = zone.ToString(CultureInfo.InvariantCulture);
        }
        if (rng.Next(2) == 0)
        {
            var regs = new Dictionary<int, uint>();
            for (int r = rng.Next(1, 5); r > 0; r--) regs[rng.Next(0, 16)] = (uint)rng.NextInt64(1, uint.MaxValue + 1L);
            spec = spec with { Registers = regs };
            foreach (var (k, v) in regs) fields["reg" + k] = echo["reg" + k] = "0x" + v.ToString("x");
        }
        if (rng.Next(3) == 0)
        {
            ulong md = (ulong)rng.NextInt64(1, long.MaxValue);
            spec = spec with { Metadata = md };
            fields["metadata"] = echo["metadata"] = "0x" + md.ToString("x");
        }
        return new Case(spec, keyword, fields, echo);
    }

    private static string V4(Random rng) =>
        string.Join('.', Enumerable.Range(0, 4).Select(_ => rng.Next(0, 256).ToString(CultureInfo.InvariantCulture)));

    /// <summary>Full uncompressed upper-case input; the canonical form is RFC 5952 (what OVS prints).</summary>
    private static (string Input, string Canonical) V6(Random rng)
    {
        var groups = Enumerable.Range(0, 8).Select(_ => rng.Next(3) == 0 ? 0 : rng.Next(0, 65536)).ToArray();
        string input = string.Join(':', groups.Select(g => g.ToString("X4")));
        return (input, Rfc5952(groups));
    }

    /// <summary>Independent RFC 5952 formatter: longest run (>= 2) of zero groups becomes "::", first one on ties.</summary>
    private static string Rfc5952(int[] g)
    {
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8;)
        {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        string Hex(IEnumerable<int> xs) => string.Join(':', xs.Select(x => x.ToString("x")));
        // Like glibc inet_ntop (what OVS prints): IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) forms.
        if (bestStart == 0 && (bestLen == 6 || (bestLen == 5 && g[5] == 0xffff)))
            return "::" + (bestLen == 5 ? "ffff:" : "") + $"{g[6] >> 8}.{g[6] & 0xff}.{g[7] >> 8}.{g[7] & 0xff}";
        if (bestStart < 0) return Hex(g);
        return Hex(g.Take(bestStart)) + "::" + Hex(g.Skip(bestStart + bestLen));
    }

    private static (string Input, string Canonical) Mac(Random rng)
    {
        var bytes = new byte[6];
        rng.NextBytes(bytes);
        string canonical = string.Join(':', bytes.Select(b => b.ToString("x2")));
        string input = rng.Next(3) switch
        {
            0 => canonical.ToUpperInvariant(),
            1 => canonical.Replace(':', '-'),
            _ => canonical,
        };
        return (input, canonical);
    }

    /// <summary>Splits "a=b,kw,c=d" into keyword list and key/value pairs, asserting no key repeats.</summary>
    public static (List<string> Keywords, Dictionary<string, string> Fields, List<string> Order) Split(string flow)
    {
        var keywords = new List<string>();
        var fields = new Dictionary<string, string>();
        var order = new List<string>();
        foreach (var token in flow.Split(','))
        {
            int eq = token.IndexOf('=');
            if (eq < 0) { keywords.Add(token); order.Add(token); continue; }
            Assert.True(fields.TryAdd(token[..eq], token[(eq + 1)..]), $"field {token[..eq]} repeated in {flow}");
            order.Add(token[..eq]);
        }
        return (keywords, fields, order);
    }

    // IPAddress is referenced so the test can assert the canonical form agrees with .NET too.
    public static string DotNetCanonical(string address) => IPAddress.Parse(address).ToString();
}
