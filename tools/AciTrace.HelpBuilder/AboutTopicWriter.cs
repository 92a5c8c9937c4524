using System.Text;

namespace AciTrace.HelpBuilder;

/// <summary>
/// Turns an about_*.md page (PlatyPS about schema: <c># about_Name</c>, <c>## SHORT DESCRIPTION</c>,
/// <c>## LONG DESCRIPTION</c>, ...) into the plain-text about_*.help.txt that Get-Help prints.
/// </summary>
public static class AboutTopicWriter
{
    /// <summary>The text of the .help.txt file; throws <see cref="HelpFormatException"/> on a page without the required parts.</summary>
    public static string Write(string file, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var title = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim();
        if (string.IsNullOrEmpty(title) || !title.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpFormatException(file, "an about topic starts with '# about_<Name>'");
        }

        foreach (var section in new[] { "## SHORT DESCRIPTION", "## LONG DESCRIPTION" })
        {
            if (!lines.Any(l => l.Trim() == section))
            {
                throw new HelpFormatException(file, $"missing '{section}'");
            }
        }

        var text = new StringBuilder();
        text.Append("TOPIC\n    ").Append(title).Append('\n');
        var inFence = false;
        var titleSeen = false;
        var paragraph = new List<string>();
        var tableHeaderSeen = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            var isBullet = line.StartsWith("- ", StringComparison.Ordinal);
            var isTableRow = !inFence && line.StartsWith('|');
            if (inFence || line.Length == 0 || isBullet || isTableRow || line.StartsWith('#') || line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                Flush(text, paragraph);
            }

            if (isTableRow)
            {
                // A two-column table (term | meaning) reads at 80 columns as the term, then its meaning indented.
                var cells = line.Trim('|').Split('|').Select(c => c.Trim().Replace("`", "", StringComparison.Ordinal)).ToArray();
                if (cells.All(c => c.Trim('-', ':').Length == 0))
                {
                    tableHeaderSeen = true;
                }
                else if (tableHeaderSeen)
                {
                    text.Append("    ").Append(cells[0]).Append('\n');
                    Wrap(text, string.Join(" ", cells.Skip(1)), "        ", "        ");
                }

                continue;
            }

            tableHeaderSeen = false;

            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                if (8 + line.Length > Width)
                {
                    throw new HelpFormatException(file, $"a code line is wider than {Width - 8} columns (the topic is read at {Width}): {line}");
                }

                text.Append("        ").Append(line).Append('\n');
            }
            else if (!titleSeen && line.StartsWith("# ", StringComparison.Ordinal))
            {
                titleSeen = true;
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                EnsureBlankLine(text);
                text.Append(line[3..].Trim().ToUpperInvariant()).Append('\n');
            }
            else if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                EnsureBlankLine(text);
                text.Append("  ").Append(line[4..].Trim()).Append('\n');
            }
            else if (line.Length == 0)
            {
                EnsureBlankLine(text);
            }
            else
            {
                paragraph.Add(line.Replace("`", "", StringComparison.Ordinal).Trim());
            }
        }

        Flush(text, paragraph);
        return text.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>Text lines of an about topic fit an 80-column terminal: prose is reflowed to this width.</summary>
    public const int Width = 80;

    /// <summary>Writes the collected prose lines as one paragraph (or bullet) wrapped at <see cref="Width"/>.</summary>
    private static void Flush(StringBuilder text, List<string> paragraph)
    {
        if (paragraph.Count == 0)
        {
            return;
        }

        var joined = string.Join(' ', paragraph);
        var bullet = joined.StartsWith("- ", StringComparison.Ordinal);
        Wrap(text, joined, "    ", bullet ? "      " : "    ");
        paragraph.Clear();
    }

    /// <summary>Writes <paramref name="prose"/> word-wrapped at <see cref="Width"/> columns.</summary>
    private static void Wrap(StringBuilder text, string prose, string indent, string continuation)
    {
        var line = new StringBuilder(indent);
        var empty = true;
        foreach (var word in prose.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                text.Append(line).Append('\n');
                line.Clear().Append(continuation);
                empty = true;
            }

            if (!empty)
            {
                line.Append(' ');
            }

            line.Append(word);
            empty = false;
        }

        text.Append(line).Append('\n');
    }

    private static void EnsureBlankLine(StringBuilder text)
    {
        if (text.Length > 0 && !(text.Length >= 2 && text[^1] == '\n' && text[^2] == '\n'))
        {
            text.Append('\n');
        }
    }
}
