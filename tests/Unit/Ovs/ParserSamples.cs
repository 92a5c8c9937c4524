namespace AciTrace.Tests.Unit.Ovs;

/// <summary>
/// Real ofproto/trace output captured from Open vSwitch 3.1.0 (userspace dummy datapath) while writing the parser.
/// Each constant is verbatim stdout (and stderr for the error ones); the comment gives the command.
/// </summary>
internal static class ParserSamples
{
    /// <summary><c>ovs-appctl ofproto/trace br-access 'in_port=1,tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,tp_dst=80'  (lab-feasibility 1.5/1.6 topology)</c></summary>
    public const string LabA_PatchConntrackSameNode = """
Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11, priority 100
    load:0x1->NXM_NX_REG0[]
    goto_table:10
10. ip, priority 100
    set_field:0x5->reg1
    output:100

bridge("br-int")
----------------
 0. ip,in_port=100, priority 100
    load:0x64->NXM_NX_REG6[]
    write_metadata:0x1/0xff
    goto_table:10
10. ip, priority 100
    ct(table=20,zone=NXM_NX_REG6[0..15])
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 20.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: tcp,reg0=0x1,reg1=0x5,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,tcp,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11,nw_frag=no,tp_dst=0x40/0xffc0
Datapath actions: ct(zone=100),recirc(0x1)

===============================================================================
recirc(0x1) - resume conntrack with default ct_state=trk|new (use --ct-next to customize)
===============================================================================

Flow: recirc_id=0x1,ct_state=new|trk,ct_zone=100,eth,tcp,reg6=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
    thaw
        Resuming from table 20
20. ct_state=+new+trk,ip, priority 100
    ct(commit,zone=NXM_NX_REG6[0..15])
    drop
     -> Sets the packet to an untracked state, and clears all the conntrack fields.
    goto_table:30
30. ip, priority 100
    goto_table:40
40. ip,nw_dst=10.1.0.0/24, priority 100
    load:0x64->NXM_NX_REG7[]
    resubmit(,50)
50. reg7=0x64,in_port=100, priority 110
    IN_PORT

bridge("br-access")
-------------------
 0. ip,in_port=100,nw_dst=10.1.0.12, priority 100
    output:2

Final flow: recirc_id=0x1,eth,tcp,reg6=0x64,reg7=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0x1,ct_state=+new+trk,eth,ip,in_port=100,nw_dst=10.1.0.12,nw_frag=no
Datapath actions: ct(commit,zone=100),2
""";

