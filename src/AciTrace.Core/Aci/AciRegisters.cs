using System.Globalization;

namespace AciTrace.Aci;

/// <summary>
/// What the opflex agent keeps in each NXM register and in the metadata field, per bridge
/// (research/opflex-pipeline.md 2.2 and 3.2).
/// </summary>
public static class AciRegisters
{
    /// <summary>br-access metadata: packet came from the uplink/patch side and goes to the pod.</summary>
    public const ulong AccessIngressDir = 0x100;
    /// <summary>br-access metadata: packet came from the pod.</summary>
    public const ulong AccessEgressDir = 0x200;
    /// <summary>Both bridges: log the packet if it is dropped.</summary>
    public const ulong DropLog = 0x800;
    /// <summary>br-int metadata: policy was already applied (tunnel/uplink ingress).</summary>
    public const ulong PolicyApplied = 0x100;
    /// <summary>br-int metadata: packet came from a service interface.</summary>
    public const ulong FromServiceInterface = 0x200;
    /// <summary>br-int metadata: packet was routed.</summary>
    public const ulong Routed = 0x400;
    /// <summary>Low byte of metadata: VLAN action (br-access) or output action (br-int).</summary>
    public const ulong OutputMask = 0xff;

    /// <summary>Role of register <paramref name="register"/> (0-15) on the bridge; empty when the agent does not use it.</summary>
    public static string Role(AciBridge bridge, int register) => (bridge, register) switch
    {
        (AciBridge.Access, 0) => "security-group set",
        (AciBridge.Access, 5) => "access VLAN",
        (AciBridge.Access, 6) => "conntrack zone",
        (AciBridge.Access, 7) => "output port",
        (AciBridge.Integration, 0) => "source EPG",
        (AciBridge.Integration, 2) => "destination EPG",
        (AciBridge.Integration, 3) => "proxy tunnel",
        (AciBridge.Integration, 4) => "bridge domain",
        (AciBridge.Integration, 5) => "flood domain",
        (AciBridge.Integration, 6) => "routing domain",
        (AciBridge.Integration, 7) => "output port",
        (AciBridge.Integration, 8) => "service IPv4",
        (AciBridge.Integration, 9 or 10 or 11) => "service IPv6",
        (AciBridge.Integration, 12) => "service ct mark",
        _ => "",
    };

    /// <summary>
    /// The id namespace whose <c>.id</c> file names the register's values, or null when the value is not an id
    /// (EPG VNIDs come from the policy dump; br-int reg8 is an IP address, not a service id).
    /// </summary>
    public static string? IdNamespace(AciBridge bridge, int register) => (bridge, register) switch
    {
        (AciBridge.Access, 0) => OpflexIdNamespace.SecGroupSet,
        (AciBridge.Access, 6) => OpflexIdNamespace.Conntrack,
        (AciBridge.Integration, 4) => OpflexIdNamespace.BridgeDomain,
        (AciBridge.Integration, 5) => OpflexIdNamespace.FloodDomain,
        (AciBridge.Integration, 6) => OpflexIdNamespace.RoutingDomain,
        (AciBridge.Integration, 12) => OpflexIdNamespace.Service,
        _ => null,
    };

    /// <summary>True when the register holds an EPG VNID on this bridge (br-int reg0 and reg2).</summary>
    public static bool HoldsEpgVnid(AciBridge bridge, int register) =>
        bridge == AciBridge.Integration && register is 0 or 2;

    /// <summary>
    /// Parses a register field name as OVS prints it: <c>reg7</c>, <c>NXM_NX_REG7</c> (with or without a bit range).
    /// </summary>
    public static bool TryParseRegister(string? field, out int register)
    {
        register = -1;
        if (string.IsNullOrEmpty(field)) return false;
        var name = field;
        var bracket = name.IndexOf('[');
        if (bracket >= 0) name = name[..bracket];
        string digits;
        if (name.StartsWith("NXM_NX_REG", StringComparison.OrdinalIgnoreCase)) digits = name[10..];
        else if (name.StartsWith("reg", StringComparison.OrdinalIgnoreCase)) digits = name[3..];
        else return false;
        if (digits.Length is 0 or > 2 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 15)
            return false;
        register = n;
        return true;
    }

