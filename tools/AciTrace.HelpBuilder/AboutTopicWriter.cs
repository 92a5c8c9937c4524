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
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
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
                text.Append("    ").Append(line.Replace("`", "", StringComparison.Ordinal)).Append('\n');
            }
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static void EnsureBlankLine(StringBuilder text)
    {
        if (text.Length > 0 && !(text.Length >= 2 && text[^1] == '\n' && text[^2] == '\n'))
        {
            text.Append('\n');
        }
    }
}
