using AciTrace.Aci;
using System.Net;
using AciTrace.Discovery;
using AciTrace.Judging;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>Pod to Service traces: DNAT to a backend, then the reply with reverse NAT.</summary>
public sealed partial class TraceSession
{
    private sealed partial class TraceRun
    {
        // ---------------- pod -> service ----------------

        private async Task<AciTraceSummary[]> ServiceTraceAsync(string srcNs, string svcNs, Task<string> systemNs)
        {
            var srcTask = ResolvePodAsync(srcNs, _r.SourceName, "source", _r.PreferIPv6);
            var svc = await _s._discovery.ServiceAsync(svcNs, _r.DestinationName!, _ct).ConfigureAwait(false);
            await systemNs.ConfigureAwait(false);
            var src = await srcTask.ConfigureAwait(false);
            if (svc.Headless || svc.ClusterIPs.Count == 0)
                throw new AciTraceException(ErrorIds.ServiceHasNoClusterIP, AciErrorKind.InvalidArgument,
                    $"Service {svc.Key} is headless (clusterIP None): clients reach its pods directly; trace a pod with Get-AciPodTrace instead.", svc.Key);
            if (src.HostNetwork)
                throw new AciTraceException(ErrorIds.HostNetworkSourceNotTraceable, AciErrorKind.InvalidOperation,
                    $"{src.Pod.Key} uses the host network of {src.Node}: its traffic to Service {svc.Key} is load-balanced by the node's network stack, not by OVS.", src.Pod.Key);
            var clusterIp = svc.ClusterIPs.FirstOrDefault(a => a.AddressFamily == src.Address.AddressFamily)
                ?? throw new AciTraceException(ErrorIds.AddressFamilyMismatch, AciErrorKind.InvalidArgument,
                    $"Service {svc.Key} has no ClusterIP of the family of {src.Pod.Key}'s address {src.Address}.", svc.Key);
            var proto = _r.Protocol;
            var port = ServicePortFor(svc, proto);
            var slices = await _s._discovery.EndpointSlicesAsync(svc, _ct).ConfigureAwait(false);
            if (!slices.SelectMany(s => s.Endpoints).Any(e => e.Ready && e.Addresses.Count > 0))
                throw new AciTraceException(ErrorIds.ServiceHasNoEndpoints, AciErrorKind.ResourceUnavailable,
                    $"Service {svc.Key} has no ready endpoints (check its selector and pods: kubectl get endpointslices -n {svc.Namespace} -l kubernetes.io/service-name={svc.Name}).", svc.Key);
            _pods.Add(src);
            var l4 = new L4(proto, _r.SourcePort ?? DefaultSourcePort, port.Port);
            var id = _traceId = $"{src.Pod.Key} -> svc/{svc.Key} {Label(l4)}";
            // Request: through DNAT on the source node.
            var localBackends = await LocalBackendVethsAsync(src, svc, slices).ConfigureAwait(false);
            var targetPort = TargetPortOf(slices, port, proto);
            // Kept for explaining an egress drop at br-access, which sees the ClusterIP (before the DNAT).
            _serviceTarget = new ServiceTarget(svc, port, clusterIp, slices, targetPort);
            var first = Leg(TraceDirection.Request, src, AciTables.DefaultAccessBridgeName,
                PacketPlanner.Ip(PortRef.Named(src.Veth!), src.Mac, PacketPlanner.RouterMac, src.Address, clusterIp, l4, reply: false),
                null, localBackends, $"{src.Pod.Key} to Service {svc.Key} ({clusterIp}:{port.Port}) on {src.Node}");
            var requestOutcomes = new List<LegOutcome>(await RunLegsAsync(new[] { first }).ConfigureAwait(false));
            var notes = new List<string>();
            var judgement = requestOutcomes[0].Judgement;
            ResolvedPod? backend = null;
            FabricDrop? fabric = null;
            string? stale = null;
            L4 backendL4 = l4;
            if (judgement.Verdict != TraceVerdict.Drop)
            {
                if (judgement.DnatAddress is null || !IPAddress.TryParse(judgement.DnatAddress, out var backendIp))
                    notes.Add($"No DNAT to a backend was seen on {src.Node}: the service flows for {clusterIp}:{port.Port} are missing or did not match.");
                else
                {
                    var target = slices.SelectMany(s => s.Endpoints).FirstOrDefault(e => e.Addresses.Contains(backendIp));
                    if (target is null)
                    {
                        var current = slices.SelectMany(s => s.Endpoints).Where(e => e.Ready)
                            .Select(e => e.PodName is { } n ? $"{e.PodNamespace}/{n} {string.Join("/", e.Addresses)}" : string.Join("/", e.Addresses)).ToList();
                        stale = $"Stale service backend: {src.Node}'s service flows load-balanced {clusterIp}:{port.Port} to {backendIp}, which is not an endpoint of Service {svc.Key} " +
                            $"(its endpoints: {(current.Count == 0 ? "none" : string.Join(", ", current))}). The node's opflex service file is out of date (an endpoint removed, a node gone, " +
                            $"or the agent lagging): check the aci-containers-host logs on {src.Node}.";
                        Emit(new WarningEvent(stale));
                    }
                    targetPort = TargetPortOf(slices, port, proto, backendIp);
                    backendL4 = l4 with { DestinationPort = targetPort };
                    if (target?.PodName is { } podName && target.PodNamespace is { } podNs)
                    {
                        backend = await ResolvePodAsync(podNs, podName, "backend", _r.PreferIPv6).ConfigureAwait(false);
                        _pods.Add(backend);
                        notes.Add($"Service {svc.Key} {clusterIp}:{port.Port} was load-balanced to {backend.Pod.Key} {backendIp}:{targetPort}.");
                        fabric = backend.Node != src.Node && !backend.HostNetwork
                            ? await FabricContractAsync(src, backend, sameNode: false, backendL4).ConfigureAwait(false)
                            : null;
                        // When the leaf is predicted to drop it, the leg into the backend's node is not traced.
                        if (fabric is null && backend.Node != src.Node && !backend.HostNetwork)
                        {
                            var inner = PacketPlanner.Ip(PortRef.Named(PacketPlanner.TunnelPort), PacketPlanner.RouterMac, backend.Mac, src.Address, backendIp, backendL4, reply: false);
                            var second = Leg(TraceDirection.Request, backend, AciTables.DefaultIntegrationBridgeName,
                                PacketPlanner.FromFabric(inner, backend.Vnid ?? throw NoVnid(backend)), null, backend.Veth,
                                $"{backend.Pod.Key} into {backend.Node} from the fabric");
                            requestOutcomes.AddRange(await RunLegsAsync(new[] { second }).ConfigureAwait(false));
                        }
                        else if (backend.HostNetwork)
                            notes.Add($"The backend {backend.Pod.Key} uses the host network of {backend.Node}: the fabric delivers to the node's network stack.");
                    }
                    else if (stale is null)
                        notes.Add($"The backend {backendIp} is not a pod (no targetRef in the EndpointSlices): traffic goes to the node network.");
                }
            }
            var summaries = new List<AciTraceSummary>
            {
                Summarize(id, "Service", TraceDirection.Request, src.Pod.Key, "svc/" + svc.Key, src.Address, clusterIp, l4, requestOutcomes, notes,
                    endsAtNode: backend is null || backend.HostNetwork, fabric: fabric, stale: stale,
                    deliveredTo: backend is null ? null : $"backend {backend.Pod.Key}"),
            };
            if (_r.IncludeReply)
                summaries.Add(await ServiceReplyAsync(id, svc, src, backend, clusterIp, backendL4, judgement, summaries[0].Verdict == TraceVerdict.Drop).ConfigureAwait(false));
            return summaries.ToArray();
        }

