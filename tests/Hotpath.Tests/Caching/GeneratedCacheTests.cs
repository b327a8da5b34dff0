using Hotpath.Tests.Shared;

namespace Hotpath.Tests.Caching;

/// <summary>Calls the code the generator emitted for the types in CacheTestTypes.cs.</summary>
public sealed class GeneratedCacheTests
{
    [Fact]
    public void Set_reads_the_key_from_the_value_and_TryGet_takes_the_parts_in_order()
    {
        var cache = new PodCache();
        var pod = new PodState { Namespace = "kube-system", Name = "dns" };
        cache.Set(pod);

        Assert.True(cache.TryGet("kube-system", "dns", out var found));
        Assert.Same(pod, found);
        Assert.True(cache.TryGet(@namespace: "kube-system", name: "dns", out _));
        Assert.False(cache.TryGet("dns", "kube-system", out _));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Key_parts_compare_ordinally()
    {
        var cache = new PodCache();
        cache.Set(new PodState { Namespace = "Default", Name = "a" });
        Assert.False(cache.TryGet("default", "a", out _));
        Assert.True(cache.TryGet("Default", "a", out _));
    }

    [Fact]
    public void The_key_struct_has_value_equality_and_no_concatenation_collisions()
    {
        var a = new PodStateKey("ab", "c");
        var b = new PodStateKey("a", "bc");
        Assert.NotEqual(a, b);
        Assert.Equal(new PodStateKey("ab", "c"), a);
        Assert.Equal(new PodStateKey("ab", "c").GetHashCode(), a.GetHashCode());
        Assert.Equal(new PodStateKey("x", "y"), PodStateKey.From(new PodState { Namespace = "x", Name = "y" }));
        Assert.IsAssignableFrom<IEquatable<PodStateKey>>(a);
    }

    [Fact]
    public async Task GetOrAdd_GetOrAddAsync_and_Remove_work_through_the_typed_members()
    {
        var cache = new PodCache();
        var created = cache.GetOrAdd("ns", "web", static key => new PodState { Namespace = key.Namespace, Name = key.Name, Restarts = 1 });
        Assert.Equal(1, created.Restarts);

        var loaded = await cache.GetOrAddAsync("ns", "db", static (key, _) => new ValueTask<PodState>(new PodState { Namespace = key.Namespace, Name = key.Name, Restarts = 2 }));
        Assert.Equal(2, loaded.Restarts);
        Assert.Same(loaded, await cache.GetOrAddAsync("ns", "db", static (_, _) => throw new InvalidOperationException("hit expected")));

        Assert.True(cache.Remove("ns", "web"));
        Assert.False(cache.Remove("ns", "web"));
        Assert.Equal(1, cache.Count);
        Assert.Equal(1, cache.Statistics.Hits);   // the second GetOrAddAsync
        Assert.Equal(2, cache.Statistics.Misses); // web, db
    }

    [Fact]
    public async Task GetOrAdd_and_GetOrAddAsync_hand_their_argument_to_a_static_factory_or_loader()
    {
        var cache = new PodCache();
        var restarts = new Restarts(3);
        var created = cache.GetOrAdd("ns", "web", static (key, r) => new PodState { Namespace = key.Namespace, Name = key.Name, Restarts = r.Count }, restarts);
        Assert.Equal(3, created.Restarts);
        Assert.Same(created, cache.GetOrAdd("ns", "web", static (_, _) => throw new InvalidOperationException("hit expected"), restarts));

        var loaded = await cache.GetOrAddAsync(
            "ns", "db", static (key, r, _) => new ValueTask<PodState>(new PodState { Namespace = key.Namespace, Name = key.Name, Restarts = r.Count + 1 }), restarts);
        Assert.Equal(4, loaded.Restarts);
        Assert.Same(loaded, await cache.GetOrAddAsync("ns", "db", static (_, _, _) => throw new InvalidOperationException("hit expected"), restarts, CancellationToken.None));

        Assert.Equal(2, cache.Statistics.Hits);
        Assert.Equal(2, cache.Statistics.Misses);
    }

    [OptimizedBuildFact]
    public void A_warm_hit_through_the_generated_GetOrAdd_with_an_argument_allocates_nothing()
    {
        const int Lookups = 10_000;
        var cache = new PodCache();
        var names = Enumerable.Range(0, 100).Select(static i => "pod-" + i).ToArray();
        foreach (var name in names)
        {
            cache.Set(new PodState { Namespace = "default", Name = name, Restarts = 1 });
        }

        int Hits()
        {
            var found = 0;
            for (var i = 0; i < Lookups; i++)
            {
                found += cache.GetOrAdd("default", names[i % names.Length], static (_, r) => new PodState { Restarts = r.Count }, new Restarts(2)).Restarts;
            }

            return found;
        }

        Assert.Equal(Lookups, Hits()); // warm-up: JIT, tiering, lazy statics
        Assert.Equal(Lookups, Hits());
        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var found = Hits();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(Lookups, found); // every lookup a hit: the factory's value (2 restarts) never came in
            return allocated;
        });
    }

    [Fact]
    public void Set_rejects_null_and_the_attribute_configures_the_default_constructor()
    {
        var cache = new NodeLeaseCache();
        Assert.Throws<ArgumentNullException>(() => cache.Set(null!));
        for (var i = 0; i < 100; i++)
        {
            cache.Set(new NodeLease { Id = i, Class = "gpu" });
        }

        Assert.Equal(8, cache.Count); // Capacity = 8 from the attribute
        cache.Set(new NodeLease { Id = 1000, Class = "cpu", Holder = 7 });
        Assert.True(cache.TryGet(1000, "cpu", out var lease)); // [CacheKey(0)] Id comes first
        Assert.Equal(7, lease.Holder);
        cache.Clear();
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void The_options_constructor_overrides_the_attribute()
    {
        var cache = new PodCache(new Hotpath.Caching.ShardedCacheOptions { Capacity = 2, Shards = 1, TrimOnMemoryPressure = false });
        for (var i = 0; i < 10; i++)
        {
            cache.Set(new PodState { Namespace = "n", Name = "p" + i });
        }

        Assert.Equal(2, cache.Count);
    }

    private readonly record struct Restarts(int Count);
}
