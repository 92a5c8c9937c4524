using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AciTrace.Discovery;
using AciTrace.Engine;
using AciTrace.Packets;
using k8s;

namespace AciTrace.Kube.Api;

/// <summary>
/// <see cref="IKubeClient"/> in process, over KubernetesClient: one client per session, so the kubeconfig is read,
/// an exec credential plugin run and TLS connections opened once, then reused by every read and exec. Reads are
/// raw GETs (the engine reads JSON, so nothing is deserialised twice); execs are WebSockets read by
/// <see cref="ExecChannels"/>. Every failure maps to the same ErrorIds as the kubectl transport.
/// </summary>
public sealed class KubeApiClient : IKubeClient, IDisposable
{
    /// <summary>How messages name this transport ("... (API server: pods "x" not found)").</summary>
    internal const string Via = "API server";

    private const string ExecProtocol = "v4.channel.k8s.io";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private readonly Kubernetes _client;
    private readonly string _baseUri;
    private readonly TimeSpan _timeout;
    private readonly long _maxOutputBytes;
    private readonly string? _contextNamespace;
    private long _execs;
    private long _apiReads;

    internal KubeApiClient(KubernetesClientConfiguration configuration, TimeSpan timeout, long maxOutputBytes = 512L * 1024 * 1024)
    {
        if (timeout <= TimeSpan.Zero)
            throw new AciTraceException(ErrorIds.InvalidTimeout, AciErrorKind.InvalidArgument, $"The timeout must be positive (got {timeout}).", timeout);
        _timeout = timeout;
        _maxOutputBytes = maxOutputBytes;
        _contextNamespace = string.IsNullOrEmpty(configuration.Namespace) ? null : configuration.Namespace;
        // Our own per-call limit applies (ClusterCallTimeout); the library's must never cut a call first.
        configuration.HttpClientTimeout = timeout + TimeSpan.FromSeconds(5);
        _client = new Kubernetes(configuration);
        _baseUri = _client.BaseUri.ToString().TrimEnd('/');
    }

    /// <summary>A client for the options' kubeconfig and context (throws KubeconfigNotFound, KubeContextNotFound).</summary>
    public static KubeApiClient Create(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = KubeconfigSource.Find(options);
        return new KubeApiClient(source.BuildConfiguration(options.Context), options.Timeout);
    }

    /// <summary>The API server address in use.</summary>
    public string Server => _baseUri;

    public long Execs => Interlocked.Read(ref _execs);

    public long ApiReads => Interlocked.Read(ref _apiReads);

    public event EventHandler<KubeCommandEventArgs>? CommandStarting;

    public event EventHandler<KubeCommandEventArgs>? CommandCompleted;

    public Task<string?> GetContextNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(_contextNamespace);

