using System.Text.Json.Nodes;

namespace AciTrace.Lab.Api;

/// <summary>
/// Faults the lab API injects, changeable at any time while the server runs (thread-safe; each request reads the
/// current values). Exec faults apply to every exec, or only to pods on <see cref="ExecFaultNode"/> when it is set.
/// </summary>
public sealed class LabFaults
{
    private readonly Lock _gate = new();
    private TimeSpan _execLatency;
    private int? _execExitCode;
    private int? _execErrorStatus;
    private bool _execHang;
    private string? _execFaultNode;
    private HashSet<string> _ovsNotReady = new(StringComparer.Ordinal);
    private HashSet<string> _removed = new(StringComparer.Ordinal);

    /// <summary>Raised after any change (the server uses it to rebuild its view of the cluster).</summary>
    public event Action? Changed;

    /// <summary>Delay added before each exec command runs (after the WebSocket upgrade).</summary>
    public TimeSpan ExecLatency { get => Read(() => _execLatency); set => Write(() => _execLatency = value < TimeSpan.Zero ? TimeSpan.Zero : value); }

    /// <summary>When set, exec runs nothing and ends with this exit code (NonZeroExitCode on the status channel) and a stderr line.</summary>
    public int? ExecExitCode { get => Read(() => _execExitCode); set => Write(() => _execExitCode = value); }

    /// <summary>When set (e.g. 500, 503), exec is refused before the upgrade with a Kubernetes Status of that HTTP code.</summary>
    public int? ExecErrorStatus { get => Read(() => _execErrorStatus); set => Write(() => _execErrorStatus = value); }

    /// <summary>When true, exec upgrades and then never answers until the client goes away or the server stops.</summary>
    public bool ExecHang { get => Read(() => _execHang); set => Write(() => _execHang = value); }

    /// <summary>Limits the exec faults to pods on this node; null means every node.</summary>
    public string? ExecFaultNode { get => Read(() => _execFaultNode); set => Write(() => _execFaultNode = value); }

    /// <summary>Nodes whose <c>aci-containers-openvswitch</c> pod is reported Running but not Ready.</summary>
    public IReadOnlySet<string> OvsNotReadyNodes => Read(() => (IReadOnlySet<string>)new HashSet<string>(_ovsNotReady));

    /// <summary>Nodes that are gone: the node answers 404 and its pods disappear.</summary>
    public IReadOnlySet<string> RemovedNodes => Read(() => (IReadOnlySet<string>)new HashSet<string>(_removed));

    /// <summary>Marks the OVS pod of a node NotReady (or Ready again).</summary>
    public void SetOvsNotReady(string node, bool notReady = true) => Write(() => { if (notReady) _ovsNotReady.Add(node); else _ovsNotReady.Remove(node); });

    /// <summary>Removes a node (or brings it back).</summary>
    public void SetNodeRemoved(string node, bool removed = true) => Write(() => { if (removed) _removed.Add(node); else _removed.Remove(node); });

    /// <summary>Whether the exec faults apply to a pod on this node.</summary>
    public bool AppliesTo(string nodeName) => Read(() => _execFaultNode is null || _execFaultNode == nodeName);

    /// <summary>Clears every fault.</summary>
    public void Reset() => Write(() =>
    {
        _execLatency = TimeSpan.Zero;
        _execExitCode = null;
        _execErrorStatus = null;
        _execHang = false;
        _execFaultNode = null;
        _ovsNotReady = new(StringComparer.Ordinal);
        _removed = new(StringComparer.Ordinal);
    });

    /// <summary>
    /// The faults as JSON: <c>{"execLatencyMs":0,"execExitCode":null,"execErrorStatus":null,"execHang":false,
    /// "execFaultNode":null,"ovsNotReadyNodes":[],"removedNodes":[]}</c> (the admin endpoint and fault files use it).
    /// </summary>
    public JsonObject ToJson() => Read(() => new JsonObject
    {
        ["execLatencyMs"] = (long)_execLatency.TotalMilliseconds,
        ["execExitCode"] = _execExitCode,
        ["execErrorStatus"] = _execErrorStatus,
        ["execHang"] = _execHang,
        ["execFaultNode"] = _execFaultNode,
        ["ovsNotReadyNodes"] = new JsonArray([.. _ovsNotReady.Order(StringComparer.Ordinal).Select(n => (JsonNode)JsonValue.Create(n))]),
        ["removedNodes"] = new JsonArray([.. _removed.Order(StringComparer.Ordinal).Select(n => (JsonNode)JsonValue.Create(n))]),
    });

    /// <summary>
    /// Replaces every fault with the values of a JSON object shaped like <see cref="ToJson"/> (missing keys mean
    /// "no fault"). Returns false with a message, changing nothing, when a value has the wrong type.
    /// </summary>
    public bool TryLoad(JsonObject json, out string error)
    {
        error = "";
        try
        {
            long latency = json["execLatencyMs"]?.GetValue<long>() ?? 0;
            int? exit = json["execExitCode"]?.GetValue<int>();
            int? status = json["execErrorStatus"]?.GetValue<int>();
            bool hang = json["execHang"]?.GetValue<bool>() ?? false;
            string? node = json["execFaultNode"]?.GetValue<string>();
            HashSet<string> notReady = new(json["ovsNotReadyNodes"]?.AsArray().Select(NodeName) ?? [], StringComparer.Ordinal);
            HashSet<string> removed = new(json["removedNodes"]?.AsArray().Select(NodeName) ?? [], StringComparer.Ordinal);
            if (status is < 400 or > 599)
            {
                error = "execErrorStatus must be an HTTP error code (400-599)";
                return false;
            }
            Write(() =>
            {
                _execLatency = TimeSpan.FromMilliseconds(Math.Max(0, latency));
                _execExitCode = exit;
                _execErrorStatus = status;
                _execHang = hang;
                _execFaultNode = node;
                _ovsNotReady = notReady;
                _removed = removed;
            });
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            error = "invalid faults document: " + e.Message;
            return false;
        }
    }

    private static string NodeName(JsonNode? n) => n?.GetValue<string>() ?? throw new FormatException("node names must be strings");

    private T Read<T>(Func<T> read)
    {
        lock (_gate) return read();
    }

    private void Write(Action write)
    {
        lock (_gate) write();
        Changed?.Invoke();
    }
}
