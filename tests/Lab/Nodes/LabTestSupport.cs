using AciTrace.Lab.Spec;

namespace AciTrace.Tests.Lab.Nodes;

/// <summary>Paths and temp state directories for lab-node tests.</summary>
internal static class LabTestSupport
{
    public static string RepoRoot
    {
        get
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "AciTrace.slnx"))) d = d.Parent;
            return d?.FullName ?? throw new InvalidOperationException("AciTrace.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Sample(string name) => Path.Combine(RepoRoot, "samples", name);

    public static IEnumerable<string> AllSamples() => Directory.GetFiles(Path.Combine(RepoRoot, "samples"), "*.yaml").OrderBy(x => x, StringComparer.Ordinal);

    public static ResolvedCluster Load(string name) => SpecResolver.LoadFile(Sample(name));

    /// <summary>A fresh state directory under /tmp, deleted on dispose.</summary>
    public static TempDir NewStateDir() => new();

    internal sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("acitrace-lab-").FullName;
        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