    /// <summary><c>ovs-appctl ofproto/trace br-access 'in_port=1,tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:21,nw_src=10.1.0.11,nw_dst=10.2.0.21,tp_dst=80' --ct-next 'trk,new'</c></summary>
    public const string LabB_KernelTunnelAfterResume = """
Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:21,nw_src=10.1.0.11,nw_dst=10.2.0.21,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11, priority 100
    load:0x1->NXM_NX_REG0[]
    goto_table:10
10. ip, priority 100
    set_field:0x5->reg1
    output:100

bridge("br-int")
----------------
 0. ip,in_port=100, priority 100
    load:0x64->NXM_NX_REG6[]
    write_metadata:0x1/0xff
    goto_table:10
10. ip, priority 100
    ct(table=20,zone=NXM_NX_REG6[0..15])
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 20.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: tcp,reg0=0x1,reg1=0x5,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:21,nw_src=10.1.0.11,nw_dst=10.2.0.21,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,tcp,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11,nw_frag=no,tp_dst=0x40/0xffc0
Datapath actions: ct(zone=100),recirc(0x2)

===============================================================================
recirc(0x2) - resume conntrack with ct_state=new|trk
===============================================================================

Flow: recirc_id=0x2,ct_state=new|trk,ct_zone=100,eth,tcp,reg6=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:21,nw_src=10.1.0.11,nw_dst=10.2.0.21,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
    thaw
        Resuming from table 20
20. ct_state=+new+trk,ip, priority 100
    ct(commit,zone=NXM_NX_REG6[0..15])
    drop
     -> Sets the packet to an untracked state, and clears all the conntrack fields.
    goto_table:30
30. ip, priority 100
    goto_table:40
40. ip,nw_dst=10.2.0.0/24, priority 100
    set_field:0x64->tun_id
    set_field:192.168.50.2->tun_dst
    load:0xc8->NXM_NX_REG7[]
    resubmit(,50)
50. priority 100
    output:NXM_NX_REG7[]
     -> output port is 200
     -> output to kernel tunnel

Final flow: recirc_id=0x2,eth,tcp,reg6=0x64,reg7=0xc8,tun_src=0.0.0.0,tun_dst=192.168.50.2,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:21,nw_src=10.1.0.11,nw_dst=10.2.0.21,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0x2,ct_state=+new+trk,eth,ip,in_port=100,nw_dst=10.2.0.0/24,nw_ecn=0,nw_frag=no
Datapath actions: ct(commit,zone=100),set(tunnel(tun_id=0x64,src=10.0.0.1,dst=192.168.50.2,ttl=64,tp_dst=4789,flags(df|key))),4789
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int 'in_port=100,tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:99,nw_src=10.1.0.11,nw_dst=10.96.0.10,tp_src=33333,tp_dst=80' --ct-next 'trk,est'</c></summary>
    public const string LabC_SelectGroupNestedBridge = """
Flow: tcp,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:99,nw_src=10.1.0.11,nw_dst=10.96.0.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=33333,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=100, priority 100
    load:0x64->NXM_NX_REG6[]
    write_metadata:0x1/0xff
    goto_table:10
10. ip, priority 100
    ct(table=20,zone=NXM_NX_REG6[0..15])
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 20.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: tcp,reg6=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:99,nw_src=10.1.0.11,nw_dst=10.96.0.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=33333,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,ip,in_port=100,nw_frag=no
Datapath actions: ct(zone=100),recirc(0x3)

===============================================================================
recirc(0x3) - resume conntrack with ct_state=est|trk
===============================================================================

Flow: recirc_id=0x3,ct_state=est|trk,ct_zone=100,eth,tcp,reg6=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:99,nw_src=10.1.0.11,nw_dst=10.96.0.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=33333,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
    thaw
        Resuming from table 20
20. ct_state=+est+trk,ip, priority 100
    goto_table:30
30. tcp,nw_dst=10.96.0.10,tp_dst=80, priority 200
    group:1
     -> bucket 0: score 5478900
     -> bucket 1: score 2722700
     -> using bucket 0
    bucket 0
            set_field:10.1.0.12->ip_dst
            resubmit(,40)
        40. ip,nw_dst=10.1.0.0/24, priority 100
            load:0x64->NXM_NX_REG7[]
            resubmit(,50)
        50. reg7=0x64,in_port=100, priority 110
            IN_PORT

