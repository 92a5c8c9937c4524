using System.Text.RegularExpressions;

namespace AciTrace.HelpBuilder;

/// <summary>
/// Reads cmdlet help pages written in PlatyPS's markdown schema (2.0.0): yaml front matter, <c># Name</c>, and the
/// sections SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES, RELATED LINKS.
/// </summary>
public static partial class MarkdownHelpReader
{
    /// <summary>Sections every cmdlet page must have, in this order.</summary>
    public static readonly IReadOnlyList<string> RequiredSections =
        ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    /// <summary>Parses one page; throws <see cref="HelpFormatException"/> when the page breaks the schema.</summary>
    public static CommandHelp Read(string file, string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var index = 0;
        var front = ReadFrontMatter(file, lines, ref index);

        string? title = null;
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        List<string>? current = null;
        var inFence = false;
        for (; index < lines.Length; index++)
        {
            var line = lines[index];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }

            if (!inFence && line.StartsWith("# ", StringComparison.Ordinal) && title is null)
            {
                title = line[2..].Trim();
                continue;
            }

            if (!inFence && line.StartsWith("## ", StringComparison.Ordinal))
            {
                var name = line[3..].Trim();
                current = [];
                sections[name] = current;
                order.Add(name);
                continue;
            }

            current?.Add(line);
        }

        if (string.IsNullOrEmpty(title))
        {
            throw new HelpFormatException(file, "missing '# <Cmdlet-Name>' title");
        }

        var missing = RequiredSections.Where(s => !sections.ContainsKey(s)).ToArray();
        if (missing.Length > 0)
        {
            throw new HelpFormatException(file, "missing section(s): " + string.Join(", ", missing.Select(m => "## " + m)));
        }

        var expectedOrder = order.Where(RequiredSections.Contains).ToArray();
        if (!expectedOrder.SequenceEqual(RequiredSections))
        {
            throw new HelpFormatException(file, "sections out of order: " + string.Join(", ", expectedOrder));
        }

