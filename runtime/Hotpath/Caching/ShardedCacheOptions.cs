namespace Hotpath.Caching;

/// <summary>Settings of a <see cref="ShardedCache{TKey, TValue}"/>.</summary>
public sealed class ShardedCacheOptions
{
    /// <summary>
    /// Number of independently locked shards; a power of two (default 16). Writers on different shards never
    /// contend. When <see cref="Capacity"/> is smaller, fewer shards are used so every shard holds at least one entry.
    /// </summary>
    public int Shards { get; set; } = 16;

    /// <summary>
    /// Most entries the cache holds at any time (default 10,000); from 1 to 2^30. Memory is preallocated in
    /// proportion to it (bucket table, frequency sketch, ghost lists), so it is not a way to say "unbounded".
    /// </summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>
    /// How long an entry lives after it was added or replaced; <see langword="null"/> (the default) means entries
    /// never expire. Must be positive when set.
    /// </summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>
    /// The clock read for <see cref="TimeToLive"/> (default <see cref="System.TimeProvider.System"/>, which the cache
    /// reads as <see cref="Environment.TickCount64"/>; setting null restores the default). Another provider is read
    /// through its <see cref="System.TimeProvider.GetTimestamp"/> when it overrides it, else its
    /// <see cref="System.TimeProvider.GetUtcNow"/>; an entry expires once that clock has moved <see cref="TimeToLive"/>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? TimeProvider.System;
    }

    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// Whether the cache drops a fraction of its entries after a full garbage collection that finds the process
    /// under high memory load (default <see langword="true"/>).
    /// </summary>
    public bool TrimOnMemoryPressure { get; set; } = true;

    /// <summary>Name used as the <c>cache</c> tag of the <c>hotpath.cache.*</c> metrics; the value type's name when null.</summary>
    public string? Name { get; set; }
}
