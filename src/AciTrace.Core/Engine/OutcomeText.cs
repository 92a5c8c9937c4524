namespace AciTrace.Engine;

/// <summary>
/// The one-line outcome of a trace direction (summary <c>Outcome</c>, and the group header of the default pass view):
/// the verdict first, then where, then the short cause.
/// </summary>
internal static class OutcomeText
{
    public static string For(TraceVerdict verdict, string destination, AciBridgePass? drop, AciBridgePass? final, string? snat, string reason) =>
        verdict switch
        {
            TraceVerdict.Drop when drop is { Node: FabricDrop.Node } => $"Drop at fabric (ACI leaf){Cause(drop.DropCause)}",
            TraceVerdict.Drop when drop is not null => $"Drop at {Where(drop)} {Table(drop)}{Cause(drop.DropCause)}",
            TraceVerdict.Deliver when final is not null => $"Deliver to {destination}{On(final.Node)}",
            TraceVerdict.Forward when final is not null =>
                $"Forward out of {(final.Node.Length > 0 ? final.Node : final.Bridge)} through {final.OutPortName ?? "port " + final.OutPort}{(snat is null ? "" : $" (SNAT {snat})")}",
            TraceVerdict.Punt when final is not null => $"Punt to the controller at {Where(final)}",
            _ => $"{verdict}: {FirstSentence(reason)}",
        };

    // SEC_GROUP_IN_TABLE reads as SEC_GROUP_IN in one line; DropTableName keeps the agent's full name.
    private static string Table(AciBridgePass drop) =>
        drop.DropTableName is { } name ? (name.EndsWith("_TABLE", StringComparison.Ordinal) ? name[..^6] : name)
        : drop.DropTable is int t ? $"table {t}" : "datapath";

    // A trace converted from text may not know its node.
    private static string Where(AciBridgePass pass) => pass.Node.Length == 0 ? pass.Bridge : $"{pass.Node} {pass.Bridge}";

    private static string On(string node) => node.Length == 0 ? "" : " on " + node;

    private static string Cause(string? cause) => string.IsNullOrEmpty(cause) ? "" : ": " + cause;

    private static string FirstSentence(string text)
    {
        var t = text.Trim();
        var end = t.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? t[..end] : t).TrimEnd('.');
    }
}
