using System.Collections.Concurrent;

namespace AciTrace.Engine;

/// <summary>
/// Caches one task per key for the life of a session; concurrent callers share the same work. Failed or cancelled
/// results are evicted so a later call can retry.
/// </summary>
internal sealed class AsyncCache<TKey, TValue> where TKey : notnull
{
    // Shared work runs under the token of the caller that started it. When that caller is cancelled (its trace ended
    // early) a caller that is still running must not inherit the cancellation: it starts the work afresh.
    private const int AttemptsAfterOthersCancelled = 3;

    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _entries = new();

    public int Count => _entries.Count;

    public async Task<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> factory, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            var lazy = _entries.GetOrAdd(key, k => new Lazy<Task<TValue>>(() => factory(k)));
            try
            {
                return await lazy.Value.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested && attempt < AttemptsAfterOthersCancelled)
            {
                _entries.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, lazy));
            }
            catch
            {
                if (lazy.IsValueCreated && lazy.Value.IsCompleted)
                    _entries.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, lazy));
                throw;
            }
        }
    }
}
