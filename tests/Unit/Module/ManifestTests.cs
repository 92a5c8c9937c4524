using System.Text.RegularExpressions;

namespace AciTrace.Tests.Unit.Module;

/// <summary>module/AciTrace.psd1 against the assembly and the layout of out/AciTrace.</summary>
public partial class ManifestTests
{
    private static readonly string Manifest = File.ReadAllText(Path.Combine(ModuleContract.RepoRoot, "module", "AciTrace.psd1"));

    private static string Scalar(string key)
    {
        var match = Regex.Match(Manifest, $@"^\s*{key}\s*=\s*'([^']*)'", RegexOptions.Multiline);
        Assert.True(match.Success, $"manifest lacks {key} = '...'");
        return match.Groups[1].Value;
    }

    private static string[] Array(string key)
    {
        var match = Regex.Match(Manifest, $@"^\s*{key}\s*=\s*@\(([^)]*)\)", RegexOptions.Multiline);
        Assert.True(match.Success, $"manifest lacks {key} = @(...)");
        return Quoted().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value).ToArray();
    }

    [Fact]
    public void CmdletsToExportMatchesTheCmdletsInTheAssembly() =>
        Assert.Equal(ModuleContract.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal), Array("CmdletsToExport").Order(StringComparer.Ordinal));

    [Fact]
    public void ExportsNothingElseAndNoWildcards()
    {
        Assert.Empty(Array("FunctionsToExport"));
        Assert.Empty(Array("AliasesToExport"));
        Assert.DoesNotContain(Array("CmdletsToExport"), c => c.Contains('*', StringComparison.Ordinal));
    }

    [Fact]
    public void TargetsPowerShell74CoreOnly()
    {
        Assert.Equal("7.4", Scalar("PowerShellVersion"));
        Assert.Equal(["Core"], Array("CompatiblePSEditions"));
        Assert.True(Guid.TryParse(Scalar("GUID"), out _));
    }

    [Fact]
    public void VersionMatchesTheBuiltAssemblies()
    {
        var props = File.ReadAllText(Path.Combine(ModuleContract.RepoRoot, "Directory.Build.props"));
        var version = Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.Equal(version, Scalar("ModuleVersion"));
        Assert.Equal(version, ModuleContract.CmdletAssembly.GetName().Version!.ToString(3));
    }

    [Fact]
    public void EveryFileTheManifestNamesIsInTheModuleFolder()
    {
        Assert.Equal("AciTrace.Cmdlets.dll", Scalar("RootModule"));
        Assert.Equal(["AciTrace.Core.dll"], Array("RequiredAssemblies"));
        foreach (var file in Array("FormatsToProcess").Concat(Array("RequiredAssemblies")).Append(Scalar("RootModule")))
        {
            Assert.True(File.Exists(Path.Combine(ModuleContract.ModuleDir, file)), $"out/AciTrace/{file} is missing");
        }

        Assert.DoesNotMatch(@"^\s*TypesToProcess", Manifest);
    }

    [Fact]
    public void ModuleFolderIsComplete()
    {
        foreach (var file in new[] { "AciTrace.psd1", "AciTrace.Format.ps1xml", "AciTrace.Cmdlets.dll", "AciTrace.Core.dll",
                     "en-US/AciTrace.Cmdlets.dll-Help.xml", "en-US/about_AciTrace.help.txt" })
        {
            Assert.True(File.Exists(Path.Combine(ModuleContract.ModuleDir, file)), $"out/AciTrace/{file} is missing");
        }

        // pwsh brings its own System.Management.Automation; a shipped copy (a reference assembly!) would break import.
        Assert.Empty(Directory.GetFiles(ModuleContract.ModuleDir, "System.Management.Automation*", SearchOption.AllDirectories));
    }

    [Fact]
    public void ShippedManifestAndViewsAreTheSourceFiles()
    {
        foreach (var file in new[] { "AciTrace.psd1", "AciTrace.Format.ps1xml" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(ModuleContract.RepoRoot, "module", file)), File.ReadAllText(Path.Combine(ModuleContract.ModuleDir, file)));
        }
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex Quoted();
}
