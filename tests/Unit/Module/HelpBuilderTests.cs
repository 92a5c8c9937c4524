using System.Xml.Linq;
using AciTrace.HelpBuilder;

namespace AciTrace.Tests.Unit.Module;

/// <summary>The markdown -> MAML converter on small pages: schema errors are reported, never crashes.</summary>
public class HelpBuilderTests
{
    private const string Page = """
        ---
        external help file: X.dll-Help.xml
        Module Name: X
        ---

        # Get-Thing

        ## SYNOPSIS
        Gets a thing.

        ## SYNTAX

        ### Default (Default)
        ```
        Get-Thing [-Name] <String> [-Fast] [<CommonParameters>]
        ```

        ## DESCRIPTION
        First paragraph
        continues here.

        Second paragraph.

        ## EXAMPLES

        ### Example 1: Get one
        ```powershell
        Get-Thing -Name a |
            Select-Object `
                Name
        ```

        Gets a.

        ## PARAMETERS

        ### -Name
        The name.

        ```yaml
        Type: String
        Parameter Sets: (All)
        Aliases: N

        Required: True
        Position: 0
        Default value: None
        Accept pipeline input: True (ByValue)
        Accept wildcard characters: False
        ```

        ### -Fast
        Be fast.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases:

        Required: False
        Position: Named
        Default value: False
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        Common.

        ## INPUTS

        ### System.String

        ## OUTPUTS

        ### System.Object
        A thing.

        ## NOTES

        ## RELATED LINKS

        [about_X](about_X.md)
        """;

    [Fact]
    public void ReadsEveryPartOfAPage()
    {
        var help = MarkdownHelpReader.Read("p.md", Page);
        Assert.Equal(("Get-Thing", "Get", "Thing"), (help.Name, help.Verb, help.Noun));
        Assert.Equal(["First paragraph continues here.", "Second paragraph."], help.Description);
        var example = Assert.Single(help.Examples);
        Assert.Equal("Get-Thing -Name a |\n    Select-Object `\n        Name", example.Code);
        Assert.Equal(["Gets a."], example.Remarks);
        Assert.Equal(["Name", "Fast"], help.Parameters.Select(p => p.Name));
        Assert.Equal(["N"], help.Parameters[0].Metadata[0].Aliases);
        Assert.True(help.Parameters[0].Metadata[0].Required);
        Assert.True(help.SupportsCommonParameters);
        Assert.Equal("Default", Assert.Single(help.Syntax).SetName);
    }

    [Fact]
    public void WritesMamlThatGetHelpReads()
    {
        var maml = MamlWriter.Write([MarkdownHelpReader.Read("p.md", Page)]);
        var command = maml.Root!.Element(MamlWriter.Command + "command")!;
        var syntax = command.Element(MamlWriter.Command + "syntax")!.Element(MamlWriter.Command + "syntaxItem")!;
        var name = syntax.Elements(MamlWriter.Command + "parameter").First();
        Assert.Equal(("true", "0", "True (ByValue)", "N"), ((string)name.Attribute("required")!, (string)name.Attribute("position")!,
            (string)name.Attribute("pipelineInput")!, (string)name.Attribute("aliases")!));
        var fast = syntax.Elements(MamlWriter.Command + "parameter").Last();
        Assert.Null(fast.Element(MamlWriter.Command + "parameterValue"));
        Assert.Equal("named", (string)fast.Attribute("position")!);
        // Round trip through text keeps it well-formed.
        Assert.NotNull(XDocument.Parse(maml.ToString()).Root);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no front matter")]
    [InlineData("---\nexternal help file: x\n")]
    [InlineData("---\nexternal help file: x\nModule Name: m\n---\n# T\n## SYNOPSIS\n")]
    [InlineData("---\nModule Name: m\n---\n# T\n## SYNOPSIS\n## SYNTAX\n## DESCRIPTION\n## EXAMPLES\n## PARAMETERS\n## INPUTS\n## OUTPUTS\n## NOTES\n## RELATED LINKS\n")]
    [InlineData("---\nexternal help file: x\nModule Name: m\n---\n# T\n## SYNTAX\n## SYNOPSIS\n## DESCRIPTION\n## EXAMPLES\n## PARAMETERS\n## INPUTS\n## OUTPUTS\n## NOTES\n## RELATED LINKS\n")]
    [InlineData("\u0000\u0001```\n### -X\n```yaml")]
    public void BrokenPagesAreSchemaErrorsNotCrashes(string text) =>
        Assert.Throws<HelpFormatException>(() => MarkdownHelpReader.Read("bad.md", text));

    [Fact]
    public void ParameterWithoutYamlIsReported()
    {
        var broken = Page.Replace("```yaml\nType: SwitchParameter", "```text\nType: SwitchParameter", StringComparison.Ordinal)
            .Replace("Type: SwitchParameter\nParameter Sets: (All)", "Parameter Sets: (All)", StringComparison.Ordinal);
        var ex = Assert.Throws<HelpFormatException>(() => MarkdownHelpReader.Read("p.md", broken));
        Assert.Contains("-Fast", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AboutTopicNeedsItsTitleAndDescriptions()
    {
        Assert.Throws<HelpFormatException>(() => AboutTopicWriter.Write("a.md", "# Something\n## SHORT DESCRIPTION\n## LONG DESCRIPTION\n"));
        Assert.Throws<HelpFormatException>(() => AboutTopicWriter.Write("a.md", "# about_X\n## SHORT DESCRIPTION\nx\n"));
        var text = AboutTopicWriter.Write("a.md", "# about_X\n\n## SHORT DESCRIPTION\nShort `code`.\n\n## LONG DESCRIPTION\n```\nGet-X\n```\n");
        Assert.Equal("TOPIC\n    about_X\n\nSHORT DESCRIPTION\n    Short code.\n\nLONG DESCRIPTION\n        Get-X\n", text);
    }
}
