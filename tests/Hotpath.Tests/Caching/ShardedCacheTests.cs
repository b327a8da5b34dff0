using Hotpath.Tests.Shared;
using Hotpath.Caching;

namespace Hotpath.Tests.Caching;

public sealed class ShardedCacheTests
{
    private static ShardedCache<int, string> Create(int capacity = 100, int shards = 4, TimeSpan? ttl = null, TimeProvider? clock = null) =>
        new(new ShardedCacheOptions { Capacity = capacity, Shards = shards, TimeToLive = ttl, TimeProvider = clock, TrimOnMemoryPressure = false });

    [Fact]
    public void Options_default_to_the_system_clock_and_null_restores_it()
    {
        var options = new ShardedCacheOptions();
        Assert.Same(TimeProvider.System, options.TimeProvider);

        var clock = new ManualTimeProvider();
        options.TimeProvider = clock;
        Assert.Same(clock, options.TimeProvider);

        options.TimeProvider = null;
        Assert.Same(TimeProvider.System, options.TimeProvider);
    }

    [Fact]
    public void TryGet_misses_until_Set_then_hits()
    {
        var cache = Create();
        Assert.False(cache.TryGet(1, out var missing));
        Assert.Null(missing);

        cache.Set(1, "one");
        Assert.True(cache.TryGet(1, out var found));
        Assert.Equal("one", found);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Set_replaces_the_value()
    {
        var cache = Create();
        cache.Set(7, "a");
        cache.Set(7, "b");
        Assert.True(cache.TryGet(7, out var value));
        Assert.Equal("b", value);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void GetOrAdd_runs_the_factory_only_on_a_miss()
    {
        var cache = Create();
        var calls = 0;
        Assert.Equal("k5", cache.GetOrAdd(5, k => { calls++; return "k" + k; }));
        Assert.Equal("k5", cache.GetOrAdd(5, k => { calls++; return "other"; }));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Remove_reports_whether_an_entry_was_there()
    {
        var cache = Create();
        cache.Set(1, "one");
        Assert.True(cache.Remove(1));
        Assert.False(cache.Remove(1));
        Assert.False(cache.TryGet(1, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Clear_removes_everything_and_keeps_working()
    {
        var cache = Create();
        for (var i = 0; i < 50; i++)
        {
            cache.Set(i, "v");
        }

        cache.Clear();
        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet(3, out _));
        cache.Set(3, "again");
        Assert.True(cache.TryGet(3, out var value));
        Assert.Equal("again", value);
        cache.Validate();
    }

    [Fact]
    public void Statistics_count_every_hit_miss_and_eviction_exactly()
    {
        var cache = Create(capacity: 10, shards: 1);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(cache.TryGet(i, out _));
            cache.Set(i, "v");
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.True(cache.TryGet(i, out _));
        }

        for (var i = 100; i < 130; i++)
        {
            cache.GetOrAdd(i, static _ => "new");
        }

        var stats = cache.Statistics;
        Assert.Equal(10, stats.Hits);
        Assert.Equal(40, stats.Misses);
        Assert.Equal(40 - cache.Count, stats.Evictions); // every insert beyond capacity evicted exactly one entry
        Assert.Equal(10, cache.Count);
        Assert.Equal(0, stats.Expirations);
        Assert.Equal(10.0 / 50, stats.HitRatio, 10);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 16)]
    [InlineData(10, 4)]
    [InlineData(100, 8)]
    public void Capacity_is_never_exceeded_after_any_operation(int capacity, int shards)
    {
        var cache = Create(capacity, shards);
        var random = new Random(capacity);
        for (var i = 0; i < 20_000; i++)
        {
            var key = random.Next(capacity * 4);
            switch (random.Next(5))
            {
                case 0:
                    cache.Set(key, "s");
                    break;
                case 1:
                    cache.GetOrAdd(key, static _ => "g");
                    break;
                case 2:
                    cache.Remove(key);
                    break;
                default:
                    cache.TryGet(key, out _);
                    break;
            }

            Assert.InRange(cache.Count, 0, capacity);
        }

        cache.Validate();
    }

    [Fact]
    public void Fewer_shards_are_used_when_capacity_is_below_the_shard_count()
    {
        var cache = Create(capacity: 3, shards: 16);
        Assert.Equal(2, cache.ShardCount);
        for (var i = 0; i < 100; i++)
        {
            cache.Set(i, "v");
        }

        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void A_scan_of_one_hit_keys_does_not_flush_the_popular_ones()
    {
        var cache = Create(capacity: 1_000, shards: 1);
        for (var round = 0; round < 20; round++)
        {
            for (var hot = 0; hot < 500; hot++)
            {
                if (!cache.TryGet(hot, out _))
                {
                    cache.Set(hot, "hot");
                }
            }
        }

        for (var scan = 1_000_000; scan < 1_050_000; scan++)
        {
            if (!cache.TryGet(scan, out _))
            {
                cache.Set(scan, "scan");
            }
        }

        var kept = 0;
        for (var hot = 0; hot < 500; hot++)
        {
            kept += cache.TryGet(hot, out _) ? 1 : 0;
        }

        Assert.True(kept >= 450, $"only {kept} of 500 popular keys survived a scan of 50,000 one-hit keys");
    }

    [Fact]
    public void Entries_expire_after_the_time_to_live_on_the_given_clock()
    {
        var clock = new ManualTimeProvider();
        var cache = Create(ttl: TimeSpan.FromSeconds(10), clock: clock);
        cache.Set(1, "one");

        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.True(cache.TryGet(1, out _));

        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(cache.TryGet(1, out _));
        Assert.Equal(0, cache.Count);

        var stats = cache.Statistics;
        Assert.Equal(1, stats.Hits);
        Assert.Equal(1, stats.Misses);
        Assert.Equal(1, stats.Expirations);
        Assert.Equal(0, stats.Evictions);
    }

    [Fact]
    public void Set_restarts_the_time_to_live_and_GetOrAdd_reloads_an_expired_entry()
    {
        var clock = new ManualTimeProvider();
        var cache = Create(ttl: TimeSpan.FromSeconds(10), clock: clock);
        cache.Set(1, "first");
        clock.Advance(TimeSpan.FromSeconds(8));
        cache.Set(1, "second");
        clock.Advance(TimeSpan.FromSeconds(8));
        Assert.True(cache.TryGet(1, out var value));
        Assert.Equal("second", value);

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("reloaded", cache.GetOrAdd(1, static _ => "reloaded"));
        Assert.Equal(1, cache.Statistics.Expirations);
    }

    [Fact]
    public void Remove_of_an_expired_entry_reports_nothing_removed_and_counts_an_expiration()
    {
        var clock = new ManualTimeProvider();
        var cache = Create(ttl: TimeSpan.FromSeconds(10), clock: clock);
        cache.Set(1, "one");
        cache.Set(2, "two");
        clock.Advance(TimeSpan.FromSeconds(5));
        cache.Set(3, "three"); // live for 5 s more: adding it expires nothing
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.False(cache.Remove(1)); // expired: it was already a miss, so nothing live was removed
        Assert.True(cache.Remove(3));
        var stats = cache.Statistics;
        Assert.Equal(1, stats.Expirations);
        Assert.Equal(0, stats.Evictions);
        cache.Validate();
        Assert.Equal(0, cache.Count); // drops (and counts) the other expired entry
        Assert.Equal(2, cache.Statistics.Expirations);
    }

    [Fact]
    public void Expired_entries_are_dropped_first_when_room_is_needed()
    {
        var clock = new ManualTimeProvider();
        var cache = Create(capacity: 10, shards: 1, ttl: TimeSpan.FromSeconds(1), clock: clock);
        for (var i = 0; i < 10; i++)
        {
            cache.Set(i, "old");
        }

        clock.Advance(TimeSpan.FromSeconds(2));
        for (var i = 100; i < 110; i++)
        {
            cache.Set(i, "new");
        }

        var stats = cache.Statistics;
        Assert.Equal(10, stats.Expirations + stats.Evictions);
        Assert.True(stats.Expirations >= 9, $"expected the expired entries to make room, got {stats.Expirations} expirations and {stats.Evictions} evictions");
        Assert.Equal(10, cache.Count);
        cache.Validate();
    }

    [Fact]
    public void Options_out_of_range_are_rejected_clearly()
    {
        Assert.Throws<ArgumentNullException>(() => new ShardedCache<int, int>(null!));
        var shards = Assert.Throws<ArgumentOutOfRangeException>(() => new ShardedCache<int, int>(new ShardedCacheOptions { Shards = 12 }));
        Assert.Contains("power of two", shards.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardedCache<int, int>(new ShardedCacheOptions { Shards = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardedCache<int, int>(new ShardedCacheOptions { TimeToLive = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardedCache<int, int>(new ShardedCacheOptions { TimeToLive = TimeSpan.Zero }));
    }

    [Theory]
    [InlineData((1 << 30) + 1, 1)]
    [InlineData((1 << 30) + 1, 16)]
    [InlineData(int.MaxValue, 1)]
    [InlineData(int.MaxValue, 16)]
    [InlineData(int.MaxValue, 65536)]
    public void A_capacity_whose_bucket_table_cannot_be_one_array_is_rejected_before_allocating(int capacity, int shards)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = capacity, Shards = shards, TrimOnMemoryPressure = false }));
        Assert.Contains("ShardedCacheOptions.Capacity must be at most 1,073,741,824", error.Message, StringComparison.Ordinal);
        Assert.Equal(capacity, error.ActualValue);
    }

    [Theory]
    [InlineData(1 << 30, 1, 1L << 30)] // the largest capacity: its table is 2^30 slots whatever the shard count
    [InlineData(1 << 30, 16, 1L << 30)]
    [InlineData(1 << 30, 65536, 1L << 30)]
    [InlineData((1 << 30) + 1, 1, 1L << 31)]
    [InlineData((1 << 30) + 1, 16, 1L << 31)]
    [InlineData(int.MaxValue, 16, 1L << 31)]
    [InlineData(int.MaxValue, 65536, 1L << 31)]
    [InlineData(100, 16, 128)]
    [InlineData(100, 1, 128)]
    public void The_bucket_table_length_is_computed_without_overflow(int capacity, int shards, long expected)
    {
        Assert.Equal(expected, ShardedCache<int, int>.TableLength(capacity, shards));
    }

    [Theory]
    [InlineData(1, 160)]
    [InlineData(10_000, 100_000)]
    [InlineData(214_748_364, 2_147_483_640)]
    [InlineData(214_748_365, int.MaxValue)] // ten times it overflowed int
    [InlineData(1 << 30, int.MaxValue)]
    public void The_sketch_ages_after_ten_increments_per_entry_without_overflow(int capacity, int expected)
    {
        Assert.Equal(expected, FrequencySketch.SampleSize(capacity));
    }

    [Fact]
    public void Null_keys_and_null_callbacks_are_rejected()
    {
        var cache = new ShardedCache<string, string>(new ShardedCacheOptions { TrimOnMemoryPressure = false });
        Assert.Throws<ArgumentNullException>(() => cache.TryGet(null!, out _));
        Assert.Throws<ArgumentNullException>(() => cache.Set(null!, "v"));
        Assert.Throws<ArgumentNullException>(() => cache.Remove(null!));
        Assert.Throws<ArgumentNullException>(() => cache.GetOrAdd("k", null!));
        Assert.Throws<ArgumentNullException>(() => cache.GetOrAddAsync("k", null!));
    }

    [Fact]
    public void Trim_evicts_the_requested_fraction()
    {
        var cache = Create(capacity: 1_000, shards: 4);
        for (var i = 0; i < 1_000; i++)
        {
            cache.Set(i, "v");
        }

        var before = cache.Count; // shards fill unevenly: a few keys may already have been evicted
        var evicted = cache.Trim(0.25);
        Assert.InRange(evicted, before / 4, (before / 4) + 4); // a quarter of each shard, rounded up per shard
        Assert.Equal(before - evicted, cache.Count);
        Assert.Equal(1_000 - before + evicted, cache.Statistics.Evictions);
        cache.Validate();
    }

    [Fact]
    public void Metrics_publish_the_statistics_tagged_with_the_cache_name()
    {
        var name = "metrics-test-" + Guid.NewGuid().ToString("N");
        var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 2, Shards = 1, Name = name, TrimOnMemoryPressure = false });
        cache.Set(1, 1);
        cache.TryGet(1, out _);
        cache.TryGet(1, out _);
        cache.TryGet(2, out _);
        cache.Set(2, 2);
        cache.Set(3, 3);

        var seen = MeterReadings.Observe("hotpath.cache.", "cache", name);

        Assert.Equal(2, seen["hotpath.cache.hits"]);
        Assert.Equal(1, seen["hotpath.cache.misses"]);
        Assert.Equal(1, seen["hotpath.cache.evictions"]);
        GC.KeepAlive(cache);
    }

    [Fact]
    public void A_meter_listener_that_throws_while_collecting_leaves_the_cache_and_its_counts_intact()
    {
        // The cache's instruments are observable: the listener's exception reaches whoever collects
        // (RecordObservableInstruments throws them as one AggregateException), never a cache operation, and the registry's lock is released before the
        // listener is called, so collecting again (and other caches registering) still works.
        var name = "metrics-throwing-" + Guid.NewGuid().ToString("N");
        var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 2, Shards = 1, Name = name, TrimOnMemoryPressure = false });
        var throws = new int[1];
        var listener = Listeners.Throwing("hotpath.cache.", "cache", name, throws);
        using (listener)
        {
            cache.Set(1, 1);
            Assert.Throws<AggregateException>(listener.RecordObservableInstruments);
            Assert.True(cache.TryGet(1, out _));
            Assert.False(cache.TryGet(2, out _));
            Assert.Throws<AggregateException>(listener.RecordObservableInstruments);
            cache.Set(2, 2);
            cache.Set(3, 3); // evicts one
            var other = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 2, Shards = 1, Name = name + "-other", TrimOnMemoryPressure = false });
            other.Set(1, 1);
            Assert.Throws<AggregateException>(listener.RecordObservableInstruments);
            GC.KeepAlive(other);
        }

        Assert.Equal(3 * 4, throws[0]); // each collection calls every instrument's callback, then throws them together
        Assert.Equal(2, cache.Count);
        Assert.Equal((1, 1, 1, 0), (cache.Statistics.Hits, cache.Statistics.Misses, cache.Statistics.Evictions, cache.Statistics.Expirations));
        cache.Validate();
        var seen = MeterReadings.Observe("hotpath.cache.", "cache", name);
        Assert.Equal(1, seen["hotpath.cache.hits"]);
        Assert.Equal(1, seen["hotpath.cache.misses"]);
        Assert.Equal(1, seen["hotpath.cache.evictions"]);
        GC.KeepAlive(cache);
    }

    [Fact]
    public void Expirations_are_published_like_the_other_statistics()
    {
        var name = "metrics-expiry-" + Guid.NewGuid().ToString("N");
        var time = new ManualTimeProvider();
        var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 8, Shards = 1, Name = name, TimeToLive = TimeSpan.FromSeconds(10), TimeProvider = time, TrimOnMemoryPressure = false });
        cache.Set(1, 1);
        cache.Set(2, 2);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(cache.TryGet(1, out _));
        Assert.False(cache.Remove(2));

        var seen = MeterReadings.Observe("hotpath.cache.", "cache", name);

        Assert.Equal(2, cache.Statistics.Expirations);
        Assert.Equal(2, seen.GetValueOrDefault("hotpath.cache.expirations"));
        Assert.Equal(0, seen["hotpath.cache.evictions"]); // an expiry is not an eviction
        GC.KeepAlive(cache);
    }

    [Fact]
    public void Caches_sharing_a_name_are_one_series_and_a_collected_caches_counts_stay_in_it()
    {
        var name = "metrics-retire-" + Guid.NewGuid().ToString("N");
        UseAndDrop(name); // 2 hits, 1 miss
        Collections.Settle();

        Assert.Equal(2, MeterReadings.Observe("hotpath.cache.", "cache", name)["hotpath.cache.hits"]);
        Assert.Equal(1, MeterReadings.Observe("hotpath.cache.", "cache", name)["hotpath.cache.misses"]);

        var a = NewCache(name);
        var b = NewCache(name);
        a.Set(1, 1);
        b.Set(1, 1);
        a.TryGet(1, out _);
        b.TryGet(1, out _);
        b.TryGet(2, out _);
        var seen = MeterReadings.Observe("hotpath.cache.", "cache", name);
        Assert.Equal(4, seen["hotpath.cache.hits"]);
        Assert.Equal(2, seen["hotpath.cache.misses"]);
        GC.KeepAlive(a);
        GC.KeepAlive(b);

        static ShardedCache<int, int> NewCache(string name) =>
            new(new ShardedCacheOptions { Capacity = 8, Shards = 1, Name = name, TrimOnMemoryPressure = false });

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static void UseAndDrop(string name)
        {
            var cache = NewCache(name);
            cache.Set(1, 1);
            cache.TryGet(1, out _);
            cache.TryGet(1, out _);
            cache.TryGet(2, out _);
        }
    }

}
