using AciTrace.Replay.Kube;
using AciTrace.Replay.Exec;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AciTrace.Lab.Kube;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AciTrace.Lab.Api;

/// <summary>One exec the lab API handled (for tests and <c>status</c>).</summary>
/// <param name="Namespace">Pod namespace.</param>
/// <param name="Pod">Pod name.</param>
/// <param name="Container">Container.</param>
/// <param name="Argv">Command.</param>
/// <param name="ExitCode">Exit code sent to the client; null when the client went away or the server stopped first.</param>
/// <param name="Duration">Time from upgrade to the end.</param>
public sealed record LabExecRecord(string Namespace, string Pod, string Container, IReadOnlyList<string> Argv, int? ExitCode, TimeSpan Duration);

/// <summary>
/// A Kubernetes API facade on 127.0.0.1 (plain HTTP/1.1, bearer tokens) that real kubectl (1.30+) can use: discovery,
/// get/list with label and field selectors and Table output for namespaces, nodes, pods, services, events (always
/// empty), EndpointSlices and NetworkPolicies, Kubernetes Status errors, and exec over WebSocket
/// (<c>v5.channel.k8s.io</c>, <c>v4.channel.k8s.io</c>) into the ACI system pods through <see cref="PodExecAllowlist"/>
/// and an <see cref="IPodExecBackend"/>. Workload pods have no binaries (exit 127). Faults come from
/// <see cref="LabApiOptions.Faults"/>; <c>GET/PUT /aci-lab/faults</c> (admin token) reads and replaces them.
/// </summary>
public sealed class LabApiServer : IAsyncDisposable
{
    private const int MaxExecLog = 10_000;
    private static readonly string[] ExecProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    private readonly WebApplication _app;
    private readonly IPodExecBackend _exec;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<LabExecRecord> _execLog = new();
    private volatile LabKubeModel _view;
    private int _disposed;

