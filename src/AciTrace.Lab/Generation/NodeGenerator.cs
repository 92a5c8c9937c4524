using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using AciTrace.Lab.Spec;
using static AciTrace.Lab.Generation.Of;

namespace AciTrace.Lab.Generation;

/// <summary>A service-mapping as the host-agent writes it (one per service port and resolved target port).</summary>
public sealed record ServiceBackends(ResolvedService Service, ResolvedServicePort Port, int NextHopPort, IReadOnlyList<ResolvedPod> NextHops);

/// <summary>
/// The way into a LoadBalancer Service from outside on one node, as the aci-containers host agent writes the node's
/// external copy of the Service: its LoadBalancer ingress IP and port, and the node's own ready backends (the file is
/// written only on a node that runs one). The host agent writes neither spec.externalIPs nor node ports into it (node
/// ports are the node's network stack's, kube-proxy's, not OVS's).
/// </summary>
public sealed record ExternalEntry(ServiceBackends Mapping, IPAddress Address, IReadOnlyList<ResolvedPod> NextHops)
{
    /// <summary>The Service port the fabric sends to.</summary>
    public int EntryPort => Mapping.Port.Port;

    /// <summary>The key of its conntrack mark in the service id map: the external copy's uuid, as the agent keys it.</summary>
    public string IdKey => AciTrace.Aci.ServiceFile.ExternalUuid(Mapping.Service.Uid);
}

/// <summary>Generates one node the way opflex-agent (stitched mode) and the aci-containers host-agent program it.</summary>
public sealed class NodeGenerator
{
    private const string NxZone = "zone=NXM_NX_REG6[0..15]";
    private readonly ResolvedCluster _c;
    private readonly ResolvedNode _node;
    private readonly SecurityGroupModel _sgs;
    private readonly AciUris _uris;
    private readonly IdAllocator _ids = new();
    private readonly FlowList _acc = new();
    private readonly FlowList _int = new();
    private readonly List<LabPort> _ports = [];
    private readonly Dictionary<string, LabEndpoint> _eps = [];
    private readonly HashSet<uint> _renderedSets = [];
    private uint _rd, _bd, _fd;

    private NodeGenerator(ResolvedCluster c, ResolvedNode node, SecurityGroupModel sgs)
    {
        _c = c;
        _node = node;
        _sgs = sgs;
        _uris = new AciUris(c);
    }

    /// <summary>Generates every node of the cluster.</summary>
    public static IReadOnlyList<GeneratedNode> GenerateAll(ResolvedCluster c)
    {
        var sgs = new SecurityGroupModel(c);
        return c.Nodes.Select(n => new NodeGenerator(c, n, sgs).Run()).ToList();
    }

    /// <summary>Generates one node.</summary>
    public static GeneratedNode Generate(ResolvedCluster c, ResolvedNode node) => new NodeGenerator(c, node, new SecurityGroupModel(c)).Run();

    /// <summary>Service mappings of the cluster (the same on every node).</summary>
    public static IReadOnlyList<ServiceBackends> ServiceMappings(ResolvedCluster c)
    {
        var result = new List<ServiceBackends>();
        foreach (var s in c.Services)
            foreach (var port in s.Ports)
            {
                var backends = c.SelectPods(s.Namespace, s.Selector).ToList();
                var byPort = new List<(int Port, List<ResolvedPod> Pods)>();
                foreach (var pod in backends)
                {
                    int? np = int.TryParse(port.TargetPort, out var n) ? n
                        : pod.Ports.FirstOrDefault(cp => cp.Name == port.TargetPort && cp.Protocol == port.Protocol)?.Port;
                    if (np is null) continue;
                    var g = byPort.FindIndex(x => x.Port == np);
                    if (g < 0) byPort.Add((np.Value, [pod])); else byPort[g].Pods.Add(pod);
                }
                if (byPort.Count == 0) result.Add(new ServiceBackends(s, port, int.TryParse(port.TargetPort, out var t) ? t : port.Port, []));
                foreach (var (np, pods) in byPort) result.Add(new ServiceBackends(s, port, np, pods));
            }
        return result;
    }

    /// <summary>The ways into LoadBalancer Services on <paramref name="node"/>: one per service mapping with a local backend.</summary>
    public static IReadOnlyList<ExternalEntry> ExternalEntries(ResolvedCluster c, ResolvedNode node)
    {
        var result = new List<ExternalEntry>();
        foreach (var m in ServiceMappings(c).Where(m => m.Service.LoadBalancerIp is not null))
        {
            var local = m.NextHops.Where(p => p.Node == node.Name && p.HasVeth).ToList();
            if (local.Count > 0) result.Add(new ExternalEntry(m, m.Service.LoadBalancerIp!, local));
        }
        return result;
    }

