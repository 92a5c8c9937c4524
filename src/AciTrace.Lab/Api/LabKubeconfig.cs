using System.Text;

namespace AciTrace.Lab.Api;

/// <summary>A user (bearer token) and the context that uses it in a lab kubeconfig.</summary>
/// <param name="Context">Context name.</param>
/// <param name="User">User entry name.</param>
/// <param name="Token">Bearer token.</param>
/// <param name="Namespace">Default namespace of the context, or null.</param>
public sealed record LabKubeconfigUser(string Context, string User, string Token, string? Namespace);

/// <summary>Writes kubeconfig files for the lab API (plain http on 127.0.0.1, bearer tokens).</summary>
public static class LabKubeconfig
{
    /// <summary>Context name of the admin user.</summary>
    public const string AdminContext = "aci-lab";

    /// <summary>Context name of the read-only user (RBAC mode).</summary>
    public const string ViewerContext = "aci-lab-viewer";

    /// <summary>Renders a kubeconfig with one cluster and one context per user.</summary>
    /// <param name="server">API server address.</param>
    /// <param name="users">Users and their contexts.</param>
    /// <param name="currentContext">Current context.</param>
    /// <param name="certificateAuthorityPem">PEM of the server's certificate (for https), or null.</param>
    /// <param name="clusterName">Cluster entry name.</param>
    public static string Render(Uri server, IReadOnlyList<LabKubeconfigUser> users, string currentContext, string? certificateAuthorityPem = null, string clusterName = "aci-lab")
    {
        var y = new StringBuilder();
        y.Append("apiVersion: v1\nkind: Config\nclusters:\n");
        y.Append($"- name: {Q(clusterName)}\n  cluster:\n    server: {Q(server.GetLeftPart(UriPartial.Authority))}\n");
        if (certificateAuthorityPem is not null)
            y.Append($"    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(certificateAuthorityPem))}\n");
        y.Append("users:\n");
        foreach (LabKubeconfigUser u in users) y.Append($"- name: {Q(u.User)}\n  user:\n    token: {Q(u.Token)}\n");
        y.Append("contexts:\n");
        foreach (LabKubeconfigUser u in users)
        {
            y.Append($"- name: {Q(u.Context)}\n  context:\n    cluster: {Q(clusterName)}\n    user: {Q(u.User)}\n");
            if (u.Namespace is not null) y.Append($"    namespace: {Q(u.Namespace)}\n");
        }
        y.Append($"current-context: {Q(currentContext)}\npreferences: {{}}\n");
        return y.ToString();
    }

    /// <summary>Writes the file with owner-only permissions (it holds tokens).</summary>
    public static async Task WriteAsync(string path, string kubeconfig, CancellationToken ct = default)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(tmp, options))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(kubeconfig), ct).ConfigureAwait(false);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static string Q(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
