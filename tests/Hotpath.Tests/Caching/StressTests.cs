using Hotpath.Caching;

namespace Hotpath.Tests.Caching;

public sealed class StressTests
{
    [Fact]
    public void Four_threads_of_a_million_mixed_operations_keep_every_invariant()
    {
        const int Threads = 4;
        const int OperationsPerThread = 1_000_000;
        const int Capacity = 2_048;
        var cache = new ShardedCache<int, long>(new ShardedCacheOptions { Capacity = Capacity, Shards = 8, TrimOnMemoryPressure = false });
        var lookups = new long[Threads];
        var wrongValues = 0L;
        var overCapacity = 0L;

        // A value is always a function of its key, so any torn or misplaced entry is caught on read.
        static long ValueOf(int key) => ((long)key << 32) | (uint)(key * 31);

        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            var id = t;
            threads[t] = new Thread(() =>
            {
                var random = new Random(id);
                for (var i = 0; i < OperationsPerThread; i++)
                {
                    var roll = random.Next(100);
                    // Skewed keys: half the operations on a hot tenth of the key space.
                    var key = random.Next(2) == 0 ? random.Next(Capacity / 10) : random.Next(Capacity * 4);
                    if (roll < 60)
                    {
                        lookups[id]++;
                        if (cache.TryGet(key, out var value) && value != ValueOf(key))
                        {
                            Interlocked.Increment(ref wrongValues);
                        }
                    }
                    else if (roll < 80)
                    {
                        lookups[id]++;
                        if (cache.GetOrAdd(key, ValueOf) != ValueOf(key))
                        {
                            Interlocked.Increment(ref wrongValues);
                        }

                        CheckCapacity();
                    }
                    else if (roll < 92)
                    {
                        cache.Set(key, ValueOf(key));
                        CheckCapacity();
                    }
                    else
                    {
                        cache.Remove(key);
                    }
                }

                // After every operation that can add: each shard keeps its own share under its lock, so even a
                // racy sum of the shards' counts never exceeds the capacity.
                void CheckCapacity()
                {
                    if (cache.Count > Capacity)
                    {
                        Interlocked.Increment(ref overCapacity);
                    }
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(0, wrongValues);
        Assert.Equal(0, overCapacity);
        Assert.InRange(cache.Count, 1, Capacity);
        cache.Validate();
        var stats = cache.Statistics;
        Assert.Equal(lookups.Sum(), stats.Hits + stats.Misses);
        Assert.True(stats.Hits > 0 && stats.Evictions > 0);
    }
}
