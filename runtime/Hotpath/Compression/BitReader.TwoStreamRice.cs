using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hotpath.Compression;

/// <summary>Long Rice runs: two streams of codes, even positions then odd, decoded side by side.</summary>
/// <remarks>
/// The loops here keep each stream's bit buffer inverted (a code's unary ones are zeros in it), with nothing but
/// zeros above its valid bits: a quotient is then one trailing-zero count, and the code's low bits come out
/// already in the form stored. They store each code's number u as <c>rotl(u, 1) ^ (2^(k+1) - 1)</c>, which for a
/// short code is just its quotient shifted up by k + 1 with its k + 1 lowest (inverted) bits: no separate shift and
/// mask to strip the terminating bit. A vector pass undoes that form, the zigzag mapping and the centre afterwards.
/// </remarks>
internal ref partial struct BitReader
{
    /// <summary>Quotients below this are short codes in <see cref="ReadRiceShortGroups"/>: a power of two, so one OR tests two.</summary>
    private const int ShortQuotient = 8;

    /// <summary>The largest k for which three short codes (at most <see cref="ShortQuotient"/> + k bits each) fit 56 bits.</summary>
    private const int ShortGroupMaxK = (56 / 3) - ShortQuotient;

    /// <summary>
    /// Reads <paramref name="destination"/>.Length Rice codes (unary quotient below <see cref="RiceCode.Escape"/>,
    /// a zero, <paramref name="k"/> low bits; a quotient of <see cref="RiceCode.Escape"/> is followed by the value as
    /// <see cref="ReadVar"/>) and stores <c>zigzag⁻¹(u) + centre</c>. Codes, and escapes, that fit the 56 or more
    /// bits a refill leaves are decoded in the loops below; longer escapes and the data's last bytes take the checked
    /// path.
    /// </summary>
    /// <remarks>
    /// A run of at least <see cref="RiceCode.SplitMinimum"/> codes is two streams, even positions then odd (see
    /// <see cref="BitWriter.WriteRice"/>), decoded side by side: one code's position depends on the previous code's
    /// length, a chain of about five cycles a code, and two streams make two chains the core runs at once.
    /// </remarks>
    public void ReadRice(scoped Span<long> destination, long centre, int k)
    {
        var lengthBits = RiceCode.SplitLengthBits(destination.Length);
        if (lengthBits == 0)
        {
            ReadRiceStream(destination, centre, k);
            return;
        }

        var firstLength = (long)Read(lengthBits);
        var secondStart = BitPosition + firstLength;
        if (secondStart > (long)_data.Length * 8)
        {
            Corrupt.Throw("A Rice page's first stream claims to run past the end of its column section.");
        }

        var second = this;
        second.Seek(secondStart);
        var flip = StoredFlip(k);
        var pairs = destination.Length / 2;
        var i = 0;
        while (i < pairs)
        {
            if (k <= ShortGroupMaxK)
            {
                i = ReadRiceShortGroups(ref this, ref second, destination, i, pairs, k);
            }

            if (k + RiceCode.Escape <= 56)
            {
                i = ReadRicePairRun(ref this, ref second, destination, i, pairs, k);
                if (i == pairs)
                {
                    break;
                }
            }

            // One pair through the checked path (a long escape, a long code, or near the end of the data).
            destination[2 * i] = Stored(ReadRiceCode(k), flip);
            destination[(2 * i) + 1] = Stored(second.ReadRiceCode(k), flip);
            i++;
        }

        if ((destination.Length & 1) != 0)
        {
            destination[^1] = Stored(ReadRiceCode(k), flip); // the first stream has the extra code
        }

        if (BitPosition != secondStart)
        {
            Corrupt.Throw("A Rice page's first stream does not end where the page says it does.");
        }

        this = second;
        Unstore(destination, centre, flip);
    }

    /// <summary>The low bits flipped in the stored form: 2^(k+1) - 1 (all 64 when k = 63).</summary>
    private static ulong StoredFlip(int k) => (2UL << k) - 1; // k <= 63; 2 << 63 wraps to 0

    /// <summary>A code's number u in the form the pair loops store: rotl(u, 1) ^ flip.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Stored(ulong u, ulong flip) => (long)(BitOperations.RotateLeft(u, 1) ^ flip);

    /// <summary>value = zigzag⁻¹(u) + centre over codes in their stored form, four at a time.</summary>
    private static void Unstore(scoped Span<long> values, long centre, ulong flip)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(values);
            var centres = Vector256.Create(centre);
            var flips = Vector256.Create(flip);
            for (; i + Vector256<ulong>.Count <= values.Length; i += Vector256<ulong>.Count)
            {
                var stored = Vector256.LoadUnsafe(ref start, (nuint)i).AsUInt64() ^ flips;
                var u = Vector256.ShiftRightLogical(stored, 1) | Vector256.ShiftLeft(stored, 63);
                var decoded = Vector256.ShiftRightLogical(u, 1).AsInt64() ^ -(u & Vector256<ulong>.One).AsInt64();
                (decoded + centres).StoreUnsafe(ref start, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            var u = BitOperations.RotateRight((ulong)values[i] ^ flip, 1);
            values[i] = unchecked(ZigZag.Decode(u) + centre);
        }
    }

    /// <summary>
    /// Decodes pairs from <paramref name="i"/> in groups of three while k ≤ <see cref="ShortGroupMaxK"/>: each group
    /// refills both buffers once, without a branch, and then needs no test of how many bits are left, since three
    /// codes with quotients below <see cref="ShortQuotient"/> fit the 56 bits a refill guarantees. A pair with a
    /// longer quotient or an escape refills again and is decoded on its own, when it fits; returns where it stopped.
    /// </summary>
    /// <remarks>
    /// The refill was a branch per code in <see cref="ReadRicePairRun"/>, taken every three or four codes in a
    /// pattern the predictor cannot follow; here it is three instructions a group, and the loop's remaining
    /// branches (a long quotient, the end) are almost never taken.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadRiceShortGroups(ref BitReader a, ref BitReader b, scoped Span<long> destination, int i, int pairs, int k)
    {
        if (pairs - i < 3)
        {
            return i;
        }

        // A group refills each stream at most twice, at most 7 bytes each: a group that starts with both positions
        // at or below this loads nothing past the last position an 8-byte load may start at.
        var lastStart = (nint)a._data.Length - 8 - 7;
        ref var data = ref MemoryMarshal.GetReference(a._data); // both streams read the same section
        LoadInverted(in a, out var invertedA, out var countA, out var positionA);
        LoadInverted(in b, out var invertedB, out var countB, out var positionB);
        ref var start = ref MemoryMarshal.GetReference(destination);
        ref var pair = ref Unsafe.Add(ref start, 2 * i);
        ref var lastGroup = ref Unsafe.Add(ref start, 2 * (pairs - 3)); // where the last whole group may start
        var k1 = k + 1;
        while (!Unsafe.IsAddressGreaterThan(ref pair, ref lastGroup) && positionA <= lastStart && positionB <= lastStart)
        {
            RefillInverted(ref data, ref invertedA, ref countA, ref positionA);
            RefillInverted(ref data, ref invertedB, ref countB, ref positionB);
            if (!TryShortPair(ref invertedA, ref countA, ref invertedB, ref countB, ref pair, k1))
            {
                goto Long;
            }

            pair = ref Unsafe.Add(ref pair, 2);
            if (!TryShortPair(ref invertedA, ref countA, ref invertedB, ref countB, ref pair, k1))
            {
                goto Long;
            }

            pair = ref Unsafe.Add(ref pair, 2);
            if (!TryShortPair(ref invertedA, ref countA, ref invertedB, ref countB, ref pair, k1))
            {
                goto Long;
            }

            pair = ref Unsafe.Add(ref pair, 2);
            continue;

        Long:
            // A long quotient or an escape in either stream (rare): refill again, decode this pair when both fit.
            RefillInverted(ref data, ref invertedA, ref countA, ref positionA);
            RefillInverted(ref data, ref invertedB, ref countB, ref positionB);
            if (!TryAnyPair(ref invertedA, ref countA, ref invertedB, ref countB, ref pair, k))
            {
                break;
            }

            pair = ref Unsafe.Add(ref pair, 2);
        }

        SaveInverted(ref a, invertedA, countA, positionA);
        SaveInverted(ref b, invertedB, countB, positionB);
        return (int)(Unsafe.ByteOffset(ref start, ref pair) / (2 * sizeof(long)));
    }

    /// <summary>
    /// Decodes pairs from <paramref name="i"/>: code i of stream <paramref name="a"/> into destination[2i], code i of
    /// stream <paramref name="b"/> into destination[2i + 1], while both fit their bit buffers; returns where it
    /// stopped, having consumed nothing of the pair it stopped at. Needs k + <see cref="RiceCode.Escape"/> ≤ 56, so
    /// that any code but an escape fits a buffer refilled to 56 bits or more. This loop refills a buffer only when
    /// the longest code might not fit it, so it runs up to the end of the data; it takes what
    /// <see cref="ReadRiceShortGroups"/> leaves: larger k and the last bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadRicePairRun(ref BitReader a, ref BitReader b, scoped Span<long> destination, int i, int pairs, int k)
    {
        const int escape = RiceCode.Escape;
        LoadInverted(in a, out var invertedA, out var countA, out var positionA);
        LoadInverted(in b, out var invertedB, out var countB, out var positionB);

        // A refill advances a position by at most 7 bytes, so this many pairs refill without passing the last
        // position an 8-byte load may start at: the loop needs no bounds check on the data.
        var room = a._data.Length - 8 - Math.Max(a._position, b._position);
        if (room < 0)
        {
            return i;
        }

        var stop = (int)Math.Min(pairs, i + ((long)room / 7) + 1);
        ref var data = ref MemoryMarshal.GetReference(a._data); // both streams read the same section
        ref var start = ref MemoryMarshal.GetReference(destination);
        ref var pair = ref Unsafe.Add(ref start, 2 * i);
        ref var end = ref Unsafe.Add(ref start, 2 * stop); // stop <= pairs <= destination.Length / 2
        var threshold = k + escape; // the longest non-escape code
        var k1 = k + 1;
        while (Unsafe.IsAddressLessThan(ref pair, ref end))
        {
            // Refills keep every bit already in the buffer, so stopping after one loses nothing.
            if (countA < threshold)
            {
                RefillInverted(ref data, ref invertedA, ref countA, ref positionA);
            }

            if (countB < threshold)
            {
                RefillInverted(ref data, ref invertedB, ref countB, ref positionB);
            }

            var onesA = BitOperations.TrailingZeroCount(invertedA);
            var onesB = BitOperations.TrailingZeroCount(invertedB);
            if (onesA >= escape || onesB >= escape)
            {
                if (!TryAnyPair(ref invertedA, ref countA, ref invertedB, ref countB, ref pair, k))
                {
                    break;
                }
            }
            else
            {
                TakeShort(ref invertedA, ref countA, onesA, ref pair, k1);
                TakeShort(ref invertedB, ref countB, onesB, ref Unsafe.Add(ref pair, 1), k1);
            }

            pair = ref Unsafe.Add(ref pair, 2);
        }

        SaveInverted(ref a, invertedA, countA, positionA);
        SaveInverted(ref b, invertedB, countB, positionB);
        return (int)(Unsafe.ByteOffset(ref start, ref pair) / (2 * sizeof(long)));
    }

    /// <summary>
    /// A reader's state as the loops keep it: the buffer's valid bits inverted with zeros above them, and the position
    /// at native width (no sign extension per load).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadInverted(in BitReader reader, out ulong inverted, out int count, out nint position)
    {
        inverted = Invert(reader._buffer, reader._count);
        count = reader._count;
        position = reader._position;
    }

    /// <summary>Writes the loops' state back: the valid bits un-inverted, with zeros above them as a reader keeps them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SaveInverted(ref BitReader reader, ulong inverted, int count, nint position)
    {
        reader._buffer = Invert(inverted, count);
        reader._count = count;
        reader._position = (int)position;
    }

    /// <summary>The low <paramref name="count"/> bits of ~<paramref name="buffer"/>: the valid bits inverted, zeros above.</summary>
    /// <remarks>A reader's byte-by-byte refill near the end of its data can leave 64 bits: all of them are valid then.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Invert(ulong buffer, int count) => count >= 64 ? ~buffer : ~buffer & ((1UL << count) - 1);

    /// <summary>Fills an inverted buffer to 56 bits or more; the bits above its count must be zeros or the data's own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RefillInverted(ref byte data, ref ulong inverted, ref int count, ref nint position)
    {
        inverted |= ~LoadLittleEndian(ref data, position) << count;
        position += (count ^ 63) >> 3; // (63 - count) / 8 whole bytes, count <= 63
        count |= 56;
    }

    /// <summary>Decodes a pair of short codes (quotients below <see cref="ShortQuotient"/>), or returns false having consumed nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryShortPair(ref ulong invertedA, ref int countA, ref ulong invertedB, ref int countB, ref long pair, int k1)
    {
        var onesA = BitOperations.TrailingZeroCount(invertedA);
        var onesB = BitOperations.TrailingZeroCount(invertedB);
        if ((onesA | onesB) >= ShortQuotient)
        {
            return false;
        }

        TakeShort(ref invertedA, ref countA, onesA, ref pair, k1);
        TakeShort(ref invertedB, ref countB, onesB, ref Unsafe.Add(ref pair, 1), k1);
        return true;
    }

    /// <summary>
    /// Stores the non-escape code with <paramref name="ones"/> ones at the bottom of an inverted buffer, known to fit,
    /// and drops it: after shifting out the ones, the terminating bit and the k low bits are the code's k + 1 lowest
    /// stored bits as they stand.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeShort(ref ulong inverted, ref int count, int ones, ref long target, int k1)
    {
        var shifted = inverted >> ones;
        var low = Bmi2.X64.IsSupported ? Bmi2.X64.ZeroHighBits(shifted, (ulong)(uint)k1) : shifted & ((1UL << k1) - 1);
        target = (long)(((ulong)(uint)ones << k1) | low);
        inverted = shifted >> k1;
        count -= ones + k1;
    }

    /// <summary>Decodes a pair of codes of any kind when both fit their buffers, or returns false having consumed nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryAnyPair(ref ulong invertedA, ref int countA, ref ulong invertedB, ref int countB, ref long pair, int k)
    {
        var onesA = BitOperations.TrailingZeroCount(invertedA);
        var onesB = BitOperations.TrailingZeroCount(invertedB);
        var totalA = RiceLength(~invertedA, onesA, countA, k);
        var totalB = RiceLength(~invertedB, onesB, countB, k);
        if ((totalA | totalB) < 0)
        {
            return false;
        }

        var flip = StoredFlip(k);
        pair = Stored(RiceValue(~invertedA, onesA, k), flip);
        Unsafe.Add(ref pair, 1) = Stored(RiceValue(~invertedB, onesB, k), flip);
        invertedA >>= totalA; // totals <= counts <= 63
        countA -= totalA;
        invertedB >>= totalB;
        countB -= totalB;
        return true;
    }
}
