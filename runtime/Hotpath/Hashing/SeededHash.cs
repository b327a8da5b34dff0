using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Hotpath.Batching;

namespace Hotpath.Hashing;

/// <summary>
/// The one seeded key hash of the runtime (wyhash's multiply-and-fold): generated reducers hash their group keys
/// with it through <see cref="ReducerMath"/>, and the cache its string keys through <see cref="Caching.CacheKeyHash"/>.
/// Several times cheaper than <see cref="string.GetHashCode()"/> (Marvin) on keys of a few dozen characters; the
/// caller supplies a random seed so that colliding keys cannot be chosen offline.
/// </summary>
internal static class SeededHash
{
    // Constants of the key hash (wyhash's secrets: odd, about half the bits set).
    private const ulong Secret0 = 0xa0761d6478bd642fUL;
    private const ulong Secret1 = 0xe7037ed1a0b428dbUL;
    private const ulong Secret2 = 0x8ebc6af09c88c6e3UL;
    private const ulong Secret3 = 0x589965cc75374cc3UL;

    /// <summary>
    /// The seeded hash of a string's UTF-16 code units, ordinal like <see cref="string.Equals(string, string)"/>:
    /// equal strings hash alike, null included. Allocation-free, and cheaper than <see cref="string.GetHashCode()"/>
    /// for short keys: a 4 to 8 character string is two 8-byte reads and one 64×64→128-bit multiply, 9 to 16
    /// characters two multiplies (the multiply-and-fold of wyhash, with the seed in both operands so no input can
    /// zero a product without knowing the seed).
    /// </summary>
    /// <param name="value">The string, or null.</param>
    /// <param name="seed">The table's seed (see <see cref="ReducerMath.NewSeed"/>), varied per key member.</param>
    /// <returns>A 64-bit hash; every bit is usable.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong OfString(string? value, ulong seed) => Finish(FoldOfString(value, seed));

    /// <summary>
    /// <see cref="OfString"/> without its final avalanche: the multiply-and-fold of the string's words alone. A
    /// reducer keeps this part per key string (it does not depend on the other key members), combines it with them
    /// and applies <see cref="Finish"/> once, so a string seen again can skip the string's words entirely.
    /// </summary>
    /// <param name="value">The string, or null.</param>
    /// <param name="seed">The table's seed, varied per key member.</param>
    /// <returns>64 bits, to be finished with <see cref="Finish"/> before their low bits index a table.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong FoldOfString(string? value, ulong seed)
    {
        if (value is not null)
        {
            ref var p = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(value.AsSpan()));
            var n = (nuint)(uint)value.Length * 2; // bytes
            if (n - 8 <= 8)
            {
                // 4 to 8 chars: two overlapping 8-byte reads cover every byte; the length tells the overlaps apart.
                return Fold(
                    Unsafe.ReadUnaligned<ulong>(ref p) ^ seed,
                    Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 8)) ^ Length(seed, n));
            }

            if (n - 17 < 16)
            {
                // 9 to 16 chars: four 8-byte reads (the middle ones overlap as the length requires).
                return Fold(Unsafe.ReadUnaligned<ulong>(ref p) ^ seed, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, 8)) ^ seed ^ Secret2) ^
                    Fold(
                        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 16)) ^ seed ^ Secret3,
                        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 8)) ^ Length(seed, n));
            }
        }

        return FoldOfStringLong(value, seed);
    }

    /// <summary>The seeded hash of a 64-bit value (integer keys and window starts, widened to <c>long</c>).</summary>
    /// <param name="value">The value.</param>
    /// <param name="seed">The table's seed, varied per key member.</param>
    /// <returns>A 64-bit hash; every bit is usable.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong OfInt64(long value, ulong seed) => Finish(Fold((ulong)value ^ seed, seed ^ Secret1));

    /// <summary>
    /// The length's term in the last read's operand: seeded, so that no two strings of different lengths collide for
    /// every seed. (With the length xored in unseeded, "pod-123" (14 bytes) and "pod-3123" (16 bytes) gave the multiply
    /// the same operands and hashed alike in every process, as did every 3-digit pod and its "3"-prefixed twin.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Length(ulong seed, nuint bytes) => (seed ^ Secret1) * ((ulong)bytes + 1);

    /// <summary>High and low halves of the 128-bit product, folded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Fold(ulong a, ulong b)
    {
        if (Bmi2.X64.IsSupported)
        {
            // mulx for the high half and imul for the low one: no trip through memory for an out parameter.
            return Bmi2.X64.MultiplyNoFlags(a, b) ^ (a * b);
        }

        var high = Math.BigMul(a, b, out var low);
        return high ^ low;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong FoldOfStringLong(string? value, ulong seed)
    {
        if (value is null)
        {
            return Fold(seed ^ Secret2, seed ^ Secret3);
        }

        ref var p = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(value.AsSpan()));
        var n = (nuint)(uint)value.Length * 2;
        ulong a, b;
        var h = seed;
        if (n < 8)
        {
            // 0 to 3 chars.
            if (n >= 4)
            {
                a = Unsafe.ReadUnaligned<uint>(ref p);
                b = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, n - 4));
            }
            else
            {
                a = n == 0 ? 0UL : Unsafe.ReadUnaligned<ushort>(ref p);
                b = 0;
            }
        }
        else
        {
            // More than 16 chars: 16 bytes a step, then the last 16 bytes (overlapping the last step).
            ref var q = ref p;
            for (var rest = n; rest > 16; rest -= 16)
            {
                h = Fold(Unsafe.ReadUnaligned<ulong>(ref q) ^ seed ^ Secret0, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref q, 8)) ^ h);
                q = ref Unsafe.Add(ref q, 16);
            }

            a = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 16));
            b = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 8));
        }

        return Fold(a ^ h, b ^ h ^ Length(seed, n));
    }

    /// <summary>
    /// A final avalanche (xor-shift, multiply, xor-shift) over the folded product. Without it, keys that differ
    /// only in a few bits (window starts a multiple of 60,000 apart, "node-17" and "node-18") were multiplied by
    /// the same seed-derived constant, and for about one seed in ten the low bits a table indexes with took a
    /// few dozen values instead of a thousand: a table whose random seed was unlucky probed long chains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Finish(ulong hash)
    {
        hash ^= hash >> 32;
        hash *= 0xd6e8feb86659fd93UL;
        return hash ^ (hash >> 32);
    }
}
