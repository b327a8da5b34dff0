using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hotpath.Compression;

/// <summary>
/// Pages of doubles: an ALP-style decimal coder (find e, f so that v·10^e·10^-f is an integer that decodes
/// back to exactly the same bits, code those integers with <see cref="IntPageCodec"/>, keep the rest as
/// exceptions) or, for full-precision data, a Chimp XOR coder. Each page takes the smaller, by exact size.
/// </summary>
[SkipLocalsInit]
internal static class DoublePageCodec
{
    public const int PageSize = IntPageCodec.PageSize;
    private const int ModeBits = 2;
    private const int ModeAlp = 0;
    private const int ModeChimp = 1;
    private const int MaxExponent = 18;
    private const int ExponentBits = 5;
    private const int ExceptionCountBits = 11;
    private const int PositionBits = 10;
    private const int SampleSize = 32;
    private const int MaxCandidates = 4;

    // 2^52: beyond it not every integer is a double, and the long conversion must stay in range.
    private const double MaxEncodable = 4503599627370496.0;

    private static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    ];

    private static readonly double[] InversePowers =
    [
        1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18,
    ];

    /// <summary>Worst case bytes for <paramref name="count"/> values (Chimp's worst is 69 bits a value).</summary>
    public static long MaxBytes(long count) => (count * 9) + (((count + PageSize - 1) / PageSize) * 16) + 16;

    public static void EncodeColumn(scoped ReadOnlySpan<double> values, IntModes intModes, bool single, ref BitWriter writer)
    {
        // (e, f) pairs that won a full search on an earlier page, most recent first (ALP's idea: a column
        // keeps using a few combinations, so most pages only try those on their sample).
        Span<int> candidates = stackalloc int[MaxCandidates];
        var candidateCount = 0;

        // A page's scratch comes from here, not from a stackalloc in EncodePage, which would keep that method from
        // tier 1 (see StackScratch.cs).
        Span<long> integers = stackalloc long[PageSize];
        Span<short> exceptions = stackalloc short[PageSize];
        for (var start = 0; start < values.Length; start += PageSize)
        {
            EncodePage(values.Slice(start, Math.Min(PageSize, values.Length - start)), intModes, single, candidates, ref candidateCount, integers, exceptions, ref writer);
        }
    }

    public static void DecodeColumn(ref BitReader reader, scoped Span<double> destination, bool single)
    {
        for (var start = 0; start < destination.Length; start += PageSize)
        {
            DecodePage(ref reader, destination.Slice(start, Math.Min(PageSize, destination.Length - start)), single);
        }
    }

    private static void EncodePage(scoped ReadOnlySpan<double> values, IntModes intModes, bool single, scoped Span<int> candidates, ref int candidateCount, scoped Span<long> integerScratch, scoped Span<short> exceptionScratch, ref BitWriter writer)
    {
        var n = values.Length;
        var (e, f) = ChooseExponents(values, single, candidates, ref candidateCount);
        var integers = integerScratch.Slice(0, n);
        var exceptions = exceptionScratch.Slice(0, n);
        var exceptionCount = 0;
        var fill = 0L;
        var haveFill = false;
        var scale = Powers[e];
        var unscale = InversePowers[f];
        var factor = Powers[f];
        var fraction = InversePowers[e];
        var i = 0;
        if (!single && Vector256.IsHardwareAccelerated)
        {
            // Four lanes at a time (DecimalLanes). A vector with a lane that fails (an exception, or |scaled| >=
            // 2^51) goes through the scalar loop below.
            var lanes = new DecimalLanes(scale, unscale, factor, fraction);
            ref var source = ref MemoryMarshal.GetReference(values);
            ref var target = ref MemoryMarshal.GetReference(integers);
            while (i <= n - Vector256<double>.Count)
            {
                if (lanes.TryEncode(Vector256.LoadUnsafe(ref source, (nuint)i), out var encoded, out var exact)
                    && exact == Vector256<long>.AllBitsSet)
                {
                    encoded.StoreUnsafe(ref target, (nuint)i);
                    if (!haveFill)
                    {
                        integers.Slice(0, i).Fill(encoded.GetElement(0));
                        haveFill = true;
                    }

                    i += Vector256<double>.Count;
                    continue;
                }

                // The fill is always the integer before (an exception's slot holds the fill), so the loop above
                // does not carry it.
                fill = i > 0 ? integers[i - 1] : fill;
                for (var end = i + Vector256<double>.Count; i < end; i++)
                {
                    EncodeOne(values, integers, exceptions, i, scale, unscale, factor, fraction, single, ref exceptionCount, ref fill, ref haveFill);
                }
            }
        }

        fill = i > 0 ? integers[i - 1] : fill;
        for (; i < n; i++)
        {
            EncodeOne(values, integers, exceptions, i, scale, unscale, factor, fraction, single, ref exceptionCount, ref fill, ref haveFill);
        }

        if (exceptionCount < n)
        {
            var plan = IntPageCodec.Plan(integers, intModes);
            var alpBits = ModeBits + (2 * ExponentBits) + ExceptionCountBits + plan.Bits + ((long)exceptionCount * (PositionBits + 64));

            // Chimp's size is only needed up to the decimal coding's: skip it when its lower bound is already
            // larger, else stop counting once it is larger.
            // Without exceptions a page's integers repeat exactly where its doubles do (the coding is exact both
            // ways), so the planner's count of unchanged integers gives the bound without another pass.
            var repeats = exceptionCount == 0 && plan.Unchanged >= 0 ? plan.Unchanged : CountRepeats(values);
            if (alpBits <= ModeBits + ChimpLowerBound(repeats, values.Length)
                || alpBits <= ModeBits + ChimpCost(values, alpBits - ModeBits))
            {
                writer.Write(ModeAlp, ModeBits);
                writer.Write((ulong)e, ExponentBits);
                writer.Write((ulong)f, ExponentBits);
                writer.Write((ulong)exceptionCount, ExceptionCountBits);
                IntPageCodec.Write(integers, plan, ref writer);
                for (var x = 0; x < exceptionCount; x++)
                {
                    var position = exceptions[x];
                    writer.Write((ulong)position, PositionBits);
                    writer.Write(BitConverter.DoubleToUInt64Bits(values[position]), 64);
                }

                return;
            }
        }

        writer.Write(ModeChimp, ModeBits);
        WriteChimp(values, ref writer);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EncodeOne(scoped ReadOnlySpan<double> values, scoped Span<long> integers, scoped Span<short> exceptions, int i, double scale, double unscale, double factor, double fraction, bool single, ref int exceptionCount, ref long fill, ref bool haveFill)
    {
        if (TryEncode(values[i], scale, unscale, factor, fraction, single, out var integer))
        {
            integers[i] = integer;
            if (!haveFill)
            {
                // Back-fill leading exceptions with the first encodable value so they cost no extra width.
                integers.Slice(0, i).Fill(integer);
                haveFill = true;
            }

            fill = integer;
        }
        else
        {
            exceptions[exceptionCount++] = (short)i;
            integers[i] = fill;
        }
    }

    internal static void DecodePage(ref BitReader reader, scoped Span<double> destination, bool single)
    {
        var n = destination.Length;
        var mode = (int)reader.Read(ModeBits);
        if (mode == ModeChimp)
        {
            ReadChimp(ref reader, destination);
            return;
        }

        if (mode != ModeAlp)
        {
            Corrupt.Throw($"Unknown floating-point page encoding {mode}.");
        }

        var e = (int)reader.Read(ExponentBits);
        var f = (int)reader.Read(ExponentBits);
        var exceptionCount = (int)reader.Read(ExceptionCountBits);
        if (e > MaxExponent || f > e)
        {
            Corrupt.Throw($"A decimal page claims exponent {e} and factor {f}.");
        }

        if (exceptionCount > n)
        {
            Corrupt.Throw($"A decimal page claims {exceptionCount} exceptions for {n} values.");
        }

        // The integers are decoded into the destination itself (same size), then converted in place.
        var integers = MemoryMarshal.Cast<double, long>(destination);
        IntPageCodec.DecodePage(ref reader, integers);
        var factor = Powers[f];
        var fraction = InversePowers[e];
        if (single)
        {
            for (var i = 0; i < integers.Length; i++)
            {
                destination[i] = (float)(integers[i] * factor * fraction);
            }
        }
        else
        {
            var i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // long -> double four lanes at a time: for -2^51 <= k < 2^51, the bits of 1.5 * 2^52 plus k are
                // the double 1.5 * 2^52 + k, exactly; subtracting 1.5 * 2^52 leaves (double)k. Then the same two
                // multiplies as the scalar loop (and the encoder's check), in the same order: the same bits.
                // A vector with a lane out of that range (only forged or extreme pages) finishes in the scalar loop.
                var magicBits = Vector256.Create(0x4338000000000000L);
                var magic = Vector256.Create(6755399441055744.0);
                var bias = Vector256.Create(1L << 51);
                var factors = Vector256.Create(factor);
                var fractions = Vector256.Create(fraction);
                ref var source = ref MemoryMarshal.GetReference(integers);
                ref var target = ref MemoryMarshal.GetReference(destination);
                for (; i <= integers.Length - Vector256<long>.Count; i += Vector256<long>.Count)
                {
                    var k = Vector256.LoadUnsafe(ref source, (nuint)i);

                    // k + 2^51 below 2^52 (unsigned) in every lane: a shift and a test, where an unsigned
                    // 64-bit compare takes AVX2 four instructions.
                    if (Vector256.ShiftRightLogical((k + bias).AsUInt64(), 52) != Vector256<ulong>.Zero)
                    {
                        break;
                    }

                    var value = ((k + magicBits).AsDouble() - magic) * factors * fractions;
                    value.StoreUnsafe(ref target, (nuint)i);
                }
            }

            for (; i < integers.Length; i++)
            {
                destination[i] = integers[i] * factor * fraction;
            }
        }

        for (var x = 0; x < exceptionCount; x++)
        {
            var position = (int)reader.Read(PositionBits);
            if (position >= n)
            {
                Corrupt.Throw("A decimal page has an exception outside the page.");
            }

            destination[position] = BitConverter.UInt64BitsToDouble(reader.Read(64));
        }
    }

    /// <summary>
    /// <see cref="TryEncode"/>'s arithmetic four lanes at a time: for |scaled| &lt; 2^51, adding and subtracting
    /// 1.5 * 2^52 rounds half to even like Math.Round, and the sum's low bits are the integer.
    /// </summary>
    private readonly struct DecimalLanes
    {
        private static readonly Vector256<double> Magic = Vector256.Create(6755399441055744.0);
        private static readonly Vector256<long> MagicBits = Vector256.Create(0x4338000000000000L);
        private static readonly Vector256<double> Range = Vector256.Create(2251799813685248.0); // 2^51

        private readonly Vector256<double> _scale, _unscale, _factor, _fraction;

        public DecimalLanes(double scale, double unscale, double factor, double fraction) =>
            (_scale, _unscale, _factor, _fraction) = (Vector256.Create(scale), Vector256.Create(unscale), Vector256.Create(factor), Vector256.Create(fraction));

        /// <summary>
        /// The four integers, and which of them decode back to exactly the same bits (all ones in an exact lane);
        /// false, with neither, when a lane's scaled value is not below 2^51 in magnitude (or is NaN).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryEncode(Vector256<double> value, out Vector256<long> encoded, out Vector256<long> exact)
        {
            var scaled = value * _scale * _unscale;
            if (!Vector256.LessThanAll(Vector256.Abs(scaled), Range))
            {
                (encoded, exact) = (default, default);
                return false;
            }

            var biased = scaled + Magic;
            var decoded = (biased - Magic) * _factor * _fraction;
            exact = Vector256.Equals(decoded.AsInt64(), value.AsInt64());
            encoded = biased.AsInt64() - MagicBits;
            return true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryEncode(double value, double scale, double unscale, double factor, double fraction, bool single, out long integer)
    {
        var scaled = value * scale * unscale;
        if (!(Math.Abs(scaled) < MaxEncodable))
        {
            integer = 0;
            return false; // NaN, ±∞ and magnitudes no long-backed decimal can express
        }

        integer = (long)Math.Round(scaled);
        var decoded = integer * factor * fraction;
        if (single)
        {
            // Floats only need to come back as the same float: compare after narrowing (the decoder narrows too).
            decoded = (float)decoded;
        }

        // Bit equality, not ==: -0.0 and 0.0 compare equal but are different bits.
        return BitConverter.DoubleToInt64Bits(decoded) == BitConverter.DoubleToInt64Bits(value);
    }

    /// <summary>
    /// Picks (e, f) on a 32-value sample: fewest exceptions, then narrowest integer range. The pairs that
    /// won earlier pages are tried first; a full search of every pair runs only when none of them encodes
    /// the whole sample (the first page, or data whose precision changed), and its winner joins them.
    /// </summary>
    private static (int E, int F) ChooseExponents(ReadOnlySpan<double> values, bool single, scoped Span<int> candidates, ref int candidateCount)
    {
        var n = values.Length;
        var samples = Math.Min(SampleSize, n);
        var sampleBuffer = default(Scratch32<double>);
        var sample = ((Span<double>)sampleBuffer).Slice(0, samples); // samples <= SampleSize = 32
        for (var i = 0; i < samples; i++)
        {
            // i * n / samples without a 64-bit division by a variable: samples is SampleSize or, for short pages, n.
            sample[i] = values[samples == SampleSize ? i * n / SampleSize : i];
        }

        var bestE = 0;
        var bestF = 0;
        var bestCost = long.MaxValue;
        var bestExceptions = long.MaxValue;
        var bestIndex = -1;
        for (var c = 0; c < candidateCount; c++)
        {
            var e = candidates[c] >> 8;
            var f = candidates[c] & 0xFF;
            var cost = SampleCost(sample, e, f, single, out var exceptions);
            if (cost < bestCost)
            {
                (bestCost, bestExceptions, bestE, bestF, bestIndex) = (cost, exceptions, e, f, c);
            }
        }

        if (bestExceptions == 0)
        {
            if (bestIndex > 0)
            {
                // Move to front: the next page most likely wants the same pair.
                var pair = candidates[bestIndex];
                candidates.Slice(0, bestIndex).CopyTo(candidates.Slice(1));
                candidates[0] = pair;
            }

            return (bestE, bestF);
        }

        bestCost = long.MaxValue;
        for (var e = MaxExponent; e >= 0; e--)
        {
            for (var f = e; f >= 0; f--)
            {
                var cost = SampleCost(sample, e, f, single, out _);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    bestE = e;
                    bestF = f;
                }
            }
        }

        var found = (bestE << 8) | bestF;
        var existing = candidates.Slice(0, candidateCount).IndexOf(found);
        if (existing < 0)
        {
            candidateCount = Math.Min(candidateCount + 1, candidates.Length);
            existing = candidateCount - 1;
        }

        candidates.Slice(0, existing).CopyTo(candidates.Slice(1));
        candidates[0] = found;
        return (bestE, bestF);
    }

    private static long SampleCost(ReadOnlySpan<double> sample, int e, int f, bool single, out long exceptions)
    {
        var scale = Powers[e];
        var unscale = InversePowers[f];
        var factor = Powers[f];
        var fraction = InversePowers[e];
        exceptions = 0;
        long min = long.MaxValue, max = long.MinValue;
        var start = 0;
        if (!single && Vector256.IsHardwareAccelerated && sample.Length >= Vector256<double>.Count)
        {
            // Four lanes at a time (DecimalLanes); a vector with a lane it cannot take (NaN, infinities, huge
            // values) and the rest go through TryEncode.
            var lanes = new DecimalLanes(scale, unscale, factor, fraction);
            var vMin = Vector256.Create(long.MaxValue);
            var vMax = Vector256.Create(long.MinValue);
            ref var source = ref MemoryMarshal.GetReference(sample);
            for (; start <= sample.Length - Vector256<double>.Count; start += Vector256<double>.Count)
            {
                if (!lanes.TryEncode(Vector256.LoadUnsafe(ref source, (nuint)start), out var encoded, out var exact))
                {
                    break;
                }

                vMin = Vector256.ConditionalSelect(exact, Vector256.Min(vMin, encoded), vMin);
                vMax = Vector256.ConditionalSelect(exact, Vector256.Max(vMax, encoded), vMax);
                exceptions += Vector256<double>.Count - BitOperations.PopCount(exact.ExtractMostSignificantBits());
            }

            for (var lane = 0; lane < Vector256<long>.Count; lane++)
            {
                min = Math.Min(min, vMin.GetElement(lane));
                max = Math.Max(max, vMax.GetElement(lane));
            }
        }

        foreach (var v in sample.Slice(start))
        {
            if (TryEncode(v, scale, unscale, factor, fraction, single, out var integer))
            {
                min = Math.Min(min, integer);
                max = Math.Max(max, integer);
            }
            else
            {
                exceptions++;
            }
        }

        var width = min > max ? 0 : 64 - BitOperations.LeadingZeroCount(unchecked((ulong)(max - min)));
        return (exceptions * (PositionBits + 64)) + ((sample.Length - exceptions) * width);
    }

    // Chimp (Liakos et al., VLDB 2022): XOR with the previous value; flags 00 = same value,
    // 01 = many trailing zeros (leading class, centre length, centre bits), 10 = same leading zeros as
    // before (the rest of the XOR), 11 = new leading class then the rest of the XOR.
    private static readonly byte[] LeadingRound = BuildLeadingRound();
    private static readonly byte[] LeadingRepresentation = BuildLeadingRepresentation();
    private static readonly byte[] LeadingValue = [0, 8, 12, 16, 18, 20, 22, 24];
    private const int TrailingThreshold = 6;

    /// <summary>
    /// At most Chimp's size (<see cref="ChimpCost"/>), from one vectorised count: the first value costs 64 bits, a value equal to
    /// the one before it 2, and any other at least 12 (a flag and 11 bits of header and value even when the XOR is
    /// a single bit; the other two cases cost 42 or more, since a rounded leading-zero count is at most 24).
    /// </summary>
    internal static long ChimpLowerBound(ReadOnlySpan<double> values) => ChimpLowerBound(CountRepeats(values), values.Length);

    /// <summary><see cref="ChimpLowerBound(ReadOnlySpan{double})"/> from the number of values equal to the one before them.</summary>
    internal static long ChimpLowerBound(long repeats, int length) => 64 + (2 * repeats) + (12 * (length - 1 - repeats));

    /// <summary>Values whose bits equal the previous value's.</summary>
    private static long CountRepeats(ReadOnlySpan<double> values) => IntPageCodec.CountUnchanged(MemoryMarshal.Cast<double, long>(values));

    /// <summary>Chimp's exact size in bits, or any number above <paramref name="limit"/> once it passes it.</summary>
    internal static long ChimpCost(ReadOnlySpan<double> values, long limit)
    {
        long bits = 64;
        var previous = BitConverter.DoubleToUInt64Bits(values[0]);
        var storedLeading = 65;
        for (var i = 1; i < values.Length; i++)
        {
            if (bits > limit)
            {
                return bits;
            }

            var current = BitConverter.DoubleToUInt64Bits(values[i]);
            var xor = current ^ previous;
            if (xor == 0)
            {
                bits += 2;
                storedLeading = 65;
            }
            else
            {
                int leading = LeadingRound[BitOperations.LeadingZeroCount(xor)];
                var trailing = BitOperations.TrailingZeroCount(xor);
                if (trailing > TrailingThreshold)
                {
                    bits += 11 + (64 - leading - trailing);
                    storedLeading = 65;
                }
                else if (leading == storedLeading)
                {
                    bits += 2 + (64 - leading);
                }
                else
                {
                    storedLeading = leading;
                    bits += 5 + (64 - leading);
                }
            }

            previous = current;
        }

        return bits;
    }

    private static void WriteChimp(scoped ReadOnlySpan<double> values, ref BitWriter writer)
    {
        var previous = BitConverter.DoubleToUInt64Bits(values[0]);
        writer.Write(previous, 64);
        var storedLeading = 65;
        for (var i = 1; i < values.Length; i++)
        {
            var current = BitConverter.DoubleToUInt64Bits(values[i]);
            var xor = current ^ previous;
            if (xor == 0)
            {
                writer.Write(0b00, 2);
                storedLeading = 65;
            }
            else
            {
                int leading = LeadingRound[BitOperations.LeadingZeroCount(xor)];
                var trailing = BitOperations.TrailingZeroCount(xor);
                if (trailing > TrailingThreshold)
                {
                    var significant = 64 - leading - trailing;
                    writer.Write(0b10, 2); // bits read LSB first: 0 then 1 = flag "01"
                    writer.Write(LeadingRepresentation[leading], 3);
                    writer.Write((ulong)significant, 6);
                    writer.Write(xor >> trailing, significant);
                    storedLeading = 65;
                }
                else if (leading == storedLeading)
                {
                    writer.Write(0b01, 2);
                    writer.Write(xor, 64 - leading);
                }
                else
                {
                    storedLeading = leading;
                    writer.Write(0b11, 2);
                    writer.Write(LeadingRepresentation[leading], 3);
                    writer.Write(xor, 64 - leading);
                }
            }

            previous = current;
        }
    }

    private static void ReadChimp(ref BitReader reader, scoped Span<double> destination)
    {
        var previous = reader.Read(64);
        destination[0] = BitConverter.UInt64BitsToDouble(previous);
        var storedLeading = 65;
        for (var i = 1; i < destination.Length; i++)
        {
            var flag = (int)reader.Read(2);
            switch (flag)
            {
                case 0b00:
                    storedLeading = 65;
                    break;
                case 0b10:
                {
                    int leading = LeadingValue[(int)reader.Read(3)];
                    var significant = (int)reader.Read(6);
                    if (significant == 0 || leading + significant > 64)
                    {
                        Corrupt.Throw("A floating-point page has an impossible XOR length.");
                    }

                    var trailing = 64 - leading - significant;
                    previous ^= reader.Read(significant) << trailing;
                    storedLeading = 65;
                    break;
                }

                case 0b01:
                    if (storedLeading == 65)
                    {
                        Corrupt.Throw("A floating-point page reuses a leading-zero count it never set.");
                    }

                    previous ^= reader.Read(64 - storedLeading);
                    break;
                default:
                    storedLeading = LeadingValue[(int)reader.Read(3)];
                    previous ^= reader.Read(64 - storedLeading);
                    break;
            }

            destination[i] = BitConverter.UInt64BitsToDouble(previous);
        }
    }

    private static byte[] BuildLeadingRound()
    {
        var table = new byte[65];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = i switch { < 8 => 0, < 12 => 8, < 16 => 12, < 18 => 16, < 20 => 18, < 22 => 20, < 24 => 22, _ => 24 };
        }

        return table;
    }

    private static byte[] BuildLeadingRepresentation()
    {
        var table = new byte[25];
        table[8] = 1;
        table[12] = 2;
        table[16] = 3;
        table[18] = 4;
        table[20] = 5;
        table[22] = 6;
        table[24] = 7;
        return table;
    }
}

