using System.Diagnostics;
using AciTrace.Commands;
using AciTrace.Commands.Completion;
using AciTrace.Engine;

namespace AciTrace.Tests.Unit.Module;

/// <summary>The PowerShell-free rules of the cmdlet layer: names, packet fields, -Quiet, completion.</summary>
public class CmdletLogicTests
{
    [Theory]
    [InlineData("default/pod-a", "default", "pod-a")]
    [InlineData("pod-a", "", "pod-a")]
    [InlineData(" kube-system/coredns-5d78c9869d-x2x4q ", "kube-system", "coredns-5d78c9869d-x2x4q")]
    [InlineData("ns/web-0.web", "ns", "web-0.web")]
    public void PodReferencesParseKubectlStyle(string text, string ns, string name)
    {
        var reference = ObjectReference.Parse(text, KubeObjectKind.Pod, "Source");
        Assert.Equal((ns, name), (reference.Namespace, reference.Name));
    }

    [Theory]
    [InlineData("", "InvalidObjectReference")]
    [InlineData("default/", "InvalidObjectReference")]
    [InlineData("/pod-a", "InvalidObjectReference")]
    [InlineData("a/b/c", "InvalidObjectReference")]
    [InlineData("Default/pod-a", "InvalidKubernetesName")]
    [InlineData("default/Pod_A", "InvalidKubernetesName")]
    [InlineData("default/pod a", "InvalidKubernetesName")]
    [InlineData("default/-pod", "InvalidKubernetesName")]
    [InlineData("default/pod;rm -rf", "InvalidKubernetesName")]
    public void BadPodReferencesAreRejectedBeforeAnyClusterCall(string text, string errorId)
    {
        var ex = Assert.Throws<AciTraceException>(() => ObjectReference.Parse(text, KubeObjectKind.Pod, "Source"));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(AciErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("-Source", ex.Message, StringComparison.Ordinal);
        Assert.Equal(text.Trim(), ex.Target);
    }

    [Fact]
    public void ServiceNamesFollowDns1035()
    {
        Assert.Equal("cart", ObjectReference.Parse("shop/cart", KubeObjectKind.Service, "Destination").Name);
        Assert.Throws<AciTraceException>(() => ObjectReference.Parse("shop/1cart", KubeObjectKind.Service, "Destination"));
        Assert.Throws<AciTraceException>(() => ObjectReference.Parse("shop/cart.v1", KubeObjectKind.Service, "Destination"));
        Assert.Equal("1cart", ObjectReference.Parse("shop/1cart", KubeObjectKind.Pod, "Destination").Name);
    }

    [Fact]
    public void SeparatePartsAllowAnEmptyNamespace()
    {
        Assert.Equal(new ObjectReference("", "pod-a"), ObjectReference.FromParts(null, "pod-a", KubeObjectKind.Pod, "SourceName"));
        Assert.Equal("pod-a", ObjectReference.FromParts("", "pod-a", KubeObjectKind.Pod, "SourceName").ToString());
        Assert.Equal("ns/pod-a", ObjectReference.FromParts("ns", "pod-a", KubeObjectKind.Pod, "SourceName").ToString());
        Assert.Throws<AciTraceException>(() => ObjectReference.FromParts("ns", " ", KubeObjectKind.Pod, "SourceName"));
    }

    [Theory]
    [InlineData(TraceKind.Pod, TraceProtocol.Icmp, null, 80)]
    [InlineData(TraceKind.Pod, TraceProtocol.Arp, 1234, null)]
    [InlineData(TraceKind.Service, TraceProtocol.Icmp, null, null)]
    [InlineData(TraceKind.Service, TraceProtocol.Arp, null, null)]
    [InlineData(TraceKind.External, TraceProtocol.Arp, null, null)]
    [InlineData(TraceKind.Pod, TraceProtocol.Tcp, null, 0)]
    [InlineData(TraceKind.Pod, TraceProtocol.Udp, 70000, null)]
    public void ImpossiblePacketsAreInvalidPacketField(TraceKind kind, TraceProtocol protocol, int? sourcePort, int? destinationPort)
    {
        var ex = Assert.Throws<AciTraceException>(() => RequestValidator.CheckPacket(kind, protocol, sourcePort, destinationPort, "a -> b"));
        Assert.Equal("InvalidPacketField", ex.ErrorId);
        Assert.Equal("a -> b", ex.Target);
    }

    [Theory]
    [InlineData(TraceKind.Pod, TraceProtocol.Tcp, 40000, 8080)]
    [InlineData(TraceKind.Pod, TraceProtocol.Arp, null, null)]
    [InlineData(TraceKind.Service, TraceProtocol.Udp, null, 53)]
    [InlineData(TraceKind.External, TraceProtocol.Icmp, null, null)]
    public void PossiblePacketsPass(TraceKind kind, TraceProtocol protocol, int? sourcePort, int? destinationPort) =>
        RequestValidator.CheckPacket(kind, protocol, sourcePort, destinationPort, "a -> b");

    [Theory]
    [InlineData("192.0.2.10", "192.0.2.10")]
    [InlineData(" 2001:DB8::10 ", "2001:db8::10")]
    public void ExternalAddressesAreCanonical(string text, string expected) =>
        Assert.Equal(expected, InputRules.ParseAddress(text, "Destination"));

    [Theory]
    [InlineData("example.com")]
    [InlineData("10")]
    [InlineData("10.1.2")]
    [InlineData("")]
    public void ExternalHostNamesAndPartialAddressesAreRejected(string text) =>
        Assert.Equal("InvalidPacketField", Assert.Throws<AciTraceException>(() => InputRules.ParseAddress(text, "Destination")).ErrorId);

    [Theory]
    [InlineData("Pod", TraceDirection.Request, TraceVerdict.Deliver, true)]
    [InlineData("Pod", TraceDirection.Request, TraceVerdict.Forward, false)]
    [InlineData("Pod", TraceDirection.Request, TraceVerdict.Drop, false)]
    [InlineData("Pod", TraceDirection.Request, TraceVerdict.Unknown, false)]
    [InlineData("External", TraceDirection.Request, TraceVerdict.Forward, true)]
    [InlineData("External", TraceDirection.Reply, TraceVerdict.Forward, false)]
    [InlineData("External", TraceDirection.Reply, TraceVerdict.Deliver, true)]
    [InlineData("Service", TraceDirection.Request, TraceVerdict.Punt, false)]
    public void QuietSuccessMeansDelivered(string kind, TraceDirection direction, TraceVerdict verdict, bool expected) =>
        Assert.Equal(expected, InputRules.IsSuccess(new AciTraceSummary { Kind = kind, Direction = direction }.Decided(verdict, "", "", drop: null)));

    private static readonly Dictionary<string, string> NoneBound = new();

    private static Func<KubeListKind, string?, IReadOnlyList<string>> FakeCluster(List<(KubeListKind, string?)> calls) => (kind, ns) =>
    {
        calls.Add((kind, ns));
        return kind switch
        {
            KubeListKind.Namespaces => ["default", "shop", "kube-system"],
            KubeListKind.Pods when ns == "shop" => ["cart-5c6b", "frontend-7d9f"],
            KubeListKind.Pods when ns is null => ["client", "cart-tester"],
            KubeListKind.Services when ns == "shop" => ["cart"],
            KubeListKind.Contexts => ["lab", "prod"],
            _ => [],
        };
    };

    [Fact]
    public void NamespacePrefixSelectsThePodsOfThatNamespace()
    {
        var calls = new List<(KubeListKind, string?)>();
        var result = CompletionCandidates.For(CompletionTarget.Pod, "Source", "shop/ca", NoneBound, FakeCluster(calls));
        Assert.Equal(["shop/cart-5c6b"], result.Select(r => r.Text));
        Assert.Equal("cart-5c6b", result[0].ListItem);
        Assert.Equal([(KubeListKind.Pods, (string?)"shop")], calls);
    }

    [Fact]
    public void WithoutPrefixDefaultNamespacePodsAndNamespaceStemsAreOffered()
    {
        var result = CompletionCandidates.For(CompletionTarget.Pod, "Destination", "c", NoneBound, FakeCluster([]));
        Assert.Equal(["client", "cart-tester"], result.Select(r => r.Text));
        var stems = CompletionCandidates.For(CompletionTarget.Pod, "Destination", "sh", NoneBound, FakeCluster([]));
        Assert.Equal(["shop/"], stems.Select(r => r.Text));
    }

    [Fact]
    public void NameParametersHonourTheirNamespaceParameter()
    {
        var calls = new List<(KubeListKind, string?)>();
        var bound = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["DestinationNamespace"] = "shop" };
        var result = CompletionCandidates.For(CompletionTarget.Service, "DestinationName", "", bound, FakeCluster(calls));
        Assert.Equal(["cart"], result.Select(r => r.Text));
        Assert.Equal([(KubeListKind.Services, (string?)"shop")], calls);
    }