        var (parameters, common) = ReadParameters(file, sections["PARAMETERS"]);
        return new CommandHelp
        {
            File = file,
            Name = title,
            ExternalHelpFile = Required(file, front, "external help file"),
            ModuleName = Required(file, front, "Module Name"),
            OnlineVersion = front.GetValueOrDefault("online version") ?? "",
            Synopsis = Paragraphs(sections["SYNOPSIS"]),
            Syntax = ReadSyntax(file, sections["SYNTAX"]),
            Description = Paragraphs(sections["DESCRIPTION"]),
            Examples = ReadExamples(file, sections["EXAMPLES"]),
            Parameters = parameters,
            SupportsCommonParameters = common,
            Inputs = ReadTypes(sections["INPUTS"]),
            Outputs = ReadTypes(sections["OUTPUTS"]),
            Notes = Paragraphs(sections["NOTES"]),
            Links = ReadLinks(sections["RELATED LINKS"]),
        };
    }

    private static Dictionary<string, string> ReadFrontMatter(string file, string[] lines, ref int index)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (lines.Length == 0 || lines[0].Trim() != "---")
        {
            throw new HelpFormatException(file, "missing yaml front matter ('---' on the first line)");
        }

        for (index = 1; index < lines.Length; index++)
        {
            if (lines[index].Trim() == "---")
            {
                index++;
                return result;
            }

            var colon = lines[index].IndexOf(':');
            if (colon > 0)
            {
                result[lines[index][..colon].Trim()] = lines[index][(colon + 1)..].Trim();
            }
        }

        throw new HelpFormatException(file, "front matter is not closed with '---'");
    }

    private static string Required(string file, Dictionary<string, string> front, string key) =>
        front.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw new HelpFormatException(file, $"front matter lacks '{key}:'");

    /// <summary>Splits section lines into paragraphs (blank-line separated, lines joined with a space; fences kept whole).</summary>
    public static IReadOnlyList<string> Paragraphs(IEnumerable<string> lines)
    {
        var result = new List<string>();
        var buffer = new List<string>();
        var inFence = false;
        void Flush()
        {
            if (buffer.Count > 0)
            {
                result.Add(inFence ? string.Join("\n", buffer) : string.Join(" ", buffer.Select(l => l.Trim())));
                buffer.Clear();
            }
        }

        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                Flush();
                inFence = !inFence;
                continue;
            }

            if (!inFence && line.Trim().Length == 0)
            {
                Flush();
                continue;
            }

            // Markdown list items and table rows keep their own line.
            if (!inFence && buffer.Count > 0 && (IsListItem(line) || line.TrimStart().StartsWith('|')))
            {
                result.Add(string.Join(" ", buffer.Select(l => l.Trim())));
                buffer.Clear();
            }

            buffer.Add(line);
        }

        Flush();
        return result;
    }

    private static bool IsListItem(string line)
    {
        var t = line.TrimStart();
        return t.StartsWith("- ", StringComparison.Ordinal) || t.StartsWith("* ", StringComparison.Ordinal) || ListNumber().IsMatch(t);
    }

    private static IReadOnlyList<SyntaxHelp> ReadSyntax(string file, List<string> lines)
    {
        var result = new List<SyntaxHelp>();
        foreach (var (heading, body) in Subsections(lines))
        {
            var code = Fenced(body);
            if (code is null)
            {
                throw new HelpFormatException(file, $"syntax '{heading}' has no code block");
            }

            var isDefault = heading.EndsWith("(Default)", StringComparison.Ordinal);
            var name = isDefault ? heading[..^"(Default)".Length].Trim() : heading;
            result.Add(new SyntaxHelp(name, isDefault, code.Trim()));
        }

        if (result.Count == 0)
        {
            throw new HelpFormatException(file, "## SYNTAX has no '### <ParameterSet>' subsection");
        }

        return result;
    }

    private static IReadOnlyList<ExampleHelp> ReadExamples(string file, List<string> lines)
    {
        var result = new List<ExampleHelp>();
        foreach (var (heading, body) in Subsections(lines))
        {
            var code = Fenced(body) ?? throw new HelpFormatException(file, $"example '{heading}' has no code block");
            var afterFence = AfterFirstFence(body);
            result.Add(new ExampleHelp(heading, code.TrimEnd(), Paragraphs(afterFence)));
        }

        return result;
    }

    private static (IReadOnlyList<ParameterHelp>, bool) ReadParameters(string file, List<string> lines)
    {
        var result = new List<ParameterHelp>();
        var common = false;
        foreach (var (heading, body) in Subsections(lines))
        {
            if (heading == "CommonParameters")
            {
                common = true;
                continue;
            }

            if (!heading.StartsWith('-'))
            {
                throw new HelpFormatException(file, $"parameter heading '### {heading}' must start with '-'");
            }

            var name = heading[1..].Trim();
            var description = new List<string>();
            var blocks = new List<ParameterMetadata>();
            var inFence = false;
            var yaml = new List<string>();
            foreach (var line in body)
            {
                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    if (inFence)
                    {
                        blocks.Add(ParseYaml(file, name, yaml));
                        yaml.Clear();
                    }

                    inFence = !inFence;
                    continue;
                }

                (inFence ? yaml : description).Add(line);
            }

            if (blocks.Count == 0)
            {
                throw new HelpFormatException(file, $"parameter -{name} has no yaml block");
            }

            result.Add(new ParameterHelp(name, Paragraphs(description), blocks));
        }

        return (result, common);
    }

    private static ParameterMetadata ParseYaml(string file, string parameter, List<string> yaml)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in yaml)
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                map[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        foreach (var key in new[] { "Type", "Parameter Sets", "Required", "Position", "Accept pipeline input" })
        {
            if (!map.ContainsKey(key))
            {
                throw new HelpFormatException(file, $"parameter -{parameter}: yaml lacks '{key}:'");
            }
        }

        static IReadOnlyList<string> List(string? value) =>
            string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        return new ParameterMetadata
        {
            Type = map["Type"],
            ParameterSets = List(map["Parameter Sets"]),
            Aliases = List(map.GetValueOrDefault("Aliases")),
            AcceptedValues = List(map.GetValueOrDefault("Accepted values")),
            Required = string.Equals(map["Required"], "True", StringComparison.OrdinalIgnoreCase),
            Position = map["Position"],
            DefaultValue = map.GetValueOrDefault("Default value") is { Length: > 0 } d ? d : "None",
            PipelineInput = map["Accept pipeline input"],
            AcceptWildcards = string.Equals(map.GetValueOrDefault("Accept wildcard characters"), "True", StringComparison.OrdinalIgnoreCase),
        };
    }

    private static IReadOnlyList<TypeHelp> ReadTypes(List<string> lines) =>
        Subsections(lines).Select(s => new TypeHelp(s.Heading, Paragraphs(s.Body))).ToArray();

    private static IReadOnlyList<LinkHelp> ReadLinks(List<string> lines) =>
        lines.SelectMany(l => Link().Matches(l)).Select(m => new LinkHelp(m.Groups[1].Value, m.Groups[2].Value)).ToArray();

    /// <summary><c>### heading</c> subsections of a section, outside code fences.</summary>
    private static IEnumerable<(string Heading, List<string> Body)> Subsections(List<string> lines)
    {
        string? heading = null;
        var body = new List<string>();
        var inFence = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }

            if (!inFence && line.StartsWith("### ", StringComparison.Ordinal))
            {
                if (heading is not null)
                {
                    yield return (heading, body);
                }

                heading = line[4..].Trim();
                body = [];
                continue;
            }

            if (heading is not null)
            {
                body.Add(line);
            }
        }

        if (heading is not null)
        {
            yield return (heading, body);
        }
    }

    /// <summary>Content of the first fenced code block, or null.</summary>
    private static string? Fenced(List<string> body)
    {
        var start = body.FindIndex(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        if (start < 0)
        {
            return null;
        }

        var end = body.FindIndex(start + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        return end < 0 ? null : string.Join("\n", body.Skip(start + 1).Take(end - start - 1));
    }

    private static List<string> AfterFirstFence(List<string> body)
    {
        var start = body.FindIndex(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        var end = start < 0 ? -1 : body.FindIndex(start + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        return end < 0 ? [] : body.Skip(end + 1).ToList();
    }

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]*)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^\d+\.\s")]
    private static partial Regex ListNumber();
}
