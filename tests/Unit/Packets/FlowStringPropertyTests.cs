using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Packets;

public class FlowStringPropertyTests
{
    private static readonly HashSet<string> NeedProtocolKeyword = new()
    {
        "nw_src", "nw_dst", "ipv6_src", "ipv6_dst", "nw_ttl", "tcp_src", "tcp_dst", "udp_src", "udp_dst", "icmp_type", "icmp_code",
        "icmpv6_type", "icmpv6_code", "nd_target", "nd_sll", "nd_tll", "arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha",
    };

    [Fact]
    public void RandomValidPacketsRenderExactlyTheirFields()
    {
        foreach (var c in RandomPackets.Generate(seed: 20240604, count: 1000))
        {
            string flow = FlowStringBuilder.Build(c.Spec);
            var (keywords, fields, order) = RandomPackets.Split(flow);
            Assert.Equal(new[] { c.Keyword }, keywords);
            Assert.Equal(c.Fields.OrderBy(f => f.Key), fields.OrderBy(f => f.Key));
            Assert.Equal("in_port", order[0]);
            int keywordAt = order.IndexOf(c.Keyword);
            foreach (var (name, index) in order.Select((n, i) => (n, i)))
            {
                if (NeedProtocolKeyword.Contains(name)) Assert.True(index > keywordAt, $"{name} before protocol keyword in {flow}");
            }
            Assert.True(FlowSyntax.IsWellFormed(flow, out var reason), reason);
            Assert.Equal(flow, FlowStringBuilder.Build(c.Spec));
        }
    }

    [Fact]
    public void GeneratorCoversEveryProtocolAndOptionalField()
    {
        var cases = RandomPackets.Generate(seed: 20240604, count: 1000).ToList();
        foreach (var protocol in Enum.GetValues<PacketProtocol>()) Assert.Contains(cases, c => c.Spec.Protocol == protocol);
        foreach (var field in new[] { "tun_id", "tun_src", "dl_vlan", "nw_ttl", "udp_dst", "tcp_src", "icmpv6_type", "nd_target", "nd_sll", "nd_tll", "arp_tha", "ct_state", "ct_mark", "ct_zone", "reg0", "reg15", "metadata", "ipv6_dst" })
            Assert.Contains(cases, c => c.Fields.ContainsKey(field));
    }

    [Fact]
    public void IndependentIpv6FormatterAgreesWithDotNet()
    {
        foreach (var c in RandomPackets.Generate(seed: 7, count: 500))
        {
            foreach (var key in new[] { "ipv6_src", "ipv6_dst", "nd_target" })
                if (c.Fields.TryGetValue(key, out var v)) Assert.Equal(v, RandomPackets.DotNetCanonical(v));
        }
    }
}
