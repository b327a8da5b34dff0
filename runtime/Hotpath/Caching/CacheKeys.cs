using System.Runtime.CompilerServices;

namespace Hotpath.Caching;

/// <summary>
/// Key hashing and equality for the cache's table. String keys (the common case: names, <c>namespace/name</c>)
/// take <see cref="CacheKeyHash"/> and <see cref="string.Equals(string, string)"/> directly, which saves the Marvin
/// hash and the comparer's virtual calls that shared generic code would otherwise pay; every other key uses
/// <see cref="EqualityComparer{T}.Default"/> (devirtualized for value types such as generated key structs).
/// </summary>
internal static class CacheKeys
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hash<TKey>(TKey key)
        where TKey : notnull
    {
        return Mix(key is string text ? CacheKeyHash.Of(text) : EqualityComparer<TKey>.Default.GetHashCode(key));
    }

    /// <summary><see cref="Hash{TKey}"/> of a string key, for callers that know the key is one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HashString(string key) => Mix(CacheKeyHash.Of(key));

    // Multiply-xorshift: the shard takes the top bits, the bucket the low bits, so both are well mixed even for
    // sequential integer keys or hashes that differ only in high bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Mix(int raw)
    {
        var mixed = (uint)raw * 0x9E37_79B9u;
        return (int)(mixed ^ (mixed >> 15));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal<TKey>(TKey stored, TKey key)
        where TKey : notnull
    {
        if (stored is string text)
        {
            return key is string other ? string.Equals(text, other) : EqualityComparer<TKey>.Default.Equals(stored, key);
        }

        return EqualityComparer<TKey>.Default.Equals(stored, key);
    }
}
