using System.Reflection;
using System.Text.RegularExpressions;

namespace AciTrace.Tests.Unit.Module;

/// <summary>
/// The ErrorId catalogue (<see cref="ErrorIds"/>, read by reflection) against the table of about_AciTrace (the one
/// list users read), and the sources against the catalogue: no id is raised except through it.
/// </summary>
public partial class ErrorIdTests
{
    private static IReadOnlyList<string> SourceFiles() =>
        Directory.GetFiles(Path.Combine(ModuleContract.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && Path.GetFileName(f) != "ErrorIds.cs")
            .ToArray();

    internal static IReadOnlyList<string> DocumentedIds()
    {
        var about = File.ReadAllLines(Path.Combine(ModuleContract.HelpDir, "about_AciTrace.md"));
        var header = Array.FindIndex(about, l => l.StartsWith("| ErrorId |", StringComparison.Ordinal));
        Assert.True(header >= 0, "about_AciTrace.md has no '| ErrorId | Meaning |' table");
        return about.Skip(header + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1]).ToArray();
    }

    /// <summary>The catalogue: every public const string of <see cref="ErrorIds"/>, in declaration order.</summary>
    internal static IReadOnlyList<(string Name, string Value)> CatalogueIds() =>
        typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!))
            .ToArray();

    [Fact]
    public void DocumentedIdsAreUniquePascalCase()
    {
        var ids = DocumentedIds();
        Assert.True(ids.Count >= 10, "the ErrorId table is too short to be the real list");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[A-Z][A-Za-z0-9]+$", id));
    }

    [Fact]
    public void TheCatalogueIsTheDocumentedTableInItsOrder()
    {
        var catalogue = CatalogueIds();
        Assert.All(catalogue, c => Assert.Equal(c.Name, c.Value));
        Assert.Equal(DocumentedIds(), catalogue.Select(c => c.Value).ToArray());
    }

    [Fact]
    public void EveryCatalogueIdIsRaisedSomewhere()
    {
        var text = string.Join('\n', SourceFiles().Select(File.ReadAllText));
        var unused = CatalogueIds().Where(c => !text.Contains("ErrorIds." + c.Name, StringComparison.Ordinal)).Select(c => c.Name).ToArray();
        Assert.True(unused.Length == 0, "in the catalogue but never used: " + string.Join(", ", unused));
    }

    [Fact]
    public void NoSourceRaisesAnIdOutsideTheCatalogue()
    {
        var offenders = SourceFiles()
            .SelectMany(f => LiteralRaise().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}"))
            .ToArray();
        Assert.True(offenders.Length == 0, "ErrorIds given as literals, not through ErrorIds: " + string.Join("; ", offenders));
        // Nor may a literal that equals a catalogue id appear anywhere else in the sources (a second home for an id).
        var ids = CatalogueIds().Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var strays = SourceFiles()
            .SelectMany(f => AnyLiteral().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Id: m.Groups[1].Value)))
            .Where(x => ids.Contains(x.Id)).Select(x => $"{x.File}: \"{x.Id}\"").Distinct().ToArray();
        Assert.True(strays.Length == 0, "id literals outside ErrorIds.cs: " + string.Join("; ", strays));
    }

    [Fact]
    public void CompiledAboutTopicListsEveryId()
    {
        var text = File.ReadAllText(Path.Combine(ModuleContract.CultureDir, "about_AciTrace.help.txt"));
        Assert.All(DocumentedIds(), id => Assert.Contains(id, text, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"(?:new\s+\w*Exception|:\s*base)\(\s*(?:errorId:\s*)?""[A-Z][A-Za-z0-9]+""\s*,")]
    private static partial Regex LiteralRaise();

    [GeneratedRegex(@"(?<![\\\w])""([A-Z][A-Za-z0-9]+)""")]
    private static partial Regex AnyLiteral();
}