    /// <summary>Endpoint uuid of a pod: podUID_containerID_veth.</summary>
    public static string EndpointUuid(ResolvedPod p) =>
        $"{p.Uid}_{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("container:" + p.Uid))).ToLowerInvariant()}_{p.VethName}";

    private GeneratedNode Run()
    {
        _ids.Get(IdNs.SecGroupSet, "");
        _rd = _ids.Get(IdNs.RoutingDomain, _uris.RoutingDomain);
        _bd = _ids.Get(IdNs.BridgeDomain, _uris.BridgeDomain);
        _fd = _ids.Get(IdNs.FloodDomain, _uris.FloodDomain);
        foreach (var k in _c.Contracts)
            foreach (var f in k.Filters) _ids.Get(IdNs.L24Classifier, _uris.Classifier(AciUris.FilterClassifierName(k, f)));

        BuildPorts();
        var local = _c.NetworkedPodsOn(_node.Name).ToList();
        AccessStatic();
        IntStatic();
        foreach (var e in _c.Epgs) EpgFlows(e);
        RoutingDomainFlows();
        Contracts();

        var mappings = ServiceMappings(_c);
        foreach (var pod in local)
        {
            var ep = AddEndpoint(pod);
            var serviceIps = mappings.Where(m => m.NextHops.Contains(pod)).Select(m => m.Service.ClusterIp).Distinct().ToList();
            AccessEndpoint(pod, ep, serviceIps);
            IntEndpoint(pod, ep);
        }
        var serviceZone = _ids.Get(IdNs.Conntrack, _uris.RoutingDomain);
        foreach (var s in _c.Services) _ids.Get(IdNs.Service, s.Uid);
        foreach (var m in mappings) ServiceFlows(m, serviceZone);
        var external = ExternalEntries(_c, _node);
        ExternalServiceFlows(external, serviceZone);
        var snatFiles = Snat(local);
        var groups = FloodGroup(local);

        var files = new NodeFiles(_c, _node, _sgs, _uris);
        return new GeneratedNode
        {
            Name = _node.Name,
            Ports = _ports,
            AccessFlows = _acc.Flows,
            IntFlows = _int.Flows,
            IntGroups = groups,
            Ids = _ids.Snapshot(),
            Endpoints = _eps,
            EndpointFiles = local.ToDictionary(p => EndpointUuid(p) + ".ep", p => files.EndpointJson(p, _eps[p.Key], mappings, SnatOf(p))),
            ServiceFiles = _c.Services.ToDictionary(s => s.Uid + ".service", s => files.ServiceJson(s, mappings.Where(m => m.Service == s).ToList()))
                .Concat(external.GroupBy(e => e.Mapping.Service).Select(g => KeyValuePair.Create(AciTrace.Aci.ServiceFile.ExternalUuid(g.Key.Uid) + ".service", files.ExternalServiceJson(g.Key, g.ToList()))))
                .ToDictionary(),
            SnatFiles = snatFiles,
            PolicyDump = files.PolicyDump(),
        };
    }

    private int Uplink => 1;
    private int Tunnel => 2;

    private void BuildPorts()
    {
        var none = new Dictionary<string, string>();
        _ports.Add(new LabPort("br-int", _node.Uplink, "dummy", 1, none));
        _ports.Add(new LabPort("br-int", "vxlan0", "vxlan", 2, new Dictionary<string, string>
            { ["remote_ip"] = "flow", ["key"] = "flow", ["dst_port"] = "8472", ["local_ip"] = _node.VtepIp.ToString() }));
        var nextInt = 3;
        var nextAcc = 1;
        if (_c.Spec.DropLog)
        {
            _ports.Add(new LabPort("br-int", "gen1", "geneve", nextInt++, new Dictionary<string, string> { ["remote_ip"] = "flow", ["key"] = "1" }));
            _ports.Add(new LabPort("br-access", "gen2", "geneve", nextAcc++, new Dictionary<string, string> { ["remote_ip"] = "flow", ["key"] = "2" }));
        }
        foreach (var p in _c.NetworkedPodsOn(_node.Name))
        {
            _ports.Add(new LabPort("br-access", p.VethName, "dummy", nextAcc++, none));
            _ports.Add(new LabPort("br-access", "pa-" + p.VethName, "patch", nextAcc++, new Dictionary<string, string> { ["peer"] = "pi-" + p.VethName }));
            _ports.Add(new LabPort("br-int", "pi-" + p.VethName, "patch", nextInt++, new Dictionary<string, string> { ["peer"] = "pa-" + p.VethName }));
        }
    }

    private int Port(string name) => _ports.First(p => p.Name == name).OfPort;

    // ---------------------------------------------------------------- br-access

