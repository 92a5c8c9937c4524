using System.Globalization;
using System.Text;
using AciTrace.Packets;

namespace AciTrace.Discovery;

/// <summary>
/// The fixed script that runs several <c>ovs-appctl ofproto/trace</c> calls in one exec of a node's openvswitch
/// container, each output framed with its number and exit status. Each trace comes as positional parameters
/// <c>BRIDGE FLOW N STATE...</c> (N <c>--ct-next</c> states, at most <see cref="MaxStates"/>), never interpolated into
/// the text; the allowlist checks every trace like a direct <c>ovs-appctl ofproto/trace</c>.
/// </summary>
public static class TraceBatchScript
{
    public const string Marker = "@@ACITRACE ";

    /// <summary>Most traces one exec carries.</summary>
    public const int MaxTraces = 32;

    /// <summary>Most <c>--ct-next</c> states of one trace in a batch (a trace with more runs on its own).</summary>
    public const int MaxStates = 3;

    public static readonly string Text =
        "t() { b=$1; f=$2; shift 2; case $# in " +
        "0) ovs-appctl ofproto/trace \"$b\" \"$f\";; " +
        "1) ovs-appctl ofproto/trace \"$b\" \"$f\" --ct-next \"$1\";; " +
        "2) ovs-appctl ofproto/trace \"$b\" \"$f\" --ct-next \"$1\" --ct-next \"$2\";; " +
        "*) ovs-appctl ofproto/trace \"$b\" \"$f\" --ct-next \"$1\" --ct-next \"$2\" --ct-next \"$3\";; esac; }; " +
        "i=0; while [ $# -ge 3 ]; do b=$1; f=$2; k=$3; shift 3; i=$((i+1)); printf '\\n" + Marker + "trace %s\\n' \"$i\"; " +
        "case $k in 0) t \"$b\" \"$f\" 2>&1; r=$?;; 1) t \"$b\" \"$f\" \"$1\" 2>&1; r=$?; shift;; " +
        "2) t \"$b\" \"$f\" \"$1\" \"$2\" 2>&1; r=$?; shift 2;; 3) t \"$b\" \"$f\" \"$1\" \"$2\" \"$3\" 2>&1; r=$?; shift 3;; *) exit 2;; esac; " +
        "printf '\\n" + Marker + "status %s\\n' \"$r\"; done; printf '\\n" + Marker + "end\\n'";

    /// <summary>True when a trace can go into a batch (few enough conntrack states).</summary>
    public static bool Fits(TraceCommand command) => command.Options.Count / 2 <= MaxStates;

    /// <summary>The argv for these traces (each <see cref="Fits"/>).</summary>
    public static IReadOnlyList<string> Argv(IReadOnlyList<TraceCommand> traces)
    {
        var argv = new List<string> { "/bin/sh", "-c", Text, "sh" };
        foreach (var t in traces)
        {
            argv.Add(t.Bridge);
            argv.Add(t.Flow);
            var states = t.Options.Where((_, i) => i % 2 == 1).ToList();
            argv.Add(states.Count.ToString(CultureInfo.InvariantCulture));
            argv.AddRange(states);
        }
        return argv;
    }

    /// <summary>
    /// Checks the positional parameters of a batch (after <c>sh -c TEXT sh</c>): each trace as <paramref name="checkTrace"/>
    /// checks a direct <c>ovs-appctl ofproto/trace</c> argv. Null when allowed, else why not.
    /// </summary>
    public static string? CheckArguments(IReadOnlyList<string> args, Func<IReadOnlyList<string>, string?> checkTrace)
    {
        int i = 0, traces = 0;
        while (i < args.Count)
        {
            if (args.Count - i < 3) return "a batched trace needs a bridge, a flow and its number of conntrack states";
            var k = args[i + 2];
            if (k.Length != 1 || k[0] < '0' || k[0] > '0' + MaxStates) return $"'{k}' is not a number of conntrack states (0-{MaxStates})";
            int n = k[0] - '0';
            if (args.Count - i < 3 + n) return "a batched trace has fewer conntrack states than it says";
            var trace = new List<string> { "ovs-appctl", "ofproto/trace", args[i], args[i + 1] };
            for (int s = 0; s < n; s++) trace.AddRange(new[] { "--ct-next", args[i + 3 + s] });
            if (checkTrace(trace) is { } why) return why;
            i += 3 + n;
            traces++;
        }
        return traces is > 0 and <= MaxTraces ? null : $"a batch holds 1 to {MaxTraces} traces";
    }

    /// <summary>Each trace's output (stdout and stderr) and exit status, by position; null where the output was cut.</summary>
    public static IReadOnlyList<(string Output, int Status)?> Parse(string output, int traces)
    {
        var results = new (string, int)?[traces];
        var marker = "\n" + Marker;
        int pos = 0;
        while (true)
        {
            var start = output.IndexOf(marker + "trace ", pos, StringComparison.Ordinal);
            if (start < 0) break;
            var eol = output.IndexOf('\n', start + marker.Length);
            if (eol < 0) break;
            if (!int.TryParse(output.AsSpan(start + marker.Length + "trace ".Length, eol - start - marker.Length - "trace ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) break;
            var statusAt = output.IndexOf(marker + "status ", eol, StringComparison.Ordinal);
            if (statusAt < 0) break;
            var statusEol = output.IndexOf('\n', statusAt + marker.Length);
            if (statusEol < 0) break;
            var text = output[(eol + 1)..statusAt];
            if (n >= 1 && n <= traces
                && int.TryParse(output.AsSpan(statusAt + marker.Length + "status ".Length, statusEol - statusAt - marker.Length - "status ".Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var status))
                results[n - 1] = (text, status);
            pos = statusEol;
        }
        return results;
    }
}
