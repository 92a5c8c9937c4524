using AciTrace.Engine;
using Xunit;

namespace AciTrace.Tests.Unit.Engine;

public sealed class AsyncCacheTests
{
    [Fact]
    public async Task Concurrent_callers_share_one_piece_of_work()
    {
        var cache = new AsyncCache<string, int>();
        int calls = 0;
        var gate = new TaskCompletionSource<int>();
        var first = cache.GetAsync("k", _ => { Interlocked.Increment(ref calls); return gate.Task; }, CancellationToken.None);
        var second = cache.GetAsync("k", _ => { Interlocked.Increment(ref calls); return gate.Task; }, CancellationToken.None);
        gate.SetResult(7);
        Assert.Equal(7, await first);
        Assert.Equal(7, await second);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_caller_whose_work_another_caller_cancelled_starts_it_afresh()
    {
        var cache = new AsyncCache<string, int>();
        using var firstCaller = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var first = cache.GetAsync("k", async _ =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, firstCaller.Token);
            return 1;
        }, firstCaller.Token);
        await started.Task;
        var second = cache.GetAsync("k", _ => Task.FromResult(2), CancellationToken.None);

        firstCaller.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(2, await second);
        Assert.Equal(2, await cache.GetAsync("k", _ => Task.FromResult(3), CancellationToken.None));
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_shared_work_running_for_others()
    {
        var cache = new AsyncCache<string, int>();
        var gate = new TaskCompletionSource<int>();
        using var waiter = new CancellationTokenSource();
        var first = cache.GetAsync("k", _ => gate.Task, CancellationToken.None);
        var cancelled = cache.GetAsync("k", _ => Task.FromResult(-1), waiter.Token);

        waiter.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult(5);

        Assert.Equal(5, await first);
        Assert.Equal(5, await cache.GetAsync("k", _ => Task.FromResult(-1), CancellationToken.None));
    }

    [Fact]
    public async Task A_failure_is_not_cached()
    {
        var cache = new AsyncCache<string, int>();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.GetAsync("k", _ => Task.FromException<int>(new InvalidOperationException()), CancellationToken.None));
        Assert.Equal(4, await cache.GetAsync("k", _ => Task.FromResult(4), CancellationToken.None));
    }
}
