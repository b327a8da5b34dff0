using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hotpath.Compression;

/// <summary>Long Rice runs: two streams of codes, even positions then odd, decoded side by side.</summary>
internal ref partial struct BitReader
{
    /// <summary>
    /// Reads <paramref name="destination"/>.Length Rice codes (unary quotient below <see cref="RiceCode.Escape"/>,
    /// a zero, <paramref name="k"/> low bits; a quotient of <see cref="RiceCode.Escape"/> is followed by the value as
    /// <see cref="ReadVar"/>) and stores <c>zigzag⁻¹(u) + centre</c>. Codes that fit one 57-bit window are
    /// decoded from a single unaligned load; escapes and the last bytes of the data take the checked path.
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
        var pairs = destination.Length / 2;
        var i = 0;
        while (i < pairs)
        {
            if (k + RiceCode.Escape <= 56)
            {
                i = ReadRicePairRun(ref this, ref second, destination, i, pairs, k);
                if (i == pairs)
                {
                    break;
                }
            }

            // One pair through the checked path (a long escape, a long code, or near the end of the data).
            destination[2 * i] = (long)ReadRiceCode(k);
            destination[(2 * i) + 1] = (long)second.ReadRiceCode(k);
            i++;
        }

        if ((destination.Length & 1) != 0)
        {
            destination[^1] = (long)ReadRiceCode(k); // the first stream has the extra code
        }

        if (BitPosition != secondStart)
        {
            Corrupt.Throw("A Rice page's first stream does not end where the page says it does.");
        }

        this = second;
        UnZigZag(destination, centre);
    }

    /// <summary>value = zigzag⁻¹(code) + centre over codes stored as they were read, four at a time.</summary>
    private static void UnZigZag(scoped Span<long> values, long centre)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(values);
            var centres = Vector256.Create(centre);
            for (; i + Vector256<long>.Count <= values.Length; i += Vector256<long>.Count)
            {
                var u = Vector256.LoadUnsafe(ref start, (nuint)i);
                var decoded = Vector256.ShiftRightLogical(u, 1) ^ -(u & Vector256<long>.One);
                (decoded + centres).StoreUnsafe(ref start, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] = unchecked(ZigZag.Decode((ulong)values[i]) + centre);
        }
    }

    /// <summary>
    /// Decodes pairs from <paramref name="i"/>: code i of stream <paramref name="a"/> into destination[2i], code i of
    /// stream <paramref name="b"/> into destination[2i + 1], while both fit their bit buffers; returns where it
    /// stopped, having consumed nothing of the pair it stopped at. Needs k + <see cref="RiceCode.Escape"/> ≤ 56, so
    /// that any code but an escape fits a buffer refilled to 56 bits or more. Stores the codes' numbers as read:
    /// zigzag decoding and the centre are a vector pass afterwards, which leaves the loop registers enough.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadRicePairRun(ref BitReader a, ref BitReader b, scoped Span<long> destination, int i, int pairs, int k)
    {
        const int escape = RiceCode.Escape;
        var bufferA = a._buffer;
        var countA = a._count;
        var positionA = (nint)a._position; // native-width positions: no sign extension per load
        var bufferB = b._buffer;
        var countB = b._count;
        var positionB = (nint)b._position;

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
        var width = (ulong)(uint)k; // one register for k, read as int by the shifts and as ulong by BZHI
        var step = 1UL << k;
        while (Unsafe.IsAddressLessThan(ref pair, ref end))
        {
            // Refills keep every bit already in the buffer, so stopping after one loses nothing.
            if (countA < threshold)
            {
                bufferA |= LoadLittleEndian(ref data, positionA) << countA;
                positionA += (63 - countA) >> 3;
                countA |= 56;
            }

            if (countB < threshold)
            {
                bufferB |= LoadLittleEndian(ref data, positionB) << countB;
                positionB += (63 - countB) >> 3;
                countB |= 56;
            }

            var onesA = BitOperations.TrailingZeroCount(~bufferA);
            var onesB = BitOperations.TrailingZeroCount(~bufferB);
            if (onesA >= escape || onesB >= escape)
            {
                // An escape in either stream (rare): decode the pair here only when both codes fit their buffers.
                var totalA = RiceLength(bufferA, onesA, countA, k);
                var totalB = RiceLength(bufferB, onesB, countB, k);
                if ((totalA | totalB) < 0)
                {
                    break;
                }

                pair = (long)RiceValue(bufferA, onesA, k);
                Unsafe.Add(ref pair, 1) = (long)RiceValue(bufferB, onesB, k);
                bufferA >>= totalA; // totals <= counts <= 63
                countA -= totalA;
                bufferB >>= totalB;
                countB -= totalB;
                pair = ref Unsafe.Add(ref pair, 2);
                continue;
            }

            // One stream after the other, so the two need no more scratch registers than one. The quotient is
            // multiplied by 2^k rather than shifted: the JIT masks a variable shift count with an extra instruction.
            var lowA = Bmi2.X64.IsSupported ? Bmi2.X64.ZeroHighBits(bufferA >> (onesA + 1), width) : (bufferA >> (onesA + 1)) & (step - 1);
            pair = (long)(((ulong)(uint)onesA * step) | lowA);
            var lengthA = onesA + 1 + (int)width; // <= threshold <= count
            bufferA >>= lengthA;
            countA -= lengthA;
            var lowB = Bmi2.X64.IsSupported ? Bmi2.X64.ZeroHighBits(bufferB >> (onesB + 1), width) : (bufferB >> (onesB + 1)) & (step - 1);
            Unsafe.Add(ref pair, 1) = (long)(((ulong)(uint)onesB * step) | lowB);
            var lengthB = onesB + 1 + (int)width;
            bufferB >>= lengthB;
            countB -= lengthB;
            pair = ref Unsafe.Add(ref pair, 2);
        }

        a._buffer = bufferA;
        a._count = countA;
        a._position = (int)positionA;
        b._buffer = bufferB;
        b._count = countB;
        b._position = (int)positionB;
        return (int)(Unsafe.ByteOffset(ref start, ref pair) / (2 * sizeof(long)));
    }
}
