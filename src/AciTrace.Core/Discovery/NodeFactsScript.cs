using System.Globalization;
using System.Text;

namespace AciTrace.Discovery;

/// <summary>
/// The fixed, read-only script that reads opflex agent files in the host pod's <c>opflex-agent</c> container: only the
/// files named by its keys, so its cost follows what a trace needs, not how many pods the node runs. Keys (positional
/// parameters, never interpolated into the text): <c>node</c> (the id maps and SNAT files, read once per node),
/// <c>policy</c> (the policy objects of <see cref="NodePolicyQuery"/>, once per node),
/// <c>pod=UID</c> (that pod's endpoint files, <c>endpoints/UID_*.ep</c> or <c>endpoints/UID.ep</c>) and <c>service=UID</c> (that Service's files,
/// <c>services/UID.service</c> and the external copy <c>services/UID-external.service</c>). One <c>wc -c</c> gives every file's size and one
/// <c>cat</c> all their bytes in the same order, whatever the number of files. A pattern that matches nothing stays
/// literal and is skipped by both (their complaints go to /dev/null); the <c>total</c> line is skipped too.
/// </summary>
public static class NodeFactsScript
{
    public const string Marker = "@@ACITRACE ";

    /// <summary>Agent state directory on a real node; the lab overrides it through ACITRACE_AGENT_DIR.</summary>
    public const string AgentDirectory = AciTrace.Kube.ReadOnlyCommandPolicy.AgentStateRoot;

    /// <summary>The key that reads a node's id maps and SNAT files.</summary>
    public const string NodeKey = "node";

    /// <summary>The key that runs <see cref="NodePolicyQuery"/>.</summary>
    public const string PolicyKey = "policy";

    /// <summary>
    /// The key that reads every endpoint file of the node when it has at most <see cref="WholeNodeEndpointLimit"/>:
    /// a bounded read (a node runs 110 pods by default, 250 on OpenShift) after which no pod of the node needs a read
    /// of its own. A node with more is read per pod.
    /// </summary>
    public const string AllPodsKey = "allpods";

    public const int WholeNodeEndpointLimit = 256;

    /// <summary>
    /// The key that reads every file a trace may read on the node, without a limit: the id maps, SNAT files, every
    /// endpoint and every Service file (Save-AciSnapshot; one read per node).
    /// </summary>
    public const string AllFilesKey = "allfiles";

    /// <summary>Most keys one run takes (the allowlist refuses more).</summary>
    public const int MaxKeys = 64;

    public static readonly string Text =
        "export LC_ALL=C; q=; a=; ok=; d=${ACITRACE_AGENT_DIR:-" + AgentDirectory + "}; cd \"$d\" 2>/dev/null && ok=1; " +
        "n=$#; while [ \"$n\" -gt 0 ]; do k=$1; shift; n=$((n-1)); case $k in " +
        "node) set -- \"$@\" snats/*.snat ids/*.id;; policy) q=1;; " +
        "allfiles) set -- \"$@\" snats/*.snat ids/*.id endpoints/*.ep services/*.service;; " +
        "allpods) if [ -n \"$ok\" ]; then c=$(set -- endpoints/*.ep; [ -e \"$1\" ] && echo $# || echo 0); if [ \"$c\" -le " + WholeNodeEndpointLimit.ToString(CultureInfo.InvariantCulture) + " ]; then a=$c; set -- \"$@\" endpoints/*.ep; fi; fi;; " +
        "pod=*) set -- \"$@\" endpoints/\"${k#pod=}\"_*.ep endpoints/\"${k#pod=}\".ep;; " +
        "service=*) set -- \"$@\" services/\"${k#service=}\".service services/\"${k#service=}\"-external.service;; " +
        "esac; done; " +
        "if [ -n \"$a\" ]; then printf '\\n" + Marker + "allpods %s\\n' \"$a\"; fi; " +
        "if [ -z \"$ok\" ]; then printf '\\n" + Marker + "nodir %s\\n' \"$d\"; fi; " +
        "printf '\\n" + Marker + "files\\n'; " +
        "if [ -n \"$ok\" ] && [ $# -gt 0 ]; then wc -c -- \"$@\" 2>/dev/null; printf '\\n" + Marker + "data %s\\n' \"$?\"; cat -- \"$@\" 2>/dev/null; fi; " +
        "if [ -n \"$q\" ]; then printf '\\n" + Marker + "policy\\n'; " + NodePolicyQuery.Command + " 2>&1; printf '\\n" + Marker + "policy-end %s\\n' \"$?\"; fi; " +
        "printf '\\n" + Marker + "end\\n'";

    /// <summary>The key of a pod's endpoint files.</summary>
    public static string PodKey(string podUid) => "pod=" + podUid;

    /// <summary>The key of a Service's files.</summary>
    public static string ServiceKey(string serviceUid) => "service=" + serviceUid;

