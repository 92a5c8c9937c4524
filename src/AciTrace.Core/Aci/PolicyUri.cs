using System.Text;

namespace AciTrace.Aci;

/// <summary>
/// Opflex MODB URIs: <c>/PolicyUniverse/PolicySpace/&lt;tenant&gt;/GbpEpGroup/&lt;name&gt;/</c>. Naming values are
/// escaped as libopflex's URIBuilder does: letters, digits and <c>-_.~</c> stay, every other byte of the UTF-8 form
/// becomes <c>%xx</c> in lowercase hex (so <c>|</c> is <c>%7c</c>).
/// </summary>
public static class PolicyUri
{
    /// <summary>Root of all policy-space objects.</summary>
    public const string PolicySpaceRoot = "/PolicyUniverse/PolicySpace/";

    /// <summary>Escapes one naming value.</summary>
    public static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')) sb.Append(c);
            else sb.Append('%').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Undoes <see cref="Encode"/> (any case of hex); malformed escapes are kept literally.</summary>
    public static string Decode(string segment)
    {
        if (segment.IndexOf('%') < 0) return segment;
        var sb = new StringBuilder(segment.Length);
        var pending = new List<byte>();
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%' && i + 2 < segment.Length && IsHex(segment[i + 1]) && IsHex(segment[i + 2]))
            {
                pending.Add((byte)(HexVal(segment[i + 1]) * 16 + HexVal(segment[i + 2])));
                i += 2;
                continue;
            }
            Flush();
            sb.Append(c);
        }
        Flush();
        return sb.ToString();

        void Flush()
        {
            if (pending.Count == 0) return;
            sb.Append(Encoding.UTF8.GetString(pending.ToArray()));
            pending.Clear();
        }
    }

    /// <summary>
    /// Canonical form used for lookups: each segment decoded and re-escaped the opflex way, so <c>%7C</c>,
    /// <c>%7c</c> and needlessly escaped letters all compare equal; a missing trailing slash is added.
    /// </summary>
    public static string Canonical(string uri)
    {
        if (string.IsNullOrEmpty(uri)) return "";
        var parts = uri.Split('/');
        var sb = new StringBuilder(uri.Length + 4);
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) sb.Append('/');
            sb.Append(Encode(Decode(parts[i])));
        }
        if (sb[^1] != '/') sb.Append('/');
        return sb.ToString();
    }

    /// <summary>URI of a named object directly under a policy space, e.g. <c>(kube, GbpEpGroup, kube|app-a)</c>.</summary>
    public static string InPolicySpace(string policySpace, string className, string name) =>
        PolicySpaceRoot + Encode(policySpace) + "/" + className + "/" + Encode(name) + "/";

    /// <summary>URI of an EPG.</summary>
    public static string Epg(string policySpace, string epgName) => InPolicySpace(policySpace, "GbpEpGroup", epgName);

    /// <summary>URI of an EPG's GbpeInstContext (which holds the VNID as <c>encapId</c>).</summary>
    public static string EpgInstContext(string policySpace, string epgName) => Epg(policySpace, epgName) + "GbpeInstContext/";

    /// <summary>Decoded non-empty segments of a URI.</summary>
    public static IReadOnlyList<string> Segments(string uri) =>
        uri.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Decode).ToArray();

    /// <summary>The policy space (tenant) of a URI under <c>/PolicyUniverse/PolicySpace/</c>, else null.</summary>
    public static string? PolicySpaceOf(string uri)
    {
        var s = Segments(uri);
        return s.Count >= 3 && s[0] == "PolicyUniverse" && s[1] == "PolicySpace" ? s[2] : null;
    }

    /// <summary>The decoded value after the first segment equal to <paramref name="className"/>, else null.</summary>
    public static string? NameAfter(string uri, string className)
    {
        var s = Segments(uri);
        for (var i = 0; i + 1 < s.Count; i++)
            if (s[i] == className) return s[i + 1];
        return null;
    }

    /// <summary>
    /// A short readable name for an id-file key or a policy URI: <c>tenant/name</c> of the last named object
    /// (<c>/PolicyUniverse/PolicySpace/kube/GbpBridgeDomain/pod-bd/</c> gives <c>kube/pod-bd</c>); comma-joined
    /// URIs (security-group sets) give a comma-separated list; the empty key gives <c>(none)</c>; other keys unchanged.
    /// </summary>
    public static string Readable(string key)
    {
        if (key.Length == 0) return "(none)";
        if (key.Contains(',') && key.StartsWith('/'))
            return string.Join(", ", key.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Readable));
        var colon = key.IndexOf(':');
        if (colon > 0 && colon + 1 < key.Length && key[colon + 1] == '/' && !key[..colon].Contains('/'))
            return Readable(key[(colon + 1)..]) + " (" + key[..colon] + ")";
        if (!key.StartsWith('/')) return key;
        var s = Segments(key);
        if (s.Count >= 3 && s[0] == "PolicyUniverse" && s[1] == "PolicySpace")
        {
            var tenant = s[2];
            // After the tenant, segments alternate class / name; take the last complete pair.
            var rest = s.Skip(3).ToArray();
            var name = rest.Length >= 2 ? rest[(rest.Length % 2 == 0 ? rest.Length : rest.Length - 1) - 1] : null;
            return name is null ? tenant : tenant + "/" + name;
        }
        return s.Count > 0 ? s[^1] : key;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexVal(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
