using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
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
/// that. Generated <c>{Value}Key</c> structs call it for their string parts: a key with string parts folds each one
/// with <see cref="Fold"/> (seeded by the part's position), xors in the other parts' combined hash, and finishes once
/// with <see cref="Finish"/>, so a two-string key pays one final avalanche, not one per string.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CacheKeyHash
{
    private static readonly ulong s_seed = ReducerMath.NewSeed();

    /// <summary>The ordinal hash of <paramref name="value"/>; 0 for <see langword="null"/>.</summary>
    /// <param name="value">A string, or <see langword="null"/>.</param>
    /// <returns>A 32-bit hash, equal for equal strings within one process.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(string? value) => Finish(Fold(value, 0));

    /// <summary>
    /// A string key part's contribution to its key's hash, before <see cref="Finish"/>: the seeded multiply-fold of its
    /// characters, the seed varied by the part's <paramref name="position"/> so that swapped parts hash apart; 0 for
    /// <see langword="null"/>. <see cref="Of"/> is <c>Finish(Fold(s, 0))</c>.
    /// </summary>
    /// <param name="value">The part, or <see langword="null"/>.</param>
    /// <param name="position">The part's position in the key (a constant in generated code, so the seed folds away).</param>
    /// <returns>64 bits to xor with the key's other parts' and pass to <see cref="Finish"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Fold(string? value, int position) =>
        value is null ? 0 : SeededHash.FoldOfString(value, s_seed ^ unchecked((ulong)(uint)position * 0x9E37_79B9_7F4A_7C15UL));

    /// <summary>The key's hash from its parts' xored <see cref="Fold"/>s (and other parts' combined hash): one avalanche, folded to 32 bits.</summary>
    /// <param name="folded">The xor of the parts' folds.</param>
    /// <returns>The key's 32-bit hash.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Finish(ulong folded)
    {
        var hash = SeededHash.Finish(folded); // 0 stays 0: a key of null strings hashes as Of(null)
        return (int)hash ^ (int)(hash >> 32);
    }

    /// <summary>
    /// Combines the hash of a key's leading parts with the next part's (order matters): a multiply and a rotate,
    /// where <see cref="System.HashCode.Combine{T1, T2}(T1, T2)"/> runs xxHash32's rounds. The cache mixes the
    /// result again before taking shard and bucket bits, and string parts are already seeded.
    /// </summary>
    /// <param name="first">The hash so far.</param>
    /// <param name="second">The next part's hash.</param>
    /// <returns>The combined hash.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Combine(int first, int second) => (int)(BitOperations.RotateLeft((uint)first * 0x9E37_79B1u, 15) ^ (uint)second);
}
