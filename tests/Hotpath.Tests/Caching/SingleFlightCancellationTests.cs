using Hotpath.Caching;

namespace Hotpath.Tests.Caching;

/// <summary>
/// One caller's cancellation against a load others share: it ends that caller's wait, never another caller's.
/// </summary>
public sealed class SingleFlightCancellationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static ShardedCache<string, string> Create() => new(new ShardedCacheOptions { Capacity = 1_000, TrimOnMemoryPressure = false });

    [Fact]
    public async Task The_starting_callers_cancellation_does_not_fail_a_waiter_whose_token_is_live()
    {
        // The loader honours its token (the starter's). Cancelling the starter cancelled the load, and the waiter, which
        // never cancelled anything, got the starter's OperationCanceledException.
        var cache = Create();
        using var starterCts = new CancellationTokenSource();
        var runs = 0;
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<string> Loader(string key, CancellationToken token)
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                firstStarted.SetResult();
                await Task.Delay(Timeout.Infinite, token);
            }

            return "value";
        }

        var starter = cache.GetOrAddAsync("key", Loader, starterCts.Token).AsTask();
        await firstStarted.Task.WaitAsync(Patience);
        var waiter = cache.GetOrAddAsync("key", Loader).AsTask();
        Assert.False(waiter.IsCompleted);

        starterCts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starter.WaitAsync(Patience));
        Assert.Equal("value", await waiter.WaitAsync(Patience)); // it loaded afresh, with its own token
        Assert.Equal(2, runs);
        Assert.True(cache.TryGet("key", out var stored));
        Assert.Equal("value", stored);
    }

    [Fact]
    public async Task A_waiter_whose_own_token_is_cancelled_still_sees_the_cancellation()
    {
        var cache = Create();
        using var shared = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        async ValueTask<string> Loader(string key, CancellationToken token)
        {
            Interlocked.Increment(ref runs);
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return "never";
        }

        var starter = cache.GetOrAddAsync("key", Loader, shared.Token).AsTask();
        await started.Task.WaitAsync(Patience);
        var waiter = cache.GetOrAddAsync("key", Loader, shared.Token).AsTask();
        shared.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starter.WaitAsync(Patience));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(Patience));
        Assert.Equal(1, runs); // the cancelled waiter starts no load of its own
        Assert.False(cache.TryGet("key", out _));
    }

    [Fact]
    public async Task A_loader_that_throws_OperationCanceledException_by_itself_fails_every_waiter()
    {
        // No caller cancelled: the loader's own cancellation (a timeout inside it, say) is its failure, shared as any.
        var cache = Create();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        async ValueTask<string> Loader(string key, CancellationToken token)
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            throw new OperationCanceledException("the loader's own timeout");
        }

        using var starterCts = new CancellationTokenSource();
        var starter = cache.GetOrAddAsync("key", Loader, starterCts.Token).AsTask();
        var waiter = cache.GetOrAddAsync("key", Loader).AsTask();
        release.SetResult();

        var seen = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(Patience));
        Assert.Equal("the loader's own timeout", seen.Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starter.WaitAsync(Patience));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task The_starting_callers_cancellation_ends_its_wait_even_when_the_loader_ignores_its_token()
    {
        // The starter awaited the loader itself, so its token ended nothing while the loader ran on.
        var cache = Create();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var starterCts = new CancellationTokenSource();
        var starter = cache.GetOrAddAsync("key", async (_, _) =>
        {
            started.SetResult();
            await release.Task; // ignores the token
            return "value";
        }, starterCts.Token).AsTask();
        await started.Task.WaitAsync(Patience);
        var waiter = cache.GetOrAddAsync("key", static (_, _) => throw new InvalidOperationException("must not run")).AsTask();

        starterCts.Cancel();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starter.WaitAsync(Patience));
        Assert.Equal(starterCts.Token, cancelled.CancellationToken);
        Assert.False(waiter.IsCompleted);

        // The load runs on: its value goes to the waiter and is stored.
        release.SetResult();
        Assert.Equal("value", await waiter.WaitAsync(Patience));
        Assert.True(cache.TryGet("key", out var stored));
        Assert.Equal("value", stored);
    }
}
