namespace AciTrace.Tests.Unit.Module;

/// <summary>
/// Where the module's sources and build output are. The PowerShell surface itself (binding, views, help, manifest)
/// is tested in real pwsh by tests/Pester; these paths serve the documentation checks that need no PowerShell.
/// </summary>
internal static class ModuleContract
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string ModuleDir => Path.Combine(RepoRoot, "out", "AciTrace");
    public static string HelpDir => Path.Combine(RepoRoot, "docs", "help");
    public static string CultureDir => Path.Combine(ModuleDir, "en-US");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AciTrace.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AciTrace.slnx not found above " + AppContext.BaseDirectory);
    }
}
