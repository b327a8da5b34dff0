using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hotpath.Compression;

/// <summary>Throw helpers, kept out of line so the hot loops stay small.</summary>
internal static class Corrupt
{
    [DoesNotReturn]
    public static void Throw(string message) => throw new CorruptBlockException(message);

    [DoesNotReturn]
    public static T Throw<T>(string message) => throw new CorruptBlockException(message);
}

/// <summary>
/// Writes bit fields least-significant-bit first into a span whose capacity the caller has reserved
/// (<see cref="ColumnarBlockWriter"/> sizes it from a worst-case bound, plus 8 bytes of slack).
/// </summary>
[SkipLocalsInit]
internal ref struct BitWriter
{
    private readonly Span<byte> _destination;
    private int _position;
    private ulong _accumulator;
    private int _count;

    public BitWriter(Span<byte> destination)
    {
        _destination = destination;
        _position = 0;
        _accumulator = 0;
        _count = 0;
    }

    /// <summary>Bits written so far.</summary>
    public readonly long BitCount => ((long)_position * 8) + _count;

    /// <summary>Writes the low <paramref name="bits"/> bits of <paramref name="value"/> (0 to 64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong value, int bits)
    {
        if (bits == 0)
        {
            return;
        }

        if (bits < 64)
        {
            value &= (1UL << bits) - 1;
        }

        _accumulator |= value << _count;
        var total = _count + bits;
        if (total >= 64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_destination.Slice(_position), _accumulator);
            _position += 8;
            _accumulator = _count == 0 ? 0 : value >> (64 - _count);
            _count = total - 64;
        }
        else
        {
            _count = total;
        }
    }

    public void WriteBit(bool bit) => Write(bit ? 1UL : 0UL, 1);

    /// <summary>Bit-packs <c>value - reference</c> of every value at <paramref name="width"/> bits (1 to 64), keeping the accumulator in registers.</summary>
    public void WritePacked(scoped ReadOnlySpan<long> values, long reference, int width)
    {
        var mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        var accumulator = _accumulator;
        var count = _count;
        var position = _position;
        var destination = _destination;
        foreach (var v in values)
        {
            var x = unchecked((ulong)(v - reference)) & mask;
            accumulator |= x << count;
            count += width;
            if (count >= 64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(position), accumulator);
                position += 8;
                count -= 64;
                accumulator = count == 0 ? 0 : x >> (width - count);
            }
        }

        _accumulator = accumulator;
        _count = count;
        _position = position;
    }

    /// <summary>
    /// Rice-codes <c>zigzag(value - centre)</c> of every value (see <see cref="BitReader.ReadRice"/>), at most
    /// <see cref="RiceCode.MaxRun"/> of them (one page). A run of at least <see cref="RiceCode.SplitMinimum"/> values
    /// is written as two streams, the codes at even positions then those at odd positions, after the first stream's
    /// length in bits (<see cref="RiceCode.SplitLengthBits"/> wide), so that a decoder can follow two independent
    /// chains of code positions instead of one.
    /// </summary>
    public void WriteRice(scoped ReadOnlySpan<long> values, long centre, int k)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(values.Length, RiceCode.MaxRun);

        // The codes are built four at a time first; writing them is then a short loop of shifts and stores.
        Span<ulong> codes = stackalloc ulong[2 * values.Length];
        var lengthBits = RiceCode.SplitLengthBits(values.Length);
        if (lengthBits == 0)
        {
            RiceCode.Build(values, centre, k, codes);
            WriteRiceStream(values, codes, 0, 1, centre, k);
            return;
        }

        // The length is known only once the first stream is written: reserve its bits, then fill them in.
        var at = BitCount;
        Write(0, lengthBits);
        if (k is >= RiceCode.PairedMinK and <= RiceCode.PairedMaxK)
        {
            // Codes come two or four to an item (see RiceCode.BuildPairs): the serial loop below runs a half or a
            // quarter as many times.
            var quads = k <= RiceCode.QuadMaxK;
            RiceCode.BuildPairs(values, centre, k, codes, quads);
            WriteRicePairStream(values, codes, 0, centre, k, quads);
            Patch(at, (ulong)(BitCount - at - lengthBits), lengthBits);
            WriteRicePairStream(values, codes, 1, centre, k, quads);
            return;
        }

        RiceCode.Build(values, centre, k, codes);
        WriteRiceStream(values, codes, 0, 2, centre, k);
        Patch(at, (ulong)(BitCount - at - lengthBits), lengthBits);
        WriteRiceStream(values, codes, 1, 2, centre, k);
    }

    /// <summary>
    /// Stream <paramref name="stream"/> (0: even positions, 1: odd) of a split run from the items of
    /// <see cref="RiceCode.BuildPairs"/>: its quads where they were built and fit one store, else its pairs; then the
    /// last one or two codes no group of four covers. A pair too long for one store is written code by code.
    /// </summary>
    private void WriteRicePairStream(scoped ReadOnlySpan<long> values, scoped ReadOnlySpan<ulong> items, int stream, long centre, int k, bool quads)
    {
        var accumulator = _accumulator;
        var count = _count;
        var position = _position;
        var limit = _destination.Length - sizeof(ulong);
        ref var output = ref MemoryMarshal.GetReference(_destination);
        var groups = values.Length / 4;
        ref var pairs = ref Unsafe.Add(ref MemoryMarshal.GetReference(items), 2 * stream * groups); // this stream's (code, length) pairs
        Settle(ref output, limit, ref accumulator, ref count, ref position);
        var j = 0;
        if (quads)
        {
            ref var quadItems = ref Unsafe.Add(ref MemoryMarshal.GetReference(items), RiceCode.QuadsStart(groups, stream));
            for (; j + 2 <= groups; j += 2)
            {
                // Quad j / 2 at 2 * (j / 2).
                if (TryInsert(ref Unsafe.Add(ref quadItems, j), ref output, limit, ref accumulator, ref count, ref position))
                {
                    continue;
                }

                PutPair(values, ref Unsafe.Add(ref pairs, 2 * j), j, stream, centre, k, ref output, limit, ref accumulator, ref count, ref position);
                PutPair(values, ref Unsafe.Add(ref pairs, 2 * (j + 1)), j + 1, stream, centre, k, ref output, limit, ref accumulator, ref count, ref position);
            }
        }

        for (; j < groups; j++)
        {
            PutPair(values, ref Unsafe.Add(ref pairs, 2 * j), j, stream, centre, k, ref output, limit, ref accumulator, ref count, ref position);
        }

        _accumulator = accumulator;
        _count = count;
        _position = position;
        for (var i = (4 * groups) + stream; i < values.Length; i += 2)
        {
            WriteRiceCode(ZigZag.Encode(unchecked(values[i] - centre)), k);
        }
    }

    /// <summary>Pair <paramref name="pair"/> of a stream (see <see cref="RiceCode.BuildPairs"/>) into the accumulator in registers, or code by code when it is too long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PutPair(scoped ReadOnlySpan<long> values, ref ulong item, int pair, int stream, long centre, int k, ref byte output, int limit, ref ulong accumulator, ref int count, ref int position)
    {
        if (!TryInsert(ref item, ref output, limit, ref accumulator, ref count, ref position))
        {
            WriteOneByOne(values, (4 * pair) + stream, 2, centre, k, ref output, limit, ref accumulator, ref count, ref position);
        }
    }

    /// <summary>
    /// ORs the code at <paramref name="item"/> (its length in the next element) into the accumulator in registers and
    /// drains it, unless the code is long or fewer than 8 bytes are left. Then position &lt;= limit implies count &lt; 8
    /// (Settle and this leave it so), and a short code's length is at most 56: the 64-bit store covers both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryInsert(ref ulong item, ref byte output, int limit, ref ulong accumulator, ref int count, ref int position)
    {
        var length = Unsafe.Add(ref item, 1);
        if (length > RiceCode.ShortCode || position > limit)
        {
            return false;
        }

        accumulator |= item << count;
        count += (int)length; // <= 63
        Drain(ref output, ref accumulator, ref count, ref position);
        return true;
    }

    /// <summary>
    /// The codes of values[<paramref name="first"/>] and, when <paramref name="step"/> is not 0, values[first + step],
    /// through <see cref="WriteRiceCode"/>: the accumulator in registers goes back to the fields and returns after.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a call taking the registers' locals by reference would keep them in memory
    private void WriteOneByOne(scoped ReadOnlySpan<long> values, int first, int step, long centre, int k, ref byte output, int limit, ref ulong accumulator, ref int count, ref int position)
    {
        _accumulator = accumulator;
        _count = count;
        _position = position;
        WriteRiceCode(ZigZag.Encode(unchecked(values[first] - centre)), k);
        if (step != 0)
        {
            WriteRiceCode(ZigZag.Encode(unchecked(values[first + step] - centre)), k);
        }

        accumulator = _accumulator;
        count = _count;
        position = _position;
        Settle(ref output, limit, ref accumulator, ref count, ref position);
    }

    /// <summary>ORs <paramref name="bits"/> bits of <paramref name="value"/> into zero bits written earlier at <paramref name="bitOffset"/>.</summary>
    private void Patch(long bitOffset, ulong value, int bits)
    {
        var flushed = (long)_position * 8; // bits below this are in the destination, the rest in the accumulator
        for (var done = 0; done < bits;)
        {
            var at = bitOffset + done;
            var shift = (int)(at & 7);
            var take = Math.Min(8 - shift, bits - done);
            var piece = (ulong)(((value >> done) & ((1UL << take) - 1)) << shift);
            if (at < flushed)
            {
                _destination[(int)(at >> 3)] |= (byte)piece;
            }
            else
            {
                _accumulator |= piece << (int)((at & ~7L) - flushed);
            }

            done += take;
        }
    }

    /// <summary>
    /// The Rice codes of values[start], values[start + step], ... (built by <see cref="RiceCode.Build"/>), keeping the
    /// accumulator in registers. After each code the whole accumulator is stored and the completed bytes dropped
    /// from it, so fewer than 8 bits stay behind: no branch on when a word fills, which with codes of varying length
    /// is unpredictable. Long codes, escapes, and the destination's last 8 bytes take <see cref="WriteRiceCode"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // step becomes a constant
    private void WriteRiceStream(scoped ReadOnlySpan<long> values, scoped ReadOnlySpan<ulong> codes, int start, int step, long centre, int k)
    {
        var accumulator = _accumulator;
        var count = _count;
        var position = _position;
        var limit = _destination.Length - sizeof(ulong);
        ref var output = ref MemoryMarshal.GetReference(_destination);
        ref var pairs = ref MemoryMarshal.GetReference(codes); // (code, length) of value i at 2i and 2i + 1
        var n = codes.Length / 2;
        Settle(ref output, limit, ref accumulator, ref count, ref position);
        for (var i = start; i < n; i += step)
        {
            if (!TryInsert(ref Unsafe.Add(ref pairs, 2 * i), ref output, limit, ref accumulator, ref count, ref position))
            {
                WriteOneByOne(values, i, 0, centre, k, ref output, limit, ref accumulator, ref count, ref position);
            }
        }

        _accumulator = accumulator;
        _count = count;
        _position = position;
    }

    /// <summary>Stores the accumulator and keeps only its last, incomplete byte (fewer than 8 bits), when 8 bytes fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Settle(ref byte output, int limit, ref ulong accumulator, ref int count, ref int position)
    {
        if (position <= limit)
        {
            Drain(ref output, ref accumulator, ref count, ref position);
        }
    }

    /// <summary>Stores the accumulator (8 bytes must fit at <paramref name="position"/>) and drops its completed bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Drain(ref byte output, ref ulong accumulator, ref int count, ref int position)
    {
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, position), BitConverter.IsLittleEndian ? accumulator : BinaryPrimitives.ReverseEndianness(accumulator));
        position += count >> 3;
        accumulator >>= count & ~7; // count < 64
        count &= 7;
    }

    /// <summary>One Rice code of <paramref name="u"/>: q ones, a zero and k low bits, or the escape and the number.</summary>
    public void WriteRiceCode(ulong u, int k)
    {
        var q = u >> k;
        if (q >= RiceCode.Escape)
        {
            Write((1UL << RiceCode.Escape) - 1, RiceCode.Escape);
            WriteVar(u);
            return;
        }

        Write((1UL << (int)q) - 1, (int)q + 1);
        Write(u & ((1UL << k) - 1), k);
    }

    /// <summary>Writes a 7-bit length then that many bits: small numbers cost few bits, any ulong fits.</summary>
    public void WriteVar(ulong value)
    {
        var length = 64 - BitOperations.LeadingZeroCount(value);
        Write((ulong)length, 7);
        Write(value, length);
    }

    public void WriteVarSigned(long value) => WriteVar(ZigZag.Encode(value));

    /// <summary>Pads to a byte boundary and returns the bytes written.</summary>
    public int Finish()
    {
        var bytes = (_count + 7) >> 3;
        for (var i = 0; i < bytes; i++)
        {
            _destination[_position++] = (byte)(_accumulator >> (i * 8));
        }

        _accumulator = 0;
        _count = 0;
        return _position;
    }

    /// <summary>Cost of <see cref="WriteVar"/> in bits.</summary>
    public static int VarBits(ulong value) => 7 + 64 - BitOperations.LeadingZeroCount(value);
}

