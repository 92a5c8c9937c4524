using AciTrace.Engine;

namespace AciTrace.Kube;

/// <summary>How <see cref="KubectlClient"/> runs kubectl.</summary>
public sealed record KubectlClientOptions
{
    /// <summary>kubectl/oc path or name; null uses <see cref="KubectlLocator"/>'s search.</summary>
    public string? KubectlPath { get; init; }

    /// <summary>Passed as <c>--kubeconfig=...</c> only when set.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Passed as <c>--context=...</c> only when set.</summary>
    public string? Context { get; init; }

    /// <summary>Passed as <c>--request-timeout=...</c> only when set (kubectl's per-request limit).</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>Wall-clock limit of one kubectl process; it is killed (with its children) after this.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest stdout accepted from one call (a gbp_inspect dump of a big fabric is tens of MB).</summary>
    public long MaxOutputBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Options from the engine's <see cref="ClusterOptions"/>.</summary>
    public static KubectlClientOptions From(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new KubectlClientOptions
        {
            KubectlPath = options.KubectlPath,
            Kubeconfig = options.Kubeconfig,
            Context = options.Context,
            CommandTimeout = options.Timeout,
        };
    }
}
