using System.Globalization;
using System.Text.RegularExpressions;
using AciTrace.Engine;

namespace AciTrace.Kube;

/// <summary>A command ran in the pod but exited non-zero. ErrorId <c>RemoteCommandFailed</c>.</summary>
public sealed class RemoteCommandFailedException : AciTraceException
{
    public RemoteCommandFailedException(string message, int exitCode, string stdout, string remoteStderr, object? target)
        : base(ErrorIds.RemoteCommandFailed, AciErrorKind.InvalidResult, message, target)
    {
        ExitCode = exitCode;
        Stdout = stdout;
        RemoteStderr = remoteStderr;
    }

    /// <summary>Exit code of the remote command.</summary>
    public int ExitCode { get; }

    /// <summary>What the command printed on stdout before failing.</summary>
    public string Stdout { get; }

    /// <summary>The remote command's stderr (kubectl's "command terminated" line removed).</summary>
    public string RemoteStderr { get; }
}

/// <summary>What a failed kubectl call was doing, for precise error messages.</summary>
internal sealed record KubectlCallContext(KubeResource Resource, string? Namespace, string? Name, string? Container, IReadOnlyList<string>? RemoteArgv)
{
    public bool IsExec => RemoteArgv is not null;

    public string ObjectText => Namespace is null ? $"{Resource.DisplayName()} '{Name}'" : $"{Resource.DisplayName()} '{Namespace}/{Name}'";
}

/// <summary>Turns kubectl's exit code and stderr into a typed <see cref="AciTraceException"/>.</summary>
internal static partial class KubectlErrors
{
    [GeneratedRegex(@"command terminated with exit code (\d+)")]
    private static partial Regex CommandTerminated();

    [GeneratedRegex(@"\(NotFound\): (?<res>[a-z0-9.]+) ""(?<name>[^""]*)"" not found")]
    private static partial Regex NotFound();

    [GeneratedRegex(@"User ""(?<user>[^""]*)"" cannot (?<verb>[a-z]+) resource ""(?<res>[^""]+)"" in API group ""(?<group>[^""]*)""(?: in the namespace ""(?<ns>[^""]+)""| at the cluster scope)?")]
    private static partial Regex Forbidden();

    [GeneratedRegex(@"container not found \(""(?<c>[^""]*)""\)|container (?<c2>\S+) is not valid for pod")]
    private static partial Regex ContainerNotFound();

    [GeneratedRegex(@"^[IWEF]\d{4} \d{2}:\d{2}:\d{2}")]
    private static partial Regex KlogLine();

    /// <summary>How messages name the kubectl transport (the in-process one passes its own name).</summary>
    public const string KubectlVia = "kubectl";

