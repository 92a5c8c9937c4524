namespace AciTrace.Lab.Spec;

// YAML shape of a lab cluster (camelCase keys). These are plain mutable documents; SpecResolver validates them and
// produces the immutable ResolvedCluster that generation and ground truth use.

/// <summary>Root of a lab cluster spec (YAML).</summary>
public sealed class ClusterSpec
{
    /// <summary>ACI policy space (tenant) of the cluster; default "kube".</summary>
    public string Tenant { get; set; } = "kube";
    /// <summary>VRF (GbpRoutingDomain) name.</summary>
    public string Vrf { get; set; } = "kube-vrf";
    /// <summary>Pod bridge domain name.</summary>
    public string BridgeDomain { get; set; } = "aci-containers-kube-pod-bd";
    /// <summary>Pod subnets with their gateway.</summary>
    public List<SubnetSpec> PodSubnets { get; set; } = [];
    /// <summary>Node subnet (an RD internal subnet); hostNetwork pods use their node's IP from it.</summary>
    public string NodeSubnet { get; set; } = "192.168.10.0/24";
    /// <summary>ClusterIP service subnet.</summary>
    public string ServiceSubnet { get; set; } = "10.96.0.0/12";
    /// <summary>Fabric anycast tunnel destination (the agent's remote-ip).</summary>
    public string AnycastTunnelIp { get; set; } = "10.0.0.32";
    /// <summary>When true the drop-log ports gen1/gen2 exist.</summary>
    public bool DropLog { get; set; }
    /// <summary>Service VLAN used on the uplink for SNAT; default 4003.</summary>
    public int ServiceVlan { get; set; } = 4003;
    /// <summary>
    /// Subnet of the nodes' service endpoints (the host agent's node service IP and MAC, where the fabric's service
    /// graph sends external traffic for LoadBalancer, externalIPs and NodePort Services); node i gets address i+2.
    /// </summary>
    public string NodeServiceSubnet { get; set; } = "10.5.0.0/24";
    /// <summary>Conntrack zone written in .snat files; default 8191.</summary>
    public int SnatZone { get; set; } = 8191;
    /// <summary>EPG used by namespaces that do not name one ("app|epg").</summary>
    public string DefaultEpg { get; set; } = "aci-containers-kube|aci-containers-default";
    /// <summary>Nodes, in creation order.</summary>
    public List<NodeSpec> Nodes { get; set; } = [];
    /// <summary>End-point groups.</summary>
    public List<EpgSpec> Epgs { get; set; } = [];
    /// <summary>Namespaces (a pod's namespace that is not listed is created with the default EPG).</summary>
    public List<NamespaceSpec> Namespaces { get; set; } = [];
    /// <summary>Pods.</summary>
    public List<PodSpec> Pods { get; set; } = [];
    /// <summary>ClusterIP services.</summary>
    public List<ServiceSpec> Services { get; set; } = [];
    /// <summary>Kubernetes NetworkPolicies (networking.k8s.io/v1 shape).</summary>
    public List<NetworkPolicySpec> NetworkPolicies { get; set; } = [];
    /// <summary>ACI contracts between EPGs.</summary>
    public List<ContractSpec> Contracts { get; set; } = [];
    /// <summary>ACI CNI SNAT policies.</summary>
    public List<SnatPolicySpec> SnatPolicies { get; set; } = [];
    /// <summary>Named external destinations.</summary>
    public List<ExternalSpec> Externals { get; set; } = [];
    /// <summary>Named packets to trace, with an optional declared expectation.</summary>
    public List<ScenarioSpec> Scenarios { get; set; } = [];
}

