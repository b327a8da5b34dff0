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

    [Fact]
    public async Task Set_Remove_and_Clear_racing_loads_always_win_over_loads_that_started_before_them()
    {
        const int Keys = 8;
        const int Rounds = 20;
        var cache = new ShardedCache<int, long>(new ShardedCacheOptions { Capacity = 1_000, Shards = 4, TrimOnMemoryPressure = false });
        var opsStarted = 0L;       // one writer: it counts each operation before making it
        var loadStarts = new System.Collections.Concurrent.ConcurrentDictionary<long, long>(); // loader value -> opsStarted seen when it ran
        var loadIds = 0L;
        var failures = new List<string>();

        for (var round = 0; round < Rounds && failures.Count == 0; round++)
        {
            // The last writer operation per key: its number, and the value a Set stored (null: Remove or Clear).
            var last = new (long Op, long? Set)[Keys];
            using var stop = new CancellationTokenSource();
            var loaders = Enumerable.Range(0, 4).Select(id => Task.Run(async () =>
            {
                var random = new Random((round * 16) + id);
                while (!stop.IsCancellationRequested)
                {
                    await cache.GetOrAddAsync(random.Next(Keys), async (_, _) =>
                    {
                        var value = -Interlocked.Increment(ref loadIds); // loaded values are negative, set ones positive
                        loadStarts[value] = Volatile.Read(ref opsStarted);
                        for (var spins = random.Next(3); spins > 0; spins--)
                        {
                            await Task.Yield(); // loads of varied length, so writes land inside them
                        }

                        return value;
                    });
                }
            })).ToArray();

            var writer = new Random(round);
            for (var i = 0; i < 2_000; i++)
            {
                var key = writer.Next(Keys);
                var op = Interlocked.Increment(ref opsStarted);
                var roll = writer.Next(100);
                if (roll < 45)
                {
                    cache.Set(key, op);
                    last[key] = (op, op);
                }
                else if (roll < 95)
                {
                    cache.Remove(key);
                    last[key] = (op, null);
                }
                else
                {
                    cache.Clear();
                    Array.Fill(last, (op, null));
                }

                if (i % 64 == 0)
                {
                    await Task.Yield();
                }
            }

            stop.Cancel();
            await Task.WhenAll(loaders);

            for (var key = 0; key < Keys; key++)
            {
                var (op, set) = last[key];
                var present = cache.TryGet(key, out var value);
                if (op == 0)
                {
                    continue;
                }

                if (set is { } expected)
                {
                    // Only loads can write after the last Set, and each either saw it or was superseded by it.
                    if (!present || value != expected)
                    {
                        failures.Add($"round {round}, key {key}: last op {op} set {expected}, cache holds {(present ? $"{value}" : "nothing")}");
                    }
                }
                else if (present && (value > 0 || loadStarts[value] < op))
                {
                    // A load that started after the Remove or Clear began may store; an older one must not.
                    failures.Add($"round {round}, key {key}: removed by op {op}, cache holds {value}{(value < 0 ? $" loaded after op {loadStarts[value]}" : "")}");
                }
            }

            cache.Validate();
        }

        Assert.Empty(failures);
    }
}
