using System.Net;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>
/// Traces from outside the cluster into a Service: its LoadBalancer ingress IP, one of its external IPs, or its node
/// port on a node. The fabric's service graph brings the packet to a node's uplink on the service VLAN, addressed to
/// the node's service MAC; the node's external copy of the Service (<c>&lt;uid&gt;-external.service</c>) load-balances
/// it over the node's own backends. The reply is rewritten back to the entry address and leaves the uplink.
/// </summary>
public sealed partial class TraceSession
{
    private sealed partial class TraceRun
    {
        private async Task<AciTraceSummary[]> InboundTraceAsync(string svcNs, Task<string> systemNs)
        {
            var client = InputValidation.ParseIPAddressStrict(_r.SourceAddress, "SourceAddress");
            var svc = await _s._discovery.ServiceAsync(svcNs, _r.DestinationName!, _ct).ConfigureAwait(false);
            await systemNs.ConfigureAwait(false);
            var port = ServicePortFor(svc, _r.Protocol);
            var (entryAddress, entryPort, entryText) = EntryOf(svc, port, client);
            var slices = await _s._discovery.EndpointSlicesAsync(svc, _ct).ConfigureAwait(false);
            var ready = slices.SelectMany(s => s.Endpoints).Where(e => e.Ready && e.Addresses.Count > 0).ToList();
            var l4 = new L4(_r.Protocol, _r.SourcePort ?? DefaultSourcePort, entryPort);
            var id = _traceId = $"{client} -> svc/{svc.Key} via {entryText} {Label(l4)}";
            var notes = new List<string>();

            // Which node receives it: the node asked for (a node port), else one the service graph sends to.
            var withBackend = ready.Select(e => e.NodeName).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            string node;
            if (_r.Entry == ServiceEntry.NodePort)
                node = _r.Node!;
            else if (withBackend.Count == 0)
                throw new AciTraceException(ErrorIds.ServiceHasNoEndpoints, AciErrorKind.ResourceUnavailable,
                    $"Service {svc.Key} has no ready endpoints, so the fabric's service graph has no node to send the {entryText} to (check its selector and pods: kubectl get endpointslices -n {svc.Namespace} -l kubernetes.io/service-name={svc.Name}).", svc.Key);
            else
            {
                node = withBackend[0];
                notes.Add($"The fabric's service graph sends the {entryText} to the nodes that run a ready backend of Service {svc.Key} (from its EndpointSlices): " +
                    $"{string.Join(", ", withBackend)}; traced on {node}{(withBackend.Count > 1 ? ", each of them load-balances to its own backends the same way" : "")}.");
            }

            var system = await _s._discovery.SystemPodsAsync(node, _ct).ConfigureAwait(false);
            _s._facts.Prefetch(system, _ct);
            var localBackends = await LocalBackendsAsync(node, ready).ConfigureAwait(false);
            var files = await _s._facts.FilesAsync(system, [NodeFactsScript.ServiceKey(svc.Uid)], _ct).ConfigureAwait(false);
            foreach (var f in files) _files.Add(node, f);
            var external = files.SelectMany(f => f.Services).FirstOrDefault(s => s.Uuid == svc.Uid + "-external")
                ?? throw new AciTraceException(ErrorIds.ExternalServiceFileNotFound, AciErrorKind.ObjectNotFound,
                    $"The opflex agent on node '{node}' has no external copy of Service {svc.Key} ({svc.Uid}-external.service): the host agent has not programmed its entry from outside " +
                    $"(see kubectl logs -n {system.Namespace} {system.Host.Name} -c aci-containers-host).", svc.Key);
            if (_r.Entry == ServiceEntry.NodePort)
            {
                entryAddress = IPAddress.TryParse(external.InterfaceIp ?? "", out var nodeService) ? nodeService
                    : throw new AciTraceException(ErrorIds.ExternalServiceFileNotFound, AciErrorKind.InvalidResult,
                        $"The external copy of Service {svc.Key} on node '{node}' names no service IP (interface-ip): the node port cannot be addressed.", svc.Key);
                notes.Add($"Node port {entryPort} of {node} is reached at the node's service IP {entryAddress}.");
            }
            if (localBackends.Count == 0)
                notes.Add($"{node} runs no ready backend of Service {svc.Key}: its external copy lists the node's own pods only (externalTrafficPolicy {svc.ExternalTrafficPolicy}), " +
                    "so the agent answers a new connection with a TCP reset.");

            var uplink = external.InterfaceName ?? AciTables.DefaultUplinks[0];
            var arriving = PacketPlanner.Ip(PortRef.Named(uplink), PacketPlanner.RouterMac, external.ServiceMac, client, entryAddress, l4, reply: false)
                with { Vlan = external.InterfaceVlan is int vlan ? new VlanSpec(vlan) : null };
            var leg = new TraceLeg(Interlocked.Increment(ref _legNumber), TraceDirection.Request, node, system,
                $"{client} to the {entryText} on {node}'s uplink {uplink}", TraceCommand.Create(AciTables.DefaultIntegrationBridgeName, arriving, null),
                localBackends.Select(b => b.Veth).OfType<string>().ToList());
            var outcomes = await RunLegsAsync([leg]).ConfigureAwait(false);
            var judgement = outcomes[0].Judgement;
            var backend = localBackends.FirstOrDefault(b => b.Address.ToString() == judgement.DnatAddress);
            var targetPort = slices.SelectMany(x => x.Ports).FirstOrDefault(x => x.Name == port.Name && x.Protocol.Equals(_r.Protocol.ToString(), StringComparison.OrdinalIgnoreCase))?.Port
                ?? port.TargetPortNumber ?? port.Port;
            if (backend is not null)
                notes.Add($"The {entryText} was load-balanced to {backend.Pod.Key} {backend.Address}:{targetPort}.");
            var summaries = new List<AciTraceSummary>
            {
                Summarize(id, "Service", TraceDirection.Request, client.ToString(), "svc/" + svc.Key, client, entryAddress, l4, outcomes, notes,
                    endsAtNode: true, deliveredTo: backend is null ? null : $"backend {backend.Pod.Key}"),
            };
            if (_r.IncludeReply)
                summaries.Add(await InboundReplyAsync(id, svc, client, entryAddress, node, backend, l4 with { DestinationPort = targetPort }, judgement, summaries[0].Verdict).ConfigureAwait(false));
            return summaries.ToArray();
        }

