namespace AciTrace;

/// <summary>
/// Every ErrorId AciTrace raises, in one place: the FullyQualifiedErrorId of its ErrorRecords, stable across
/// versions (renames are listed in CHANGELOG.md). docs/help/about_AciTrace.md lists the same ids with the same
/// meanings; a test compares the two by reflection.
/// </summary>
public static class ErrorIds
{
    /// <summary>A <c>-Source</c>/<c>-Destination</c> (or a piped object) is not of the form <c>namespace/name</c> or <c>name</c>.</summary>
    public const string InvalidObjectReference = "InvalidObjectReference";

    /// <summary>A namespace, pod or Service name breaks the Kubernetes naming rules (lower-case letters, digits, <c>-</c>; <c>.</c> in pod names).</summary>
    public const string InvalidKubernetesName = "InvalidKubernetesName";

    /// <summary>The protocol, a port or an address cannot form the packet asked for (for example a port with <c>-Protocol Icmp</c>, or a host name instead of an IP address).</summary>
    public const string InvalidPacketField = "InvalidPacketField";

    /// <summary><c>-Context</c>, <c>-Kubeconfig</c> or <c>-KubectlPath</c> contains control characters or is too long.</summary>
    public const string InvalidClusterOption = "InvalidClusterOption";

    /// <summary>A timeout is not a positive duration.</summary>
    public const string InvalidTimeout = "InvalidTimeout";

    /// <summary>Export-AciReport was given an object it cannot report, or several traces for one bare Mermaid flowchart.</summary>
    public const string ReportInputNotSupported = "ReportInputNotSupported";

    /// <summary>Get-AciFlow <c>-Table</c> is neither a table number (0-254) nor a table name of the bridge.</summary>
    public const string InvalidFlowTable = "InvalidFlowTable";

    /// <summary>Compare-AciTrace was given an object that holds no trace.</summary>
    public const string CompareInputNotSupported = "CompareInputNotSupported";

    /// <summary>Export-AciReport <c>-NoClobber</c>: the file already exists.</summary>
    public const string ReportFileExists = "ReportFileExists";

    /// <summary>Export-AciReport could not write the file (no such folder, no permission).</summary>
    public const string ReportWriteFailed = "ReportWriteFailed";

    /// <summary>Get-AciConnectivity <c>-SourceSelector</c> or <c>-DestinationSelector</c> is not a Kubernetes label selector (<c>app=web,tier in (a,b)</c>).</summary>
    public const string InvalidLabelSelector = "InvalidLabelSelector";

    /// <summary><c>-Snapshot</c> was given with <c>-Kubeconfig</c>, <c>-Context</c>, <c>-Transport</c> or <c>-KubectlPath</c>: a trace reads either a snapshot or a cluster.</summary>
    public const string SnapshotConflictsWithCluster = "SnapshotConflictsWithCluster";

    /// <summary>The <c>-Snapshot</c> file does not exist.</summary>
    public const string SnapshotNotFound = "SnapshotNotFound";

    /// <summary>The <c>-Snapshot</c> file is not a snapshot AciTrace can read: not a zip, no or another manifest format, an entry missing or not matching its checksum, or an unsafe entry name.</summary>
    public const string SnapshotInvalid = "SnapshotInvalid";

    /// <summary>A trace or Get-AciFlow needs a node whose datapath the snapshot does not hold (it was taken with <c>-Node</c>).</summary>
    public const string SnapshotNodeMissing = "SnapshotNodeMissing";

    /// <summary>Tracing a snapshot needs Open vSwitch on this machine (its tools and daemons run privately, as your user); the message says how to install it.</summary>
    public const string LocalOvsNotInstalled = "LocalOvsNotInstalled";

    /// <summary>The private Open vSwitch that replays a snapshot's node could not be started or loaded (the message carries OVS's text).</summary>
    public const string LocalOvsFailed = "LocalOvsFailed";

    /// <summary>Save-AciSnapshot <c>-NoClobber</c>: the file already exists.</summary>
    public const string SnapshotFileExists = "SnapshotFileExists";

    /// <summary>Save-AciSnapshot could not write the file (no such folder, no permission, disk full).</summary>
    public const string SnapshotWriteFailed = "SnapshotWriteFailed";

    /// <summary>No kubectl (or oc) executable was found at <c>-KubectlPath</c>, <c>$env:ACITRACE_KUBECTL</c> or on PATH.</summary>
    public const string KubectlNotFound = "KubectlNotFound";

    /// <summary>The kubeconfig file does not exist.</summary>
    public const string KubeconfigNotFound = "KubeconfigNotFound";

    /// <summary>The kubeconfig has no context of that name (<c>kubectl config get-contexts</c> lists them).</summary>
    public const string KubeContextNotFound = "KubeContextNotFound";

    /// <summary>The kubeconfig exists but KubernetesClient cannot use it (the message quotes the library); <c>-Transport Kubectl</c> uses kubectl's reading of it.</summary>
    public const string InvalidKubeconfig = "InvalidKubeconfig";

