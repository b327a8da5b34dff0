using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Hotpath.Batching;

/// <summary>
/// Helpers the code generated for <c>[BatchReducer]</c> calls. Public for the generated code only; the rules
/// here are the documented semantics of the aggregates.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ReducerMath
{
    /// <summary>
    /// The start of the tumbling window of <paramref name="size"/> units holding <paramref name="time"/>: floor
    /// division, so negative times land in the window that starts at or before them (-1 ms → -60,000 for 60 s).
    /// </summary>
    /// <param name="time">A timestamp.</param>
    /// <param name="size">The window length, in the unit of <paramref name="time"/>; positive.</param>
    /// <returns>The largest multiple of <paramref name="size"/> not greater than <paramref name="time"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long WindowStart(long time, long size)
    {
        var remainder = time % size;
        return remainder < 0 ? time - remainder - size : time - remainder;
    }

    /// <summary>
    /// Minimum under the total order NaN &lt; -∞ &lt; … &lt; -0.0 &lt; +0.0 &lt; … &lt; +∞: any NaN makes the minimum NaN
    /// (as <c>Enumerable.Min</c>), and -0.0 beats +0.0, so the result never depends on argument order.
    /// </summary>
    /// <param name="a">A value.</param>
    /// <param name="b">Another value.</param>
    /// <returns>The smaller value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Min(double a, double b)
    {
        if (a < b)
        {
            return a;
        }

        if (b < a)
        {
            return b;
        }

        // Equal (maybe ±0) or at least one NaN.
        return double.IsNaN(a) ? a : double.IsNaN(b) ? b : double.IsNegative(a) ? a : b;
    }

    /// <summary>
    /// Maximum under the same total order as <see cref="Min(double, double)"/>: NaN is smallest, so it is ignored
    /// unless every value is NaN (as <c>Enumerable.Max</c>), and +0.0 beats -0.0.
    /// </summary>
    /// <param name="a">A value.</param>
    /// <param name="b">Another value.</param>
    /// <returns>The larger value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Max(double a, double b)
    {
        if (a > b)
        {
            return a;
        }

        if (b > a)
        {
            return b;
        }

        return double.IsNaN(a) ? b : double.IsNaN(b) ? a : double.IsNegative(a) ? b : a;
    }

    /// <summary>Single-precision <see cref="Min(double, double)"/>.</summary>
    /// <param name="a">A value.</param>
    /// <param name="b">Another value.</param>
    /// <returns>The smaller value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float a, float b)
    {
        if (a < b)
        {
            return a;
        }

        if (b < a)
        {
            return b;
        }

        return float.IsNaN(a) ? a : float.IsNaN(b) ? b : float.IsNegative(a) ? a : b;
    }

    /// <summary>Single-precision <see cref="Max(double, double)"/>.</summary>
    /// <param name="a">A value.</param>
    /// <param name="b">Another value.</param>
    /// <returns>The larger value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b)
    {
        if (a > b)
        {
            return a;
        }

        if (b > a)
        {
            return b;
        }

        return float.IsNaN(a) ? b : float.IsNaN(b) ? a : float.IsNegative(a) ? b : a;
    }

    /// <summary>
    /// Spreads a combined key hash over every bit (the MurmurHash3 finalizer), so the low bits a power-of-two table
    /// uses are good even for keys like window starts, which are multiples of 60,000.
    /// </summary>
    /// <param name="hash">The raw hash.</param>
    /// <returns>The mixed hash.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Mix(int hash)
    {
        var h = (uint)hash;
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return (int)h;
    }

    // Constants of the key hash (wyhash's secrets: odd, about half the bits set).
    private const ulong Secret0 = 0xa0761d6478bd642fUL;
    private const ulong Secret1 = 0xe7037ed1a0b428dbUL;
    private const ulong Secret2 = 0x8ebc6af09c88c6e3UL;
    private const ulong Secret3 = 0x589965cc75374cc3UL;

    /// <summary>
    /// A random seed for one reducer's key hash. Each reducer draws its own, so hostile keys cannot be chosen
    /// offline to collide in its table (the table is private, and partials carry keys, never hashes).
    /// </summary>
    /// <returns>64 random bits.</returns>
    public static ulong NewSeed() => (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);

    /// <summary>
    /// The seeded hash of a string's UTF-16 code units, ordinal like <see cref="string.Equals(string, string)"/>:
    /// equal strings hash alike, null included. Allocation-free, and cheaper than <see cref="string.GetHashCode()"/>
    /// for short keys: a 4 to 8 character string is two 8-byte reads and one 64×64→128-bit multiply, 9 to 16
    /// characters two multiplies (the multiply-and-fold of wyhash, with the seed in both operands so no input can
    /// zero a product without knowing the seed).
    /// </summary>
    /// <param name="value">The string, or null.</param>
    /// <param name="seed">The table's seed (see <see cref="NewSeed"/>), varied per key member.</param>
    /// <returns>A 64-bit hash; every bit is usable.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong HashString(string? value, ulong seed)
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
                    Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 8)) ^ seed ^ Secret1 ^ n);
            }

            if (n - 17 < 16)
            {
                // 9 to 16 chars: four 8-byte reads (the middle ones overlap as the length requires).
                return Fold(Unsafe.ReadUnaligned<ulong>(ref p) ^ seed, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, 8)) ^ seed ^ Secret2) ^
                    Fold(
                        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 16)) ^ seed ^ Secret3,
                        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 8)) ^ seed ^ Secret1 ^ n);
            }
        }

        return HashStringOther(value, seed);
    }

    /// <summary>The seeded hash of a 64-bit value (integer keys and window starts, widened to <c>long</c>).</summary>
    /// <param name="value">The value.</param>
    /// <param name="seed">The table's seed, varied per key member.</param>
    /// <returns>A 64-bit hash; every bit is usable.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong HashInt64(long value, ulong seed) => Fold((ulong)value ^ seed, seed ^ Secret1);

    /// <summary>
    /// Hints the processor to load the cache line holding <paramref name="location"/> (x86 <c>prefetcht0</c>; a no-op
    /// elsewhere). The reducer uses it to overlap the cache misses of a large table across a block of rows.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="location">Any readable location; it is not read.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(ref T location)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref location));
        }
    }

    /// <summary>
    /// The slot array length for <paramref name="entries"/> entries: four slots per entry (a table at most a quarter
    /// full, so most lookups end at their first slot), two for the largest tables.
    /// </summary>
    /// <param name="entries">The entry capacity, a power of two.</param>
    /// <returns>A power of two.</returns>
    public static int SlotsFor(int entries) => entries <= 1 << 27 ? entries * 4 : entries * 2;

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
    private static ulong HashStringOther(string? value, ulong seed)
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

        return Fold(a ^ h, b ^ h ^ Secret1 ^ n);
    }

    /// <summary>The next table size: double, or throw when the table cannot grow further.</summary>
    /// <param name="length">The current length.</param>
    /// <returns>Twice <paramref name="length"/>.</returns>
    /// <exception cref="InvalidOperationException">The reducer already holds the most groups it can.</exception>
    public static int Grow(int length) =>
        length >= 1 << 29 ? throw new InvalidOperationException("The reducer holds too many groups to grow further.") : length * 2;

    /// <summary>Throws the error for <c>Combine</c> of partials of different groups.</summary>
    /// <param name="typeName">The aggregate type.</param>
    /// <exception cref="ArgumentException">Always.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowDifferentGroups(string typeName) =>
        throw new ArgumentException($"Combine of two {typeName} partials of different groups (keys or windows differ).", "b");

    /// <summary>Throws the error for <c>CopyTo</c> into a destination that is too short.</summary>
    /// <param name="count">The number of partials.</param>
    /// <exception cref="ArgumentException">Always.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowDestinationTooShort(int count) =>
        throw new ArgumentException($"The destination is too short for the reducer's {count} partials.", "destination");
}
