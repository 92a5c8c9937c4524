using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AciTrace.Replay.Ovs;

/// <summary>The outcome of one unixctl command: exactly one of <see cref="Result"/> and <see cref="Error"/> is set.</summary>
internal sealed record UnixctlReply(string? Result, string? Error);

/// <summary>
/// A persistent JSON-RPC 1.0 connection to ovs-vswitchd's control socket (ovs-vswitchd.&lt;pid&gt;.ctl), the socket
/// ovs-appctl talks to. Messages are bare concatenated JSON objects. One request at a time (guarded by a lock).
/// </summary>
internal sealed class OvsUnixctlClient : IAsyncDisposable
{
    /// <summary>sun_path is 108 bytes including the terminating NUL.</summary>
    public const int MaxSocketPathBytes = 107;

    private readonly string _socketPath;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Socket? _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _buffered;
    private long _nextId = 1;
    private bool _disposed;

    public OvsUnixctlClient(string socketPath)
    {
        _socketPath = socketPath;
    }

    public static bool CanUse(string socketPath) => Encoding.UTF8.GetByteCount(socketPath) <= MaxSocketPathBytes;

    public async Task<UnixctlReply> CallAsync(string method, IReadOnlyList<string> parameters, TimeSpan timeout, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeoutCts.CancelAfter(timeout);
            try
            {
                return await CallLockedAsync(method, parameters, timeoutCts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or JsonException)
            {
                // The stream position is unknown after any failure: start over with a fresh connection next time.
                CloseSocket();
                if (ex is OperationCanceledException && !ct.IsCancellationRequested)
                {
                    throw new OvsException($"ovs-vswitchd did not answer '{method}' within {timeout.TotalSeconds:0.#} s.", inner: ex);
                }
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<UnixctlReply> CallLockedAsync(string method, IReadOnlyList<string> parameters, CancellationToken ct)
    {
        var socket = _socket;
        if (socket is null)
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), ct).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            _socket = socket;
            _buffered = 0;
        }

        var id = _nextId++;
        var request = JsonSerializer.SerializeToUtf8Bytes(new UnixctlRequest(method, parameters, id), UnixctlJsonContext.Default.UnixctlRequest);
        await socket.SendAsync(request, SocketFlags.None, ct).ConfigureAwait(false);

        while (true)
        {
            var length = FindCompleteObject(_buffer.AsSpan(0, _buffered));
            if (length > 0)
            {
                using var document = JsonDocument.Parse(_buffer.AsMemory(0, length));
                Buffer.BlockCopy(_buffer, length, _buffer, 0, _buffered - length);
                _buffered -= length;
                var root = document.RootElement;
                if (!root.TryGetProperty("id", out var replyId) || replyId.ValueKind != JsonValueKind.Number || replyId.GetInt64() != id)
                {
                    continue; // A reply to an abandoned request or a notification; not ours.
                }
                var result = root.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                string? error = null;
                if (root.TryGetProperty("error", out var e) && e.ValueKind != JsonValueKind.Null)
                {
                    error = e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText();
                }
                return error is not null ? new UnixctlReply(null, error) : new UnixctlReply(result ?? "", null);
            }
            if (_buffered == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_buffered), SocketFlags.None, ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("ovs-vswitchd closed the control connection.");
            }
            _buffered += read;
        }
    }

    /// <summary>Length of the first complete top-level JSON object in the buffer, or 0 when it is not complete yet.</summary>
    private static int FindCompleteObject(ReadOnlySpan<byte> data)
    {
        var depth = 0;
        var inString = false;
        var escaped = false;
        for (var i = 0; i < data.Length; i++)
        {
            var c = data[i];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == (byte)'\\')
                {
                    escaped = true;
                }
                else if (c == (byte)'"')
                {
                    inString = false;
                }
                continue;
            }
            switch (c)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{':
                case (byte)'[':
                    depth++;
                    break;
                case (byte)'}':
                case (byte)']':
                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }
                    break;
            }
        }
        return 0;
    }

    private void CloseSocket()
    {
        _socket?.Dispose();
        _socket = null;
        _buffered = 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            CloseSocket();
        }
        finally
        {
            _lock.Release();
        }
    }
}

internal sealed record UnixctlRequest(
    [property: System.Text.Json.Serialization.JsonPropertyName("method")] string Method,
    [property: System.Text.Json.Serialization.JsonPropertyName("params")] IReadOnlyList<string> Params,
    [property: System.Text.Json.Serialization.JsonPropertyName("id")] long Id);

[System.Text.Json.Serialization.JsonSerializable(typeof(UnixctlRequest))]
internal sealed partial class UnixctlJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
