using System.Text.RegularExpressions;
using AciTrace.Lab.Generation;

namespace AciTrace.Tests.Lab.Nodes;

/// <summary>Spot checks against the exact lines of research/opflex-pipeline.md §4 for its two-node cluster.</summary>
public sealed class ResearchClusterFlowTests
{
    private static readonly IReadOnlyList<GeneratedNode> Nodes = NodeGenerator.GenerateAll(LabTestSupport.Load("research-two-node.yaml"));
    private static GeneratedNode A => Nodes[0];
    private static GeneratedNode B => Nodes[1];

    private static void Has(IReadOnlyList<OfFlow> flows, string line) =>
        Assert.True(flows.Any(f => f.ToString() == line), $"missing: {line}\nsimilar:\n{string.Join("\n", flows.Where(f => line.StartsWith($"table={f.Table},priority={f.Priority},", StringComparison.Ordinal)).Take(8))}");

    private static void HasIgnoringCookie(IReadOnlyList<OfFlow> flows, string line)
    {
        static string Strip(string s) => Regex.Replace(s, @",cookie=0x[0-9a-f]+", "");
        Assert.True(flows.Any(f => Strip(f.ToString()) == Strip(line)), $"missing (cookie ignored): {line}");
    }

    [Theory]
    [InlineData("table=0,priority=0,actions=goto_table:1")]
    [InlineData("table=1,priority=1,actions=goto_table:2")]
    [InlineData("table=4,priority=8192,reg0=0x1,actions=goto_table:7")]
    [InlineData("table=6,priority=8192,reg0=0x1,actions=goto_table:7")]
    [InlineData("table=7,priority=2,cookie=0x800000000000000d,udp,metadata=0x100/0x300,tp_src=53,actions=CONTROLLER:65535,goto_table:8")]
    [InlineData("table=8,priority=1,metadata=0/0xff,actions=output:NXM_NX_REG7[]")]
    [InlineData("table=2,priority=100,in_port=2,vlan_tci=0x0000/0x1fff,actions=load:0x1->NXM_NX_REG6[],load:0x1->NXM_NX_REG0[],load:0x3->NXM_NX_REG7[],write_metadata:0x200/0x300,goto_table:5")]
    [InlineData("table=2,priority=100,in_port=3,actions=load:0x1->NXM_NX_REG6[],load:0x1->NXM_NX_REG0[],load:0x2->NXM_NX_REG7[],write_metadata:0x100/0x300,goto_table:3")]
    [InlineData("table=2,priority=100,in_port=7,actions=load:0x3->NXM_NX_REG6[],load:0x1->NXM_NX_REG0[],load:0x6->NXM_NX_REG7[],write_metadata:0x100/0x300,goto_table:3")]
    [InlineData("table=6,priority=8192,send_flow_rem,ct_state=-trk,ip,reg0=0x2,actions=ct(table=2,zone=NXM_NX_REG6[0..15])")]
    public void NodeAAccessFlows(string line) => Has(A.AccessFlows, line);

    [Theory]
    [InlineData("table=6,priority=8192,cookie=0xb,send_flow_rem,ct_state=+new+trk,tcp,reg0=0x2,nw_dst=10.2.5.0/24,tp_dst=5432,actions=ct(commit,zone=NXM_NX_REG6[0..15]),goto_table:7")]
    [InlineData("table=6,priority=8192,cookie=0xb,send_flow_rem,ct_state=-trk,tcp,reg0=0x2,nw_dst=10.2.5.0/24,tp_dst=5432,actions=ct(table=2,zone=NXM_NX_REG6[0..15])")]
    [InlineData("table=6,priority=8192,cookie=0x9,send_flow_rem,ct_state=-new+est-rel+rpl-inv+trk,ip,reg0=0x2,actions=goto_table:7")]
    [InlineData("table=6,priority=8064,cookie=0x6,send_flow_rem,arp,reg0=0x2,actions=goto_table:7")]
    [InlineData("table=6,priority=7808,cookie=0x8,send_flow_rem,icmp,reg0=0x2,actions=goto_table:7")]
    public void NodeASecurityGroupFlowsModuloClassifierIds(string line) => HasIgnoringCookie(A.AccessFlows, line);

