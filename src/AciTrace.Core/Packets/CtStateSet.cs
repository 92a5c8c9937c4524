using System.Diagnostics.CodeAnalysis;

namespace AciTrace.Packets;

/// <summary>Connection-tracking state flags as OVS names them.</summary>
[Flags]
public enum CtStateFlags
{
    None = 0,
    /// <summary><c>trk</c>: the packet went through conntrack.</summary>
    Tracked = 1 << 0,
    /// <summary><c>new</c></summary>
    New = 1 << 1,
    /// <summary><c>est</c></summary>
    Established = 1 << 2,
    /// <summary><c>rel</c></summary>
    Related = 1 << 3,
    /// <summary><c>rpl</c>: reply direction.</summary>
    Reply = 1 << 4,
    /// <summary><c>inv</c></summary>
    Invalid = 1 << 5,
    /// <summary><c>snat</c></summary>
    SourceNat = 1 << 6,
    /// <summary><c>dnat</c></summary>
    DestinationNat = 1 << 7,
}

/// <summary>
/// A set of conntrack state flags, used both for a <c>ct_state=trk|est</c> preset in the flow and for each
/// <c>--ct-next trk,est</c> recirculation. Rendering uses a fixed order: trk, new, est, rel, rpl, inv, snat, dnat.
/// </summary>
public sealed record CtStateSet
{
    private static readonly (CtStateFlags Flag, string Name)[] Names =
    {
        (CtStateFlags.Tracked, "trk"),
        (CtStateFlags.New, "new"),
        (CtStateFlags.Established, "est"),
        (CtStateFlags.Related, "rel"),
        (CtStateFlags.Reply, "rpl"),
        (CtStateFlags.Invalid, "inv"),
        (CtStateFlags.SourceNat, "snat"),
        (CtStateFlags.DestinationNat, "dnat"),
    };

    public CtStateSet(CtStateFlags flags) => Flags = flags;

    public CtStateFlags Flags { get; }

    /// <summary><c>trk,new</c>: the state OVS assumes when no --ct-next is given.</summary>
    public static CtStateSet TrackedNew { get; } = new(CtStateFlags.Tracked | CtStateFlags.New);

    /// <summary><c>trk,est</c></summary>
    public static CtStateSet TrackedEstablished { get; } = new(CtStateFlags.Tracked | CtStateFlags.Established);

    /// <summary><c>trk,est,rpl</c></summary>
    public static CtStateSet TrackedEstablishedReply { get; } =
        new(CtStateFlags.Tracked | CtStateFlags.Established | CtStateFlags.Reply);

    /// <summary>
    /// Parses flag names separated by ',' or '|' (e.g. <c>trk,est</c>, <c>trk|est</c>), also accepting the
    /// <c>+trk+est</c> match notation. Throws <see cref="PacketValidationException"/> for unknown or repeated
    /// flags and for combinations OVS rejects.
    /// </summary>
    public static CtStateSet Parse(string? text, string field = "ct_state")
    {
        if (!TryParseFlags(text, out var flags, out var reason))
            throw new PacketValidationException(field, text, reason);
        var set = new CtStateSet(flags);
        set.Validate(field);
        return set;
    }

    /// <summary>Non-throwing <see cref="Parse"/>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CtStateSet? set)
    {
        set = null;
        if (!TryParseFlags(text, out var flags, out _)) return false;
        var candidate = new CtStateSet(flags);
        if (!candidate.IsValid(out _)) return false;
        set = candidate;
        return true;
    }

    private static bool TryParseFlags(string? text, out CtStateFlags flags, [NotNullWhen(false)] out string? reason)
    {
        flags = CtStateFlags.None;
        reason = null;
        if (string.IsNullOrEmpty(text)) { reason = "a conntrack state is required (e.g. trk,est)"; return false; }
        string normalized = text.StartsWith('+') ? text[1..].Replace('+', ',') : text.Replace('|', ',');
        foreach (var token in normalized.Split(','))
        {
            var match = Array.Find(Names, n => n.Name == token);
            if (match.Name is null)
            {
                reason = $"contains unknown conntrack flag '{InputValidationException.Printable(token)}' (known: trk, new, est, rel, rpl, inv, snat, dnat)";
                return false;
            }
            if ((flags & match.Flag) != 0) { reason = $"repeats the flag '{token}'"; return false; }
            flags |= match.Flag;
        }
        return true;
    }

    /// <summary>
    /// The rules ovs-vswitchd applies to <c>--ct-next</c>: at least one flag; nothing without trk; inv only with trk;
    /// new excludes est and rpl. The same rules are applied to a ct_state preset so it describes a real state.
    /// </summary>
    public bool IsValid([NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (Flags == CtStateFlags.None) reason = "is empty (give at least trk)";
        else if ((Flags & CtStateFlags.Tracked) == 0) reason = "is invalid: if \"trk\" is unset, no other flags may be set";
        else if ((Flags & CtStateFlags.Invalid) != 0 && (Flags & ~(CtStateFlags.Tracked | CtStateFlags.Invalid)) != 0)
            reason = "is invalid: when \"inv\" is set, only \"trk\" may also be set";
        else if ((Flags & CtStateFlags.New) != 0 && (Flags & CtStateFlags.Established) != 0)
            reason = "is invalid: \"new\" and \"est\" are mutually exclusive";
        else if ((Flags & CtStateFlags.New) != 0 && (Flags & CtStateFlags.Reply) != 0)
            reason = "is invalid: \"new\" and \"rpl\" are mutually exclusive";
        else if ((Flags & ~AllFlags) != 0) reason = "contains undefined flag bits";
        return reason is null;
    }

    /// <summary>Throws <see cref="PacketValidationException"/> unless <see cref="IsValid"/>.</summary>
    public void Validate(string field = "ct_state")
    {
        if (!IsValid(out var reason)) throw new PacketValidationException(field, ToCtNextValue(), reason);
    }

    private const CtStateFlags AllFlags = (CtStateFlags)0xff;

    /// <summary>Flag names in canonical order.</summary>
    public IEnumerable<string> FlagNames => Names.Where(n => (Flags & n.Flag) != 0).Select(n => n.Name);

    /// <summary>Value for a flow preset: <c>trk|est</c> (OVS rejects the <c>+trk+est</c> form there).</summary>
    public string ToFlowValue() => string.Join('|', FlagNames);

    /// <summary>Value for <c>--ct-next</c>: <c>trk,est</c> (OVS rejects '|' there).</summary>
    public string ToCtNextValue() => string.Join(',', FlagNames);

    /// <inheritdoc />
    public override string ToString() => ToCtNextValue();
}