    private void AccessStatic()
    {
        _acc.Add(0, 0, "", "goto_table:1");
        // Unfiltered drop logging on (DROP_LOG_TABLE, pipeline doc table 0): every packet carries the export bit.
        if (_c.Spec.DropLog) _acc.Add(0, 2, "", "write_metadata:0x800/0x800,goto_table:1");
        _acc.Add(1, 1, "", "goto_table:2");
        _acc.Add(3, 1, "", "goto_table:4");
        _acc.Add(5, 1, "", "goto_table:6");
        _acc.Add(4, 8192, "reg0=0x1", "goto_table:7");
        _acc.Add(6, 8192, "reg0=0x1", "goto_table:7");
        _acc.Add(7, 2, "tcp,metadata=0x100/0x300,tp_src=53", "CONTROLLER:65535,goto_table:8", DefCookie(13));
        _acc.Add(7, 2, "udp,metadata=0x100/0x300,tp_src=53", "CONTROLLER:65535,goto_table:8", DefCookie(13));
        _acc.Add(7, 2, "tcp6,metadata=0x100/0x300,tp_src=53", "CONTROLLER:65535,goto_table:8", DefCookie(14));
        _acc.Add(7, 2, "udp6,metadata=0x100/0x300,tp_src=53", "CONTROLLER:65535,goto_table:8", DefCookie(14));
        _acc.Add(7, 1, "", "goto_table:8");
        _acc.Add(8, 1, "metadata=0/0xff", "output:NXM_NX_REG7[]");
        _acc.Add(8, 1, "metadata=0x1/0xff,vlan_tci=0x1000/0x1000", "pop_vlan,output:NXM_NX_REG7[]");
        _acc.Add(8, 1, "metadata=0x2/0xff", "push_vlan:0x8100,move:NXM_NX_REG5[0..11]->OXM_OF_VLAN_VID[],output:NXM_NX_REG7[]");
        _acc.Add(8, 1, "metadata=0x3/0xff", "output:NXM_NX_REG7[],push_vlan:0x8100,move:NXM_NX_REG5[0..11]->OXM_OF_VLAN_VID[],output:NXM_NX_REG7[]");
        for (var t = 1; t <= 8; t++) _acc.Add(t, 0, "", DropLog(t) + ",goto_table:9", TableDropCookie, true);
        if (_c.Spec.DropLog) _acc.Add(9, 0, "metadata=0x800/0x800", $"load:{Hex(_node.VtepIp)}->NXM_NX_TUN_IPV4_DST[],output:{Port("gen2")}");
    }

    private LabEndpoint AddEndpoint(ResolvedPod pod)
    {
        var uuid = EndpointUuid(pod);
        var zone = _ids.Get(IdNs.Conntrack, uuid);
        var sgs = _sgs.GroupsOf(pod);
        var set = _ids.Get(IdNs.SecGroupSet, string.Join(",", sgs.Select(_sgs.Uri)));
        if (_renderedSets.Add(set) && sgs.Count > 0) RenderSecGroupSet(set, sgs);
        var ep = new LabEndpoint(pod.Key, uuid, Port(pod.VethName), Port("pa-" + pod.VethName), Port("pi-" + pod.VethName), zone, set, sgs);
        _eps[pod.Key] = ep;
        return ep;
    }

    private void AccessEndpoint(ResolvedPod pod, LabEndpoint ep, IReadOnlyList<IPAddress> serviceIps)
    {
        var (a, u) = (ep.AccessPort, ep.AccessUplinkPort);
        var loads = $"load:{Hex(ep.Zone)}->NXM_NX_REG6[],load:{Hex(ep.SecGroupSet)}->NXM_NX_REG0[]";
        _acc.Add(2, 100, $"in_port={a},vlan_tci=0x0000/0x1fff", $"{loads},load:{Hex((ulong)u)}->NXM_NX_REG7[],write_metadata:0x200/0x300,goto_table:5");
        _acc.Add(2, 100, $"in_port={u}", $"{loads},load:{Hex((ulong)a)}->NXM_NX_REG7[],write_metadata:0x100/0x300,goto_table:3");
        foreach (var svc in serviceIps)
        {
            _acc.Add(1, 10, $"ip,in_port={u},nw_src={svc},nw_dst={pod.Ip}", $"load:{Hex((ulong)a)}->NXM_NX_REG7[],write_metadata:0x100/0x300,goto_table:7");
            _acc.Add(1, 10, $"ip,in_port={a},vlan_tci=0x0000/0x1fff,nw_src={pod.Ip},nw_dst={svc}", $"load:{Hex((ulong)u)}->NXM_NX_REG7[],write_metadata:0x200/0x300,goto_table:7");
        }
    }

