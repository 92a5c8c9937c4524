using System.Net;
using System.Text;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Kube.Api;

namespace AciTrace.Tests.Unit.Kube;

/// <summary>The in-process transport's pure parts: the transport rule, kubeconfig checks, API paths, exec Status and error mapping.</summary>
public sealed class KubeApiTransportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("acitrace-kubeapi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheTransportIsTheOptionThenTheEnvironmentThenKubectlForAKubectlPathThenKubernetesClient()
    {
        var none = new ClusterOptions();
        Assert.Equal(ClusterTransport.KubernetesClient, TransportRules.Choose(none, null).Transport);
        Assert.Equal(ClusterTransport.KubernetesClient, TransportRules.Choose(none, "  ").Transport);
        Assert.Equal(ClusterTransport.Kubectl, TransportRules.Choose(none, "kubectl").Transport);
        Assert.Equal(ClusterTransport.KubernetesClient, TransportRules.Choose(none, "KUBERNETESCLIENT").Transport);
        Assert.Equal(ClusterTransport.Kubectl, TransportRules.Choose(none with { KubectlPath = "/usr/bin/kubectl" }, null).Transport);
        Assert.Contains("-KubectlPath", TransportRules.Choose(none with { KubectlPath = "/usr/bin/kubectl" }, null).Reason);
        var explicitChoice = TransportRules.Choose(none with { Transport = ClusterTransport.KubernetesClient, KubectlPath = "kubectl" }, "Kubectl");
        Assert.Equal(ClusterTransport.KubernetesClient, explicitChoice.Transport);
        Assert.Contains("-Transport", explicitChoice.Reason);
    }

    [Theory]
    [InlineData("spdy")]
    [InlineData("1")]
    [InlineData("Kubectl,KubernetesClient")]
    public void AnEnvironmentValueThatNamesNoTransportIsAnError(string value)
    {
        var e = Assert.Throws<AciTraceException>(() => TransportRules.Choose(new ClusterOptions(), value));
        Assert.Equal(ErrorIds.InvalidTransport, e.ErrorId);
        Assert.Equal(value, e.Target);
        Assert.Throws<AciTraceException>(() => TransportRules.Choose(new ClusterOptions { Transport = (ClusterTransport)7 }, null));
    }

    [Fact]
    public void SelectNeverLoadsTheInProcessFactoryForKubectl()
    {
        using var fake = FakeKubectl.Create();
        var selection = TransportRules.Select(new ClusterOptions { Transport = ClusterTransport.Kubectl, KubectlPath = fake.Path },
            () => throw new InvalidOperationException("the in-process transport was loaded"));
        Assert.IsType<KubectlClient>(selection.Client);
        Assert.Equal(ClusterTransport.Kubectl, selection.Transport);
    }

    private const string Kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: plain
          cluster:
            server: https://10.0.0.1:6443
        - name: proxied
          cluster:
            server: https://10.0.0.2:6443
            proxy-url: http://proxy:3128
        users:
        - name: token
          user:
            token: abc
        - name: token-file
          user:
            tokenFile: /var/run/token
        - name: impersonating
          user:
            token: abc
            as: admin
            as-groups: [system:masters]
        contexts:
        - name: ok
          context: {cluster: plain, user: token}
        - name: file
          context: {cluster: plain, user: token-file}
        - name: imp
          context: {cluster: plain, user: impersonating}
        - name: proxy
          context: {cluster: proxied, user: token}
        current-context: file
        """;

    [Theory]
    [InlineData("ok", null)]
    [InlineData("file", "user 'token-file' sets 'tokenFile'")]
    [InlineData("imp", "user 'impersonating' sets 'as'")]
    [InlineData("proxy", "cluster 'proxied' sets 'proxy-url'")]
    [InlineData(null, "user 'token-file' sets 'tokenFile'")]
    [InlineData("missing", null)]
    public void KubeconfigSettingsTheLibraryIgnoresAreFound(string? context, string? expected)
    {
        string path = Path.Combine(_dir, "config");
        File.WriteAllText(path, Kubeconfig);
        string? reason = KubeconfigSource.FindUnsupported(path, context);
        if (expected is null) Assert.Null(reason);
        else Assert.Contains(expected, reason);
    }

    [Fact]
    public void AMissingKubeconfigOrContextIsATypedError()
    {
        var missing = Assert.Throws<AciTraceException>(() => KubeconfigSource.Find(new ClusterOptions { Kubeconfig = Path.Combine(_dir, "nope") }));
        Assert.Equal(ErrorIds.KubeconfigNotFound, missing.ErrorId);
        string path = Path.Combine(_dir, "config");
        File.WriteAllText(path, Kubeconfig);
        var source = KubeconfigSource.Find(new ClusterOptions { Kubeconfig = path, Context = "ok" });
        Assert.Null(source.UnsupportedReason);
        foreach (var wrong in new[] { "nope", "OK" })
        {
            // Exact names, as kubectl: the library alone would take "OK" for "ok".
            var noContext = Assert.Throws<AciTraceException>(() => KubeconfigSource.Find(new ClusterOptions { Kubeconfig = path, Context = wrong }));
            Assert.Equal(ErrorIds.KubeContextNotFound, noContext.ErrorId);
        }
        string broken = Path.Combine(_dir, "broken");
        File.WriteAllText(broken, "apiVersion: v1\nclusters: [\n");
        var invalid = Assert.Throws<AciTraceException>(() => KubeconfigSource.Find(new ClusterOptions { Kubeconfig = broken }).BuildConfiguration(null));
        Assert.Equal(ErrorIds.InvalidKubeconfig, invalid.ErrorId);
        Assert.Equal("https://10.0.0.1:6443/", source.BuildConfiguration("ok").Host.TrimEnd('/') + "/");
    }

    [Theory]
    [InlineData(KubeResource.Pods, "shop", "web-1", null, "/api/v1/namespaces/shop/pods/web-1")]
    [InlineData(KubeResource.Pods, null, null, "app=web", "/api/v1/pods?labelSelector=app%3Dweb")]
    [InlineData(KubeResource.Nodes, null, "node-a", null, "/api/v1/nodes/node-a")]
    [InlineData(KubeResource.EndpointSlices, "shop", null, "kubernetes.io/service-name=web", "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb")]
    [InlineData(KubeResource.NetworkPolicies, "shop", null, null, "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies")]
    [InlineData(KubeResource.Namespaces, null, "shop", null, "/api/v1/namespaces/shop")]
    public void QueriesBecomeApiPaths(KubeResource resource, string? ns, string? name, string? selector, string expected)
    {
        var query = KubeQuery.Create(resource, ns, name, selector, null);
        Assert.Equal(expected, query.ApiPath + query.ApiQueryString);
    }

    [Fact]
    public void ExecStatusReadsSuccessExitCodesAndFailures()
    {
        Assert.True(ExecStatus.Parse("""{"metadata":{},"status":"Success"}"""u8).Success);
        var exit = ExecStatus.Parse("""{"status":"Failure","message":"command terminated with non-zero exit code: error executing command, exit code 2","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"2"}]}}"""u8);
        Assert.False(exit.Success);
        Assert.Equal(2, exit.ExitCode);
        var internalError = ExecStatus.Parse("""{"status":"Failure","message":"Internal error occurred: error executing command in container: failed to exec in container: executable file not found in $PATH: unknown","reason":"InternalError","code":500}"""u8);
        Assert.Null(internalError.ExitCode);
        Assert.Contains("executable file not found", internalError.Message);
        Assert.False(ExecStatus.Parse("not json"u8).Success);
    }

    private static readonly KubectlCallContext PodGet = new(KubeResource.Pods, "shop", "nope", null, null);

    [Fact]
    public void ApiStatusesMapToTheSameErrorIdsAsKubectl()
    {
        var notFound = KubeApiErrors.FromStatus(HttpStatusCode.NotFound, Status(404, "NotFound", "pods \"nope\" not found"), PodGet);
        Assert.Equal("PodNotFound", notFound.ErrorId);
        Assert.Contains("The pod 'nope' was not found in namespace 'shop'", notFound.Message);
        Assert.Contains("API server:", notFound.Message);
        var forbidden = KubeApiErrors.FromStatus(HttpStatusCode.Forbidden,
            Status(403, "Forbidden", "pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\""), PodGet);
        Assert.Equal(ErrorIds.KubeForbidden, forbidden.ErrorId);
        Assert.Contains("User 'viewer' is not allowed to list pods in namespace 'shop'", forbidden.Message);
        Assert.Equal(ErrorIds.KubeUnauthorized, KubeApiErrors.FromStatus(HttpStatusCode.Unauthorized, Status(401, "Unauthorized", "Unauthorized"), PodGet).ErrorId);
        Assert.Equal(ErrorIds.KubeUnauthorized, KubeApiErrors.FromStatus(HttpStatusCode.Unauthorized, [], PodGet).ErrorId);
        Assert.Equal("ClusterCallTimeout", KubeApiErrors.FromStatus(HttpStatusCode.GatewayTimeout, Status(504, "Timeout", "the server was unable to return a response in the time allotted"), PodGet).ErrorId);
        var execContext = new KubectlCallContext(KubeResource.Pods, "aci-containers-system", "host-1", "opflex-agent", ["cat", "x"]);
        var kubelet = KubeApiErrors.FromStatus(HttpStatusCode.InternalServerError,
            Status(500, "InternalError", "error dialing backend: dial tcp 10.0.0.5:10250: connect: connection refused"), execContext);
        Assert.Equal(ErrorIds.NodeExecUnavailable, kubelet.ErrorId);
        var other = KubeApiErrors.FromStatus(HttpStatusCode.Conflict, Encoding.UTF8.GetBytes("<html>busy</html>"), PodGet);
        Assert.Equal("ClusterCallFailed", other.ErrorId);
        Assert.Contains("HTTP 409", other.Message);
    }

    [Fact]
    public void TheStatusOfARefusedUpgradeIsReadFromTheWebSocketError()
    {
        var refused = new System.Net.WebSockets.WebSocketException("The server returned status code '502' when status code '101' was expected.");
        Assert.Equal(502, KubeApiErrors.UpgradeStatus(refused));
        Assert.Equal(403, KubeApiErrors.UpgradeStatus(new InvalidOperationException("wrapped", new System.Net.WebSockets.WebSocketException("The server returned status code '403' when status code '101' was expected."))));
        Assert.Null(KubeApiErrors.UpgradeStatus(new System.Net.WebSockets.WebSocketException("Unable to connect to the remote server")));
    }

    private static byte[] Status(int code, string reason, string message) => Encoding.UTF8.GetBytes(
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":{{System.Text.Json.JsonSerializer.Serialize(message)}},"reason":"{{reason}}","code":{{code}}}""");
}
