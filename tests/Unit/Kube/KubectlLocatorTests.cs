using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Tests.Unit.Kube;

public sealed class KubectlLocatorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("acitrace-locator-").FullName;

    private string MakeExe(string dir, string name, bool executable = true)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("uses Unix file modes");
        string d = Path.Combine(_root, dir);
        Directory.CreateDirectory(d);
        string path = Path.Combine(d, name);
        File.WriteAllText(path, "#!/bin/sh\n");
        File.SetUnixFileMode(path, executable ? UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ExplicitPathWins()
    {
        string explicitPath = MakeExe("a", "my-kubectl");
        MakeExe("b", "kubectl");
        Assert.Equal(explicitPath, KubectlLocator.Locate(explicitPath, MakeExe("c", "env-kubectl"), Path.Combine(_root, "b")));
    }

    [Fact]
    public void EnvironmentVariableIsUsedWithoutExplicitPath()
    {
        string env = MakeExe("c", "env-kubectl");
        MakeExe("b", "kubectl");
        Assert.Equal(env, KubectlLocator.Locate(null, env, Path.Combine(_root, "b")));
    }

    [Fact]
    public void BareNamesAreSearchedOnPath()
    {
        string exe = MakeExe("b", "kubectl-1.32");
        Assert.Equal(exe, KubectlLocator.Locate("kubectl-1.32", null, Path.Combine(_root, "b")));
    }

    [Fact]
    public void KubectlIsPreferredOverOcAndPathOrderIsKept()
    {
        string oc = MakeExe("first", "oc");
        string kubectl = MakeExe("second", "kubectl");
        string path = Path.Combine(_root, "first") + Path.PathSeparator + Path.Combine(_root, "second");
        Assert.Equal(kubectl, KubectlLocator.Locate(null, null, path));
        File.Delete(kubectl);
        Assert.Equal(oc, KubectlLocator.Locate(null, null, path));
    }

    [Fact]
    public void NonExecutableFilesAreSkipped()
    {
        MakeExe("first", "kubectl", executable: false);
        string second = MakeExe("second", "kubectl");
        string path = Path.Combine(_root, "first") + Path.PathSeparator + Path.Combine(_root, "second");
        Assert.Equal(second, KubectlLocator.Locate(null, null, path));
    }

    [Fact]
    public void MissingExplicitPathIsAnErrorNotAFallback()
    {
        MakeExe("b", "kubectl");
        var ex = Assert.Throws<AciTraceException>(() => KubectlLocator.Locate(Path.Combine(_root, "nope", "kubectl"), null, Path.Combine(_root, "b")));
        Assert.Equal("KubectlNotFound", ex.ErrorId);
        Assert.Equal(AciErrorKind.NotInstalled, ex.Kind);
        Assert.Contains("given explicitly", ex.Message);
    }

    [Fact]
    public void MissingEnvironmentPathIsAnErrorNotAFallback()
    {
        MakeExe("b", "kubectl");
        var ex = Assert.Throws<AciTraceException>(() => KubectlLocator.Locate(null, "/nonexistent/kubectl", Path.Combine(_root, "b")));
        Assert.Equal("KubectlNotFound", ex.ErrorId);
        Assert.Contains("ACITRACE_KUBECTL", ex.Message);
    }

    [Fact]
    public void NothingFound()
    {
        var ex = Assert.Throws<AciTraceException>(() => KubectlLocator.Locate(null, null, Path.Combine(_root, "empty")));
        Assert.Equal("KubectlNotFound", ex.ErrorId);
        Assert.Contains("Neither kubectl nor oc", ex.Message);
        Assert.Throws<AciTraceException>(() => KubectlLocator.Locate(null, "", null));
    }

    [Fact]
    public void RealEnvironmentFindsTheInstalledKubectl()
    {
        // kubectl is installed on the build machines (HELPERS.md); this must fail, not skip, if it is missing.
        string found = KubectlLocator.Locate(null, null, Environment.GetEnvironmentVariable("PATH"));
        Assert.True(File.Exists(found));
    }
}