    private void RenderSecGroupSet(uint set, IReadOnlyList<string> sgs)
    {
        var s = $"reg0={Hex(set)}";
        foreach (var name in sgs)
        {
            var g = _sgs.Groups[name];
            for (var i = 0; i < g.Rules.Count; i++)
            {
                var rule = g.Rules[i];
                var prio = Math.Max(1, 8192 - 128 * i);
                var cl = rule.Classifier;
                var cookie = (ulong)_ids.Get(IdNs.L24Classifier, _uris.Classifier(cl.Name));
                var dirs = rule.Direction switch
                {
                    SgDirection.In => new[] { (Fwd: 4, Rev: 6, In: true) },
                    SgDirection.Out => [(6, 4, false)],
                    _ => [(4, 6, true), (6, 4, false)],
                };
                var proto = Proto(cl.EtherT, cl.Proto);
                foreach (var (fwd, rev, isIn) in dirs)
                {
                    var remotes = rule.Remotes is null ? [""] : rule.Remotes.Select(r => RemoteTerm(r, isIn, cl.EtherT)).Where(t => t is not null).Cast<string>().ToList();
                    var dports = cl.DFrom is { } df ? RangeMasks(df, cl.DTo ?? df).Select(m => PortTerm("tp_dst", m)).ToList() : [""];
                    var sports = cl.SFrom is { } sf ? RangeMasks(sf, cl.STo ?? sf).Select(m => PortTerm("tp_src", m)).ToList() : [""];
                    foreach (var rem in remotes)
                        foreach (var sp in sports)
                            foreach (var dp in dports)
                            {
                                var m = M(proto, s, rem, sp, dp);
                                if (cl.Reflexive)
                                {
                                    _acc.Add(fwd, prio, M("ct_state=-trk", m), $"ct(table=2,{NxZone})", cookie, true);
                                    _acc.Add(fwd, prio, M("ct_state=+new+trk", m), $"ct(commit,{NxZone}),goto_table:7", cookie, true);
                                    _acc.Add(fwd, prio, M("ct_state=+est+trk", m), "goto_table:7", cookie, true);
                                }
                                else _acc.Add(fwd, prio, m, "goto_table:7", cookie, true);
                            }
                    if (!cl.Reflexive) continue;
                    _acc.Add(rev, prio, M("ct_state=-trk", proto, s), $"ct(table=2,{NxZone})", 0, true);
                    _acc.Add(rev, prio, M("ct_state=-new+est-rel+rpl-inv+trk", proto, s), "goto_table:7", cookie, true);
                    if (cl.EtherT is "ipv4" or "ipv6")
                        _acc.Add(rev, prio, M("ct_state=-new+rel-inv+trk", cl.EtherT == "ipv4" ? "ip" : "ipv6", s), "goto_table:7", cookie, true);
                }
            }
        }
    }

    private static string? RemoteTerm(IpCidr r, bool isIn, string etherT)
    {
        if (r.IsV4 != (etherT is "ipv4" or "arp")) return null; // applyRemoteSub skips mismatched families
        var v = r.PrefixLength == (r.IsV4 ? 32 : 128) ? r.Network.ToString() : r.ToString();
        var field = etherT == "arp" ? (isIn ? "arp_spa" : "arp_tpa") : r.IsV4 ? (isIn ? "nw_src" : "nw_dst") : (isIn ? "ipv6_src" : "ipv6_dst");
        return $"{field}={v}";
    }

    // ---------------------------------------------------------------- br-int

    private void IntStatic()
    {
        _int.Add(0, 0, "", "goto_table:1");
        if (_c.Spec.DropLog) _int.Add(0, 2, "", "write_metadata:0x800/0x800,goto_table:1");
        foreach (var eth in new[] { "arp", "ip", "ipv6" }) _int.Add(1, 25, eth, DropLog(1) + ",goto_table:15", TableDropCookie, true);
        _int.Add(1, 27, "udp,tp_src=68,tp_dst=67", "goto_table:2");
        _int.Add(1, 27, "udp6,tp_src=546,tp_dst=547", "goto_table:2");
        _int.Add(1, 27, "icmp6,icmp_type=133,icmp_code=0", "goto_table:2");
        _int.Add(1, 50, $"in_port={Tunnel}", "goto_table:2");
        _int.Add(1, 50, $"in_port={Uplink}", "goto_table:2");
        _int.Add(4, 1, "", "goto_table:5");
        _int.Add(5, 1, "", "write_metadata:0x4/0xff,goto_table:13");
        _int.Add(7, 1, "", "write_metadata:0x4/0xff,goto_table:13");
        _int.Add(12, 8243, "metadata=0x200/0x200", "goto_table:13");
        _int.Add(12, 8242, "metadata=0x100/0x100", "drop");
        _int.Add(12, 10, "arp", "goto_table:13");
        _int.Add(12, 10, "icmp6,icmp_type=135,icmp_code=0", "goto_table:13");
        _int.Add(12, 10, "icmp6,icmp_type=136,icmp_code=0", "goto_table:13");
        _int.Add(13, 10, "", "goto_table:14");
        _int.Add(14, 1, "metadata=0/0xff", "output:NXM_NX_REG7[]");
        _int.Add(14, 1, "metadata=0x3/0xff", "output:NXM_NX_REG7[]");
        _int.Add(14, 15, "metadata=0x7/0xff", $"move:NXM_NX_REG2[]->NXM_NX_TUN_ID[0..31],move:NXM_NX_REG7[]->NXM_NX_TUN_IPV4_DST[],output:{Tunnel}");
        foreach (var type in new[] { 3, 11, 12 })
            _int.Add(14, 10, $"icmp,metadata=0x3/0xff,icmp_type={type}", "CONTROLLER:65535", DefCookie(8));
        _int.Add(14, 1, "metadata=0x200/0x200,dl_dst=ff:ff:ff:ff:ff:ff", "drop");
        for (var t = 1; t <= 14; t++) _int.Add(t, 0, "", DropLog(t) + ",goto_table:15", TableDropCookie, true);
        if (_c.Spec.DropLog) _int.Add(15, 0, "metadata=0x800/0x800", $"load:{Hex(_node.VtepIp)}->NXM_NX_TUN_IPV4_DST[],output:{Port("gen1")}");
    }

