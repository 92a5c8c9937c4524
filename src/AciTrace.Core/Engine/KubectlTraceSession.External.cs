using System.Net;
using AciTrace.Packets;

namespace AciTrace.Engine;

/// <summary>Pod to external address traces: SNAT or the fabric, and the reply.</summary>
public sealed partial class KubectlTraceSession
{
    private sealed partial class TraceRun
    {
        // ---------------- pod -> external ----------------

        private async Task<AciTraceSummary[]> ExternalTraceAsync(string srcNs, Task<string> systemNs)
        {
            var extIp = InputValidation.ParseIPAddressStrict(_r.DestinationAddress!, "DestinationAddress");
            // The destination address decides the family of the source address.
            var srcTask = _s.ResolvePodAsync(srcNs, _r.SourceName, "source", extIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6, _ct);
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
                else if (j.SnatAddress is not null)
                    replyNotes.Add($"The reply comes back to the SNAT address {j.SnatAddress} on {src.Node}'s uplink; OVS's trace cannot reverse the SNAT conntrack entry, so this leg is not traced.");
                else
                {
                    var inner = PacketPlanner.Ip(PortRef.Named(PacketPlanner.TunnelPort), PacketPlanner.RouterMac, src.Mac, extIp, src.Address, reply, reply: true);
                    var back = Leg(TraceDirection.Reply, src, "br-int", PacketPlanner.FromFabric(inner, src.Vnid ?? throw NoVnid(src)),
                        PacketPlanner.ReplyOptions, src.Veth, $"reply from {extIp} into {src.Node} from the fabric");
                    replyOutcomes = await RunLegsAsync(new[] { back }).ConfigureAwait(false);
                }
                summaries.Add(Summarize(id, "External", TraceDirection.Reply, extIp.ToString(), src.Pod.Key, extIp, src.Address, reply,
                    replyOutcomes, replyNotes, endsAtNode: false, notTraced: replyOutcomes.Count == 0));
            }
            return summaries.ToArray();
        }
    }
}
