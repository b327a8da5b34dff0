using Hotpath;

namespace ClusterState.Pipelines.Hotpath;

/// <summary>
/// Current pod state by (namespace, name): the generator emits the <c>PodStateKey</c> struct from
/// <see cref="PodState"/>'s [CacheKey] members and typed <c>TryGet</c>/<c>GetOrAddAsync</c>/<c>Remove</c> members
/// over a sharded cache. 16 shards; the capacity given here is the default, the pipeline sizes it for the cluster.
/// </summary>
[ShardedCache(typeof(PodState), Shards = 16, Capacity = 32_768)]
public sealed partial class PodCache
{
}
