using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AciTrace.Lab.Spec;

/// <summary>The spec is invalid; <see cref="Errors"/> lists every problem with its path.</summary>
public sealed class LabSpecException(IReadOnlyList<string> errors)
    : Exception("invalid lab spec:\n  " + string.Join("\n  ", errors))
{
    /// <summary>One line per problem: "path: message".</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Loads, validates and resolves cluster specs.</summary>
public static class SpecResolver
{
    /// <summary>Annotation ACI CNI reads for a per-pod EPG.</summary>
    public const string EpgAnnotation = "opflex.cisco.com/endpoint-group";

    /// <summary>Parses YAML into a spec; YAML syntax errors and unknown keys become a LabSpecException.</summary>
    public static ClusterSpec Parse(string yaml)
    {
        var d = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        try
        {
            return d.Deserialize<ClusterSpec?>(yaml) ?? new ClusterSpec();
        }
        catch (YamlException e)
        {
            throw new LabSpecException([$"yaml ({e.Start.Line}:{e.Start.Column}): {(e.InnerException ?? e).Message}"]);
        }
    }

    /// <summary>The spec as YAML that <see cref="Parse"/> reads back (a deep copy to edit).</summary>
    public static string ToYaml(ClusterSpec spec) =>
        new SerializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull).Build().Serialize(spec);

    /// <summary>Reads a YAML file and resolves it.</summary>
    public static ResolvedCluster LoadFile(string path) => Resolve(Parse(File.ReadAllText(path)));

    /// <summary>Validates the spec and derives every value; throws LabSpecException listing all problems.</summary>
    public static ResolvedCluster Resolve(ClusterSpec spec)
    {
        var errors = new List<string>();
        void Err(string path, string msg) => errors.Add($"{path}: {msg}");

        if (!IsName(spec.Tenant)) Err("tenant", $"'{spec.Tenant}' is not a valid name");
        if (!IsName(spec.Vrf)) Err("vrf", $"'{spec.Vrf}' is not a valid name");
        if (!IsName(spec.BridgeDomain)) Err("bridgeDomain", $"'{spec.BridgeDomain}' is not a valid name");
        if (spec.ServiceVlan is < 1 or > 4094) Err("serviceVlan", "must be 1..4094");
        if (spec.SnatZone is < 1 or > 65534) Err("snatZone", "must be 1..65534");

        var podSubnets = new List<ResolvedSubnet>();
        if (spec.PodSubnets.Count == 0) Err("podSubnets", "at least one pod subnet is required");
        for (var i = 0; i < spec.PodSubnets.Count; i++)
        {
            var s = spec.PodSubnets[i];
            if (!IpCidr.TryParse(s.Cidr, out var c) || !c.IsV4 || !s.Cidr.Contains('/')) { Err($"podSubnets[{i}].cidr", $"'{s.Cidr}' is not an IPv4 CIDR"); continue; }
            IPAddress gw = c.At(1);
            if (s.Gateway is not null && (!IpCidr.TryParseAddress(s.Gateway, out gw!) || !c.Contains(gw))) { Err($"podSubnets[{i}].gateway", $"'{s.Gateway}' is not an address inside {c}"); continue; }
            podSubnets.Add(new ResolvedSubnet(c, gw));
        }
        var nodeSubnet = ParseCidr(spec.NodeSubnet, "nodeSubnet", Err);
        var nodeServiceSubnet = ParseCidr(spec.NodeServiceSubnet, "nodeServiceSubnet", Err);
        var serviceSubnet = ParseCidr(spec.ServiceSubnet, "serviceSubnet", Err);
        if (!IpCidr.TryParseAddress(spec.AnycastTunnelIp, out var anycast)) { Err("anycastTunnelIp", $"'{spec.AnycastTunnelIp}' is not an IP address"); anycast = IPAddress.Any; }

        // nodes
        var nodes = new List<ResolvedNode>();
        var seenNodes = new HashSet<string>();
        if (spec.Nodes.Count == 0) Err("nodes", "at least one node is required");
        for (var i = 0; i < spec.Nodes.Count; i++)
        {
            var n = spec.Nodes[i];
            var p = $"nodes[{i}]";
            if (!IsDnsName(n.Name)) { Err(p + ".name", $"'{n.Name}' is not a DNS-1123 name"); continue; }
            if (!seenNodes.Add(n.Name)) Err(p + ".name", $"duplicate node '{n.Name}'");
            if (!IsIfName(n.Uplink)) Err(p + ".uplink", $"'{n.Uplink}' is not a valid interface name");
            IPAddress vtep = IpCidr.FromUInt32(0x0A00B041 + (uint)i);
            if (n.VtepIp is not null && !IpCidr.TryParseAddress(n.VtepIp, out vtep!)) Err(p + ".vtepIp", $"'{n.VtepIp}' is not an IP address");
            IPAddress ip = nodeSubnet?.At(11 + i) ?? IPAddress.Any;
            if (n.Ip is not null && (!IpCidr.TryParseAddress(n.Ip, out ip!) || nodeSubnet is not null && !nodeSubnet.Contains(ip))) Err(p + ".ip", $"'{n.Ip}' is not an address in the node subnet");
            var mac = n.UplinkMac ?? $"52:54:00:aa:bb:{i + 1:x2}";
            if (!IsMac(mac)) Err(p + ".uplinkMac", $"'{mac}' is not a MAC address");
            IpCidr? podCidr = null;
            if (n.PodCidr is not null)
            {
                if (!IpCidr.TryParse(n.PodCidr, out podCidr) || !podSubnets.Any(s => s.Cidr.Contains(podCidr))) Err(p + ".podCidr", $"'{n.PodCidr}' is not a CIDR inside a pod subnet");
            }
            else if (podSubnets.Count > 0)
            {
                var first = podSubnets[0].Cidr;
                if (first.PrefixLength > 24 || (long)(i + 1) * 256 > first.Size) Err(p + ".podCidr", $"cannot derive a /24 for node {i} from {first}; give podCidr");
                else podCidr = new IpCidr(first.At(256L * i), 24);
            }
            nodes.Add(new ResolvedNode(i, n.Name, vtep, ip, n.Uplink, mac.ToLowerInvariant(), podCidr ?? podSubnets.FirstOrDefault()?.Cidr ?? new IpCidr(IPAddress.Any, 0))
            {
                ServiceIp = nodeServiceSubnet?.At(2 + i) ?? IPAddress.Any,
            });
        }

        // EPGs
        var epgs = new List<ResolvedEpg>();
        var usedVnids = new HashSet<uint>();
        void AddEpg(string name, string? vnidText, string path)
        {
            var parts = name.Split('|');
            if (parts.Length != 2 || !IsName(parts[0]) || !IsName(parts[1])) { Err(path + ".name", $"'{name}' is not of the form app-profile|epg"); return; }
            if (epgs.Any(e => e.Name == name)) { Err(path + ".name", $"duplicate EPG '{name}'"); return; }
            uint vnid;
            if (vnidText is not null)
            {
                if (!TryParseUInt(vnidText, out vnid) || vnid == 0 || vnid > 0xFFFFFF) { Err(path + ".vnid", $"'{vnidText}' is not a 24-bit VNID (1..0xffffff)"); return; }
                if (!usedVnids.Add(vnid)) { Err(path + ".vnid", $"VNID 0x{vnid:x} is used by another EPG"); return; }
            }
            else
            {
                vnid = 0x800000 | (Hash32(name) & 0x7FFFF);
                while (!usedVnids.Add(vnid)) vnid = 0x800000 | ((vnid + 1) & 0x7FFFF);
            }
            epgs.Add(new ResolvedEpg(name, parts[0], parts[1], vnid));
        }
        // explicit VNIDs first so derived ones never collide with them
        for (var i = 0; i < spec.Epgs.Count; i++) if (spec.Epgs[i].Vnid is not null) AddEpg(spec.Epgs[i].Name, spec.Epgs[i].Vnid, $"epgs[{i}]");
        for (var i = 0; i < spec.Epgs.Count; i++) if (spec.Epgs[i].Vnid is null) AddEpg(spec.Epgs[i].Name, null, $"epgs[{i}]");
        epgs.Sort((a, b) => spec.Epgs.FindIndex(e => e.Name == a.Name).CompareTo(spec.Epgs.FindIndex(e => e.Name == b.Name)));
        if (!epgs.Any(e => e.Name == spec.DefaultEpg)) AddEpg(spec.DefaultEpg, null, "defaultEpg");
        ResolvedEpg? FindEpg(string? name, string path)
        {
            if (name is null) return null;
            var e = epgs.FirstOrDefault(x => x.Name == name);
            if (e is null) Err(path, $"unknown EPG '{name}'");
            return e;
        }
        var defaultEpg = epgs.FirstOrDefault(e => e.Name == spec.DefaultEpg);

        // namespaces
        var namespaces = new List<ResolvedNamespace>();
        for (var i = 0; i < spec.Namespaces.Count; i++)
        {
            var ns = spec.Namespaces[i];
            if (!IsDnsName(ns.Name)) { Err($"namespaces[{i}].name", $"'{ns.Name}' is not a DNS-1123 name"); continue; }
            if (namespaces.Any(x => x.Name == ns.Name)) { Err($"namespaces[{i}].name", $"duplicate namespace '{ns.Name}'"); continue; }
            var epg = ns.Epg is null ? defaultEpg : FindEpg(ns.Epg, $"namespaces[{i}].epg");
            var labels = new Dictionary<string, string>(ns.Labels) { ["kubernetes.io/metadata.name"] = ns.Name };
            if (epg is not null) namespaces.Add(new ResolvedNamespace(ns.Name, epg, labels));
        }
        void EnsureNamespace(string name)
        {
            if (defaultEpg is not null && IsDnsName(name) && namespaces.All(n => n.Name != name))
                namespaces.Add(new ResolvedNamespace(name, defaultEpg, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name }));
        }

        // pods
        var pods = new List<ResolvedPod>();
        var usedIps = new HashSet<IPAddress>();
        foreach (var p in spec.Pods) if (p.Ip is not null && IpCidr.TryParseAddress(p.Ip, out var ip)) usedIps.Add(ip);
        var nextHost = nodes.ToDictionary(n => n.Name, _ => 10L);
        for (var i = 0; i < spec.Pods.Count; i++)
        {
            var p = spec.Pods[i];
            var path = $"pods[{i}]";
            if (!IsDnsName(p.Namespace)) { Err(path + ".namespace", $"'{p.Namespace}' is not a DNS-1123 name"); continue; }
            if (!IsDnsName(p.Name)) { Err(path + ".name", $"'{p.Name}' is not a DNS-1123 name"); continue; }
            if (pods.Any(x => x.Namespace == p.Namespace && x.Name == p.Name)) { Err(path, $"duplicate pod {p.Namespace}/{p.Name}"); continue; }
            var node = nodes.FirstOrDefault(n => n.Name == p.Node);
            if (node is null) { Err(path + ".node", $"unknown node '{p.Node}'"); continue; }
            if (p.Phase is not ("Running" or "Pending")) { Err(path + ".phase", $"'{p.Phase}' must be Running or Pending"); continue; }
            EnsureNamespace(p.Namespace);
            var ns = namespaces.FirstOrDefault(n => n.Name == p.Namespace);
            if (ns is null) continue;
            var annotations = new Dictionary<string, string>(p.Annotations);
            if (p.Epg is not null && !annotations.ContainsKey(EpgAnnotation))
            {
                var parts = p.Epg.Split('|');
                annotations[EpgAnnotation] = JsonSerializer.Serialize(new Dictionary<string, string>
                    { ["tenant"] = spec.Tenant, ["app-profile"] = parts[0], ["name"] = parts.Length > 1 ? parts[1] : "" });
            }
            var epg = ns.Epg;
            if (annotations.TryGetValue(EpgAnnotation, out var ann))
            {
                var annEpg = ParseEpgAnnotation(ann, spec.Tenant, out var annErr);
                if (annErr is not null) { Err(path + ".annotations." + EpgAnnotation, annErr); continue; }
                epg = FindEpg(annEpg, path + ".annotations." + EpgAnnotation);
                if (epg is null) continue;
            }
            var ports = new List<ResolvedContainerPort>();
            for (var j = 0; j < p.Ports.Count; j++)
            {
                var cp = p.Ports[j];
                var proto = (cp.Protocol ?? "TCP").ToUpperInvariant();
                if (cp.ContainerPort is < 1 or > 65535) Err($"{path}.ports[{j}].containerPort", $"{cp.ContainerPort} is not 1..65535");
                else if (proto is not ("TCP" or "UDP" or "SCTP")) Err($"{path}.ports[{j}].protocol", $"'{cp.Protocol}' is not TCP, UDP or SCTP");
                else if (cp.Name is not null && !IsPortName(cp.Name)) Err($"{path}.ports[{j}].name", $"'{cp.Name}' is not a valid port name (IANA_SVC_NAME)");
                else ports.Add(new ResolvedContainerPort(cp.Name, cp.ContainerPort, proto));
            }
            var running = p.Phase == "Running";
            IPAddress podIp;
            if (p.HostNetwork)
            {
                if (p.Ip is not null && p.Ip != node.Ip.ToString()) Err(path + ".ip", "a hostNetwork pod has its node's IP");
                podIp = node.Ip;
            }
            else if (p.Ip is not null)
            {
                if (!IpCidr.TryParseAddress(p.Ip, out podIp!) || !podSubnets.Any(s => s.Cidr.Contains(podIp))) { Err(path + ".ip", $"'{p.Ip}' is not an address inside a pod subnet"); continue; }
                if (pods.Any(x => !x.HostNetwork && x.Ip.Equals(podIp))) { Err(path + ".ip", $"{p.Ip} is used by another pod"); continue; }
            }
            else
            {
                do podIp = node.PodCidr.At(nextHost[node.Name]++); while (usedIps.Contains(podIp));
                if (!node.PodCidr.Contains(podIp)) { Err(path, $"node {node.Name}'s pod CIDR {node.PodCidr} is full"); continue; }
                usedIps.Add(podIp);
            }
            IPAddress? v6 = null;
            if (p.Ipv6 is not null && (!IpCidr.TryParseAddress(p.Ipv6, out v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)) { Err(path + ".ipv6", $"'{p.Ipv6}' is not an IPv6 address"); continue; }
            var b = podIp.GetAddressBytes();
            var mac = p.HostNetwork ? node.UplinkMac : (p.Mac ?? $"9e:8f:11:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}").ToLowerInvariant();
            if (!IsMac(mac)) { Err(path + ".mac", $"'{p.Mac}' is not a MAC address"); continue; }
            var uid = DeterministicUuid("pod:" + p.Namespace + "/" + p.Name);
            var veth = "veth" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(uid)))[..8].ToLowerInvariant();
            pods.Add(new ResolvedPod(p.Namespace, p.Name, node.Name, uid, new Dictionary<string, string>(p.Labels), annotations, ports,
                p.HostNetwork, running, podIp, v6, mac, p.HostNetwork ? null : epg, veth));
        }

        // services
        var services = new List<ResolvedService>();
        var usedSvcIps = new HashSet<IPAddress>();
        foreach (var s in spec.Services) if (s.ClusterIp is not null && IpCidr.TryParseAddress(s.ClusterIp, out var sip)) usedSvcIps.Add(sip);
        long nextSvc = 10;
        var usedNodePorts = new HashSet<int>();
        var usedEntries = new HashSet<IPAddress>();
        // An address from outside the cluster's subnets, used by one Service only.
        bool ExternalEntry(string text, string at, out IPAddress? address)
        {
            address = null;
            if (!IpCidr.TryParseAddress(text, out var a)) { Err(at, $"'{text}' is not an IP address"); return false; }
            if (a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) { Err(at, $"{a}: the lab's Services are reached from outside over IPv4 only"); return false; }
            if (podSubnets.Any(x => x.Cidr.Contains(a)) || (nodeSubnet?.Contains(a) ?? false) || (serviceSubnet?.Contains(a) ?? false) || (nodeServiceSubnet?.Contains(a) ?? false))
            { Err(at, $"{a} is inside the cluster's internal subnets"); return false; }
            if (!usedEntries.Add(a)) { Err(at, $"{a} is used by another Service"); return false; }
            address = a;
            return true;
        }
        for (var i = 0; i < spec.Services.Count; i++)
        {
            var s = spec.Services[i];
            var path = $"services[{i}]";
            if (!IsDnsName(s.Namespace) || !IsDnsName(s.Name)) { Err(path, $"'{s.Namespace}/{s.Name}' is not a valid namespace/name"); continue; }
            if (services.Any(x => x.Namespace == s.Namespace && x.Name == s.Name)) { Err(path, $"duplicate service {s.Namespace}/{s.Name}"); continue; }
            EnsureNamespace(s.Namespace);
            IPAddress cip;
            if (s.ClusterIp is not null)
            {
                if (!IpCidr.TryParseAddress(s.ClusterIp, out cip!) || serviceSubnet is not null && !serviceSubnet.Contains(cip)) { Err(path + ".clusterIp", $"'{s.ClusterIp}' is not an address in the service subnet"); continue; }
                if (services.Any(x => x.ClusterIp.Equals(cip))) { Err(path + ".clusterIp", $"{cip} is used by another service"); continue; }
            }
            else
            {
                if (serviceSubnet is null) continue;
                do cip = serviceSubnet.At(nextSvc++); while (usedSvcIps.Contains(cip));
            }
            if (s.Ports.Count == 0) Err(path + ".ports", "a service needs at least one port");
            var ports = new List<ResolvedServicePort>();
            for (var j = 0; j < s.Ports.Count; j++)
            {
                var sp = s.Ports[j];
                var proto = (sp.Protocol ?? "TCP").ToUpperInvariant();
                var target = sp.TargetPort ?? sp.Port.ToString(CultureInfo.InvariantCulture);
                if (sp.Port is < 1 or > 65535) Err($"{path}.ports[{j}].port", $"{sp.Port} is not 1..65535");
                else if (proto is not ("TCP" or "UDP")) Err($"{path}.ports[{j}].protocol", $"'{sp.Protocol}' is not TCP or UDP");
                else if (int.TryParse(target, out var tp) ? tp is < 1 or > 65535 : !IsPortName(target)) Err($"{path}.ports[{j}].targetPort", $"'{target}' is neither 1..65535 nor a port name");
                else if (ports.Any(x => x.Port == sp.Port && x.Protocol == proto)) Err($"{path}.ports[{j}]", $"duplicate port {sp.Port}/{proto}");
                else if (sp.NodePort is { } given && (s.Type == "ClusterIP" || given is < 30000 or > 32767 || usedNodePorts.Contains(given)))
                    Err($"{path}.ports[{j}].nodePort", s.Type == "ClusterIP" ? "only NodePort and LoadBalancer Services have node ports" : $"{given} is not a free port of 30000..32767");
                else
                {
                    int? nodePort = null;
                    if (s.Type != "ClusterIP")
                    {
                        nodePort = sp.NodePort ?? Enumerable.Range(30080, 2688).First(n => !usedNodePorts.Contains(n) && !spec.Services.SelectMany(x => x.Ports).Any(x => x.NodePort == n));
                        usedNodePorts.Add(nodePort.Value);
                    }
                    ports.Add(new ResolvedServicePort(sp.Name, sp.Port, target, proto, nodePort));
                }
            }
            if (s.Type is not ("ClusterIP" or "NodePort" or "LoadBalancer")) Err(path + ".type", $"'{s.Type}' is not ClusterIP, NodePort or LoadBalancer");
            if (s.ExternalTrafficPolicy is not ("Cluster" or "Local")) Err(path + ".externalTrafficPolicy", $"'{s.ExternalTrafficPolicy}' is not Cluster or Local");
            IPAddress? lbIp = null;
            if (s.LoadBalancerIp is not null && s.Type != "LoadBalancer") Err(path + ".loadBalancerIp", "only a LoadBalancer Service has a load balancer IP");
            else if (s.LoadBalancerIp is not null && !ExternalEntry(s.LoadBalancerIp, path + ".loadBalancerIp", out lbIp)) lbIp = null;
            var externalIps = new List<IPAddress>();
            for (var k = 0; k < s.ExternalIps.Count; k++)
                if (ExternalEntry(s.ExternalIps[k], $"{path}.externalIps[{k}]", out var eip)) externalIps.Add(eip!);
            services.Add(new ResolvedService(s.Namespace, s.Name, DeterministicUuid("svc:" + s.Namespace + "/" + s.Name), cip, new Dictionary<string, string>(s.Selector), ports)
            {
                Type = s.Type, LoadBalancerIp = lbIp, ExternalIps = externalIps, ExternalTrafficPolicy = s.ExternalTrafficPolicy,
            });
        }

        // network policies
        for (var i = 0; i < spec.NetworkPolicies.Count; i++)
        {
            var np = spec.NetworkPolicies[i];
            var path = $"networkPolicies[{i}]";
            if (!IsDnsName(np.Namespace) || !IsDnsName(np.Name)) { Err(path, $"'{np.Namespace}/{np.Name}' is not a valid namespace/name"); continue; }
            if (spec.NetworkPolicies.Take(i).Any(x => x.Namespace == np.Namespace && x.Name == np.Name)) Err(path, $"duplicate NetworkPolicy {np.Namespace}/{np.Name}");
            EnsureNamespace(np.Namespace);
            ValidateSelector(np.Spec.PodSelector, path + ".spec.podSelector", Err);
            foreach (var t in np.Spec.PolicyTypes ?? [])
                if (t is not ("Ingress" or "Egress")) Err(path + ".spec.policyTypes", $"'{t}' is not Ingress or Egress");
            for (var r = 0; r < (np.Spec.Ingress?.Count ?? 0); r++)
                ValidateRule(np.Spec.Ingress![r].From, np.Spec.Ingress[r].Ports, $"{path}.spec.ingress[{r}]", "from", Err);
            for (var r = 0; r < (np.Spec.Egress?.Count ?? 0); r++)
                ValidateRule(np.Spec.Egress![r].To, np.Spec.Egress[r].Ports, $"{path}.spec.egress[{r}]", "to", Err);
        }

        // contracts
        var contracts = new List<ResolvedContract>();
        for (var i = 0; i < spec.Contracts.Count; i++)
        {
            var c = spec.Contracts[i];
            var path = $"contracts[{i}]";
            if (!IsName(c.Name)) { Err(path + ".name", $"'{c.Name}' is not a valid name"); continue; }
            if (contracts.Any(x => x.Name == c.Name)) { Err(path + ".name", $"duplicate contract '{c.Name}'"); continue; }
            var cons = c.Consumers.Select((n, j) => FindEpg(n, $"{path}.consumers[{j}]")).OfType<ResolvedEpg>().ToList();
            var prov = c.Providers.Select((n, j) => FindEpg(n, $"{path}.providers[{j}]")).OfType<ResolvedEpg>().ToList();
            if (c.Filters.Count == 0) Err(path + ".filters", "a contract needs at least one filter");
            var filters = new List<ResolvedFilter>();
            for (var j = 0; j < c.Filters.Count; j++)
            {
                var f = c.Filters[j];
                var fp = $"{path}.filters[{j}]";
                var ether = f.EtherT.ToLowerInvariant();
                if (ether is not ("ipv4" or "ipv6" or "arp" or "unspecified")) { Err(fp + ".etherT", $"'{f.EtherT}' is not ipv4, ipv6, arp or unspecified"); continue; }
                int? proto = null;
                if (f.Proto is not null)
                {
                    proto = f.Proto.ToLowerInvariant() switch { "tcp" => 6, "udp" => 17, "icmp" => 1, "icmpv6" => 58, _ => int.TryParse(f.Proto, out var n) && n is >= 0 and <= 255 ? n : -1 };
                    if (proto < 0) { Err(fp + ".proto", $"'{f.Proto}' is not tcp, udp, icmp, icmpv6 or 0..255"); continue; }
                    if (ether is "arp" or "unspecified") { Err(fp + ".proto", "a protocol needs etherT ipv4 or ipv6"); continue; }
                }
                if ((f.DFromPort ?? f.SFromPort) is not null && proto is not (6 or 17)) { Err(fp, "ports need proto tcp or udp"); continue; }
                if (!ValidRange(f.DFromPort, f.DToPort) || !ValidRange(f.SFromPort, f.SToPort)) { Err(fp, "port ranges must be 1..65535 with from <= to"); continue; }
                var dir = f.Direction.ToLowerInvariant();
                if (dir is not ("in" or "out" or "bidirectional")) { Err(fp + ".direction", $"'{f.Direction}' is not in, out or bidirectional"); continue; }
                var act = f.Action.ToLowerInvariant();
                if (act is not ("allow" or "deny")) { Err(fp + ".action", $"'{f.Action}' is not allow or deny"); continue; }
                var name = f.Name ?? $"{c.Name}-{j}";
                if (!IsName(name) || filters.Any(x => x.Name == name)) { Err(fp + ".name", $"'{name}' is not a valid unique filter name"); continue; }
                filters.Add(new ResolvedFilter(name, ether, proto, f.DFromPort, f.DToPort ?? f.DFromPort, f.SFromPort, f.SToPort ?? f.SFromPort, dir, act == "allow"));
            }
            contracts.Add(new ResolvedContract(c.Name, cons, prov, filters));
        }

        // SNAT
        var snats = new List<ResolvedSnatPolicy>();
        for (var i = 0; i < spec.SnatPolicies.Count; i++)
        {
            var s = spec.SnatPolicies[i];
            var path = $"snatPolicies[{i}]";
            if (!IsName(s.Name) || snats.Any(x => x.Name == s.Name)) { Err(path + ".name", $"'{s.Name}' is not a valid unique name"); continue; }
            if (!IpCidr.TryParseAddress(s.SnatIp, out var snatIp) || snatIp.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) { Err(path + ".snatIp", $"'{s.SnatIp}' is not an IPv4 address"); continue; }
            var dests = new List<IpCidr>();
            foreach (var d in s.DestIps.Count == 0 ? ["0.0.0.0/0"] : s.DestIps)
                if (IpCidr.TryParse(d, out var dc) && dc.IsV4) dests.Add(dc); else Err(path + ".destIps", $"'{d}' is not an IPv4 CIDR");
            if (s.PortStart < 1024 || s.PortEnd > 65535 || s.PortStart >= s.PortEnd) { Err(path, "port range must satisfy 1024 <= portStart < portEnd <= 65535"); continue; }
            if (s.PortsPerNode < 2 || (long)s.PortsPerNode * nodes.Count > s.PortEnd - s.PortStart + 1) { Err(path + ".portsPerNode", $"{s.PortsPerNode} ports for each of {nodes.Count} nodes do not fit in {s.PortStart}-{s.PortEnd}"); continue; }
            if (s.Namespace is not null) EnsureNamespace(s.Namespace);
            snats.Add(new ResolvedSnatPolicy(s.Name, DeterministicUuid("snat:" + s.Name), s.Namespace, new Dictionary<string, string>(s.PodSelector),
                snatIp, dests, s.PortStart, s.PortEnd, s.PortsPerNode));
        }

        var externals = new Dictionary<string, IPAddress>();
        for (var i = 0; i < spec.Externals.Count; i++)
        {
            var e = spec.Externals[i];
            if (!IsName(e.Name) || externals.ContainsKey(e.Name)) Err($"externals[{i}].name", $"'{e.Name}' is not a valid unique name");
            else if (!IpCidr.TryParseAddress(e.Ip, out var eip)) Err($"externals[{i}].ip", $"'{e.Ip}' is not an IP address");
            else if (podSubnets.Any(s => s.Cidr.Contains(eip)) || (nodeSubnet?.Contains(eip) ?? false)) Err($"externals[{i}].ip", $"{eip} is inside the cluster's internal subnets");
            else externals[e.Name] = eip;
        }

        if (errors.Count > 0) throw new LabSpecException(errors);
        var resolved = new ResolvedCluster
        {
            Spec = spec, Tenant = spec.Tenant, PodSubnets = podSubnets, NodeSubnet = nodeSubnet!, ServiceSubnet = serviceSubnet!,
            AnycastTunnelIp = anycast, Nodes = nodes, Epgs = epgs, Namespaces = namespaces, Pods = pods, Services = services,
            NetworkPolicies = spec.NetworkPolicies, Contracts = contracts, SnatPolicies = snats, Externals = externals,
        };
        for (var i = 0; i < spec.Scenarios.Count; i++)
        {
            var sc = spec.Scenarios[i];
            if (!IsName(sc.Name) || spec.Scenarios.Take(i).Any(x => x.Name == sc.Name)) Err($"scenarios[{i}].name", $"'{sc.Name}' is not a valid unique name");
            else if (GroundTruth.Scenarios.ToQuery(resolved, sc, out var scErr) is null) Err($"scenarios[{i}] ({sc.Name})", scErr!);
        }
        if (errors.Count > 0) throw new LabSpecException(errors);
        return resolved;
    }

    private static void ValidateRule(List<PeerSpec>? peers, List<PolicyPortSpec>? ports, string path, string peerKey, Action<string, string> err)
    {
        for (var k = 0; k < (peers?.Count ?? 0); k++)
        {
            var peer = peers![k];
            var pp = $"{path}.{peerKey}[{k}]";
            if (peer.IpBlock is not null)
            {
                if (peer.PodSelector is not null || peer.NamespaceSelector is not null) err(pp, "ipBlock cannot be combined with podSelector or namespaceSelector");
                if (!IpCidr.TryParse(peer.IpBlock.Cidr, out var c) || !peer.IpBlock.Cidr.Contains('/')) { err(pp + ".ipBlock.cidr", $"'{peer.IpBlock.Cidr}' is not a CIDR"); continue; }
                foreach (var ex in peer.IpBlock.Except ?? [])
                    if (!IpCidr.TryParse(ex, out var e) || !c.Contains(e) || e.PrefixLength <= c.PrefixLength) err(pp + ".ipBlock.except", $"'{ex}' is not a CIDR strictly inside {c}");
            }
            else if (peer.PodSelector is null && peer.NamespaceSelector is null) err(pp, "a peer needs podSelector, namespaceSelector or ipBlock");
            ValidateSelector(peer.PodSelector, pp + ".podSelector", err);
            ValidateSelector(peer.NamespaceSelector, pp + ".namespaceSelector", err);
        }
        for (var k = 0; k < (ports?.Count ?? 0); k++)
        {
            var p = ports![k];
            var pp = $"{path}.ports[{k}]";
            var proto = (p.Protocol ?? "TCP").ToUpperInvariant();
            if (proto is not ("TCP" or "UDP" or "SCTP")) err(pp + ".protocol", $"'{p.Protocol}' is not TCP, UDP or SCTP");
            if (p.Port is null) { if (p.EndPort is not null) err(pp + ".endPort", "endPort needs port"); continue; }
            if (int.TryParse(p.Port, out var n))
            {
                if (n is < 1 or > 65535) err(pp + ".port", $"{n} is not 1..65535");
                if (p.EndPort is { } end && (end < n || end > 65535)) err(pp + ".endPort", $"{end} must be {n}..65535");
            }
            else if (!IsPortName(p.Port)) err(pp + ".port", $"'{p.Port}' is neither 1..65535 nor a port name");
            else if (p.EndPort is not null) err(pp + ".endPort", "endPort is not allowed with a named port");
        }
    }

    private static void ValidateSelector(LabelSelectorSpec? s, string path, Action<string, string> err)
    {
        if (LabelSelectors.Validate(s) is { } e) err(path, e);
    }

    private static IpCidr? ParseCidr(string text, string path, Action<string, string> err)
    {
        if (IpCidr.TryParse(text, out var c) && c.IsV4 && text.Contains('/')) return c;
        err(path, $"'{text}' is not an IPv4 CIDR");
        return null;
    }

    private static bool ValidRange(int? from, int? to) =>
        from is null ? to is null : from is >= 1 and <= 65535 && (to ?? from) is var t && t >= from && t <= 65535;

    /// <summary>Reads the EPG annotation JSON {"tenant","app-profile","name"}; returns "app|epg".</summary>
    public static string? ParseEpgAnnotation(string json, string tenant, out string? error)
    {
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { error = "must be a JSON object"; return null; }
            string? Get(string k) => doc.RootElement.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var t = Get("tenant");
            var ap = Get("app-profile");
            var name = Get("name");
            if (ap is null || name is null) { error = "needs string keys \"app-profile\" and \"name\""; return null; }
            if (t is not null && t != tenant) { error = $"tenant '{t}' is not the cluster tenant '{tenant}' (only one tenant is simulated)"; return null; }
            return ap + "|" + name;
        }
        catch (JsonException e)
        {
            error = "is not valid JSON: " + e.Message;
            return null;
        }
    }

    /// <summary>A stable RFC-4122-shaped uuid from a key.</summary>
    public static string DeterministicUuid(string key)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        h[6] = (byte)(h[6] & 0x0f | 0x40);
        h[8] = (byte)(h[8] & 0x3f | 0x80);
        var x = Convert.ToHexString(h, 0, 16).ToLowerInvariant();
        return $"{x[..8]}-{x[8..12]}-{x[12..16]}-{x[16..20]}-{x[20..32]}";
    }

    private static uint Hash32(string s) => BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(s)), 0);

    private static bool TryParseUInt(string s, out uint v) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v)
            : uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);

    /// <summary>Letters, digits, '-', '_', '.'; 1..64 characters.</summary>
    public static bool IsName(string? s) => !string.IsNullOrEmpty(s) && s.Length <= 64 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>DNS-1123 label or subdomain.</summary>
    public static bool IsDnsName(string? s) => !string.IsNullOrEmpty(s) && s.Length <= 253
        && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
        && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]);

    /// <summary>IANA_SVC_NAME: 1..15 chars, lowercase alnum and '-', at least one letter.</summary>
    public static bool IsPortName(string? s) => !string.IsNullOrEmpty(s) && s.Length <= 15
        && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && s.Any(char.IsAsciiLetterLower)
        && s[0] != '-' && s[^1] != '-' && !s.Contains("--");

    private static bool IsIfName(string s) => s.Length is > 0 and <= 15 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>xx:xx:xx:xx:xx:xx.</summary>
    public static bool IsMac(string s) => s.Length == 17 && s.Split(':') is { Length: 6 } parts && parts.All(p => p.Length == 2 && p.All(char.IsAsciiHexDigit));
}
