namespace AciTrace.Replay.Ovs;

/// <summary>A failure of an Open vSwitch daemon or tool; the message carries what OVS printed.</summary>
public class OvsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OvsException(string message, int? exitCode = null, string? standardError = null, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
        StandardError = standardError;
    }

    /// <summary>Exit code of the failing tool, or null when the failure did not come from a process exit.</summary>
    public int? ExitCode { get; }

    /// <summary>The tool's standard error exactly as printed (or the daemon's error reply), when there was one.</summary>
    public string? StandardError { get; }
}

/// <summary>Open vSwitch (daemons, tools or schema) is not installed on this machine.</summary>
public sealed class OvsNotInstalledException : OvsException
{
    /// <summary>Creates the exception.</summary>
    public OvsNotInstalledException(string message) : base(message)
    {
    }
}
