namespace AciTrace.Lab.Api;

/// <summary>Settings of a <see cref="LabApiServer"/>.</summary>
public sealed record LabApiOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Serve HTTPS with a fresh self-signed certificate (default). kubectl sends bearer tokens only over TLS, so
    /// authentication, RBAC mode and the 401 answer need it. With false the server speaks plain HTTP and treats every
    /// request as the admin user (kubectl sends no credentials over http).
    /// </summary>
    public bool UseTls { get; init; } = true;

    /// <summary>Bearer token of the cluster-admin user (random unless given).</summary>
    public string AdminToken { get; init; } = NewToken();

    /// <summary>User name of the admin token (shown in RBAC messages and the kubeconfig).</summary>
    public string AdminUser { get; init; } = "aci-lab-admin";

    /// <summary>
    /// Bearer token of a read-only user; when set (RBAC mode) that user may get/list everything but gets 403 on
    /// <c>pods/exec</c>. Null: no such user.
    /// </summary>
    public string? ViewerToken { get; init; }

    /// <summary>User name of the read-only token.</summary>
    public string ViewerUser { get; init; } = "viewer";

    /// <summary>
    /// The viewer's permissions as Kubernetes RBAC rules (a Role/ClusterRole file); null: get/list everything and
    /// no <c>pods/exec</c>.
    /// </summary>
    public LabRbacRole? ViewerRole { get; init; }

    /// <summary>Faults to inject; the same instance can be changed while the server runs.</summary>
    public LabFaults Faults { get; init; } = new();

    /// <summary>Longest time an exec command may run before the lab ends it with exit code 124.</summary>
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Version reported by <c>/version</c>; its minor decides which kubectl the dispatcher runs (keep 30-33).</summary>
    public string GitVersion { get; init; } = "v1.32.5";

    /// <summary>A new random token (32 hex characters).</summary>
    public static string NewToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