    [Theory]
    [InlineData("table=1,priority=50,in_port=2,actions=goto_table:2")]
    [InlineData("table=4,priority=1,actions=goto_table:5")]
    [InlineData("table=5,priority=2,reg4=0x1,actions=goto_table:7")]
    [InlineData("table=7,priority=316,ip,reg6=0x1,nw_dst=10.2.0.0/16,actions=write_metadata:0x4/0xff,goto_table:13")]
    [InlineData("table=7,priority=324,ip,reg6=0x1,nw_dst=192.168.10.0/24,actions=write_metadata:0x4/0xff,goto_table:13")]
    [InlineData("table=12,priority=8242,metadata=0x100/0x100,actions=drop")]
    [InlineData("table=13,priority=10,actions=goto_table:14")]
    [InlineData("table=14,priority=1,metadata=0/0xff,actions=output:NXM_NX_REG7[]")]
    [InlineData("table=1,priority=30,ip,in_port=4,dl_src=9e:8f:11:02:00:0a,nw_src=10.2.0.10,actions=goto_table:2")]
    [InlineData("table=2,priority=140,in_port=4,dl_src=9e:8f:11:02:00:0a,actions=load:0x8c8010->NXM_NX_REG0[],load:0x1->NXM_NX_REG4[],load:0x1->NXM_NX_REG5[],load:0x1->NXM_NX_REG6[],goto_table:4")]
    [InlineData("table=5,priority=10,reg4=0x1,dl_dst=9e:8f:11:02:00:0a,actions=load:0x8c8010->NXM_NX_REG2[],load:0x4->NXM_NX_REG7[],goto_table:12")]
    [InlineData("table=7,priority=500,ip,reg6=0x1,dl_dst=00:22:bd:f8:19:ff,nw_dst=10.2.0.10,actions=load:0x8c8010->NXM_NX_REG2[],load:0x4->NXM_NX_REG7[],set_field:00:22:bd:f8:19:ff->eth_src,set_field:9e:8f:11:02:00:0a->eth_dst,dec_ttl,write_metadata:0x400/0x400,goto_table:12")]
    [InlineData("table=12,priority=8192,cookie=0x1,send_flow_rem,udp,reg0=0x8c8010,reg2=0x8c8004,tp_dst=53,actions=goto_table:13")]
    [InlineData("table=12,priority=8064,cookie=0x2,send_flow_rem,udp,reg0=0x8c8004,reg2=0x8c8010,tp_src=53,actions=goto_table:13")]
    [InlineData("table=14,priority=10,reg0=0x8c8010,metadata=0x4/0xff,actions=move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31],load:0xa000020->NXM_NX_TUN_IPV4_DST[],output:2")]
    [InlineData("table=14,priority=11,reg0=0x8c8010,metadata=0x4/0xff,dl_dst=00:22:bd:f8:19:ff,actions=move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31],load:0xa000020->NXM_NX_TUN_IPV4_DST[],output:2")]
    [InlineData("table=5,priority=50,udp,reg6=0x1,nw_dst=10.96.0.10,tp_dst=53,actions=set_field:00:22:bd:f8:19:ff->eth_dst,multipath(symmetric_l3l4+udp,1024,iter_hash,2,32,NXM_NX_REG7[]),goto_table:6")]
    [InlineData("table=6,priority=99,udp,reg6=0x1,metadata=0/0x200,nw_dst=10.96.0.10,tp_dst=53,actions=set_field:10.2.0.20->ip_dst,dec_ttl,load:0xa60000a->NXM_NX_REG8[],load:0x1->NXM_NX_REG12[],ct(commit,zone=4,exec(load:0x1->NXM_NX_CT_MARK[])),write_metadata:0x400/0x400,goto_table:7")]
    [InlineData("table=6,priority=100,udp,reg6=0x1,reg7=0x1,metadata=0/0x200,nw_dst=10.96.0.10,tp_dst=53,actions=set_field:10.2.1.20->ip_dst,dec_ttl,load:0xa60000a->NXM_NX_REG8[],load:0x1->NXM_NX_REG12[],ct(commit,zone=4,exec(load:0x1->NXM_NX_CT_MARK[])),write_metadata:0x400/0x400,goto_table:7")]
    [InlineData("table=6,priority=102,udp,reg6=0x1,reg7=0x0,metadata=0/0x200,nw_src=10.2.0.20,nw_dst=10.96.0.10,tp_dst=53,actions=set_field:10.2.0.20->ip_dst,dec_ttl,set_field:10.96.0.10->ip_src,load:0xa60000a->NXM_NX_REG8[],write_metadata:0x400/0x400,goto_table:7")]
    [InlineData("table=4,priority=100,ct_state=-trk,udp,reg6=0x1,nw_src=10.2.0.20,tp_src=53,actions=ct(table=2,zone=4)")]
    [InlineData("table=4,priority=100,ct_state=-new+est-inv+trk,ct_mark=0x1,udp,reg6=0x1,nw_src=10.2.1.20,tp_src=53,actions=set_field:00:22:bd:f8:19:ff->eth_src,set_field:10.96.0.10->ip_src,dec_ttl,write_metadata:0x400/0x400,goto_table:5")]
    [InlineData("table=4,priority=102,udp,reg6=0x1,nw_src=10.2.0.20,nw_dst=10.96.0.10,tp_src=53,actions=set_field:00:22:bd:f8:19:ff->eth_src,set_field:10.96.0.10->ip_src,dec_ttl,set_field:10.2.0.20->ip_dst,write_metadata:0x400/0x400,goto_table:5")]
    [InlineData("table=7,priority=300,ip,reg6=0x1,nw_src=10.2.0.10,actions=goto_table:8")]
    [InlineData("table=8,priority=300,ip,reg6=0x1,nw_src=10.2.0.10,actions=ct(commit,zone=8191,nat(src=172.28.184.10:5000-7999,persistent)),push_vlan:0x8100,set_vlan_vid:4003,output:1")]
    [InlineData("table=1,priority=200,tcp,in_port=1,dl_vlan=4003,dl_dst=52:54:00:aa:bb:01,nw_dst=172.28.184.10,tp_dst=0x1388/0xfff8,actions=pop_vlan,goto_table:3")]
    [InlineData("table=1,priority=200,udp,in_port=1,dl_vlan=4003,dl_dst=52:54:00:aa:bb:01,nw_dst=172.28.184.10,tp_dst=0x1f00/0xffc0,actions=pop_vlan,goto_table:3")]
    [InlineData("table=3,priority=10,ct_state=-trk,ip,actions=ct(table=3,zone=8191,nat)")]
    [InlineData("table=3,priority=10,ct_state=-new+est-inv+trk,ip,nw_dst=10.2.0.10,actions=set_field:9e:8f:11:02:00:0a->eth_dst,output:4")]
    public void NodeAIntFlows(string line) => Has(A.IntFlows, line);

