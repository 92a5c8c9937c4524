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
public sealed class KubectlTraceSession : ITraceSession
{
    private readonly IKubeClient _kube;
    private readonly ClusterDiscovery _discovery;
    private readonly AsyncCache<string, NodeFactsEntry> _nodeFacts = new();
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, OvsPortMap>> _portMaps = new(StringComparer.Ordinal);
    private readonly bool _ownsClient;

    private sealed record NodeFactsEntry(NodeFacts Facts, IReadOnlyList<SnatFile> Snats, IReadOnlyList<string> Warnings);

    private sealed record LegOutcome(TraceLeg Leg, IReadOnlyList<AciBridgePass> Passes, TraceJudgement Judgement, TimeSpan Elapsed);

    public KubectlTraceSession(IKubeClient kube, bool ownsClient = false)
    {
        _kube = kube;
        _ownsClient = ownsClient;
        _discovery = new ClusterDiscovery(kube);
        _kube.CommandStarting += ReportCommand;
    }

    // The writer of the trace now running (a session runs one trace at a time): -Verbose shows every kubectl call.
    private System.Threading.Channels.ChannelWriter<TraceEvent>? _activeEvents;

    private void ReportCommand(object? sender, KubeCommandEventArgs e) =>
        _activeEvents?.TryWrite(new VerboseEvent(e.CommandLine));

    /// <summary>Execs and API reads made so far by this session.</summary>
    public (long Execs, long ApiReads) Counters => (_kube.Execs, _kube.ApiReads);

    public ValueTask DisposeAsync()
    {
        _kube.CommandStarting -= ReportCommand;
        if (_ownsClient && _kube is IDisposable d) d.Dispose();
        return ValueTask.CompletedTask;
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
        try
        {
            _activeEvents = events;
            var run = new TraceRun(this, request, events, ct);
            return await run.ExecuteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            events.TryComplete(e);
            throw;
        }
        finally
        {
            Interlocked.CompareExchange(ref _activeEvents, null, events);
            events.TryComplete();
        }
    }

    // ---- shared, cached facts ----

    private Task<NodeFactsEntry> NodeFactsAsync(NodeSystemPods system, CancellationToken ct) =>
        _nodeFacts.GetAsync(system.Node, async node =>
        {
            var result = await _kube.ExecBytesAsync(system.Namespace, system.Host.Name, ClusterDiscovery.AgentContainer,
                NodeFactsScript.Argv, ct).ConfigureAwait(false);
            var output = NodeFactsScript.Parse(result.Stdout);
            var (facts, snats, warnings) = NodeFactsLoader.Build(node, output);
            return new NodeFactsEntry(facts, snats, warnings);
        });

    private async Task<ResolvedPod> ResolvePodAsync(string ns, string name, string role, bool preferV6, CancellationToken ct)
    {
        var pod = await _discovery.PodAsync(ns, name, ct).ConfigureAwait(false);
        if (string.IsNullOrEmpty(pod.NodeName))
            throw new AciTraceException("PodNotScheduled", AciErrorKind.ResourceUnavailable,
                $"The {role} pod {pod.Key} is not scheduled on a node yet (phase {pod.Phase}); there is no datapath to trace.", pod.Key);
        var address = pod.AddressFor(preferV6)
            ?? throw new AciTraceException("PodHasNoAddress", AciErrorKind.ResourceUnavailable,
                $"The {role} pod {pod.Key} has no IP address (phase {pod.Phase}); wait until it is Running.", pod.Key);
        var system = await _discovery.SystemPodsAsync(pod.NodeName, ct).ConfigureAwait(false);
        if (pod.HostNetwork) return new ResolvedPod(pod, address, system, null, null);
        var facts = await NodeFactsAsync(system, ct).ConfigureAwait(false);
        var ep = facts.Facts.EndpointByIp(address.ToString())
            ?? throw new AciTraceException("EndpointFileNotFound", AciErrorKind.ObjectNotFound,
                $"The opflex agent on node '{pod.NodeName}' has no endpoint file for the {role} pod {pod.Key} ({address}); the host agent has not programmed it (see kubectl logs -n {system.Namespace} {system.Host.Name} -c aci-containers-host).",
                pod.Key);
        EpgInfo? epg = null;
        if (ep.PolicySpace is { } space && ep.EndpointGroupName is { } group)
            epg = facts.Facts.PolicyDump?.FindEpg(space, group);
        return new ResolvedPod(pod, address, system, ep, epg);
    }

    // ---- one trace ----

    private sealed class TraceRun
    {
        private readonly KubectlTraceSession _s;
        private readonly TraceRequest _r;
        private readonly System.Threading.Channels.ChannelWriter<TraceEvent> _events;
        private readonly CancellationToken _ct;
        private readonly List<LegOutcome> _outcomes = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private (long Execs, long ApiReads, TimeSpan At) _mark;
        private int _legNumber;