        bridge("br-access")
        -------------------
         0. ip,in_port=100,nw_dst=10.1.0.12, priority 100
            output:2

Final flow: unchanged
Megaflow: recirc_id=0x3,ct_state=-new+est+trk,eth,tcp,in_port=100,nw_src=10.1.0.11,nw_dst=10.96.0.10,nw_frag=no,tp_dst=80
Datapath actions: set(ipv4(dst=10.1.0.12)),2
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int 'tun_id=0x64,tun_src=192.168.50.2,tun_dst=10.0.0.1,in_port=200,tcp,dl_src=02:00:00:00:00:21,dl_dst=02:00:00:00:00:01,nw_src=10.2.0.21,nw_dst=10.1.0.11,tp_src=80,tp_dst=33333' --ct-next 'trk,est'</c></summary>
    public const string LabD_FromTunnel = """
Flow: tcp,tun_src=192.168.50.2,tun_dst=10.0.0.1,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,in_port=200,vlan_tci=0x0000,dl_src=02:00:00:00:00:21,dl_dst=02:00:00:00:00:01,nw_src=10.2.0.21,nw_dst=10.1.0.11,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=80,tp_dst=33333,tcp_flags=0

bridge("br-int")
----------------
 0. ip,tun_id=0x64,in_port=200, priority 100
    load:0x64->NXM_NX_REG6[]
    write_metadata:0x2/0xff
    goto_table:10
10. ip, priority 100
    ct(table=20,zone=NXM_NX_REG6[0..15])
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 20.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: tcp,reg6=0x64,tun_src=192.168.50.2,tun_dst=10.0.0.1,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,metadata=0x2,in_port=200,vlan_tci=0x0000,dl_src=02:00:00:00:00:21,dl_dst=02:00:00:00:00:01,nw_src=10.2.0.21,nw_dst=10.1.0.11,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=80,tp_dst=33333,tcp_flags=0
Megaflow: recirc_id=0,eth,ip,tun_id=0x64,tun_src=192.168.50.2,tun_dst=10.0.0.1,tun_tos=0,tun_flags=-df-csum-key,in_port=200,nw_frag=no
Datapath actions: ct(zone=100),recirc(0x4)

===============================================================================
recirc(0x4) - resume conntrack with ct_state=est|trk
===============================================================================

Flow: recirc_id=0x4,ct_state=est|trk,ct_zone=100,eth,tcp,reg6=0x64,tun_src=192.168.50.2,tun_dst=10.0.0.1,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,metadata=0x2,in_port=200,vlan_tci=0x0000,dl_src=02:00:00:00:00:21,dl_dst=02:00:00:00:00:01,nw_src=10.2.0.21,nw_dst=10.1.0.11,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=80,tp_dst=33333,tcp_flags=0

bridge("br-int")
----------------
    thaw
        Resuming from table 20
20. ct_state=+est+trk,ip, priority 100
    goto_table:30
30. ip, priority 100
    goto_table:40
40. ip,nw_dst=10.1.0.0/24, priority 100
    load:0x64->NXM_NX_REG7[]
    resubmit(,50)
50. priority 100
    output:NXM_NX_REG7[]
     -> output port is 100

bridge("br-access")
-------------------
 0. ip,in_port=100,nw_dst=10.1.0.11, priority 100
    output:1

Final flow: recirc_id=0x4,ct_state=est|trk,ct_zone=100,eth,tcp,reg6=0x64,reg7=0x64,tun_src=192.168.50.2,tun_dst=10.0.0.1,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,metadata=0x2,in_port=200,vlan_tci=0x0000,dl_src=02:00:00:00:00:21,dl_dst=02:00:00:00:00:01,nw_src=10.2.0.21,nw_dst=10.1.0.11,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=80,tp_dst=33333,tcp_flags=0
Megaflow: recirc_id=0x4,ct_state=-new+est+trk,eth,ip,tun_id=0x64,tun_src=192.168.50.2,tun_dst=10.0.0.1,tun_tos=0,tun_flags=-df-csum-key,in_port=200,nw_dst=10.1.0.11,nw_frag=no
Datapath actions: 1
""";

