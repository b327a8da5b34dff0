using System.Diagnostics.CodeAnalysis;
using Hotpath.Caching;

namespace ClusterState.Pipelines.Hotpath;

// STAND-IN until the [ShardedCache] generator is merged: the members below are what it generates for
// [ShardedCache(typeof(PodState), Shards = 16, Capacity = 32_768)] (DESIGN.md section 4), written by hand over the
// real runtime ShardedCache<TKey, TValue>. Replace this file with the attributed declaration when it lands.

/// <summary>The key of a <see cref="PodState"/>: its [CacheKey] members in order.</summary>
public readonly record struct PodStateKey(string Namespace, string Name);

/// <summary>Current pod state by (namespace, name).</summary>
public sealed partial class PodCache
{
    private readonly ShardedCache<PodStateKey, PodState> _cache;

    /// <summary>A cache with the attribute's settings.</summary>
    public PodCache()
        : this(new ShardedCacheOptions { Shards = 16, Capacity = 32_768 })
    {
    }

    /// <summary>A cache with explicit settings.</summary>
    public PodCache(ShardedCacheOptions options) => _cache = new ShardedCache<PodStateKey, PodState>(options);

    /// <summary>Entries cached.</summary>
    public int Count => _cache.Count;

    /// <summary>Hits, misses, evictions, expirations.</summary>
    public CacheStatistics Statistics => _cache.Statistics;

    /// <summary>The cached pod, if any.</summary>
    public bool TryGet(string @namespace, string name, [MaybeNullWhen(false)] out PodState value) => _cache.TryGet(new PodStateKey(@namespace, name), out value);

    /// <summary>The cached pod, or the loader's (single-flight).</summary>
    public ValueTask<PodState> GetOrAddAsync(
        string @namespace, string name, Func<PodStateKey, CancellationToken, ValueTask<PodState>> loader, CancellationToken cancellationToken = default) =>
        _cache.GetOrAddAsync(new PodStateKey(@namespace, name), loader, cancellationToken);

    /// <summary>Removes a pod.</summary>
    public bool Remove(string @namespace, string name) => _cache.Remove(new PodStateKey(@namespace, name));
}