    private string DomainLoads(uint vnid) =>
        $"load:{Hex(vnid)}->NXM_NX_REG0[],load:{Hex(_bd)}->NXM_NX_REG4[],load:{Hex(_fd)}->NXM_NX_REG5[],load:{Hex(_rd)}->NXM_NX_REG6[]";

    private string TunDst => Hex(_c.AnycastTunnelIp);

    private void EpgFlows(ResolvedEpg e)
    {
        var E = Hex(e.Vnid);
        _int.Add(2, 149, $"tun_id={E},in_port={Tunnel}", $"{DomainLoads(e.Vnid)},write_metadata:0x100/0x100,goto_table:4");
        _int.Add(12, 8292, $"reg0={E},reg2={E}", "goto_table:13");
        _int.Add(5, 10, $"reg0={E},reg5={Hex(_fd)},dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", $"load:{TunDst}->NXM_NX_REG7[],write_metadata:0x5/0xff,goto_table:13");
        _int.Add(14, 10, $"reg7={E},metadata=0x1/0xff", $"{DomainLoads(e.Vnid)},load:0->NXM_NX_REG7[],load:0x400->OXM_OF_METADATA[],resubmit(,5)");
        _int.Add(14, 10, $"reg0={E},metadata=0x4/0xff", $"move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31],load:{TunDst}->NXM_NX_TUN_IPV4_DST[],output:{Tunnel}");
        _int.Add(14, 11, $"reg0={E},metadata=0x4/0xff,dl_dst={RouterMac}", $"move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31],load:{TunDst}->NXM_NX_TUN_IPV4_DST[],output:{Tunnel}");
    }

    private void RoutingDomainFlows()
    {
        var (b, r) = (Hex(_bd), Hex(_rd));
        _int.Add(5, 2, $"reg4={b}", "goto_table:7");
        foreach (var s in _c.PodSubnets)
        {
            _int.Add(5, 22, $"arp,reg4={b},reg6={r},in_port={Tunnel},dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa={s.Gateway},arp_op=1", "drop");
            _int.Add(5, 20, $"arp,reg4={b},reg6={r},dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa={s.Gateway},arp_op=1",
                $"move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],load:{MacHex(RouterMac)}->NXM_OF_ETH_SRC[],load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],load:{MacHex(RouterMac)}->NXM_NX_ARP_SHA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],load:{Hex(s.Gateway)}->NXM_OF_ARP_SPA[],IN_PORT");
        }
        _int.Add(12, 1, $"reg6={r}", DropLog(12) + ",goto_table:15", RdPolDropCookie, true);
        foreach (var subnet in _c.PodSubnets.Select(s => s.Cidr).Append(_c.NodeSubnet))
            _int.Add(7, 300 + subnet.PrefixLength, $"ip,reg6={r},nw_dst={subnet}", "write_metadata:0x4/0xff,goto_table:13");
    }

    private void Contracts()
    {
        foreach (var k in _c.Contracts)
            for (var i = 0; i < k.Filters.Count; i++)
            {
                var f = k.Filters[i];
                var prio = Math.Max(1, 8192 - 128 * i);
                var cookie = (ulong)_ids.Get(IdNs.L24Classifier, _uris.Classifier(AciUris.FilterClassifierName(k, f)));
                foreach (var p in k.Providers)
                    foreach (var cons in k.Consumers)
                    {
                        var pairs = new List<(ResolvedEpg Src, ResolvedEpg Dst)>();
                        var both = k.Providers.Contains(cons) && k.Consumers.Contains(p);
                        if (f.Direction is "in" or "bidirectional") pairs.Add((cons, p));
                        if (f.Direction is "out" || f.Direction == "bidirectional" && !both && p != cons) pairs.Add((p, cons));
                        foreach (var (src, dst) in pairs) ContractFlows(f, prio, cookie, src, dst);
                    }
            }
    }

