using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Explain;
using AciTrace.Judging;
using AciTrace.Kube;
using AciTrace.Ovs;
using AciTrace.Packets;
using TraceOptions = AciTrace.Packets.TraceOptions;

namespace AciTrace.Engine;

/// <summary>
/// Traces packets in a live cluster through <see cref="IKubeClient"/>: resolves names, gathers node facts once per
/// node (one host-pod exec), runs one OVS exec per (node, leg), parses, judges, decodes and explains.
/// </summary>
public sealed partial class TraceSession : ITraceSession
{
    private readonly IKubeClient _kube;
    private readonly ClusterDiscovery _discovery;
    private readonly NodeFactsStore _facts;
    private readonly bool _ownsClient;
    private readonly LegBatcher? _batcher;
    private int _tracesInFlight;

    /// <param name="kube">The cluster client.</param>
    /// <param name="ownsClient">Dispose the client with the session.</param>
    /// <param name="batchLegs">Run the legs of traces in flight together in one exec per node (many pairs at once).</param>
    public TraceSession(IKubeClient kube, bool ownsClient = false, bool batchLegs = false)
    {
        _kube = kube;
        _ownsClient = ownsClient;
        _batcher = batchLegs ? new LegBatcher(kube, () => Volatile.Read(ref _tracesInFlight)) : null;
        _discovery = new ClusterDiscovery(kube);
        _facts = new NodeFactsStore(kube);
        _kube.CommandStarting += ReportCommand;
    }

    /// <summary>
    /// The trace whose async flow makes a cluster call: its -Verbose stream shows the call and its cost counts it.
    /// Traces of one session may run at the same time; each call is reported to the trace that made it (a node's
    /// facts, read once for all, are reported to the trace that read them).
    /// </summary>
    private sealed class TraceScope(System.Threading.Channels.ChannelWriter<TraceEvent> events)
    {
        private long _execs;
        private long _reads;

        public (long Execs, long ApiReads) Counters => (Interlocked.Read(ref _execs), Interlocked.Read(ref _reads));

        public void Report(KubeCommandEventArgs e)
        {
            if (e.Kind == KubeCallKind.Exec) Interlocked.Increment(ref _execs);
            else if (e.Kind == KubeCallKind.Read) Interlocked.Increment(ref _reads);
            events.TryWrite(new VerboseEvent(e.CommandLine));
        }
    }

    private static readonly AsyncLocal<TraceScope?> CurrentTrace = new();

    private static void ReportCommand(object? sender, KubeCommandEventArgs e) => CurrentTrace.Value?.Report(e);

    /// <summary>Execs and API reads made so far by this session (all traces).</summary>
    public (long Execs, long ApiReads) Counters => (_kube.Execs, _kube.ApiReads);

