using Hotpath.Caching;

namespace Hotpath.Tests.Caching;

public sealed class SingleFlightTests
{
    private const int Callers = 64;

    private static ShardedCache<string, string> Create() => new(new ShardedCacheOptions { Capacity = 1_000, TrimOnMemoryPressure = false });

    /// <summary>Starts <see cref="Callers"/> concurrent GetOrAddAsync calls and waits until every one has missed and joined the load.</summary>
    private static async Task<Task<string>[]> StartCallers(ShardedCache<string, string> cache, Func<string, CancellationToken, ValueTask<string>> loader, CancellationToken token = default)
    {
        var calls = new Task<string>[Callers];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < Callers; i++)
        {
            calls[i] = Task.Run(async () =>
            {
                await start.Task; // no blocked pool threads: 64 callers on a 2-core pool still all start
                return await cache.GetOrAddAsync("key", loader, token);
            });
        }

        start.SetResult();

        // Every caller has missed once it is counted; the loader is held open until then.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (cache.Statistics.Misses < Callers && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        return calls;
    }

    [Fact]
    public async Task Concurrent_misses_on_one_key_run_the_loader_once()
    {
        var cache = Create();
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = await StartCallers(cache, async (key, _) =>
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            return "loaded:" + key;
        });

        release.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, runs);
        Assert.All(results, static r => Assert.Equal("loaded:key", r));
        Assert.Equal(Callers, cache.Statistics.Misses);
        Assert.True(cache.TryGet("key", out var cached));
        Assert.Equal("loaded:key", cached);
    }

    [Fact]
    public async Task A_failing_loader_stores_nothing_and_every_waiter_sees_its_exception()
    {
        var cache = Create();
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failure = new InvalidOperationException("backend down");
        var calls = await StartCallers(cache, async (_, _) =>
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            throw failure;
        });

        release.SetResult();
        foreach (var call in calls)
        {
            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            Assert.Same(failure, thrown);
        }

        Assert.Equal(1, runs);
        Assert.False(cache.TryGet("key", out _));
        Assert.Equal(0, cache.Count);

        // The failure is not remembered: the next caller loads again.
        Assert.Equal("ok", await cache.GetOrAddAsync("key", static (_, _) => new ValueTask<string>("ok")));
    }

    [Fact]
    public async Task A_cancelled_load_stores_nothing_and_every_waiter_sees_the_cancellation()
    {
        var cache = Create();
        using var cts = new CancellationTokenSource();
        var runs = 0;
        var calls = await StartCallers(
            cache,
            async (_, token) =>
            {
                Interlocked.Increment(ref runs);
                await Task.Delay(Timeout.Infinite, token);
                return "never";
            },
            cts.Token);

        cts.Cancel();
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        Assert.Equal(1, runs);
        Assert.False(cache.TryGet("key", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_does_not_disturb_the_load()
    {
        var cache = Create();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var owner = cache.GetOrAddAsync("key", async (_, _) =>
        {
            await release.Task;
            return "value";
        }).AsTask();

        using var impatient = new CancellationTokenSource();
        var waiter = cache.GetOrAddAsync("key", static (_, _) => throw new InvalidOperationException("must not run"), impatient.Token).AsTask();
        impatient.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);

        release.SetResult();
        Assert.Equal("value", await owner);
        Assert.True(cache.TryGet("key", out _));
    }

    [Fact]
    public async Task A_hit_completes_synchronously()
    {
        var cache = Create();
        cache.Set("key", "value");
        var pending = cache.GetOrAddAsync("key", static (_, _) => throw new InvalidOperationException("must not run"));
        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal("value", await pending);
    }

    [Fact]
    public async Task Different_keys_load_independently()
    {
        var cache = Create();
        var runs = 0;
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => cache.GetOrAddAsync("k" + (i % 8), async (key, _) =>
        {
            Interlocked.Increment(ref runs);
            await Task.Yield();
            return key.ToUpperInvariant();
        }).AsTask()));

        Assert.InRange(runs, 8, 32);
        Assert.All(results.Select((r, i) => (r, i)), static x => Assert.Equal("K" + (x.i % 8), x.r));
        Assert.Equal(8, cache.Count);
    }
}
