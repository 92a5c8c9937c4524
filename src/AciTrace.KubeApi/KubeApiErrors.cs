using System.Net;
using System.Text;
using System.Text.Json;
using AciTrace.Engine;

namespace AciTrace.Kube.Api;

/// <summary>
/// API answers to typed errors. A failed request carries a Kubernetes Status; kubectl prints it as
/// <c>Error from server (Reason): message</c>, so that line is rebuilt and given to the one mapping both transports
/// share (<see cref="KubectlErrors"/>): one failure, one ErrorId and message, whatever the transport.
/// </summary>
internal static class KubeApiErrors
{
    public static AciTraceException FromStatus(HttpStatusCode code, byte[] body, KubectlCallContext context)
    {
        var (reason, message) = ReadStatus(body);
        reason ??= code switch
        {
            HttpStatusCode.NotFound => "NotFound",
            HttpStatusCode.Forbidden => "Forbidden",
            HttpStatusCode.Unauthorized => "Unauthorized",
            HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout => "Timeout",
            _ => code.ToString(),
        };
        message ??= $"HTTP {(int)code} {code}" + (body.Length > 0 ? ": " + Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)) : "");
        return KubectlErrors.Map((int)code, $"Error from server ({reason}): {message}", "", context, KubeApiClient.Via);
    }

    /// <summary>The HTTP status the API server answered an exec upgrade with (.NET names it in the WebSocketException).</summary>
    public static int? UpgradeStatus(Exception refusal)
    {
        for (Exception? e = refusal; e is not null; e = e.InnerException)
        {
            var m = System.Text.RegularExpressions.Regex.Match(e.Message, @"status code '(\d{3})'");
            if (m.Success) return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>An exception's message with its cause's ("message (cause)").</summary>
    public static string Describe(Exception e) => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;

    public static AciTraceException Unreachable(string detail, Exception inner) =>
        new AciTraceException(ErrorIds.ClusterUnreachable, AciErrorKind.ConnectionError,
            $"The Kubernetes API server cannot be reached: {detail}. Check the kubeconfig's server address, the network/VPN, and that the API server is up.",
            null, inner);

    private static (string? Reason, string? Message) ReadStatus(byte[] body)
    {
        if (body.Length == 0) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null);
            string? reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            string? message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return (string.IsNullOrEmpty(reason) ? null : reason, string.IsNullOrEmpty(message) ? null : message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
