namespace AciTrace.Discovery;

/// <summary>
/// The fixed script for the first trace on a node: prints both bridges' port maps, then runs the trace. The bridge,
/// flow and options are passed as positional parameters ("$@"), never interpolated into the script text.
/// </summary>
public static class OvsLegScript
{
    public const string Separator = "@@ACITRACE-SECTION";

    public const string Text =
        "ovs-ofctl -O OpenFlow13 show br-access; echo " + Separator + "; " +
        "ovs-ofctl -O OpenFlow13 show br-int; echo " + Separator + "; " +
        "exec ovs-appctl ofproto/trace \"$@\"";

    /// <summary>argv for a trace that also gathers the port maps.</summary>
    public static IReadOnlyList<string> ArgvWithPortMaps(IReadOnlyList<string> traceArgs) =>
        new[] { "/bin/sh", "-c", Text, "sh" }.Concat(traceArgs).ToList();

    /// <summary>Splits the output into (br-access show, br-int show, trace text).</summary>
    public static (string AccessShow, string IntShow, string Trace) Split(string output)
    {
        var parts = output.Split(Separator + "\n", 3);
        return parts.Length == 3 ? (parts[0], parts[1], parts[2]) : ("", "", output);
    }
}
