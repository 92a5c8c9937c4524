using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Packets;

public class InputValidationTests
{
    [Theory]
    [InlineData("10.1.0.12")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("192.168.100.1")]
    public void StrictIPv4AcceptsDottedQuads(string text)
    {
        Assert.Equal(text, InputValidation.ParseIPv4Strict(text).ToString());
        Assert.True(InputValidation.TryParseIPv4Strict(text, out _));
    }

    [Theory]
    [InlineData("10.1.0.999")]
    [InlineData("10.1.0.256")]
    [InlineData("010.1.0.1")]
    [InlineData("10.01.0.1")]
    [InlineData("10.1")]
    [InlineData("10.1.0")]
    [InlineData("10")]
    [InlineData("167772161")]
    [InlineData("0x0a.1.0.1")]
    [InlineData("10.1.0.1.")]
    [InlineData(".10.1.0.1")]
    [InlineData("10..0.1")]
    [InlineData("10.1.0.1 ")]
    [InlineData("10.1.0.+1")]
    [InlineData("10.1.0.1/24")]
    [InlineData("१०.1.0.1")]
    [InlineData("::1")]
    [InlineData("")]
    public void StrictIPv4RejectsAmbiguousForms(string text)
    {
        Assert.False(InputValidation.TryParseIPv4Strict(text, out _));
        var ex = Assert.Throws<PacketValidationException>(() => InputValidation.ParseIPv4Strict(text, "nw_dst"));
        Assert.Equal("nw_dst", ex.Field);
        Assert.Equal(text, ex.Value);
    }

    [Fact]
    public void NullAddressIsReportedAsMissing()
    {
        var ex = Assert.Throws<PacketValidationException>(() => InputValidation.ParseIPv4Strict(null, "tun_dst"));
        Assert.Equal("tun_dst: an IPv4 address is required", ex.Message);
        Assert.False(InputValidation.TryParseIPAddressStrict(null, out _));
    }

    [Theory]
    [InlineData("fd00::1", "fd00::1")]
    [InlineData("FD00:0000:0000:0000:0000:0000:0000:0001", "fd00::1")]
    [InlineData("::", "::")]
    [InlineData("::ffff:10.1.0.1", "::ffff:10.1.0.1")]
    [InlineData("2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334")]
    public void StrictIPv6AcceptsStandardNotation(string text, string canonical)
    {
        Assert.Equal(canonical, InputValidation.ParseIPv6Strict(text).ToString());
        Assert.Equal(canonical, InputValidation.ParseIPAddressStrict(text).ToString());
    }

    [Theory]
    [InlineData("fe80::1%eth0")]
    [InlineData("[fd00::1]")]
    [InlineData("fd00::1/64")]
    [InlineData("fd00:::1")]
    [InlineData("fd00::1::2")]
    [InlineData("::ffff:10.1.0.999")]
    [InlineData("::ffff:010.1.0.1")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("gd00::1")]
    [InlineData(" fd00::1")]
    public void StrictIPv6RejectsOtherForms(string text)
    {
        Assert.False(InputValidation.TryParseIPv6Strict(text, out _));
        var ex = Assert.Throws<PacketValidationException>(() => InputValidation.ParseIPAddressStrict(text, "ipv6_dst"));
        Assert.Contains("is not a valid IPv6 address", ex.Message);
    }

    [Theory]
    [InlineData("02:00:0a:01:00:0c", "02:00:0a:01:00:0c")]
    [InlineData("02:AB:CD:EF:01:23", "02:ab:cd:ef:01:23")]
    [InlineData("02-ab-cd-ef-01-23", "02:ab:cd:ef:01:23")]
    public void MacParsesAndNormalises(string text, string expected) => Assert.Equal(expected, InputValidation.ParseMac(text));

