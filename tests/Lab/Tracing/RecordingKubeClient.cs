using System.Collections.Concurrent;
using System.Text.Json;
using AciTrace.Kube;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>One call a trace session made through <see cref="IKubeClient"/>.</summary>
public sealed record KubeCall(string Kind, string? Namespace, string? Name, IReadOnlyList<string>? Argv);

/// <summary>
/// <see cref="IKubeClient"/> that delegates to a real client and records every call (API reads, context reads and
/// the exact argv of every exec), so tests can check what a session asked the cluster for.
/// </summary>
public sealed class RecordingKubeClient(IKubeClient inner) : IKubeClient
{
    private readonly ConcurrentQueue<KubeCall> _calls = new();

    public IReadOnlyList<KubeCall> Calls => [.. _calls];

    public IReadOnlyList<IReadOnlyList<string>> ExecArgv => [.. _calls.Where(c => c.Argv is not null).Select(c => c.Argv!)];

    private readonly ConcurrentQueue<(string Pod, IReadOnlyList<string> Argv, long Bytes)> _outputs = new();

    /// <summary>Every finished exec: the pod, the argv and how many stdout bytes came back.</summary>
    public IReadOnlyList<(string Pod, IReadOnlyList<string> Argv, long Bytes)> ExecOutputs => [.. _outputs];

    public long Execs => inner.Execs;

    public long ApiReads => inner.ApiReads;

    public event EventHandler<KubeCommandEventArgs>? CommandStarting
    {
        add => inner.CommandStarting += value;
        remove => inner.CommandStarting -= value;
    }

    public event EventHandler<KubeCommandEventArgs>? CommandCompleted
    {
        add => inner.CommandCompleted += value;
        remove => inner.CommandCompleted -= value;
    }

    public Task<JsonDocument> GetJsonAsync(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector,
        CancellationToken cancellationToken)
    {
        _calls.Enqueue(new KubeCall("get " + resource.KubectlName(), ns, name, null));
        return inner.GetJsonAsync(resource, ns, name, labelSelector, fieldSelector, cancellationToken);
    }

    public Task<ExecResult> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        _calls.Enqueue(new KubeCall("exec", ns, pod, argv.ToArray()));
        return Recorded(pod, argv, inner.ExecAsync(ns, pod, container, argv, cancellationToken), r => System.Text.Encoding.UTF8.GetByteCount(r.Stdout));
    }

    public Task<ExecBytesResult> ExecBytesAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        _calls.Enqueue(new KubeCall("exec", ns, pod, argv.ToArray()));
        return Recorded(pod, argv, inner.ExecBytesAsync(ns, pod, container, argv, cancellationToken), r => r.Stdout.Length);
    }

    private async Task<T> Recorded<T>(string pod, IReadOnlyList<string> argv, Task<T> exec, Func<T, long> bytes)
    {
        var result = await exec.ConfigureAwait(false);
        _outputs.Enqueue((pod, argv.ToArray(), bytes(result)));
        return result;
    }

    public Task<string?> GetContextNamespaceAsync(CancellationToken cancellationToken)
    {
        _calls.Enqueue(new KubeCall("config view", null, null, null));
        return inner.GetContextNamespaceAsync(cancellationToken);
    }

    /// <summary>The (bridge, flow) of every ofproto/trace exec, in the order they were sent.</summary>
    public IReadOnlyList<(string Bridge, string Flow)> TraceFlows() =>
        ExecArgv.Select(TraceFlowOf).OfType<(string, string)>().ToList();

    /// <summary>(bridge, flow) of an <c>ovs-appctl ofproto/trace</c> argv.</summary>
    public static (string Bridge, string Flow)? TraceFlowOf(IReadOnlyList<string> argv)
    {
        for (int i = 0; i + 2 < argv.Count; i++)
            if (argv[i] == "ofproto/trace") return (argv[i + 1], argv[i + 2]);
        return null;
    }

    /// <summary>Field values of an OVS flow string ("a=1,b=2,tcp" -> a:1, b:2, tcp:"").</summary>
    public static IReadOnlyDictionary<string, string> FlowFields(string flow) =>
        flow.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => g.Last().Length == 2 ? g.Last()[1] : "", StringComparer.Ordinal);
}