        /// <summary>The address and port the client sends to, and how the summary names them.</summary>
        private (IPAddress Address, int Port, string Text) EntryOf(ServiceInfo svc, ServicePortInfo port, IPAddress client)
        {
            IPAddress? Family(IEnumerable<IPAddress> addresses) => addresses.FirstOrDefault(a => a.AddressFamily == client.AddressFamily);
            switch (_r.Entry)
            {
                case ServiceEntry.ExternalIP:
                    var wanted = InputValidation.ParseIPAddressStrict(_r.ExternalIp, "ExternalIP");
                    if (!svc.ExternalIPs.Contains(wanted))
                        throw NotExposed(svc, $"{wanted} is not one of its external IPs ({(svc.ExternalIPs.Count == 0 ? "it has none" : string.Join(", ", svc.ExternalIPs))})");
                    return (wanted, port.Port, $"external IP {wanted}");
                case ServiceEntry.NodePort:
                    if (port.NodePort is not int nodePort)
                        throw NotExposed(svc, $"its port {port.Port}/{port.Protocol} has no node port (type {svc.Type})");
                    // The address is the node's service IP, read from its external service file.
                    return (IPAddress.Any, nodePort, $"node port of {_r.Node}");
                default:
                    var ingress = Family(svc.LoadBalancerIngress)
                        ?? throw NotExposed(svc, svc.Type == "LoadBalancer"
                            ? "it has no load balancer ingress IP of the client's address family yet (status.loadBalancer.ingress)"
                            : $"it is of type {svc.Type}, not LoadBalancer (use -ExternalIP or -NodePort)");
                    return (ingress, port.Port, $"LoadBalancer IP {ingress}");
            }
        }