        public TraceRun(KubectlTraceSession session, TraceRequest request, System.Threading.Channels.ChannelWriter<TraceEvent> events, CancellationToken ct)
        {
            _s = session;
            _r = request;
            _mark = (session.Counters.Execs, session.Counters.ApiReads, TimeSpan.Zero);
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
            Emit(new ProgressEvent("Resolving", $"{srcNs}/{_r.SourceName}", 5));
            return _r.Kind switch
            {
                TraceKind.Pod => await PodTraceAsync(srcNs, dstNs, systemNs).ConfigureAwait(false),
                TraceKind.Service => await ServiceTraceAsync(srcNs, dstNs, systemNs).ConfigureAwait(false),
                _ => await ExternalTraceAsync(srcNs, systemNs).ConfigureAwait(false),
            };
        }

        private static async Task<string> SystemNamespaceOf(Task<(string Namespace, IReadOnlyList<PodInfo> Pods)> list) => (await list.ConfigureAwait(false)).Namespace;

        // ---------------- pod -> pod ----------------

        private async Task<IReadOnlyList<AciTraceSummary>> PodTraceAsync(string srcNs, string dstNs, Task<string> systemNs)
        {
            var srcTask = _s.ResolvePodAsync(srcNs, _r.SourceName, "source", _r.PreferIPv6, _ct);
            var dstTask = _s.ResolvePodAsync(dstNs, _r.DestinationName!, "destination", _r.PreferIPv6, _ct);
            await systemNs.ConfigureAwait(false);
            var src = await srcTask.ConfigureAwait(false);
            var dst = await dstTask.ConfigureAwait(false);
            if (src.Address.AddressFamily != dst.Address.AddressFamily)
                throw new AciTraceException("AddressFamilyMismatch", AciErrorKind.InvalidArgument,
                    $"{src.Pod.Key} ({src.Address}) and {dst.Pod.Key} ({dst.Address}) have no address of a common IP family.", dst.Pod.Key);
            if (_r.Protocol == TraceProtocol.Arp && (src.IsIPv6 || dst.IsIPv6))
                throw new AciTraceException("ArpNeedsIPv4", AciErrorKind.InvalidArgument,
                    "ARP exists only for IPv4; these pods were resolved to IPv6 addresses (drop -PreferIPv6).", dst.Pod.Key);
            _pods.Add(src);
            _pods.Add(dst);
            var l4 = L4For(dst.Pod);
            var id = _traceId = $"{src.Pod.Key} -> {dst.Pod.Key} {Label(l4)}";
            var summaries = new List<AciTraceSummary>();
            var request = await PodDirectionAsync(id, TraceDirection.Request, src, dst, l4).ConfigureAwait(false);
            summaries.Add(request);
            if (_r.IncludeReply && request.Verdict == TraceVerdict.Drop)
                summaries.Add(Summarize(id, "Pod", TraceDirection.Reply, dst.Pod.Key, src.Pod.Key, dst.Address, src.Address, l4.Reversed(),
                    Array.Empty<LegOutcome>(), new[] { "The request was dropped; there is no reply to trace." }, endsAtNode: false, notTraced: true));
            else if (_r.IncludeReply)
                summaries.Add(await PodDirectionAsync(id, TraceDirection.Reply, dst, src, l4.Reversed()).ConfigureAwait(false));
            return summaries;
        }

