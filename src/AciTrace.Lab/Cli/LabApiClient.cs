using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace AciTrace.Lab.Cli;

/// <summary>
/// Talks to a running lab's API as its admin: server address, pinned certificate and token come from the lab's
/// kubeconfig (only the exact certificate in it is trusted).
/// </summary>
internal sealed class LabApiClient : IDisposable
{
    private readonly HttpClient _http;

    private LabApiClient(HttpClient http) => _http = http;

    /// <summary>Reads the kubeconfig's current context (server, certificate-authority-data, token).</summary>
    public static LabApiClient FromKubeconfig(string kubeconfigPath, TimeSpan timeout)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(kubeconfigPath)) yaml.Load(reader);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{kubeconfigPath} is not a kubeconfig");
        string current = Scalar(root, "current-context") ?? throw new InvalidDataException($"{kubeconfigPath} has no current-context");
        YamlMappingNode context = Named(root, "contexts", current, "context");
        YamlMappingNode cluster = Named(root, "clusters", Scalar(context, "cluster") ?? "", "cluster");
        YamlMappingNode user = Named(root, "users", Scalar(context, "user") ?? "", "user");
        string server = Scalar(cluster, "server") ?? throw new InvalidDataException("the kubeconfig's cluster has no server");
        string? token = Scalar(user, "token");
        string? caData = Scalar(cluster, "certificate-authority-data");

        var handler = new HttpClientHandler();
        if (caData is not null)
        {
            using X509Certificate2 pinned = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(caData)));
            byte[] expected = pinned.RawData;
            handler.ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.RawData.AsSpan().SequenceEqual(expected);
        }
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(server.TrimEnd('/') + "/"), Timeout = timeout };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new LabApiClient(http);
    }

    /// <summary>GET a JSON object; throws <see cref="HttpRequestException"/> on a non-success answer.</summary>
    public async Task<JsonObject> GetAsync(string path, CancellationToken ct = default)
    {
        using HttpResponseMessage r = await _http.GetAsync(path, ct).ConfigureAwait(false);
        return await ReadAsync(r, ct).ConfigureAwait(false);
    }

    /// <summary>PUT a JSON object and return the answer.</summary>
    public async Task<JsonObject> PutAsync(string path, JsonObject body, CancellationToken ct = default)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using HttpResponseMessage r = await _http.PutAsync(path, content, ct).ConfigureAwait(false);
        return await ReadAsync(r, ct).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage r, CancellationToken ct)
    {
        string text = await r.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            // Reported below.
        }
        if (!r.IsSuccessStatusCode)
        {
            string message = json is JsonObject status && status["message"] is JsonValue m ? m.ToString() : text;
            throw new HttpRequestException($"{(int)r.StatusCode} {r.ReasonPhrase}: {message}", null, r.StatusCode);
        }
        return json as JsonObject ?? throw new HttpRequestException("the lab API answered with something other than a JSON object");
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? v) && v is YamlScalarNode s ? s.Value : null;

    private static YamlMappingNode Named(YamlMappingNode root, string list, string name, string inner)
    {
        if (root.Children.TryGetValue(new YamlScalarNode(list), out YamlNode? node) && node is YamlSequenceNode seq)
            foreach (YamlNode entry in seq)
                if (entry is YamlMappingNode m && Scalar(m, "name") == name && m.Children.TryGetValue(new YamlScalarNode(inner), out YamlNode? body) && body is YamlMappingNode b)
                    return b;
        throw new InvalidDataException($"the kubeconfig has no {list} entry named '{name}'");
    }
}
