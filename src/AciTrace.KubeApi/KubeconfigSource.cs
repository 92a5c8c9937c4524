using AciTrace.Engine;
using k8s;
using YamlDotNet.RepresentationModel;

namespace AciTrace.Kube.Api;

/// <summary>
/// Finds the kubeconfig the way kubectl does (-Kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the
/// in-cluster service account) and says when it uses what KubernetesClient does not honour, so the caller can use
/// kubectl instead of tracing with the wrong identity or route.
/// </summary>
internal sealed class KubeconfigSource
{
    /// <summary>User keys KubernetesClient ignores or fails on (measured): token files and impersonation.</summary>
    private static readonly string[] UnsupportedUserKeys = ["tokenFile", "as", "as-uid", "as-groups", "as-user-extra"];

    /// <summary>Cluster keys KubernetesClient ignores (measured): an HTTP proxy for the API server.</summary>
    private static readonly string[] UnsupportedClusterKeys = ["proxy-url"];

    private KubeconfigSource(string? path, string? unsupportedReason)
    {
        Path = path;
        UnsupportedReason = unsupportedReason;
    }

    /// <summary>The one kubeconfig file in use; null for the in-cluster service account.</summary>
    public string? Path { get; }

    /// <summary>Why the in-process transport cannot use this kubeconfig faithfully; null when it can.</summary>
    public string? UnsupportedReason { get; }

    public static KubeconfigSource Find(ClusterOptions options)
    {
        if (!string.IsNullOrEmpty(options.Kubeconfig))
        {
            KubectlClient.ValidateFreeText(options.Kubeconfig, "kubeconfig");
            return FromFile(options.Kubeconfig, options.Context);
        }
        string? fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var files = fromEnvironment.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists).ToArray();
            if (files.Length > 1)
                return new KubeconfigSource(null, $"$KUBECONFIG lists {files.Length} files, which kubectl merges");
            if (files.Length == 1) return FromFile(files[0], options.Context);
            // Like kubectl: a $KUBECONFIG that names no existing file is not replaced by ~/.kube/config.
            throw new AciTraceException(ErrorIds.KubeconfigNotFound, AciErrorKind.InvalidArgument,
                $"$KUBECONFIG is '{fromEnvironment}', which names no existing file. Fix it, remove it, or give -Kubeconfig.", fromEnvironment);
        }
        string home = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (File.Exists(home)) return FromFile(home, options.Context);
        if (KubernetesClientConfiguration.IsInCluster() && string.IsNullOrEmpty(options.Context)) return new KubeconfigSource(null, null);
        throw new AciTraceException(ErrorIds.KubeconfigNotFound, AciErrorKind.InvalidArgument,
            $"No kubeconfig was found ({home} does not exist and $KUBECONFIG names no file) and this is not a pod with a service account. Give -Kubeconfig.",
            home);
    }

    /// <summary>The library's configuration for this kubeconfig and context.</summary>
    public KubernetesClientConfiguration BuildConfiguration(string? context)
    {
        if (Path is null) return KubernetesClientConfiguration.InClusterConfig();
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(Path, string.IsNullOrEmpty(context) ? null : context);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // The library throws its own, YAML, base64 and certificate exceptions alike for a kubeconfig it cannot use.
            throw new AciTraceException(ErrorIds.InvalidKubeconfig, AciErrorKind.InvalidArgument,
                $"The kubeconfig {Path} cannot be used in process: {e.Message} ('-Transport Kubectl' reads it with kubectl.)", Path, e);
        }
    }

    private static KubeconfigSource FromFile(string path, string? context)
    {
        if (!File.Exists(path))
        {
            throw new AciTraceException(ErrorIds.KubeconfigNotFound, AciErrorKind.InvalidArgument,
                $"The kubeconfig file does not exist: {path}.", path);
        }
        var (contexts, unsupported) = Inspect(path, context);
        // Names compare exactly, as kubectl compares them (the library would also take 'Prod' for 'prod').
        if (!string.IsNullOrEmpty(context) && contexts is not null && !contexts.Contains(context))
        {
            throw new AciTraceException(ErrorIds.KubeContextNotFound, AciErrorKind.InvalidArgument,
                $"The kubeconfig {path} has no context '{context}' (it has: {string.Join(", ", contexts.DefaultIfEmpty("none"))}). List contexts with 'kubectl config get-contexts'.",
                context);
        }
        return new KubeconfigSource(path, unsupported);
    }

    /// <summary>The first setting of the chosen context's user or cluster that the library does not honour.</summary>
    internal static string? FindUnsupported(string path, string? context) => Inspect(path, context).Unsupported;

    /// <summary>
    /// The kubeconfig's context names (null when the file is not YAML the library would read either), and the first
    /// setting of the chosen context's user or cluster that the library does not honour.
    /// </summary>
    private static (IReadOnlyList<string>? Contexts, string? Unsupported) Inspect(string path, string? context)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(path)) stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping) return (null, null);
            root = mapping;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            // Not ours to judge: the library reports an unreadable kubeconfig precisely (as InvalidKubeconfig).
            return (null, null);
        }
        var contexts = Child(root, "contexts") is YamlSequenceNode list
            ? list.Children.OfType<YamlMappingNode>().Select(e => Scalar(e, "name")).OfType<string>().ToList()
            : new List<string>();
        return (contexts, FindUnsupported(root, context));
    }

    private static string? FindUnsupported(YamlMappingNode root, string? context)
    {
        string? contextName = string.IsNullOrEmpty(context) ? Scalar(root, "current-context") : context;
        var contextEntry = Named(root, "contexts", contextName);
        if (contextEntry is null || Child(contextEntry, "context") is not YamlMappingNode details) return null;
        if (Named(root, "users", Scalar(details, "user")) is { } user && Child(user, "user") is YamlMappingNode credentials)
        {
            foreach (var key in UnsupportedUserKeys)
                if (Child(credentials, key) is not null) return $"the kubeconfig's user '{Scalar(details, "user")}' sets '{key}', which KubernetesClient does not honour";
        }
        if (Named(root, "clusters", Scalar(details, "cluster")) is { } cluster && Child(cluster, "cluster") is YamlMappingNode endpoint)
        {
            foreach (var key in UnsupportedClusterKeys)
                if (Child(endpoint, key) is not null) return $"the kubeconfig's cluster '{Scalar(details, "cluster")}' sets '{key}', which KubernetesClient does not honour";
        }
        return null;
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static YamlMappingNode? Named(YamlMappingNode root, string listKey, string? name)
    {
        if (name is null || Child(root, listKey) is not YamlSequenceNode list) return null;
        return list.Children.OfType<YamlMappingNode>().FirstOrDefault(e => Scalar(e, "name") == name);
    }
}