/// <summary>A scenario: a packet from a pod to a pod, service, external name, node (hostNetwork) or IP.</summary>
public sealed class ScenarioSpec
{
    /// <summary>Scenario name.</summary>
    public string Name { get; set; } = "";
    /// <summary>Source pod "namespace/name".</summary>
    public string From { get; set; } = "";
    /// <summary>Destination pod "namespace/name".</summary>
    public string? ToPod { get; set; }
    /// <summary>Destination service "namespace/name" (ClusterIP).</summary>
    public string? ToService { get; set; }
    /// <summary>Destination external name.</summary>
    public string? ToExternal { get; set; }
    /// <summary>Destination IP.</summary>
    public string? ToIp { get; set; }
    /// <summary>tcp, udp, icmp or arp.</summary>
    public string Protocol { get; set; } = "tcp";
    /// <summary>Destination port (tcp/udp).</summary>
    public int? Port { get; set; }
    /// <summary>Source port (tcp/udp); default 40000.</summary>
    public int? SourcePort { get; set; }
    /// <summary>Declared expectation (Deliver, Forward, Drop, Punt); checked against the ground truth.</summary>
    public string? Expect { get; set; }
}

/// <summary>A subnet with its gateway.</summary>
public sealed class SubnetSpec
{
    /// <summary>CIDR, e.g. 10.2.0.0/16.</summary>
    public string Cidr { get; set; } = "";
    /// <summary>Gateway (virtualRouterIp); default: first host address.</summary>
    public string? Gateway { get; set; }
}

/// <summary>A Kubernetes node with its OVS instance.</summary>
public sealed class NodeSpec
{
    /// <summary>Node name.</summary>
    public string Name { get; set; } = "";
    /// <summary>VTEP IP (on eth1.4093 on a real node).</summary>
    public string? VtepIp { get; set; }
    /// <summary>Node IP in the node subnet; default derived.</summary>
    public string? Ip { get; set; }
    /// <summary>Uplink interface name; default eth1.</summary>
    public string Uplink { get; set; } = "eth1";
    /// <summary>Uplink MAC; default derived.</summary>
    public string? UplinkMac { get; set; }
    /// <summary>Per-node pod CIDR used for automatic pod IPs; default the node's /24 in the first pod subnet.</summary>
    public string? PodCidr { get; set; }
}

/// <summary>An EPG "app-profile|epg".</summary>
public sealed class EpgSpec
{
    /// <summary>"app-profile|epg-name".</summary>
    public string Name { get; set; } = "";
    /// <summary>VNID (decimal or 0x hex); default derived from the name.</summary>
    public string? Vnid { get; set; }
}

/// <summary>A namespace with its default EPG and labels.</summary>
public sealed class NamespaceSpec
{
    /// <summary>Namespace name.</summary>
    public string Name { get; set; } = "";
    /// <summary>Default EPG of pods in the namespace; default: the cluster default EPG.</summary>
    public string? Epg { get; set; }
    /// <summary>Namespace labels (kubernetes.io/metadata.name is added automatically).</summary>
    public Dictionary<string, string> Labels { get; set; } = [];
}

/// <summary>A pod.</summary>
public sealed class PodSpec
{
    /// <summary>Namespace; default "default".</summary>
    public string Namespace { get; set; } = "default";
    /// <summary>Pod name.</summary>
    public string Name { get; set; } = "";
    /// <summary>Node the pod runs on.</summary>
    public string Node { get; set; } = "";
    /// <summary>Labels.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];
    /// <summary>Annotations, incl. opflex.cisco.com/endpoint-group.</summary>
    public Dictionary<string, string> Annotations { get; set; } = [];
    /// <summary>Shorthand for the opflex.cisco.com/endpoint-group annotation ("app|epg").</summary>
    public string? Epg { get; set; }
    /// <summary>Container ports.</summary>
    public List<ContainerPortSpec> Ports { get; set; } = [];
    /// <summary>Host network pod (no veth, node IP).</summary>
    public bool HostNetwork { get; set; }
    /// <summary>Running or Pending.</summary>
    public string Phase { get; set; } = "Running";
    /// <summary>IPv4; default allocated from the node's pod CIDR.</summary>
    public string? Ip { get; set; }
    /// <summary>Optional IPv6.</summary>
    public string? Ipv6 { get; set; }
    /// <summary>MAC; default derived from the IP.</summary>
    public string? Mac { get; set; }
}

/// <summary>A container port.</summary>
public sealed class ContainerPortSpec
{
    /// <summary>Port name (for named ports).</summary>
    public string? Name { get; set; }
    /// <summary>Port number.</summary>
    public int ContainerPort { get; set; }
    /// <summary>TCP, UDP or SCTP; default TCP.</summary>
    public string Protocol { get; set; } = "TCP";
}