    private void ContractFlows(ResolvedFilter f, int prio, ulong cookie, ResolvedEpg src, ResolvedEpg dst)
    {
        var groups = $"reg0={Hex(src.Vnid)},reg2={Hex(dst.Vnid)}";
        var proto = f.EtherT == "unspecified" ? "" : Proto(f.EtherT, f.Proto);
        if (!f.Allow)
        {
            _int.Add(12, prio, M(proto, groups), "write_metadata:0/0x800,goto_table:15", cookie, true);
            return;
        }
        var dports = f.DFrom is { } df ? RangeMasks(df, f.DTo ?? df).Select(m => PortTerm("tp_dst", m)).ToList() : [""];
        var sports = f.SFrom is { } sf ? RangeMasks(sf, f.STo ?? sf).Select(m => PortTerm("tp_src", m)).ToList() : [""];
        foreach (var sp in sports)
            foreach (var dp in dports)
                _int.Add(12, prio, M(proto, groups, sp, dp), "goto_table:13", cookie, true);
    }

    private void IntEndpoint(ResolvedPod pod, LabEndpoint ep)
    {
        var P = ep.IntPort;
        var M_ = pod.Mac;
        var E = Hex(pod.Epg!.Vnid);
        var (b, r) = (Hex(_bd), Hex(_rd));
        var v4 = new List<IPAddress> { pod.Ip };
        var v6 = new List<IPAddress>();
        if (pod.Ipv6 is not null) v6.Add(pod.Ipv6);
        v6.Add(LinkLocal(M_));
        _int.Add(1, 20, $"in_port={P},dl_src={M_}", "goto_table:2");
        foreach (var ip in v4)
        {
            _int.Add(1, 30, $"ip,in_port={P},dl_src={M_},nw_src={ip}", "goto_table:2");
            _int.Add(1, 40, $"arp,in_port={P},dl_src={M_},arp_spa={ip}", "goto_table:2");
        }
        foreach (var ip in v6)
        {
            _int.Add(1, 30, $"ipv6,in_port={P},dl_src={M_},ipv6_src={ip}", "goto_table:2");
            _int.Add(1, 40, $"icmp6,in_port={P},dl_src={M_},icmp_type=136,icmp_code=0,nd_target={ip}", "goto_table:2");
        }
        _int.Add(2, 140, $"in_port={P},dl_src={M_}", $"{DomainLoads(pod.Epg.Vnid)},goto_table:4");
        var toEp = $"load:{E}->NXM_NX_REG2[],load:{Hex((ulong)P)}->NXM_NX_REG7[]";
        _int.Add(5, 10, $"reg4={b},dl_dst={M_}", $"{toEp},goto_table:12");
        foreach (var ip in v4)
            _int.Add(5, 20, $"arp,reg4={b},reg6={r},dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa={ip},arp_op=1", $"{toEp},set_field:{M_}->eth_dst,goto_table:12");
        foreach (var ip in v6)
            _int.Add(5, 20, $"icmp6,reg4={b},reg6={r},dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,icmp_code=0,nd_target={ip}", $"{toEp},set_field:{M_}->eth_dst,goto_table:12");
        var rewrite = $"set_field:{RouterMac}->eth_src,set_field:{M_}->eth_dst,dec_ttl";
        foreach (var ip in v4)
        {
            _int.Add(7, 500, $"ip,reg6={r},dl_dst={RouterMac},nw_dst={ip}", $"{toEp},{rewrite},write_metadata:0x400/0x400,goto_table:12");
            _int.Add(11, 50, $"ip,reg6={r},nw_dst={ip}", $"{rewrite},output:{P}");
            _int.Add(11, 51, $"arp,reg6={r},dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa={ip},arp_op=1",
                $"move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],load:{MacHex(M_)}->NXM_OF_ETH_SRC[],load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],load:{MacHex(M_)}->NXM_NX_ARP_SHA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],load:{Hex(ip)}->NXM_OF_ARP_SPA[],IN_PORT");
        }
        if (pod.Ipv6 is { } g6)
        {
            _int.Add(7, 500, $"ipv6,reg6={r},dl_dst={RouterMac},ipv6_dst={g6}", $"{toEp},{rewrite},write_metadata:0x400/0x400,goto_table:12");
            _int.Add(11, 50, $"ipv6,reg6={r},ipv6_dst={g6}", $"{rewrite},output:{P}");
        }
        _int.Add(14, 2, $"reg7={Hex((ulong)P)},in_port={P},metadata=0x400/0x4ff", "IN_PORT");
        _int.Add(14, 2, $"reg7={Hex((ulong)P)},in_port={P},metadata=0x403/0x4ff", "IN_PORT");
    }

