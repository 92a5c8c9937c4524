using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace AciTrace.Tests.Unit.Kube;

/// <summary>
/// A fake kubectl: a /bin/sh script in its own temp dir that records its argv (NUL-separated) and call count,
/// runs an optional snippet, prints canned stdout/stderr and exits with a canned code.
/// </summary>
public sealed class FakeKubectl : IDisposable
{
    private FakeKubectl(string dir) => Dir = dir;

    public string Dir { get; }

    public string Path => System.IO.Path.Combine(Dir, "kubectl");

    public static FakeKubectl Create(string stdout = "", string stderr = "", int exitCode = 0, string snippet = "", byte[]? stdoutBytes = null)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the fake kubectl is a /bin/sh script");
        var fake = new FakeKubectl(Directory.CreateTempSubdirectory("acitrace-fake-kubectl-").FullName);
        File.WriteAllBytes(System.IO.Path.Combine(fake.Dir, "stdout"), stdoutBytes ?? Encoding.UTF8.GetBytes(stdout));
        File.WriteAllText(System.IO.Path.Combine(fake.Dir, "stderr"), stderr);
        string script = $"""
            #!/bin/sh
            d='{fake.Dir}'
            n=$(cat "$d/calls" 2>/dev/null || echo 0); echo $((n+1)) > "$d/calls"
            printf '%s\0' "$@" > "$d/argv"
            {snippet}
            cat "$d/stdout"
            cat "$d/stderr" >&2
            exit {exitCode}
            """;
        File.WriteAllText(fake.Path, script.Replace("\r\n", "\n") + "\n");
        File.SetUnixFileMode(fake.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        fake.WarmUp(snippet.Length == 0);
        return fake;
    }

    /// <summary>
    /// Executes the fresh script once, retrying while the kernel still reports ETXTBSY (another thread's fork may briefly
    /// hold the just-written file open), then clears what the warm-up recorded.
    /// </summary>
    private void WarmUp(bool runIt)
    {
        for (int attempt = 0; runIt; attempt++)
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
                p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                break;
            }
            catch (Win32Exception) when (attempt < 20)
            {
                Thread.Sleep(20);
            }
        }
        File.Delete(System.IO.Path.Combine(Dir, "argv"));
        File.Delete(System.IO.Path.Combine(Dir, "calls"));
    }

    /// <summary>Argv of the last call (without the program), or null if it never ran.</summary>
    public string[]? LastArgv()
    {
        string file = System.IO.Path.Combine(Dir, "argv");
        if (!File.Exists(file)) return null;
        var text = File.ReadAllText(file);
        return text.Length == 0 ? Array.Empty<string>() : text.TrimEnd('\0').Split('\0');
    }

    public int Calls
    {
        get
        {
            string file = System.IO.Path.Combine(Dir, "calls");
            return File.Exists(file) ? int.Parse(File.ReadAllText(file).Trim()) : 0;
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
    }
}