/// <summary>A ClusterIP service.</summary>
public sealed class ServiceSpec
{
    /// <summary>Namespace.</summary>
    public string Namespace { get; set; } = "default";
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";
    /// <summary>ClusterIP; default allocated from the service subnet.</summary>
    public string? ClusterIp { get; set; }
    /// <summary>Pod selector (labels).</summary>
    public Dictionary<string, string> Selector { get; set; } = [];
    /// <summary>Ports.</summary>
    public List<ServicePortSpec> Ports { get; set; } = [];
    /// <summary>ClusterIP (default), NodePort or LoadBalancer.</summary>
    public string Type { get; set; } = "ClusterIP";
    /// <summary>LoadBalancer: the ingress IP (status.loadBalancer.ingress), from the fabric's external service subnet.</summary>
    public string? LoadBalancerIp { get; set; }
    /// <summary>spec.externalIPs.</summary>
    public List<string> ExternalIps { get; set; } = [];
    /// <summary>Cluster (default) or Local, as the Service says; ACI CNI's external copy lists the node's own pods under either.</summary>
    public string ExternalTrafficPolicy { get; set; } = "Cluster";
}

/// <summary>A service port.</summary>
public sealed class ServicePortSpec
{
    /// <summary>Port name.</summary>
    public string? Name { get; set; }
    /// <summary>Service port.</summary>
    public int Port { get; set; }
    /// <summary>Target port: a number or a container port name; default = port.</summary>
    public string? TargetPort { get; set; }
    /// <summary>TCP or UDP; default TCP.</summary>
    public string Protocol { get; set; } = "TCP";
    /// <summary>NodePort and LoadBalancer Services: the node port (30000-32767); allocated when omitted.</summary>
    public int? NodePort { get; set; }
}

/// <summary>A NetworkPolicy in networking.k8s.io/v1 shape (metadata flattened to namespace/name).</summary>
public sealed class NetworkPolicySpec
{
    /// <summary>Namespace.</summary>
    public string Namespace { get; set; } = "default";
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";
    /// <summary>The policy spec.</summary>
    public NetworkPolicyBody Spec { get; set; } = new();
}

/// <summary>NetworkPolicySpec body.</summary>
public sealed class NetworkPolicyBody
{
    /// <summary>Selected pods in the policy's namespace (empty selects all).</summary>
    public LabelSelectorSpec PodSelector { get; set; } = new();
    /// <summary>Ingress and/or Egress; default Ingress, plus Egress when egress rules exist.</summary>
    public List<string>? PolicyTypes { get; set; }
    /// <summary>Ingress rules.</summary>
    public List<IngressRuleSpec>? Ingress { get; set; }
    /// <summary>Egress rules.</summary>
    public List<EgressRuleSpec>? Egress { get; set; }
}

/// <summary>metav1.LabelSelector.</summary>
public sealed class LabelSelectorSpec
{
    /// <summary>matchLabels.</summary>
    public Dictionary<string, string>? MatchLabels { get; set; }
    /// <summary>matchExpressions.</summary>
    public List<LabelExpressionSpec>? MatchExpressions { get; set; }
}

/// <summary>A label selector requirement.</summary>
public sealed class LabelExpressionSpec
{
    /// <summary>Label key.</summary>
    public string Key { get; set; } = "";
    /// <summary>In, NotIn, Exists, DoesNotExist.</summary>
    public string Operator { get; set; } = "In";
    /// <summary>Values.</summary>
    public List<string>? Values { get; set; }
}

/// <summary>NetworkPolicyIngressRule.</summary>
public sealed class IngressRuleSpec
{
    /// <summary>Peers; absent or empty = all sources.</summary>
    public List<PeerSpec>? From { get; set; }
    /// <summary>Ports; absent or empty = all ports.</summary>
    public List<PolicyPortSpec>? Ports { get; set; }
}

