using System.Text.Json;
using System.Text.Json.Nodes;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.Generation;

/// <summary>The agent's input files (ep/service/snat JSON) and the gbp_inspect policy dump of a node.</summary>
internal sealed class NodeFiles(ResolvedCluster c, ResolvedNode node, SecurityGroupModel sgs, AciUris uris)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string EndpointJson(ResolvedPod p, LabEndpoint ep, IReadOnlyList<ServiceMapping> mappings, ResolvedSnatPolicy? snat)
    {
        var attrs = new JsonObject();
        foreach (var (k, v) in p.Labels) attrs[k] = v;
        attrs["interface-name"] = p.VethName;
        attrs["namespace"] = p.Namespace;
        attrs["vm-name"] = p.Name;
        var o = new JsonObject
        {
            ["uuid"] = ep.Uuid,
            ["eg-policy-space"] = c.Tenant,
            ["endpoint-group-name"] = p.Epg!.Name,
        };
        if (ep.SecurityGroups.Count > 0)
            o["security-group"] = new JsonArray(ep.SecurityGroups.Select(s => (JsonNode)new JsonObject { ["policy-space"] = c.Tenant, ["name"] = s }).ToArray());
        o["ip"] = new JsonArray(new[] { p.Ip }.Concat(p.Ipv6 is null ? [] : [p.Ipv6]).Select(i => (JsonNode)i.ToString()).ToArray());
        o["mac"] = p.Mac;
        o["access-interface"] = p.VethName;
        o["access-uplink-interface"] = "pa-" + p.VethName;
        o["interface-name"] = "pi-" + p.VethName;
        o["attributes"] = attrs;
        if (snat is not null) o["snat-uuids"] = new JsonArray(snat.Uuid);
        var svcIps = mappings.Where(m => m.NextHops.Contains(p)).Select(m => m.Service.ClusterIp.ToString()).Distinct().ToArray();
        if (svcIps.Length > 0) o["service-ip"] = new JsonArray(svcIps.Select(s => (JsonNode)s).ToArray());
        return o.ToJsonString(Indented);
    }

    public string ServiceJson(ResolvedService s, IReadOnlyList<ServiceMapping> mappings)
    {
        var maps = new JsonArray();
        foreach (var m in mappings)
            maps.Add(new JsonObject
            {
                ["service-ip"] = s.ClusterIp.ToString(),
                ["service-proto"] = m.Port.Protocol.ToLowerInvariant(),
                ["service-port"] = m.Port.Port,
                ["next-hop-ips"] = new JsonArray(m.NextHops.Select(n => (JsonNode)n.Ip.ToString()).ToArray()),
                ["terminating-next-hop-ips"] = new JsonArray(),
                ["next-hop-port"] = m.NextHopPort,
                ["conntrack-enabled"] = true,
                ["session-affinity"] = new JsonObject { ["client-ip"] = new JsonObject { ["timeout-seconds"] = 1 } },
            });
        return new JsonObject
        {
            ["uuid"] = s.Uid,
            ["domain-policy-space"] = c.Tenant,
            ["domain-name"] = c.Spec.Vrf,
            ["service-mode"] = "loadbalancer",
            ["service-type"] = "clusterIp",
            ["service-mapping"] = maps,
            ["attributes"] = new JsonObject { ["name"] = s.Name, ["namespace"] = s.Namespace, ["service-name"] = $"{s.Namespace}_{s.Name}" },
        }.ToJsonString(Indented);
    }

    public string SnatJson(ResolvedSnatPolicy p)
    {
        var (start, end) = p.RangeOf(node.Index);
        var remote = new JsonArray();
        foreach (var other in c.Nodes.Where(n => n != node))
        {
            var (os, oe) = p.RangeOf(other.Index);
            remote.Add(new JsonObject { ["mac"] = other.UplinkMac, ["port-range"] = new JsonArray(new JsonObject { ["start"] = os, ["end"] = oe }) });
        }
        return new JsonObject
        {
            ["uuid"] = p.Uuid,
            ["snat-ip"] = p.SnatIp.ToString(),
            ["interface-name"] = node.Uplink,
            ["interface-mac"] = node.UplinkMac,
            ["interface-vlan"] = c.Spec.ServiceVlan,
            ["local"] = true,
            ["dest"] = new JsonArray(p.Destinations.Select(d => (JsonNode)d.ToString()).ToArray()),
            ["zone"] = c.Spec.SnatZone,
            ["port-range"] = new JsonArray(new JsonObject { ["start"] = start, ["end"] = end }),
            ["remote"] = remote,
        }.ToJsonString(Indented);
    }

    // ----------------------------------------------------------------- gbp_inspect dump

    private readonly JsonArray _dump = [];

    private static JsonObject Prop(string name, JsonNode? data) => new() { ["name"] = name, ["data"] = data };

    private static JsonObject Ref(string subject, string uri) => new() { ["subject"] = subject, ["reference_uri"] = uri };

    private void Mo(string subject, string uri, string? parentSubject, string? parentUri, string? relation, IEnumerable<JsonObject> props, IEnumerable<string> children)
    {
        var o = new JsonObject
        {
            ["subject"] = subject,
            ["uri"] = uri,
            ["properties"] = new JsonArray(props.Cast<JsonNode>().ToArray()),
            ["children"] = new JsonArray(children.Select(x => (JsonNode)x).ToArray()),
        };
        if (parentSubject is not null)
        {
            o["parent_subject"] = parentSubject;
            o["parent_uri"] = parentUri;
            o["parent_relation"] = relation;
        }
        _dump.Add(o);
    }

    public string PolicyDump()
    {
        var space = uris.PolicySpace;
        const string ps = "PolicySpace";
        var children = new List<string>();
        var epgUris = c.Epgs.Select(uris.Epg).ToList();
        children.AddRange(epgUris);
        children.AddRange([uris.FloodDomain, uris.BridgeDomain, uris.RoutingDomain, uris.Subnets]);
        children.AddRange(c.Contracts.Select(k => uris.Contract(k.Name)));
        var classifiers = new List<(string Name, Classifier C, int Order)>();
        foreach (var k in c.Contracts)
            for (var i = 0; i < k.Filters.Count; i++)
            {
                var f = k.Filters[i];
                classifiers.Add((AciUris.FilterClassifierName(k, f), new Classifier(AciUris.FilterClassifierName(k, f), f.EtherT, f.Proto, f.DFrom, f.DTo, f.SFrom, f.STo), i + 1));
            }
        foreach (var g in sgs.Groups.Values)
            for (var i = 0; i < g.Rules.Count; i++) classifiers.Add((g.Rules[i].Classifier.Name, g.Rules[i].Classifier, i + 1));
        children.AddRange(classifiers.Select(x => uris.Classifier(x.Name)));
        children.AddRange(sgs.Groups.Keys.Select(uris.SecGroup));

        Mo("DmtreeRoot", "/", null, null, null, [], ["/PolicyUniverse/"]);
        Mo("PolicyUniverse", "/PolicyUniverse/", "DmtreeRoot", "/", "PolicyUniverse", [], [space]);
        Mo(ps, space, "PolicyUniverse", "/PolicyUniverse/", ps, [Prop("name", c.Tenant)], children);

        foreach (var e in c.Epgs)
        {
            var u = uris.Epg(e);
            var rs = u + "GbpEpGroupToNetworkRSrc/";
            var kids = new List<string> { uris.InstContext(e), rs };
            var contractRefs = new List<(string Subject, string Uri, string Contract)>();
            foreach (var k in c.Contracts)
            {
                if (k.Providers.Contains(e)) contractRefs.Add(("GbpEpGroupToProvContractRSrc", $"{u}GbpEpGroupToProvContractRSrc/288/{Escape(uris.Contract(k.Name))}/", k.Name));
                if (k.Consumers.Contains(e)) contractRefs.Add(("GbpEpGroupToConsContractRSrc", $"{u}GbpEpGroupToConsContractRSrc/288/{Escape(uris.Contract(k.Name))}/", k.Name));
            }
            kids.AddRange(contractRefs.Select(x => x.Uri));
            Mo("GbpEpGroup", u, ps, space, "GbpEpGroup", [Prop("name", e.Name)], kids);
            Mo("GbpeInstContext", uris.InstContext(e), "GbpEpGroup", u, "GbpeInstContext",
                [Prop("encapId", e.Vnid), Prop("classid", 0x4000 + (e.Vnid & 0x3fff))], []);
            Mo("GbpEpGroupToNetworkRSrc", rs, "GbpEpGroup", u, "GbpEpGroupToNetworkRSrc", [Prop("target", Ref("GbpFloodDomain", uris.FloodDomain))], []);
            foreach (var (subject, uri, contract) in contractRefs)
                Mo(subject, uri, "GbpEpGroup", u, subject, [Prop("target", Ref("GbpContract", uris.Contract(contract)))], []);
        }
        Mo("GbpFloodDomain", uris.FloodDomain, ps, space, "GbpFloodDomain", [Prop("name", c.Spec.BridgeDomain), Prop("arpMode", "unicast")], [uris.FloodDomain + "GbpFloodDomainToNetworkRSrc/"]);
        Mo("GbpFloodDomainToNetworkRSrc", uris.FloodDomain + "GbpFloodDomainToNetworkRSrc/", "GbpFloodDomain", uris.FloodDomain, "GbpFloodDomainToNetworkRSrc", [Prop("target", Ref("GbpBridgeDomain", uris.BridgeDomain))], []);
        Mo("GbpBridgeDomain", uris.BridgeDomain, ps, space, "GbpBridgeDomain", [Prop("name", c.Spec.BridgeDomain), Prop("routingMode", "enabled")], [uris.BridgeDomain + "GbpBridgeDomainToNetworkRSrc/"]);
        Mo("GbpBridgeDomainToNetworkRSrc", uris.BridgeDomain + "GbpBridgeDomainToNetworkRSrc/", "GbpBridgeDomain", uris.BridgeDomain, "GbpBridgeDomainToNetworkRSrc", [Prop("target", Ref("GbpRoutingDomain", uris.RoutingDomain))], []);
        var rdRs = uris.RoutingDomain + "GbpRoutingDomainToIntSubnetsRSrc/" + Escape(uris.Subnets) + "/";
        Mo("GbpRoutingDomain", uris.RoutingDomain, ps, space, "GbpRoutingDomain", [Prop("name", c.Spec.Vrf), Prop("enforcementPreference", "enforced")], [rdRs]);
        Mo("GbpRoutingDomainToIntSubnetsRSrc", rdRs, "GbpRoutingDomain", uris.RoutingDomain, "GbpRoutingDomainToIntSubnetsRSrc", [Prop("target", Ref("GbpSubnets", uris.Subnets))], []);
        var subnetUris = new List<string>();
        var subnets = c.PodSubnets.Select(s => (s.Cidr, (System.Net.IPAddress?)s.Gateway)).Append((c.NodeSubnet, null)).ToList();
        foreach (var (cidr, _) in subnets) subnetUris.Add($"{uris.Subnets}GbpSubnet/{Escape(cidr.ToString())}/");
        Mo("GbpSubnets", uris.Subnets, ps, space, "GbpSubnets", [Prop("name", c.Spec.Vrf + "-subnets")], subnetUris);
        for (var i = 0; i < subnets.Count; i++)
        {
            var props = new List<JsonObject> { Prop("name", subnets[i].Cidr.ToString()), Prop("address", subnets[i].Cidr.Network.ToString()), Prop("prefixLen", subnets[i].Cidr.PrefixLength) };
            if (subnets[i].Item2 is { } gw) props.Add(Prop("virtualRouterIp", gw.ToString()));
            Mo("GbpSubnet", subnetUris[i], "GbpSubnets", uris.Subnets, "GbpSubnet", props, []);
        }

        foreach (var k in c.Contracts)
        {
            var ku = uris.Contract(k.Name);
            var su = $"{ku}GbpSubject/{k.Name}-subject/";
            Mo("GbpContract", ku, ps, space, "GbpContract", [Prop("name", k.Name)], [su]);
            var ruleUris = k.Filters.Select(f => $"{su}GbpRule/{f.Name}/").ToList();
            Mo("GbpSubject", su, "GbpContract", ku, "GbpSubject", [Prop("name", k.Name + "-subject")], ruleUris);
            for (var i = 0; i < k.Filters.Count; i++)
            {
                var f = k.Filters[i];
                var cl = uris.Classifier(AciUris.FilterClassifierName(k, f));
                var rsUri = $"{ruleUris[i]}GbpRuleToClassifierRSrc/178/{Escape(cl)}/";
                var actUri = $"{ruleUris[i]}GbpRuleToActionRSrc/";
                Mo("GbpRule", ruleUris[i], "GbpSubject", su, "GbpRule",
                    [Prop("name", f.Name), Prop("order", i + 1), Prop("direction", DirectionEnum(f.Direction)), Prop("allow", f.Allow ? 1 : 0)], [rsUri]);
                Mo("GbpRuleToClassifierRSrc", rsUri, "GbpRule", ruleUris[i], "GbpRuleToClassifierRSrc", [Prop("target", Ref("GbpeL24Classifier", cl))], []);
            }
        }
        foreach (var g in sgs.Groups.Values)
        {
            var gu = uris.SecGroup(g.Name);
            var su = $"{gu}GbpSecGroupSubject/{g.Name}-subject/";
            Mo("GbpSecGroup", gu, ps, space, "GbpSecGroup", [Prop("name", g.Name)], [su]);
            var ruleUris = g.Rules.Select(r => $"{su}GbpSecGroupRule/{r.Name}/").ToList();
            Mo("GbpSecGroupSubject", su, "GbpSecGroup", gu, "GbpSecGroupSubject", [Prop("name", g.Name + "-subject")], ruleUris);
            for (var i = 0; i < g.Rules.Count; i++)
            {
                var r = g.Rules[i];
                var cl = uris.Classifier(r.Classifier.Name);
                var rsUri = $"{ruleUris[i]}GbpSecGroupRuleToClassifierRSrc/178/{Escape(cl)}/";
                var kids = new List<string> { rsUri };
                var remUri = $"{ruleUris[i]}GbpSecGroupRuleToRemoteAddressRSrc/";
                if (r.Remotes is not null) kids.Add(remUri);
                Mo("GbpSecGroupRule", ruleUris[i], "GbpSecGroupSubject", su, "GbpSecGroupRule",
                    [Prop("name", r.Name), Prop("order", i + 1), Prop("direction", (int)r.Direction)], kids);
                Mo("GbpSecGroupRuleToClassifierRSrc", rsUri, "GbpSecGroupRule", ruleUris[i], "GbpSecGroupRuleToClassifierRSrc", [Prop("target", Ref("GbpeL24Classifier", cl))], []);
                if (r.Remotes is not null)
                    Mo("GbpSecGroupRuleToRemoteAddressRSrc", remUri, "GbpSecGroupRule", ruleUris[i], "GbpSecGroupRuleToRemoteAddressRSrc",
                        [Prop("addresses", new JsonArray(r.Remotes.Select(x => (JsonNode)x.ToString()).ToArray()))], []);
            }
        }
        foreach (var (name, cl, order) in classifiers)
        {
            var props = new List<JsonObject> { Prop("name", name), Prop("order", order), Prop("etherT", EtherTEnum(cl.EtherT)), Prop("connectionTracking", cl.Reflexive ? 1 : 0) };
            if (cl.Proto is { } p) props.Add(Prop("prot", p));
            if (cl.DFrom is { } df) { props.Add(Prop("dFromPort", df)); props.Add(Prop("dToPort", cl.DTo ?? df)); }
            if (cl.SFrom is { } sf) { props.Add(Prop("sFromPort", sf)); props.Add(Prop("sToPort", cl.STo ?? sf)); }
            Mo("GbpeL24Classifier", uris.Classifier(name), ps, space, "GbpeL24Classifier", props, []);
        }
        return _dump.ToJsonString(Indented);
    }

    private static int DirectionEnum(string d) => d switch { "in" => 1, "out" => 2, _ => 0 };

    private static int EtherTEnum(string e) => e switch { "ipv4" => 0x0800, "ipv6" => 0x86DD, "arp" => 0x0806, _ => 0 };

    private static string Escape(string s) => Uri.EscapeDataString(s);
}