    [Fact]
    public void NodeAPortsZonesAndGroupMatchTheResearchCluster()
    {
        Assert.Equal(["gen2", "pa-veth", "pa-veth", "pa-veth"], A.Ports.Where(p => p.Bridge == "br-access" && p.OfPort % 2 == 1).Select(p => p.Name.Length > 7 ? p.Name[..7] : p.Name));
        Assert.Equal(new[] { ("eth1", 1), ("vxlan0", 2), ("gen1", 3) }, A.Ports.Where(p => p.Bridge == "br-int").Take(3).Select(p => (p.Name, p.OfPort)));
        Assert.Equal([1u, 2u, 3u], A.Endpoints.Values.Select(e => e.Zone));
        Assert.Equal(4u, A.IdOf(IdNs.Conntrack, "/PolicyUniverse/PolicySpace/kube/GbpRoutingDomain/kube-vrf/"));
        Assert.Equal(3u, B.IdOf(IdNs.Conntrack, "/PolicyUniverse/PolicySpace/kube/GbpRoutingDomain/kube-vrf/"));
        Assert.Equal(2u, A.Endpoints["team-a/a2"].SecGroupSet);
        Assert.Equal(2u, B.Endpoints["team-a/b1"].SecGroupSet);
        Assert.Equal("group_id=1,type=all,bucket=actions=output:4,bucket=actions=output:5,bucket=actions=output:6,bucket=actions=move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31],move:NXM_NX_REG7[]->NXM_NX_TUN_IPV4_DST[],output:2", Assert.Single(A.IntGroups));
    }