        private static AciTraceException NotExposed(ServiceInfo svc, string why) =>
            new(ErrorIds.ServiceNotExposed, AciErrorKind.InvalidArgument, $"Service {svc.Key} cannot be reached that way from outside: {why}.", svc.Key);

        /// <summary>The Service's ready backends on <paramref name="node"/>, resolved as pods (their veths are where a delivery ends).</summary>
        private async Task<IReadOnlyList<ResolvedPod>> LocalBackendsAsync(string node, IReadOnlyList<EndpointInfo> ready)
        {
            var local = ready.Where(e => e.NodeName == node && e.PodName is not null && e.PodNamespace is not null).ToList();
            var resolved = await ResolveAsync(local.Select(e => PlaceAsync(e.PodNamespace!, e.PodName!, "backend", _r.PreferIPv6)).ToArray()).ConfigureAwait(false);
            _pods.AddRange(resolved);
            return resolved;
        }

        /// <summary>
        /// The reply of the backend the request reached (<paramref name="l4"/> is the request as the backend received it), from its br-int patch port with the connection's conntrack state
        /// and service mark preset (OVS cannot carry the mark across the patch port): reverse NAT to the entry address,
        /// then out of the uplink on the service VLAN.
        /// </summary>
        private async Task<AciTraceSummary> InboundReplyAsync(string id, ServiceInfo svc, IPAddress client, IPAddress entryAddress, string node,
            ResolvedPod? backend, L4 l4, Judging.TraceJudgement forward, TraceVerdict requestVerdict)
        {
            var notes = new List<string>();
            var reply = l4.Reversed();
            if (backend is null || requestVerdict == TraceVerdict.Drop)
            {
                notes.Add(requestVerdict == TraceVerdict.Drop ? "The request was dropped; the reply is not traced." : "The request reached no backend; there is no reply to trace.");
                return Summarize(id, "Service", TraceDirection.Reply, "svc/" + svc.Key, client.ToString(), entryAddress, client, reply,
                    Array.Empty<LegOutcome>(), notes, endsAtNode: false, notTraced: true);
            }
            var mark = FlowFields.ParseMark(forward.ServiceCtMark);
            if (mark is null) notes.Add("The request set no service conntrack mark; the reverse-NAT flows may not match.");
            var inPatch = backend.Endpoint?.InterfaceName ?? AciTables.IntegrationPatchPrefix + backend.Veth;
            var packet = PacketPlanner.Ip(PortRef.Named(inPatch), backend.Mac, PacketPlanner.RouterMac, backend.Address, client, reply, reply: true)
                with { CtState = new CtStateSet(CtStateFlags.Tracked | CtStateFlags.Established | CtStateFlags.Reply), CtMark = mark };
            var leg = new TraceLeg(Interlocked.Increment(ref _legNumber), TraceDirection.Reply, node, backend.System!,
                $"{backend.Pod.Key} replies to {client} out of {node}'s uplink", TraceCommand.Create(AciTables.DefaultIntegrationBridgeName, packet, PacketPlanner.ReplyOptions),
                Array.Empty<string>());
            var outcomes = await RunLegsAsync([leg]).ConfigureAwait(false);
            notes.Add($"Traced from {backend.Pod.Key}'s br-int patch port {inPatch} with the connection's conntrack state and service mark preset, because OVS cannot carry the mark across the patch port.");
            return Summarize(id, "Service", TraceDirection.Reply, "svc/" + svc.Key, client.ToString(), entryAddress, client, reply, outcomes, notes, endsAtNode: true);
        }
    }
}
