using System.Collections.Concurrent;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Kube;

namespace AciTrace.Engine;

/// <summary>
/// What a session reads from the nodes, each part once: a node's own agent state (id maps, SNAT files, the policy
/// objects of <see cref="NodePolicyQuery"/>), the agent files of each pod or Service a trace involves, and the port maps.
/// Of the agent's state nothing grows with the number of pods on the node except the conntrack id map (one short record
/// per endpoint). Files asked for together are read in one exec, and the first read on a node brings the node's state
/// along; the port maps are read beside it.
/// </summary>
internal sealed class NodeFactsStore(IKubeClient kube)
{
    // Work started under one trace's token may be cancelled with that trace; a trace still running then starts it afresh.
    private const int Attempts = 3;

    private readonly ConcurrentDictionary<string, Task<NodeAgentState>> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Node, string Key), Task<AgentFiles>> _files = new();
    private readonly AsyncCache<string, IReadOnlyDictionary<string, OvsPortMap>> _portMaps = new();

    /// <summary>Every bridge's port map on the node (<see cref="PortMapQuery"/>).</summary>
    public Task<IReadOnlyDictionary<string, OvsPortMap>> PortMapsAsync(NodeSystemPods system, CancellationToken ct) =>
        _portMaps.GetAsync(system.Node, async node =>
        {
            var result = await NodeExec.OnNode(node, () => kube.ExecAsync(system.Namespace, system.OpenvSwitch.Name, ClusterDiscovery.OvsContainer,
                PortMapQuery.Argv, ct)).ConfigureAwait(false);
            return OvsPortMap.ParseAll(result.Stdout);
        }, ct);

    /// <summary>
    /// Starts reading the node's port maps while the caller goes on (they are awaited by the legs on that node; a
    /// failure there is reported by the leg that needs them).
    /// </summary>
    public void Prefetch(NodeSystemPods system, CancellationToken ct) => Observe(PortMapsAsync(system, ct));

    /// <summary>Marks a task's failure as seen: a shared read may fail when no caller is left to await it.</summary>
    internal static void Observe(Task task) =>
        task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>The node's id maps, SNAT files and policy objects.</summary>
    public Task<NodeAgentState> StateAsync(NodeSystemPods system, CancellationToken ct) =>
        StateAsync(system, Array.Empty<string>(), ct);

    /// <summary>
    /// The node's state; when this caller is the first on the node, <paramref name="keys"/> are read in the same exec.
    /// </summary>
    private async Task<NodeAgentState> StateAsync(NodeSystemPods system, IReadOnlyList<string> keys, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            if (!_states.TryGetValue(system.Node, out var task))
            {
                var mine = new TaskCompletionSource<NodeAgentState>(TaskCreationOptions.RunContinuationsAsynchronously);
                task = _states.GetOrAdd(system.Node, mine.Task);
                // The first read of a node brings the node's own keys and as many of the caller's as one read takes.
                if (task == mine.Task) await ReadAsync(system, mine, Register(system, keys.Take(NodeFactsScript.MaxKeys - 3)), ct).ConfigureAwait(false);
            }
            try
            {
                return await task.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested && attempt < Attempts)
            {
            }
        }
    }

    /// <summary>The node's policy objects (a failed gbp_inspect is a warning: names are then less specific).</summary>
    public async Task<NodePolicy> PolicyAsync(NodeSystemPods system, CancellationToken ct) =>
        (await StateAsync(system, ct).ConfigureAwait(false)).Policy;

    /// <summary>The agent files of one key (<see cref="NodeFactsScript.PodKey"/>, <see cref="NodeFactsScript.ServiceKey"/>).</summary>
    public async Task<AgentFiles> FilesAsync(NodeSystemPods system, string key, CancellationToken ct) =>
        (await FilesAsync(system, new[] { key }, ct).ConfigureAwait(false))[0];

    /// <summary>
    /// The agent files of several keys. The node's state comes first (with these keys, when this is the node's first
    /// read): when it brought every endpoint file of the node, pods need no read of their own; the keys still missing
    /// are read in one exec (per <see cref="NodeFactsScript.MaxKeys"/>).
    /// </summary>
    public async Task<IReadOnlyList<AgentFiles>> FilesAsync(NodeSystemPods system, IReadOnlyList<string> keys, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            var state = await StateAsync(system, keys, ct).ConfigureAwait(false);
            // A pod whose files the node's whole-node read holds needs no read; one it does not hold (it may have
            // started since) is read on its own.
            var wholeNode = keys.Where(NodeFactsScript.IsPodKey).Select(k => (k, Files: state.EndpointsOf(system.Node, k)))
                .Where(x => x.Files is not null).ToDictionary(x => x.k, x => x.Files!, StringComparer.Ordinal);
            var mine = Register(system, keys.Where(k => !wholeNode.ContainsKey(k)));
            foreach (var chunk in mine.Chunk(NodeFactsScript.MaxKeys))
                await ReadAsync(system, null, chunk.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal), ct).ConfigureAwait(false);
            // A read that failed has forgotten its keys (the failure is in its task, which this caller may hold).
            var tasks = keys.Select(k => wholeNode.TryGetValue(k, out var w) ? Task.FromResult(w)
                : mine.TryGetValue(k, out var own) ? own.Task
                : _files.TryGetValue((system.Node, k), out var t) ? t : null).ToList();
            if (tasks.Any(t => t is null))
            {
                if (attempt < Attempts) continue;
                throw new AciTraceException(ErrorIds.NodeFactsIncomplete, AciErrorKind.InvalidResult,
                    $"The opflex agent's files on node '{system.Node}' kept failing to be read for other traces.", system.Host.Key);
            }
            try
            {
                return await Task.WhenAll(tasks!).WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested && attempt < Attempts)
            {
            }
        }
    }

    /// <summary>Registers a pending task for each key nobody has asked for yet; returns those this caller must read.</summary>
    private Dictionary<string, TaskCompletionSource<AgentFiles>> Register(NodeSystemPods system, IEnumerable<string> keys)
    {
        var mine = new Dictionary<string, TaskCompletionSource<AgentFiles>>(StringComparer.Ordinal);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (_files.ContainsKey((system.Node, key))) continue;
            var tcs = new TaskCompletionSource<AgentFiles>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_files.TryAdd((system.Node, key), tcs.Task)) mine[key] = tcs;
        }
        return mine;
    }

    /// <summary>
    /// Reads the given keys (and the node's state when <paramref name="state"/> is set) and completes their tasks. A
    /// failure completes them with it and forgets them, so a later trace asks again.
    /// </summary>
    private async Task ReadAsync(NodeSystemPods system, TaskCompletionSource<NodeAgentState>? state,
        IReadOnlyDictionary<string, TaskCompletionSource<AgentFiles>> files, CancellationToken ct)
    {
        var keys = (state is null ? Enumerable.Empty<string>() : new[] { NodeFactsScript.NodeKey, NodeFactsScript.PolicyKey, NodeFactsScript.AllPodsKey })
            .Concat(files.Keys).ToList();
        try
        {
            var output = await ReadOutputAsync(system, keys, ct).ConfigureAwait(false);
            state?.TrySetResult(NodeFactsLoader.State(system.Node, output));
            foreach (var (key, tcs) in files)
            {
                var read = NodeFactsLoader.Files(system.Node, NodeFactsOutputOf(output, key), withReadWarnings: state is null);
                // A pod with no endpoint file is not remembered: the host agent may write it before the next trace.
                if (NodeFactsScript.IsPodKey(key) && read.Endpoints.Count == 0)
                    _files.TryRemove(new KeyValuePair<(string, string), Task<AgentFiles>>((system.Node, key), tcs.Task));
                tcs.TrySetResult(read);
            }
        }
        catch (Exception e)
        {
            if (state is not null)
            {
                _states.TryRemove(new KeyValuePair<string, Task<NodeAgentState>>(system.Node, state.Task));
                Fail(state, e);
            }
            foreach (var (key, tcs) in files)
            {
                _files.TryRemove(new KeyValuePair<(string, string), Task<AgentFiles>>((system.Node, key), tcs.Task));
                Fail(tcs, e);
            }
        }
    }

    private static void Fail<T>(TaskCompletionSource<T> tcs, Exception e)
    {
        Observe(tcs.Task);
        if (e is OperationCanceledException oce) tcs.TrySetCanceled(oce.CancellationToken);
        else tcs.TrySetException(e);
    }

    /// <summary>The part of a read that belongs to one key.</summary>
    private static NodeFactsOutput NodeFactsOutputOf(NodeFactsOutput output, string key) =>
        output with { Files = output.Files.Where(f => NodeFactsScript.KeyOwns(key, f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) };

    /// <summary>One read of the agent files of <paramref name="keys"/>, asked again once when its output came back cut short.</summary>
    public async Task<NodeFactsOutput> ReadOutputAsync(NodeSystemPods system, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var argv = NodeFactsScript.Argv(keys);
        var result = await NodeExec.OnNode(system.Node, () => kube.ExecBytesAsync(system.Namespace, system.Host.Name, ClusterDiscovery.AgentContainer,
            argv, ct)).ConfigureAwait(false);
        var output = NodeFactsScript.Parse(result.Stdout);
        if (output.Complete && output.FilesIntact) return output;
        // The script always ends with its end marker: without it the exec stream was cut short (or a file changed
        // between its size and its bytes being read). Ask once more.
        result = await NodeExec.OnNode(system.Node, () => kube.ExecBytesAsync(system.Namespace, system.Host.Name, ClusterDiscovery.AgentContainer,
            argv, ct)).ConfigureAwait(false);
        output = NodeFactsScript.Parse(result.Stdout);
        if (output.Complete && output.FilesIntact) return output;
        throw new AciTraceException(ErrorIds.NodeFactsIncomplete, AciErrorKind.InvalidResult,
            $"Reading the opflex agent's files on node '{system.Node}' returned incomplete output twice (its stderr: {NodeExec.FirstLine(result.Stderr)}).",
            system.Host.Key);
    }
}