    public async ValueTask DisposeAsync()
    {
        _kube.CommandStarting -= ReportCommand;
        if (!_ownsClient) return;
        // A snapshot's client stops the local OVS it started: asynchronously, when it can.
        if (_kube is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        else if (_kube is IDisposable d) d.Dispose();
    }

    public async IAsyncEnumerable<TraceEvent> RunAsync(TraceRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RequestValidator.Validate(request);
        var events = Channel();
        // The work gets its own token so that a consumer that stops early (or fails) stops the trace too, and the
        // work is always awaited: no kubectl process outlives RunAsync and no exception goes unobserved.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => TraceAsync(request, events.Writer, stop.Token), stop.Token);
        var finished = false;
        try
        {
            await foreach (var e in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
            finished = true;
        }
        finally
        {
            if (!finished) await StopAsync(stop, work).ConfigureAwait(false);
        }
        var summaries = await work.ConfigureAwait(false);
        foreach (var s in summaries)
            yield return new SummaryEvent(s);
    }

    public Task<IReadOnlyList<ConnectivityProbe>> PlanConnectivityAsync(ConnectivityScope scope, CancellationToken cancellationToken) =>
        ConnectivityPlanner.PlanAsync(_discovery, scope, cancellationToken);

    public Task<IReadOnlyList<AciFlow>> FlowsAsync(string node, string bridge, int? table, CancellationToken cancellationToken) =>
        FlowReader.ReadAsync(_kube, _discovery, _facts, node, bridge, table, cancellationToken);

    public Task<AciSnapshot> SaveSnapshotAsync(SnapshotRequest request, Action<string> progress, CancellationToken cancellationToken) =>
        SnapshotWriter.WriteAsync(_kube, _discovery, _facts, request, progress, cancellationToken);

    /// <summary>Cancels unfinished work and waits for it (its processes are killed); its outcome is already reported.</summary>
    private static async Task StopAsync(CancellationTokenSource stop, Task work)
    {
        if (!work.IsCompleted) stop.Cancel();
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // the failure or cancellation reached the consumer through the event channel (or it stopped reading)
        }
    }

    private static System.Threading.Channels.Channel<TraceEvent> Channel() =>
        System.Threading.Channels.Channel.CreateUnbounded<TraceEvent>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });

    private async Task<IReadOnlyList<AciTraceSummary>> TraceAsync(
        TraceRequest request, System.Threading.Channels.ChannelWriter<TraceEvent> events, CancellationToken ct)
    {
        Interlocked.Increment(ref _tracesInFlight);
        try
        {
            var scope = new TraceScope(events);
            CurrentTrace.Value = scope;
            var run = new TraceRun(this, scope, request, events, ct);
            return await run.ExecuteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            events.TryComplete(e);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _tracesInFlight);
            events.TryComplete();
        }
    }

    /// <summary>A pod as the API server knows it: its address and its node's ACI system pods.</summary>
    private sealed record PlacedPod(PodInfo Pod, IPAddress Address, NodeSystemPods System, string Role);

    private async Task<PlacedPod> PlacePodAsync(string ns, string name, string role, bool preferV6, CancellationToken ct)
    {
        var pod = await _discovery.PodAsync(ns, name, ct).ConfigureAwait(false);
        if (string.IsNullOrEmpty(pod.NodeName))
            throw new AciTraceException(ErrorIds.PodNotScheduled, AciErrorKind.ResourceUnavailable,
                $"The {role} pod {pod.Key} is not scheduled on a node yet (phase {pod.Phase}); there is no datapath to trace.", pod.Key);
        var address = pod.AddressFor(preferV6)
            ?? throw new AciTraceException(ErrorIds.PodHasNoAddress, AciErrorKind.ResourceUnavailable,
                $"The {role} pod {pod.Key} has no IP address (phase {pod.Phase}); wait until it is Running.", pod.Key);
        var system = await _discovery.SystemPodsAsync(pod.NodeName, ct).ConfigureAwait(false);
        _facts.Prefetch(system, ct);
        return new PlacedPod(pod, address, system, role);
    }

    /// <summary>
    /// Resolves pods to their endpoints: the API reads first, all at once, then the agent files of the pods on each
    /// node in one read per node. Errors come in the order of <paramref name="pods"/>.
    /// </summary>
    private async Task<IReadOnlyList<ResolvedPod>> ResolvePodsAsync(IReadOnlyList<Task<PlacedPod>> pods, TraceFiles files, CancellationToken ct)
    {
        var placed = await Task.WhenAll(pods).ConfigureAwait(false);
        var byNode = placed.Where(p => !p.Pod.HostNetwork).GroupBy(p => p.System.Node, StringComparer.Ordinal).ToList();
        var read = await Task.WhenAll(byNode.Select(g =>
            _facts.FilesAsync(g.First().System, g.Select(p => NodeFactsScript.PodKey(p.Pod.Uid)).Distinct().ToList(), ct))).ConfigureAwait(false);
        for (int i = 0; i < byNode.Count; i++)
            foreach (var f in read[i]) files.Add(byNode[i].Key, f);
        var resolved = new List<ResolvedPod>(placed.Length);
        foreach (var p in placed)
        {
            if (p.Pod.HostNetwork)
            {
                resolved.Add(new ResolvedPod(p.Pod, p.Address, p.System, null, null));
                continue;
            }
            var ep = files.On(p.System.Node).SelectMany(f => f.Endpoints).FirstOrDefault(e => e.Ips.Contains(p.Address.ToString(), StringComparer.OrdinalIgnoreCase))
                ?? throw new AciTraceException(ErrorIds.EndpointFileNotFound, AciErrorKind.ObjectNotFound,
                    $"The opflex agent on node '{p.Pod.NodeName}' has no endpoint file for the {p.Role} pod {p.Pod.Key} ({p.Address}); the host agent has not programmed it (see kubectl logs -n {p.System.Namespace} {p.System.Host.Name} -c aci-containers-host).",
                    p.Pod.Key);
            EpgInfo? epg = null;
            if (ep.PolicySpace is { } space && ep.EndpointGroupName is { } group)
                epg = (await _facts.PolicyAsync(p.System, ct).ConfigureAwait(false)).Dump?.FindEpg(space, group);
            resolved.Add(new ResolvedPod(p.Pod, p.Address, p.System, ep, epg));
        }
        return resolved;
    }

    // ---- one trace ----

    private sealed partial class TraceRun
    {
        private readonly TraceSession _s;
        private readonly TraceRequest _r;
        private readonly System.Threading.Channels.ChannelWriter<TraceEvent> _events;
        private readonly CancellationToken _ct;
        private readonly List<LegOutcome> _outcomes = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly TraceScope _scope;
        private (long Execs, long ApiReads, TimeSpan At) _mark;
        private int _legNumber;

        public TraceRun(TraceSession session, TraceScope scope, TraceRequest request, System.Threading.Channels.ChannelWriter<TraceEvent> events, CancellationToken ct)
        {
            _s = session;
            _scope = scope;
            _r = request;
            _mark = (0, 0, TimeSpan.Zero);
            _events = events;
            _ct = ct;
        }

        private void Emit(TraceEvent e) => _events.TryWrite(e);

        public async Task<IReadOnlyList<AciTraceSummary>> ExecuteAsync()
        {
            var defaultNs = string.IsNullOrEmpty(_r.SourceNamespace) || (_r.Kind != TraceKind.External && string.IsNullOrEmpty(_r.DestinationNamespace))
                ? await _s._discovery.DefaultNamespaceAsync(_ct).ConfigureAwait(false)
                : "";
            var srcNs = string.IsNullOrEmpty(_r.SourceNamespace) ? defaultNs : _r.SourceNamespace;
            var dstNs = string.IsNullOrEmpty(_r.DestinationNamespace) ? defaultNs : _r.DestinationNamespace!;
            // Discovery of the system namespace runs while the pods are read.
            var systemNs = SystemNamespaceOf(_s._discovery.SystemPodListAsync(_ct));
            Emit(new ProgressEvent("Resolving", _r.FromOutside ? _r.SourceAddress! : $"{srcNs}/{_r.SourceName}", 5));
            return _r.Kind switch
            {
                TraceKind.Pod => await PodTraceAsync(srcNs, dstNs, systemNs).ConfigureAwait(false),
                TraceKind.Service when _r.FromOutside => await InboundTraceAsync(dstNs, systemNs).ConfigureAwait(false),
                TraceKind.Service => await ServiceTraceAsync(srcNs, dstNs, systemNs).ConfigureAwait(false),
                _ => await ExternalTraceAsync(srcNs, systemNs).ConfigureAwait(false),
            };
        }

        private static async Task<string> SystemNamespaceOf(Task<(string Namespace, IReadOnlyList<PodInfo> Pods)> list) => (await list.ConfigureAwait(false)).Namespace;

        // ---------------- legs ----------------

        private TraceLeg Leg(TraceDirection dir, ResolvedPod at, string bridge, PacketSpec packet, TraceOptions? options, string? destinationVeth, string description) =>
            Leg(dir, at, bridge, packet, options, destinationVeth is null ? Array.Empty<string>() : new[] { destinationVeth }, description);

        private TraceLeg Leg(TraceDirection dir, ResolvedPod at, string bridge, PacketSpec packet, TraceOptions? options, IReadOnlyList<string> destinationVeths, string description)
        {
            var command = TraceCommand.Create(bridge, packet, options);
            return new TraceLeg(Interlocked.Increment(ref _legNumber), dir, at.Node, at.System!, description, command, destinationVeths);
        }

        /// <summary>
        /// Runs legs in parallel (they are independent); results are reported in leg order, and legs after a drop are
        /// reported as not reached.
        /// </summary>
        private async Task<IReadOnlyList<LegOutcome>> RunLegsAsync(IReadOnlyList<TraceLeg> legs)
        {
            var tasks = legs.Select(RunLegAsync).ToList();
            var results = new List<LegOutcome>();
            var dropped = false;
            for (var i = 0; i < tasks.Count; i++)
            {
                var outcome = await tasks[i].ConfigureAwait(false);
                if (dropped)
                {
                    Emit(new VerboseEvent($"Leg {outcome.Leg.Number} ({outcome.Leg.Description}) is not reported: the packet was dropped earlier."));
                    continue;
                }
                results.Add(outcome);
                _outcomes.Add(outcome);
                if (outcome.Judgement.Verdict == TraceVerdict.Drop) dropped = true;
            }
            return results;
        }

        private async Task<LegOutcome> RunLegAsync(TraceLeg leg)
        {
            var clock = Stopwatch.StartNew();
            var stateTask = _s._facts.StateAsync(leg.System, _ct);
            var portMapsTask = _s._facts.PortMapsAsync(leg.System, _ct);
            NodeFactsStore.Observe(stateTask);
            NodeFactsStore.Observe(portMapsTask);
            Emit(new ProgressEvent("Tracing", $"leg {leg.Number}: {leg.Description}", 30));
            Emit(new VerboseEvent($"[{leg.Node}] {CommandLineText.Format(leg.Command.ToArgv())}"));
            var text = _s._batcher is { } batcher
                ? await batcher.TraceAsync(leg, m => Emit(new VerboseEvent(m)), _ct).ConfigureAwait(false)
                : await NodeExec.TraceAsync(_s._kube, leg, m => Emit(new VerboseEvent(m)), _ct).ConfigureAwait(false);
            Emit(new VerboseEvent($"[{leg.Node}] ofproto/trace output:\n{text}"));
            var state = await stateTask.ConfigureAwait(false);
            var traceFiles = _files.On(leg.Node);
            foreach (var w in state.Warnings.Concat(traceFiles.SelectMany(f => f.Warnings)).Distinct())
                Emit(new WarningEvent(w));
            var portMaps = await portMapsTask.ConfigureAwait(false);
            var facts = NodeFactsLoader.Compose(leg.Node, state, traceFiles, portMaps);
            var parsed = OvsTraceParser.Parse(text);
            if (parsed.Error is { } err)
                throw new AciTraceException(ErrorIds.OvsTraceFailed, AciErrorKind.InvalidResult,
                    $"ofproto/trace on node '{leg.Node}' failed: {err.Trim()}", leg.Command.Flow);
            var judgement = TraceJudge.Judge(parsed, JudgeContextFor(leg, portMaps,
                state.Snats.Select(s => s.InterfaceName).Concat(traceFiles.SelectMany(f => f.Services).Select(s => s.InterfaceName)).OfType<string>()));
            if (judgement.Verdict == TraceVerdict.Drop)
                foreach (var ns in _pods.Select(p => p.Pod.Namespace).Distinct().ToList())
                {
                    IReadOnlyList<NetworkPolicyInfo>? list;
                    try
                    {
                        list = await _s._discovery.NetworkPoliciesAsync(ns, _ct).ConfigureAwait(false);
                    }
                    catch (AciTraceException e) when (e.Kind == AciErrorKind.PermissionDenied)
                    {
                        Emit(new WarningEvent($"{e.Message} Without them the drop cannot name the NetworkPolicies of namespace '{ns}'."));
                        list = null;
                    }
                    lock (_policyCache) _policyCache[ns] = list;
                }
            ServiceEgress? egress = null;
            if (judgement.Verdict == TraceVerdict.Drop && _serviceTarget is { } target
                && FlowFields.DestinationAddress(leg.Command.Flow) == target.ClusterIp.ToString())
            {
                // Legs run in parallel: the endpoints are read once, by the first leg that needs them.
                Task<ServiceEgress> read;
                lock (_serviceEgressLock) read = _serviceEgress ??= ServiceEgressAsync(target);
                egress = await read.ConfigureAwait(false);
            }
            var broadcast = leg.Command.Flow.Contains("dl_dst=ff:ff:ff:ff:ff:ff", StringComparison.OrdinalIgnoreCase);
            var legContext = new LegContext(_traceId, leg.Direction, leg.Number, leg.Node, facts, broadcast)
            {
                ArrivalTunnelId = FlowFields.Value(leg.Command.Flow, "tun_id"),
            };
            var reasoner = new DropReasoner(leg, facts, _pods.ToList(), PoliciesSnapshot(), _r.Protocol, _packetDescription, egress);
            var passes = TraceAssembler.Assemble(legContext, parsed, judgement, reasoner.Reason);
            return new LegOutcome(leg, passes, judgement, clock.Elapsed);
        }

        private string _traceId = "";
        private ServiceTarget? _serviceTarget;

        /// <summary>The Service port a service trace addresses, and the port its endpoints listen on.</summary>
        private sealed record ServiceTarget(ServiceInfo Service, ServicePortInfo Port, IPAddress ClusterIp, IReadOnlyList<EndpointSliceInfo> Slices, int TargetPort);
        private Task<ServiceEgress>? _serviceEgress;
        private readonly object _serviceEgressLock = new();

        /// <summary>The Service's endpoints with their pods (read only when a drop needs explaining).</summary>
        private async Task<ServiceEgress> ServiceEgressAsync(ServiceTarget t)
        {
            var endpoints = new List<(PodInfo? Pod, string Address)>();
            foreach (var e in t.Slices.SelectMany(x => x.Endpoints).Where(e => e.Ready))
            {
                PodInfo? pod = null;
                if (e.PodNamespace is { } ns && e.PodName is { } name)
                {
                    try
                    {
                        pod = await _s._discovery.PodAsync(ns, name, _ct).ConfigureAwait(false);
                    }
                    catch (AciTraceException)
                    {
                        // an endpoint whose pod cannot be read is named by its address
                    }
                }
                endpoints.AddRange(e.Addresses.Select(a => (pod, a.ToString())));
            }
            return new ServiceEgress(t.Service.Key, t.ClusterIp.ToString(), t.Port.Port, t.TargetPort, endpoints);
        }

        /// <summary>
        /// Port roles for the judge; the destination veth counts on br-access only (on br-int a <c>pi-</c> port of the
        /// same name is a patch). The SNAT files name the node's real uplink.
        /// </summary>
        /// <summary>The leg's delivery ports, and as uplinks the interfaces of the node's SNAT files and of the trace's external Service copies.</summary>
        private static JudgeContext JudgeContextFor(TraceLeg leg, IReadOnlyDictionary<string, OvsPortMap> maps, IEnumerable<string> uplinks) =>
            JudgeContext.FromPortMaps(maps, leg.DestinationVeths, uplinks);

        private string _packetDescription = "";

        /// <summary>The NetworkPolicies read so far, by namespace (null: not readable).</summary>
        private IReadOnlyDictionary<string, IReadOnlyList<NetworkPolicyInfo>?> PoliciesSnapshot()
        {
            lock (_policyCache) return new Dictionary<string, IReadOnlyList<NetworkPolicyInfo>?>(_policyCache, StringComparer.Ordinal);
        }
        private readonly Dictionary<string, IReadOnlyList<NetworkPolicyInfo>?> _policyCache = new(StringComparer.Ordinal);
        private readonly List<ResolvedPod> _pods = new();
        private readonly TraceFiles _files = new();

        private Task<PlacedPod> PlaceAsync(string ns, string name, string role, bool preferV6) =>
            _s.PlacePodAsync(ns, name, role, preferV6, _ct);

        private Task<IReadOnlyList<ResolvedPod>> ResolveAsync(params Task<PlacedPod>[] pods) => _s.ResolvePodsAsync(pods, _files, _ct);

        private async Task<ResolvedPod> ResolvePodAsync(string ns, string name, string role, bool preferV6) =>
            (await ResolveAsync(PlaceAsync(ns, name, role, preferV6)).ConfigureAwait(false))[0];

        // ---------------- summaries ----------------

        /// <summary>
        /// Ends one direction: the <see cref="SummaryBuilder"/> decides it from what the legs returned; this writes its
        /// passes (once decided, so each carries the outcome) and charges it what ran since the previous summary.
        /// </summary>
        private AciTraceSummary Summarize(string id, string kind, TraceDirection dir, string source, string destination,
            IPAddress? srcAddr, IPAddress? dstAddr, L4 l4, IReadOnlyList<LegOutcome> outcomes, IReadOnlyList<string> notes,
            bool endsAtNode, bool notTraced = false, FabricDrop? fabric = null, string? deliveredTo = null, string? stale = null)
        {
            var (execsNow, readsNow) = _scope.Counters;
            var now = _clock.Elapsed;
            var cost = new DirectionCost((int)(execsNow - _mark.Execs), (int)(readsNow - _mark.ApiReads), now - _mark.At);
            _mark = (execsNow, readsNow, now);
            var facts = new DirectionFacts(id, kind, dir, source, destination, srcAddr, dstAddr, l4, outcomes, notes, endsAtNode)
            {
                NotTraced = notTraced,
                Fabric = fabric,
                DeliveredTo = deliveredTo,
                Stale = stale,
            };
            var summary = SummaryBuilder.Build(facts, cost);
            foreach (var pass in summary.Passes) Emit(new PassEvent(pass));
            return summary;
        }

        // ---------------- helpers ----------------

        private const int DefaultSourcePort = 40000;

        private L4 L4For(PodInfo destination)
        {
            var l4 = _r.Protocol switch
            {
                TraceProtocol.Tcp or TraceProtocol.Udp => new L4(_r.Protocol, _r.SourcePort ?? DefaultSourcePort,
                    _r.DestinationPort ?? DefaultDestinationPort(destination, _r.Protocol)),
                _ => new L4(_r.Protocol, null, null),
            };
            _packetDescription = l4.DescribeDestination();
            return l4;
        }

        private static int DefaultDestinationPort(PodInfo destination, TraceProtocol protocol)
        {
            var proto = protocol.ToString().ToUpperInvariant();
            var declared = destination.Ports.FirstOrDefault(p => p.Protocol.Equals(proto, StringComparison.OrdinalIgnoreCase));
            return declared?.Port ?? throw new AciTraceException(ErrorIds.DestinationPortRequired, AciErrorKind.InvalidArgument,
                $"Give -DestinationPort: {destination.Key} declares no {proto} container port to default to.", destination.Key);
        }

        /// <summary>
        /// The port a backend receives a Service port on: from the EndpointSlice that lists <paramref name="backend"/>
        /// when known (a named target port may differ between pods), matched by port name (an unnamed Service port is
        /// "" in a slice), else the Service's numeric target port, else the Service port.
        /// </summary>
        private static int TargetPortOf(IReadOnlyList<EndpointSliceInfo> slices, ServicePortInfo port, TraceProtocol proto, IPAddress? backend = null)
        {
            IEnumerable<EndpointSliceInfo> ordered = backend is null ? slices : slices.OrderByDescending(s => s.Endpoints.Any(e => e.Addresses.Contains(backend)));
            return ordered.SelectMany(x => x.Ports)
                .FirstOrDefault(x => (x.Name ?? "") == (port.Name ?? "") && x.Protocol.Equals(proto.ToString(), StringComparison.OrdinalIgnoreCase))?.Port
                ?? port.TargetPortNumber ?? port.Port;
        }

        private ServicePortInfo ServicePortFor(ServiceInfo svc, TraceProtocol proto)
        {
            var name = proto.ToString().ToUpperInvariant();
            var candidates = svc.Ports.Where(p => p.Protocol.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            var port = _r.DestinationPort is int wanted
                ? candidates.FirstOrDefault(p => p.Port == wanted) ?? (_r.FromOutside && _r.Entry == ServiceEntry.NodePort ? candidates.FirstOrDefault(p => p.NodePort == wanted) : null)
                : candidates.Count == 1 ? candidates[0] : null;
            if (port is null)
            {
                var offered = svc.Ports.Count == 0 ? "none" : string.Join(", ", svc.Ports.Select(p => $"{p.Port}/{p.Protocol}"));
                throw new AciTraceException(ErrorIds.ServicePortNotFound, AciErrorKind.ObjectNotFound,
                    _r.DestinationPort is int w
                        ? $"Service {svc.Key} has no {name} port {w} (its ports: {offered})."
                        : $"Give -DestinationPort: Service {svc.Key} has {candidates.Count} {name} ports (its ports: {offered}).",
                    svc.Key);
            }
            _packetDescription = $"{name} port {port.Port}";
            return port;
        }

        private static string Label(L4 l4) => l4.Protocol switch
        {
            TraceProtocol.Tcp or TraceProtocol.Udp => $"{l4.Protocol.ToString().ToLowerInvariant()}/{l4.DestinationPort}",
            _ => l4.Protocol.ToString().ToLowerInvariant(),
        };

        private static AciTraceException NoVnid(ResolvedPod pod) => new(ErrorIds.EpgNotResolved, AciErrorKind.ObjectNotFound,
            $"The EPG of {pod.Pod.Key} ({pod.EpgName}) has no VNID in node '{pod.Node}''s policy (gbp_inspect): the opflex agent has not resolved it from the leaf.",
            pod.Pod.Key);
    }
}
