using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Tests.Unit.Kube;

/// <summary>
/// kubectl's stderr forms, replayed by a fake kubectl, must become typed errors. Sources of the texts:
/// (lab) lab-feasibility.md §2.2/§2.3 (kubectl 1.32 against the home-made API server);
/// (real) captured on this machine with the installed kubectl, command in the comment;
/// (k8s) the API server's standard RBAC/NotFound wording as kubectl prints it.
/// </summary>
public class KubectlErrorMappingTests
{
    private const string Ns = "aci-containers-system";
    private const string HostPod = "aci-containers-host-abcde";
    private static readonly string[] Gbp = { "gbp_inspect", "-fprq", "DmtreeRoot", "-t", "dump" };

    // (real) kubectl --kubeconfig /tmp/pk-kc.yaml get pods -o json   (server http://127.0.0.1:1)
    private const string ConnectionRefused =
        "E1122 11:04:24.921707   12917 memcache.go:265] \"Unhandled Error\" err=\"couldn't get current server API group list: Get \\\"http://127.0.0.1:1/api?timeout=32s\\\": dial tcp 127.0.0.1:1: connect: connection refused\"\n" +
        "E1122 11:04:24.923469   12917 memcache.go:265] \"Unhandled Error\" err=\"couldn't get current server API group list: Get \\\"http://127.0.0.1:1/api?timeout=32s\\\": dial tcp 127.0.0.1:1: connect: connection refused\"\n" +
        "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n";

    private static async Task<AciTraceException> GetFails(string stderr, int exitCode, KubeResource resource = KubeResource.Pods, string? ns = "demo", string? name = "web-1")
    {
        using var fake = FakeKubectl.Create(stderr: stderr, exitCode: exitCode);
        var client = new KubectlClient(new KubectlClientOptions { KubectlPath = fake.Path });
        return await Assert.ThrowsAnyAsync<AciTraceException>(() => client.GetJsonAsync(resource, ns, name, null, null, CancellationToken.None));
    }

    private static async Task<AciTraceException> ExecFails(string stderr, int exitCode, string stdout = "", string? container = "opflex-agent")
    {
        using var fake = FakeKubectl.Create(stdout: stdout, stderr: stderr, exitCode: exitCode);
        var client = new KubectlClient(new KubectlClientOptions { KubectlPath = fake.Path });
        return await Assert.ThrowsAnyAsync<AciTraceException>(() => client.ExecAsync(Ns, HostPod, container, Gbp, CancellationToken.None));
    }

