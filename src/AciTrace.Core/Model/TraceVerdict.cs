namespace AciTrace;

/// <summary>
/// What happened to the simulated packet in one table hop, one bridge pass or a whole trace.
/// Named so that <c>Where-Object Verdict -eq Drop</c> reads naturally in PowerShell.
/// </summary>
public enum TraceVerdict
{
    /// <summary>Could not be determined. Never reported as success.</summary>
    Unknown = 0,

    /// <summary>Output to the destination's own port (the end of the journey on this node).</summary>
    Deliver,

    /// <summary>Left this bridge or node on the way: patch port to the other bridge, tunnel or uplink.</summary>
    Forward,

    /// <summary>Dropped: explicit drop table, table miss, <c>drop</c> action or datapath <c>drop</c>.</summary>
    Drop,

    /// <summary>Sent to the controller (packet-in) and not forwarded anywhere else.</summary>
    Punt,
}

/// <summary>Direction of a trace leg relative to the request the user asked for.</summary>
public enum TraceDirection
{
    Request = 0,
    Reply,
}

/// <summary>The two OVS bridges of an ACI CNI node.</summary>
public enum AciBridge
{
    Unknown = 0,
    Access,
    Integration,
}
