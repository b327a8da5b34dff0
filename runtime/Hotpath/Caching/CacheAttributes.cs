namespace Hotpath;

/// <summary>
/// Marks a <c>partial</c> class as a typed cache of <see cref="ValueType"/> values. The generator emits the key
/// struct <c>{ValueType}Key</c> from the value's <see cref="CacheKeyAttribute"/> members and typed
/// <c>TryGet</c>/<c>GetOrAdd</c>/<c>GetOrAddAsync</c>/<c>Set</c>/<c>Remove</c> members over a
/// <c>Hotpath.Caching.ShardedCache&lt;TKey, TValue&gt;</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ShardedCacheAttribute : Attribute
{
    /// <summary>A cache of <paramref name="valueType"/> values.</summary>
    public ShardedCacheAttribute(Type valueType) => ValueType = valueType;

    /// <summary>The cached value type; it needs at least one <see cref="CacheKeyAttribute"/> member.</summary>
    public Type ValueType { get; }

    /// <summary>Number of shards; a power of two.</summary>
    public int Shards { get; set; } = 16;

    /// <summary>Most entries kept; must be positive.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>Time to live of an entry in seconds; 0 means entries never expire. Must not be negative.</summary>
    public int TimeToLiveSeconds { get; set; }
}

/// <summary>Makes a field or property part of the cache key, at position <see cref="Order"/>.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class CacheKeyAttribute : Attribute
{
    /// <summary>Key part number <paramref name="order"/> (0 first).</summary>
    public CacheKeyAttribute(int order) => Order = order;

    /// <summary>Position of this part in the key.</summary>
    public int Order { get; }
}
