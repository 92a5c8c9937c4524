using AciTrace.Aci;
using System.Net;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>Pod to external address traces: SNAT or the fabric, and the reply.</summary>
public sealed partial class TraceSession
{
    private sealed partial class TraceRun
    {
        // ---------------- pod -> external ----------------

        private async Task<AciTraceSummary[]> ExternalTraceAsync(string srcNs, Task<string> systemNs)
        {
            var extIp = InputValidation.ParseIPAddressStrict(_r.DestinationAddress!, "DestinationAddress");
            // The destination address decides the family of the source address.
            var srcTask = ResolvePodAsync(srcNs, _r.SourceName, "source", extIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
            await systemNs.ConfigureAwait(false);
            var src = await srcTask.ConfigureAwait(false);
            if (src.HostNetwork)
                throw new AciTraceException(ErrorIds.HostNetworkSourceNotTraceable, AciErrorKind.InvalidOperation,
                    $"{src.Pod.Key} uses the host network of {src.Node}: its traffic to {extIp} leaves through the node's network stack, not OVS.", src.Pod.Key);
            if (extIp.AddressFamily != src.Address.AddressFamily)
                throw new AciTraceException(ErrorIds.AddressFamilyMismatch, AciErrorKind.InvalidArgument,
                    $"{src.Pod.Key} has no address of the family of {extIp}.", extIp.ToString());
            var l4 = new L4(_r.Protocol, _r.Protocol is TraceProtocol.Tcp or TraceProtocol.Udp ? _r.SourcePort ?? DefaultSourcePort : null,
                _r.Protocol is TraceProtocol.Tcp or TraceProtocol.Udp ? _r.DestinationPort : null);
            _pods.Add(src);
            _packetDescription = l4.DescribeDestination();
            var id = _traceId = $"{src.Pod.Key} -> {extIp} {Label(l4)}";
            var leg = Leg(TraceDirection.Request, src, AciTables.DefaultAccessBridgeName,
                PacketPlanner.Ip(PortRef.Named(src.Veth!), src.Mac, PacketPlanner.RouterMac, src.Address, extIp, l4, reply: false),
                null, (string?)null, $"{src.Pod.Key} to {extIp} out of {src.Node}");
            var outcomes = await RunLegsAsync(new[] { leg }).ConfigureAwait(false);
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
                else if (j.SnatAddress is { } snatText && IPAddress.TryParse(snatText, out var snatIp))
                    replyOutcomes = await SnatReplyAsync(src, extIp, snatIp, reply, replyNotes).ConfigureAwait(false);
                else
                {
                    var inner = PacketPlanner.Ip(PortRef.Named(PacketPlanner.TunnelPort), PacketPlanner.RouterMac, src.Mac, extIp, src.Address, reply, reply: true);
                    var back = Leg(TraceDirection.Reply, src, AciTables.DefaultIntegrationBridgeName, PacketPlanner.FromFabric(inner, src.Vnid ?? throw NoVnid(src)),
                        PacketPlanner.ReplyOptions, src.Veth, $"reply from {extIp} into {src.Node} from the fabric");
                    replyOutcomes = await RunLegsAsync(new[] { back }).ConfigureAwait(false);
                }
                summaries.Add(Summarize(id, "External", TraceDirection.Reply, extIp.ToString(), src.Pod.Key, extIp, src.Address, reply,
                    replyOutcomes, replyNotes, endsAtNode: false, notTraced: replyOutcomes.Count == 0));
            }
            return summaries.ToArray();
        }