    private void ServiceFlows(ServiceBackends m, uint zone)
    {
        var s = m.Service;
        var pr = m.Port.Protocol == "UDP" ? "udp" : "tcp";
        var r = Hex(_rd);
        var V = s.ClusterIp;
        var sp = m.Port.Port;
        var np = m.NextHopPort;
        var K = Hex(_ids.Get(IdNs.Service, s.Uid));
        var n = m.NextHops.Count;
        if (n == 0)
        {
            _int.Add(5, 50, $"{pr},reg6={r},nw_dst={V},tp_dst={sp}", "CONTROLLER:65535", DefCookie(0x11));
            return;
        }
        _int.Add(5, 50, $"{pr},reg6={r},nw_dst={V},tp_dst={sp}",
            $"set_field:{RouterMac}->eth_dst,multipath(symmetric_l3l4+udp,1024,iter_hash,{n},32,NXM_NX_REG7[]),goto_table:6");
        var portRewrite = np != sp ? $"set_field:{np}->{pr}_dst," : "";
        var revPort = np != sp ? $"set_field:{sp}->{pr}_src," : "";
        for (var i = 0; i < n; i++)
        {
            var nh = m.NextHops[i].Ip;
            var link = i == 0 ? "" : $"reg7={Hex((ulong)i)},";
            _int.Add(6, i == 0 ? 99 : 100, $"{pr},reg6={r},{link}metadata=0/0x200,nw_dst={V},tp_dst={sp}",
                $"{portRewrite}set_field:{nh}->ip_dst,dec_ttl,load:{Hex(V)}->NXM_NX_REG8[],load:{K}->NXM_NX_REG12[],ct(commit,zone={zone},exec(load:{K}->NXM_NX_CT_MARK[])),write_metadata:0x400/0x400,goto_table:7");
            _int.Add(4, 100, $"ct_state=-trk,{pr},reg6={r},nw_src={nh},tp_src={np}", $"ct(table=2,zone={zone})");
            _int.Add(4, 100, $"ct_state=-new+est-inv+trk,ct_mark={K},{pr},reg6={r},nw_src={nh},tp_src={np}",
                $"{revPort}set_field:{RouterMac}->eth_src,set_field:{V}->ip_src,dec_ttl,write_metadata:0x400/0x400,goto_table:5");
            if (m.NextHops[i].Node == _node.Name && m.NextHops[i].HasVeth)
            {
                _int.Add(6, 102, $"{pr},reg6={r},reg7={Hex((ulong)i)},metadata=0/0x200,nw_src={nh},nw_dst={V},tp_dst={sp}",
                    $"{portRewrite}set_field:{nh}->ip_dst,dec_ttl,set_field:{V}->ip_src,load:{Hex(V)}->NXM_NX_REG8[],write_metadata:0x400/0x400,goto_table:7");
                _int.Add(4, 102, $"{pr},reg6={r},nw_src={nh},nw_dst={V},tp_src={np}",
                    $"{revPort}set_field:{RouterMac}->eth_src,set_field:{V}->ip_src,dec_ttl,set_field:{nh}->ip_dst,write_metadata:0x400/0x400,goto_table:5");
            }
        }
    }

    /// <summary>
    /// The external copy of LoadBalancer Services (research 3.8): traffic from the uplink on the service VLAN to the
    /// node's service MAC is marked as coming from the service interface (policy applied: the fabric's contract with
    /// the external EPG admitted it), load-balanced over the node's own backends and DNATed; the reply is rewritten
    /// back and leaves the uplink tagged with the service VLAN.
    /// </summary>
    private void ExternalServiceFlows(IReadOnlyList<ExternalEntry> entries, uint zone)
    {
        if (entries.Count == 0) return;
        var r = Hex(_rd);
        var vlan = _c.Spec.ServiceVlan;
        var mac = _node.UplinkMac;
        _int.Add(1, 90, $"in_port={Uplink},dl_vlan={vlan},dl_dst={mac}", $"pop_vlan,load:{r}->NXM_NX_REG6[],write_metadata:0x300/0x300,goto_table:5");
        foreach (var e in entries)
        {
            var pr = e.Mapping.Port.Protocol == "UDP" ? "udp" : "tcp";
            var (a, ep, np, n) = (e.Address, e.EntryPort, e.Mapping.NextHopPort, e.NextHops.Count);
            var k = Hex(_ids.Get(IdNs.Service, e.IdKey) | 0x80000000u);
            _int.Add(5, 50, $"{pr},reg6={r},dl_dst={mac},nw_dst={a},tp_dst={ep}",
                $"set_field:{RouterMac}->eth_dst,multipath(symmetric_l3l4+udp,1024,iter_hash,{n},32,NXM_NX_REG7[]),goto_table:6");
            var portRewrite = np != ep ? $"set_field:{np}->{pr}_dst," : "";
            var revPort = np != ep ? $"set_field:{ep}->{pr}_src," : "";
            for (var i = 0; i < n; i++)
            {
                var nh = e.NextHops[i].Ip;
                var link = i == 0 ? "" : $"reg7={Hex((ulong)i)},";
                _int.Add(6, i == 0 ? 99 : 100, $"{pr},reg6={r},{link}metadata=0x200/0x200,nw_dst={a},tp_dst={ep}",
                    $"{portRewrite}set_field:{nh}->ip_dst,dec_ttl,load:{Hex(a)}->NXM_NX_REG8[],load:{k}->NXM_NX_REG12[],ct(commit,zone={zone},exec(load:{k}->NXM_NX_CT_MARK[])),write_metadata:0x400/0x400,goto_table:7");
                _int.Add(4, 100, $"ct_state=-trk,{pr},reg6={r},nw_src={nh},tp_src={np}", $"ct(table=2,zone={zone})");
                _int.Add(4, 100, $"ct_state=-new+est-inv+trk,ct_mark={k},{pr},reg6={r},nw_src={nh},tp_src={np}",
                    $"{revPort}set_field:{mac}->eth_src,set_field:{a}->ip_src,dec_ttl,push_vlan:0x8100,set_field:{0x1000 | vlan}->vlan_vid,set_field:{RouterMac}->eth_dst,output:{Uplink}");
            }
        }
    }

