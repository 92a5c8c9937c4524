using System.Text;

namespace AciTrace.HelpBuilder;

/// <summary>Converts a docs/help folder into the files Get-Help reads from a module's culture folder.</summary>
public static class HelpBuild
{
    /// <summary>Writes every output file and returns their paths.</summary>
    public static IReadOnlyList<string> Run(string markdownFolder, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        var written = new List<string>();
        var commands = new List<CommandHelp>();
        foreach (var file in Directory.GetFiles(markdownFolder, "*.md").Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            {
                var target = Path.Combine(outputFolder, name + ".help.txt");
                WriteIfChanged(target, AboutTopicWriter.Write(file, text));
                written.Add(target);
            }
            else
            {
                var help = MarkdownHelpReader.Read(file, text);
                if (help.Name != name)
                {
                    throw new HelpFormatException(file, $"title '# {help.Name}' does not match the file name");
                }

                commands.Add(help);
            }
        }

        foreach (var group in commands.GroupBy(c => c.ExternalHelpFile, StringComparer.OrdinalIgnoreCase))
        {
            var target = Path.Combine(outputFolder, group.Key);
            var xml = MamlWriter.Write(group.OrderBy(c => c.Name, StringComparer.Ordinal));
            var builder = new StringBuilder();
            using (var writer = new Utf8StringWriter(builder))
            {
                xml.Save(writer);
            }

            WriteIfChanged(target, builder.ToString());
            written.Add(target);
        }

        return written;
    }

    // Keeps incremental builds quiet: an unchanged help file keeps its timestamp.
    private static void WriteIfChanged(string path, string content)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != content)
        {
            File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
    }

    private sealed class Utf8StringWriter(StringBuilder builder) : StringWriter(builder)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
