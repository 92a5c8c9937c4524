using System.Text;

namespace AciTrace.Discovery;

/// <summary>
/// The fixed, read-only script run once per node in the host pod's <c>opflex-agent</c> container: it prints every
/// endpoint, service and snat file, every id file (binary, length-prefixed) and the policy dump, so one exec
/// gathers all the node facts the decoder needs. No user input is ever interpolated into it.
/// </summary>
public static class NodeFactsScript
{
    public const string Marker = "@@ACITRACE ";

    /// <summary>Agent state directory on a real node; the lab overrides it through ACITRACE_AGENT_DIR.</summary>
    public const string AgentDirectory = AciTrace.Kube.ReadOnlyCommandPolicy.AgentStateRoot;

    public const string Text =
        "d=${ACITRACE_AGENT_DIR:-" + AgentDirectory + "}; " +
        "for f in \"$d\"/endpoints/*.ep \"$d\"/services/*.service \"$d\"/snats/*.snat \"$d\"/ids/*.id; do " +
        "[ -f \"$f\" ] || continue; n=$(wc -c < \"$f\"); printf '\\n" + Marker + "file %s %s\\n' \"$n\" \"${f#$d/}\"; cat \"$f\"; done; " +
        "printf '\\n" + Marker + "gbp\\n'; gbp_inspect -fprq DmtreeRoot -t dump 2>&1; printf '\\n" + Marker + "end %s\\n' \"$?\"";

    /// <summary>The argv to exec in the host pod.</summary>
    public static IReadOnlyList<string> Argv { get; } = new[] { "/bin/sh", "-c", Text };

    /// <summary>Splits the script's output into files (relative path -> bytes) and the policy dump text.</summary>
    public static NodeFactsOutput Parse(ReadOnlySpan<byte> output)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var warnings = new List<string>();
        string? dump = null;
        int? gbpExit = null;
        var marker = Encoding.ASCII.GetBytes("\n" + Marker);
        var pos = 0;
        while (pos < output.Length)
        {
            var rel = output[pos..].IndexOf(marker);
            if (rel < 0) break;
            var headerStart = pos + rel + marker.Length;
            var eol = output[headerStart..].IndexOf((byte)'\n');
            if (eol < 0) { warnings.Add("truncated node facts output"); break; }
            var header = Encoding.UTF8.GetString(output.Slice(headerStart, eol));
            var bodyStart = headerStart + eol + 1;
            var parts = header.Split(' ', 3);
            if (parts[0] == "file" && parts.Length == 3 && int.TryParse(parts[1], out var len) && len >= 0)
            {
                if (bodyStart + len > output.Length)
                {
                    warnings.Add($"file {parts[2]} truncated");
                    break;
                }
                files[parts[2]] = output.Slice(bodyStart, len).ToArray();
                pos = bodyStart + len;
            }
            else if (parts[0] == "gbp")
            {
                var endRel = output[bodyStart..].IndexOf(marker);
                var bodyEnd = endRel < 0 ? output.Length : bodyStart + endRel;
                dump = Encoding.UTF8.GetString(output[bodyStart..bodyEnd]);
                pos = bodyEnd;
            }
            else if (parts[0] == "end")
            {
                if (parts.Length > 1 && int.TryParse(parts[1], out var code)) gbpExit = code;
                pos = bodyStart;
            }
            else
            {
                warnings.Add($"unexpected section '{header}'");
                pos = bodyStart;
            }
        }
        return new NodeFactsOutput(files, dump, gbpExit, warnings);
    }
}

/// <summary>What <see cref="NodeFactsScript"/> printed, split up.</summary>
public sealed record NodeFactsOutput(
    IReadOnlyDictionary<string, byte[]> Files,
    string? PolicyDumpText,
    int? PolicyDumpExitCode,
    IReadOnlyList<string> Warnings)
{
    public IEnumerable<KeyValuePair<string, byte[]>> FilesIn(string folder, string suffix) =>
        Files.Where(f => f.Key.StartsWith(folder + "/", StringComparison.Ordinal) && f.Key.EndsWith(suffix, StringComparison.Ordinal));
}
