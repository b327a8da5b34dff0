namespace Hotpath.Caching;

/// <summary>A snapshot of a cache's counters since it was created.</summary>
/// <param name="Hits">Lookups that found a live entry.</param>
/// <param name="Misses">Lookups that found no live entry (an expired entry counts as a miss).</param>
/// <param name="Evictions">Entries dropped to stay within capacity or to relieve memory pressure.</param>
/// <param name="Expirations">Entries dropped because their time to live had passed.</param>
public readonly record struct CacheStatistics(long Hits, long Misses, long Evictions, long Expirations)
{
    /// <summary>Hits divided by lookups; 0 when there were none.</summary>
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);
}
