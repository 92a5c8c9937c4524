using System.Xml.Linq;
using AciTrace.HelpBuilder;

namespace AciTrace.Tests.Unit.Module;

/// <summary>docs/help pages and the MAML built from them against the cmdlets' real parameters.</summary>
public class HelpContractTests
{
    private static readonly XNamespace Maml = MamlWriter.Maml;
    private static readonly XNamespace Command = MamlWriter.Command;

    public static TheoryData<string> CmdletNames => new(ModuleContract.Cmdlets.Select(c => c.Name));

    private static CmdletInfo Cmdlet(string name) => ModuleContract.Cmdlets.Single(c => c.Name == name);

    private static CommandHelp Page(string name)
    {
        var path = Path.Combine(ModuleContract.HelpDir, name + ".md");
        Assert.True(File.Exists(path), $"docs/help/{name}.md is missing");
        return MarkdownHelpReader.Read(path, File.ReadAllText(path));
    }

    [Fact]
    public void EveryCmdletHasAPageAndEveryPageACmdlet()
    {
        var pages = Directory.GetFiles(ModuleContract.HelpDir, "*.md").Select(Path.GetFileNameWithoutExtension)
            .Where(n => !n!.StartsWith("about_", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(ModuleContract.Cmdlets.Select(c => c.Name), pages);
        Assert.True(File.Exists(Path.Combine(ModuleContract.HelpDir, "about_AciTrace.md")));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void PageNamesTheModuleAndItsHelpFile(string name)
    {
        var page = Page(name);
        Assert.Equal("AciTrace.Cmdlets.dll-Help.xml", page.ExternalHelpFile);
        Assert.Equal("AciTrace", page.ModuleName);
        Assert.NotEmpty(page.Synopsis);
        Assert.NotEmpty(page.Description);
        Assert.True(page.SupportsCommonParameters, "### CommonParameters is missing");
        Assert.NotEmpty(page.Inputs);
        Assert.Equal(["AciTrace.AciBridgePass", "AciTrace.AciTableHop", "AciTrace.AciTraceSummary", "System.Boolean"], page.Outputs.Select(o => o.TypeName));
        Assert.Contains(page.Links, l => l.Text == "about_AciTrace");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryParameterIsDocumentedExactlyAsDeclared(string name)
    {
        var cmdlet = Cmdlet(name);
        var page = Page(name);
        Assert.Equal(cmdlet.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), page.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var parameter in cmdlet.Parameters)
        {
            var documented = page.Parameters.Single(p => p.Name == parameter.Name);
            Assert.NotEmpty(documented.Description);
            var meta = Assert.Single(documented.Metadata);
            var where = $"{name} -{parameter.Name}";
            Assert.True(parameter.HelpTypeName == meta.Type, $"{where}: Type {meta.Type}, code {parameter.HelpTypeName}");
            var sets = parameter.Sets.Select(s => s.Name).ToArray();
            Assert.Equal(sets.SequenceEqual([CmdletInfo.AllSets]) ? ["(All)"] : sets.Order(StringComparer.Ordinal).ToArray(), meta.ParameterSets.Order(StringComparer.Ordinal).ToArray());
            Assert.True(parameter.Sets.All(s => s.Mandatory) == meta.Required, $"{where}: Required");
            Assert.True(parameter.Sets.Any(s => s.Mandatory) == meta.Required, $"{where}: Required differs between sets");
            var position = parameter.Sets.Select(s => s.Position).Distinct().Single();
            Assert.True((position?.ToString() ?? "Named") == meta.Position, $"{where}: Position {meta.Position}, code {position}");
            Assert.True(parameter.PipelineInput == meta.PipelineInput, $"{where}: pipeline input {meta.PipelineInput}, code {parameter.PipelineInput}");
            Assert.Equal(parameter.Aliases, meta.Aliases);
            Assert.Equal(parameter.AcceptedValues, meta.AcceptedValues);
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void SyntaxBlocksMatchTheParameterSets(string name)
    {
        var cmdlet = Cmdlet(name);
        var page = Page(name);
        Assert.Equal(cmdlet.ParameterSets, page.Syntax.Select(s => s.SetName).Order(StringComparer.Ordinal));
        Assert.Equal(cmdlet.DefaultParameterSet, page.Syntax.Single(s => s.IsDefault).SetName);
        foreach (var syntax in page.Syntax)
        {
            var members = cmdlet.Parameters.Where(p => p.Sets.Any(s => s.Name == syntax.SetName || s.Name == CmdletInfo.AllSets)).Select(p => p.Name);
            var written = System.Text.RegularExpressions.Regex.Matches(syntax.Text, @"(?<=[\[\s])-(\w+)").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
            Assert.Equal(members.Order(StringComparer.Ordinal), written);
            Assert.StartsWith(name + " ", syntax.Text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void ExamplesIncludeADropReportAndShowCommandsOnly(string name)
    {
        var page = Page(name);
        Assert.True(page.Examples.Count >= 3, $"{name} has {page.Examples.Count} examples");
        Assert.Contains(page.Examples, e => e.Code.Contains("Where-Object Verdict -eq Drop", StringComparison.Ordinal) && e.Code.Contains("Export-Csv", StringComparison.Ordinal));
        Assert.All(page.Examples, e =>
        {
            Assert.Contains(name, e.Code, StringComparison.Ordinal);
            Assert.NotEmpty(e.Remarks);
            // Output in examples must be real; until it is captured, examples hold commands only.
            Assert.DoesNotContain(e.Code.Split('\n'), l => l.TrimStart().StartsWith("---", StringComparison.Ordinal) || l.StartsWith("PS ", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void MamlIsWellFormedAndHasEveryCmdletParameterAndSet()
    {
        var path = Path.Combine(ModuleContract.CultureDir, "AciTrace.Cmdlets.dll-Help.xml");
        var maml = XDocument.Load(path);
        Assert.Equal(MamlWriter.Msh + "helpItems", maml.Root!.Name);
        var commands = maml.Root.Elements(Command + "command").ToArray();
        Assert.Equal(ModuleContract.Cmdlets.Select(c => c.Name), commands.Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value));
        foreach (var cmdlet in ModuleContract.Cmdlets)
        {
            var command = commands.Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value == cmdlet.Name);
            Assert.NotEmpty(command.Element(Command + "details")!.Element(Maml + "description")!.Value.Trim());
            Assert.NotEmpty(command.Element(Maml + "description")!.Value.Trim());
            var documented = command.Element(Command + "parameters")!.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value);
            Assert.Equal(cmdlet.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
            var syntaxItems = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToArray();
            Assert.Equal(cmdlet.ParameterSets.Count, syntaxItems.Length);
            foreach (var item in syntaxItems)
            {
                Assert.Equal(cmdlet.Name, item.Element(Maml + "name")!.Value);
                var names = item.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value).ToHashSet();
                Assert.Contains(cmdlet.ParameterSets, set =>
                    cmdlet.Parameters.Where(p => p.Sets.Any(s => s.Name == set || s.Name == CmdletInfo.AllSets)).Select(p => p.Name).ToHashSet().SetEquals(names));
            }

            Assert.True(command.Element(Command + "examples")!.Elements(Command + "example").Count() >= 3);
            Assert.All(command.Element(Command + "examples")!.Elements(Command + "example"), e => Assert.NotEmpty(e.Element(MamlWriter.Dev + "code")!.Value));
            Assert.NotEmpty(command.Element(Command + "inputTypes")!.Elements());
            Assert.Equal(4, command.Element(Command + "returnValues")!.Elements().Count());
        }
    }

    [Fact]
    public void MamlIsUpToDateWithTheMarkdown()
    {
        var temp = Directory.CreateTempSubdirectory("acitrace-help-");
        try
        {
            HelpBuild.Run(ModuleContract.HelpDir, temp.FullName);
            foreach (var file in new[] { "AciTrace.Cmdlets.dll-Help.xml", "about_AciTrace.help.txt" })
            {
                Assert.Equal(File.ReadAllText(Path.Combine(temp.FullName, file)), File.ReadAllText(Path.Combine(ModuleContract.CultureDir, file)));
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void AboutTopicIsPlainTextWithTheTopicHeader()
    {
        var text = File.ReadAllText(Path.Combine(ModuleContract.CultureDir, "about_AciTrace.help.txt"));
        Assert.StartsWith("TOPIC\n    about_AciTrace\n", text, StringComparison.Ordinal);
        Assert.Contains("\nSHORT DESCRIPTION\n", text, StringComparison.Ordinal);
        Assert.Contains("\nLONG DESCRIPTION\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AboutTopicListsEveryVerdict()
    {
        var about = File.ReadAllText(Path.Combine(ModuleContract.HelpDir, "about_AciTrace.md"));
        Assert.All(Enum.GetNames<TraceVerdict>(), v => Assert.Contains($"| {v} |", about, StringComparison.Ordinal));
    }
}