    public async Task<JsonDocument> GetJsonAsync(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector,
        CancellationToken cancellationToken)
    {
        var query = KubeQuery.Create(resource, ns, name, labelSelector, fieldSelector);
        Interlocked.Increment(ref _apiReads);
        string uri = _baseUri + query.ApiPath + query.ApiQueryString;
        var context = new KubectlCallContext(resource, ns, name, null, null);
        var (status, body) = await CallAsync(["GET", uri], context, ct => GetAsync(uri, ct), cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK) throw KubeApiErrors.FromStatus(status, body, context);
        try
        {
            var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new JsonException("the top-level value is not an object");
            }
            return doc;
        }
        catch (JsonException e)
        {
            string text = Utf8.GetString(body, 0, Math.Min(body.Length, 200));
            throw new AciTraceException(ErrorIds.ClusterInvalidOutput, AciErrorKind.InvalidResult,
                $"The API server answered GET {query.ApiPath} but not with a JSON object ({e.Message}); the answer starts with: '{InputValidationException.Printable(text)}'",
                resource, e);
        }
    }

    public async Task<ExecResult> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var (output, elapsed) = await ExecCoreAsync(ns, pod, container, argv, cancellationToken).ConfigureAwait(false);
        return new ExecResult(0, Utf8.GetString(output.Stdout), Utf8.GetString(output.Stderr), elapsed);
    }

    public async Task<ExecBytesResult> ExecBytesAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var (output, elapsed) = await ExecCoreAsync(ns, pod, container, argv, cancellationToken).ConfigureAwait(false);
        return new ExecBytesResult(0, output.Stdout, Utf8.GetString(output.Stderr), elapsed);
    }

    public void Dispose() => _client.Dispose();

    private async Task<(ExecOutput Output, TimeSpan Elapsed)> ExecCoreAsync(string ns, string pod, string? container, IReadOnlyList<string> argv,
        CancellationToken cancellationToken)
    {
        var target = KubeExecTarget.Create(ns, pod, container, argv);
        Interlocked.Increment(ref _execs);
        var context = new KubectlCallContext(KubeResource.Pods, target.Namespace, target.Pod, target.Container, target.Argv);
        var display = new List<string> { "exec", "-n", target.Namespace, target.Pod };
        if (target.Container is not null) display.AddRange(["-c", target.Container]);
        display.Add("--");
        display.AddRange(target.Argv);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var output = await CallAsync(display, context, async ct =>
        {
            WebSocket socket;
            // The library does not pass the token to the connect itself: wait for it with ours (timeout, Stop), and
            // close a socket that connects after we gave up.
            var connect = _client.WebSocketNamespacedPodExecAsync(target.Pod, target.Namespace, target.Argv, target.Container ?? "",
                stderr: true, stdin: false, stdout: true, tty: false, webSocketSubProtocol: ExecProtocol, cancellationToken: ct);
            try
            {
                socket = await connect.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _ = connect.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                throw;
            }
            catch (Exception e) when (e is not AciTraceException)
            {
                throw await ExplainRefusedExecAsync(target, context, e, ct).ConfigureAwait(false);
            }
            using (socket)
            {
                return await ExecChannels.ReadAsync(socket, _maxOutputBytes, ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (!output.Status.Success)
        {
            // The same text kubectl prints for this Status, so both transports give one error for one failure.
            string stderr = Utf8.GetString(output.Stderr);
            string tail = output.Status.ExitCode is int code ? $"command terminated with exit code {code}" : output.Status.Message;
            throw KubectlErrors.Map(output.Status.ExitCode ?? 1, stderr.Length == 0 ? tail : stderr.TrimEnd() + "\n" + tail, Utf8.GetString(output.Stdout), context, Via);
        }
        return (output, started.Elapsed);
    }

    /// <summary>
    /// The library reports a refused exec upgrade only as its HTTP status code. A 5xx is the API server failing to
    /// reach the node's kubelet (it dials it only for an upgrade); 401 is the credentials. For 403 and 404 the API
    /// server's own Status is recovered by asking the exec URL again without the upgrade (refused before any stream
    /// exists: no command can start); otherwise the pod is read (its containers and phase) to say what is wrong.
    /// </summary>
    private async Task<AciTraceException> ExplainRefusedExecAsync(KubeExecTarget target, KubectlCallContext context, Exception refusal, CancellationToken ct)
    {
        string refused = KubeApiErrors.Describe(refusal);
        if (refusal is HttpRequestException || refusal.InnerException is HttpRequestException or System.Net.Sockets.SocketException)
            return KubeApiErrors.Unreachable(refused, refusal);
        int? status = KubeApiErrors.UpgradeStatus(refusal);
        if (status is >= 500 and <= 599)
        {
            return new AciTraceException(ErrorIds.NodeExecUnavailable, AciErrorKind.ResourceUnavailable,
                $"The API server is reachable but could not open an exec session to pod '{target.Namespace}/{target.Pod}' (HTTP {status}). " +
                "Check that pod's node (is it Ready?), its kubelet, and that the API server can reach the kubelet on port 10250.",
                target.Pod, refusal);
        }
        if (status == 401)
            return KubectlErrors.Map(1, "error: You must be logged in to the server (Unauthorized)", "", context, Via);
        if (status is 403 or 404)
        {
            var (probeStatus, body) = await GetAsync(ExecUri(target), ct).ConfigureAwait(false);
            if ((int)probeStatus == status) return KubeApiErrors.FromStatus(probeStatus, body, context);
        }
        PodInfo pod;
        using (var doc = await GetJsonAsync(KubeResource.Pods, target.Namespace, target.Pod, null, null, ct).ConfigureAwait(false))
            pod = PodInfo.FromJson(doc.RootElement);
        if (target.Container is not null && pod.Containers.Count > 0 && !pod.Containers.Contains(target.Container))
        {
            return KubectlErrors.Map(1, $"Error from server (BadRequest): container {target.Container} is not valid for pod {target.Pod}", "", context, Via);
        }
        if (pod.Phase != "Running")
        {
            return new AciTraceException(ErrorIds.PodNotRunning, AciErrorKind.ResourceUnavailable,
                $"Cannot exec into pod '{target.Namespace}/{target.Pod}': it is {pod.Phase}, not Running.", target.Pod, refusal);
        }
        return new AciTraceException(ErrorIds.ClusterCallFailed, AciErrorKind.InvalidResult,
            $"The API server refused to open an exec session to pod '{target.Namespace}/{target.Pod}': {refused}", target.Pod, refusal);
    }

    private string ExecUri(KubeExecTarget target)
    {
        var query = new StringBuilder("?stdout=true&stderr=true");
        if (target.Container is not null) query.Append("&container=").Append(Uri.EscapeDataString(target.Container));
        foreach (var arg in target.Argv) query.Append("&command=").Append(Uri.EscapeDataString(arg));
        return $"{_baseUri}/api/v1/namespaces/{target.Namespace}/pods/{target.Pod}/exec{query}";
    }

    /// <summary>Most retries of a read the API server throttled (429), as kubectl retries them.</summary>
    private const int ThrottleRetries = 3;

    /// <summary>
    /// One GET, with the retries kubectl makes when the API server throttles (429 Too Many Requests): after its
    /// Retry-After (at most 5 s; 1 s when it names none), within the call's own timeout.
    /// </summary>
    private async Task<(HttpStatusCode Status, byte[] Body)> GetAsync(string uri, CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            var (status, body, retryAfter) = await GetOnceAsync(uri, ct).ConfigureAwait(false);
            if (status != HttpStatusCode.TooManyRequests || attempt == ThrottleRetries) return (status, body);
            await Task.Delay(retryAfter, ct).ConfigureAwait(false);
        }
    }

    private async Task<(HttpStatusCode Status, byte[] Body, TimeSpan RetryAfter)> GetOnceAsync(string uri, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_client.Credentials is { } credentials) await credentials.ProcessHttpRequestAsync(request, ct).ConfigureAwait(false);
        using var response = await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > _maxOutputBytes) throw TooLarge();
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var body = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            body.Write(chunk, 0, read);
            if (body.Length > _maxOutputBytes) throw TooLarge();
        }
        var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
        return (response.StatusCode, body.ToArray(), retryAfter > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : retryAfter);
    }

    private AciTraceException TooLarge() => new AciTraceException(ErrorIds.ClusterOutputTooLarge, AciErrorKind.InvalidResult,
        $"The API server sent more than {_maxOutputBytes} bytes and the read was stopped.");

    /// <summary>Reports the call, applies the per-call timeout and maps transport failures; the body runs once.</summary>
    private async Task<T> CallAsync<T>(IReadOnlyList<string> display, KubectlCallContext context, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        var kind = context.IsExec ? KubeCallKind.Exec : KubeCallKind.Read;
        CommandStarting?.Invoke(this, new KubeCommandEventArgs(display, kind: kind));
        var started = System.Diagnostics.Stopwatch.StartNew();
        int? exitCode = null;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_timeout);
        try
        {
            var result = await body(limit.Token).ConfigureAwait(false);
            exitCode = 0;
            return result;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException && limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            string what = context.IsExec ? $"'{CommandLineText.Format(context.RemoteArgv!)}' in {context.ObjectText}" : $"get {context.Resource.KubectlName()}";
            throw new AciTraceException(ErrorIds.ClusterCallTimeout, AciErrorKind.OperationTimeout,
                $"The API server call ({what}) did not finish within {_timeout.TotalSeconds:0.###} s and was stopped. " +
                "Check the cluster's responsiveness or raise the timeout.", CommandLineText.Format(display), e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                                             or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError or HttpRequestError.Unknown)
        {
            throw KubeApiErrors.Unreachable(KubeApiErrors.Describe(e), e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The API server answered, then the connection broke (a reset in the middle of a large list).
            throw new AciTraceException(ErrorIds.ClusterCallFailed, AciErrorKind.InvalidResult,
                $"The API server call ({CommandLineText.Format(display)}) broke off: {e.Message}", context.Name, e);
        }
        catch (WebSocketException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AciTraceException(ErrorIds.NodeExecUnavailable, AciErrorKind.ResourceUnavailable,
                $"The exec session to {context.ObjectText} broke before the command finished: {e.Message}. Check that pod's node and its kubelet.",
                context.Name, e);
        }
        finally
        {
            CommandCompleted?.Invoke(this, new KubeCommandEventArgs(display, exitCode, started.Elapsed, kind));
        }
    }
}
