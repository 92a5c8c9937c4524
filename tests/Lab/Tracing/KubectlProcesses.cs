using System.Globalization;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>Finds live processes with a given argument (e.g. <c>--kubeconfig=PATH</c> of one lab), via /proc.</summary>
internal static class KubectlProcesses
{
    public static IReadOnlySet<int> WithArgument(string argument)
    {
        var found = new HashSet<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            // Zombies have an empty cmdline; a process that exited between listing and reading is skipped above.
            if (cmdline.Split('\0').Contains(argument, StringComparer.Ordinal)) found.Add(pid);
        }
        return found;
    }

    /// <summary>Waits until no process outside <paramref name="before"/> has the argument; returns the survivors.</summary>
    public static async Task<IReadOnlySet<int>> WaitUntilGoneAsync(string marker, IReadOnlySet<int> before, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var left = WithArgument(marker).Where(p => !before.Contains(p)).ToHashSet();
            if (left.Count == 0 || DateTime.UtcNow >= deadline) return left;
            await Task.Delay(50);
        }
    }

    public static string Describe(IEnumerable<int> pids) => string.Join("; ", pids.Select(p =>
    {
        try { return $"{p}: {File.ReadAllText($"/proc/{p}/cmdline").Replace('\0', ' ')}"; }
        catch (IOException) { return $"{p}: (gone)"; }
    }));
}
