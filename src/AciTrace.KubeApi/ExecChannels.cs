using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using AciTrace.Engine;
using AciTrace.Packets;

namespace AciTrace.Kube.Api;

/// <summary>What one exec returned: stdout and stderr bytes and the Status the server sent on channel 3.</summary>
internal sealed record ExecOutput(byte[] Stdout, byte[] Stderr, ExecStatus Status);

/// <summary>The channel-3 Status of an exec: success, a non-zero exit code, or a failure to run the command at all.</summary>
internal sealed record ExecStatus(bool Success, int? ExitCode, string Message)
{
    /// <summary>No Status arrived before the stream closed (a server that died mid-command).</summary>
    public static readonly ExecStatus Missing = new(false, null, "the exec stream closed without a status");

    public static ExecStatus Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            string status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() ?? "" : "";
            string message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "";
            if (status == "Success") return new ExecStatus(true, 0, "");
            return new ExecStatus(false, ExitCodeCause(root), message.Length > 0 ? message : "the command failed (no message)");
        }
        catch (JsonException)
        {
            return new ExecStatus(false, null, "the exec status is not JSON: " + InputValidationException.Printable(System.Text.Encoding.UTF8.GetString(json)));
        }
    }

    /// <summary>The exit code of a NonZeroExitCode Status (details.causes[reason=ExitCode].message).</summary>
    private static int? ExitCodeCause(JsonElement root)
    {
        if (!root.TryGetProperty("reason", out var reason) || reason.ValueKind != JsonValueKind.String || reason.GetString() != "NonZeroExitCode") return null;
        if (!root.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Object
            || !details.TryGetProperty("causes", out var causes) || causes.ValueKind != JsonValueKind.Array) return null;
        foreach (var cause in causes.EnumerateArray())
        {
            if (cause.ValueKind == JsonValueKind.Object && cause.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() == "ExitCode"
                && cause.TryGetProperty("message", out var code) && code.ValueKind == JsonValueKind.String
                && int.TryParse(code.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int exit))
            {
                return exit;
            }
        }
        return null;
    }
}

/// <summary>
/// Reads an exec WebSocket of the Kubernetes channel protocol (v4/v5.channel.k8s.io) asynchronously: each message
/// starts with its channel byte (1 stdout, 2 stderr, 3 Status). The library's own demuxer blocks a thread-pool
/// thread per stream, which stalls parallel execs on small machines; this reader holds no thread while it waits.
/// </summary>
internal static class ExecChannels
{
    private const byte Stdout = 1, Stderr = 2, Status = 3;

    /// <summary>Reads until the server closes; more than <paramref name="maxBytes"/> of output is an error.</summary>
    public static async Task<ExecOutput> ReadAsync(WebSocket socket, long maxBytes, CancellationToken cancellationToken)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var status = new MemoryStream();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            MemoryStream? current = null;
            bool atMessageStart = true;
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                ValueWebSocketReceiveResult r = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close) break;
                int offset = 0;
                bool channelRead = !atMessageStart;
                if (atMessageStart && r.Count > 0)
                {
                    current = buffer[0] switch { Stdout => stdout, Stderr => stderr, Status => status, _ => null };
                    offset = 1;
                    channelRead = true;
                }
                if (current is not null && r.Count > offset)
                {
                    current.Write(buffer, offset, r.Count - offset);
                    if (stdout.Length + stderr.Length + status.Length > maxBytes)
                    {
                        throw new AciTraceException(ErrorIds.ClusterOutputTooLarge, AciErrorKind.InvalidResult,
                            $"The command printed more than {maxBytes} bytes and was stopped.");
                    }
                }
                // The channel byte is the first byte of a message, even when the first fragment carried nothing.
                atMessageStart = r.EndOfMessage || !channelRead;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await CloseQuietlyAsync(socket).ConfigureAwait(false);
        var parsed = status.Length > 0 ? ExecStatus.Parse(status.GetBuffer().AsSpan(0, (int)status.Length)) : ExecStatus.Missing;
        return new ExecOutput(stdout.ToArray(), stderr.ToArray(), parsed);
    }

    private static async Task CloseQuietlyAsync(WebSocket socket)
    {
        if (socket.State != WebSocketState.CloseReceived) return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The result is complete; an unanswered close costs nothing.
        }
    }
}
