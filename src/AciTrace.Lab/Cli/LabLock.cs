namespace AciTrace.Lab.Cli;

/// <summary>
/// <c>&lt;stateDir&gt;/lab.lock</c>, held (exclusive flock through <see cref="FileShare.None"/>) by the serve process for
/// its whole life: it tells "a lab is running or starting here" without trusting pids.
/// </summary>
internal static class LabLock
{
    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    public static FileStream? TryAcquire(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        try
        {
            return new FileStream(Path.Combine(stateDirectory, LabStateFile.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when a process holds the lock of that state directory.</summary>
    public static bool IsHeld(string stateDirectory)
    {
        if (!File.Exists(Path.Combine(stateDirectory, LabStateFile.LockFileName))) return false;
        using FileStream? probe = TryAcquire(stateDirectory);
        return probe is null;
    }
}
