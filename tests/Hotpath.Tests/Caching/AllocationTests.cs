using Hotpath.Caching;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.Caching;

public sealed class AllocationTests
{
    private const int Lookups = 10_000;

    [Fact]
    public void A_warm_hit_on_the_generic_cache_allocates_nothing()
    {
        var cache = new ShardedCache<string, object>(new ShardedCacheOptions { Capacity = 1_000, TrimOnMemoryPressure = false });
        var keys = Enumerable.Range(0, 100).Select(static i => "default/pod-" + i).ToArray();
        foreach (var key in keys)
        {
            cache.Set(key, new object());
        }

        AssertHitsAllocateNothing(() =>
        {
            var found = 0;
            for (var i = 0; i < Lookups; i++)
            {
                found += cache.TryGet(keys[i % keys.Length], out _) ? 1 : 0;
            }

            return found;
        });
    }

    [OptimizedBuildFact]
    public void A_warm_hit_with_a_time_to_live_allocates_nothing()
    {
        var cache = new ShardedCache<int, string>(new ShardedCacheOptions { Capacity = 1_000, TimeToLive = TimeSpan.FromMinutes(5), TrimOnMemoryPressure = false });
        for (var i = 0; i < 100; i++)
        {
            cache.Set(i, "v");
        }

        AssertHitsAllocateNothing(() =>
        {
            var found = 0;
            for (var i = 0; i < Lookups; i++)
            {
                found += cache.TryGet(i % 100, out _) ? 1 : 0;
            }

            return found;
        });
    }

    [OptimizedBuildFact]
    public void A_warm_hit_on_the_generated_two_string_key_accessor_allocates_nothing()
    {
        var cache = new PodCache();
        var names = Enumerable.Range(0, 100).Select(static i => "pod-" + i).ToArray();
        foreach (var name in names)
        {
            cache.Set(new PodState { Namespace = "default", Name = name });
        }

        AssertHitsAllocateNothing(() =>
        {
            var found = 0;
            for (var i = 0; i < Lookups; i++)
            {
                found += cache.TryGet("default", names[i % names.Length], out _) ? 1 : 0;
            }

            return found;
        });
    }

    [OptimizedBuildFact]
    public void A_hit_through_GetOrAddAsync_allocates_nothing()
    {
        var cache = new ShardedCache<int, string>(new ShardedCacheOptions { Capacity = 100, TrimOnMemoryPressure = false });
        cache.Set(1, "one");
        Func<int, CancellationToken, ValueTask<string>> loader = static (_, _) => new ValueTask<string>("loaded");

        AssertHitsAllocateNothing(() =>
        {
            var found = 0;
            for (var i = 0; i < Lookups; i++)
            {
                found += cache.GetOrAddAsync(1, loader).Result.Length == 3 ? 1 : 0;
            }

            return found;
        });
    }

    [OptimizedBuildFact]
    public void A_warm_miss_costs_about_the_same_in_a_flow_that_carries_other_async_locals()
    {
        // A web request's flow carries AsyncLocals of its own. The miss puts its load on the flow's chain of loads for
        // the loader's call (a new context, unavoidable) and then takes it off again: going back to the caller's very
        // context costs nothing, building one more context without the load costs a context and a value map per miss.
        const int Misses = 1_000;
        var cache = new ShardedCache<int, string>(new ShardedCacheOptions { Capacity = 1 << 16, TrimOnMemoryPressure = false });
        Func<int, CancellationToken, ValueTask<string>> loader = static (_, _) => new ValueTask<string>("loaded");
        var next = 0;
        long Miss()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Misses; i++)
            {
                Assert.True(cache.GetOrAddAsync(next++, loader).IsCompletedSuccessfully);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Miss(); // warm-up: JIT, the map of loads in flight
        Miss();
        var plain = Miss();
        var request = new AsyncLocal<string?> { Value = "request 42" };
        var carrying = Miss();

        Assert.Equal("request 42", request.Value); // the caller's own values are left as they were
        Assert.True(carrying - plain <= 16L * Misses, $"a miss allocated {plain / Misses} bytes, {carrying / Misses} in a flow with an AsyncLocal of its own");
    }

    /// <summary>After a warm-up, <paramref name="hits"/> allocates nothing in steady state; every lookup hits.</summary>
    private static void AssertHitsAllocateNothing(Func<int> hits)
    {
        Assert.Equal(Lookups, hits()); // warm-up: JIT, tiering, lazy statics
        Assert.Equal(Lookups, hits());
        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var found = hits();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(Lookups, found);
            return allocated;
        });
    }
}
