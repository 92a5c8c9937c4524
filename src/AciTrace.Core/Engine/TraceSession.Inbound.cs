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
            var v6 = client.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            var svc = await _s._discovery.ServiceAsync(svcNs, _r.DestinationName!, _ct).ConfigureAwait(false);
            await systemNs.ConfigureAwait(false);
            var port = ServicePortFor(svc, _r.Protocol);
            var (wanted, entryPort, entryText) = EntryOf(svc, port, client);
            var slices = await _s._discovery.EndpointSlicesAsync(svc, _ct).ConfigureAwait(false);
            // The endpoints of the client's address family that serve this port.
            var ready = slices.Where(s => s.AddressType.Equals(v6 ? "IPv6" : "IPv4", StringComparison.OrdinalIgnoreCase)
                    && (s.Ports.Count == 0 || s.Ports.Any(p => (p.Name ?? "") == (port.Name ?? ""))))
                .SelectMany(s => s.Endpoints).Where(e => e.Ready && e.Addresses.Count > 0 && e.NodeName is not null).ToList();
            var l4 = new L4(_r.Protocol, _r.SourcePort ?? DefaultSourcePort, entryPort);
            var id = _traceId = $"{client} -> svc/{svc.Key} via {entryText} {Label(l4)}";
            var notes = new List<string>();

            // Which node receives it: the node asked for, else the first the service graph sends to: the nodes that
            // run a ready backend of the port on the pod network (the nodes whose agent has an external copy of it).
            string node;
            IReadOnlyList<ResolvedPod> localBackends;
            if (_r.Node is { } asked)
            {
                var aciNodes = await _s._discovery.AciNodesAsync(_ct).ConfigureAwait(false);
                if (!aciNodes.Contains(asked))
                    throw new AciTraceException(ErrorIds.NodeNotFound, AciErrorKind.ObjectNotFound,
                        $"No ACI CNI pods run on a node '{asked}', so nothing it receives can be traced. Nodes that run them: {string.Join(", ", aciNodes)}.", asked);
                node = asked;
                localBackends = await LocalBackendsAsync(node, ready, v6).ConfigureAwait(false);
            }
            else
            {
                var withBackend = new List<string>();
                (string Node, IReadOnlyList<ResolvedPod> Backends)? first = null;
                foreach (var candidate in ready.Select(e => e.NodeName!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    if (first is null)
                    {
                        var backends = await LocalBackendsAsync(candidate, ready, v6).ConfigureAwait(false);
                        if (backends.Count == 0) continue;
                        first = (candidate, backends);
                    }
                    withBackend.Add(candidate);
                }
                if (first is not { } chosen)
                    throw new AciTraceException(ErrorIds.ServiceHasNoEndpoints, AciErrorKind.ResourceUnavailable,
                        $"Service {svc.Key} has no ready backend of {port.Port}/{port.Protocol} on the pod network, so the fabric's service graph has no node to send the {entryText} to " +
                        $"(check its selector and pods: kubectl get endpointslices -n {svc.Namespace} -l kubernetes.io/service-name={svc.Name}).", svc.Key);
                (node, localBackends) = chosen;
                notes.Add($"The fabric's service graph sends the {entryText} to the nodes that run a ready backend of Service {svc.Key} (from its EndpointSlices): " +
                    $"{string.Join(", ", withBackend)}; traced on {node}{(withBackend.Count > 1 ? ", each of them load-balances to its own backends the same way" : "")}.");
            }

            var system = await _s._discovery.SystemPodsAsync(node, _ct).ConfigureAwait(false);
            _s._facts.Prefetch(system, _ct);
            var files = await _s._facts.FilesAsync(system, [NodeFactsScript.ServiceKey(svc.Uid)], _ct).ConfigureAwait(false);
            foreach (var f in files) _files.Add(node, f);
            var external = files.SelectMany(f => f.Services).FirstOrDefault(s => s.Uuid == ServiceFile.ExternalUuid(svc.Uid));
            var mapping = external is null ? null : MappingOf(external, wanted, entryPort);
            if (mapping is null || external!.ServiceMac is null || external.InterfaceVlan is null)
                throw NoEntry(svc, node, external, localBackends.Count, entryText, system);
            var entryAddress = IPAddress.Parse(mapping.ServiceIp!);
            if (entryAddress.AddressFamily != client.AddressFamily)
                throw new AciTraceException(ErrorIds.AddressFamilyMismatch, AciErrorKind.InvalidArgument,
                    $"The {entryText} is {entryAddress}, not of the family of the client {client}.", client.ToString());

            var uplink = external.InterfaceName ?? AciTables.DefaultUplinks[0];
            var arriving = PacketPlanner.Ip(PortRef.Named(uplink), PacketPlanner.RouterMac, external.ServiceMac, client, entryAddress, l4, reply: false)
                with { Vlan = new VlanSpec(external.InterfaceVlan.Value) };
            var leg = new TraceLeg(Interlocked.Increment(ref _legNumber), TraceDirection.Request, node, system,
                $"{client} to the {entryText} on {node}'s uplink {uplink}", TraceCommand.Create(AciTables.DefaultIntegrationBridgeName, arriving, null),
                localBackends.Select(b => b.Veth).OfType<string>().ToList());
            var outcomes = await RunLegsAsync([leg]).ConfigureAwait(false);
            var judgement = outcomes[0].Judgement;
            var backend = localBackends.FirstOrDefault(b => b.Address.ToString() == judgement.DnatAddress);
            var targetPort = TargetPortOf(slices, port, _r.Protocol, backend?.Address);
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

        /// <summary>
        /// The mapping of the node's external copy of the Service the client's packet meets: the address asked for and
        /// the port (a node port: the node's service IP with that port), or null.
        /// </summary>
        private ServiceMapping? MappingOf(ServiceFile external, IPAddress? wanted, int entryPort)
        {
            var address = _r.Entry == ServiceEntry.NodePort ? external.InterfaceIp : wanted?.ToString();
            if (address is null || !IPAddress.TryParse(address, out var wantedAddress)) return null;
            return external.Mappings.FirstOrDefault(m => m.ServiceIp is { } ip && IPAddress.TryParse(ip, out var a) && a.Equals(wantedAddress)
                && m.ServicePort == entryPort && string.Equals(m.ServiceProto, _r.Protocol.ToString(), StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>Why the node's agent has no flows for the way in asked for, in the terms of what ACI CNI programs.</summary>
        private AciTraceException NoEntry(ServiceInfo svc, string node, ServiceFile? external, int localBackends, string entryText, NodeSystemPods system)
        {
            var listed = external?.Mappings.Select(m => $"{m.ServiceIp}:{m.ServicePort}").Distinct().ToList() ?? [];
            var lists = listed.Count == 0 ? "" : $" (on {node} it lists {string.Join(", ", listed)})";
            return _r.Entry switch
            {
                ServiceEntry.NodePort => NotExposed(svc, $"ACI CNI does not program node ports into OVS{lists}: a connection to the node port of {node} reaches the node's own address " +
                    "and is forwarded by the node's network stack (kube-proxy), not by the opflex agent's flows; trace its LoadBalancer IP from outside, or a pod to the Service"),
                ServiceEntry.ExternalIP => NotExposed(svc, $"ACI CNI's host agent writes only a LoadBalancer ingress IP into the nodes' external copy of a Service{lists}: " +
                    $"its external IPs are not programmed into OVS, so the datapath does not handle traffic to the {entryText}"),
                _ when external is null && localBackends == 0 => new AciTraceException(ErrorIds.ExternalServiceFileNotFound, AciErrorKind.ObjectNotFound,
                    $"Node '{node}' has no external copy of Service {svc.Key}: the host agent writes it only on a node that runs a ready backend of the Service on the pod network, " +
                    "and the fabric's service graph sends the LoadBalancer IP only to those nodes.", svc.Key),
                _ => new AciTraceException(ErrorIds.ExternalServiceFileNotFound, AciErrorKind.ObjectNotFound,
                    external is null
                        ? $"The opflex agent on node '{node}' has no external copy of Service {svc.Key} ({ServiceFile.ExternalUuid(svc.Uid)}.service), though the node runs a backend: the host agent has not programmed it (see kubectl logs -n {system.Namespace} {system.Host.Name} -c aci-containers-host)."
                        : $"The external copy of Service {svc.Key} on node '{node}' has no mapping for the {entryText}{lists}, or no service MAC or VLAN: the packet the fabric sends cannot be built (see kubectl logs -n {system.Namespace} {system.Host.Name} -c aci-containers-host).",
                    svc.Key),
            };
        }

        /// <summary>The address and port the client sends to (null: the one the node's external copy lists), and how the summary names them.</summary>
        private (IPAddress? Address, int Port, string Text) EntryOf(ServiceInfo svc, ServicePortInfo port, IPAddress client)
        {
            switch (_r.Entry)
            {
                case ServiceEntry.ExternalIP:
                    var wanted = InputValidation.ParseIPAddressStrict(_r.ExternalIp, "ExternalIP");
                    if (!svc.ExternalIPs.Contains(wanted))
                        throw NotExposed(svc, $"{wanted} is not one of its external IPs ({(svc.ExternalIPs.Count == 0 ? "it has none" : string.Join(", ", svc.ExternalIPs))})");
                    if (wanted.AddressFamily != client.AddressFamily)
                        throw new AciTraceException(ErrorIds.AddressFamilyMismatch, AciErrorKind.InvalidArgument, $"The external IP {wanted} is not of the family of the client {client}.", client.ToString());
                    return (wanted, port.Port, $"external IP {wanted}");
                case ServiceEntry.NodePort:
                    if (port.NodePort is not int nodePort)
                        throw NotExposed(svc, $"its port {port.Port}/{port.Protocol} has no node port (type {svc.Type})");
                    return (null, nodePort, $"node port of {_r.Node}");
                default:
                    var ingress = svc.LoadBalancerIngress.FirstOrDefault(a => a.AddressFamily == client.AddressFamily)
                        ?? throw NotExposed(svc, svc.Type == "LoadBalancer"
                            ? "it has no load balancer ingress IP of the client's address family yet (status.loadBalancer.ingress)"
                            : $"it is of type {svc.Type}, not LoadBalancer (use -ExternalIP or -NodePort)");
                    return (ingress, port.Port, $"LoadBalancer IP {ingress}");
            }
        }

        private static AciTraceException NotExposed(ServiceInfo svc, string why) =>
            new(ErrorIds.ServiceNotExposed, AciErrorKind.InvalidArgument, $"Service {svc.Key} cannot be reached that way from outside: {why}.", svc.Key);

        /// <summary>
        /// The Service's ready backends on <paramref name="node"/> that are pods on the pod network (a host-network
        /// endpoint is not behind the node's external service flows), resolved once per pod (their veths are where a
        /// delivery ends).
        /// </summary>
        private async Task<IReadOnlyList<ResolvedPod>> LocalBackendsAsync(string node, IReadOnlyList<EndpointInfo> ready, bool v6)
        {
            var local = ready.Where(e => e.NodeName == node && e.PodName is not null && e.PodNamespace is not null)
                .DistinctBy(e => (e.PodNamespace, e.PodName)).ToList();
            var resolved = (await ResolveAsync(local.Select(e => PlaceAsync(e.PodNamespace!, e.PodName!, "backend", v6)).ToArray()).ConfigureAwait(false))
                .Where(p => !p.HostNetwork).ToList();
            _pods.AddRange(resolved);
            return resolved;
        }

        /// <summary>
        /// The reply of the backend the request reached (<paramref name="l4"/> is the request as the backend received
        /// it), from its br-int patch port with the connection's conntrack state and service mark preset (OVS cannot
        /// carry the mark across the patch port): reverse NAT to the entry address, then out of the uplink on the
        /// service VLAN.
        /// </summary>
        private async Task<AciTraceSummary> InboundReplyAsync(string id, ServiceInfo svc, IPAddress client, IPAddress entryAddress, string node,
            ResolvedPod? backend, L4 l4, Judging.TraceJudgement forward, TraceVerdict requestVerdict)
        {
            var notes = new List<string>();
            var reply = l4.Reversed();
            if (backend is null || backend.HostNetwork || requestVerdict == TraceVerdict.Drop)
            {
                notes.Add(requestVerdict == TraceVerdict.Drop ? "The request was dropped; the reply is not traced." : "The request reached no backend on the pod network; there is no reply to trace.");
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
