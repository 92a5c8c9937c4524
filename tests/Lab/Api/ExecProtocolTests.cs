using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace AciTrace.Tests.Lab.Api;

/// <summary>The exec channel protocol on the wire, with a plain WebSocket client (v4 subprotocol, which kubectl 1.30+ never offers).</summary>
public sealed class ExecProtocolTests(LabApiFaultFixture lab) : IClassFixture<LabApiFaultFixture>
{
    private async Task<(List<(byte Channel, byte[] Data)> Frames, string? Protocol)> ExecAsync(string subprotocol, string query)
    {
        using var cert = X509Certificate2.CreateFromPem(lab.Server.CertificatePem);
        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol(subprotocol);
        ws.Options.SetRequestHeader("Authorization", "Bearer " + lab.Server.Options.AdminToken);
        ws.Options.RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetRawCertData().AsSpan().SequenceEqual(cert.RawData);
        var uri = new Uri(new Uri(lab.Server.Address.ToString().Replace("https://", "wss://")),
            $"api/v1/namespaces/aci-containers-system/pods/{lab.HostPodA}/exec?{query}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(uri, timeout.Token);
        var frames = new List<(byte, byte[])>();
        var buffer = new byte[128 * 1024];
        while (true)
        {
            var message = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await ws.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, r.Count);
            }
            while (!r.EndOfMessage);
            if (r.MessageType == WebSocketMessageType.Close) break;
            Assert.Equal(WebSocketMessageType.Binary, r.MessageType);
            byte[] m = message.ToArray();
            frames.Add((m[0], m[1..]));
        }
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        return (frames, ws.SubProtocol);
    }

    [Fact]
    public async Task V4StreamsStdoutThenStatusOnChannel3()
    {
        var (frames, protocol) = await ExecAsync("v4.channel.k8s.io",
            "command=cat&command=%2Fusr%2Flocal%2Fvar%2Flib%2Fopflex-agent-ovs%2Fids%2Fservice.id&container=opflex-agent&stdout=true&stderr=true");
        Assert.Equal("v4.channel.k8s.io", protocol);
        Assert.Equal(lab.IdFileBytes, frames.Where(f => f.Channel == 1).SelectMany(f => f.Data).ToArray());
        var status = frames[^1];
        Assert.Equal(3, status.Channel);
        Assert.Equal("Success", (string?)JsonNode.Parse(status.Data)!["status"]);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("True")]
    public async Task StdoutFlagIsReadLikeTheApiServerDoes(string flag)
    {
        // The official C# client sends stdout=1; a real API server takes any value but 0/false as true.
        var (frames, _) = await ExecAsync("v4.channel.k8s.io",
            $"command=cat&command=%2Fusr%2Flocal%2Fvar%2Flib%2Fopflex-agent-ovs%2Fids%2Fservice.id&container=opflex-agent&stdout={flag}&stderr=0");
        Assert.Contains(frames, f => f.Channel == 1 && f.Data.Length > 0);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("0", false)]
    [InlineData("FALSE", false)]
    public void QueryBooleansFollowTheApiServer(string value, bool expected) =>
        Assert.Equal(expected, AciTrace.Lab.Api.LabApiServer.QueryBool(value));

    [Fact]
    public async Task NonZeroExitIsAStatusWithTheExitCodeCause()
    {
        var (frames, _) = await ExecAsync("v5.channel.k8s.io",
            "command=ls&command=%2Fusr%2Flocal%2Fvar%2Flib%2Fopflex-agent-ovs%2Fsnats&container=opflex-agent&stdout=true&stderr=true");
        Assert.Equal("ls: cannot access '/usr/local/var/lib/opflex-agent-ovs/snats': No such file or directory\n",
            Encoding.UTF8.GetString([.. frames.Where(f => f.Channel == 2).SelectMany(f => f.Data)]));
        JsonNode status = JsonNode.Parse(frames[^1].Data)!;
        Assert.Equal(3, frames[^1].Channel);
        Assert.Equal("NonZeroExitCode", (string?)status["reason"]);
        Assert.Equal("ExitCode", (string?)status["details"]!["causes"]![0]!["reason"]);
        Assert.Equal("2", (string?)status["details"]!["causes"]![0]!["message"]);
    }
}