    private LabApiServer(LabApiOptions options, LabKubeModel model, IPodExecBackend exec, WebApplication app)
    {
        Options = options;
        Model = model;
        _exec = exec;
        _app = app;
        _view = model;
        Address = new Uri("http://127.0.0.1/");
    }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; }

    /// <summary>PEM of the server's self-signed TLS certificate (null with <see cref="LabApiOptions.UseTls"/> false).</summary>
    public string? CertificatePem { get; private init; }

    /// <summary>Settings the server runs with.</summary>
    public LabApiOptions Options { get; }

    /// <summary>Faults, changeable at any time (same object as <see cref="LabApiOptions.Faults"/>).</summary>
    public LabFaults Faults => Options.Faults;

    /// <summary>The cluster as given (without faults).</summary>
    public LabKubeModel Model { get; private set; }

    /// <summary>Serves another version of the cluster from now on (a policy change), with the current faults.</summary>
    public void ReplaceModel(LabKubeModel model)
    {
        Model = model;
        OnFaultsChanged();
    }

    /// <summary>The cluster as served right now (faults applied).</summary>
    public LabKubeModel CurrentView => _view;

    /// <summary>The execs handled so far (the last 10,000), oldest first.</summary>
    public IReadOnlyList<LabExecRecord> ExecLog => [.. _execLog];

    /// <summary>Starts the server; returns once it accepts connections.</summary>
    public static async Task<LabApiServer> StartAsync(LabApiOptions options, LabKubeModel model, IPodExecBackend exec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(exec);
        if (string.IsNullOrEmpty(options.AdminToken)) throw new ArgumentException("An admin token is required.", nameof(options));
        if (options.ViewerToken == options.AdminToken) throw new ArgumentException("The viewer token must differ from the admin token.", nameof(options));

        X509Certificate2? certificate = options.UseTls ? LabCertificate.Create() : null;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LabApiServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port, l =>
            {
                // HTTP/1.1 only: the WebSocket upgrade of exec needs it (ALPN then never offers h2).
                l.Protocols = HttpProtocols.Http1;
                if (certificate is not null) l.UseHttps(certificate);
            });
        });
        WebApplication app = builder.Build();
        var server = new LabApiServer(options, model, exec, app)
        {
            CertificatePem = certificate?.ExportCertificatePem(),
        };
        options.Faults.Changed += server.OnFaultsChanged;
        server.OnFaultsChanged();
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            options.Faults.Changed -= server.OnFaultsChanged;
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address.");
        server.Address = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        return server;
    }

    /// <summary>A kubeconfig with the admin context <c>aci-lab</c> (current) and, in RBAC mode, <c>aci-lab-viewer</c>.</summary>
    /// <param name="defaultNamespace">Default namespace of the contexts.</param>
    /// <param name="currentContext">Context to make current (default <c>aci-lab</c>).</param>
    public string RenderKubeconfig(string? defaultNamespace = "default", string currentContext = LabKubeconfig.AdminContext)
    {
        var users = new List<LabKubeconfigUser> { new(LabKubeconfig.AdminContext, Options.AdminUser, Options.AdminToken, defaultNamespace) };
        if (Options.ViewerToken is not null) users.Add(new(LabKubeconfig.ViewerContext, Options.ViewerUser, Options.ViewerToken, defaultNamespace));
        return LabKubeconfig.Render(Address, users, currentContext, CertificatePem);
    }

    /// <summary>Writes <see cref="RenderKubeconfig"/> to a file (mode 0600).</summary>
    public Task WriteKubeconfigAsync(string path, string? defaultNamespace = "default", string currentContext = LabKubeconfig.AdminContext, CancellationToken ct = default) =>
        LabKubeconfig.WriteAsync(path, RenderKubeconfig(defaultNamespace, currentContext), ct);

    /// <summary>Stops the server; hanging execs and watches end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Options.Faults.Changed -= OnFaultsChanged;
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _stopping.Dispose();
        }
    }

    private void OnFaultsChanged() => _view = Model.WithFaults(Faults.RemovedNodes, Faults.OvsNotReadyNodes);

    private async Task HandleAsync(HttpContext ctx)
    {
        string? user = Authenticate(ctx.Request);
        if (user is null)
        {
            await WriteJsonAsync(ctx, 401, KubeStatus.Unauthorized()).ConfigureAwait(false);
            return;
        }
        string[] seg = (ctx.Request.Path.Value ?? "/").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        bool get = HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method);

        if (seg is ["aci-lab", "faults"])
        {
            await FaultsEndpointAsync(ctx, user).ConfigureAwait(false);
            return;
        }
        if (seg is ["aci-lab", "policy"])
        {
            await PolicyEndpointAsync(ctx, user).ConfigureAwait(false);
            return;
        }
        if (seg is ["api", "v1", "namespaces", var ens, "pods", var epod, "exec"])
        {
            await ExecAsync(ctx, user, ens, epod).ConfigureAwait(false);
            return;
        }
        if (!get)
        {
            await RefuseWriteAsync(ctx, user, seg).ConfigureAwait(false);
            return;
        }
        switch (seg)
        {
            case []:
                await WriteJsonAsync(ctx, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/apis/discovery.k8s.io/v1", "/apis/networking.k8s.io/v1", "/version") }).ConfigureAwait(false);
                return;
            case ["version"]:
                await WriteJsonAsync(ctx, 200, VersionInfo()).ConfigureAwait(false);
                return;
            case ["healthz" or "livez" or "readyz"]:
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync("ok", ctx.RequestAborted).ConfigureAwait(false);
                return;
            case ["api"]:
                await WriteJsonAsync(ctx, 200, new JsonObject
                {
                    ["kind"] = "APIVersions",
                    ["versions"] = new JsonArray("v1"),
                    ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = Address.Authority }),
                }).ConfigureAwait(false);
                return;
            case ["apis"]:
                await WriteJsonAsync(ctx, 200, new JsonObject
                {
                    ["kind"] = "APIGroupList",
                    ["apiVersion"] = "v1",
                    ["groups"] = new JsonArray([.. Groups().Select(g => (JsonNode)ApiGroup(g))]),
                }).ConfigureAwait(false);
                return;
            case ["apis", var g] when Groups().Contains(g):
                await WriteJsonAsync(ctx, 200, ApiGroup(g)).ConfigureAwait(false);
                return;
            case ["api", "v1"]:
                await WriteJsonAsync(ctx, 200, ResourceList("v1")).ConfigureAwait(false);
                return;
            case ["apis", var g, var v] when KubeResourceCatalog.All.Any(r => r.Group == g && r.Version == v):
                await WriteJsonAsync(ctx, 200, ResourceList($"{g}/{v}")).ConfigureAwait(false);
                return;
        }
        string? gv = seg switch
        {
            ["api", "v1", ..] => "v1",
            ["apis", var g, var v, ..] => $"{g}/{v}",
            _ => null,
        };
        string[] rest = gv is null ? [] : seg[(gv == "v1" ? 2 : 3)..];
        (KubeResourceType? type, string? ns, string? name) = (gv, rest) switch
        {
            (not null, [var plural]) => (KubeResourceCatalog.Find(gv, plural), null, null),
            (not null, [var plural, var n]) => (Cluster(KubeResourceCatalog.Find(gv, plural)), null, n),
            (not null, ["namespaces", var n2, var plural]) => (Namespaced(KubeResourceCatalog.Find(gv, plural)), n2, null),
            (not null, ["namespaces", var n2, var plural, var n]) => (Namespaced(KubeResourceCatalog.Find(gv, plural)), n2, n),
            _ => ((KubeResourceType?)null, (string?)null, (string?)null),
        };
        if (type is null)
        {
            await WriteJsonAsync(ctx, 404, KubeStatus.PathNotFound()).ConfigureAwait(false);
            return;
        }
        string verb = name is null ? "list" : "get";
        if (IsViewer(user) && Options.ViewerRole is { } role && !role.Allows(verb, type.Group, type.Plural, ns))
        {
            await WriteJsonAsync(ctx, 403, KubeStatus.Forbidden(user, verb, type.Plural, null, type.Group, ns, name)).ConfigureAwait(false);
            return;
        }
        if (name is null) await ListAsync(ctx, type, ns).ConfigureAwait(false);
        else await GetAsync(ctx, type, ns, name).ConfigureAwait(false);
    }

    private static KubeResourceType? Cluster(KubeResourceType? t) => t is { Namespaced: false } ? t : null;

    private static KubeResourceType? Namespaced(KubeResourceType? t) => t is { Namespaced: true } ? t : null;

    private string? Authenticate(HttpRequest request)
    {
        if (!Options.UseTls) return Options.AdminUser;
        string header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        byte[] token = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        if (FixedEquals(token, Options.AdminToken)) return Options.AdminUser;
        if (Options.ViewerToken is not null && FixedEquals(token, Options.ViewerToken)) return Options.ViewerUser;
        return null;
    }

    private static bool FixedEquals(byte[] given, string expected) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(expected));

    private bool IsViewer(string user) => Options.ViewerToken is not null && user == Options.ViewerUser && user != Options.AdminUser;

    private JsonObject VersionInfo()
    {
        string[] parts = Options.GitVersion.TrimStart('v').Split('.', '-', '+');
        return new JsonObject
        {
            ["major"] = parts.Length > 0 ? parts[0] : "1",
            ["minor"] = parts.Length > 1 ? parts[1] : "32",
            ["gitVersion"] = Options.GitVersion,
            ["gitCommit"] = "aci-lab",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-05-15T00:00:00Z",
            ["goVersion"] = "go1.23.8",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    private static IEnumerable<string> Groups() => KubeResourceCatalog.All.Where(r => r.Group.Length > 0).Select(r => r.Group).Distinct();

    private static JsonObject ApiGroup(string group)
    {
        string version = KubeResourceCatalog.All.First(r => r.Group == group).Version;
        var gv = new JsonObject { ["groupVersion"] = $"{group}/{version}", ["version"] = version };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray(gv),
            ["preferredVersion"] = gv.DeepClone(),
        };
    }

    private static JsonObject ResourceList(string groupVersion)
    {
        var resources = new JsonArray();
        foreach (KubeResourceType r in KubeResourceCatalog.All.Where(r => r.GroupVersion == groupVersion))
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = new JsonArray("get", "list", "watch"),
            };
            if (r.ShortNames.Count > 0) entry["shortNames"] = new JsonArray([.. r.ShortNames.Select(s => (JsonNode)JsonValue.Create(s))]);
            resources.Add(entry);
            if (r.Plural == "pods")
            {
                resources.Add(new JsonObject { ["name"] = "pods/exec", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodExecOptions", ["verbs"] = new JsonArray("create", "get") });
            }
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = resources };
    }

    private async Task ListAsync(HttpContext ctx, KubeResourceType type, string? ns)
    {
        IQueryCollection q = ctx.Request.Query;
        if (!KubeLabelSelector.TryParse(q["labelSelector"], out KubeLabelSelector labels, out string labelError))
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest(labelError)).ConfigureAwait(false);
            return;
        }
        if (!KubeFieldSelector.TryParse(q["fieldSelector"], out KubeFieldSelector fields, out string fieldError))
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest(fieldError)).ConfigureAwait(false);
            return;
        }
        string? unknown = fields.Fields.FirstOrDefault(f => !type.Fields.Contains(f));
        if (unknown is not null)
        {
            string resource = type.Group.Length == 0 ? $"/v1, Resource={type.Plural}" : $"{type.GroupVersion}, Resource={type.Plural}";
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest(
                $"Unable to find \"{resource}\" that match label selector \"{q["labelSelector"]}\", field selector \"{q["fieldSelector"]}\": field label not supported: {unknown}")).ConfigureAwait(false);
            return;
        }
        if (q["watch"] is var w && (w == "true" || w == "1"))
        {
            await WatchAsync(ctx).ConfigureAwait(false);
            return;
        }
        LabKubeModel view = _view;
        List<KubeItem> items = [.. type.Items(view).Where(i => (ns is null || i.Namespace == ns) && labels.Matches(i.Labels) && fields.Matches(i.Field))
            .OrderBy(i => i.Namespace, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal)];
        if (WantsTable(ctx.Request))
        {
            await WriteJsonAsync(ctx, 200, Table(type, items)).ConfigureAwait(false);
            return;
        }
        await WriteJsonAsync(ctx, 200, new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = KubeJson.ResourceVersion },
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode)i.Json())]),
        }).ConfigureAwait(false);
    }

    private async Task GetAsync(HttpContext ctx, KubeResourceType type, string? ns, string name)
    {
        KubeItem? item = type.Items(_view).FirstOrDefault(i => i.Namespace == ns && i.Name == name);
        if (item is null)
        {
            await WriteJsonAsync(ctx, 404, KubeStatus.NotFound(type.QualifiedName, type.Plural, type.Group, name)).ConfigureAwait(false);
            return;
        }
        await WriteJsonAsync(ctx, 200, WantsTable(ctx.Request) ? Table(type, [item]) : item.Json()).ConfigureAwait(false);
    }

    // The lab's objects only change through faults; a watch stays open with no events until the client leaves.
    private async Task WatchAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
        int seconds = int.TryParse(ctx.Request.Query["timeoutSeconds"], out int t) && t > 0 ? t : 1800;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Client went away or the server stops.
        }
    }

    /// <summary>
    /// A boolean query parameter as the API server reads it (apimachinery's string-slice conversion): absent is
    /// false, <c>0</c> and <c>false</c> (any case) are false, any other value is true (<c>true</c>, <c>1</c> as the
    /// C# client sends).
    /// </summary>
    internal static bool QueryBool(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count > 0 && values[0] is var v && v != "0" && !string.Equals(v, "false", StringComparison.OrdinalIgnoreCase);

    private static bool WantsTable(HttpRequest request) => request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private static JsonObject Table(KubeResourceType type, IEnumerable<KubeItem> items)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var columns = new JsonArray([.. type.Columns.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["type"] = c.Type,
            ["format"] = c.Format,
            ["description"] = c.Description,
            ["priority"] = c.Priority,
        })]);
        var rows = new JsonArray();
        foreach (KubeItem item in items)
        {
            rows.Add(new JsonObject
            {
                ["cells"] = item.Cells(now),
                ["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = item.Json()["metadata"]!.DeepClone(),
                },
            });
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = KubeJson.ResourceVersion },
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private async Task RefuseWriteAsync(HttpContext ctx, string user, string[] seg)
    {
        if (IsViewer(user))
        {
            string verb = ctx.Request.Method.ToUpperInvariant() switch { "POST" => "create", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => ctx.Request.Method.ToLowerInvariant() };
            (string plural, string group, string? ns, string? name) = seg switch
            {
                ["api", "v1", "namespaces", var n, var p, var x, ..] => (p, "", n, x),
                ["api", "v1", "namespaces", var n, var p] => (p, "", n, null),
                ["apis", var g, _, "namespaces", var n, var p, var x, ..] => (p, g, n, x),
                ["apis", var g, _, "namespaces", var n, var p] => (p, g, n, null),
                ["api", "v1", var p, var x, ..] => (p, "", null, x),
                ["api", "v1", var p] => (p, "", null, null),
                _ => ("", "", null, null),
            };
            if (plural.Length > 0)
            {
                await WriteJsonAsync(ctx, 403, KubeStatus.Forbidden(user, verb, plural, null, group, ns, name)).ConfigureAwait(false);
                return;
            }
        }
        await WriteJsonAsync(ctx, 405, KubeStatus.MethodNotAllowed(ctx.Request.Method)).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies a policy change to the running lab (set by the lab environment): the request's JSON in, a one-line
    /// summary out; a change the spec rules refuse is an ArgumentException with the reason.
    /// </summary>
    public Func<JsonObject, CancellationToken, Task<string>>? PolicyChange { get; set; }

    private async Task PolicyEndpointAsync(HttpContext ctx, string user)
    {
        if (user != Options.AdminUser)
        {
            await WriteJsonAsync(ctx, 403, KubeStatus.ForCode(403, $"User \"{user}\" cannot change the lab's policy")).ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsPut(ctx.Request.Method) || PolicyChange is null)
        {
            await WriteJsonAsync(ctx, 405, KubeStatus.MethodNotAllowed(ctx.Request.Method)).ConfigureAwait(false);
            return;
        }
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest("invalid JSON: " + e.Message)).ConfigureAwait(false);
            return;
        }
        if (body is null)
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest("the policy change must be a JSON object")).ConfigureAwait(false);
            return;
        }
        try
        {
            string applied = await PolicyChange(body, ctx.RequestAborted).ConfigureAwait(false);
            await WriteJsonAsync(ctx, 200, new JsonObject { ["applied"] = applied }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Spec.LabSpecException)
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest(e.Message)).ConfigureAwait(false);
        }
    }

    private async Task FaultsEndpointAsync(HttpContext ctx, string user)
    {
        if (user != Options.AdminUser)
        {
            await WriteJsonAsync(ctx, 403, KubeStatus.ForCode(403, $"User \"{user}\" cannot change the lab's faults")).ConfigureAwait(false);
            return;
        }
        if (HttpMethods.IsPut(ctx.Request.Method) || HttpMethods.IsPost(ctx.Request.Method))
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
            }
            catch (System.Text.Json.JsonException e)
            {
                await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest("invalid JSON: " + e.Message)).ConfigureAwait(false);
                return;
            }
            if (body is not JsonObject obj)
            {
                await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest("the faults document must be a JSON object")).ConfigureAwait(false);
                return;
            }
            if (!Faults.TryLoad(obj, out string error))
            {
                await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest(error)).ConfigureAwait(false);
                return;
            }
        }
        else if (!HttpMethods.IsGet(ctx.Request.Method))
        {
            await WriteJsonAsync(ctx, 405, KubeStatus.MethodNotAllowed(ctx.Request.Method)).ConfigureAwait(false);
            return;
        }
        await WriteJsonAsync(ctx, 200, Faults.ToJson()).ConfigureAwait(false);
    }

    private async Task ExecAsync(HttpContext ctx, string user, string ns, string podName)
    {
        // A WebSocket exec is authorized as create on pods/exec (Kubernetes 1.31+).
        if (IsViewer(user) && Options.ViewerRole?.Allows("create", "", "pods/exec", ns) != true)
        {
            await WriteJsonAsync(ctx, 403, KubeStatus.Forbidden(user, "create", "pods", "exec", "", ns, podName)).ConfigureAwait(false);
            return;
        }
        LabKubeModel view = _view;
        KubePod? pod = view.Pods.FirstOrDefault(p => p.Namespace == ns && p.Name == podName);
        if (pod is null)
        {
            await WriteJsonAsync(ctx, 404, KubeStatus.NotFound("pods", "pods", "", podName)).ConfigureAwait(false);
            return;
        }
        IQueryCollection q = ctx.Request.Query;
        List<string> argv = [.. q["command"].Select(c => c ?? "")];
        string? container = q["container"].FirstOrDefault();
        if (string.IsNullOrEmpty(container))
        {
            if (pod.Containers.Count != 1)
            {
                await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest(
                    $"a container name must be specified for pod {podName}, choose one of: [{string.Join(" ", pod.Containers.Select(c => c.Name))}]")).ConfigureAwait(false);
                return;
            }
            container = pod.Containers[0].Name;
        }
        if (!pod.Containers.Any(c => c.Name == container))
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest($"container {container} is not valid for pod {podName}")).ConfigureAwait(false);
            return;
        }
        if (argv.Count == 0)
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest("you must specify at least 1 command")).ConfigureAwait(false);
            return;
        }
        if (pod.Phase != "Running")
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest($"pod {podName} does not have a host assigned")).ConfigureAwait(false);
            return;
        }
        bool faulty = Faults.AppliesTo(pod.NodeName);
        if (faulty && Faults.ExecErrorStatus is int errorStatus)
        {
            await WriteJsonAsync(ctx, errorStatus, KubeStatus.ForCode(errorStatus,
                $"error dialing backend: dial tcp {pod.HostIP}:10250: connect: connection refused (aci-lab injected fault)")).ConfigureAwait(false);
            return;
        }
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            bool spdy = ctx.Request.Headers.Upgrade.ToString().Contains("SPDY", StringComparison.OrdinalIgnoreCase);
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest(spdy
                ? "the ACI lab serves exec over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io); SPDY is not implemented: use kubectl 1.30 or later"
                : "Upgrade request required")).ConfigureAwait(false);
            return;
        }
        string? protocol = ExecProtocols.FirstOrDefault(p => ctx.WebSockets.WebSocketRequestedProtocols.Contains(p));
        if (protocol is null)
        {
            await WriteJsonAsync(ctx, 400, KubeStatus.BadRequest(
                $"the ACI lab supports the exec subprotocols {string.Join(", ", ExecProtocols)}; the client offered: {string.Join(", ", ctx.WebSockets.WebSocketRequestedProtocols)}")).ConfigureAwait(false);
            return;
        }
        using System.Net.WebSockets.WebSocket socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol }).ConfigureAwait(false);
        var session = new LabExecSession(socket, QueryBool(q["stdout"]), QueryBool(q["stderr"]));
        AciSystemPodRole? role = view.SystemPodRoleOf(pod);
        var started = System.Diagnostics.Stopwatch.StartNew();
        int? exitCode = await session.RunAsync(async ct =>
        {
            if (faulty && Faults.ExecLatency > TimeSpan.Zero) await Task.Delay(Faults.ExecLatency, ct).ConfigureAwait(false);
            if (faulty && Faults.ExecHang) await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            if (faulty && Faults.ExecExitCode is int injected)
                return PodExecResult.FromText(injected, "", $"aci-lab: injected exec failure (exit code {injected})\n");
            if (role is null)
            {
                return PodExecResult.FromText(127, "",
                    $"OCI runtime exec failed: exec failed: unable to start container process: exec: \"{argv[0]}\": executable file not found in $PATH: unknown\n");
            }
            string roleName = role == AciSystemPodRole.Host ? PodExecAllowlist.HostRole : PodExecAllowlist.OpenVswitchRole;
            PodExecDecision decision = PodExecAllowlist.Check(roleName, container, argv);
            if (!decision.Allowed) return decision.ToResult();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(Options.ExecTimeout);
            try
            {
                return await _exec.ExecAsync(pod.NodeName, roleName, container, argv, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return PodExecResult.FromText(124, "", $"aci-lab: command timed out after {Options.ExecTimeout.TotalSeconds:0.#} s\n");
            }
        }, ctx.RequestAborted, _stopping.Token).ConfigureAwait(false);
        _execLog.Enqueue(new LabExecRecord(ns, podName, container, argv, exitCode, started.Elapsed));
        while (_execLog.Count > MaxExecLog) _execLog.TryDequeue(out _);
    }

    private static async Task WriteJsonAsync(HttpContext ctx, int code, JsonObject body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        await ctx.Response.WriteAsync(body.ToJsonString(), ctx.RequestAborted).ConfigureAwait(false);
    }
}