    /// <summary><c>-Transport</c> or <c>$env:ACITRACE_TRANSPORT</c> names no transport; use KubernetesClient or Kubectl.</summary>
    public const string InvalidTransport = "InvalidTransport";

    /// <summary>The in-process transport's assemblies (the module's dependencies/ folder) cannot be loaded: reinstall the module, or use <c>-Transport Kubectl</c>.</summary>
    public const string TransportUnavailable = "TransportUnavailable";

    /// <summary>An exec was refused because the pod is not Running (Pending, Succeeded, Failed).</summary>
    public const string PodNotRunning = "PodNotRunning";

    /// <summary>The API server rejected the credentials: log in again or refresh the token.</summary>
    public const string KubeUnauthorized = "KubeUnauthorized";

    /// <summary>The kubeconfig user lacks a permission the trace needs (for example <c>create</c> on <c>pods/exec</c>); the message names it. The module's folder has the exact Role and ClusterRole (<c>rbac/acitrace-reader.yaml</c>).</summary>
    public const string KubeForbidden = "KubeForbidden";

    /// <summary>The Kubernetes API server could not be reached.</summary>
    public const string ClusterUnreachable = "ClusterUnreachable";

    /// <summary>The API server answered, but could not open an exec session on one node (its kubelet): the message names the node and pod; check the node is Ready and the API server reaches its kubelet on port 10250.</summary>
    public const string NodeExecUnavailable = "NodeExecUnavailable";

    /// <summary>A cluster call (an API read or an exec, in process or by kubectl) took longer than <c>-TimeoutSec</c> and was stopped.</summary>
    public const string ClusterCallTimeout = "ClusterCallTimeout";

    /// <summary>The API server or kubectl failed in a way AciTrace does not classify; the message carries their own text.</summary>
    public const string ClusterCallFailed = "ClusterCallFailed";

    /// <summary>The API server (or kubectl) answered but not with the JSON asked for.</summary>
    public const string ClusterInvalidOutput = "ClusterInvalidOutput";

    /// <summary>A call returned more output than AciTrace accepts and was stopped.</summary>
    public const string ClusterOutputTooLarge = "ClusterOutputTooLarge";

    /// <summary>The cluster does not serve a resource type the trace reads.</summary>
    public const string KubeResourceTypeUnavailable = "KubeResourceTypeUnavailable";

    /// <summary>The namespace does not exist in the cluster.</summary>
    public const string NamespaceNotFound = "NamespaceNotFound";

    /// <summary>The pod does not exist in its namespace.</summary>
    public const string PodNotFound = "PodNotFound";

    /// <summary>The Service does not exist in its namespace.</summary>
    public const string ServiceNotFound = "ServiceNotFound";

    /// <summary>The node does not exist.</summary>
    public const string NodeNotFound = "NodeNotFound";

    /// <summary>The EndpointSlice does not exist.</summary>
    public const string EndpointSliceNotFound = "EndpointSliceNotFound";

    /// <summary>The NetworkPolicy does not exist.</summary>
    public const string NetworkPolicyNotFound = "NetworkPolicyNotFound";

    /// <summary>Another Kubernetes object the trace reads does not exist.</summary>
    public const string KubeObjectNotFound = "KubeObjectNotFound";

    /// <summary>The container does not exist in the ACI CNI pod of the node.</summary>
    public const string ContainerNotFound = "ContainerNotFound";

    /// <summary>A command AciTrace runs is not available in the node's ACI CNI pod or container.</summary>
    public const string RemoteCommandNotFound = "RemoteCommandNotFound";

    /// <summary>A command run in a node's ACI CNI pod exited with an error.</summary>
    public const string RemoteCommandFailed = "RemoteCommandFailed";

    /// <summary>A command outside AciTrace's read-only allowlist was refused.</summary>
    public const string CommandNotAllowed = "CommandNotAllowed";

    /// <summary>A label or field selector AciTrace built is malformed (a bug: please report it).</summary>
    public const string InvalidSelector = "InvalidSelector";

    /// <summary>AciTrace asked for an unknown resource kind (a bug: please report it).</summary>
    public const string InvalidKubeResource = "InvalidKubeResource";

    /// <summary>AciTrace built an impossible cluster query (a bug: please report it).</summary>
    public const string InvalidKubeQuery = "InvalidKubeQuery";

    /// <summary>AciTrace read a namespaced object without a namespace (a bug: please report it).</summary>
    public const string NamespaceRequired = "NamespaceRequired";

    /// <summary>Neither <c>aci-containers-system</c> nor a namespace labelled <c>network-plugin=aci-containers</c> exists: not an ACI CNI cluster, or the wrong context.</summary>
    public const string AciSystemNamespaceNotFound = "AciSystemNamespaceNotFound";

    /// <summary>No <c>aci-containers-openvswitch</c> pod runs on the node that hosts the pod.</summary>
    public const string OvsPodNotFound = "OvsPodNotFound";

