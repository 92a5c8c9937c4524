using AciTrace.Replay.Exec;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AciTrace.Lab.Api;

/// <summary>
/// One exec over the Kubernetes channel protocol (<c>v4/v5.channel.k8s.io</c>): binary messages whose first byte is
/// the channel (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close-stream in v5); the final
/// <c>Status</c> goes on channel 3 (Success, or NonZeroExitCode with the exit code as cause), then a normal close.
/// </summary>
internal sealed class LabExecSession(WebSocket socket, bool sendStdout, bool sendStderr)
{
    private const int FrameSize = 64 * 1024;
    private static readonly TimeSpan MinimumAnswerTime = TimeSpan.FromMilliseconds(30);

    /// <summary>Runs the command and streams its result; returns the exit code sent, or null when the client or server went away first.</summary>
    public async Task<int?> RunAsync(Func<CancellationToken, Task<PodExecResult>> command, CancellationToken requestAborted, CancellationToken serverStopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, serverStopping);
        var started = System.Diagnostics.Stopwatch.StartNew();
        Task receiving = ReceiveUntilClosedAsync(cts);
        PodExecResult result;
        try
        {
            result = await command(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            socket.Abort();
            await Quietly(receiving).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A backend failure is an API-side error, as when the kubelet cannot run the command.
            await SendAsync(3, Encoding.UTF8.GetBytes(InternalError(e.Message).ToJsonString()), cts.Token).ConfigureAwait(false);
            await CloseAsync(receiving, cts).ConfigureAwait(false);
            return null;
        }
        try
        {
            // A kubelet takes milliseconds to start a command; kubectl's WebSocket client discards frames that arrive
            // before it has registered its streams ("Unknown stream id"), so never answer faster than a kubelet would.
            var early = MinimumAnswerTime - started.Elapsed;
            if (early > TimeSpan.Zero) await Task.Delay(early, cts.Token).ConfigureAwait(false);
            if (sendStdout) await SendChunkedAsync(1, result.Stdout, cts.Token).ConfigureAwait(false);
            if (sendStderr) await SendChunkedAsync(2, result.Stderr, cts.Token).ConfigureAwait(false);
            await SendAsync(3, Encoding.UTF8.GetBytes(ExitStatus(result.ExitCode).ToJsonString()), cts.Token).ConfigureAwait(false);
            await CloseAsync(receiving, cts).ConfigureAwait(false);
            return result.ExitCode;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
            await Quietly(receiving).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>The channel-3 Status for an exit code.</summary>
    public static JsonObject ExitStatus(int exitCode) => exitCode == 0
        ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
        : new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: error executing command, exit code {exitCode}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            },
        };

    private static JsonObject InternalError(string message) => new()
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = "Internal error occurred: " + message,
        ["reason"] = "InternalError",
        ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) },
        ["code"] = 500,
    };

    private async Task SendChunkedAsync(byte channel, byte[] data, CancellationToken ct)
    {
        for (int offset = 0; offset < data.Length; offset += FrameSize)
            await SendAsync(channel, data.AsMemory(offset, Math.Min(FrameSize, data.Length - offset)), ct).ConfigureAwait(false);
    }

    private async Task SendAsync(byte channel, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        byte[] frame = new byte[payload.Length + 1];
        frame[0] = channel;
        payload.CopyTo(frame.AsMemory(1));
        await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, ct).ConfigureAwait(false);
    }

    private async Task CloseAsync(Task receiving, CancellationTokenSource cts)
    {
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token).ConfigureAwait(false);
            // Give the client a moment to answer the close handshake; kubectl does so at once.
            await receiving.WaitAsync(TimeSpan.FromSeconds(2), cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
            socket.Abort();
        }
        await Quietly(receiving).ConfigureAwait(false);
    }

    // Reads (and ignores) stdin, resize and close-stream messages; when the client closes or drops, the command is cancelled.
    private async Task ReceiveUntilClosedAsync(CancellationTokenSource cts)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                WebSocketReceiveResult r = await socket.ReceiveAsync(buffer, cts.Token).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Dropped connection or shutdown.
        }
        if (socket.State is not WebSocketState.CloseSent and not WebSocketState.Closed) await cts.CancelAsync().ConfigureAwait(false);
    }

    private static async Task Quietly(Task t)
    {
        try
        {
            await t.ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Already reported through the exec outcome.
        }
    }
}