    [Theory]
    [InlineData("table=2,priority=100,in_port=3,actions=load:0x1->NXM_NX_REG6[],load:0x2->NXM_NX_REG0[],load:0x2->NXM_NX_REG7[],write_metadata:0x100/0x300,goto_table:3")]
    [InlineData("table=4,priority=8192,send_flow_rem,ct_state=-trk,ip,reg0=0x2,actions=ct(table=2,zone=NXM_NX_REG6[0..15])")]
    public void NodeBAccessFlows(string line) => Has(B.AccessFlows, line);

    [Theory]
    [InlineData("table=4,priority=8192,cookie=0xc,send_flow_rem,ct_state=+new+trk,tcp,reg0=0x2,tp_dst=8080,actions=ct(commit,zone=NXM_NX_REG6[0..15]),goto_table:7")]
    [InlineData("table=4,priority=8192,cookie=0xc,send_flow_rem,ct_state=+est+trk,tcp,reg0=0x2,tp_dst=8080,actions=goto_table:7")]
    [InlineData("table=4,priority=8192,cookie=0xa,send_flow_rem,ct_state=-new+rel-inv+trk,ip,reg0=0x2,actions=goto_table:7")]
    [InlineData("table=4,priority=8192,cookie=0x5,send_flow_rem,arp,reg0=0x2,actions=goto_table:7")]
    [InlineData("table=4,priority=7936,cookie=0x7,send_flow_rem,icmp,reg0=0x2,actions=goto_table:7")]
    public void NodeBSecurityGroupFlowsModuloClassifierIds(string line) => HasIgnoringCookie(B.AccessFlows, line);

    [Fact]
    public void EveryTableEndsWithTheTableDropFlow()
    {
        foreach (var t in Enumerable.Range(1, 8))
            Assert.Contains(A.AccessFlows, f => f.Table == t && f.Priority == 0 && f.Cookie == Of.TableDropCookie && f.Actions == Of.DropLog(t) + ",goto_table:9");
        foreach (var t in Enumerable.Range(1, 14))
            Assert.Contains(A.IntFlows, f => f.Table == t && f.Priority == 0 && f.Cookie == Of.TableDropCookie && f.Actions == Of.DropLog(t) + ",goto_table:15");
        Assert.Contains(A.IntFlows, f => f.ToString() == "table=12,priority=1,cookie=0xc00000000000000c,send_flow_rem,reg6=0x1,actions=" + Of.DropLog(12) + ",goto_table:15");
        Assert.StartsWith("move:NXM_NX_REG0[]->NXM_NX_TUN_METADATA0[0..31],", Of.DropLog(4));
        Assert.EndsWith("move:NXM_NX_CT_LABEL[]->NXM_NX_TUN_METADATA11[0..127],set_field:0x4->tun_metadata12,set_field:0->tun_metadata13", Of.DropLog(4));
    }
}
