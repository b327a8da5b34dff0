using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hotpath.Caching;

/// <summary>
/// The string hash behind cache lookups and generated cache keys: ordinal, allocation-free, several times cheaper
/// than <see cref="string.GetHashCode()"/> (Marvin) on keys of a few dozen characters, and seeded per process.
/// </summary>
/// <remarks>
/// A multiply-fold hash over 16-byte blocks (wyhash's mixing step), so a key of 30 characters costs four 128-bit
/// multiplies. The seed is random per process, so hash values differ between runs and cannot be precomputed by a
/// client choosing keys; this is not a cryptographic guarantee. What bounds the damage of colliding keys is the
/// cache itself: a shard holds at most its share of <see cref="ShardedCacheOptions.Capacity"/>, so no bucket
/// chain can grow past that. Generated <c>{Value}Key</c> structs call it for their string parts.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CacheKeyHash
{
    private const ulong P0 = 0xa076_1d64_78bd_642f;
    private const ulong P1 = 0xe703_7ed1_a0b4_28db;
    private const ulong P2 = 0x8ebc_6af0_9c88_c6e3;

    private static readonly ulong s_seed = (ulong)Random.Shared.NextInt64() ^ P2;

    /// <summary>The ordinal hash of <paramref name="value"/>; 0 for <see langword="null"/>.</summary>
    public static int Of(string? value) => value is null ? 0 : Of(value.AsSpan());

    /// <summary>The ordinal hash of <paramref name="chars"/> (equal to <see cref="Of(string)"/> of the same characters).</summary>
    public static int Of(ReadOnlySpan<char> chars)
    {
        var bytes = MemoryMarshal.AsBytes(chars);
        ref var start = ref MemoryMarshal.GetReference(bytes);
        var length = bytes.Length;
        var hash = s_seed ^ ((ulong)length * P0);
        var offset = 0;
        for (; length - offset > 16; offset += 16)
        {
            hash = Mix(Read64(ref start, offset) ^ P1, Read64(ref start, offset + 8) ^ hash);
        }

        // The last 1..16 bytes (UTF-16: an even count), read as two possibly overlapping words.
        var rest = length - offset;
        ulong a, b;
        if (rest >= 8)
        {
            a = Read64(ref start, offset);
            b = Read64(ref start, length - 8);
        }
        else if (rest >= 4)
        {
            a = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, offset));
            b = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4));
        }
        else if (rest > 0)
        {
            a = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, offset));
            b = 0;
        }
        else
        {
            a = 0;
            b = 0;
        }

        hash = Mix(a ^ P1, b ^ hash);
        hash = Mix(hash ^ P2, (ulong)length ^ P1);
        return (int)hash ^ (int)(hash >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Read64(ref byte start, int offset) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong a, ulong b)
    {
        var high = Math.BigMul(a, b, out var low);
        return high ^ low;
    }
}