        /// <summary>
        /// The reply to an SNAT'ed request, as the datapath handles it: it arrives on the node's uplink (the SNAT file's
        /// interface and VLAN) addressed to the SNAT address and port, conntrack un-NATs it to the pod, SNAT_REV_TABLE
        /// sends it to the pod's patch port, and br-access delivers it. OVS's trace cannot reverse a NAT conntrack
        /// entry (its resumed pass keeps the SNAT address), so the un-NAT step is simulated between two real traces:
        /// the uplink part up to conntrack, and br-access from the patch port with the un-NATed packet.
        /// </summary>
        private async Task<IReadOnlyList<LegOutcome>> SnatReplyAsync(ResolvedPod src, IPAddress extIp, IPAddress snatIp, L4 reply, List<string> notes)
        {
            var state = await _s._facts.StateAsync(src.System!, _ct).ConfigureAwait(false);
            var snat = state.Snats.FirstOrDefault(f => f.SnatIp == snatIp.ToString());
            var uplink = snat?.InterfaceName ?? AciTables.DefaultUplinks[0];
            var snatPort = reply.DestinationPort is null ? null : snat?.PortRanges.FirstOrDefault()?.Start ?? reply.DestinationPort;
            var arriving = PacketPlanner.Ip(PortRef.Named(uplink), PacketPlanner.RouterMac, snat?.InterfaceMac, extIp, snatIp,
                reply with { DestinationPort = snatPort }, reply: true) with { Vlan = snat?.InterfaceVlan is int vlan ? new VlanSpec(vlan) : null };
            var atUplink = await RunLegsAsync(new[] { Leg(TraceDirection.Reply, src, AciTables.DefaultIntegrationBridgeName, arriving, PacketPlanner.ReplyOptions, (string?)null,
                $"reply from {extIp} to the SNAT address {snatIp} on {src.Node}'s uplink {uplink}") }).ConfigureAwait(false);
            var first = atUplink[0];
            var beforeConntrack = first.Passes.Where(p => !p.IsResume).ToList();
            if (beforeConntrack.Count == 0 || beforeConntrack[^1].Verdict == TraceVerdict.Drop || first.Judgement.Verdict == TraceVerdict.Drop && !first.Passes.Any(p => p.IsResume))
            {
                notes.Add($"The reply to the SNAT address {snatIp} was dropped on {src.Node}'s uplink {uplink} before conntrack could un-NAT it.");
                return atUplink;
            }
            var patch = src.Endpoint?.InterfaceName ?? AciTables.IntegrationPatchPrefix + src.Veth;
            var unNat = $"{snatIp}{(snatPort is int sp ? $":{sp}" : "")} -> {src.Address}{(reply.DestinationPort is int dp ? $":{dp}" : "")}";
            var simulated = new AciBridgePass
            {
                TraceId = _traceId,
                Direction = TraceDirection.Reply,
                Leg = first.Leg.Number,
                PassIndex = first.Passes.Count,
                Node = src.Node,
                Bridge = AciTables.DefaultIntegrationBridgeName,
                IsResume = true,
                InPortName = uplink,
                OutPortName = patch,
                Verdict = TraceVerdict.Forward,
                Reason = $"simulated: conntrack reverses the SNAT entry of the request ({unNat}) and SNAT_REV_TABLE sends the packet to {patch}; OVS's trace cannot reverse a NAT conntrack entry",
            };
            // The resumed passes of the real trace kept the SNAT address (OVS did not un-NAT): they are not what the datapath does.
            beforeConntrack[^1].Reason = $"sent through conntrack{(snat?.Zone is int zone ? $" (zone {zone})" : "")} to un-NAT the reply; it continues in the simulated pass";
            var uplinkPart = first with { Passes = beforeConntrack.Append(simulated).ToList() };
            var unNatted = PacketPlanner.Ip(PortRef.Named(src.Endpoint?.AccessUplinkInterface ?? AciTables.AccessPatchPrefix + src.Veth), PacketPlanner.RouterMac, src.Mac, extIp, src.Address, reply, reply: true);
            var toPod = await RunLegsAsync(new[] { Leg(TraceDirection.Reply, src, AciTables.DefaultAccessBridgeName, unNatted, PacketPlanner.ReplyOptions, src.Veth,
                $"the un-NATed reply from {patch}'s peer into {src.Pod.Key}") }).ConfigureAwait(false);
            notes.Add($"The reply arrives on {src.Node}'s uplink {uplink}{(snat?.InterfaceVlan is int v ? $" (VLAN {v})" : "")} addressed to the SNAT address {snatIp}{(snatPort is int p ? $", port {p} of the node's SNAT range" : "")}; " +
                $"the un-NAT by conntrack ({unNat}) was simulated because OVS's trace cannot reverse a NAT conntrack entry; the passes before and after it are real traces.");
            return [uplinkPart, .. toPod];
        }
    }
}