        private async Task<AciTraceSummary> ServiceReplyAsync(string id, ServiceInfo svc, ResolvedPod client, ResolvedPod? backend, IPAddress clusterIp, L4 backendL4, TraceJudgement forward, bool requestDropped)
        {
            var notes = new List<string>();
            var legs = new List<TraceLeg>();
            var reply = backendL4.Reversed();
            if (backend is null || backend.HostNetwork || requestDropped)
            {
                notes.Add(requestDropped
                    ? "The request was dropped; the reply is not traced."
                    : "The reply starts outside OVS (no pod backend was traced); it is not traced.");
                return Summarize(id, "Service", TraceDirection.Reply, "svc/" + svc.Key, client.Pod.Key, clusterIp, client.Address, reply,
                    Array.Empty<LegOutcome>(), notes, endsAtNode: false, notTraced: true);
            }
            uint? mark = FlowFields.ParseMark(forward.ServiceCtMark);
            if (mark is null) notes.Add("The forward trace set no service conntrack mark; the reverse-NAT flows may not match.");
            var preset = new CtStateSet(CtStateFlags.Tracked | CtStateFlags.Established | CtStateFlags.Reply);
            if (backend.Node != client.Node)
            {
                legs.Add(Leg(TraceDirection.Reply, backend, AciTables.DefaultAccessBridgeName,
                    PacketPlanner.Ip(PortRef.Named(backend.Veth!), backend.Mac, PacketPlanner.RouterMac, backend.Address, client.Address, reply, reply: true),
                    PacketPlanner.ReplyOptions, (string?)null, $"{backend.Pod.Key} replies out of {backend.Node}"));
                var inner = PacketPlanner.Ip(PortRef.Named(PacketPlanner.TunnelPort), PacketPlanner.RouterMac, client.Mac, backend.Address, client.Address, reply, reply: true)
                    with { CtState = preset, CtMark = mark };
                legs.Add(Leg(TraceDirection.Reply, client, AciTables.DefaultIntegrationBridgeName, PacketPlanner.FromFabric(inner, client.Vnid ?? throw NoVnid(client)),
                    PacketPlanner.ReplyOptions, client.Veth, $"reply into {client.Node} with reverse NAT"));
            }
            else
            {
                var inPatch = backend.Endpoint?.InterfaceName ?? (AciTables.IntegrationPatchPrefix + backend.Veth);
                var packet = PacketPlanner.Ip(PortRef.Named(inPatch), backend.Mac, PacketPlanner.RouterMac, backend.Address, client.Address, reply, reply: true)
                    with { CtState = preset, CtMark = mark };
                legs.Add(Leg(TraceDirection.Reply, client, AciTables.DefaultIntegrationBridgeName, packet, PacketPlanner.ReplyOptions, client.Veth,
                    $"{backend.Pod.Key} replies to {client.Pod.Key} on {client.Node} with reverse NAT"));
                notes.Add("Same-node service reply: traced from the backend's br-int patch port with the conntrack state preset, because OVS cannot carry the service mark across the patch port.");
            }
            var outcomes = await RunLegsAsync(legs).ConfigureAwait(false);
            return Summarize(id, "Service", TraceDirection.Reply, "svc/" + svc.Key, client.Pod.Key, clusterIp, client.Address, reply, outcomes, notes, endsAtNode: false);
        }

