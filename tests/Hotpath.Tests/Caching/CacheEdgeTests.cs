using Hotpath.Caching;

namespace Hotpath.Tests.Caching;

/// <summary>The cache at the edges of its clock and its sizes, and its counts under mixed concurrent operations.</summary>
public sealed class CacheEdgeTests
{
    private static ShardedCache<int, string> Create(ManualTimeProvider clock, TimeSpan ttl, int capacity = 100, int shards = 4) =>
        new(new ShardedCacheOptions { Capacity = capacity, Shards = shards, TimeToLive = ttl, TimeProvider = clock, TrimOnMemoryPressure = false });

    [Fact]
    public void An_add_that_drops_an_expired_entry_to_make_room_evicts_no_live_one()
    {
        // Int keys hash deterministically, so the admission decisions below are the same on every run.
        var clock = new ManualTimeProvider();
        var cache = Create(clock, TimeSpan.FromSeconds(100), capacity: 10, shards: 1);
        cache.Set(0, "v0");
        clock.Advance(TimeSpan.FromSeconds(50));
        for (var i = 1; i <= 10; i++)
        {
            cache.Set(i, "v");
        }

        // Full: adding 10 sent 9 out of the window, where the admission filter turned it away.
        Assert.Equal(1, cache.Statistics.Evictions);
        clock.Advance(TimeSpan.FromSeconds(50)); // 0 (the main space's next victim) has expired, the rest live 50 s more

        // 9 comes back: the filter just rejected it, so the window grows and keeps it, and the shard is one over:
        // dropping the expired 0 makes the room.
        cache.Set(9, "again");

        var stats = cache.Statistics;
        Assert.Equal(1, stats.Expirations);
        Assert.Equal(1, stats.Evictions); // no live entry went for nothing (1 was evicted too, leaving the cache one short)
        Assert.Equal(10, cache.Count);
        Assert.All(Enumerable.Range(1, 10), key => Assert.True(cache.TryGet(key, out _), $"key {key} is missing"));
        cache.Validate();
    }

    [Fact]
    public void A_trim_counts_the_expired_entries_it_drops_toward_its_fraction_and_evicts_no_live_entry_beyond_it()
    {
        var clock = new ManualTimeProvider();
        var cache = Create(clock, TimeSpan.FromSeconds(100), capacity: 10, shards: 1);
        cache.Set(0, "v0");
        clock.Advance(TimeSpan.FromSeconds(50));
        for (var i = 1; i < 10; i++)
        {
            cache.Set(i, "v");
        }

        clock.Advance(TimeSpan.FromSeconds(50)); // 0 has expired

        Assert.Equal(0, cache.Trim(0.1)); // a tenth of 10 entries: the expired one is enough
        var stats = cache.Statistics;
        Assert.Equal(1, stats.Expirations);
        Assert.Equal(0, stats.Evictions); // was 1: a live entry evicted past the fraction
        Assert.Equal(9, cache.Count);
        cache.Validate();
    }