    [Theory]
    [InlineData(KubeResource.Pods, "pods", "PodNotFound", "pod")]
    [InlineData(KubeResource.Services, "services", "ServiceNotFound", "service")]
    [InlineData(KubeResource.Namespaces, "namespaces", "NamespaceNotFound", "namespace")]
    [InlineData(KubeResource.Nodes, "nodes", "NodeNotFound", "node")]
    [InlineData(KubeResource.EndpointSlices, "endpointslices.discovery.k8s.io", "EndpointSliceNotFound", "EndpointSlice")]
    [InlineData(KubeResource.NetworkPolicies, "networkpolicies.networking.k8s.io", "NetworkPolicyNotFound", "NetworkPolicy")]
    public async Task NotFoundNamesTheObject(KubeResource resource, string word, string errorId, string display)
    {
        // (lab) Error from server (NotFound): pods "nope" not found
        bool namespaced = resource is not (KubeResource.Namespaces or KubeResource.Nodes);
        var ex = await GetFails($"Error from server (NotFound): {word} \"nope\" not found\n", 1, resource, namespaced ? "demo" : null, "nope");
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(AciErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal("nope", ex.Target);
        Assert.Contains($"The {display} 'nope' was not found", ex.Message);
        if (namespaced) Assert.Contains("in namespace 'demo'", ex.Message);
    }

    [Fact]
    public async Task ExecIntoMissingPodIsPodNotFound()
    {
        var ex = await ExecFails($"Error from server (NotFound): pods \"{HostPod}\" not found\n", 1);
        Assert.Equal("PodNotFound", ex.ErrorId);
        Assert.Contains($"'{HostPod}' was not found in namespace '{Ns}'", ex.Message);
    }

    [Fact]
    public async Task ForbiddenExecSaysWhichPermissionIsMissingAndHowToGrantIt()
    {
        // (k8s) RBAC denial of pods/exec
        var ex = await ExecFails(
            "Error from server (Forbidden): pods \"aci-containers-host-abcde\" is forbidden: User \"alice\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"aci-containers-system\"\n", 1);
        Assert.Equal("KubeForbidden", ex.ErrorId);
        Assert.Equal(AciErrorKind.PermissionDenied, ex.Kind);
        Assert.Contains("User 'alice' is not allowed to create pods/exec", ex.Message);
        Assert.Contains("in namespace 'aci-containers-system'", ex.Message);
        Assert.Contains("apply rbac/acitrace-reader.yaml", ex.Message);
        Assert.Contains("kubectl create rolebinding acitrace-exec -n aci-containers-system --role=acitrace-exec --user=alice", ex.Message);
    }

    [Fact]
    public async Task ExecTheApiServerCannotHandToTheKubeletIsNotClusterUnreachable()
    {
        var ex = await ExecFails(
            "error: unable to upgrade connection: error dialing backend: dial tcp 10.0.176.66:10250: connect: connection refused\n", 1);
        Assert.Equal("NodeExecUnavailable", ex.ErrorId);
        Assert.Equal(AciErrorKind.ResourceUnavailable, ex.Kind);
        Assert.Contains("The API server is reachable but could not open an exec session to pod", ex.Message);
        Assert.Contains("port 10250", ex.Message);
    }

    [Fact]
    public async Task ForbiddenClusterScopedListWithApiGroup()
    {
        var ex = await GetFails(
            "Error from server (Forbidden): endpointslices.discovery.k8s.io is forbidden: User \"system:serviceaccount:x:y\" cannot list resource \"endpointslices\" in API group \"discovery.k8s.io\" at the cluster scope\n",
            1, KubeResource.EndpointSlices, null, null);
        Assert.Equal("KubeForbidden", ex.ErrorId);
        Assert.Contains("not allowed to list endpointslices.discovery.k8s.io at cluster scope", ex.Message);
        Assert.Contains("kubectl create clusterrolebinding acitrace-reader --clusterrole=acitrace-reader --user=system:serviceaccount:x:y", ex.Message);
    }

    [Fact]
    public async Task UnparsableForbiddenIsStillPermissionDenied()
    {
        var ex = await GetFails("Error from server (Forbidden): something new\n", 1);
        Assert.Equal("KubeForbidden", ex.ErrorId);
        Assert.Equal(AciErrorKind.PermissionDenied, ex.Kind);
    }

    [Theory]
    [InlineData("error: You must be logged in to the server (Unauthorized)\n")]
    [InlineData("Error from server (Unauthorized): the server has asked for the client to provide credentials\n")]
    public async Task UnauthorizedIsAnAuthenticationError(string stderr)
    {
        var ex = await GetFails(stderr, 1);
        Assert.Equal("KubeUnauthorized", ex.ErrorId);
        Assert.Equal(AciErrorKind.AuthenticationError, ex.Kind);
    }

    [Theory]
    [InlineData(ConnectionRefused, "The connection to the server 127.0.0.1:1 was refused")]
    [InlineData("Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout\n", "Unable to connect to the server")]
    [InlineData("Unable to connect to the server: dial tcp: lookup api.example.invalid on 127.0.0.53:53: no such host\n", "no such host")]
    [InlineData("error: dial tcp 10.0.0.1:6443: connect: no route to host\n", "no route to host")]
    public async Task UnreachableClusters(string stderr, string shown)
    {
        var ex = await GetFails(stderr, 1);
        Assert.Equal("ClusterUnreachable", ex.ErrorId);
        Assert.Equal(AciErrorKind.ConnectionError, ex.Kind);
        Assert.Contains(shown, ex.Message);
        Assert.DoesNotContain("memcache.go", ex.Message);
    }

    [Theory]
    [InlineData("Error from server (Timeout): the server was unable to return a response in the time allotted\n")]
    [InlineData("error: context deadline exceeded\n")]
    public async Task ServerSideTimeouts(string stderr)
    {
        var ex = await GetFails(stderr, 1);
        Assert.Equal("ClusterCallTimeout", ex.ErrorId);
        Assert.Equal(AciErrorKind.OperationTimeout, ex.Kind);
    }

    [Fact]
    public async Task RemoteNonZeroExitCarriesTheRemoteStderrAndCode()
    {
        // (lab) kubectl prints 'command terminated with exit code N' and exits N; the text before it is the command's stderr.
        var ex = await ExecFails("Failed to connect to the agent: No such file or directory\ncommand terminated with exit code 3\n", 3, stdout: "partial");
        var failed = Assert.IsType<RemoteCommandFailedException>(ex);
        Assert.Equal("RemoteCommandFailed", failed.ErrorId);
        Assert.Equal(AciErrorKind.InvalidResult, failed.Kind);
        Assert.Equal(3, failed.ExitCode);
        Assert.Equal("partial", failed.Stdout);
        Assert.Equal("Failed to connect to the agent: No such file or directory", failed.RemoteStderr);
        Assert.Contains("'gbp_inspect -fprq DmtreeRoot -t dump' failed in pod 'aci-containers-system/aci-containers-host-abcde' (container 'opflex-agent') with exit code 3", failed.Message);
        Assert.Contains("Failed to connect to the agent", failed.Message);
    }

    [Fact]
    public async Task OfprotoTraceSyntaxErrorIsARemoteFailure()
    {
        // (real) ovs-appctl ofproto/trace br0 'in_port=1,udp,tp_dst=53' on OVS 3.1, as relayed by kubectl exec
        var ex = await ExecFails(
            "Bad openflow flow syntax: in_port=1,udp,tp_dst=53: prerequisites not met for setting tp_dst\novs-appctl: ovs-vswitchd: server returned an error\ncommand terminated with exit code 2\n", 2, container: null);
        var failed = Assert.IsType<RemoteCommandFailedException>(ex);
        Assert.Equal(2, failed.ExitCode);
        Assert.Contains("prerequisites not met", failed.Message);
        Assert.DoesNotContain("container '", failed.Message);
    }

    [Fact]
    public async Task RemoteFailureWithoutStderrSaysSo()
    {
        var ex = await ExecFails("command terminated with exit code 1\n", 1);
        Assert.Contains("(no stderr)", ex.Message);
    }

    [Fact]
    public async Task MissingExecutableInTheContainer()
    {
        var ex = await ExecFails(
            "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"abc\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"gbp_inspect\": executable file not found in $PATH: unknown\n", 1);
        Assert.Equal("RemoteCommandNotFound", ex.ErrorId);
        Assert.Equal(AciErrorKind.NotInstalled, ex.Kind);
        Assert.Contains("'gbp_inspect' is not available", ex.Message);
    }

    [Theory]
    [InlineData("error: unable to upgrade connection: container not found (\"opflex-agent\")\n")]
    [InlineData("Error from server (BadRequest): container opflex-agent is not valid for pod aci-containers-host-abcde\n")]
    public async Task MissingContainer(string stderr)
    {
        var ex = await ExecFails(stderr, 1);
        Assert.Equal("ContainerNotFound", ex.ErrorId);
        Assert.Equal(AciErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal("opflex-agent", ex.Target);
    }

    [Fact]
    public async Task MissingKubeconfig()
    {
        // (real) kubectl --kubeconfig /tmp/nonexist.yaml get pods -o json
        var ex = await GetFails("error: stat /tmp/nonexist.yaml: no such file or directory\n", 1);
        Assert.Equal("KubeconfigNotFound", ex.ErrorId);
        Assert.Equal(AciErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public async Task MissingContext()
    {
        // (real) kubectl --kubeconfig /tmp/pk-kc.yaml --context nope get pods -o json
        var ex = await GetFails("Error in configuration: context was not found for specified context: nope\n", 1);
        Assert.Equal("KubeContextNotFound", ex.ErrorId);
    }

    [Fact]
    public async Task UnknownResourceType()
    {
        // (lab) a resource missing from /api/v1
        var ex = await GetFails("error: the server doesn't have a resource type \"endpointslices\"\n", 1, KubeResource.EndpointSlices, "demo", null);
        Assert.Equal("KubeResourceTypeUnavailable", ex.ErrorId);
        Assert.Equal(AciErrorKind.ResourceUnavailable, ex.Kind);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("some brand new failure\n", 42)]
    public async Task AnythingElseIsAFailureNeverASuccess(string stderr, int code)
    {
        var ex = await GetFails(stderr, code);
        Assert.Equal("ClusterCallFailed", ex.ErrorId);
        Assert.Equal(AciErrorKind.InvalidResult, ex.Kind);
        Assert.Contains($"exit code {code}", ex.Message);
    }

    [Fact]
    public async Task RealKubectlAgainstAClosedPortIsClusterUnreachable()
    {
        // The installed kubectl (HELPERS.md) against a port nobody listens on: must fail, not skip, if kubectl is missing.
        string dir = Directory.CreateTempSubdirectory("acitrace-kubeconfig-").FullName;
        try
        {
            string kubeconfig = Path.Combine(dir, "config");
            File.WriteAllText(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: lab, cluster: {server: "http://127.0.0.1:1"}}]
                contexts: [{name: lab, context: {cluster: lab, user: lab, namespace: demo}}]
                current-context: lab
                users: [{name: lab, user: {}}]
                """);
            var client = new KubectlClient(new KubectlClientOptions { Kubeconfig = kubeconfig, CommandTimeout = TimeSpan.FromSeconds(30) });
            var ex = await Assert.ThrowsAnyAsync<AciTraceException>(() => client.GetJsonAsync(KubeResource.Pods, "demo", null, null, null, CancellationToken.None));
            Assert.Equal("ClusterUnreachable", ex.ErrorId);
            var exec = await Assert.ThrowsAnyAsync<AciTraceException>(() => client.ExecAsync("demo", "web-1", null, new[] { "ovs-vsctl", "show" }, CancellationToken.None));
            Assert.Equal("ClusterUnreachable", exec.ErrorId);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