    /// <summary><c>ovs-appctl ofproto/trace br-access 'in_port=1,tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,tp_dst=22'</c></summary>
    public const string LabE_ExplicitDrop = """
Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=22,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11, priority 100
    load:0x1->NXM_NX_REG0[]
    goto_table:10
10. tcp,tp_dst=22, priority 200
    drop

Final flow: tcp,reg0=0x1,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=22,tcp_flags=0
Megaflow: recirc_id=0,eth,tcp,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11,nw_frag=no,tp_dst=22
Datapath actions: drop
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int 'in_port=100,tcp,nw_src=10.1.0.11,nw_dst=10.1.0.12,tp_dst=80' --ct-next 'trk,inv'</c></summary>
    public const string LabG_CtInvalidDrop = """
Flow: tcp,in_port=100,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=100, priority 100
    load:0x64->NXM_NX_REG6[]
    write_metadata:0x1/0xff
    goto_table:10
10. ip, priority 100
    ct(table=20,zone=NXM_NX_REG6[0..15])
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 20.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: tcp,reg6=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,ip,in_port=100,nw_frag=no
Datapath actions: ct(zone=100),recirc(0x5)

===============================================================================
recirc(0x5) - resume conntrack with ct_state=inv|trk
===============================================================================

Flow: recirc_id=0x5,ct_state=inv|trk,ct_zone=100,eth,tcp,reg6=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
    thaw
        Resuming from table 20
20. ct_state=+inv+trk, priority 100
    drop

Final flow: unchanged
Megaflow: recirc_id=0x5,ct_state=-new-est+inv+trk,eth,ip,in_port=100,nw_frag=no
Datapath actions: drop
""";

    /// <summary><c>ovs-appctl ofproto/trace br-access 'in_port=2,tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,tp_dst=80,nw_dst=10.0.0.1'  (parser sandbox: br-access veth1=2 pa-1=3 veth2=4; br-int pi-1=4 eth1=1 vxlan0=2)</c></summary>
    public const string NestedResubmitMissRule = """
Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.1,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=2,nw_dst=10.0.0.1, priority 100
    resubmit(,5)
     5. priority 10
            load:0x1->NXM_NX_REG0[]
    load:0x3->NXM_NX_REG7[]
    goto_table:1
 1. priority 1
    goto_table:8
 8. priority 1
    output:NXM_NX_REG7[]
     -> output port is 3

bridge("br-int")
----------------
 0. ip,in_port=4,nw_dst=10.0.0.1, priority 100
    goto_table:2
 2. reg0=0x2, priority 0
    drop

Final flow: tcp,reg0=0x1,reg7=0x3,in_port=2,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.1,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,ip,in_port=2,nw_dst=10.0.0.1,nw_frag=no
Datapath actions: drop
""";

    /// <summary><c>ovs-appctl ofproto/trace br-access '...,nw_dst=10.0.0.2'  (group 1 type=all: output:3 / output:4 / resubmit(,5))</c></summary>
    public const string GroupAllNestedBridge = """
Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=2,nw_dst=10.0.0.2, priority 100
    group:1
    bucket 0
            output:3

        bridge("br-int")
        ----------------
         0. ip,in_port=4,nw_dst=10.0.0.2, priority 100
            output:4
             >> skipping output to input port
    bucket 1
            output:4
    bucket 2
            resubmit(,5)
         5. priority 10
            load:0x1->NXM_NX_REG0[]

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=2,nw_dst=10.0.0.2,nw_frag=no
Datapath actions: 2
""";

    /// <summary><c>ovs-appctl ofproto/trace br-access '...,nw_dst=10.0.0.3'  (clone(...),output:3; br-int tunnel output with native tunnelling and no route)</c></summary>
    public const string CloneNativeTunnelFail = """
Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.3,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=2,nw_dst=10.0.0.3, priority 100
    clone(set_field:10.9.9.9->ip_dst,output:4)
    set_field:10.9.9.9->ip_dst
    output:4
    output:3

bridge("br-int")
----------------
 0. ip,in_port=4,nw_dst=10.0.0.3, priority 100
    move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31]
     -> NXM_NX_TUN_ID[0..31] is now 0
    load:0xa000020->NXM_NX_TUN_IPV4_DST[]
    output:2
     -> output to native tunnel
     >> native tunnel routing failed

