namespace AciTrace.Tests.Unit.Ovs;

/// <summary>
/// ACI pipeline traces reconstructed from research/opflex-pipeline.md §4 (two-node cluster, node A: br-access gen2=1,
/// a1 veth=2/pa-=3, a2 veth=4/pa-=5, coredns-1 veth=6/pa-=7; br-int eth1=1, vxlan0=2, gen1=3, pi- ports 4/5/6; node B:
/// br-access b1 veth=2/pa-=3; br-int pi-b1=4). The doc abbreviates actions with "/"; here they are one per line, with
/// the indentation OVS 3.1 uses (hop headers %2d at column 0, actions 4 spaces, details 5 spaces), as in ParserSamples.
/// Flow/Final flow/Megaflow lines are shortened.
/// </summary>
internal static class ParserAciSamples
{
    private const string AccessEgressA1 = """
bridge("br-access")
-------------------
 0. priority 0
    goto_table:1
 1. priority 1
    goto_table:2
 2. in_port=2,vlan_tci=0x0000/0x1fff, priority 100
    load:0x1->NXM_NX_REG6[]
    load:0x1->NXM_NX_REG0[]
    load:0x3->NXM_NX_REG7[]
    write_metadata:0x200/0x300
    goto_table:5
 5. priority 1
    goto_table:6
 6. reg0=0x1, priority 8192
    goto_table:7
 7. priority 1
    goto_table:8
 8. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 3
""";

    private const string IntSourceA1 = """
bridge("br-int")
----------------
 0. priority 0
    goto_table:1
 1. ip,in_port=4,dl_src=9e:8f:11:02:00:0a,nw_src=10.2.0.10, priority 30
    goto_table:2
 2. in_port=4,dl_src=9e:8f:11:02:00:0a, priority 140
    load:0x8c8010->NXM_NX_REG0[]
    load:0x1->NXM_NX_REG4[]
    load:0x1->NXM_NX_REG5[]
    load:0x1->NXM_NX_REG6[]
    goto_table:4
 4. priority 1
    goto_table:5
""";

    /// <summary>§4.1 (a): a1 → coredns-1 on node A, udp 53, allowed by contract; delivered to br-access port 6.</summary>
    public const string SameNodeAllowed = "Flow: udp,in_port=2,vlan_tci=0x0000,dl_src=9e:8f:11:02:00:0a,dl_dst=9e:8f:11:02:00:14,nw_src=10.2.0.10,nw_dst=10.2.0.20,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=40000,tp_dst=53\n\n"
        + AccessEgressA1 + "\n\n" + IntSourceA1 + "\n" + """
 5. reg4=0x1,dl_dst=9e:8f:11:02:00:14, priority 10
    load:0x8c8004->NXM_NX_REG2[]
    load:0x6->NXM_NX_REG7[]
    goto_table:12
12. udp,reg0=0x8c8010,reg2=0x8c8004,tp_dst=53, priority 8192, cookie 0x1
    goto_table:13
13. priority 10
    goto_table:14
14. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 6

bridge("br-access")
-------------------
 0. priority 0
    goto_table:1
 1. priority 1
    goto_table:2
 2. in_port=7, priority 100
    load:0x3->NXM_NX_REG6[]
    load:0x1->NXM_NX_REG0[]
    load:0x6->NXM_NX_REG7[]
    write_metadata:0x100/0x300
    goto_table:3
 3. priority 1
    goto_table:4
 4. reg0=0x1, priority 8192
    goto_table:7
 7. priority 1
    goto_table:8
 8. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 6

Final flow: unchanged
Megaflow: recirc_id=0,eth,udp,in_port=2,vlan_tci=0x0000/0x1fff,dl_src=9e:8f:11:02:00:0a,dl_dst=9e:8f:11:02:00:14,nw_src=10.2.0.10,nw_frag=no,tp_dst=53
Datapath actions: 6
""";

