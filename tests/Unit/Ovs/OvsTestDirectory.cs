namespace AciTrace.Tests.Unit.Ovs;

/// <summary>Short, unique run directories for OVS test instances (unix socket paths must stay under 108 bytes).</summary>
internal static class OvsTestDirectory
{
    public static string Create(string label)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"acitrace-ovs-{label}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void DeleteQuietly(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