        private async Task<AciTraceSummary> PodDirectionAsync(string id, TraceDirection dir, ResolvedPod from, ResolvedPod to, L4 l4)
        {
            var reply = dir == TraceDirection.Reply;
            var arp = l4.Protocol == TraceProtocol.Arp;
            var options = reply && !arp ? PacketPlanner.ReplyOptions : null;
            var legs = new List<TraceLeg>();
            var notes = new List<string>();
            var sameNode = from.Node == to.Node;
            if (from.HostNetwork && to.HostNetwork)
                notes.Add($"Both {from.Pod.Key} and {to.Pod.Key} use the host network: the packet never enters OVS.");
            else
            {
                if (!from.HostNetwork)
                {
                    var dstMac = to.HostNetwork ? PacketPlanner.RouterMac : to.Mac!;
                    var packet = arp
                        ? PacketPlanner.Arp(PortRef.Named(from.Veth!), from.Mac!, reply ? dstMac : "ff:ff:ff:ff:ff:ff", reply ? 2 : 1,
                            from.Mac!, reply ? dstMac : "00:00:00:00:00:00", from.Address, to.Address)
                        : PacketPlanner.Ip(PortRef.Named(from.Veth!), from.Mac, dstMac, from.Address, to.Address, l4, reply);
                    legs.Add(Leg(dir, from, "br-access", packet, options, sameNode && !to.HostNetwork ? to.Veth : null,
                        sameNode ? $"{from.Pod.Key} to {to.Pod.Key} on {from.Node}" : $"{from.Pod.Key} out of {from.Node}"));
                }
                else
                    notes.Add($"{from.Pod.Key} uses the host network of {from.Node}: the packet leaves through the node's network stack, not OVS.");
                if (!to.HostNetwork && (!sameNode || from.HostNetwork))
                {
                    var srcMac = from.HostNetwork ? PacketPlanner.RouterMac : from.Mac!;
                    var vnid = to.Vnid ?? throw NoVnid(to);
                    var inner = arp
                        ? PacketPlanner.Arp(PortRef.Named(PacketPlanner.TunnelPort), srcMac, reply ? to.Mac! : "ff:ff:ff:ff:ff:ff", reply ? 2 : 1,
                            srcMac, reply ? to.Mac! : "00:00:00:00:00:00", from.Address, to.Address)
                        : PacketPlanner.Ip(PortRef.Named(PacketPlanner.TunnelPort), srcMac, to.Mac, from.Address, to.Address, l4, reply);
                    legs.Add(Leg(dir, to, "br-int", PacketPlanner.FromFabric(inner, vnid), options, to.Veth, $"{to.Pod.Key} into {to.Node} from the fabric"));
                }
                else if (to.HostNetwork)
                    notes.Add($"{to.Pod.Key} uses the host network of {to.Node}: the fabric delivers the packet to the node's network stack.");
            }
            var fabric = await FabricContractNoteAsync(from, to, sameNode).ConfigureAwait(false);
            if (fabric is not null)
            {
                notes.Add(fabric);
                if (legs.Count > 1)
                {
                    Emit(new VerboseEvent($"Leg into {to.Node} is not traced: the fabric is expected to drop the packet before it."));
                    legs.RemoveRange(1, legs.Count - 1);
                }
            }
            var outcomes = await RunLegsAsync(legs, dependent: false).ConfigureAwait(false);
            return Summarize(id, "Pod", dir, from.Pod.Key, to.Pod.Key, from.Address, to.Address, l4, outcomes, notes,
                endsAtNode: to.HostNetwork);
        }

        private async Task<string?> FabricContractNoteAsync(ResolvedPod from, ResolvedPod to, bool sameNode)
        {
            if (sameNode || from.HostNetwork || to.HostNetwork || from.Epg is null || to.Epg is null || from.System is null) return null;
            if (from.Epg.Uri == to.Epg.Uri) return null;
            var dump = (await _s.NodeFactsAsync(from.System, _ct).ConfigureAwait(false)).Facts.PolicyDump;
            if (dump is null) return null;
            var contracts = dump.ContractsBetween(from.Epg, to.Epg);
            return contracts.Count == 0
                ? $"Across nodes the ACI leaf enforces contracts: {from.Node}'s policy has no contract between EPG {from.EpgName} and EPG {to.EpgName}, so the fabric is expected to drop this packet."
                : null;
        }

        // ---------------- pod -> service ----------------