    /// <summary>§4.2 (b): a1 → a2, no contract: POL table 12 per-RD drop flow, then the internal miss rule in table 15.</summary>
    public const string NoContract = "Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=9e:8f:11:02:00:0a,dl_dst=9e:8f:11:02:00:0b,nw_src=10.2.0.10,nw_dst=10.2.0.11,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=40000,tp_dst=80,tcp_flags=0\n\n"
        + AccessEgressA1 + "\n\n" + IntSourceA1 + "\n" + """
 5. reg4=0x1,dl_dst=9e:8f:11:02:00:0b, priority 10
    load:0x8c8011->NXM_NX_REG2[]
    load:0x5->NXM_NX_REG7[]
    goto_table:12
12. reg6=0x1, priority 1, cookie 0xc00000000000000c
    move:NXM_NX_REG0[]->NXM_NX_TUN_METADATA0[0..31]
     -> NXM_NX_TUN_METADATA0[0..31] is now 0x8c8010
    move:NXM_NX_REG2[]->NXM_NX_TUN_METADATA2[0..31]
     -> NXM_NX_TUN_METADATA2[0..31] is now 0x8c8011
    move:NXM_NX_CT_MARK[]->NXM_NX_TUN_METADATA10[0..31]
     -> NXM_NX_TUN_METADATA10[0..31] is now 0
    set_field:0xc->tun_metadata12
    set_field:0->tun_metadata13
    goto_table:15
15. reg0=0x2, priority 0
    drop

Final flow: unchanged
Megaflow: recirc_id=0,eth,tcp,in_port=2,vlan_tci=0x0000/0x1fff,dl_src=9e:8f:11:02:00:0a,dl_dst=9e:8f:11:02:00:0b,nw_src=10.2.0.10,nw_frag=no
Datapath actions: drop
""";

    private const string NodeBIngressHead = """
Flow: tcp,tun_id=0x8c8010,in_port=2,vlan_tci=0x0000,dl_src=9e:8f:11:02:00:0a,dl_dst=9e:8f:11:02:01:0a,nw_src=10.2.0.10,nw_dst=10.2.1.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=40000,tp_dst=8080,tcp_flags=0

bridge("br-int")
----------------
 0. priority 0
    goto_table:1
 1. in_port=2, priority 50
    goto_table:2
 2. tun_id=0x8c8010,in_port=2, priority 149
    load:0x8c8010->NXM_NX_REG0[]
    load:0x1->NXM_NX_REG4[]
    load:0x1->NXM_NX_REG5[]
    load:0x1->NXM_NX_REG6[]
    write_metadata:0x100/0x100
    goto_table:4
 4. priority 1
    goto_table:5
 5. reg4=0x1,dl_dst=9e:8f:11:02:01:0a, priority 10
    load:0x8c8010->NXM_NX_REG2[]
    load:0x4->NXM_NX_REG7[]
    goto_table:12
12. reg0=0x8c8010,reg2=0x8c8010, priority 8292
    goto_table:13
13. priority 10
    goto_table:14
14. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 4

bridge("br-access")
-------------------
 0. priority 0
    goto_table:1
 1. priority 1
    goto_table:2
 2. in_port=3, priority 100
    load:0x1->NXM_NX_REG6[]
    load:0x2->NXM_NX_REG0[]
    load:0x2->NXM_NX_REG7[]
    write_metadata:0x100/0x300
    goto_table:3
 3. priority 1
    goto_table:4
 4. ct_state=-trk,ip,reg0=0x2, priority 8192
    ct(table=2,zone=NXM_NX_REG6[0..15])
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 2.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,tun_id=0x8c8010,in_port=2,dl_dst=9e:8f:11:02:01:0a,nw_frag=no
Datapath actions: ct(zone=1),recirc(0x1)

===============================================================================
recirc(0x1) - resume conntrack with default ct_state=trk|new (use --ct-next to customize)
===============================================================================

Flow: recirc_id=0x1,ct_state=new|trk,ct_zone=1,eth,tcp,reg0=0x2,reg6=0x1,reg7=0x2,metadata=0x100,in_port=3,vlan_tci=0x0000,dl_src=9e:8f:11:02:00:0a,dl_dst=9e:8f:11:02:01:0a,nw_src=10.2.0.10,nw_dst=10.2.1.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=40000,tp_dst=8080,tcp_flags=0

bridge("br-int")
----------------
    thaw
        Resuming from table 2
 2. in_port=3, priority 100
    load:0x1->NXM_NX_REG6[]
    load:0x2->NXM_NX_REG0[]
    load:0x2->NXM_NX_REG7[]
    write_metadata:0x100/0x300
    goto_table:3
 3. priority 1
    goto_table:4
""";

