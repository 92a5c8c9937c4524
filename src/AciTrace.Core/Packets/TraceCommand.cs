namespace AciTrace.Packets;

/// <summary>Options of one ofproto/trace run.</summary>
public sealed record TraceOptions
{
    /// <summary>
    /// Conntrack state for each recirculation after a <c>ct()</c> action, in order (OVS assumes trk,new for any
    /// recirculation not covered). Each must contain trk.
    /// </summary>
    public IReadOnlyList<CtStateSet> CtNext { get; init; } = Array.Empty<CtStateSet>();

    /// <summary>Argv pieces: <c>--ct-next trk,est</c> per entry. Throws <see cref="PacketValidationException"/>
    /// for an invalid state.</summary>
    public IReadOnlyList<string> ToArgv()
    {
        var argv = new List<string>(CtNext.Count * 2);
        foreach (var state in CtNext)
        {
            if (state is null) throw new PacketValidationException("ct-next", null, "a conntrack state is required");
            state.Validate("ct-next");
            argv.Add("--ct-next");
            argv.Add(state.ToCtNextValue());
        }
        return argv;
    }

    public bool Equals(TraceOptions? other) => other is not null && CtNext.SequenceEqual(other.CtNext);

    public override int GetHashCode() => CtNext.Aggregate(17, (h, s) => h * 31 + s.GetHashCode());
}

/// <summary>One <c>ovs-appctl ofproto/trace BRIDGE FLOW [OPTIONS]</c> command, ready for exec as argv.</summary>
/// <param name="Bridge">Bridge to trace on (e.g. br-access, br-int).</param>
/// <param name="Flow">The flow string from <see cref="FlowStringBuilder.Build"/>.</param>
/// <param name="Options">Option argv pieces from <see cref="TraceOptions.ToArgv"/>.</param>
public sealed record TraceCommand(string Bridge, string Flow, IReadOnlyList<string> Options)
{
    /// <summary>Validates and renders everything: bridge name, packet and options.</summary>
    public static TraceCommand Create(string bridge, PacketSpec packet, TraceOptions? options = null)
    {
        InputValidation.ValidateBridgeName(bridge);
        return new TraceCommand(bridge, FlowStringBuilder.Build(packet), (options ?? new TraceOptions()).ToArgv());
    }

    /// <summary><c>["ovs-appctl", "ofproto/trace", bridge, flow, ...options]</c>, after re-checking each part.</summary>
    public IReadOnlyList<string> ToArgv()
    {
        InputValidation.ValidateBridgeName(Bridge);
        if (!FlowSyntax.IsWellFormed(Flow, out var reason)) throw new PacketValidationException("flow", Flow, reason);
        if (!FlowSyntax.AreValidTraceOptions(Options, 0, out reason))
            throw new PacketValidationException("options", string.Join(' ', Options), reason);
        var argv = new List<string>(4 + Options.Count) { "ovs-appctl", "ofproto/trace", Bridge, Flow };
        argv.AddRange(Options);
        return argv;
    }

    public bool Equals(TraceCommand? other) =>
        other is not null && Bridge == other.Bridge && Flow == other.Flow && Options.SequenceEqual(other.Options);

    public override int GetHashCode() => HashCode.Combine(Bridge, Flow, Options.Count);
}
