using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace AciTrace.Lab.Spec;

/// <summary>An IPv4 or IPv6 CIDR with the host bits cleared.</summary>
public sealed record IpCidr(IPAddress Network, int PrefixLength)
{
    /// <summary>Parses "a.b.c.d/n" (or a bare address = /32, /128); false on any odd input.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out IpCidr? cidr)
    {
        cidr = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var ip) || !IsStrictAddress(parts[0], ip)) return false;
        var max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var len = max;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out len) || len < 0 || len > max)) return false;
        cidr = new IpCidr(Mask(ip, len), len);
        return true;
    }

    /// <summary>Rejects what IPAddress.TryParse accepts but a human would not mean (e.g. "10.1" or "10.1.0.999").</summary>
    public static bool IsStrictAddress(string text, IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetworkV6 ? text.Contains(':') : text.Split('.').Length == 4 && text.Split('.').All(o => o.Length is > 0 and <= 3 && o.All(char.IsAsciiDigit) && int.Parse(o) <= 255);

    /// <summary>Parses a strict IP address.</summary>
    public static bool TryParseAddress(string? text, [NotNullWhen(true)] out IPAddress? ip) =>
        IPAddress.TryParse(text ?? "", out ip) && IsStrictAddress(text!, ip);

    /// <summary>True when ip is inside this CIDR.</summary>
    public bool Contains(IPAddress ip) => ip.AddressFamily == Network.AddressFamily && Mask(ip, PrefixLength).Equals(Network);

    /// <summary>True when the other CIDR is entirely inside this one.</summary>
    public bool Contains(IpCidr other) => other.PrefixLength >= PrefixLength && Contains(other.Network);

    /// <summary>IPv4 flag.</summary>
    public bool IsV4 => Network.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>The address at offset n from the network address (IPv4 only).</summary>
    public IPAddress At(long n) => FromUInt32((uint)(ToUInt32(Network) + n));

    /// <summary>Number of addresses (IPv4 only).</summary>
    public long Size => 1L << (32 - PrefixLength);

    /// <inheritdoc />
    public override string ToString() => $"{Network}/{PrefixLength}";

    /// <summary>Clears the host bits.</summary>
    public static IPAddress Mask(IPAddress ip, int len)
    {
        var b = ip.GetAddressBytes();
        for (var i = 0; i < b.Length; i++)
        {
            var bits = Math.Clamp(len - i * 8, 0, 8);
            b[i] &= (byte)(0xff << (8 - bits));
        }
        return new IPAddress(b);
    }

    /// <summary>IPv4 to a host-order integer.</summary>
    public static uint ToUInt32(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    /// <summary>Host-order integer to IPv4.</summary>
    public static IPAddress FromUInt32(uint v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);

    /// <summary>This CIDR minus the given CIDRs, as a minimal list of CIDRs (IPv4).</summary>
    public IReadOnlyList<IpCidr> Subtract(IEnumerable<IpCidr> excepts)
    {
        var result = new List<IpCidr> { this };
        foreach (var ex in excepts)
        {
            var next = new List<IpCidr>();
            foreach (var c in result)
            {
                if (ex.Contains(c)) continue;
                if (!c.Contains(ex)) { next.Add(c); continue; }
                // split c until ex is isolated
                var cur = c;
                while (cur.PrefixLength < ex.PrefixLength)
                {
                    var lo = new IpCidr(cur.Network, cur.PrefixLength + 1);
                    var hi = new IpCidr(lo.At(lo.Size), cur.PrefixLength + 1);
                    if (lo.Contains(ex)) { next.Add(hi); cur = lo; } else { next.Add(lo); cur = hi; }
                }
            }
            result = next;
        }
        return result;
    }
}