    /// <summary>The typed error for a failed call, from kubectl's stderr (or the same text rebuilt from an API Status).</summary>
    public static AciTraceException Map(int exitCode, string stderr, string stdout, KubectlCallContext context, string via = KubectlVia)
    {
        string summary = SummaryLine(stderr);
        string detail = summary.Length > 0 ? summary : via == KubectlVia ? $"kubectl exited with code {exitCode} and printed nothing on stderr" : $"the {via} answered {exitCode} with no message";

        if (context.IsExec)
        {
            var terminated = CommandTerminated().Matches(stderr);
            if (terminated.Count > 0)
            {
                // An exit code beyond Int32 is not one a process can have: report it as unknown (-1), never throw.
                int code = int.TryParse(terminated[^1].Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : -1;
                string remoteStderr = CommandTerminated().Replace(stderr, "").Trim();
                string command = CommandLineText.Format(context.RemoteArgv!);
                string shownErr = remoteStderr.Length == 0 ? "(no stderr)" : Truncate(remoteStderr, 2000);
                return new RemoteCommandFailedException(
                    $"'{command}' failed in {context.ObjectText}{ContainerText(context)} with exit code {code}: {shownErr}",
                    code, stdout, remoteStderr, command);
            }
            if (stderr.Contains("executable file not found", StringComparison.Ordinal) || stderr.Contains("no such file or directory: unknown", StringComparison.Ordinal))
            {
                return new AciTraceException(ErrorIds.RemoteCommandNotFound, AciErrorKind.NotInstalled,
                    $"'{context.RemoteArgv![0]}' is not available in {context.ObjectText}{ContainerText(context)}; check that this is the right pod and container. {via}: {detail}",
                    context.RemoteArgv[0]);
            }
            if (IsKubeletUnreachable(stderr))
            {
                // The API server answered: it is the hop from the API server to the node's kubelet that failed.
                return new AciTraceException(ErrorIds.NodeExecUnavailable, AciErrorKind.ResourceUnavailable,
                    $"The API server is reachable but could not open an exec session to {context.ObjectText}{ContainerText(context)}: {detail}. " +
                    "Check that pod's node (kubectl get nodes: is it Ready?), its kubelet, and that the API server can reach the kubelet on port 10250.",
                    context.Name);
            }
            var container = ContainerNotFound().Match(stderr);
            if (container.Success)
            {
                string name = container.Groups["c"].Success ? container.Groups["c"].Value : container.Groups["c2"].Value;
                return new AciTraceException(ErrorIds.ContainerNotFound, AciErrorKind.ObjectNotFound,
                    $"Container '{name}' does not exist in {context.ObjectText}. {via}: {detail}", name);
            }
        }

        var notFound = NotFound().Match(stderr);
        if (notFound.Success)
        {
            var kind = KubeResourceInfo.FromKubectlWord(notFound.Groups["res"].Value);
            string name = notFound.Groups["name"].Value;
            string errorId = kind?.NotFoundErrorId() ?? ErrorIds.KubeObjectNotFound;
            string what = kind is { } k ? k.DisplayName() : notFound.Groups["res"].Value;
            string where = kind is { } k2 && k2.IsNamespaced() && context.Namespace is not null ? $" in namespace '{context.Namespace}'" : "";
            return new AciTraceException(errorId, AciErrorKind.ObjectNotFound,
                $"The {what} '{name}' was not found{where}. Check the name and namespace ({via}: {detail})", name);
        }

        var forbidden = Forbidden().Match(stderr);
        if (forbidden.Success || stderr.Contains("(Forbidden)", StringComparison.Ordinal))
            return MapForbidden(forbidden, detail);

        if (stderr.Contains("(Unauthorized)", StringComparison.Ordinal) || stderr.Contains("You must be logged in", StringComparison.Ordinal))
        {
            return new AciTraceException(ErrorIds.KubeUnauthorized, AciErrorKind.AuthenticationError,
                $"The Kubernetes API server rejected the credentials (Unauthorized). Log in again or refresh the token, and check -Kubeconfig/-Context. {via}: {detail}");
        }

        if (IsUnreachable(stderr))
        {
            return new AciTraceException(ErrorIds.ClusterUnreachable, AciErrorKind.ConnectionError,
                $"The Kubernetes API server cannot be reached: {detail}. Check the kubeconfig's server address, the network/VPN, and that the API server is up.");
        }

        if (stderr.Contains("deadline exceeded", StringComparison.Ordinal) || stderr.Contains("Timeout exceeded", StringComparison.Ordinal)
            || stderr.Contains("(Timeout)", StringComparison.Ordinal))
        {
            return new AciTraceException(ErrorIds.ClusterCallTimeout, AciErrorKind.OperationTimeout,
                $"The Kubernetes API request timed out: {detail}. Retry, or raise the timeout.");
        }

        if (stderr.Contains("context was not found", StringComparison.Ordinal) || Regex.IsMatch(stderr, @"context "".*"" does not exist"))
        {
            return new AciTraceException(ErrorIds.KubeContextNotFound, AciErrorKind.InvalidArgument,
                $"The kubeconfig has no such context: {detail}. List contexts with 'kubectl config get-contexts'.");
        }

        if (stderr.StartsWith("error: stat ", StringComparison.Ordinal) && stderr.Contains("no such file or directory", StringComparison.Ordinal))
        {
            return new AciTraceException(ErrorIds.KubeconfigNotFound, AciErrorKind.InvalidArgument,
                $"The kubeconfig file does not exist: {detail}.");
        }

        if (stderr.Contains("the server doesn't have a resource type", StringComparison.Ordinal))
        {
            return new AciTraceException(ErrorIds.KubeResourceTypeUnavailable, AciErrorKind.ResourceUnavailable,
                $"The cluster does not serve {context.Resource.KubectlName()}: {detail}.");
        }

        return new AciTraceException(ErrorIds.ClusterCallFailed, AciErrorKind.InvalidResult,
            via == KubectlVia ? $"kubectl failed with exit code {exitCode}: {Truncate(stderr.Trim(), 2000)}" : $"The {via} call failed: {Truncate(stderr.Trim(), 2000)}");
    }

    private static AciTraceException MapForbidden(Match m, string detail)
    {
        if (!m.Success)
        {
            return new AciTraceException(ErrorIds.KubeForbidden, AciErrorKind.PermissionDenied,
                $"The Kubernetes API server denied access: {detail}. Ask a cluster administrator for the missing RBAC permission.");
        }
        string user = m.Groups["user"].Value, verb = m.Groups["verb"].Value, resource = m.Groups["res"].Value, group = m.Groups["group"].Value;
        string ns = m.Groups["ns"].Success ? m.Groups["ns"].Value : "";
        string qualified = group.Length == 0 ? resource : $"{resource.Split('/')[0]}.{group}" + (resource.Contains('/') ? "/" + resource.Split('/', 2)[1] : "");
        string scope = ns.Length > 0 ? $"in namespace '{ns}'" : "at cluster scope";
        string binding = resource == "pods/exec"
            ? $"kubectl create rolebinding acitrace-exec -n {(ns.Length > 0 ? ns : "<system namespace>")} --role=acitrace-exec --user={user}"
            : $"kubectl create clusterrolebinding acitrace-reader --clusterrole=acitrace-reader --user={user}";
        return new AciTraceException(ErrorIds.KubeForbidden, AciErrorKind.PermissionDenied,
            $"User '{user}' is not allowed to {verb} {qualified} {scope}. " +
            $"AciTrace needs '{verb} {qualified}' there; ask a cluster administrator to apply {RbacRoleFile} (in the module's folder) " +
            $"and bind it: {binding}.",
            resource);
    }

    /// <summary>The Role and ClusterRole AciTrace needs, shipped in the module folder (docs/rbac in the repository).</summary>
    public const string RbacRoleFile = "rbac/acitrace-reader.yaml";

    private static bool IsKubeletUnreachable(string stderr) =>
        stderr.Contains("error dialing backend", StringComparison.Ordinal) || stderr.Contains(":10250", StringComparison.Ordinal);

    private static bool IsUnreachable(string stderr) =>
        stderr.Contains("Unable to connect to the server", StringComparison.Ordinal)
        || stderr.Contains("connection refused", StringComparison.Ordinal)
        || stderr.Contains("was refused - did you specify the right host or port", StringComparison.Ordinal)
        || stderr.Contains("dial tcp", StringComparison.Ordinal)
        || stderr.Contains("no such host", StringComparison.Ordinal)
        || stderr.Contains("no route to host", StringComparison.Ordinal)
        || stderr.Contains("network is unreachable", StringComparison.Ordinal);

    private static string ContainerText(KubectlCallContext context) => context.Container is null ? "" : $" (container '{context.Container}')";

    /// <summary>The last stderr line that is not klog noise (kubectl repeats discovery errors as E1122 ... lines).</summary>
    internal static string SummaryLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var meaningful = lines.Where(l => !KlogLine().IsMatch(l)).ToArray();
        string line = meaningful.Length > 0 ? meaningful[^1] : lines.Length > 0 ? lines[^1] : "";
        return Truncate(line, 600);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "...";
}
