namespace AciTrace.Ovs;

/// <summary>Small allocation-free helpers for the text forms OVS prints (numbers, addresses, action lists).</summary>
internal static class OvsText
{
    /// <summary>Parses <c>0x1f</c> (hex) or <c>31</c> (decimal); false on anything else or overflow.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        s = s.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
            if (s.IsEmpty || s.Length > 16) return false;
            foreach (char c in s)
            {
                int d = HexDigit(c);
                if (d < 0) return false;
                value = (value << 4) | (uint)d;
            }
            return true;
        }
        if (s.IsEmpty || s.Length > 19) return false;
        foreach (char c in s)
        {
            if ((uint)(c - '0') > 9) return false;
            value = value * 10 + (uint)(c - '0');
        }
        return true;
    }

    private static int HexDigit(char c) =>
        c >= '0' && c <= '9' ? c - '0' :
        c >= 'a' && c <= 'f' ? c - 'a' + 10 :
        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

    /// <summary>Parses a non-negative decimal int of at most 9 digits.</summary>
    public static bool TryParseInt(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        s = s.Trim();
        if (s.IsEmpty || s.Length > 9) return false;
        foreach (char c in s)
        {
            if ((uint)(c - '0') > 9) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>Reads the leading decimal digits of <paramref name="s"/> (at most 9).</summary>
    public static bool TryParseLeadingInt(ReadOnlySpan<char> s, out int value)
    {
        int n = 0;
        while (n < s.Length && n < 9 && (uint)(s[n] - '0') <= 9) n++;
        value = 0;
        return n > 0 && TryParseInt(s[..n], out value);
    }

    /// <summary>Turns a 32-bit value (<c>0xa000020</c> or decimal) into a dotted quad (<c>10.0.0.32</c>).</summary>
    public static string? ToDottedQuad(ReadOnlySpan<char> number)
    {
        if (!TryParseUInt64(number, out ulong v) || v > uint.MaxValue) return null;
        return $"{(v >> 24) & 0xff}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}";
    }

    /// <summary>The dotted-quad IPv4 address that starts exactly at the beginning of <paramref name="s"/>, if any.</summary>
    public static string? LeadingIPv4(ReadOnlySpan<char> s)
    {
        int i = 0;
        for (int part = 0; part < 4; part++)
        {
            int start = i;
            int v = 0;
            while (i < s.Length && i - start < 3 && (uint)(s[i] - '0') <= 9) v = v * 10 + (s[i++] - '0');
            if (i == start || v > 255) return null;
            if (part < 3)
            {
                if (i >= s.Length || s[i] != '.') return null;
                i++;
            }
        }
        if (i < s.Length && ((uint)(s[i] - '0') <= 9 || s[i] == '.')) return null;
        return s[..i].ToString();
    }

    /// <summary>The IPv4 address right after the first <paramref name="marker"/> in <paramref name="text"/>.</summary>
    public static string? IPv4After(string text, string marker)
    {
        int i = text.IndexOf(marker, StringComparison.Ordinal);
        return i < 0 ? null : LeadingIPv4(text.AsSpan(i + marker.Length));
    }

    /// <summary>Number of comma-separated items at parenthesis depth 0 (empty input gives 0).</summary>
    public static int CountTopLevelItems(ReadOnlySpan<char> s)
    {
        int count = 0;
        foreach (var _ in new TopLevelItems(s)) count++;
        return count;
    }

    /// <summary>Splits <c>a,b(c,d),e</c> at the commas outside parentheses and brackets, without allocating.</summary>
    public ref struct TopLevelItems
    {
        private ReadOnlySpan<char> _rest;
        private bool _done;

        public TopLevelItems(ReadOnlySpan<char> s)
        {
            _rest = s.Trim();
            _done = _rest.IsEmpty;
            Current = default;
        }

        public ReadOnlySpan<char> Current { get; private set; }

        public readonly TopLevelItems GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done) return false;
            int depth = 0;
            for (int i = 0; i < _rest.Length; i++)
            {
                char c = _rest[i];
                if (c == '(' || c == '[') depth++;
                else if ((c == ')' || c == ']') && depth > 0) depth--;
                else if (c == ',' && depth == 0)
                {
                    Current = _rest[..i].Trim();
                    _rest = _rest[(i + 1)..];
                    return true;
                }
            }
            Current = _rest.Trim();
            _rest = default;
            _done = true;
            return true;
        }
    }
}
