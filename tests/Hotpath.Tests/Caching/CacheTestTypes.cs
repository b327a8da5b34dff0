namespace Hotpath.Tests.Caching;

/// <summary>The DESIGN.md example: the generator gives PodCache its typed accessors and PodStateKey.</summary>
public sealed partial class PodState
{
    [CacheKey(0)] public string Namespace = "";
    [CacheKey(1)] public string Name = "";
    public int Restarts;
}

[ShardedCache(typeof(PodState), Shards = 16, Capacity = 10_000, TimeToLiveSeconds = 300)]
public sealed partial class PodCache
{
}

/// <summary>A value keyed by a non-string part first and a keyword-named property, read through a getter.</summary>
public sealed class NodeLease
{
    [CacheKey(1)] public string Class { get; init; } = "";
    [CacheKey(0)] public int Id { get; init; }
    public long Holder { get; set; }
}

[ShardedCache(typeof(NodeLease), Shards = 4, Capacity = 8)]
internal sealed partial class NodeLeaseCache
{
}
