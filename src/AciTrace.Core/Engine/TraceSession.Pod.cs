using AciTrace.Aci;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>Pod to pod traces (IP protocols and ARP), request and reply.</summary>
public sealed partial class TraceSession
{
    private sealed partial class TraceRun
    {
        // ---------------- pod -> pod ----------------

        private async Task<IReadOnlyList<AciTraceSummary>> PodTraceAsync(string srcNs, string dstNs, Task<string> systemNs)
        {
            var pair = ResolveAsync(PlaceAsync(srcNs, _r.SourceName, "source", _r.PreferIPv6),
                PlaceAsync(dstNs, _r.DestinationName!, "destination", _r.PreferIPv6));
            await systemNs.ConfigureAwait(false);
            var resolved = await pair.ConfigureAwait(false);
            var (src, dst) = (resolved[0], resolved[1]);
            if (_r.PreferIPv6 && (!src.IsIPv6 || !dst.IsIPv6))
            {
                var single = !src.IsIPv6 ? src : dst;
                throw new AciTraceException(ErrorIds.NoIPv6Address, AciErrorKind.InvalidArgument,
                    $"{single.Pod.Key} has no IPv6 address (it is not dual-stack: {string.Join(", ", single.Pod.Addresses)}); trace without -IPv6.", single.Pod.Key);
            }
            if (src.Address.AddressFamily != dst.Address.AddressFamily)
                throw new AciTraceException(ErrorIds.AddressFamilyMismatch, AciErrorKind.InvalidArgument,
                    $"{src.Pod.Key} ({src.Address}) and {dst.Pod.Key} ({dst.Address}) have no address of a common IP family.", dst.Pod.Key);
            if (_r.Protocol == TraceProtocol.Arp && (src.IsIPv6 || dst.IsIPv6))
                throw new AciTraceException(ErrorIds.ArpNeedsIPv4, AciErrorKind.InvalidArgument,
                    "ARP exists only for IPv4; these pods were resolved to IPv6 addresses (drop -PreferIPv6).", dst.Pod.Key);
            _pods.Add(src);
            _pods.Add(dst);
            var l4 = L4For(dst.Pod);
            var id = _traceId = $"{src.Pod.Key} -> {dst.Pod.Key} {Label(l4)}";
            if (src.Pod.Key == dst.Pod.Key)
                return LoopbackSummaries(id, src, l4);
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

        /// <summary>
        /// A pod traced to itself (piping every pod as source and destination does this): traffic to its own address
        /// stays in its network namespace and never reaches OVS, so it is delivered without a trace. One pass says
        /// so, on the pod's node, so the default output shows it.
        /// </summary>
        private List<AciTraceSummary> LoopbackSummaries(string id, ResolvedPod pod, L4 l4)
        {
            var summaries = new List<AciTraceSummary>();
            foreach (var (dir, packet) in _r.IncludeReply
                         ? new[] { (TraceDirection.Request, l4), (TraceDirection.Reply, l4.Reversed()) }
                         : new[] { (TraceDirection.Request, l4) })
            {
                var reason = $"{pod.Pod.Key} is both source and destination: traffic to its own address {pod.Address} stays in the pod's network namespace (loopback) and never reaches OVS, so no flow table or NetworkPolicy applies.";
                var pass = new AciBridgePass
                {
                    TraceId = id,
                    Direction = dir,
                    Leg = 0,
                    Node = pod.Node,
                    Bridge = LoopbackBridge,
                    Verdict = TraceVerdict.Deliver,
                    Reason = reason,
                };
                var outcome = $"Deliver to {pod.Pod.Key} inside the pod (loopback, not through OVS)";
                pass.Describe(pod.Pod.Key, pod.Pod.Key, l4.Protocol.ToString(), packet.SourcePort, packet.DestinationPort, outcome);
                Emit(new PassEvent(pass));
                summaries.Add(new AciTraceSummary
                {
                    TraceId = id,
                    Kind = "Pod",
                    Direction = dir,
                    Source = pod.Pod.Key,
                    Destination = pod.Pod.Key,
                    SourceAddress = pod.Address.ToString(),
                    DestinationAddress = pod.Address.ToString(),
                    Protocol = l4.Protocol.ToString(),
                    SourcePort = packet.SourcePort,
                    DestinationPort = packet.DestinationPort,
                    Path = pod.Node,
                    Passes = new AciPassCollection([pass]),
                }.Decided(TraceVerdict.Deliver, outcome, reason, drop: null));
            }
            return summaries;
        }

        /// <summary>The Bridge of the pass of a pod traced to itself: the pod's loopback, not an OVS bridge.</summary>
        public const string LoopbackBridge = "loopback";

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
                    legs.Add(Leg(dir, from, AciTables.DefaultAccessBridgeName, packet, options, sameNode && !to.HostNetwork ? to.Veth : null,
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
                    legs.Add(Leg(dir, to, AciTables.DefaultIntegrationBridgeName, PacketPlanner.FromFabric(inner, vnid), options, to.Veth, $"{to.Pod.Key} into {to.Node} from the fabric"));
                }
                else if (to.HostNetwork)
                    notes.Add($"{to.Pod.Key} uses the host network of {to.Node}: the fabric delivers the packet to the node's network stack.");
            }
            var fabric = await FabricContractAsync(from, to, sameNode, l4).ConfigureAwait(false);
            if (fabric is not null)
            {
                if (legs.Count > 1)
                {
                    Emit(new VerboseEvent($"Leg into {to.Node} is not traced: the fabric is expected to drop the packet before it."));
                    legs.RemoveRange(1, legs.Count - 1);
                }
            }
            var outcomes = await RunLegsAsync(legs).ConfigureAwait(false);
            return Summarize(id, "Pod", dir, from.Pod.Key, to.Pod.Key, from.Address, to.Address, l4, outcomes, notes,
                endsAtNode: to.HostNetwork, fabric: fabric);
        }

        /// <summary>
        /// Across nodes the node forwards to the leaf, which enforces the contracts: predict its decision from the
        /// source node's policy (contracts between the two EPGs and their filters). Null: the leaf lets it through.
        /// </summary>
        private async Task<FabricDrop?> FabricContractAsync(ResolvedPod from, ResolvedPod to, bool sameNode, L4 l4)
        {
            if (sameNode || from.HostNetwork || to.HostNetwork || from.Epg is null || to.Epg is null || from.System is null) return null;
            if (from.Epg.Uri == to.Epg.Uri) return null;
            var dump = (await _s._facts.PolicyAsync(from.System, _ct).ConfigureAwait(false)).Dump;
            if (dump is null) return null;
            var contracts = dump.ContractsBetween(from.Epg, to.Epg);
            if (contracts.Count > 0 && Explain.ContractMatcher.Allows(contracts, l4.Protocol, from.IsIPv6, l4.SourcePort, l4.DestinationPort))
                return null;
            var explained = Explain.DropExplainer.ExplainContracts(from.EpgName, to.EpgName, contracts, l4.DescribeDestination(),
                $"in {from.Node}'s policy: the ACI leaf, which enforces contracts between nodes, is expected to drop this packet");
            return new FabricDrop(explained.Reason, explained.Cause!, from.EpgName, to.EpgName);
        }
    }
}