    /// <summary>§4.3 (c) node B: from vxlan0 to b1, tcp 8080 allowed by b1's ingress policy after the conntrack resume.</summary>
    public const string NodeBIngressAllowed = NodeBIngressHead + "\n" + """
 4. ct_state=+new+trk,tcp,reg0=0x2,tp_dst=8080, priority 8192, cookie 0xc
    ct(commit,zone=NXM_NX_REG6[0..15])
    drop
     -> Sets the packet to an untracked state, and clears all the conntrack fields.
    goto_table:7
 7. priority 1
    goto_table:8
 8. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 2

Final flow: unchanged
Megaflow: recirc_id=0x1,ct_state=+new-est+trk,eth,tcp,in_port=3,tp_dst=8080
Datapath actions: ct(commit,zone=1),2
""";

    /// <summary>§4.4 (d) node B: tcp 80 not allowed by b1's policy: table-4 drop flow, then table 9 misses.</summary>
    public static readonly string NodeBIngressDenied = NodeBIngressHead.Replace("tp_dst=8080", "tp_dst=80") + "\n" + """
 4. priority 0, cookie 0x4000000000000000
    move:NXM_NX_REG0[]->NXM_NX_TUN_METADATA0[0..31]
     -> NXM_NX_TUN_METADATA0[0..31] is now 0x2
    move:NXM_NX_REG6[]->NXM_NX_TUN_METADATA6[0..31]
     -> NXM_NX_TUN_METADATA6[0..31] is now 0x1
    move:NXM_NX_CT_STATE[]->NXM_NX_TUN_METADATA8[0..31]
     -> NXM_NX_TUN_METADATA8[0..31] is now 0x21
    set_field:0x4->tun_metadata12
    set_field:0->tun_metadata13
    goto_table:9
 9. No match.
    drop

Final flow: unchanged
Megaflow: recirc_id=0x1,ct_state=+new-est+trk,eth,tcp,in_port=3,tp_dst=80
Datapath actions: drop
""";

    /// <summary>§4.5 (e): a2 egress denied at node A's br-access table 6 after the conntrack resume (label = real bridge).</summary>
    public const string EgressDenied = """
Flow: tcp,in_port=4,vlan_tci=0x0000,dl_src=9e:8f:11:02:00:0b,dl_dst=9e:8f:11:02:00:0a,nw_src=10.2.0.11,nw_dst=10.2.0.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=40000,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. priority 0
    goto_table:1
 1. priority 1
    goto_table:2
 2. in_port=4,vlan_tci=0x0000/0x1fff, priority 100
    load:0x2->NXM_NX_REG6[]
    load:0x2->NXM_NX_REG0[]
    load:0x5->NXM_NX_REG7[]
    write_metadata:0x200/0x300
    goto_table:5
 5. priority 1
    goto_table:6
 6. ct_state=-trk,ip,reg0=0x2, priority 8192
    ct(table=2,zone=NXM_NX_REG6[0..15])
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 2.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=4,nw_frag=no
Datapath actions: ct(zone=2),recirc(0x1)

===============================================================================
recirc(0x1) - resume conntrack with default ct_state=trk|new (use --ct-next to customize)
===============================================================================

Flow: recirc_id=0x1,ct_state=new|trk,ct_zone=2,eth,tcp,reg0=0x2,reg6=0x2,reg7=0x5,metadata=0x200,in_port=4,vlan_tci=0x0000,dl_src=9e:8f:11:02:00:0b,dl_dst=9e:8f:11:02:00:0a,nw_src=10.2.0.11,nw_dst=10.2.0.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=40000,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
    thaw
        Resuming from table 2
 2. in_port=4,vlan_tci=0x0000/0x1fff, priority 100
    load:0x2->NXM_NX_REG6[]
    load:0x2->NXM_NX_REG0[]
    load:0x5->NXM_NX_REG7[]
    write_metadata:0x200/0x300
    goto_table:5
 5. priority 1
    goto_table:6
 6. priority 0, cookie 0x4000000000000000
    move:NXM_NX_REG0[]->NXM_NX_TUN_METADATA0[0..31]
     -> NXM_NX_TUN_METADATA0[0..31] is now 0x2
    set_field:0x6->tun_metadata12
    set_field:0->tun_metadata13
    goto_table:9
 9. No match.
    drop

Final flow: unchanged
Megaflow: recirc_id=0x1,ct_state=+new-est+trk,eth,tcp,in_port=4,nw_frag=no
Datapath actions: drop
""";