    /// <summary>Name of a metadata low-byte value: VLAN action on br-access, output action on br-int.</summary>
    public static string? OutputActionName(AciBridge bridge, ulong lowByte) => (bridge, lowByte) switch
    {
        (AciBridge.Access, 0) => "NO_VLAN_ACTION",
        (AciBridge.Access, 1) => "POP_VLAN",
        (AciBridge.Access, 2) => "PUSH_VLAN",
        (AciBridge.Access, 3) => "UNTAGGED_AND_PUSH_VLAN",
        (AciBridge.Integration, 0) => "OUTPUT_REG7",
        (AciBridge.Integration, 1) => "RESUBMIT_DST",
        (AciBridge.Integration, 2) => "NAT",
        (AciBridge.Integration, 3) => "REV_NAT",
        (AciBridge.Integration, 4) => "TUNNEL",
        (AciBridge.Integration, 5) => "FLOOD",
        (AciBridge.Integration, 7) => "REMOTE_TUNNEL",
        (AciBridge.Integration, 8) => "HOST_ACCESS",
        (AciBridge.Integration, 9) => "REMOTE_TUNNEL_PROXY",
        (AciBridge.Integration, 0xa) => "CSR_BOUNCE(0xa)",
        (AciBridge.Integration, 0xb) => "CSR_BOUNCE(0xb)",
        _ => null,
    };

    /// <summary>
    /// Decodes a metadata value under a mask (a write <c>write_metadata:V/M</c> or a match <c>metadata=V/M</c>),
    /// flag by flag: <c>0x200/0x300</c> on br-access gives <c>EGRESS_DIR</c>; <c>0x104/0x1ff</c> on br-int gives
    /// <c>POLICY_APPLIED, output: TUNNEL</c>. Bits outside the mask are ignored. A mask of null means all bits.
    /// </summary>
    public static string DescribeMetadata(AciBridge bridge, ulong value, ulong? mask = null)
    {
        var m = mask ?? ulong.MaxValue;
        value &= m;
        var flags = FlagBits(bridge);
        var set = new List<string>();
        var cleared = new List<string>();
        var remaining = value;

        if (bridge != AciBridge.Unknown && (m & OutputMask) != 0)
        {
            var low = value & OutputMask;
            var name = OutputActionName(bridge, low);
            var label = bridge == AciBridge.Access ? "VLAN" : "output";
            set.Add(name is null ? $"{label}: 0x{low:x}" : $"{label}: {name}");
            remaining &= ~OutputMask;
        }
        foreach (var (bit, name) in flags)
        {
            if ((m & bit) == 0) continue;
            if ((value & bit) != 0) set.Add(name);
            else cleared.Add(name);
            remaining &= ~bit;
        }
        if (remaining != 0) set.Add("bits 0x" + remaining.ToString("x", CultureInfo.InvariantCulture));

        // Cleared flags are only worth saying when nothing was set (e.g. write_metadata:0/0x800).
        if (set.Count == 0 && cleared.Count > 0) return "clear " + string.Join(", ", cleared);
        return string.Join(", ", set);
    }

    private static (ulong Bit, string Name)[] FlagBits(AciBridge bridge) => bridge switch
    {
        AciBridge.Access => new[] { (AccessIngressDir, "INGRESS_DIR"), (AccessEgressDir, "EGRESS_DIR"), (DropLog, "DROP_LOG") },
        AciBridge.Integration => new[]
        {
            (PolicyApplied, "POLICY_APPLIED"), (FromServiceInterface, "FROM_SERVICE_INTERFACE"), (Routed, "ROUTED"), (DropLog, "DROP_LOG"),
        },
        _ => new[] { (DropLog, "DROP_LOG") },
    };

    /// <summary>Hex form <c>0x..</c> used across the decoder.</summary>
    internal static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>0x1f</c> (hex) or <c>31</c> (decimal) as OVS prints register values.</summary>
    public static bool TryParseNumber(string? text, out ulong value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text)) return false;
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return t.Length > 2 && t.Length <= 18 &&
                   ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        return ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Dotted-quad form of a 32-bit value held in a register (reg8, tun_dst).</summary>
    public static string Ipv4(ulong value)
    {
        var v = (uint)value;
        return string.Create(CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}");
    }
}
