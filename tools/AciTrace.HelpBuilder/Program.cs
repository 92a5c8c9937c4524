using AciTrace.HelpBuilder;

// Usage: AciTrace.HelpBuilder <docs/help folder> <output culture folder>
// Writes <Assembly>.dll-Help.xml (MAML, one file per external help file named in the pages' front matter) and
// about_*.help.txt for every about_*.md.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: AciTrace.HelpBuilder <markdown folder> <output folder>");
    return 2;
}

try
{
    var written = HelpBuild.Run(args[0], args[1]);
    foreach (var file in written)
    {
        Console.WriteLine(file);
    }

    return 0;
}
catch (HelpFormatException ex)
{
    Console.Error.WriteLine($"{ex.File}: error ACIHELP: {ex.Message}");
    return 1;
}