    /// <summary>§4.6 (f) link 0: a1 → ClusterIP 10.96.0.10 udp 53, DNAT to coredns-1 (10.2.0.20) on the same node.</summary>
    public const string ServiceDnatLocal = "Flow: udp,in_port=2,vlan_tci=0x0000,dl_src=9e:8f:11:02:00:0a,dl_dst=00:22:bd:f8:19:ff,nw_src=10.2.0.10,nw_dst=10.96.0.10,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=40001,tp_dst=53\n\n"
        + AccessEgressA1 + "\n\n" + IntSourceA1 + "\n" + """
 5. udp,reg6=0x1,nw_dst=10.96.0.10,tp_dst=53, priority 50
    set_field:00:22:bd:f8:19:ff->eth_dst
    multipath(symmetric_l3l4+udp,1024,iter_hash,2,32,NXM_NX_REG7[])
     -> NXM_NX_REG7[] is now 0
    goto_table:6
 6. udp,reg6=0x1,metadata=0/0x200,nw_dst=10.96.0.10,tp_dst=53, priority 99
    set_field:10.2.0.20->ip_dst
    dec_ttl
    load:0xa60000a->NXM_NX_REG8[]
    load:0x1->NXM_NX_REG12[]
    ct(commit,zone=4,exec(load:0x1->NXM_NX_CT_MARK[]))
    load:0x1->NXM_NX_CT_MARK[]
     -> Sets the packet to an untracked state, and clears all the conntrack fields.
    write_metadata:0x400/0x400
    goto_table:7
 7. ip,reg6=0x1,dl_dst=00:22:bd:f8:19:ff,nw_dst=10.2.0.20, priority 500
    load:0x8c8004->NXM_NX_REG2[]
    load:0x6->NXM_NX_REG7[]
    set_field:00:22:bd:f8:19:ff->eth_src
    set_field:9e:8f:11:02:00:14->eth_dst
    dec_ttl
    write_metadata:0x400/0x400
    goto_table:12
12. udp,reg0=0x8c8010,reg2=0x8c8004,tp_dst=53, priority 8192, cookie 0x1
    goto_table:13
13. priority 10
    goto_table:14
14. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 6

bridge("br-access")
-------------------
 0. priority 0
    goto_table:1
 1. priority 1
    goto_table:2
 2. in_port=7, priority 100
    load:0x3->NXM_NX_REG6[]
    load:0x1->NXM_NX_REG0[]
    load:0x6->NXM_NX_REG7[]
    write_metadata:0x100/0x300
    goto_table:3
 3. priority 1
    goto_table:4
 4. reg0=0x1, priority 8192
    goto_table:7
 7. priority 1
    goto_table:8
 8. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 6

Final flow: udp,reg0=0x1,reg2=0x8c8004,reg4=0x1,reg5=0x1,reg6=0x3,reg7=0x6,reg8=0xa60000a,reg12=0x1,metadata=0x100,in_port=7,nw_dst=10.2.0.20,nw_ttl=62
Megaflow: recirc_id=0,eth,udp,in_port=2,nw_dst=10.96.0.10,nw_frag=no,tp_dst=53
Datapath actions: ct(commit,zone=4,mark=0x1/0xffffffff),set(ipv4(dst=10.2.0.20,ttl=62)),6
""";