Final flow: unchanged
Megaflow: recirc_id=0,eth,tcp,in_port=2,nw_dst=10.0.0.3,nw_ecn=0,nw_frag=no
Datapath actions: set(ipv4(dst=10.9.9.9)),2,set(ipv4(dst=10.0.0.3))
""";

    /// <summary><c>ovs-appctl ofproto/trace br-access '...,nw_dst=10.0.0.4'  (CONTROLLER:65535,goto_table:8; reg7 unset)</c></summary>
    public const string ControllerNonexistentPort = """
Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.4,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=2,nw_dst=10.0.0.4, priority 100
    CONTROLLER:65535
    goto_table:8
 8. priority 1
    output:NXM_NX_REG7[]
     -> output port is 0
     >> Nonexistent output port

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=2,nw_dst=10.0.0.4,nw_frag=no
Datapath actions: userspace(pid=0,controller(reason=1,dont_send=1,continuation=0,recirc_id=4,rule_cookie=0,controller_id=0,max_len=65535))
""";

    /// <summary><c>ovs-appctl ofproto/trace br-access '...,nw_dst=10.0.0.5'  (output:2 with in_port=2)</c></summary>
    public const string SkipInputPort = """
Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.5,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=2,nw_dst=10.0.0.5, priority 100
    output:2
     >> skipping output to input port

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=2,nw_dst=10.0.0.5,nw_frag=no
Datapath actions: drop
""";

    /// <summary><c>ovs-appctl ofproto/trace br-access '...,nw_dst=10.0.0.6'  (goto_table:7, table 7 empty)</c></summary>
    public const string NoMatch = """
Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.6,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=2,nw_dst=10.0.0.6, priority 100
    goto_table:7
 7. No match.
    drop

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=2,nw_dst=10.0.0.6,nw_frag=no
Datapath actions: drop
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int 'in_port=1,tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,tp_dst=80,nw_dst=10.0.0.7'</c></summary>
    public const string DoubleRecircNat = """
Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.7,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=1,nw_dst=10.0.0.7, priority 100
    ct(table=3,zone=8191,nat)
    nat
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 3.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=1,nw_dst=10.0.0.7,nw_frag=no
Datapath actions: ct(zone=8191,nat),recirc(0x5)

===============================================================================
recirc(0x5) - resume conntrack with default ct_state=trk|new (use --ct-next to customize)
Replacing src/dst IP/ports to simulate NAT:
 Initial flow: 
 Modified flow: 
===============================================================================

Flow: recirc_id=0x5,ct_state=new|trk,ct_zone=8191,eth,tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.7,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
    thaw
        Resuming from table 3
 3. ct_state=+trk,ip, priority 10
    ct(table=5,zone=9)
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 5.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: recirc_id=0x5,eth,tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.7,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0x5,ct_state=+trk,eth,ip,in_port=1,nw_frag=no
Datapath actions: ct(zone=9),recirc(0x6)

===============================================================================
recirc(0x6) - resume conntrack with default ct_state=trk|new (use --ct-next to customize)
===============================================================================

Flow: recirc_id=0x6,ct_state=new|trk,ct_zone=9,eth,tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.7,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
    thaw
        Resuming from table 5
 5. ct_state=+trk,ip, priority 10
    output:4

bridge("br-access")
-------------------
 0. ip,in_port=3, priority 100
    output:4

Final flow: unchanged
Megaflow: recirc_id=0x6,ct_state=+trk,eth,ip,in_port=1,nw_frag=no
Datapath actions: 2
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int '...,nw_dst=10.0.0.8'  (ct(commit,exec(2 loads)),clone(drop),output:4)</c></summary>
    public const string CtExecClone = """
Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.8,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=1,nw_dst=10.0.0.8, priority 100
    ct(commit,zone=4,exec(load:0x1->NXM_NX_CT_MARK[],load:0x2->NXM_NX_CT_LABEL[0..31]))
    load:0x1->NXM_NX_CT_MARK[]
    load:0x2->NXM_NX_CT_LABEL[0..31]
     -> Sets the packet to an untracked state, and clears all the conntrack fields.
    clone(drop)
    drop
    output:4

bridge("br-access")
-------------------
 0. ip,in_port=3, priority 100
    output:4

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=1,nw_dst=10.0.0.8,nw_frag=no
Datapath actions: ct(commit,zone=4,mark=0x1/0xffffffff,label=0x2/0xffffffff),2
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int '...,nw_dst=10.0.0.9'  (resubmit(,3),resubmit(,5); both miss)</c></summary>
    public const string NestedNoMatch = """
Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.9,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=1,nw_dst=10.0.0.9, priority 100
    resubmit(,3)
     3. No match.
            drop
    resubmit(,5)
 5. No match.
    drop

Final flow: unchanged
Megaflow: recirc_id=0,ct_state=-trk,eth,ip,in_port=1,nw_dst=10.0.0.9,nw_frag=no
Datapath actions: drop
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int 'in_port=4,tcp,nw_dst=10.0.0.6,tp_dst=443'</c></summary>
    public const string SnatCommit = """
Flow: tcp,in_port=4,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=10.0.0.6,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=443,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=4,nw_dst=10.0.0.6, priority 100
    ct(commit,zone=8191,nat(src=172.28.184.10:5000-7999,persistent))
    nat(src=172.28.184.10:5000-7999,persistent)
     -> Sets the packet to an untracked state, and clears all the conntrack fields.
    push_vlan:0x8100
    set_field:8099->vlan_vid
    output:1

