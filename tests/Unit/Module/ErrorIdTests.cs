using System.Text.RegularExpressions;

namespace AciTrace.Tests.Unit.Module;

/// <summary>The ErrorId table of about_AciTrace (the one list users read) against the ids the code raises.</summary>
public partial class ErrorIdTests
{
    private static IReadOnlyList<string> SourceFiles() =>
        Directory.GetFiles(Path.Combine(ModuleContract.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToArray();

    internal static IReadOnlyList<string> DocumentedIds()
    {
        var about = File.ReadAllLines(Path.Combine(ModuleContract.HelpDir, "about_AciTrace.md"));
        var header = Array.FindIndex(about, l => l.StartsWith("| ErrorId |", StringComparison.Ordinal));
        Assert.True(header >= 0, "about_AciTrace.md has no '| ErrorId | Meaning |' table");
        return about.Skip(header + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1]).ToArray();
    }

    /// <summary>
    /// Ids raised in code: the first argument of <c>new X(</c> for AciTraceException and every class derived from it,
    /// and of <c>: base(</c> calls (literals, or constants resolved through their declarations), the constants of
    /// *ErrorIds classes, and the literals of <c>...ErrorId(...) =&gt; x switch</c> maps.
    /// </summary>
    internal static HashSet<string> RaisedIds()
    {
        var files = SourceFiles();
        var texts = files.Select(File.ReadAllText).ToArray();
        var constants = texts.SelectMany(t => ConstString().Matches(t)).GroupBy(m => m.Groups[1].Value)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Groups[2].Value).ToArray());

        var exceptionTypes = new HashSet<string>(StringComparer.Ordinal) { "AciTraceException" };
        var derivations = texts.SelectMany(t => DerivedClass().Matches(t)).Select(m => (Name: m.Groups[1].Value, Base: m.Groups[2].Value)).ToArray();
        for (var added = true; added;)
        {
            added = false;
            foreach (var (name, baseName) in derivations)
            {
                added |= exceptionTypes.Contains(baseName) && exceptionTypes.Add(name);
            }
        }

        IEnumerable<string> Resolve(string argument) => argument.StartsWith('"')
            ? [argument.Trim('"')]
            : constants.GetValueOrDefault(argument.Split('.')[^1]) ?? [];

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, text) in files.Zip(texts))
        {
            foreach (Match raised in Raised().Matches(text))
            {
                if (raised.Groups["type"].Value == "base" || exceptionTypes.Contains(raised.Groups["type"].Value))
                {
                    ids.UnionWith(Resolve(raised.Groups["id"].Value));
                }
            }

            ids.UnionWith(ErrorIdSwitch().Matches(text).SelectMany(m => AnyLiteral().Matches(m.Groups[1].Value)).Select(m => m.Groups[1].Value));
            if (Path.GetFileName(file).Contains("ErrorIds", StringComparison.Ordinal))
            {
                ids.UnionWith(ConstString().Matches(text).Select(m => m.Groups[2].Value));
            }
        }

        return ids;
    }

    [Fact]
    public void DocumentedIdsAreUniquePascalCase()
    {
        var ids = DocumentedIds();
        Assert.True(ids.Count >= 10, "the ErrorId table is too short to be the real list");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[A-Z][A-Za-z0-9]+$", id));
    }

    [Fact]
    public void EveryIdTheCodeRaisesIsDocumented()
    {
        var raised = RaisedIds();
        Assert.Contains("InvalidObjectReference", raised);
        Assert.Contains("PodHasNoAddress", raised);
        var undocumented = raised.Except(DocumentedIds()).ToArray();
        Assert.True(undocumented.Length == 0, "not in about_AciTrace.md: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void EveryDocumentedIdExistsInCode()
    {
        var literals = SourceFiles().SelectMany(f => AnyLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet();
        var missing = DocumentedIds().Where(id => !literals.Contains(id)).ToArray();
        Assert.True(missing.Length == 0, "documented but never raised: " + string.Join(", ", missing));
    }

    [Fact]
    public void CompiledAboutTopicListsEveryId()
    {
        var text = File.ReadAllText(Path.Combine(ModuleContract.CultureDir, "about_AciTrace.help.txt"));
        Assert.All(DocumentedIds(), id => Assert.Contains(id, text, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"(?:new\s+(?<type>\w+)|:\s*(?<type>base))\(\s*(?:errorId:\s*)?(?<id>""[A-Z][A-Za-z0-9]+""|[A-Za-z_][\w.]*)\s*,")]
    private static partial Regex Raised();

    [GeneratedRegex(@"class\s+(\w+)\s*(?:\([^)]*\))?\s*:\s*(\w+)")]
    private static partial Regex DerivedClass();

    [GeneratedRegex(@"const\s+string\s+(\w+)\s*=\s*""([A-Z][A-Za-z0-9]+)""")]
    private static partial Regex ConstString();


    [GeneratedRegex(@"\w*ErrorId\([^)]*\)\s*=>\s*\w+\s+switch\s*\{([^}]*)\}")]
    private static partial Regex ErrorIdSwitch();

    [GeneratedRegex(@"""([A-Z][A-Za-z0-9]+)""")]
    private static partial Regex AnyLiteral();
}