        private async Task<AciTraceSummary[]> ServiceTraceAsync(string srcNs, string svcNs, Task<string> systemNs)
        {
            var srcTask = _s.ResolvePodAsync(srcNs, _r.SourceName, "source", _r.PreferIPv6, _ct);
            var svc = await _s._discovery.ServiceAsync(svcNs, _r.DestinationName!, _ct).ConfigureAwait(false);
            await systemNs.ConfigureAwait(false);
            var src = await srcTask.ConfigureAwait(false);
            if (svc.Headless || svc.ClusterIPs.Count == 0)
                throw new AciTraceException("ServiceHasNoClusterIP", AciErrorKind.InvalidArgument,
                    $"Service {svc.Key} is headless (clusterIP None): clients reach its pods directly; trace a pod with Get-AciPodTrace instead.", svc.Key);
            if (src.HostNetwork)
                throw new AciTraceException("HostNetworkSourceNotTraceable", AciErrorKind.InvalidOperation,
                    $"{src.Pod.Key} uses the host network of {src.Node}: its traffic to Service {svc.Key} is load-balanced by the node's network stack, not by OVS.", src.Pod.Key);
            var clusterIp = svc.ClusterIPs.FirstOrDefault(a => a.AddressFamily == src.Address.AddressFamily)
                ?? throw new AciTraceException("AddressFamilyMismatch", AciErrorKind.InvalidArgument,
                    $"Service {svc.Key} has no ClusterIP of the family of {src.Pod.Key}'s address {src.Address}.", svc.Key);
            var proto = _r.Protocol;
            var port = ServicePortFor(svc, proto);
            var slices = await _s._discovery.EndpointSlicesAsync(svc, _ct).ConfigureAwait(false);
            if (!slices.SelectMany(s => s.Endpoints).Any(e => e.Ready && e.Addresses.Count > 0))
                throw new AciTraceException("ServiceHasNoEndpoints", AciErrorKind.ResourceUnavailable,
                    $"Service {svc.Key} has no ready endpoints (check its selector and pods: kubectl get endpointslices -n {svc.Namespace} -l kubernetes.io/service-name={svc.Name}).", svc.Key);
            _pods.Add(src);
            var l4 = new L4(proto, _r.SourcePort ?? DefaultSourcePort, port.Port);
            var id = _traceId = $"{src.Pod.Key} -> svc/{svc.Key} {Label(l4)}";
            // Request: through DNAT on the source node.
            var srcFacts = await _s.NodeFactsAsync(src.System!, _ct).ConfigureAwait(false);
            var localBackends = slices.SelectMany(x => x.Endpoints).Where(e => e.NodeName == src.Node)
                .SelectMany(e => e.Addresses).Select(a => srcFacts.Facts.EndpointByIp(a.ToString())?.HostInterface).OfType<string>().ToList();
            var first = Leg(TraceDirection.Request, src, "br-access",
                PacketPlanner.Ip(PortRef.Named(src.Veth!), src.Mac, PacketPlanner.RouterMac, src.Address, clusterIp, l4, reply: false),
                null, localBackends, $"{src.Pod.Key} to Service {svc.Key} ({clusterIp}:{port.Port}) on {src.Node}");
            var requestOutcomes = new List<LegOutcome>(await RunLegsAsync(new[] { first }, dependent: true).ConfigureAwait(false));
            var notes = new List<string>();
            var judgement = requestOutcomes[0].Judgement;
            ResolvedPod? backend = null;
            L4 backendL4 = l4;
            if (judgement.Verdict != TraceVerdict.Drop)
            {
                if (judgement.DnatAddress is null || !IPAddress.TryParse(judgement.DnatAddress, out var backendIp))
                    notes.Add($"No DNAT to a backend was seen on {src.Node}: the service flows for {clusterIp}:{port.Port} are missing or did not match.");
                else
                {
                    var target = slices.SelectMany(s => s.Endpoints).FirstOrDefault(e => e.Addresses.Contains(backendIp));
                    var targetPort = slices.SelectMany(s => s.Ports).FirstOrDefault(p => p.Name == port.Name && p.Protocol.Equals(proto.ToString(), StringComparison.OrdinalIgnoreCase))?.Port
                        ?? port.TargetPortNumber ?? l4.DestinationPort;
                    backendL4 = l4 with { DestinationPort = targetPort };
                    if (target?.PodName is { } podName && target.PodNamespace is { } podNs)
                    {
                        backend = await _s.ResolvePodAsync(podNs, podName, "backend", _r.PreferIPv6, _ct).ConfigureAwait(false);
                        _pods.Add(backend);
                        notes.Add($"Service {svc.Key} {clusterIp}:{port.Port} was load-balanced to {backend.Pod.Key} {backendIp}:{targetPort}.");
                        if (backend.Node != src.Node && !backend.HostNetwork)
                        {
                            var inner = PacketPlanner.Ip(PortRef.Named(PacketPlanner.TunnelPort), PacketPlanner.RouterMac, backend.Mac, src.Address, backendIp, backendL4, reply: false);
                            var second = Leg(TraceDirection.Request, backend, "br-int",
                                PacketPlanner.FromFabric(inner, backend.Vnid ?? throw NoVnid(backend)), null, backend.Veth,
                                $"{backend.Pod.Key} into {backend.Node} from the fabric");
                            requestOutcomes.AddRange(await RunLegsAsync(new[] { second }, dependent: true).ConfigureAwait(false));
                        }
                        else if (backend.HostNetwork)
                            notes.Add($"The backend {backend.Pod.Key} uses the host network of {backend.Node}: the fabric delivers to the node's network stack.");
                    }
                    else
                        notes.Add($"The backend {backendIp} is not a pod (no targetRef in the EndpointSlices): traffic goes to the node network.");
                }
            }
            var summaries = new List<AciTraceSummary>
            {
                Summarize(id, "Service", TraceDirection.Request, src.Pod.Key, "svc/" + svc.Key, src.Address, clusterIp, l4, requestOutcomes, notes,
                    endsAtNode: backend is null || backend.HostNetwork),
            };
            if (_r.IncludeReply)
                summaries.Add(await ServiceReplyAsync(id, svc, src, backend, clusterIp, backendL4, judgement).ConfigureAwait(false));
            return summaries.ToArray();
        }

