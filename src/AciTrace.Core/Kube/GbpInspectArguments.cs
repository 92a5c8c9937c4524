using System.Diagnostics.CodeAnalysis;

namespace AciTrace.Kube;

/// <summary>One <c>-q</c> of gbp_inspect: every object of a class, or the one object of that class at a URI.</summary>
public sealed record GbpInspectQuery(string ClassName, string? Uri);

/// <summary>
/// A read-only <c>gbp_inspect</c> command line, with the tool's own meaning (agent-ovs/cmd/gbp_inspect.cpp):
/// <c>-q CLASS</c> or <c>-q CLASS,URI</c> (repeatable), <c>-r</c> each object's whole subtree, <c>-f</c> follow the
/// references of returned objects (transitively), <c>-p</c> properties, <c>-u</c> unresolved relations only,
/// <c>-x</c> no observables, <c>-t tree|asciitree|list|dump</c>. Flags group getopt-style (<c>-fprq DmtreeRoot</c>) and a
/// value may be attached (<c>-tdump</c>). Anything that writes (<c>-o</c>, <c>--load</c>), another socket, or a long
/// option is refused. The tracer's allowlist and the lab's simulated tool both read command lines through this.
/// </summary>
public sealed record GbpInspectArguments(
    IReadOnlyList<GbpInspectQuery> Queries, bool FollowReferences, bool Recursive, bool Properties, bool Unresolved,
    bool ExcludeObservables, string OutputType)
{
    public static IReadOnlyList<string> OutputTypes { get; } = new[] { "tree", "asciitree", "list", "dump" };

    /// <summary>Parses argv (program first); false with the reason for anything outside the read-only forms.</summary>
    public static bool TryParse(IReadOnlyList<string> argv, [NotNullWhen(true)] out GbpInspectArguments? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        var queries = new List<GbpInspectQuery>();
        bool f = false, r = false, p = false, u = false, x = false;
        string type = "tree";
        for (int i = 1; i < argv.Count; i++)
        {
            string arg = argv[i];
            if (arg.Length < 2 || arg[0] != '-' || arg[1] == '-')
            {
                error = $"unexpected gbp_inspect argument '{Printable(arg)}'";
                return false;
            }
            for (int k = 1; k < arg.Length; k++)
            {
                char opt = arg[k];
                switch (opt)
                {
                    case 'f': f = true; continue;
                    case 'r': r = true; continue;
                    case 'p': p = true; continue;
                    case 'u': u = true; continue;
                    case 'x': x = true; continue;
                    case 'q' or 't':
                        string? value = k + 1 < arg.Length ? arg[(k + 1)..] : i + 1 < argv.Count ? argv[++i] : null;
                        if (value is null)
                        {
                            error = $"gbp_inspect option -{opt} needs a value";
                            return false;
                        }
                        if (opt == 't')
                        {
                            if (!OutputTypes.Contains(value, StringComparer.Ordinal))
                            {
                                error = $"gbp_inspect -t '{Printable(value)}' is not an output type ({string.Join(", ", OutputTypes)})";
                                return false;
                            }
                            type = value;
                        }
                        else if (ParseQuery(value, out var query, out error)) queries.Add(query);
                        else return false;
                        k = arg.Length;
                        continue;
                    default:
                        error = $"gbp_inspect option -{Printable(opt.ToString())} is not allowed (only -f -p -r -u -x -q CLASS[,URI] -t TYPE)";
                        return false;
                }
            }
        }
        if (queries.Count == 0)
        {
            error = "gbp_inspect needs a query (-q CLASS or -q CLASS,URI)";
            return false;
        }
        parsed = new GbpInspectArguments(queries, f, r, p, u, x, type);
        error = null;
        return true;
    }

    private static bool ParseQuery(string value, [NotNullWhen(true)] out GbpInspectQuery? query, [NotNullWhen(false)] out string? error)
    {
        query = null;
        int comma = value.IndexOf(',');
        string cls = comma < 0 ? value : value[..comma];
        string? uri = comma < 0 ? null : value[(comma + 1)..];
        if (cls.Length is 0 or > 128 || !cls.All(char.IsAsciiLetterOrDigit))
        {
            error = $"gbp_inspect -q '{Printable(value)}' is not a class name";
            return false;
        }
        if (uri is not null && !IsPolicyUri(uri))
        {
            error = $"gbp_inspect -q '{Printable(value)}' does not end in a policy URI";
            return false;
        }
        query = new GbpInspectQuery(cls, uri);
        error = null;
        return true;
    }

    private static bool IsPolicyUri(string value) =>
        value.Length is > 1 and <= 1024 && value[0] == '/' && !value.Contains("/../") && !value.EndsWith("/..", StringComparison.Ordinal)
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '%' or '+' or '.' or '_' or '-' or '|' or '~');

    private static string Printable(string s) => AciTrace.Packets.InputValidationException.Printable(s);
}