    /// <summary>True for a key the script understands (UIDs: letters, digits and '-', as Kubernetes writes them).</summary>
    public static bool IsKey(string key) =>
        key is NodeKey or PolicyKey or AllPodsKey or AllFilesKey
        || (key.StartsWith("pod=", StringComparison.Ordinal) && IsUid(key["pod=".Length..]))
        || (key.StartsWith("service=", StringComparison.Ordinal) && IsUid(key["service=".Length..]));

    /// <summary>True for a <see cref="PodKey"/>.</summary>
    public static bool IsPodKey(string key) => key.StartsWith("pod=", StringComparison.Ordinal);

    /// <summary>True when the script read <paramref name="path"/> (relative to the agent folder) for <paramref name="key"/>.</summary>
    public static bool KeyOwns(string key, string path)
    {
        if (key.StartsWith("pod=", StringComparison.Ordinal))
        {
            var stem = "endpoints/" + key["pod=".Length..];
            return path == stem + ".ep" || (path.StartsWith(stem + "_", StringComparison.Ordinal) && path.EndsWith(".ep", StringComparison.Ordinal));
        }
        if (key.StartsWith("service=", StringComparison.Ordinal))
        {
            var stem = "services/" + key["service=".Length..];
            return path == stem + ".service" || path == "services/" + AciTrace.Aci.ServiceFile.ExternalUuid(key["service=".Length..]) + ".service";
        }
        if (key == AllPodsKey) return path.StartsWith("endpoints/", StringComparison.Ordinal);
        if (key == AllFilesKey) return true;
        return key == NodeKey && (path.StartsWith("snats/", StringComparison.Ordinal) || path.StartsWith("ids/", StringComparison.Ordinal));
    }

    private static bool IsUid(string uid) => uid.Length is > 0 and <= 64 && uid.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>The argv to exec in the host pod for these keys.</summary>
    public static IReadOnlyList<string> Argv(IEnumerable<string> keys) => new[] { "/bin/sh", "-c", Text, "sh" }.Concat(keys).ToList();

    /// <summary>Splits the script's output into files (relative path -> bytes).</summary>
    public static NodeFactsOutput Parse(ReadOnlySpan<byte> output)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var warnings = new List<string>();
        bool intact = true;
        bool ended = false;
        string? policy = null;
        int? policyExit = null;
        bool allPods = false;
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
            if (header == "files")
            {
                pos = ReadFiles(output, bodyStart, marker, files, warnings, ref intact);
            }
            else if (header == "policy")
            {
                var endRel = output[bodyStart..].IndexOf(marker);
                var bodyEnd = endRel < 0 ? output.Length : bodyStart + endRel;
                policy = Encoding.UTF8.GetString(output[bodyStart..bodyEnd]);
                pos = bodyEnd;
            }
            else if (header.StartsWith("policy-end ", StringComparison.Ordinal))
            {
                if (int.TryParse(header.AsSpan("policy-end ".Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)) policyExit = code;
                pos = bodyStart;
            }
            else if (header.StartsWith("nodir ", StringComparison.Ordinal))
            {
                warnings.Add($"the opflex agent's state folder {header["nodir ".Length..]} does not exist: no endpoint, SNAT or id file could be read");
                pos = bodyStart;
            }
            else if (header.StartsWith("allpods ", StringComparison.Ordinal))
            {
                allPods = true;
                pos = bodyStart;
            }
            else if (header == "end")
            {
                ended = true;
                pos = bodyStart;
            }
            else
            {
                warnings.Add($"unexpected section '{header}'");
                pos = bodyStart;
            }
        }
        return new NodeFactsOutput(files, warnings) { FilesIntact = intact, Complete = ended, PolicyText = policy, PolicyExitCode = policyExit, AllEndpointsRead = allPods };
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
            // No agent directory (or no file key): nothing was listed and the next section follows.
            var next = output[start..].IndexOf(marker);
            if (next >= 0 && (output[(start + next)..].StartsWith(Encoding.ASCII.GetBytes("\n" + Marker + "end\n"))
                || output[(start + next)..].StartsWith(Encoding.ASCII.GetBytes("\n" + Marker + "policy\n")))) return start + next;
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
public sealed record NodeFactsOutput(IReadOnlyDictionary<string, byte[]> Files, IReadOnlyList<string> Warnings)
{
    /// <summary>False when the file listing and the data disagree (a file changed while it was read, output cut).</summary>
    public bool FilesIntact { get; init; } = true;

    /// <summary>True when the script's end marker arrived (otherwise the exec stream was cut short).</summary>
    public bool Complete { get; init; }

    /// <summary>What <see cref="NodePolicyQuery"/> printed (stdout and stderr), when the <c>policy</c> key was given.</summary>
    public string? PolicyText { get; init; }

    /// <summary>Its exit status.</summary>
    public int? PolicyExitCode { get; init; }

    /// <summary>True when the <c>allpods</c> key found few enough endpoint files to read them all.</summary>
    public bool AllEndpointsRead { get; init; }

    public IEnumerable<KeyValuePair<string, byte[]>> FilesIn(string folder, string suffix) =>
        Files.Where(f => f.Key.StartsWith(folder + "/", StringComparison.Ordinal) && f.Key.EndsWith(suffix, StringComparison.Ordinal));
}