        private async Task<AciTraceSummary> ServiceReplyAsync(string id, ServiceInfo svc, ResolvedPod client, ResolvedPod? backend, IPAddress clusterIp, L4 backendL4, TraceJudgement forward)
        {
            var notes = new List<string>();
            var legs = new List<TraceLeg>();
            var reply = backendL4.Reversed();
            if (backend is null || backend.HostNetwork || forward.Verdict == TraceVerdict.Drop)
            {
                notes.Add(forward.Verdict == TraceVerdict.Drop
                    ? "The request was dropped; the reply is not traced."
                    : "The reply starts outside OVS (no pod backend was traced); it is not traced.");
                return Summarize(id, "Service", TraceDirection.Reply, "svc/" + svc.Key, client.Pod.Key, clusterIp, client.Address, reply,
                    Array.Empty<LegOutcome>(), notes, endsAtNode: false, notTraced: true);
            }
            uint? mark = ParseMark(forward.ServiceCtMark);
            if (mark is null) notes.Add("The forward trace set no service conntrack mark; the reverse-NAT flows may not match.");
            var preset = new CtStateSet(CtStateFlags.Tracked | CtStateFlags.Established | CtStateFlags.Reply);
            if (backend.Node != client.Node)
            {
                legs.Add(Leg(TraceDirection.Reply, backend, "br-access",
                    PacketPlanner.Ip(PortRef.Named(backend.Veth!), backend.Mac, PacketPlanner.RouterMac, backend.Address, client.Address, reply, reply: true),
                    PacketPlanner.ReplyOptions, (string?)null, $"{backend.Pod.Key} replies out of {backend.Node}"));
                var inner = PacketPlanner.Ip(PortRef.Named(PacketPlanner.TunnelPort), PacketPlanner.RouterMac, client.Mac, backend.Address, client.Address, reply, reply: true)
                    with { CtState = preset, CtMark = mark };
                legs.Add(Leg(TraceDirection.Reply, client, "br-int", PacketPlanner.FromFabric(inner, client.Vnid ?? throw NoVnid(client)),
                    PacketPlanner.ReplyOptions, client.Veth, $"reply into {client.Node} with reverse NAT"));
            }
            else
            {
                var inPatch = backend.Endpoint?.InterfaceName ?? ("pi-" + backend.Veth);
                var packet = PacketPlanner.Ip(PortRef.Named(inPatch), backend.Mac, PacketPlanner.RouterMac, backend.Address, client.Address, reply, reply: true)
                    with { CtState = preset, CtMark = mark };
                legs.Add(Leg(TraceDirection.Reply, client, "br-int", packet, PacketPlanner.ReplyOptions, client.Veth,
                    $"{backend.Pod.Key} replies to {client.Pod.Key} on {client.Node} with reverse NAT"));
                notes.Add("Same-node service reply: traced from the backend's br-int patch port with the conntrack state preset, because OVS cannot carry the service mark across the patch port.");
            }
            var outcomes = await RunLegsAsync(legs, dependent: true).ConfigureAwait(false);
            return Summarize(id, "Service", TraceDirection.Reply, "svc/" + svc.Key, client.Pod.Key, clusterIp, client.Address, reply, outcomes, notes, endsAtNode: false);
        }

        // ---------------- pod -> external ----------------