    /// <summary>§4.6 reply leg on node A with ct state preset: the DNS snooping flow punts a copy, the packet is delivered.</summary>
    public const string DnsReplyWithSnooping = """
Flow: udp,tun_id=0x8c8010,ct_state=est|rpl|trk,ct_mark=0x1,in_port=2,vlan_tci=0x0000,dl_src=9e:8f:11:02:01:14,dl_dst=9e:8f:11:02:00:0a,nw_src=10.2.1.20,nw_dst=10.2.0.10,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=53,tp_dst=40000

bridge("br-int")
----------------
 0. priority 0
    goto_table:1
 1. in_port=2, priority 50
    goto_table:2
 2. tun_id=0x8c8010,in_port=2, priority 149
    load:0x8c8010->NXM_NX_REG0[]
    load:0x1->NXM_NX_REG4[]
    load:0x1->NXM_NX_REG5[]
    load:0x1->NXM_NX_REG6[]
    write_metadata:0x100/0x100
    goto_table:4
 4. ct_state=-new+est-inv+trk,ct_mark=0x1,udp,reg6=0x1,nw_src=10.2.1.20,tp_src=53, priority 100
    set_field:00:22:bd:f8:19:ff->eth_src
    set_field:10.96.0.10->ip_src
    dec_ttl
    write_metadata:0x400/0x400
    goto_table:5
 5. reg4=0x1,dl_dst=9e:8f:11:02:00:0a, priority 10
    load:0x8c8010->NXM_NX_REG2[]
    load:0x4->NXM_NX_REG7[]
    goto_table:12
12. reg0=0x8c8010,reg2=0x8c8010, priority 8292
    goto_table:13
13. priority 10
    goto_table:14
14. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 4

bridge("br-access")
-------------------
 0. priority 0
    goto_table:1
 1. priority 1
    goto_table:2
 2. in_port=3, priority 100
    load:0x1->NXM_NX_REG6[]
    load:0x1->NXM_NX_REG0[]
    load:0x2->NXM_NX_REG7[]
    write_metadata:0x100/0x300
    goto_table:3
 3. priority 1
    goto_table:4
 4. reg0=0x1, priority 8192
    goto_table:7
 7. udp,metadata=0x100/0x300,tp_src=53, priority 2, cookie 0x800000000000000d
    CONTROLLER:65535
    goto_table:8
 8. metadata=0/0xff, priority 1
    output:NXM_NX_REG7[]
     -> output port is 2

Final flow: unchanged
Megaflow: recirc_id=0,eth,udp,tun_id=0x8c8010,in_port=2,nw_src=10.2.1.20,nw_frag=no,tp_src=53
Datapath actions: set(eth(src=00:22:bd:f8:19:ff)),set(ipv4(src=10.96.0.10,ttl=63)),userspace(pid=0,controller(reason=1,dont_send=0,continuation=0,recirc_id=2,rule_cookie=0x800000000000000d,controller_id=0,max_len=65535)),2
""";

    /// <summary>§4.7 (g): a1 → 93.184.216.34 via SNAT on node A: ct nat(src) then out the uplink eth1 (port 1).</summary>
    public const string SnatEgress = "Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=9e:8f:11:02:00:0a,dl_dst=00:22:bd:f8:19:ff,nw_src=10.2.0.10,nw_dst=93.184.216.34,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=40000,tp_dst=443,tcp_flags=0\n\n"
        + AccessEgressA1 + "\n\n" + IntSourceA1 + "\n" + """
 5. reg4=0x1, priority 2
    goto_table:7
 7. ip,reg6=0x1,nw_src=10.2.0.10, priority 300
    goto_table:8
 8. ip,reg6=0x1,nw_src=10.2.0.10, priority 300
    ct(commit,zone=8191,nat(src=172.28.184.10:5000-7999,persistent))
    nat(src=172.28.184.10:5000-7999,persistent)
     -> Sets the packet to an untracked state, and clears all the conntrack fields.
    push_vlan:0x8100
    set_field:8099->vlan_vid
    output:1

Final flow: tcp,reg0=0x8c8010,reg4=0x1,reg5=0x1,reg6=0x1,in_port=4,dl_vlan=4003,dl_vlan_pcp=0,vlan_tci1=0x0000,nw_src=10.2.0.10,nw_dst=93.184.216.34,tp_dst=443
Megaflow: recirc_id=0,eth,tcp,in_port=2,nw_src=10.2.0.10,nw_frag=no
Datapath actions: ct(commit,zone=8191,nat(src=172.28.184.10:5000-7999,persistent)),push_vlan(vid=4003,pcp=0),1
""";

    /// <summary>§4.2 variant: table 12's POLICY_APPLIED block (priority 8242) drops explicitly, outside the drop table.</summary>
    public const string PolicyAppliedBlock = """
Flow: tcp,tun_id=0x8c8011,in_port=2,nw_src=10.2.1.11,nw_dst=10.2.0.10,tp_dst=80

bridge("br-int")
----------------
 0. priority 0
    goto_table:1
 1. in_port=2, priority 50
    goto_table:2
 2. tun_id=0x8c8011,in_port=2, priority 149
    load:0x8c8011->NXM_NX_REG0[]
    write_metadata:0x100/0x100
    goto_table:4
 4. priority 1
    goto_table:5
 5. reg4=0x1,dl_dst=9e:8f:11:02:00:0a, priority 10
    load:0x8c8010->NXM_NX_REG2[]
    load:0x4->NXM_NX_REG7[]
    goto_table:12
12. metadata=0x100/0x100, priority 8242
    drop

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,tun_id=0x8c8011,in_port=2,nw_frag=no
Datapath actions: drop
""";
}
