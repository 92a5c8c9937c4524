using System.Collections.Concurrent;

namespace AciTrace.Engine;

/// <summary>
/// Caches one task per key for the life of a session; concurrent callers share the same work. Failed or cancelled
/// results are evicted so a later call can retry.
/// </summary>
internal sealed class AsyncCache<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _entries = new();

    public int Count => _entries.Count;

    public async Task<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> factory)
    {
        var lazy = _entries.GetOrAdd(key, k => new Lazy<Task<TValue>>(() => factory(k)));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, lazy));
            throw;
        }
    }
}