/// <summary>
/// Reads what <see cref="BitWriter"/> wrote. Every read is bounds-checked: running out of data throws
/// <see cref="CorruptBlockException"/>, never an out-of-range exception.
/// </summary>
internal ref partial struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private ulong _buffer;
    private int _count;

    public BitReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _buffer = 0;
        _count = 0;
    }

    /// <summary>Reads <paramref name="bits"/> bits (0 to 64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read(int bits)
    {
        if (bits <= 56)
        {
            if (_count < bits)
            {
                Refill(bits);
            }

            var value = _buffer & ((1UL << bits) - 1);
            _buffer >>= bits;
            _count -= bits;
            return value;
        }

        var low = Read(32);
        return low | (Read(bits - 32) << 32);
    }

    public bool ReadBit() => Read(1) != 0;

    public ulong ReadVar()
    {
        var length = (int)Read(7);
        if (length > 64)
        {
            Corrupt.Throw("A variable-length number claims more than 64 bits.");
        }

        return Read(length);
    }

    public long ReadVarSigned() => ZigZag.Decode(ReadVar());

    /// <summary>Counts consecutive 1 bits (consuming them and the terminating 0), up to <paramref name="limit"/> (≤ 56) ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadUnary(int limit)
    {
        if (_count <= limit)
        {
            Refill(0);
        }

        var ones = BitOperations.TrailingZeroCount(~_buffer);
        if (ones >= limit)
        {
            if (_count < limit)
            {
                Corrupt.Throw("A column section ends in the middle of a value.");
            }

            _buffer >>= limit;
            _count -= limit;
            return limit;
        }

        if (ones >= _count)
        {
            Corrupt.Throw("A column section ends in the middle of a value.");
        }

        _buffer >>= ones + 1;
        _count -= ones + 1;
        return ones;
    }

    /// <summary>Bits consumed so far.</summary>
    public readonly long BitPosition => ((long)_position * 8) - _count;

    /// <summary>
    /// Reads <paramref name="destination"/>.Length values of <paramref name="width"/> bits (1 to 64), adding
    /// <paramref name="reference"/>. The length is checked once for the whole run; each value is then one
    /// unaligned 64-bit load at a computed bit offset (no loop-carried state), and the last few values,
    /// whose 8-byte load would pass the end of the data, go through <see cref="Read"/>.
    /// </summary>
    public void ReadPacked(scoped Span<long> destination, long reference, int width)
    {
        var start = BitPosition;
        var end = start + ((long)destination.Length * width);
        if (end > (long)_data.Length * 8)
        {
            Corrupt.Throw("A column section ends in the middle of a value.");
        }

        var i = 0;
        if (width <= 56 && _data.Length >= 8)
        {
            // Values starting at a byte b with b + 8 <= length can be loaded whole.
            var lastSafeBit = ((long)(_data.Length - 8) * 8) + 7;
            var fast = lastSafeBit < start ? 0 : (int)Math.Min(destination.Length, ((lastSafeBit - start) / width) + 1);
            var mask = (1UL << width) - 1;
            ref var data = ref MemoryMarshal.GetReference(_data);
            ref var target = ref MemoryMarshal.GetReference(destination); // fast <= destination.Length
            var bit = start;
            if (Avx2.IsSupported && fast >= 16)
            {
                i = UnpackVectorized(ref data, _data.Length, ref target, fast, reference, width, ref bit);
            }

            for (; i + 4 <= fast; i += 4)
            {
                // Four independent loads a round: no carried state but the bit offset.
                var b1 = bit + width;
                var b2 = b1 + width;
                var b3 = b2 + width;
                var w0 = LoadLittleEndian(ref data, (nint)(bit >> 3)) >> (int)(bit & 7);
                var w1 = LoadLittleEndian(ref data, (nint)(b1 >> 3)) >> (int)(b1 & 7);
                var w2 = LoadLittleEndian(ref data, (nint)(b2 >> 3)) >> (int)(b2 & 7);
                var w3 = LoadLittleEndian(ref data, (nint)(b3 >> 3)) >> (int)(b3 & 7);
                ref var slot = ref Unsafe.Add(ref target, i);
                slot = unchecked(reference + (long)(w0 & mask));
                Unsafe.Add(ref slot, 1) = unchecked(reference + (long)(w1 & mask));
                Unsafe.Add(ref slot, 2) = unchecked(reference + (long)(w2 & mask));
                Unsafe.Add(ref slot, 3) = unchecked(reference + (long)(w3 & mask));
                bit = b3 + width;
            }

            for (; i < fast; i++)
            {
                var word = LoadLittleEndian(ref data, (nint)(bit >> 3));
                Unsafe.Add(ref target, i) = unchecked(reference + (long)((word >> (int)(bit & 7)) & mask));
                bit += width;
            }

            Seek(bit);
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = unchecked(reference + (long)Read(width));
        }
    }

    /// <summary>
    /// Unpacks groups of eight values with AVX2 while a whole 32-byte load stays inside the data; returns how
    /// many values it wrote and advances <paramref name="bit"/> past them. Eight values of width w take exactly
    /// w bytes, so every group starts at the same bit within its first byte, and one set of lane permutations
    /// and shifts (computed once per call) serves every group: value k starts s + k·w bits into the load, and
    /// the 64-bit lane made of dwords d and d + 1 (d = (s + k·w) / 32) holds it whole when w ≤ 31 and
    /// s + 7·w &lt; 224. Values are independent, so there is no carried state but the load address.
    /// </summary>
    private static int UnpackVectorized(ref byte data, int length, ref long target, int count, long reference, int width, ref long bit)
    {
        var offset = (int)(bit & 7);
        if (offset + (7 * width) >= 224)
        {
            return 0;
        }

        var last = length - Vector256<byte>.Count; // the last byte a 32-byte load may start at
        var first = bit >> 3;
        if (first > last)
        {
            return 0;
        }

        // Groups whose load fits: group g loads at first + g·w.
        var groups = (int)Math.Min(count / 8, ((last - first) / width) + 1);
        var lanesBuffer = default(Scratch16<uint>);
        Span<uint> lanes = lanesBuffer;
        var shiftsBuffer = default(Scratch8<ulong>);
        Span<ulong> shifts = shiftsBuffer;
        for (var k = 0; k < 8; k++)
        {
            var at = offset + (k * width);
            lanes[2 * k] = (uint)(at >> 5);
            lanes[(2 * k) + 1] = (uint)(at >> 5) + 1;
            shifts[k] = (ulong)(at & 31);
        }

        var lowLanes = Vector256.Create<uint>(lanes.Slice(0, 8));
        var highLanes = Vector256.Create<uint>(lanes.Slice(8, 8));
        var lowShifts = Vector256.Create<ulong>(shifts.Slice(0, 4));
        var highShifts = Vector256.Create<ulong>(shifts.Slice(4, 4));
        var mask = Vector256.Create((1UL << width) - 1);
        var bias = Vector256.Create(unchecked((ulong)reference));
        ref var source = ref Unsafe.Add(ref data, (nint)first);
        ref var output = ref Unsafe.As<long, ulong>(ref target);
        for (var g = 0; g < groups; g++)
        {
            var words = Vector256.LoadUnsafe(ref source).AsUInt32();
            var low = Avx2.ShiftRightLogicalVariable(Avx2.PermuteVar8x32(words, lowLanes).AsUInt64(), lowShifts);
            var high = Avx2.ShiftRightLogicalVariable(Avx2.PermuteVar8x32(words, highLanes).AsUInt64(), highShifts);
            ((low & mask) + bias).StoreUnsafe(ref output);
            ((high & mask) + bias).StoreUnsafe(ref output, 4);
            source = ref Unsafe.Add(ref source, width);
            output = ref Unsafe.Add(ref output, 8);
        }

        bit += (long)groups * 8 * width;
        return groups * 8;
    }

    private void ReadRiceStream(scoped Span<long> destination, long centre, int k)
    {
        var i = 0;
        while (true)
        {
            i = ReadRiceRun(ref this, destination, i, centre, k);
            if (i == destination.Length)
            {
                return;
            }

            // One value through the checked path (a long escape, a long code, or the end of the data).
            destination[i++] = ReadRiceChecked(centre, k);
        }
    }

    private long ReadRiceChecked(long centre, int k) => unchecked(ZigZag.Decode(ReadRiceCode(k)) + centre);

    /// <summary>One Rice code's number (before zigzag decoding) through the checked path.</summary>
    private ulong ReadRiceCode(int k)
    {
        var q = ReadUnary(RiceCode.Escape);
        return q == RiceCode.Escape ? ReadVar() : ((ulong)q << k) | Read(k);
    }

    /// <summary>The length of the code at the bottom of <paramref name="buffer"/>, escape or not, or -1 when it does not fit the buffer's <paramref name="count"/> bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RiceLength(ulong buffer, int ones, int count, int k)
    {
        const int escape = RiceCode.Escape;
        var length = ones < escape ? ones + 1 + k : escape + 7 + ((int)(buffer >> escape) & 127);
        return (ones >= escape && escape + 7 > count) || length > count ? -1 : length;
    }

    /// <summary>The value of a code at the bottom of <paramref name="buffer"/> known to fit it, escape or not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RiceValue(ulong buffer, int ones, int k)
    {
        const int escape = RiceCode.Escape;
        if (ones < escape)
        {
            return ((ulong)ones << k) | ((buffer >> (ones + 1)) & ((1UL << k) - 1));
        }

        var lengthBits = (int)(buffer >> escape) & 127; // <= 36: the code fits the buffer
        return (buffer >> (escape + 7)) & ((1UL << lengthBits) - 1);
    }

    /// <summary>
    /// Decodes Rice codes from <paramref name="i"/> while each fits the bit buffer; returns where it stopped.
    /// A method of its own, with no calls, so the reader's state stays in registers: with the checked path's
    /// calls in the same method the JIT reloaded half a dozen spilled values on every code.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadRiceRun(ref BitReader reader, scoped Span<long> destination, int i, long centre, int k)
    {
        const int escape = RiceCode.Escape; // a constant, not a register
        // The hot path is a trailing-zero count and two shifts a value, with a refill of the bit buffer only
        // when the longest non-escape code might not fit.
        ref var data = ref MemoryMarshal.GetReference(reader._data);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var n = destination.Length;
        var lastRefill = reader._data.Length - 8; // a refill loads 8 bytes at the position
        var mask = (1UL << k) - 1; // k < 64
        var threshold = Math.Min(k + escape, 57); // the longest non-escape code: escape - 1 ones, a zero, k bits
        var buffer = reader._buffer;
        var count = reader._count;
        var position = reader._position;
        for (; i < n; i++)
        {
            if (count < threshold)
            {
                if (position > lastRefill)
                {
                    break;
                }

                buffer |= LoadLittleEndian(ref data, position) << count;
                position += (63 - count) >> 3;
                count |= 56;
            }

            var ones = BitOperations.TrailingZeroCount(~buffer);
            var length = ones + 1 + k;
            if (ones >= escape || length > count)
            {
                // An escape (escape ones, a 7-bit length, the value) that fits the buffer is decoded here, not
                // in the checked path: City-temp's -99 "missing" readings make 5 % of its deltas escapes.
                var total = RiceLength(buffer, ones, count, k);
                if (total < 0)
                {
                    break; // a code that does not fit: the checked path
                }

                Unsafe.Add(ref target, i) = unchecked(ZigZag.Decode(RiceValue(buffer, ones, k)) + centre);
                buffer >>= total; // total <= count <= 63
                count -= total;
                continue;
            }

            // BZHI keeps the low k bits without a mask register (the loop is one register short otherwise).
            var low = Bmi2.X64.IsSupported ? Bmi2.X64.ZeroHighBits(buffer >> (ones + 1), (ulong)k) : (buffer >> (ones + 1)) & mask;
            Unsafe.Add(ref target, i) = unchecked(ZigZag.Decode(((ulong)ones << k) | low) + centre);
            buffer >>= length; // length <= count <= 63
            count -= length;
        }

        reader._buffer = buffer;
        reader._count = count;
        reader._position = position;
        return i;
    }

    /// <summary>
    /// Reads deltas coded as a 0 bit (unchanged) or a 1 bit and the Rice code of zigzag(delta) - 1, adding each
    /// to <paramref name="previous"/> and storing the running value into <paramref name="destination"/>.
    /// </summary>
    public void ReadSparseRice(scoped Span<long> destination, long previous, int k)
    {
        var i = 0;
        while (true)
        {
            i = ReadSparseRun(ref this, destination, i, ref previous, k);
            if (i == destination.Length)
            {
                return;
            }

            // One value through the checked path (a long escape, a long code, or the end of the data).
            if (ReadBit())
            {
                var q = ReadUnary(RiceCode.Escape);
                var u = q == RiceCode.Escape ? ReadVar() : ((ulong)q << k) | Read(k);
                previous = unchecked(previous + ZigZag.Decode(u + 1));
            }

            destination[i++] = previous;
        }
    }

    /// <summary>The fast loop of <see cref="ReadSparseRice"/>, call-free like <see cref="ReadRiceRun"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadSparseRun(ref BitReader reader, scoped Span<long> destination, int i, ref long previousValue, int k)
    {
        const int escape = RiceCode.Escape;
        ref var data = ref MemoryMarshal.GetReference(reader._data);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var n = destination.Length;
        var lastRefill = reader._data.Length - 8;
        var threshold = Math.Min(k + escape + 1, 57); // a flag and the longest non-escape code
        var buffer = reader._buffer;
        var count = reader._count;
        var position = reader._position;
        var previous = previousValue;
        for (; i < n; i++)
        {
            // The refill repeats ReadRiceRun's: a helper taking the state by reference would keep it in memory.
            if (count < threshold)
            {
                if (position > lastRefill)
                {
                    break;
                }

                buffer |= LoadLittleEndian(ref data, position) << count;
                position += (63 - count) >> 3;
                count |= 56;
            }

            if ((buffer & 1) == 0)
            {
                buffer >>= 1; // unchanged
                count--;
                Unsafe.Add(ref target, i) = previous;
                continue;
            }

            var code = buffer >> 1;
            var ones = BitOperations.TrailingZeroCount(~code);
            var length = ones + 2 + k; // the flag, the ones, the zero, k bits
            if (ones >= escape || length > count)
            {
                break; // escapes and long codes take the checked path
            }

            var low = (code >> (ones + 1)) & ((1UL << k) - 1); // ones + 1 <= 63 - k here
            previous = unchecked(previous + ZigZag.Decode((((ulong)ones << k) | low) + 1));
            Unsafe.Add(ref target, i) = previous;
            buffer >>= length; // length <= count <= 63
            count -= length;
        }

        reader._buffer = buffer;
        reader._count = count;
        reader._position = position;
        previousValue = previous;
        return i;
    }

    /// <summary>Repositions at bit <paramref name="bit"/> (not past the end of the data).</summary>
    private void Seek(long bit)
    {
        _position = (int)(bit >> 3);
        _buffer = 0;
        _count = 0;
        var skip = (int)(bit & 7);
        if (skip != 0)
        {
            Refill(skip);
            _buffer >>= skip;
            _count -= skip;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LoadLittleEndian(ref byte data, nint offset)
    {
        var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref data, offset));
        return BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
    }

    /// <summary>Checks that only zero padding (under a byte) is left: a section must be consumed exactly.</summary>
    public readonly void EnsureConsumed()
    {
        var consumed = ((long)_position * 8) - _count;
        if ((consumed + 7) >> 3 != _data.Length)
        {
            Corrupt.Throw("A column section holds more data than its values need.");
        }

        var padding = (int)((8 - (consumed & 7)) & 7);
        if (padding != 0 && (_buffer & ((1UL << padding) - 1)) != 0)
        {
            Corrupt.Throw("A column section has non-zero padding bits.");
        }
    }

    private void Refill(int needed)
    {
        if (_position + 8 <= _data.Length)
        {
            _buffer |= BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position)) << _count;
            _position += (63 - _count) >> 3;
            _count |= 56;
        }
        else
        {
            while (_count <= 56 && _position < _data.Length)
            {
                _buffer |= (ulong)_data[_position++] << _count;
                _count += 8;
            }
        }

        if (_count < needed)
        {
            Corrupt.Throw("A column section ends in the middle of a value.");
        }
    }
}

