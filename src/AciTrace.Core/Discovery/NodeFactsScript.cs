using System.Globalization;
using System.Text;

namespace AciTrace.Discovery;

/// <summary>
/// The fixed, read-only script run once per node in the host pod's <c>opflex-agent</c> container: it prints every
/// endpoint, service and snat file, every id file (binary) and the policy dump, so one exec gathers all the node
/// facts the decoder needs. No user input is ever interpolated into it. Its cost does not grow with the number of
/// files in processes or shell work: one <c>wc -c</c> gives every file's size and one <c>cat</c> all their bytes, in
/// the same (byte-sorted) order, whether the node has ten endpoints or ten thousand. A pattern that matches nothing
/// stays literal and is skipped by both (their complaints go to /dev/null); the <c>total</c> line is skipped too.
/// </summary>
public static class NodeFactsScript
{
    public const string Marker = "@@ACITRACE ";

    /// <summary>Agent state directory on a real node; the lab overrides it through ACITRACE_AGENT_DIR.</summary>
    public const string AgentDirectory = AciTrace.Kube.ReadOnlyCommandPolicy.AgentStateRoot;

    public const string Text =
        "export LC_ALL=C; d=${ACITRACE_AGENT_DIR:-" + AgentDirectory + "}; " +
        "printf '\\n" + Marker + "files\\n'; " +
        "if cd \"$d\" 2>/dev/null; then set -- endpoints/*.ep services/*.service snats/*.snat ids/*.id; " +
        "wc -c -- \"$@\" 2>/dev/null; printf '\\n" + Marker + "data %s\\n' \"$?\"; cat -- \"$@\" 2>/dev/null; fi; " +
        "printf '\\n" + Marker + "gbp\\n'; gbp_inspect -fprq DmtreeRoot -t dump 2>&1; printf '\\n" + Marker + "end %s\\n' \"$?\"";

    /// <summary>The argv to exec in the host pod.</summary>
    public static IReadOnlyList<string> Argv { get; } = new[] { "/bin/sh", "-c", Text };

    /// <summary>Splits the script's output into files (relative path -> bytes) and the policy dump text.</summary>
    public static NodeFactsOutput Parse(ReadOnlySpan<byte> output)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var warnings = new List<string>();
        bool intact = true;
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
            var parts = header.Split(' ', 2);
            if (parts[0] == "files")
            {
                pos = ReadFiles(output, bodyStart, marker, files, warnings, ref intact);
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
                if (parts.Length > 1 && int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)) gbpExit = code;
                pos = bodyStart;
            }
            else
            {
                warnings.Add($"unexpected section '{header}'");
                pos = bodyStart;
            }
        }
        return new NodeFactsOutput(files, dump, gbpExit, warnings) { FilesIntact = intact };
    }

    /// <summary>
    /// Reads the <c>wc -c</c> listing ("size path" per file, paths always holding a '/', then a total line when there
    /// are several) and cuts the data that follows by those sizes. Returns where parsing goes on.
    /// </summary>
    private static int ReadFiles(ReadOnlySpan<byte> output, int start, byte[] marker, Dictionary<string, byte[]> files, List<string> warnings, ref bool intact)
    {
        var dataMarker = Encoding.ASCII.GetBytes("\n" + Marker + "data");
        var dataRel = output[start..].IndexOf(dataMarker);
        if (dataRel < 0)
        {
            // No agent directory: nothing was listed and the gbp section follows.
            var next = output[start..].IndexOf(marker);
            if (next >= 0 && output[(start + next)..].StartsWith(Encoding.ASCII.GetBytes("\n" + Marker + "gbp\n"))) return start + next;
            warnings.Add("truncated node facts output (no file data)");
            intact = false;
            return output.Length;
        }
        var afterMarker = output[(start + dataRel + dataMarker.Length)..].IndexOf((byte)'\n');
        var dataLineEnd = afterMarker < 0 ? -1 : dataMarker.Length + afterMarker;
        if (dataLineEnd < 0)
        {
            warnings.Add("truncated node facts output (no file data)");
            intact = false;
            return output.Length;
        }
        var dataStart = start + dataRel + dataLineEnd + 1;
        // wc exits 1 when a pattern matched no file (normal); 126/127: it could not run at all (too many files for
        // one command line, or no wc), and then no file was read.
        var listingStatus = Encoding.ASCII.GetString(output.Slice(start + dataRel + dataMarker.Length, dataLineEnd - dataMarker.Length)).Trim();
        if (listingStatus is "126" or "127")
        {
            warnings.Add($"the agent's files could not be listed (wc exit {listingStatus}: too many files for one command line, or wc missing)");
            intact = false;
        }
        var listing = Encoding.UTF8.GetString(output.Slice(start, dataRel)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var sizes = new List<(string Path, int Size)>(listing.Length);
        foreach (var line in listing)
        {
            var trimmed = line.Trim();
            var space = trimmed.IndexOf(' ');
            if (space <= 0 || !int.TryParse(trimmed.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                warnings.Add($"unexpected file size line '{line}'");
                intact = false;
                return dataStart;
            }
            var path = trimmed[(space + 1)..].TrimStart();
            if (!path.Contains('/')) continue; // wc's "total"
            sizes.Add((path, size));
        }
        var pos = dataStart;
        foreach (var (path, size) in sizes)
        {
            if (size > output.Length - pos)
            {
                warnings.Add($"file {path} truncated");
                intact = false;
                return output.Length;
            }
            files[path] = output.Slice(pos, size).ToArray();
            pos += size;
        }
        // The next section must follow the data at once; otherwise a file changed between wc and cat.
        if (!output[pos..].StartsWith(marker))
        {
            warnings.Add("the agent's files changed while they were read");
            intact = false;
            files.Clear();
            var next = output[pos..].IndexOf(marker);
            return next < 0 ? output.Length : pos + next;
        }
        return pos;
    }
}

/// <summary>What <see cref="NodeFactsScript"/> printed, split up.</summary>
public sealed record NodeFactsOutput(
    IReadOnlyDictionary<string, byte[]> Files,
    string? PolicyDumpText,
    int? PolicyDumpExitCode,
    IReadOnlyList<string> Warnings)
{
    /// <summary>False when the file listing and the data disagree (a file changed while it was read, output cut).</summary>
    public bool FilesIntact { get; init; } = true;

    public IEnumerable<KeyValuePair<string, byte[]>> FilesIn(string folder, string suffix) =>
        Files.Where(f => f.Key.StartsWith(folder + "/", StringComparison.Ordinal) && f.Key.EndsWith(suffix, StringComparison.Ordinal));
}
