namespace AciTrace.Engine;

/// <summary>Something a running trace reports; the cmdlet layer turns each into a pipeline write.</summary>
public abstract record TraceEvent;

/// <summary>A bridge pass is ready (streamed as soon as its leg is parsed and judged).</summary>
public sealed record PassEvent(AciBridgePass Pass) : TraceEvent;

/// <summary>The trace is complete.</summary>
public sealed record SummaryEvent(AciTraceSummary Summary) : TraceEvent;

/// <summary>Progress of a multi-leg trace.</summary>
public sealed record ProgressEvent(string Activity, string Status, int PercentComplete) : TraceEvent;

/// <summary>Verbose detail: an exact command that ran, or the raw trace text.</summary>
public sealed record VerboseEvent(string Message) : TraceEvent;

/// <summary>A warning that does not stop the trace.</summary>
public sealed record WarningEvent(string Message) : TraceEvent;
