using System.ComponentModel;
using Hotpath.Batching;
using Hotpath.Hashing;

namespace Hotpath.Caching;

/// <summary>
/// The string hash behind cache lookups and generated cache keys: ordinal, allocation-free, several times cheaper
/// than <see cref="string.GetHashCode()"/> (Marvin) on keys of a few dozen characters, and seeded per process.
/// </summary>
/// <remarks>
/// It is the runtime's one seeded key hash (wyhash's multiply-and-fold, shared with generated reducers), folded to
/// 32 bits. The seed is random per process, so hash values differ between runs and cannot be precomputed by a client
/// choosing keys; this is not a cryptographic guarantee. What bounds the damage of colliding keys is the cache itself:
/// a shard holds at most its share of <see cref="ShardedCacheOptions.Capacity"/>, so no bucket chain can grow past
/// that. Generated <c>{Value}Key</c> structs call it for their string parts.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CacheKeyHash
{
    private static readonly ulong s_seed = ReducerMath.NewSeed();

    /// <summary>The ordinal hash of <paramref name="value"/>; 0 for <see langword="null"/>.</summary>
    /// <param name="value">A string, or <see langword="null"/>.</param>
    /// <returns>A 32-bit hash, equal for equal strings within one process.</returns>
    public static int Of(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        var hash = SeededHash.OfString(value, s_seed);
        return (int)hash ^ (int)(hash >> 32);
    }
}