    [Theory]
    [InlineData("02:00:0a:01:00")]
    [InlineData("02:00:0a:01:00:0c:00")]
    [InlineData("2:0:a:1:0:c")]
    [InlineData("02:00-0a:01:00:0c")]
    [InlineData("02.00.0a.01.00.0c")]
    [InlineData("0200.0a01.000c")]
    [InlineData("02:00:0a:01:00:0x")]
    [InlineData("02:00:0a:01:00:0c,")]
    [InlineData("")]
    public void MacRejectsOtherForms(string text)
    {
        Assert.False(InputValidation.TryParseMac(text, out _));
        var ex = Assert.Throws<PacketValidationException>(() => InputValidation.ParseMac(text, "dl_src"));
        Assert.Equal("dl_src", ex.Field);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(80)]
    [InlineData(65535)]
    public void PortInRange(int port) => Assert.Equal(port, InputValidation.ValidatePort(port));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(int.MaxValue)]
    public void PortOutOfRange(int port)
    {
        var ex = Assert.Throws<PacketValidationException>(() => InputValidation.ValidatePort(port, "udp_dst"));
        Assert.Equal($"udp_dst: '{port}' is not a valid port (1-65535)", ex.Message);
    }

    [Theory]
    [InlineData("veth5a3b1c2d")]
    [InlineData("vxlan0")]
    [InlineData("br-access")]
    [InlineData("pi-veth5a3b1c2")]
    [InlineData("pa-veth5a3b1c2")]
    [InlineData("eth0.100")]
    [InlineData("a_b")]
    [InlineData("abcdefghijklmno")]
    public void PortNamesAccepted(string name)
    {
        Assert.Equal(name, InputValidation.ValidatePortName(name));
        Assert.Equal(name, InputValidation.ValidateBridgeName(name));
    }

    [Theory]
    [InlineData("abcdefghijklmnop")]
    [InlineData("veth,x")]
    [InlineData("a=b")]
    [InlineData("a b")]
    [InlineData("a\"b")]
    [InlineData("a'b")]
    [InlineData("a;b")]
    [InlineData("a&b")]
    [InlineData("a|b")]
    [InlineData("a$b")]
    [InlineData("a`b`")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a\nb")]
    [InlineData("-x")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("123")]
    [InlineData("local")]
    [InlineData("CONTROLLER")]
    [InlineData("vëth")]
    [InlineData("")]
    [InlineData(null)]
    public void PortNamesRejected(string? name)
    {
        var ex = Assert.Throws<PacketValidationException>(() => InputValidation.ValidatePortName(name, "in_port"));
        Assert.Equal("in_port", ex.Field);
        Assert.False(InputValidation.IsValidPortName(name, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Theory]
    [InlineData("aci-containers-system", KubernetesNameKind.Namespace)]
    [InlineData("default", KubernetesNameKind.Namespace)]
    [InlineData("0ns", KubernetesNameKind.Namespace)]
    [InlineData("web-7d4b9c6f5-x2x9z", KubernetesNameKind.Pod)]
    [InlineData("pod.with.dots", KubernetesNameKind.Pod)]
    [InlineData("kube-dns", KubernetesNameKind.Service)]
    [InlineData("node-a.example.com", KubernetesNameKind.Node)]
    [InlineData("opflex-agent", KubernetesNameKind.Container)]
    public void KubernetesNamesAccepted(string name, KubernetesNameKind kind) =>
        Assert.Equal(name, InputValidation.ValidateKubernetesName(name, kind, "Name"));

    [Theory]
    [InlineData("Default", KubernetesNameKind.Namespace)]
    [InlineData("-ns", KubernetesNameKind.Namespace)]
    [InlineData("ns-", KubernetesNameKind.Namespace)]
    [InlineData("ns.a", KubernetesNameKind.Namespace)]
    [InlineData("ns_a", KubernetesNameKind.Namespace)]
    [InlineData("ns a", KubernetesNameKind.Namespace)]
    [InlineData("ns;rm", KubernetesNameKind.Namespace)]
    [InlineData("pod..x", KubernetesNameKind.Pod)]
    [InlineData(".pod", KubernetesNameKind.Pod)]
    [InlineData("pod/x", KubernetesNameKind.Pod)]
    [InlineData("../etc", KubernetesNameKind.Pod)]
    [InlineData("1svc", KubernetesNameKind.Service)]
    [InlineData("svc.x", KubernetesNameKind.Service)]
    [InlineData("", KubernetesNameKind.Pod)]
    public void KubernetesNamesRejected(string name, KubernetesNameKind kind)
    {
        var ex = Assert.Throws<InputValidationException>(() => InputValidation.ValidateKubernetesName(name, kind, "Namespace"));
        Assert.Equal("InvalidKubernetesName", ex.ErrorId);
        Assert.Equal("Namespace", ex.Field);
    }

    [Fact]
    public void KubernetesNameLengthLimits()
    {
        Assert.True(InputValidation.IsValidKubernetesName(new string('a', 63), KubernetesNameKind.Namespace, out _));
        Assert.False(InputValidation.IsValidKubernetesName(new string('a', 64), KubernetesNameKind.Namespace, out _));
        string subdomain253 = string.Join('.', Enumerable.Repeat(new string('a', 62), 4)) + ".a"; // 4*63 + 1 = 253
        Assert.Equal(253, subdomain253.Length);
        Assert.True(InputValidation.IsValidKubernetesName(subdomain253, KubernetesNameKind.Pod, out _));
        Assert.False(InputValidation.IsValidKubernetesName(subdomain253 + "a", KubernetesNameKind.Pod, out _));
    }
}
