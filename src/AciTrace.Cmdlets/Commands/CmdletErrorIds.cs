namespace AciTrace.Commands;

/// <summary>
/// ErrorIds raised by the cmdlet layer itself (the engine raises its own through <see cref="Engine.AciTraceException"/>).
/// Every id is listed in docs/help/about_AciTrace.md; a unit test keeps the two in step.
/// </summary>
internal static class CmdletErrorIds
{
    /// <summary>A <c>namespace/name</c> reference (or a piped object) does not name a valid pod or service.</summary>
    public const string InvalidObjectReference = "InvalidObjectReference";

    /// <summary>A protocol, port or address cannot form the packet asked for (checked before any cluster call).</summary>
    public const string InvalidPacketField = "InvalidPacketField";

    /// <summary>ConvertFrom-AciOvsTrace got text that is not ofproto/trace output.</summary>
    public const string NotAnOvsTrace = "NotAnOvsTrace";

    /// <summary>ConvertFrom-AciOvsTrace -PortMap is neither dpif/show nor ovs-ofctl show output.</summary>
    public const string InvalidPortMap = "InvalidPortMap";

    /// <summary>The engine failed in a way it did not classify (a bug: please report it with -Verbose output).</summary>
    public const string TraceEngineFailure = "TraceEngineFailure";
}
