using Hotpath.Tests.Shared;
using Hotpath.Caching;

namespace Hotpath.Tests.Lifetime;

/// <summary>Runs alone: these tests bound how far process-wide ids grow, which other tests creating pools and caches at the same time would disturb.</summary>
[CollectionDefinition(nameof(InstanceLifetimeTests), DisableParallelization = true)]
public sealed class InstanceLifetimeCollection;

/// <summary>
/// Pools, caches and their per-thread counters that are created and dropped in large numbers: collected
/// instances give their ids back, and an instance that reuses an id starts clean on every thread.
/// </summary>
[Collection(nameof(InstanceLifetimeTests))]
public sealed class InstanceLifetimeTests
{
    private sealed class Item
    {
        public int Value;
    }

    /// <summary>Runs <paramref name="round"/> on four threads, each also forcing a collection now and then (finalizers run meanwhile); returns the failures it reported.</summary>
    private static List<string> OnFourThreadsWhileCollecting(int rounds, Func<int, int, string?> round)
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (var r = 0; r < rounds; r++)
            {
                if (round(t, r) is { } failure)
                {
                    failures.Enqueue(failure);
                }

                if (r % (rounds / 8) == t)
                {
                    GC.Collect();
                }
            }
        })).ToList();
        threads.ForEach(static thread => thread.Start());
        threads.ForEach(static thread => thread.Join());
        return failures.ToList();
    }

    private static Pool<Item> NewPool(int maxRetained = 16) =>
        new(static () => new Item(), static item => item.Value = 0, new PoolOptions { MaxRetained = maxRetained });

    [Fact]
    public void Pools_created_and_dropped_by_the_thousand_reuse_slot_indexes_and_start_clean()
    {
        Collections.Settle(); // earlier tests' pools and caches give their ids back first
        // 10,000 pools used on this thread, at most 500 of them alive at once: the thread's slot array stays near
        // 500 long (without reuse it would pass 10,000), and every pool, including those given the index of a
        // collected pool whose emptied slot this thread still holds, starts with exact, empty statistics.
        for (var round = 0; round < 20; round++)
        {
            var pools = new List<Pool<Item>>();
            for (var i = 0; i < 500; i++)
            {
                var pool = NewPool(maxRetained: 4);
                var first = pool.Rent();
                pool.Return(first);
                Assert.Same(first, pool.Rent());
                pool.Return(first);
                Assert.Equal(new PoolStatistics(2, 1, 1, 2, 0), pool.Statistics);
                pools.Add(pool);
            }

            pools.Clear();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var length = PoolThreadSlot.t_slots!.Length;
        Assert.True(length < 4096, $"this thread's slot array has {length} entries after 10,000 short-lived pools");
    }

    [Fact]
    public void Pools_created_and_dropped_on_four_threads_while_collections_run_start_clean_and_never_cross_talk()
    {
        // Collected pools' ids are reused across threads while other threads still hold their emptied slots.
        var failures = OnFourThreadsWhileCollecting(rounds: 2_000, static (thread, round) =>
        {
            var pool = NewPool(maxRetained: 2);
            var a = pool.Rent();
            pool.Return(a);
            var b = pool.Rent();
            var stats = pool.Statistics;
            pool.Return(b);
            return ReferenceEquals(a, b) && stats == new PoolStatistics(2, 1, 1, 1, 0)
                ? null
                : $"thread {thread}, round {round}: {stats}, same instance {ReferenceEquals(a, b)}";
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void Caches_created_and_dropped_by_the_thousand_reuse_counter_ids_and_start_at_zero()
    {
        Collections.Settle(); // earlier tests' pools and caches give their ids back first
        for (var round = 0; round < 10; round++)
        {
            var caches = new List<ShardedCache<int, int>>();
            for (var i = 0; i < 200; i++)
            {
                var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 4, Shards = 1, TrimOnMemoryPressure = false });
                Assert.Equal(default, cache.Statistics);
                cache.Set(1, 1);
                cache.TryGet(1, out _);
                cache.TryGet(2, out _);
                Assert.Equal(new CacheStatistics(1, 1, 0, 0), cache.Statistics);
                caches.Add(cache);
            }

            caches.Clear();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var cells = ThreadCounter.CellCountOfThisThread;
        Assert.True(cells < 2048, $"this thread has {cells} counter cells after 2,000 short-lived caches");
    }

    [Fact]
    public void Caches_created_and_dropped_on_four_threads_while_collections_run_count_exactly()
    {
        // Collected caches release their counter ids to caches other threads are creating and counting on.
        var failures = OnFourThreadsWhileCollecting(rounds: 1_000, static (thread, round) =>
        {
            var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 4, Shards = 1, TrimOnMemoryPressure = false });
            cache.Set(1, 1);
            cache.TryGet(1, out _);
            cache.TryGet(1, out _);
            cache.TryGet(2, out _);
            var stats = cache.Statistics;
            return stats == new CacheStatistics(2, 1, 0, 0) ? null : $"thread {thread}, round {round}: {stats}";
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void Released_counters_ids_are_reused_and_start_at_zero()
    {
        // 10,000 counters used on this thread and another, at most 500 alive at once: ids are reused (the cell
        // array stays short) and a counter given a released counter's id starts at zero on every thread.
        for (var round = 0; round < 20; round++)
        {
            var counters = Enumerable.Range(0, 500).Select(static _ => new ThreadCounter()).ToList();
            foreach (var counter in counters)
            {
                Assert.Equal(0, counter.Sum());
            }

            var other = new Thread(() => counters.ForEach(static c => c.Increment()));
            other.Start();
            other.Join();
            foreach (var counter in counters)
            {
                counter.Increment();
                counter.Increment();
                Assert.Equal(3, counter.Sum());
            }

            counters.ForEach(static c => c.Release());
            counters.Clear();
        }

        var length = ThreadCounter.CellCountOfThisThread;
        Assert.True(length < 4096, $"this thread has {length} counter cells after 10,000 short-lived counters");
    }
}
