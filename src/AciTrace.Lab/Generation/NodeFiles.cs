using AciTrace.Aci;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.Generation;

/// <summary>The agent's input files (ep/service/snat JSON) and the gbp_inspect policy dump, written with AciTrace.Aci's writers.</summary>
internal sealed class NodeFiles(ResolvedCluster c, ResolvedNode node, SecurityGroupModel sgs, AciUris uris)
{
    public string EndpointJson(ResolvedPod p, LabEndpoint ep, IReadOnlyList<ServiceBackends> mappings, ResolvedSnatPolicy? snat)
    {
        var attrs = new Dictionary<string, string>(p.Labels)
        {
            ["interface-name"] = p.VethName,
            ["namespace"] = p.Namespace,
            ["vm-name"] = p.Name,
        };
        return new EndpointFile
        {
            Uuid = ep.Uuid,
            PolicySpace = c.Tenant,
            EndpointGroupName = p.Epg!.Name,
            SecurityGroups = ep.SecurityGroups.Select(s => new SecurityGroupRef(c.Tenant, s)).ToList(),
            Ips = new[] { p.Ip }.Concat(p.Ipv6 is null ? [] : [p.Ipv6]).Select(i => i.ToString()).ToList(),
            Mac = p.Mac,
            AccessInterface = p.VethName,
            AccessUplinkInterface = "pa-" + p.VethName,
            InterfaceName = "pi-" + p.VethName,
            Attributes = attrs,
            SnatUuids = snat is null ? [] : [snat.Uuid],
            ServiceIps = mappings.Where(m => m.NextHops.Contains(p)).Select(m => m.Service.ClusterIp.ToString()).Distinct().ToList(),
        }.ToJson();
    }

    public string ServiceJson(ResolvedService s, IReadOnlyList<ServiceBackends> mappings) => new ServiceFile
    {
        Uuid = s.Uid,
        DomainPolicySpace = c.Tenant,
        DomainName = c.Spec.Vrf,
        ServiceMode = "loadbalancer",
        ServiceType = "clusterIp",
        Mappings = mappings.Select(m => new Aci.ServiceMapping
        {
            ServiceIp = s.ClusterIp.ToString(),
            ServiceProto = m.Port.Protocol.ToLowerInvariant(),
            ServicePort = m.Port.Port,
            NextHopIps = m.NextHops.Select(n => n.Ip.ToString()).ToList(),
            NextHopPort = m.NextHopPort,
            ConntrackEnabled = true,
            SessionAffinityTimeoutSeconds = 1,
        }).ToList(),
        Attributes = new Dictionary<string, string> { ["name"] = s.Name, ["namespace"] = s.Namespace, ["service-name"] = $"{s.Namespace}_{s.Name}" },
    }.ToJson();

    /// <summary>
    /// The external copy of a LoadBalancer Service on this node, as the host agent writes it: the uplink, the service
    /// VLAN and MAC, the node's service IP, and per port the LoadBalancer IP with the node's own backends (and the node
    /// port, which the agent uses for statistics only).
    /// </summary>
    public string ExternalServiceJson(ResolvedService s, IReadOnlyList<ExternalEntry> entries) => new ServiceFile
    {
        Uuid = ServiceFile.ExternalUuid(s.Uid),
        DomainPolicySpace = c.Tenant,
        DomainName = c.Spec.Vrf,
        ServiceMode = "loadbalancer",
        ServiceType = s.Type == "NodePort" ? "nodePort" : "loadBalancer",
        ServiceMac = node.UplinkMac,
        InterfaceName = node.Uplink,
        InterfaceVlan = c.Spec.ServiceVlan,
        InterfaceIp = node.ServiceIp.ToString(),
        Mappings = entries.Select(e => new Aci.ServiceMapping
        {
            ServiceIp = e.Address.ToString(),
            ServiceProto = e.Mapping.Port.Protocol.ToLowerInvariant(),
            ServicePort = e.EntryPort,
            NextHopIps = e.NextHops.Select(n => n.Ip.ToString()).ToList(),
            NextHopPort = e.Mapping.NextHopPort,
            ConntrackEnabled = true,
            NodePort = e.Mapping.Port.NodePort,
            SessionAffinityTimeoutSeconds = 1,
        }).ToList(),
        Attributes = new Dictionary<string, string> { ["name"] = s.Name, ["namespace"] = s.Namespace, ["service-name"] = $"{s.Namespace}_{s.Name}" },
    }.ToJson();

