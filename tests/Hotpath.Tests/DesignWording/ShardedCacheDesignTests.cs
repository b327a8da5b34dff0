using System.Diagnostics.Metrics;
using Hotpath.Caching;
using Hotpath.Tests.Caching;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.DesignWording;

/// <summary>
/// <c>Hotpath.Caching.ShardedCache&lt;TKey, TValue&gt;</c> as an outside tester would exercise it from DESIGN.md section 4
/// and the cache issue: TryGet/GetOrAdd/GetOrAddAsync/Set/Remove/Clear/Count/Statistics, shards and capacity at 1,
/// time-to-live through a fake TimeProvider, single-flight loads, and the meter.
/// </summary>
public sealed class ShardedCacheDesignTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static ShardedCache<string, int> Create(int shards = 16, int capacity = 10_000, TimeSpan? ttl = null, TimeProvider? time = null, string? name = null) =>
        new(new ShardedCacheOptions
        {
            Shards = shards,
            Capacity = capacity,
            TimeToLive = ttl,
            TimeProvider = time ?? TimeProvider.System,
            TrimOnMemoryPressure = false,
            Name = name,
        });

    /// <summary>The smallest fake clock a tester writes: it overrides <see cref="TimeProvider.GetUtcNow"/> only.</summary>
    private sealed class UtcNowOnlyClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void The_default_constructor_makes_a_working_cache()
    {
        var cache = new ShardedCache<int, string>();
        Assert.False(cache.TryGet(1, out _));
        cache.Set(1, "one");
        Assert.True(cache.TryGet(1, out var value));
        Assert.Equal("one", value);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void One_shard_works_like_many()
    {
        var cache = Create(shards: 1, capacity: 100);
        for (var i = 0; i < 50; i++)
        {
            cache.Set($"k{i}", i);
        }

        Assert.Equal(50, cache.Count);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(cache.TryGet($"k{i}", out var value));
            Assert.Equal(i, value);
        }

        Assert.True(cache.Remove("k0"));
        Assert.Equal(49, cache.Count);
    }

    [Fact]
    public void Capacity_one_holds_the_latest_entry_and_counts_the_eviction()
    {
        var cache = Create(capacity: 1);
        cache.Set("a", 1);
        cache.Set("b", 2);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("b", out var b));
        Assert.Equal(2, b);
        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(1, cache.Statistics.Evictions);
    }

    [Fact]
    public void Capacity_is_never_exceeded_whatever_the_operations()
    {
        var cache = Create(shards: 16, capacity: 5);
        var random = new Random(42);
        for (var i = 0; i < 5_000; i++)
        {
            var key = $"k{random.Next(50)}";
            switch (random.Next(4))
            {
                case 0: cache.Set(key, i); break;
                case 1: cache.GetOrAdd(key, static _ => 1); break;
                case 2: cache.TryGet(key, out _); break;
                default: cache.Remove(key); break;
            }

            Assert.InRange(cache.Count, 0, 5);
        }
    }

    [Fact]
    public void Set_replaces_and_does_not_add_a_second_entry()
    {
        var cache = Create();
        cache.Set("k", 1);
        cache.Set("k", 2);
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("k", out var value));
        Assert.Equal(2, value);
    }

    [Fact]
    public void GetOrAdd_calls_the_factory_on_a_miss_only_and_passes_the_key()
    {
        var cache = Create();
        var calls = 0;
        Assert.Equal(3, cache.GetOrAdd("abc", k => { calls++; return k.Length; }));
        Assert.Equal(3, cache.GetOrAdd("abc", k => { calls++; return -1; }));
        Assert.Equal(1, calls);

        cache.Set("x", 10);
        Assert.Equal(10, cache.GetOrAdd("x", static _ => throw new InvalidOperationException("not called on a hit")));
    }

    [Fact]
    public void A_throwing_GetOrAdd_factory_propagates_and_stores_nothing()
    {
        var cache = Create();
        var error = Assert.Throws<FormatException>(() => cache.GetOrAdd("k", static _ => throw new FormatException("bad")));
        Assert.Equal("bad", error.Message);
        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(5, cache.GetOrAdd("k", static _ => 5)); // the next call tries again
    }

    [Fact]
    public void Remove_of_a_missing_key_returns_false_and_changes_nothing()
    {
        var cache = Create();
        Assert.False(cache.Remove("missing"));
        cache.Set("k", 1);
        Assert.False(cache.Remove("missing"));
        Assert.Equal(1, cache.Count);
        Assert.True(cache.Remove("k"));
        Assert.False(cache.Remove("k"));
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Clear_then_Count_is_zero_and_the_cache_still_works()
    {
        var cache = Create(shards: 4, capacity: 100);
        for (var i = 0; i < 60; i++)
        {
            cache.Set($"k{i}", i);
        }

        cache.Clear();
        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet("k1", out _));

        cache.Set("k1", 1);
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("k1", out _));
    }

    [Fact]
    public void Statistics_are_exact_after_a_known_sequence()
    {
        var time = new ManualTimeProvider();
        var cache = Create(shards: 1, capacity: 2, ttl: TimeSpan.FromMinutes(1), time: time);
        Assert.Equal(default, cache.Statistics);

        cache.Set("a", 1);
        cache.TryGet("a", out _);               // hit
        cache.TryGet("b", out _);               // miss
        cache.GetOrAdd("b", static _ => 2);     // miss, adds
        cache.GetOrAdd("b", static _ => 0);     // hit
        cache.Set("c", 3);                      // over capacity: one eviction
        time.Advance(TimeSpan.FromMinutes(1));
        var live = 0;
        foreach (var key in new[] { "a", "b", "c" })
        {
            live += cache.TryGet(key, out _) ? 1 : 0; // all expired now: 3 misses, 2 expirations (one was evicted)
        }

        Assert.Equal(0, live);
        Assert.Equal(new CacheStatistics(Hits: 2, Misses: 5, Evictions: 1, Expirations: 2), cache.Statistics);
        Assert.Equal(0, cache.Count);
        Assert.Equal(2.0 / 7, cache.Statistics.HitRatio, 10);
    }

    [Fact]
    public void An_entry_lives_until_exactly_its_time_to_live()
    {
        var time = new ManualTimeProvider();
        var ttl = TimeSpan.FromSeconds(30);
        var cache = Create(ttl: ttl, time: time);
        cache.Set("k", 1);

        time.Advance(ttl - TimeSpan.FromTicks(1));
        Assert.True(cache.TryGet("k", out _));

        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Count);
        Assert.Equal(1, cache.Statistics.Expirations);
    }

    [Fact]
    public void Count_leaves_out_expired_entries_without_a_lookup()
    {
        var time = new ManualTimeProvider();
        var cache = Create(shards: 4, ttl: TimeSpan.FromSeconds(10), time: time);
        for (var i = 0; i < 20; i++)
        {
            cache.Set("old" + i, i);
        }

        time.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 7; i++)
        {
            cache.Set("new" + i, i);
        }

        Assert.Equal(27, cache.Count);
        time.Advance(TimeSpan.FromSeconds(5)); // the first twenty expire now, with no lookup of any of them
        Assert.Equal(7, cache.Count);
        Assert.Equal(20, cache.Statistics.Expirations);
        Assert.Equal(0, cache.Statistics.Misses);
        Assert.True(cache.TryGet("new6", out var kept));
        Assert.Equal(6, kept);
    }

    [Fact]
    public void An_entry_added_between_milliseconds_lives_its_whole_time_to_live()
    {
        var time = new ManualTimeProvider();
        var ttl = TimeSpan.FromSeconds(1);
        var cache = Create(ttl: ttl, time: time);
        time.Advance(TimeSpan.FromTicks(9_999)); // just under a millisecond past the start
        cache.Set("k", 1);

        time.Advance(ttl - TimeSpan.FromTicks(1));
        Assert.True(cache.TryGet("k", out _));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(cache.TryGet("k", out _));
    }

    [Fact]
    public void Time_to_live_follows_a_fake_clock_that_only_overrides_GetUtcNow()
    {
        var time = new UtcNowOnlyClock();
        var cache = Create(ttl: TimeSpan.FromMinutes(5), time: time);
        cache.Set("k", 1);

        time.Now += TimeSpan.FromMinutes(4);
        Assert.True(cache.TryGet("k", out _));

        time.Now += TimeSpan.FromMinutes(1);
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(1, cache.Statistics.Expirations);
    }

    [Fact]
    public void Without_a_time_to_live_entries_never_expire()
    {
        var time = new ManualTimeProvider();
        var cache = Create(time: time);
        cache.Set("k", 1);
        time.Advance(TimeSpan.FromDays(3650));
        Assert.True(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Statistics.Expirations);
    }

    [Fact]
    public void Set_after_expiry_starts_a_new_time_to_live()
    {
        var time = new ManualTimeProvider();
        var cache = Create(ttl: TimeSpan.FromSeconds(10), time: time);
        cache.Set("k", 1);
        time.Advance(TimeSpan.FromSeconds(10));
        cache.Set("k", 2);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.True(cache.TryGet("k", out var value));
        Assert.Equal(2, value);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.ThrowsAny<ArgumentException>(() => Create(shards: 3));
        Assert.ThrowsAny<ArgumentException>(() => Create(shards: 0));
        Assert.ThrowsAny<ArgumentException>(() => Create(capacity: 0));
        Assert.ThrowsAny<ArgumentException>(() => Create(ttl: TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void A_null_key_is_rejected()
    {
        var cache = Create();
        Assert.Throws<ArgumentNullException>(() => cache.TryGet(null!, out _));
        Assert.Throws<ArgumentNullException>(() => cache.Set(null!, 1));
        Assert.Throws<ArgumentNullException>(() => cache.Remove(null!));
    }

    /// <summary>
    /// Waits until <paramref name="callers"/> lookups have missed, then a moment more for the last of them to join
    /// the load (a miss and its join are one synchronous step). A fixed delay from the start instead let callers
    /// that a loaded machine had not yet run arrive after a failed load and start loads of their own.
    /// </summary>
    private static async Task AllMissed(ShardedCache<string, int> cache, long callers)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (cache.Statistics.Misses < callers && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal(callers, cache.Statistics.Misses);
        await Task.Delay(50);
    }

    [Fact]
    public async Task Sixty_four_concurrent_GetOrAddAsync_callers_run_the_loader_once()
    {
        var cache = Create();
        var loads = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<int> Loader(string key, CancellationToken ct)
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            return 42;
        }

        var callers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await cache.GetOrAddAsync("k", Loader))).ToArray();
        await AllMissed(cache, 64);
        gate.SetResult();
        var results = await Task.WhenAll(callers).WaitAsync(Patience);

        Assert.Equal(1, loads);
        Assert.All(results, static r => Assert.Equal(42, r));
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("k", out var cached));
        Assert.Equal(42, cached);
    }

    [Fact]
    public async Task A_failing_loader_leaves_no_entry_and_every_waiter_sees_the_exception()
    {
        var cache = Create();
        var loads = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failure = new InvalidOperationException("backend down");
        async ValueTask<int> Loader(string key, CancellationToken ct)
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            throw failure;
        }

        var callers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await cache.GetOrAddAsync("k", Loader))).ToArray();
        await AllMissed(cache, 64);
        gate.SetResult();

        foreach (var caller in callers)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => caller.WaitAsync(Patience));
            Assert.Same(failure, error);
        }

        Assert.Equal(1, loads);
        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(7, await cache.GetOrAddAsync("k", static (_, _) => new ValueTask<int>(7))); // a later call loads again
    }

    [Fact]
    public async Task A_cancelled_load_leaves_no_entry_and_throws_OperationCanceledException()
    {
        var cache = Create();
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = cache.GetOrAddAsync("k", async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return 1;
        }, cts.Token).AsTask();

        await started.Task.WaitAsync(Patience);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet("k", out _));
    }

    [Fact]
    public async Task A_waiter_cancelled_by_its_own_token_gets_OperationCanceledException_and_the_load_goes_on()
    {
        var cache = Create();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loading = cache.GetOrAddAsync("k", (_, _) => new ValueTask<int>(release.Task)).AsTask();

        using var cts = new CancellationTokenSource();
        var waiter = cache.GetOrAddAsync("k", static (_, _) => throw new InvalidOperationException("single flight: not called"), cts.Token).AsTask();
        cts.Cancel();

        var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(() => waiter.WaitAsync(Patience));
        Assert.Equal(cts.Token, cancelled.CancellationToken);
        Assert.True(waiter.IsCanceled);

        release.SetResult(5);
        Assert.Equal(5, await loading.WaitAsync(Patience));
        Assert.True(cache.TryGet("k", out var stored));
        Assert.Equal(5, stored);
    }

    [Fact]
    public async Task A_synchronously_throwing_loader_also_leaves_no_entry()
    {
        var cache = Create();
        await Assert.ThrowsAsync<ArgumentException>(async () => await cache.GetOrAddAsync("k", static (_, _) => throw new ArgumentException("sync")));
        Assert.Equal(0, cache.Count);
        Assert.Equal(2, await cache.GetOrAddAsync("k", static (_, _) => ValueTask.FromResult(2)));
    }

    [Fact]
    public async Task GetOrAddAsync_on_a_hit_does_not_call_the_loader()
    {
        var cache = Create();
        cache.Set("k", 9);
        var value = await cache.GetOrAddAsync("k", static (_, _) => throw new InvalidOperationException("not called"));
        Assert.Equal(9, value);
    }

    [Fact]
    public void Counters_are_published_on_the_Hotpath_meter_tagged_with_the_cache_name()
    {
        var name = $"design-wording-{Guid.NewGuid():N}";
        var cache = Create(capacity: 1, name: name);
        cache.Set("a", 1);
        cache.TryGet("a", out _); // hit
        cache.TryGet("z", out _); // miss
        cache.Set("b", 2);        // eviction

        var values = new Dictionary<string, long>();
        var tagKeys = new HashSet<string>();
        using var listener = Listeners.Create();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Hotpath" && instrument.Name.StartsWith("hotpath.cache.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value is string s && s == name)
                {
                    tagKeys.Add(tag.Key);
                    values[instrument.Name] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(name, cache.Name);
        Assert.Equal(1, values["hotpath.cache.hits"]);
        Assert.Equal(1, values["hotpath.cache.misses"]);
        Assert.Equal(1, values["hotpath.cache.evictions"]);
        Assert.Equal(["cache"], tagKeys);
        GC.KeepAlive(cache);
    }
}
