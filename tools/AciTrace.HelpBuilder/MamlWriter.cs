using System.Xml.Linq;

namespace AciTrace.HelpBuilder;

/// <summary>Writes MAML command help (the schema PlatyPS's New-ExternalHelp emits) that Get-Help reads.</summary>
public static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    public static readonly XNamespace MsHelp = "http://msdn.microsoft.com/mshelp";

    /// <summary>The <c>helpItems</c> document for <paramref name="commands"/>.</summary>
    public static XDocument Write(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), commands.Select(CommandElement)));

    private static XElement CommandElement(CommandHelp help) =>
        new(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelp),
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Verb),
                new XElement(Command + "noun", help.Noun),
                Description(help.Synopsis)),
            Description(help.Description),
            new XElement(Command + "syntax", help.Syntax.Select(set => SyntaxItem(help, set))),
            new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p, p.Metadata[0], inSyntax: false))),
            new XElement(Command + "inputTypes", help.Inputs.Select(t =>
                new XElement(Command + "inputType", TypeElement(t.TypeName), Description(t.Description)))),
            new XElement(Command + "returnValues", help.Outputs.Select(t =>
                new XElement(Command + "returnValue", TypeElement(t.TypeName), Description(t.Description)))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select((e, i) =>
                new XElement(Command + "example",
                    new XElement(Maml + "title", $"-------------------------- {e.Title} --------------------------"),
                    new XElement(Dev + "code", e.Code),
                    new XElement(Dev + "remarks", Paras(e.Remarks))))),
            new XElement(Command + "relatedLinks", help.Links.Select(l =>
                new XElement(Maml + "navigationLink",
                    new XElement(Maml + "linkText", l.Text),
                    new XElement(Maml + "uri", l.Uri.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? "" : l.Uri)))));

    private static XElement SyntaxItem(CommandHelp help, SyntaxHelp set)
    {
        var members = help.Parameters
            .Select(p => (Parameter: p, Meta: p.Metadata.FirstOrDefault(m => m.AllSets || m.ParameterSets.Contains(set.SetName))))
            .Where(x => x.Meta is not null)
            .OrderBy(x => int.TryParse(x.Meta!.Position, out var position) ? position : int.MaxValue)
            .Select(x => Parameter(x.Parameter, x.Meta!, inSyntax: true));
        return new XElement(Command + "syntaxItem", new XElement(Maml + "name", help.Name), members);
    }

    private static XElement Parameter(ParameterHelp parameter, ParameterMetadata meta, bool inSyntax)
    {
        var isSwitch = meta.Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);
        var element = new XElement(Command + "parameter",
            new XAttribute("required", meta.Required ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", meta.AcceptWildcards ? "true" : "false"),
            new XAttribute("pipelineInput", meta.PipelineInput),
            new XAttribute("position", int.TryParse(meta.Position, out _) ? meta.Position : "named"),
            new XAttribute("aliases", meta.Aliases.Count == 0 || meta.Aliases[0] == "None" ? "none" : string.Join(", ", meta.Aliases)),
            new XElement(Maml + "name", parameter.Name),
            Description(parameter.Description));
        if (meta.AcceptedValues.Count > 0)
        {
            element.Add(new XElement(Command + "parameterValueGroup", meta.AcceptedValues.Select(v =>
                new XElement(Command + "parameterValue", new XAttribute("required", "false"),
                    new XAttribute(Command + "variableLength", "false"), v))));
        }

        if (!(inSyntax && isSwitch))
        {
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", isSwitch ? "false" : "true"), new XAttribute("variableLength", "false"), meta.Type));
        }

        element.Add(TypeElement(meta.Type), new XElement(Dev + "defaultValue", meta.DefaultValue));
        return element;
    }

    private static XElement TypeElement(string typeName) =>
        new(Dev + "type", new XElement(Maml + "name", typeName), new XElement(Maml + "uri"));

    private static XElement Description(IReadOnlyList<string> paragraphs) => new(Maml + "description", Paras(paragraphs));

    private static IEnumerable<XElement> Paras(IReadOnlyList<string> paragraphs) =>
        paragraphs.Count == 0 ? [new XElement(Maml + "para")] : paragraphs.Select(p => new XElement(Maml + "para", p.Replace("`", "", StringComparison.Ordinal)));
}