    private ResolvedSnatPolicy? SnatOf(ResolvedPod p) => _c.SnatPolicies.FirstOrDefault(s => s.Selects(p));

    private Dictionary<string, string> Snat(IReadOnlyList<ResolvedPod> local)
    {
        var files = new Dictionary<string, string>();
        var r = Hex(_rd);
        var zone = _c.Spec.SnatZone;
        var vlan = _c.Spec.ServiceVlan;
        foreach (var policy in _c.SnatPolicies)
        {
            var pods = local.Where(p => SnatOf(p) == policy).ToList();
            if (pods.Count == 0) continue;
            var (start, end) = policy.RangeOf(_node.Index);
            foreach (var pod in pods)
            {
                var n = 0;
                foreach (var dest in policy.Destinations)
                {
                    if (n >= 32) break;
                    var dst = dest.PrefixLength == 0 ? "" : $",nw_dst={dest}";
                    _int.Add(7, 300 - n, $"ip,reg6={r},nw_src={pod.Ip}{dst}", "goto_table:8");
                    _int.Add(8, 300 - n, $"ip,reg6={r},nw_src={pod.Ip}{dst}",
                        $"ct(commit,zone={zone},nat(src={policy.SnatIp}:{start}-{end},persistent)),push_vlan:0x8100,set_vlan_vid:{vlan},output:{Uplink}");
                    n++;
                }
                _int.Add(3, 10, $"ct_state=-new+est-inv+trk,ip,nw_dst={pod.Ip}", $"set_field:{pod.Mac}->eth_dst,output:{_eps[pod.Key].IntPort}");
            }
            foreach (var proto in new[] { "tcp", "udp" })
            {
                foreach (var mask in RangeMasks(start, end))
                    _int.Add(1, 200, $"{proto},in_port={Uplink},dl_vlan={vlan},dl_dst={_node.UplinkMac},nw_dst={policy.SnatIp},{PortTerm("tp_dst", mask)}", "pop_vlan,goto_table:3");
                foreach (var other in _c.Nodes.Where(x => x != _node))
                {
                    var (os, oe) = policy.RangeOf(other.Index);
                    foreach (var mask in RangeMasks(os, oe))
                        _int.Add(1, 199, $"{proto},in_port={Uplink},dl_vlan={vlan},dl_dst={_node.UplinkMac},nw_dst={policy.SnatIp},{PortTerm("tp_dst", mask)}",
                            $"set_field:{other.UplinkMac}->eth_dst,set_field:{_node.UplinkMac}->eth_src,IN_PORT");
                }
            }
            _int.Add(3, 10, "ct_state=-trk,ip", $"ct(table=3,zone={zone},nat)");
            files[policy.Uuid + ".snat"] = new NodeFiles(_c, _node, _sgs, _uris).SnatJson(policy);
        }
        return files;
    }

    private List<string> FloodGroup(IReadOnlyList<ResolvedPod> local)
    {
        if (local.Count == 0) return [];
        var f = Hex(_fd);
        _int.Add(14, 10, $"reg5={f},metadata=0x5/0xff", $"group:{_fd}");
        var buckets = local.Select(p => $"bucket=actions=output:{_eps[p.Key].IntPort}")
            .Append($"bucket=actions=move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31],move:NXM_NX_REG7[]->NXM_NX_TUN_IPV4_DST[],output:{Tunnel}");
        return [$"group_id={_fd},type=all," + string.Join(",", buckets)];
    }

    /// <summary>True for IPv6 addresses.</summary>
    internal static bool IsV6(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetworkV6;
}
