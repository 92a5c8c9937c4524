using System.Text.RegularExpressions;

namespace AciTrace.Tests.Unit.Module;

/// <summary>The ErrorId table of about_AciTrace (the one list users read) against the ids the code raises.</summary>
public partial class ErrorIdTests
{
    /// <summary>
    /// Ids the engine helpers are adding on other branches (named in the module brief). Once merged they are in src/
    /// and this set should be emptied; until then they are documented ahead of the code.
    /// </summary>
    private static readonly HashSet<string> PendingFromOtherBranches =
    [
        "KubectlNotFound", "PodNotFound", "NamespaceNotFound", "ServiceNotFound", "KubeForbidden", "ClusterUnreachable",
        "KubectlTimeout", "RemoteCommandFailed", "CommandNotAllowed",
    ];

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

    /// <summary>Ids raised in code: literal first arguments of AciTraceException and the constants of *ErrorIds classes.</summary>
    private static HashSet<string> RaisedIds()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            ids.UnionWith(RaisedLiteral().Matches(text).Select(m => m.Groups[1].Value));
            if (Path.GetFileName(file).Contains("ErrorIds", StringComparison.Ordinal))
            {
                ids.UnionWith(ConstString().Matches(text).Select(m => m.Groups[1].Value));
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
        Assert.All(ids, id => Assert.Matches("^[A-Z][A-Za-z]+$", id));
    }

    [Fact]
    public void EveryIdTheCodeRaisesIsDocumented()
    {
        var raised = RaisedIds();
        Assert.Contains("InvalidObjectReference", raised);
        Assert.Contains("LiveTracingUnavailable", raised);
        var undocumented = raised.Except(DocumentedIds()).ToArray();
        Assert.True(undocumented.Length == 0, "not in about_AciTrace.md: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void EveryDocumentedIdExistsInCode()
    {
        var literals = SourceFiles().SelectMany(f => AnyLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet();
        var missing = DocumentedIds().Where(id => !literals.Contains(id) && !PendingFromOtherBranches.Contains(id)).ToArray();
        Assert.True(missing.Length == 0, "documented but never raised: " + string.Join(", ", missing));
    }

    [Fact]
    public void CompiledAboutTopicListsEveryId()
    {
        var text = File.ReadAllText(Path.Combine(ModuleContract.CultureDir, "about_AciTrace.help.txt"));
        Assert.All(DocumentedIds(), id => Assert.Contains(id, text, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"AciTraceException\(\s*(?:errorId:\s*)?""([A-Za-z]+)""")]
    private static partial Regex RaisedLiteral();

    [GeneratedRegex(@"const\s+string\s+\w+\s*=\s*""([A-Z][A-Za-z]+)""")]
    private static partial Regex ConstString();

    [GeneratedRegex(@"""([A-Z][A-Za-z]+)""")]
    private static partial Regex AnyLiteral();
}
