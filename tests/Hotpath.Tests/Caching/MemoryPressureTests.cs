using Hotpath.Caching;

namespace Hotpath.Tests.Caching;

/// <summary>Runs alone: a pressure trim evicts from every opted-in cache in the process, and these tests force full collections.</summary>
[CollectionDefinition(nameof(MemoryPressureTests), DisableParallelization = true)]
public sealed class MemoryPressureCollection;

/// <summary>
/// The memory-pressure path end to end: the decision on the GC's reading, the one process-wide watcher, and the
/// trim it queues after a full collection. The watcher's reading is simulated (once) so pressure does not depend
/// on the machine.
/// </summary>
[Collection(nameof(MemoryPressureTests))]
public sealed class MemoryPressureTests
{
    // Generous: only bounds a hang; nothing asserts that the trim happens quickly.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static ShardedCache<int, int> Filled(bool trimOnMemoryPressure)
    {
        // One shard: a quarter of 100 entries is exactly 25.
        var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 100, Shards = 1, TrimOnMemoryPressure = trimOnMemoryPressure });
        for (var i = 0; i < 100; i++)
        {
            cache.Set(i, i);
        }

        Assert.Equal(100, cache.Count);
        return cache;
    }

    [Theory]
    [InlineData(0L, 1_000L, false)]
    [InlineData(899L, 1_000L, false)]
    [InlineData(900L, 1_000L, true)] // exactly 90% of the threshold
    [InlineData(1_000L, 1_000L, true)]
    [InlineData(5_000L, 1_000L, true)]
    [InlineData(5_000L, 0L, false)] // no threshold known (no GC yet): never pressure
    [InlineData(57_982_058_495L, 64_424_509_440L, false)] // one byte under 90% of 60 GiB
    [InlineData(57_982_058_496L, 64_424_509_440L, true)]
    public void Pressure_means_memory_load_at_90_percent_of_the_high_load_threshold(long load, long threshold, bool expected)
    {
        Assert.Equal(expected, CacheRegistry.IsUnderPressure(load, threshold));
    }

    [Fact]
    public void One_watcher_serves_every_cache_in_the_process()
    {
        var caches = new List<object>();
        for (var i = 0; i < 20; i++)
        {
            caches.Add(new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 10, Shards = 1, TrimOnMemoryPressure = i % 2 == 0 }));
            caches.Add(new ShardedCache<string, string>(new ShardedCacheOptions { Capacity = 10, Shards = 2 })); // TrimOnMemoryPressure defaults to true
            caches.Add(new PodCache());
        }

        // However many caches (of any key and value type) this and earlier tests created.
        Assert.Equal(1, CacheRegistry.WatchersCreated);
        GC.KeepAlive(caches);
    }

    [Fact]
    public void TrimAll_trims_only_caches_that_opted_in()
    {
        var optedIn = Filled(trimOnMemoryPressure: true);
        var optedOut = Filled(trimOnMemoryPressure: false);

        CacheRegistry.TrimAll(CacheRegistry.PressureTrimFraction);

        Assert.Equal(75, optedIn.Count);
        Assert.Equal(100, optedOut.Count);
        GC.KeepAlive(optedIn);
        GC.KeepAlive(optedOut);
    }

    [Fact]
    public async Task A_full_collection_under_pressure_trims_a_quarter_of_the_opted_in_caches_only()
    {
        // Registered first, so a trim that wrongly included it would reach it before the opted-in one.
        var optedOut = Filled(trimOnMemoryPressure: false);
        var optedIn = Filled(trimOnMemoryPressure: true);
        GC.WaitForPendingFinalizers(); // a watcher run already pending takes no part in what follows
        var queued = CacheRegistry.PressureTrimsQueued;

        CacheRegistry.SimulateNextReading(memoryLoadBytes: 950, highMemoryLoadThresholdBytes: 1_000);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.Equal(queued + 1, CacheRegistry.PressureTrimsQueued);
        var deadline = DateTime.UtcNow + Patience;
        while (optedIn.Count == 100)
        {
            Assert.True(DateTime.UtcNow < deadline, "the queued trim never ran");
            await Task.Delay(1);
        }

        Assert.Equal(75, optedIn.Count); // PressureTrimFraction: 25%, evicted in one step under the shard's lock
        Assert.Equal(25, optedIn.Statistics.Evictions);
        Assert.Equal(100, optedOut.Count);
        Assert.Equal(0, optedOut.Statistics.Evictions);
        optedIn.Validate();
    }

    [Fact]
    public void A_full_collection_without_pressure_trims_nothing()
    {
        var cache = Filled(trimOnMemoryPressure: true);
        GC.WaitForPendingFinalizers();
        var runs = CacheRegistry.WatcherRuns;
        var queued = CacheRegistry.PressureTrimsQueued;

        CacheRegistry.SimulateNextReading(memoryLoadBytes: 899, highMemoryLoadThresholdBytes: 1_000);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.True(CacheRegistry.WatcherRuns > runs, "the watcher did not run after a full collection");
        Assert.Equal(queued, CacheRegistry.PressureTrimsQueued);
        Assert.Equal(100, cache.Count);
        GC.KeepAlive(cache);
    }

    [Fact]
    public void A_cache_whose_clock_throws_during_a_trim_spoils_neither_the_others_trim_nor_the_process()
    {
        // Registered first, so its failure comes before the other cache's trim. A pressure trim runs on the thread
        // pool, where an exception escaping TrimAll would end the process.
        var clock = new BrokenClock();
        var broken = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 100, Shards = 1, TimeToLive = TimeSpan.FromHours(1), TimeProvider = clock });
        for (var i = 0; i < 100; i++)
        {
            broken.Set(i, i);
        }

        var healthy = Filled(trimOnMemoryPressure: true);
        clock.Broken = true;

        CacheRegistry.TrimAll(CacheRegistry.PressureTrimFraction);

        Assert.Equal(75, healthy.Count);
        clock.Broken = false;
        Assert.Equal(100, broken.Count); // skipped this trim, whole
        CacheRegistry.TrimAll(CacheRegistry.PressureTrimFraction);
        Assert.Equal(75, broken.Count); // and trimmed by the next, its clock working again
        broken.Validate();
        GC.KeepAlive(healthy);
    }

    /// <summary>A clock whose timestamp read throws while <see cref="Broken"/>.</summary>
    private sealed class BrokenClock : TimeProvider
    {
        public volatile bool Broken;

        public override long GetTimestamp() => Broken ? throw new InvalidOperationException("a broken clock") : base.GetTimestamp();
    }
}
