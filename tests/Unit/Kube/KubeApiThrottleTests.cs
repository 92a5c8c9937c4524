using System.Net;
using System.Net.Sockets;
using System.Text;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Kube.Api;

namespace AciTrace.Tests.Unit.Kube;

/// <summary>The in-process transport retries a throttled read (429) as kubectl does, a bounded number of times.</summary>
public sealed class KubeApiThrottleTests
{
    /// <summary>A local HTTP server that answers 429 (Retry-After: 0) <paramref name="throttled"/> times, then a pod list.</summary>
    private static (string Url, Func<int> Requests, Task Serving, HttpListener Listener) Serve(int throttled)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        int requests = 0;
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                int n = Interlocked.Increment(ref requests);
                byte[] body;
                if (n <= throttled)
                {
                    ctx.Response.StatusCode = 429;
                    ctx.Response.AddHeader("Retry-After", "0");
                    body = Encoding.UTF8.GetBytes("""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","code":429}""");
                }
                else
                {
                    body = Encoding.UTF8.GetBytes("""{"kind":"PodList","apiVersion":"v1","items":[]}""");
                }
                ctx.Response.ContentType = "application/json";
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        });
        return ($"http://127.0.0.1:{port}", () => Volatile.Read(ref requests), serving, listener);
    }

    private static KubeApiClient Client(string url) =>
        new(new k8s.KubernetesClientConfiguration { Host = url }, TimeSpan.FromSeconds(20));

    [Fact]
    public async Task AThrottledReadIsRetriedAfterRetryAfter()
    {
        var (url, requests, serving, listener) = Serve(throttled: 2);
        try
        {
            using var client = Client(url);
            using var doc = await client.GetJsonAsync(KubeResource.Pods, "shop", null, null, null, CancellationToken.None);
            Assert.Equal("PodList", doc.RootElement.GetProperty("kind").GetString());
            Assert.Equal(3, requests());
        }
        finally
        {
            listener.Close();
            await serving;
        }
    }

    [Fact]
    public async Task ReadsThrottledBeyondTheRetriesFailTyped()
    {
        var (url, requests, serving, listener) = Serve(throttled: 100);
        try
        {
            using var client = Client(url);
            var e = await Assert.ThrowsAnyAsync<AciTraceException>(() => client.GetJsonAsync(KubeResource.Pods, "shop", null, null, null, CancellationToken.None));
            Assert.Equal(ErrorIds.ClusterCallFailed, e.ErrorId);
            Assert.Contains("Too many requests", e.Message);
            Assert.Equal(4, requests());
        }
        finally
        {
            listener.Close();
            await serving;
        }
    }
}