/// <summary>
/// Floats ride on the double coder: every non-NaN float widens to a double exactly and narrows back
/// exactly. NaNs (whose payload a widening may alter) are kept aside bit for bit, as runs of equal NaNs so a
/// column of NaNs (a common "missing" marker) costs a few bytes instead of 39 bits a value.
/// </summary>
[SkipLocalsInit]
internal static class SinglePageCodec
{
    // Per NaN run, at worst: gap and length (two vars of up to 7 + 32 bits), the repeat flag and 32 raw bits.
    public static long MaxBytes(long count) => DoublePageCodec.MaxBytes(count) + (count * 14) + 16;

    public static void EncodeColumn(scoped ReadOnlySpan<float> values, scoped Span<double> widened, IntModes intModes, ref BitWriter writer)
    {
        var runs = 0;
        var previousBits = 0u;
        var inRun = false;
        double fill = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (float.IsNaN(v))
            {
                var bits = BitConverter.SingleToUInt32Bits(v);
                if (!inRun || bits != previousBits)
                {
                    runs++;
                }

                inRun = true;
                previousBits = bits;
                widened[i] = fill; // a repeat costs 2 bits in either double coding
            }
            else
            {
                inRun = false;
                fill = v;
                widened[i] = fill;
            }
        }

        // The doubles first, then the NaN runs, so the decoder patches them in place without a side buffer.
        DoublePageCodec.EncodeColumn(widened.Slice(0, values.Length), intModes, single: true, ref writer);
        writer.WriteVar((ulong)runs);
        var end = 0; // one past the previous run
        var hasPrevious = false;
        for (var i = 0; i < values.Length;)
        {
            if (!float.IsNaN(values[i]))
            {
                i++;
                continue;
            }

            var bits = BitConverter.SingleToUInt32Bits(values[i]);
            var start = i;
            while (i < values.Length && float.IsNaN(values[i]) && BitConverter.SingleToUInt32Bits(values[i]) == bits)
            {
                i++;
            }

            writer.WriteVar((ulong)(start - end));
            writer.WriteVar((ulong)(i - start - 1));
            var repeat = hasPrevious && bits == previousBits;
            writer.Write(repeat ? 1UL : 0UL, 1);
            if (!repeat)
            {
                writer.Write(bits, 32);
            }

            previousBits = bits;
            hasPrevious = true;
            end = i;
        }
    }

    public static void DecodeColumn(ref BitReader reader, scoped Span<float> destination, scoped Span<double> widened)
    {
        var doubles = widened.Slice(0, destination.Length);
        DoublePageCodec.DecodeColumn(ref reader, doubles, single: true);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)doubles[i];
        }

        var runs = reader.ReadVar();
        if (runs > (ulong)destination.Length)
        {
            Corrupt.Throw($"A float column claims {runs} NaN runs for {destination.Length} values.");
        }

        var end = 0;
        var bits = 0u;
        for (var r = 0; r < (int)runs; r++)
        {
            var gap = reader.ReadVar();
            var lengthMinusOne = reader.ReadVar();
            var available = (ulong)(destination.Length - end);
            if (gap >= available || lengthMinusOne >= available - gap)
            {
                Corrupt.Throw("A float column has a NaN run outside the column.");
            }

            if (reader.Read(1) == 0)
            {
                bits = (uint)reader.Read(32);
            }
            else if (r == 0)
            {
                Corrupt.Throw("A float column's first NaN run repeats a NaN it never set.");
            }

            var start = end + (int)gap;
            end = start + (int)lengthMinusOne + 1;
            destination.Slice(start, end - start).Fill(BitConverter.UInt32BitsToSingle(bits));
        }
    }
}