/// <summary>ZigZag mapping: small negative and positive numbers become small unsigned numbers.</summary>
internal static class ZigZag
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Encode(long value) => (ulong)((value << 1) ^ (value >> 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Decode(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}

/// <summary>Constants shared by the Rice writer, reader and size estimates.</summary>
internal static class RiceCode
{
    /// <summary>Quotients this large are outliers: the code is this many ones, then the value as a length-prefixed number.</summary>
    public const int Escape = 20;

    /// <summary>The longest code: the escape, a 7-bit length and a 64-bit value.</summary>
    public const int LongestCode = Escape + 7 + 64;

    /// <summary>The most codes <see cref="BitWriter.WriteRice"/> takes at once: one page.</summary>
    public const int MaxRun = 1024;

    /// <summary>The longest code <see cref="Build"/> makes: longer ones, and escapes, are written one by one.</summary>
    public const int ShortCode = 56;

    /// <summary>
    /// For each value, the pair (code, length) at <c>codes[2i]</c>, <c>codes[2i + 1]</c>: with u = zigzag(value - centre)
    /// and q = u &gt;&gt; k, the code is q ones, a zero and the k low bits of u, q + 1 + k bits. When q reaches the
    /// escape or the code would exceed <see cref="ShortCode"/> bits, the length is <see cref="ulong.MaxValue"/> and the
    /// code meaningless. Four values at a time with AVX2.
    /// </summary>
    public static void Build(ReadOnlySpan<long> values, long centre, int k, Span<ulong> codes)
    {
        var n = values.Length;
        codes = codes.Slice(0, 2 * n);
        var lowMask = (1UL << k) - 1; // k < 64
        var shortQuotients = Math.Max(0, Math.Min(Escape, ShortCode - k)); // q below this: a short code (q + 1 + k <= 56)
        var i = 0;
        if (Avx2.IsSupported)
        {
            ref var source = ref MemoryMarshal.GetReference(values);
            ref var target = ref MemoryMarshal.GetReference(codes);
            var centres = Vector256.Create(centre);
            var masks = Vector256.Create(lowMask);
            var one = Vector256.Create(1UL);
            var extra = Vector256.Create((ulong)k + 1);
            var lastShort = Vector256.Create((long)shortQuotients - 1);
            var shift = Vector128.CreateScalar((ulong)k); // a vector count: with an int the JIT rebuilds it every time
            for (; i <= n - Vector256<long>.Count; i += Vector256<long>.Count)
            {
                var x = Vector256.LoadUnsafe(ref source, (nuint)i) - centres;
                var u = ((x << 1) ^ Vector256.GreaterThan(Vector256<long>.Zero, x)).AsUInt64(); // zigzag
                var q = Avx2.ShiftRightLogical(u, shift);
                var code = (Avx2.ShiftLeftLogicalVariable(one, q) - one) | Avx2.ShiftLeftLogicalVariable(u & masks, q + one);

                // Long: q past the last short quotient, or q >= 2^63 (negative as a signed number; k = 0 only).
                var isLong = Vector256.GreaterThan(q.AsInt64(), lastShort) | Vector256.LessThan(q.AsInt64(), Vector256<long>.Zero);
                var length = (q + extra) | isLong.AsUInt64();
                var low = Avx2.UnpackLow(code, length);   // c0 l0 c2 l2
                var high = Avx2.UnpackHigh(code, length); // c1 l1 c3 l3
                Avx2.Permute2x128(low, high, 0x20).StoreUnsafe(ref target, (nuint)(2 * i));
                Avx2.Permute2x128(low, high, 0x31).StoreUnsafe(ref target, (nuint)((2 * i) + Vector256<ulong>.Count));
            }
        }

        for (; i < n; i++)
        {
            var u = ZigZag.Encode(unchecked(values[i] - centre));
            var q = u >> k;
            if (q < (ulong)shortQuotients)
            {
                codes[2 * i] = ((1UL << (int)q) - 1) | ((u & lowMask) << ((int)q + 1));
                codes[(2 * i) + 1] = q + 1 + (ulong)k;
            }
            else
            {
                codes[2 * i] = 0;
                codes[(2 * i) + 1] = ulong.MaxValue;
            }
        }
    }

    /// <summary>
    /// The k <see cref="BuildPairs"/> takes. At least 1: then a quotient is below 2^63 and one signed comparison finds
    /// the long codes. At most 20: two codes of at least k + 1 bits each, and their quotients, must mostly fit
    /// <see cref="ShortCode"/> bits, or too many pairs are written code by code.
    /// </summary>
    public const int PairedMinK = 1, PairedMaxK = 20;

    /// <summary>
    /// For a run split into two streams (k from <see cref="PairedMinK"/> to <see cref="PairedMaxK"/>): the codes of
    /// values i and i + 2 (one stream's consecutive codes) joined into one, the first in the low bits, for every group
    /// of four values 4j to 4j + 3: stream 0's pairs first, then stream 1's, pair j of stream s as (code, length) at
    /// <c>items[2 * (j + s * groups)]</c> and the next element. A pair longer than <see cref="ShortCode"/> bits, or
    /// with a long code or an escape in it, has a length above ShortCode and a meaningless code. Values past the last
    /// whole group are left to the caller.
    /// </summary>
    public static void BuildPairs(ReadOnlySpan<long> values, long centre, int k, Span<ulong> items, bool quads)
    {
        Debug.Assert(k is >= PairedMinK and <= PairedMaxK && (!quads || k <= QuadMaxK));
        var groups = values.Length / 4;
        items = items.Slice(0, QuadsStart(groups, 2));
        var lowMask = (1UL << k) - 1;
        var shortQuotients = Math.Min(Escape, ShortCode - k); // q below this: a short code
        var j = 0;
        if (Avx2.IsSupported)
        {
            ref var source = ref MemoryMarshal.GetReference(values);
            ref var target = ref MemoryMarshal.GetReference(items);
            var coder = new PairCoder(centre, k, lowMask, shortQuotients);
            for (; j + 2 <= groups; j += 2)
            {
                // Eight values: a and b hold four each. The first codes of the four pairs are a0 a1 b0 b1, the second
                // a2 a3 b2 b3.
                var (codeA, lengthA) = coder.Code(Vector256.LoadUnsafe(ref source, (nuint)(4 * j)));
                var (codeB, lengthB) = coder.Code(Vector256.LoadUnsafe(ref source, (nuint)((4 * j) + 4)));
                var firstLength = Avx2.Permute2x128(lengthA, lengthB, 0x20);
                var code = Avx2.Permute2x128(codeA, codeB, 0x20)
                    | Avx2.ShiftLeftLogicalVariable(Avx2.Permute2x128(codeA, codeB, 0x31), firstLength);
                var length = firstLength + Avx2.Permute2x128(lengthA, lengthB, 0x31);

                // Stream 0's pairs j and j + 1, and stream 1's.
                Avx2.UnpackLow(code, length).StoreUnsafe(ref target, (nuint)(2 * j));
                Avx2.UnpackHigh(code, length).StoreUnsafe(ref target, (nuint)(2 * (j + groups)));
                if (quads)
                {
                    // Each stream's two pairs joined: quad j / 2 of stream 0 in lane 0, of stream 1 in lane 1.
                    var quadCode = code | Avx2.ShiftLeftLogicalVariable(Avx2.Permute4x64(code, 0b11_10_11_10), length);
                    var quadLength = length + Avx2.Permute4x64(length, 0b11_10_11_10);
                    Avx2.UnpackLow(quadCode, quadLength).GetLower().StoreUnsafe(ref target, (nuint)(QuadsStart(groups, 0) + j));
                    Avx2.UnpackHigh(quadCode, quadLength).GetLower().StoreUnsafe(ref target, (nuint)(QuadsStart(groups, 1) + j));
                }
            }
        }

        for (; j < groups; j++)
        {
            for (var stream = 0; stream < 2; stream++)
            {
                var (firstCode, firstLength) = Short(ZigZag.Encode(unchecked(values[(4 * j) + stream] - centre)));
                var (laterCode, laterLength) = Short(ZigZag.Encode(unchecked(values[(4 * j) + stream + 2] - centre)));
                var at = 2 * (j + (stream * groups));
                items[at] = firstLength > ShortCode ? 0 : firstCode | (laterCode << (int)firstLength);
                items[at + 1] = firstLength + laterLength;
                if (quads && (j & 1) == 1)
                {
                    var (pairCode, pairLength) = (items[at - 2], items[at - 1]);
                    var quad = QuadsStart(groups, stream) + j - 1;
                    items[quad] = pairLength > ShortCode ? 0 : pairCode | (items[at] << (int)pairLength);
                    items[quad + 1] = pairLength + items[at + 1];
                }
            }
        }

        (ulong Code, ulong Length) Short(ulong u)
        {
            var q = u >> k;
            return q < (ulong)shortQuotients ? (((((u & lowMask) << 1) | 1) << (int)q) - 1, q + 1 + (ulong)k) : (0, LongLength);
        }
    }

    /// <summary>
    /// The largest k for which <see cref="BuildPairs"/> also joins a stream's pairs j and j + 1 (j even) into quads:
    /// four codes of k + 1 bits each leave room for their quotients in <see cref="ShortCode"/> bits.
    /// </summary>
    public const int QuadMaxK = 9;

    /// <summary>
    /// Where <see cref="BuildPairs"/> puts stream <paramref name="stream"/>'s quads, after all the pairs: quad m as
    /// (code, length) at this index plus 2m. A quad has the length of its pairs together, above ShortCode when either
    /// pair's is; the last group of an odd number has none.
    /// </summary>
    public static int QuadsStart(int groups, int stream) => (4 * groups) + (2 * stream * (groups / 2));

    /// <summary>The length <see cref="BuildPairs"/> gives a long code: four of them add up to far more than ShortCode, without overflow.</summary>
    private const ulong LongLength = 1UL << 40;

    /// <summary>Four values' Rice codes and lengths at once, for <see cref="BuildPairs"/>.</summary>
    private readonly struct PairCoder(long centre, int k, ulong lowMask, int shortQuotients)
    {
        private readonly Vector256<long> _centres = Vector256.Create(centre);
        private readonly Vector256<ulong> _masks = Vector256.Create(lowMask);
        private readonly Vector256<ulong> _extra = Vector256.Create((ulong)k + 1);
        private readonly Vector256<long> _lastShort = Vector256.Create((long)shortQuotients - 1);
        private readonly Vector128<ulong> _shift = Vector128.CreateScalar((ulong)k); // a vector count: with an int the JIT rebuilds it every time

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (Vector256<ulong> Code, Vector256<ulong> Length) Code(Vector256<long> values)
        {
            var x = values - _centres;
            var u = ((x << 1) ^ Vector256.GreaterThan(Vector256<long>.Zero, x)).AsUInt64(); // zigzag
            var q = Avx2.ShiftRightLogical(u, _shift);

            // (low bits, then a one) shifted up by q, less one: q ones, a zero, the low bits.
            var code = Avx2.ShiftLeftLogicalVariable(((u & _masks) << 1) | Vector256<ulong>.One, q) - Vector256<ulong>.One;
            var isLong = Vector256.GreaterThan(q.AsInt64(), _lastShort).AsUInt64(); // q < 2^63: k >= 1
            return (code, Vector256.ConditionalSelect(isLong, Vector256.Create(LongLength), q + _extra));
        }
    }

    /// <summary>Runs of at least this many codes are stored as two streams (see <see cref="BitWriter.WriteRice"/>).</summary>
    public const int SplitMinimum = 256;

    /// <summary>Bits of the first stream's length for a run of <paramref name="count"/> codes: enough for half the run at the longest code; 0 when the run is not split.</summary>
    public static int SplitLengthBits(int count) =>
        count < SplitMinimum ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(count / 2) * LongestCode);
}
