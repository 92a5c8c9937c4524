namespace AciTrace.Engine;

/// <summary>Error classes; the cmdlet layer maps each to a PowerShell ErrorCategory.</summary>
public enum AciErrorKind
{
    InvalidArgument = 0,
    ObjectNotFound,
    PermissionDenied,
    AuthenticationError,
    ConnectionError,
    OperationTimeout,
    NotInstalled,
    InvalidResult,
    NotImplemented,
    ResourceUnavailable,
    InvalidOperation,
    WriteError,
    InvalidData,
}

/// <summary>
/// A failure with a stable <see cref="ErrorId"/> (PascalCase, listed in about_AciTrace), a kind, the failing
/// input as target, and a message that says what to do.
/// </summary>
public class AciTraceException : Exception
{
    public AciTraceException(string errorId, AciErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public AciErrorKind Kind { get; }
    public object? Target { get; }
}