    [Fact]
    public void ContextsAndNamespacesComplete()
    {
        Assert.Equal(["prod"], CompletionCandidates.For(CompletionTarget.Context, "Context", "p", NoneBound, FakeCluster([])).Select(r => r.Text));
        Assert.Equal(["kube-system"], CompletionCandidates.For(CompletionTarget.Namespace, "SourceNamespace", "K", NoneBound, FakeCluster([])).Select(r => r.Text));
    }

    [Fact]
    public void KubectlArgumentsCarryContextKubeconfigAndNamespace()
    {
        var connection = new KubeConnection(null, "/tmp/kc.yaml", "lab");
        Assert.Equal(["--kubeconfig=/tmp/kc.yaml", "--context=lab", "get", "pods", "-o", "name", "--namespace=shop"],
            KubectlNameSource.Arguments(KubeListKind.Pods, "shop", connection));
        Assert.Equal(["config", "get-contexts", "-o", "name"], KubectlNameSource.Arguments(KubeListKind.Contexts, null, new KubeConnection(null, null, null)));
        Assert.Equal(["a", "b"], KubectlNameSource.ParseNames("pod/b\npod/a\n\n"));
    }

    [Fact]
    public void NameSourceRunsTheGivenKubectlAndReadsItsOutput()
    {
        var dir = Directory.CreateTempSubdirectory("acitrace-kubectl-");
        try
        {
            var argsFile = Path.Combine(dir.FullName, "args");
            var kubectl = FakeKubectl(dir, $"printf '%s\\n' \"$@\" > '{argsFile}'\nprintf 'pod/web-1\\npod/web-0\\n'");
            // A script written a moment ago can fail to start with ETXTBSY while another test thread forks (its
            // writable descriptor is briefly inherited); the completer is silent on failure, so try a few times.
            IReadOnlyList<string> names = [];
            for (var attempt = 0; attempt < 5 && names.Count == 0; attempt++)
            {
                if (attempt > 0) Thread.Sleep(100);
                names = new KubectlNameSource().List(KubeListKind.Pods, "shop", new KubeConnection(kubectl, null, "lab"), TimeSpan.FromSeconds(5)).ToList();
            }
            Assert.Equal(["web-0", "web-1"], names);
            Assert.Equal(["--context=lab", "get", "pods", "-o", "name", "--namespace=shop"], File.ReadAllLines(argsFile));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void NameSourceIsSilentOnFailureAndOnTimeout()
    {
        var dir = Directory.CreateTempSubdirectory("acitrace-kubectl-");
        try
        {
            var failing = FakeKubectl(dir, "echo 'error: forbidden' >&2\nexit 1", "failing");
            Assert.Empty(new KubectlNameSource().List(KubeListKind.Namespaces, null, new KubeConnection(failing, null, null), TimeSpan.FromSeconds(5)));
            Assert.Empty(new KubectlNameSource().List(KubeListKind.Namespaces, null, new KubeConnection(Path.Combine(dir.FullName, "missing"), null, null), TimeSpan.FromSeconds(5)));

            var slow = FakeKubectl(dir, "sleep 30\necho pod/late", "slow");
            var clock = Stopwatch.StartNew();
            Assert.Empty(new KubectlNameSource().List(KubeListKind.Pods, null, new KubeConnection(slow, null, null), TimeSpan.FromMilliseconds(300)));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"timeout not enforced: {clock.Elapsed}");
            Assert.Empty(new KubectlNameSource().List(KubeListKind.Pods, "Bad Namespace", new KubeConnection(slow, null, null), TimeSpan.FromSeconds(5)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string FakeKubectl(DirectoryInfo dir, string body, string name = "kubectl")
    {
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the fake kubectl is a POSIX shell script");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