/// <summary>NetworkPolicyEgressRule.</summary>
public sealed class EgressRuleSpec
{
    /// <summary>Peers; absent or empty = all destinations.</summary>
    public List<PeerSpec>? To { get; set; }
    /// <summary>Ports; absent or empty = all ports.</summary>
    public List<PolicyPortSpec>? Ports { get; set; }
}

/// <summary>NetworkPolicyPeer.</summary>
public sealed class PeerSpec
{
    /// <summary>podSelector.</summary>
    public LabelSelectorSpec? PodSelector { get; set; }
    /// <summary>namespaceSelector.</summary>
    public LabelSelectorSpec? NamespaceSelector { get; set; }
    /// <summary>ipBlock.</summary>
    public IpBlockSpec? IpBlock { get; set; }
}

/// <summary>IPBlock.</summary>
public sealed class IpBlockSpec
{
    /// <summary>CIDR.</summary>
    public string Cidr { get; set; } = "";
    /// <summary>Excepted CIDRs inside Cidr.</summary>
    public List<string>? Except { get; set; }
}

/// <summary>NetworkPolicyPort.</summary>
public sealed class PolicyPortSpec
{
    /// <summary>TCP (default), UDP, SCTP.</summary>
    public string? Protocol { get; set; }
    /// <summary>Number or named port; absent = all ports of the protocol.</summary>
    public string? Port { get; set; }
    /// <summary>End of a numeric port range.</summary>
    public int? EndPort { get; set; }
}

/// <summary>An ACI contract.</summary>
public sealed class ContractSpec
{
    /// <summary>Contract name.</summary>
    public string Name { get; set; } = "";
    /// <summary>Consumer EPGs.</summary>
    public List<string> Consumers { get; set; } = [];
    /// <summary>Provider EPGs.</summary>
    public List<string> Providers { get; set; } = [];
    /// <summary>Filter entries (one GbpRule with one classifier each).</summary>
    public List<FilterSpec> Filters { get; set; } = [];
}

/// <summary>A contract filter entry.</summary>
public sealed class FilterSpec
{
    /// <summary>Entry name; default derived.</summary>
    public string? Name { get; set; }
    /// <summary>ipv4 (default), ipv6, arp, unspecified.</summary>
    public string EtherT { get; set; } = "ipv4";
    /// <summary>tcp, udp, icmp, icmpv6 or a number; absent = any.</summary>
    public string? Proto { get; set; }
    /// <summary>Destination port range start.</summary>
    public int? DFromPort { get; set; }
    /// <summary>Destination port range end; default = from.</summary>
    public int? DToPort { get; set; }
    /// <summary>Source port range start.</summary>
    public int? SFromPort { get; set; }
    /// <summary>Source port range end.</summary>
    public int? SToPort { get; set; }
    /// <summary>in (consumer to provider), out (provider to consumer), bidirectional (default).</summary>
    public string Direction { get; set; } = "bidirectional";
    /// <summary>allow (default) or deny.</summary>
    public string Action { get; set; } = "allow";
}

/// <summary>An ACI CNI SnatPolicy.</summary>
public sealed class SnatPolicySpec
{
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";
    /// <summary>Namespace the selector applies to; absent = all namespaces.</summary>
    public string? Namespace { get; set; }
    /// <summary>Pod label selector (matchLabels); empty = all pods of the namespace.</summary>
    public Dictionary<string, string> PodSelector { get; set; } = [];
    /// <summary>SNAT IP.</summary>
    public string SnatIp { get; set; } = "";
    /// <summary>Destination CIDRs; default 0.0.0.0/0.</summary>
    public List<string> DestIps { get; set; } = [];
    /// <summary>First port of the cluster-wide range (default 5000).</summary>
    public int PortStart { get; set; } = 5000;
    /// <summary>Last port of the cluster-wide range (default 65000).</summary>
    public int PortEnd { get; set; } = 65000;
    /// <summary>Ports given to each node (default 3000).</summary>
    public int PortsPerNode { get; set; } = 3000;
}

/// <summary>A named external destination.</summary>
public sealed class ExternalSpec
{
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";
    /// <summary>IPv4 address.</summary>
    public string Ip { get; set; } = "";
}