Final flow: tcp,in_port=4,dl_vlan=4003,dl_vlan_pcp=0,vlan_tci1=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=10.0.0.6,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=443,tcp_flags=0
Megaflow: recirc_id=0,eth,ip,in_port=4,nw_dst=10.0.0.6,nw_frag=no
Datapath actions: ct(commit,zone=8191,nat(src=172.28.184.10:5000-7999,persistent)),push_vlan(vid=4003,pcp=0),4
""";

    /// <summary><c>ovs-appctl ofproto/trace br-nope 'in_port=1'  (stdout+stderr, exit 2)</c></summary>
    public const string ErrUnknownBridge = """
br-nope: unknown bridge
ovs-appctl: ovs-vswitchd: server returned an error
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int 'in_port=1,udp,tp_dst=53'  (stdout+stderr, exit 2)</c></summary>
    public const string ErrPrereq = """
Bad openflow flow syntax: in_port=1,udp,tp_dst=53: prerequisites not met for setting tp_dst
ovs-appctl: ovs-vswitchd: server returned an error
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int 'in_port=4,tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,tp_dst=80,nw_dst=10.0.0.10'  (table 12 prio 1 cookie 0xc00000000000000c -&gt; goto_table:15)</c></summary>
    public const string PolicyDropTable15 = """
Flow: tcp,in_port=4,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=4,nw_dst=10.0.0.10, priority 100
    load:0x8c8010->NXM_NX_REG0[]
    load:0x1->NXM_NX_REG6[]
    goto_table:12
12. reg6=0x1, priority 1, cookie 0xc00000000000000c
    set_field:0xc->reg1
    goto_table:15
15. No match.
    drop

Final flow: tcp,reg0=0x8c8010,reg1=0xc,reg6=0x1,in_port=4,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,ip,in_port=4,nw_dst=10.0.0.10,nw_frag=no
Datapath actions: drop
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int '...,nw_dst=10.0.0.11'  (tnl_push_pop false; table 14 move reg0-&gt;tun_id, load tun_dst, output:2)</c></summary>
    public const string KernelTunnelOut = """
Flow: tcp,in_port=4,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.11,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=4,nw_dst=10.0.0.11, priority 100
    load:0x8c8010->NXM_NX_REG0[]
    goto_table:14
14. reg0=0x8c8010, priority 10
    move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31]
     -> NXM_NX_TUN_ID[0..31] is now 0x8c8010
    load:0xa000020->NXM_NX_TUN_IPV4_DST[]
    output:2
     -> output to kernel tunnel

Final flow: tcp,reg0=0x8c8010,tun_src=0.0.0.0,tun_dst=10.0.0.32,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,in_port=4,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.11,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,ip,in_port=4,nw_dst=10.0.0.11,nw_ecn=0,nw_frag=no
Datapath actions: set(tunnel(tun_id=0x8c8010,src=10.0.176.65,dst=10.0.0.32,ttl=64,tp_dst=4789,flags(df|key))),4789
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int '...,nw_dst=10.0.0.12'</c></summary>
    public const string ControllerOnly = """
Flow: tcp,in_port=4,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=4,nw_dst=10.0.0.12, priority 100
    CONTROLLER:65535

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=4,nw_dst=10.0.0.12,nw_frag=no
Datapath actions: userspace(pid=0,controller(reason=1,dont_send=1,continuation=0,recirc_id=7,rule_cookie=0,controller_id=0,max_len=65535))
""";

    /// <summary><c>ovs-appctl ofproto/trace br-int '...,nw_dst=10.0.0.13'  (output:2 to vxlan0 without tun_dst)</c></summary>
    public const string TunnelNoDst = """
Flow: tcp,in_port=4,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.13,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
 0. ip,in_port=4,nw_dst=10.0.0.13, priority 100
    output:2
     >> Not tunneling to our own address

Final flow: tcp,in_port=4,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.0.0.13,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,ip,in_port=4,nw_dst=10.0.0.13,nw_ecn=0,nw_frag=no
Datapath actions: drop
""";

}
