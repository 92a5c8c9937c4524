namespace AciTrace.Lab.Generation;

/// <summary>The agent's IdGenerator: per namespace, dense ids in order of first use, starting at 1.</summary>
public sealed class IdAllocator
{
    private readonly Dictionary<string, List<string>> _byNamespace = [];

    /// <summary>Returns the id of key in ns, allocating the next one on first use.</summary>
    public uint Get(string ns, string key)
    {
        if (!_byNamespace.TryGetValue(ns, out var list)) _byNamespace[ns] = list = [];
        var i = list.IndexOf(key);
        if (i < 0) { list.Add(key); i = list.Count - 1; }
        return (uint)(i + 1);
    }

    /// <summary>Every namespace with its (id, key) records in allocation order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IdRecord>> Snapshot() =>
        _byNamespace.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<IdRecord>)kv.Value.Select((k, i) => new IdRecord((uint)(i + 1), k)).ToList());
}

/// <summary>One id-file record.</summary>
public sealed record IdRecord(uint Id, string Key);

/// <summary>Id namespace names used by the agent (id file names without ".id").</summary>
public static class IdNs
{
    /// <summary>br-access reg0.</summary>
    public const string SecGroupSet = "secGroupSet";
    /// <summary>br-access reg6 and RD service zones.</summary>
    public const string Conntrack = "conntrack";
    /// <summary>reg4.</summary>
    public const string BridgeDomain = "bridgeDomain";
    /// <summary>reg5 and group ids.</summary>
    public const string FloodDomain = "floodDomain";
    /// <summary>reg6 on br-int.</summary>
    public const string RoutingDomain = "routingDomain";
    /// <summary>Contract and SG flow cookies.</summary>
    public const string L24Classifier = "l24classifierRule";
    /// <summary>Service ct marks.</summary>
    public const string Service = "service";
}