        /// <summary>
        /// The veths of the Service's endpoints on the source node (a delivery there ends the request), from those
        /// pods' endpoint files; the Service's own files come along for naming its flows.
        /// </summary>
        private async Task<IReadOnlyList<string>> LocalBackendVethsAsync(ResolvedPod src, ServiceInfo svc, IReadOnlyList<EndpointSliceInfo> slices)
        {
            var local = slices.SelectMany(x => x.Endpoints).Where(e => e.NodeName == src.Node).ToList();
            var keys = new List<string>();
            foreach (var e in local)
            {
                // EndpointSlices name the pod by uid; one written without it is looked up by name.
                var uid = e.PodUid;
                if (string.IsNullOrEmpty(uid) && e.PodNamespace is { } ns && e.PodName is { } name)
                {
                    try
                    {
                        uid = (await _s._discovery.PodAsync(ns, name, _ct).ConfigureAwait(false)).Uid;
                    }
                    catch (AciTraceException ex) when (ex.Kind == AciErrorKind.ObjectNotFound)
                    {
                        Emit(new VerboseEvent($"Endpoint {ns}/{name} of Service {svc.Key} names a pod that does not exist; it is not a local backend."));
                    }
                }
                if (!string.IsNullOrEmpty(uid) && NodeFactsScript.IsKey(NodeFactsScript.PodKey(uid))) keys.Add(NodeFactsScript.PodKey(uid));
            }
            if (!string.IsNullOrEmpty(svc.Uid) && NodeFactsScript.IsKey(NodeFactsScript.ServiceKey(svc.Uid))) keys.Add(NodeFactsScript.ServiceKey(svc.Uid));
            var read = await _s._facts.FilesAsync(src.System!, keys.Distinct(StringComparer.Ordinal).ToList(), _ct).ConfigureAwait(false);
            foreach (var files in read) _files.Add(src.Node, files);
            var addresses = local.SelectMany(e => e.Addresses).Select(a => a.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return read.SelectMany(f => f.Endpoints).Where(ep => ep.Ips.Any(addresses.Contains)).Select(ep => ep.HostInterface).OfType<string>().Distinct().ToList();
        }
    }
}