    [Fact]
    public void A_clock_set_back_keeps_entries_until_it_reaches_their_expiry_again_and_a_jump_forward_expires_them()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromHours(1));
        var cache = Create(clock, TimeSpan.FromSeconds(10));
        cache.Set(1, "one"); // expires at 1h + 10s on the clock

        clock.Advance(TimeSpan.FromMinutes(-30)); // backwards: expiry is a point on the clock, so the entry lives on
        Assert.True(cache.TryGet(1, out _));
        cache.Set(2, "two"); // written at 30m: expires at 30m + 10s
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.False(cache.TryGet(2, out _));
        Assert.True(cache.TryGet(1, out _));

        clock.Advance(TimeSpan.FromDays(3650)); // far forward: everything due expires, nothing overflows
        Assert.False(cache.TryGet(1, out _));
        Assert.Equal(0, cache.Count);
        Assert.Equal(2, cache.Statistics.Expirations);
        cache.Set(3, "three");
        Assert.True(cache.TryGet(3, out _));
        cache.Validate();
    }

    [Fact]
    public void A_TimeToLive_of_TimeSpan_MaxValue_never_expires_and_zero_is_refused()
    {
        var clock = new ManualTimeProvider();
        var cache = Create(clock, TimeSpan.MaxValue);
        cache.Set(1, "one");
        clock.Advance(TimeSpan.FromDays(365 * 1000));
        Assert.True(cache.TryGet(1, out _));
        Assert.Equal(0, cache.Statistics.Expirations);

        Assert.Throws<ArgumentOutOfRangeException>(() => Create(clock, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(clock, TimeSpan.FromTicks(-1)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 64)] // more shards than capacity: shards shrink to the capacity
    [InlineData(3, 64)]
    public void Tiny_capacities_and_more_shards_than_entries_never_exceed_capacity(int capacity, int shards)
    {
        var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = capacity, Shards = shards, TrimOnMemoryPressure = false });
        var random = new Random(capacity * 100 + shards);
        for (var i = 0; i < 5_000; i++)
        {
            var key = random.Next(20);
            switch (random.Next(4))
            {
                case 0: cache.Set(key, i); break;
                case 1: cache.GetOrAdd(key, static k => k); break;
                case 2: cache.Remove(key); break;
                default: cache.TryGet(key, out _); break;
            }

            Assert.InRange(cache.Count, 0, capacity);
        }

        cache.Validate();
    }

    [Fact]
    public async Task Statistics_are_exact_after_mixed_concurrent_operations_and_trims()
    {
        // Four threads of lookups, writes, removes, loads and clears, with memory-pressure trims racing them: every
        // lookup counts exactly once as a hit or a miss, and the count never passes the capacity.
        var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 256, Shards = 8, TrimOnMemoryPressure = false });
        const int PerThread = 50_000;
        var lookups = new long[4];
        var over = 0;
        using var done = new CancellationTokenSource();
        var trimmer = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                cache.Trim(0.25);
                if (cache.Count > cache.Capacity)
                {
                    Interlocked.Increment(ref over);
                }
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            var random = new Random(t);
            for (var i = 0; i < PerThread; i++)
            {
                var key = random.Next(1_000);
                switch (random.Next(10))
                {
                    case 0: cache.Set(key, i); break;
                    case 1: cache.Remove(key); break;
                    case 2:
                        await cache.GetOrAddAsync(key, static (k, _) => new ValueTask<int>(k));
                        lookups[t]++;
                        break;
                    case 3:
                        cache.GetOrAdd(key, static k => k);
                        lookups[t]++;
                        break;
                    case 4 when i % 1_000 == 0: cache.Clear(); break;
                    default:
                        cache.TryGet(key, out _);
                        lookups[t]++;
                        break;
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(20));
        done.Cancel();
        await trimmer;

        var stats = cache.Statistics;
        Assert.Equal(lookups.Sum(), stats.Hits + stats.Misses);
        Assert.Equal(0, over);
        Assert.InRange(cache.Count, 0, cache.Capacity);
        cache.Validate();
    }

    [Fact]
    public async Task A_clock_that_throws_once_fails_only_the_call_that_read_it()
    {
        // Whichever read throws (every one of the script's, in turn), the cache is left consistent and every key, a
        // single-flight load's included, works once the clock does.
        for (var failing = 1; ; failing++)
        {
            var clock = new FlakyClock(failing);
            var cache = new ShardedCache<int, string>(new ShardedCacheOptions { Capacity = 100, Shards = 4, TimeToLive = TimeSpan.FromHours(1), TimeProvider = clock, TrimOnMemoryPressure = false });
            var failures = 0;
            await Attempt(() => { cache.Set(1, "1"); return Task.CompletedTask; });
            await Attempt(() => { cache.TryGet(1, out _); return Task.CompletedTask; });
            await Attempt(() => { cache.GetOrAdd(2, static key => key.ToString()); return Task.CompletedTask; });
            await Attempt(async () => await cache.GetOrAddAsync(3, static async (key, _) =>
            {
                await Task.Yield();
                return key.ToString();
            }));
            await Attempt(() => { cache.Remove(1); return Task.CompletedTask; });
            await Attempt(() => { _ = cache.Count; return Task.CompletedTask; });

            clock.Mend();
            Assert.Equal(clock.Threw ? 1 : 0, failures);
            cache.Validate();
            for (var key = 1; key <= 3; key++)
            {
                Assert.Equal(key.ToString(), await cache.GetOrAddAsync(key, static (k, _) => ValueTask.FromResult(k.ToString())).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
                Assert.True(cache.TryGet(key, out var value));
                Assert.Equal(key.ToString(), value);
            }

            cache.Validate();
            if (!clock.Threw)
            {
                Assert.True(failing > 6); // the script read the clock at least once per call
                break;
            }

            async Task Attempt(Func<Task> call)
            {
                try
                {
                    await call();
                }
                catch (InvalidOperationException) when (clock.Threw)
                {
                    failures++;
                }
            }
        }
    }

    /// <summary>The system clock, except that its <c>failing</c>-th timestamp read throws, unless <see cref="Mend"/> came first.</summary>
    private sealed class FlakyClock(int failing) : TimeProvider
    {
        private int _reads;
        private volatile bool _threw;
        private volatile bool _mended;

        public bool Threw => _threw;

        /// <summary>No read throws from now on.</summary>
        public void Mend() => _mended = true;

        public override long GetTimestamp()
        {
            if (Interlocked.Increment(ref _reads) == failing && !_mended)
            {
                _threw = true;
                throw new InvalidOperationException("a flaky clock");
            }

            return base.GetTimestamp();
        }
    }
}