    public string SnatJson(ResolvedSnatPolicy p)
    {
        var (start, end) = p.RangeOf(node.Index);
        return new SnatFile
        {
            Uuid = p.Uuid,
            SnatIp = p.SnatIp.ToString(),
            InterfaceName = node.Uplink,
            InterfaceMac = node.UplinkMac,
            InterfaceVlan = c.Spec.ServiceVlan,
            Local = true,
            Dest = p.Destinations.Select(d => d.ToString()).ToList(),
            Zone = c.Spec.SnatZone,
            PortRanges = [new SnatPortRange(start, end)],
            Remote = c.Nodes.Where(n => n != node).Select(n =>
            {
                var (os, oe) = p.RangeOf(n.Index);
                return new SnatRemote { Mac = n.UplinkMac, PortRanges = [new SnatPortRange(os, oe)] };
            }).ToList(),
        }.ToJson();
    }

    /// <summary>The whole cluster policy as <c>gbp_inspect -fprq DmtreeRoot -t dump</c> prints it.</summary>
    public string PolicyDump()
    {
        var b = new PolicyDumpBuilder();
        var t = c.Tenant;
        var rd = b.AddRoutingDomain(t, c.Spec.Vrf);
        var subnets = b.AddObject("GbpSubnets", uris.Subnets, uris.PolicySpace, ("name", PolicyValue.Of(c.Spec.Vrf + "-subnets")));
        foreach (var (cidr, gw) in c.PodSubnets.Select(s => (s.Cidr, (System.Net.IPAddress?)s.Gateway)).Append((c.NodeSubnet, null)))
        {
            var props = new List<(string, PolicyValue)>
                { ("name", PolicyValue.Of(cidr.ToString())), ("address", PolicyValue.Of(cidr.Network.ToString())), ("prefixLen", PolicyValue.Of(cidr.PrefixLength)) };
            if (gw is not null) props.Add(("virtualRouterIp", PolicyValue.Of(gw.ToString())));
            b.AddObject("GbpSubnet", subnets + "GbpSubnet/" + PolicyUri.Encode(cidr.ToString()) + "/", subnets, props.ToArray());
        }
        var rel = rd + "GbpRoutingDomainToIntSubnetsRSrc/" + PolicyUri.Encode(subnets) + "/";
        b.AddObject("GbpRoutingDomainToIntSubnetsRSrc", rel, rd, ("target", PolicyValue.Ref("GbpSubnets", subnets)));
        var bd = b.AddBridgeDomain(t, c.Spec.BridgeDomain, rd);
        var fd = b.AddFloodDomain(t, c.Spec.BridgeDomain, bd);

        foreach (var k in c.Contracts)
        {
            var rules = new List<PolicyRuleSpec>();
            for (var i = 0; i < k.Filters.Count; i++)
            {
                var f = k.Filters[i];
                var cl = b.AddClassifier(t, AciUris.FilterClassifierName(k, f), new ClassifierSpec
                {
                    EtherType = EtherTEnum(f.EtherT), Protocol = f.Proto, DestinationFromPort = f.DFrom, DestinationToPort = f.DTo,
                    SourceFromPort = f.SFrom, SourceToPort = f.STo, Order = i + 1,
                });
                rules.Add(new PolicyRuleSpec(f.Name, f.Direction switch { "in" => PolicyRuleDirection.In, "out" => PolicyRuleDirection.Out, _ => PolicyRuleDirection.Bidirectional }, [cl])
                    { Order = i + 1, Allow = f.Allow });
            }
            b.AddContract(t, k.Name, rules, k.Name + "-subject");
        }
        foreach (var e in c.Epgs)
            b.AddEpg(t, e.Name, e.Vnid, fd, 0x4000 + (e.Vnid & 0x3fff),
                provides: c.Contracts.Where(k => k.Providers.Contains(e)).Select(k => uris.Contract(k.Name)),
                consumes: c.Contracts.Where(k => k.Consumers.Contains(e)).Select(k => uris.Contract(k.Name)));
        foreach (var g in sgs.Groups.Values)
        {
            var rules = new List<PolicyRuleSpec>();
            for (var i = 0; i < g.Rules.Count; i++)
            {
                var r = g.Rules[i];
                var cl = b.AddClassifier(t, r.Classifier.Name, new ClassifierSpec
                {
                    EtherType = EtherTEnum(r.Classifier.EtherT), Protocol = r.Classifier.Proto, DestinationFromPort = r.Classifier.DFrom,
                    DestinationToPort = r.Classifier.DTo, ConnectionTracking = r.Classifier.Reflexive ? 1 : 0, Order = i + 1,
                });
                rules.Add(new PolicyRuleSpec(r.Name, (PolicyRuleDirection)(int)r.Direction, [cl])
                    { Order = i + 1, RemoteSubnets = r.Remotes?.Select(x => x.ToString()).ToList() ?? [] });
            }
            b.AddSecurityGroup(t, g.Name, rules, g.Name + "-subject");
        }
        return b.ToJson();
    }

    private static int? EtherTEnum(string e) => e switch { "ipv4" => 0x0800, "ipv6" => 0x86DD, "arp" => 0x0806, _ => null };
}
