namespace AciTrace.Commands;

/// <summary>Granularity of what the trace cmdlets write to the pipeline (<c>-Output</c>).</summary>
public enum TraceOutput
{
    /// <summary>One <see cref="AciBridgePass"/> per pass of the packet through a bridge (the default).</summary>
    Pass = 0,

    /// <summary>One <see cref="AciTableHop"/> per flow-table visit.</summary>
    Hop,

    /// <summary>One <see cref="AciTraceSummary"/> per trace direction (request, and reply with <c>-Reply</c>).</summary>
    Summary,
}