        private async Task<AciTraceSummary[]> ExternalTraceAsync(string srcNs, Task<string> systemNs)
        {
            var srcTask = _s.ResolvePodAsync(srcNs, _r.SourceName, "source", _r.PreferIPv6, _ct);
            var extIp = InputValidation.ParseIPAddressStrict(_r.DestinationAddress!, "DestinationAddress");
            await systemNs.ConfigureAwait(false);
            var src = await srcTask.ConfigureAwait(false);
            if (src.HostNetwork)
                throw new AciTraceException("HostNetworkSourceNotTraceable", AciErrorKind.InvalidOperation,
                    $"{src.Pod.Key} uses the host network of {src.Node}: its traffic to {extIp} leaves through the node's network stack, not OVS.", src.Pod.Key);
            if (extIp.AddressFamily != src.Address.AddressFamily)
                throw new AciTraceException("AddressFamilyMismatch", AciErrorKind.InvalidArgument,
                    $"{src.Pod.Key} has no address of the family of {extIp}.", extIp.ToString());
            var l4 = new L4(_r.Protocol, _r.Protocol is TraceProtocol.Tcp or TraceProtocol.Udp ? _r.SourcePort ?? DefaultSourcePort : null,
                _r.Protocol is TraceProtocol.Tcp or TraceProtocol.Udp ? _r.DestinationPort : null);
            _pods.Add(src);
            _packetDescription = l4.DescribeDestination();
            var id = _traceId = $"{src.Pod.Key} -> {extIp} {Label(l4)}";
            var leg = Leg(TraceDirection.Request, src, "br-access",
                PacketPlanner.Ip(PortRef.Named(src.Veth!), src.Mac, PacketPlanner.RouterMac, src.Address, extIp, l4, reply: false),
                null, (string?)null, $"{src.Pod.Key} to {extIp} out of {src.Node}");
            var outcomes = await RunLegsAsync(new[] { leg }, dependent: true).ConfigureAwait(false);
            var notes = new List<string>();
            var j = outcomes[0].Judgement;
            if (j.SnatAddress is { } snat) notes.Add($"SNAT to {snat} on {src.Node}'s uplink.");
            else if (j.Verdict == TraceVerdict.Forward) notes.Add($"No SNAT policy applies: the packet is routed to the fabric (L3Out) with the source EPG's VNID.");
            var summaries = new List<AciTraceSummary>
            {
                Summarize(id, "External", TraceDirection.Request, src.Pod.Key, extIp.ToString(), src.Address, extIp, l4, outcomes, notes, endsAtNode: true),
            };
            if (_r.IncludeReply)
            {
                var replyNotes = new List<string>();
                var reply = l4.Reversed();
                IReadOnlyList<LegOutcome> replyOutcomes = Array.Empty<LegOutcome>();
                if (j.Verdict == TraceVerdict.Drop)
                    replyNotes.Add("The request was dropped; the reply is not traced.");
                else if (j.SnatAddress is not null)
                    replyNotes.Add($"The reply comes back to the SNAT address {j.SnatAddress} on {src.Node}'s uplink; OVS's trace cannot reverse the SNAT conntrack entry, so this leg is not traced.");
                else
                {
                    var inner = PacketPlanner.Ip(PortRef.Named(PacketPlanner.TunnelPort), PacketPlanner.RouterMac, src.Mac, extIp, src.Address, reply, reply: true);
                    var back = Leg(TraceDirection.Reply, src, "br-int", PacketPlanner.FromFabric(inner, src.Vnid ?? throw NoVnid(src)),
                        PacketPlanner.ReplyOptions, src.Veth, $"reply from {extIp} into {src.Node} from the fabric");
                    replyOutcomes = await RunLegsAsync(new[] { back }, dependent: true).ConfigureAwait(false);
                }
                summaries.Add(Summarize(id, "External", TraceDirection.Reply, extIp.ToString(), src.Pod.Key, extIp, src.Address, reply,
                    replyOutcomes, replyNotes, endsAtNode: false, notTraced: replyOutcomes.Count == 0));
            }
            return summaries.ToArray();
        }

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
        private async Task<IReadOnlyList<LegOutcome>> RunLegsAsync(IReadOnlyList<TraceLeg> legs, bool dependent)
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
                foreach (var p in outcome.Passes) Emit(new PassEvent(p));
                if (outcome.Judgement.Verdict == TraceVerdict.Drop) dropped = true;
            }
            return results;
        }

        private async Task<LegOutcome> RunLegAsync(TraceLeg leg)
        {
            var clock = Stopwatch.StartNew();
            var factsTask = _s.NodeFactsAsync(leg.System, _ct);
            var traceArgs = leg.Command.ToArgv().Skip(2).ToList();
            var needPorts = !_s._portMaps.ContainsKey(leg.Node);
            var argv = needPorts ? OvsLegScript.ArgvWithPortMaps(traceArgs) : leg.Command.ToArgv();
            Emit(new ProgressEvent("Tracing", $"leg {leg.Number}: {leg.Description}", 30));
            Emit(new VerboseEvent($"[{leg.Node}] {CommandLineText.Format(leg.Command.ToArgv())}"));
            var result = await _s._kube.ExecAsync(leg.System.Namespace, leg.System.OpenvSwitch.Name, ClusterDiscovery.OvsContainer, argv, _ct).ConfigureAwait(false);
            var text = result.Stdout;
            if (needPorts)
            {
                var (access, integration, trace) = OvsLegScript.Split(text);
                _s._portMaps.TryAdd(leg.Node, new Dictionary<string, OvsPortMap>(StringComparer.Ordinal)
                {
                    ["br-access"] = OvsPortMap.Parse(access),
                    ["br-int"] = OvsPortMap.Parse(integration),
                });
                text = trace;
            }
            Emit(new VerboseEvent($"[{leg.Node}] ofproto/trace output:\n{text}"));
            var entry = await factsTask.ConfigureAwait(false);
            foreach (var w in entry.Warnings) Emit(new WarningEvent(w));
            var portMaps = _s._portMaps[leg.Node];
            var facts = NodeFactsLoader.WithPortMaps(entry.Facts, portMaps);
            var parsed = OvsTraceParser.Parse(text);
            if (parsed.Error is { } err)
                throw new AciTraceException("OvsTraceFailed", AciErrorKind.InvalidResult,
                    $"ofproto/trace on node '{leg.Node}' failed: {err.Trim()}", leg.Command.Flow);
            var judgement = TraceJudge.Judge(parsed, JudgeContextFor(leg, portMaps, entry.Snats));
            if (judgement.Verdict == TraceVerdict.Drop)
                foreach (var ns in _pods.Select(p => p.Pod.Namespace).Distinct().ToList())
                {
                    var list = await _s._discovery.NetworkPoliciesAsync(ns, _ct).ConfigureAwait(false);
                    lock (_policyCache) _policyCache[ns] = list;
                }
            var legContext = new LegContext(TraceIdOf(leg), leg.Direction, leg.Number, leg.Node, facts);
            var passes = TraceAssembler.Assemble(legContext, parsed, judgement, (pass, judged) => ReasonFor(leg, pass, judged, facts));
            return new LegOutcome(leg, passes, judgement, clock.Elapsed);
        }

        private string _traceId = "";
        private string TraceIdOf(TraceLeg leg) => _traceId;

        private static JudgeContext JudgeContextFor(TraceLeg leg, IReadOnlyDictionary<string, OvsPortMap> maps, IReadOnlyList<SnatFile> snats)
        {
            var uplinks = new HashSet<string>(snats.Select(s => s.InterfaceName).OfType<string>(), StringComparer.Ordinal) { "eth1", "bond0" };
            BridgePorts Ports(string bridge, OvsPortMap? map)
            {
                if (map is null) return BridgePorts.Empty;
                var patch = new Dictionary<int, string>();
                var tunnel = new HashSet<int>();
                var uplink = new HashSet<int>();
                var dest = new HashSet<int>();
                foreach (var (port, name) in map.Ports)
                {
                    if (name.StartsWith("pa-", StringComparison.Ordinal)) patch[port] = "br-int";
                    else if (name.StartsWith("pi-", StringComparison.Ordinal)) patch[port] = "br-access";
                    else if (name.StartsWith("vxlan", StringComparison.Ordinal) || name.StartsWith("geneve", StringComparison.Ordinal)) tunnel.Add(port);
                    else if (uplinks.Contains(name)) uplink.Add(port);
                    if (bridge == "br-access" && leg.DestinationVeths.Contains(name)) dest.Add(port);
                }
                return new BridgePorts { DestinationPorts = dest, PatchPorts = patch, TunnelPorts = tunnel, UplinkPorts = uplink };
            }
            return JudgeContext.Empty
                .With("br-access", Ports("br-access", maps.GetValueOrDefault("br-access")))
                .With("br-int", Ports("br-int", maps.GetValueOrDefault("br-int")));
        }

        private string ReasonFor(TraceLeg leg, ParsedPass pass, PassJudgement judged, NodeFacts facts)
        {
            if (judged.Verdict != TraceVerdict.Drop || judged.DropTable is not int table) return judged.Reason;
            var kind = facts.BridgeKind(pass.Bridge);
            var sending = PodOfInPort(leg, pass, facts);
            var policies = PoliciesFor(sending);
            string? srcEpg = null, dstEpg = null;
            foreach (var w in pass.Hops.SelectMany(h => h.Actions).Select(a => AciDecoder.DecodeAction(kind, a.Text, facts)).OfType<RegisterWrite>())
            {
                if (w.Register == "reg0" && w.Role.Contains("EPG", StringComparison.OrdinalIgnoreCase)) srcEpg = w.Meaning.Length > 0 ? w.Meaning : w.Value;
                if (w.Register == "reg2" && w.Role.Contains("EPG", StringComparison.OrdinalIgnoreCase)) dstEpg = w.Meaning.Length > 0 ? w.Meaning : w.Value;
            }
            var explanation = DropExplainer.Explain(new DropContext(kind, table, AciTables.Name(kind, table), _packetDescription,
                sending.Sender, sending.Receiver, policies.Sender, policies.Receiver, srcEpg, dstEpg, judged.Reason));
            return explanation.Reason;
        }

        private string _packetDescription = "";
        private readonly Dictionary<string, IReadOnlyList<NetworkPolicyInfo>?> _policyCache = new(StringComparer.Ordinal);
        private readonly List<ResolvedPod> _pods = new();

        private (PodInfo? Sender, PodInfo? Receiver) PodOfInPort(TraceLeg leg, ParsedPass pass, NodeFacts facts)
        {
            PodInfo? Find(string? veth) => veth is null ? null : _pods.FirstOrDefault(p => p.Veth == veth && p.Node == leg.Node)?.Pod;
            var sender = _pods.FirstOrDefault(p => leg.Command.Flow.Contains("in_port=" + p.Veth + ",", StringComparison.Ordinal) && p.Node == leg.Node)?.Pod
                ?? _pods.FirstOrDefault(p => p.Address.ToString() == SourceAddressOf(leg.Command.Flow))?.Pod;
            var receiver = leg.DestinationVeths.Select(Find).FirstOrDefault(p => p is not null) ?? _pods.FirstOrDefault(p => p.Address.ToString() == DestinationAddressOf(leg.Command.Flow))?.Pod;
            return (sender, receiver);
        }

        private static string? FieldOf(string flow, string field) =>
            flow.Split(',').Select(f => f.Trim()).FirstOrDefault(f => f.StartsWith(field + "=", StringComparison.Ordinal))?[(field.Length + 1)..];

        private static string? SourceAddressOf(string flow) => FieldOf(flow, "nw_src") ?? FieldOf(flow, "ipv6_src") ?? FieldOf(flow, "arp_spa");
        private static string? DestinationAddressOf(string flow) => FieldOf(flow, "nw_dst") ?? FieldOf(flow, "ipv6_dst") ?? FieldOf(flow, "arp_tpa");

        private (IReadOnlyList<NetworkPolicyInfo>? Sender, IReadOnlyList<NetworkPolicyInfo>? Receiver) PoliciesFor((PodInfo? Sender, PodInfo? Receiver) pods)
        {
            IReadOnlyList<NetworkPolicyInfo>? Get(PodInfo? p)
            {
                if (p is null) return null;
                lock (_policyCache)
                    return _policyCache.TryGetValue(p.Namespace, out var cached) ? cached : null;
            }
            return (Get(pods.Sender), Get(pods.Receiver));
        }

        // ---------------- summaries ----------------

        private AciTraceSummary Summarize(string id, string kind, TraceDirection dir, string source, string destination,
            IPAddress? srcAddr, IPAddress? dstAddr, L4 l4, IReadOnlyList<LegOutcome> outcomes, IReadOnlyList<string> notes,
            bool endsAtNode, bool notTraced = false)
        {
            var passes = outcomes.SelectMany(o => o.Passes).ToList();
            var drop = passes.FirstOrDefault(p => p.Verdict == TraceVerdict.Drop && p.DropTable is not null)
                ?? passes.FirstOrDefault(p => p.Verdict == TraceVerdict.Drop);
            var last = outcomes.LastOrDefault();
            TraceVerdict verdict;
            string reason;
            if (notTraced || last is null)
            {
                verdict = TraceVerdict.Unknown;
                reason = string.Join(" ", notes.DefaultIfEmpty("Nothing was traced."));
            }
            else if (drop is not null)
            {
                verdict = TraceVerdict.Drop;
                reason = drop.Reason;
            }
            else
            {
                verdict = last.Judgement.Verdict;
                reason = last.Judgement.Reason;
                if (verdict == TraceVerdict.Forward && !endsAtNode)
                    reason = $"{reason} The packet left {last.Leg.Node} and its delivery was not traced.";
                if (notes.Count > 0) reason = $"{reason} {string.Join(" ", notes)}";
            }
            var fabricDrop = notes.FirstOrDefault(n => n.Contains("fabric is expected to drop", StringComparison.Ordinal));
            if (fabricDrop is not null && verdict != TraceVerdict.Drop)
            {
                verdict = TraceVerdict.Drop;
                reason = fabricDrop;
            }
            var tunnel = outcomes.Select(o => o.Judgement.TunnelId).LastOrDefault(t => t is not null);
            // Cost of this direction: what ran since the previous summary of this trace (or its start).
            var (execsNow, readsNow) = _s.Counters;
            var now = _clock.Elapsed;
            var (execs, reads, duration) = ((int)(execsNow - _mark.Execs), (int)(readsNow - _mark.ApiReads), now - _mark.At);
            _mark = (execsNow, readsNow, now);
            return new AciTraceSummary
            {
                TraceId = id,
                Kind = kind,
                Direction = dir,
                Source = source,
                Destination = destination,
                SourceAddress = srcAddr?.ToString(),
                DestinationAddress = dstAddr?.ToString(),
                Protocol = l4.Protocol.ToString(),
                SourcePort = l4.SourcePort,
                DestinationPort = l4.DestinationPort,
                Verdict = verdict,
                DropNode = drop?.Node ?? (fabricDrop is not null ? "fabric" : null),
                DropBridge = drop?.Bridge,
                DropTable = drop?.DropTable,
                DropTableName = drop?.DropTableName,
                Reason = reason.Trim(),
                TunnelId = tunnel,
                DnatAddress = outcomes.Select(o => o.Judgement.DnatAddress).FirstOrDefault(a => a is not null),
                SnatAddress = outcomes.Select(o => o.Judgement.SnatAddress).FirstOrDefault(a => a is not null),
                Path = string.Join(" -> ", outcomes.Select(o => o.Leg.Node).Distinct()),
                Legs = outcomes.Count,
                Execs = execs,
                ApiReads = reads,
                Duration = duration,
                Passes = new AciPassCollection(passes),
            };
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
            return declared?.Port ?? throw new AciTraceException("DestinationPortRequired", AciErrorKind.InvalidArgument,
                $"Give -DestinationPort: {destination.Key} declares no {proto} container port to default to.", destination.Key);
        }

        private ServicePortInfo ServicePortFor(ServiceInfo svc, TraceProtocol proto)
        {
            var name = proto.ToString().ToUpperInvariant();
            var candidates = svc.Ports.Where(p => p.Protocol.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            var port = _r.DestinationPort is int wanted ? candidates.FirstOrDefault(p => p.Port == wanted)
                : candidates.Count == 1 ? candidates[0] : null;
            if (port is null)
            {
                var offered = svc.Ports.Count == 0 ? "none" : string.Join(", ", svc.Ports.Select(p => $"{p.Port}/{p.Protocol}"));
                throw new AciTraceException("ServicePortNotFound", AciErrorKind.ObjectNotFound,
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

        private static uint? ParseMark(string? text)
        {
            if (text is null) return null;
            var t = text.Trim();
            return t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? uint.TryParse(t[2..], System.Globalization.NumberStyles.HexNumber, null, out var h) ? h : null
                : uint.TryParse(t, out var d) ? d : null;
        }

        private static AciTraceException NoVnid(ResolvedPod pod) => new("EpgNotResolved", AciErrorKind.ObjectNotFound,
            $"The EPG of {pod.Pod.Key} ({pod.EpgName}) has no VNID in node '{pod.Node}''s policy (gbp_inspect): the opflex agent has not resolved it from the leaf.",
            pod.Pod.Key);
    }
}