    /// <summary>The node's <c>aci-containers-openvswitch</c> pod is not Ready, so its OVS state cannot be trusted.</summary>
    public const string OvsPodNotReady = "OvsPodNotReady";

    /// <summary>No <c>aci-containers-host</c> pod runs on the node that hosts the pod.</summary>
    public const string HostAgentPodNotFound = "HostAgentPodNotFound";

    /// <summary>The node's <c>aci-containers-host</c> pod is not Ready.</summary>
    public const string HostAgentPodNotReady = "HostAgentPodNotReady";

    /// <summary>The pod is not scheduled on a node yet, so there is no datapath to trace.</summary>
    public const string PodNotScheduled = "PodNotScheduled";

    /// <summary>The pod has no IP address yet (for example Pending); wait until it is Running.</summary>
    public const string PodHasNoAddress = "PodHasNoAddress";

    /// <summary>The node's opflex agent has no endpoint file for the pod: the host agent has not programmed it.</summary>
    public const string EndpointFileNotFound = "EndpointFileNotFound";

    /// <summary>The pod's EPG has no VNID in the node's policy (gbp_inspect): the opflex agent has not resolved it from the leaf.</summary>
    public const string EpgNotResolved = "EpgNotResolved";

    /// <summary><c>-IPv6</c> was asked for, but a pod has no IPv6 address (it is not dual-stack).</summary>
    public const string NoIPv6Address = "NoIPv6Address";

    /// <summary>Source and destination have no address of a common IP family.</summary>
    public const string AddressFamilyMismatch = "AddressFamilyMismatch";

    /// <summary><c>-Protocol Arp</c> was asked for between pods resolved to IPv6 addresses.</summary>
    public const string ArpNeedsIPv4 = "ArpNeedsIPv4";

    /// <summary>A TCP/UDP trace needs <c>-DestinationPort</c> (the destination pod declares no container port to default to, or the destination is external).</summary>
    public const string DestinationPortRequired = "DestinationPortRequired";

    /// <summary>The Service has no port of that number and protocol (or several, and none was given).</summary>
    public const string ServicePortNotFound = "ServicePortNotFound";

    /// <summary>The Service is headless (<c>clusterIP: None</c>): trace one of its pods with Get-AciPodTrace instead.</summary>
    public const string ServiceHasNoClusterIP = "ServiceHasNoClusterIP";

    /// <summary>The Service has no ready endpoints: check its selector and pods.</summary>
    public const string ServiceHasNoEndpoints = "ServiceHasNoEndpoints";

    /// <summary>Get-AciServiceTrace <c>-SourceAddress</c>: the Service cannot be reached the way asked (no LoadBalancer ingress IP, not one of its external IPs, no node port).</summary>
    public const string ServiceNotExposed = "ServiceNotExposed";

    /// <summary>Get-AciServiceTrace <c>-SourceAddress</c>: the receiving node's opflex agent has no external copy of the Service (<c>&lt;uid&gt;-external.service</c>), or one without the service MAC, VLAN or IP the trace needs.</summary>
    public const string ExternalServiceFileNotFound = "ExternalServiceFileNotFound";

    /// <summary>The source pod uses the host network, so its traffic to a Service or an external address never enters OVS.</summary>
    public const string HostNetworkSourceNotTraceable = "HostNetworkSourceNotTraceable";

    /// <summary><c>ofproto/trace</c> printed no trace twice in a row (the exec stream was cut short); the message carries kubectl's stderr.</summary>
    public const string OvsTraceEmpty = "OvsTraceEmpty";

    /// <summary>Reading the opflex agent's files on a node returned incomplete output twice in a row.</summary>
    public const string NodeFactsIncomplete = "NodeFactsIncomplete";

    /// <summary><c>ovs-appctl ofproto/trace</c> itself reported an error on the node (the message carries OVS's text).</summary>
    public const string OvsTraceFailed = "OvsTraceFailed";

    /// <summary>A source or destination name is empty.</summary>
    public const string NameRequired = "NameRequired";

    /// <summary><c>Get-AciExternalTrace</c> needs a destination IP address.</summary>
    public const string DestinationAddressRequired = "DestinationAddressRequired";

    /// <summary>ConvertFrom-AciOvsTrace got text that is not <c>ofproto/trace</c> output (no <c>Flow:</c> line, bridge section or OVS error).</summary>
    public const string NotAnOvsTrace = "NotAnOvsTrace";

    /// <summary>ConvertFrom-AciOvsTrace <c>-PortMap</c> holds neither <c>ovs-appctl dpif/show</c> nor <c>ovs-ofctl show</c> output.</summary>
    public const string InvalidPortMap = "InvalidPortMap";

    /// <summary>The engine failed in a way it does not classify; run again with <c>-Verbose</c> and report it.</summary>
    public const string TraceEngineFailure = "TraceEngineFailure";
}
