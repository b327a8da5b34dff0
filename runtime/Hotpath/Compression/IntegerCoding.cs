using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hotpath.Compression;

/// <summary>Bit-level page encodings of 64-bit integers; the id is written in the page's first 4 bits.</summary>
internal enum IntMode
{
    /// <summary>Frame of reference: minimum, then every value minus it, bit-packed at one width.</summary>
    For = 0,

    /// <summary>First value, then deltas minus their minimum, bit-packed.</summary>
    DeltaFor = 1,

    /// <summary>First value and delta, then deltas of deltas minus their minimum, bit-packed.</summary>
    DeltaOfDeltaFor = 2,

    /// <summary>Values around a centre, zigzag + Rice coded (unary quotient, k-bit remainder).</summary>
    Rice = 3,

    /// <summary>First value, then deltas around a centre, zigzag + Rice coded.</summary>
    DeltaRice = 4,

    /// <summary>First value and delta, then deltas of deltas around a centre, zigzag + Rice coded.</summary>
    DeltaOfDeltaRice = 5,

    /// <summary>Runs of (value change, length).</summary>
    RunLength = 6,

    /// <summary>
    /// First value, then per delta a 0 bit when it is zero, else a 1 bit and the Rice code of zigzag(delta) - 1:
    /// gauges that hold still most of the time (memory, counters, states) pay about a bit per unchanged value.
    /// </summary>
    DeltaSparseRice = 7,

    /// <summary>
    /// Patched frame of reference: zigzag(value - centre) bit-packed at a width most values fit, the rest stored
    /// apart as (position, value) exceptions. A few outliers (a series boundary in a page grouped by series) cost
    /// their own bits, not a wider page (frame of reference) or an escape each plus a unary part on every value (Rice).
    /// </summary>
    Patched = 8,

    /// <summary>First value, then the deltas, patched frame of reference.</summary>
    DeltaPatched = 9,

    /// <summary>First value and delta, then the deltas of deltas, patched frame of reference.</summary>
    DeltaOfDeltaPatched = 10,
}

/// <summary>Sets of <see cref="IntMode"/> a column may choose from.</summary>
[Flags]
internal enum IntModes
{
    None = 0,
    For = 1 << IntMode.For,
    DeltaFor = 1 << IntMode.DeltaFor,
    DeltaOfDeltaFor = 1 << IntMode.DeltaOfDeltaFor,
    Rice = 1 << IntMode.Rice,
    DeltaRice = 1 << IntMode.DeltaRice,
    DeltaOfDeltaRice = 1 << IntMode.DeltaOfDeltaRice,
    RunLength = 1 << IntMode.RunLength,
    DeltaSparseRice = 1 << IntMode.DeltaSparseRice,
    Patched = 1 << IntMode.Patched,
    DeltaPatched = 1 << IntMode.DeltaPatched,
    DeltaOfDeltaPatched = 1 << IntMode.DeltaOfDeltaPatched,
    AnyPatched = Patched | DeltaPatched | DeltaOfDeltaPatched,
    Delta = DeltaFor | DeltaRice | DeltaSparseRice | DeltaPatched,
    DeltaOfDelta = DeltaOfDeltaFor | DeltaOfDeltaRice | DeltaOfDeltaPatched,
    All = For | DeltaFor | DeltaOfDeltaFor | Rice | DeltaRice | DeltaOfDeltaRice | RunLength | DeltaSparseRice | AnyPatched,
}

/// <summary>The chosen encoding of one page and its exact size in bits.</summary>
internal struct IntPagePlan
{
    public IntMode Mode;
    public int Parameter; // bit width (FOR, patched) or k (Rice)
    public long Base;     // minimum (FOR) or centre (Rice, patched)
    public long Bits;
    public ulong Divisor;  // > 1: values are first + Divisor × (the page's integers)
    public long Unchanged; // values equal to the one before them, when the plan counted them (run-length or sparse mode allowed); else -1
}

/// <summary>
/// Encodes pages of at most <see cref="PageSize"/> integers, choosing per page the cheapest of the allowed
/// modes by exact bit count. Pages are independent, so every page can pick what suits its data.
/// </summary>
[SkipLocalsInit]
internal static class IntPageCodec
{
    public const int PageSize = 1024;
    public const int ModeBits = 4;
    private const int WidthBits = 7;
    private const int RiceParameterBits = 6;
    private const int RiceEscape = RiceCode.Escape; // quotients this large are outliers: escape to a length-prefixed raw value
    private const int RunCountBits = 11;
    private const int RunLengthBits = 10;
    private const int ExceptionCountBits = 11; // 0 to 1,024
    private const int ExceptionPositionBits = 10; // 0 to 1,023
    private const int MagnitudeStride = 8;
    private const int EscapeGroups = 256; // groups of four whose escape masks RiceSums.AddVectorized notes before going through them

    /// <summary>
    /// Worst case bytes for <paramref name="count"/> values in any mode, even one forced alone: a Rice escape
    /// costs 91 bits and a run of one 81, so 12 bytes a value plus page headers always suffice.
    /// </summary>
    public static long MaxBytes(long count) => (count * 12) + (((count + PageSize - 1) / PageSize) * 64) + 16;

    /// <summary>Encodes a whole column of values as consecutive pages.</summary>
    public static void EncodeColumn(scoped ReadOnlySpan<long> values, IntModes allowed, ref BitWriter writer)
    {
        for (var start = 0; start < values.Length; start += PageSize)
        {
            var page = values.Slice(start, Math.Min(PageSize, values.Length - start));
            var plan = Plan(page, allowed);
            Write(page, plan, ref writer);
        }
    }

    /// <summary>Decodes what <see cref="EncodeColumn"/> wrote for exactly <paramref name="destination"/>.Length values.</summary>
    public static void DecodeColumn(ref BitReader reader, scoped Span<long> destination)
    {
        for (var start = 0; start < destination.Length; start += PageSize)
        {
            DecodePage(ref reader, destination.Slice(start, Math.Min(PageSize, destination.Length - start)));
        }
    }

    /// <summary>The cheapest allowed encoding of one page (1 to <see cref="PageSize"/> values).</summary>
    /// <summary>
    /// The cheapest allowed encoding of one page (1 to <see cref="PageSize"/> values). When every value
    /// differs from the first by a multiple of some d &gt; 1 (timestamps in ms stored as ticks, decimals with
    /// trailing zeros) the page stores (v - first) / d instead: the d costs a few bits, the saving is log2(d) a value.
    /// </summary>
    public static IntPagePlan Plan(ReadOnlySpan<long> values, IntModes allowed)
    {
        var divisor = CommonDivisor(values);
        if (divisor > 1)
        {
            Span<long> scaled = stackalloc long[values.Length];
            Scale(values, divisor, scaled);
            var plan = PlanInner(scaled, allowed);
            plan.Bits += 1 + BitWriter.VarBits(ZigZag.Encode(values[0])) + BitWriter.VarBits(divisor);
            plan.Divisor = divisor;
            return plan;
        }

        var plain = PlanInner(values, allowed);
        plain.Bits += 1;
        plain.Divisor = 1;
        return plain;
    }

    public static void Write(scoped ReadOnlySpan<long> values, in IntPagePlan plan, ref BitWriter writer)
    {
        if (plan.Divisor > 1)
        {
            writer.WriteBit(true);
            writer.WriteVarSigned(values[0]);
            writer.WriteVar(plan.Divisor);
            Span<long> scaled = stackalloc long[values.Length];
            Scale(values, plan.Divisor, scaled);
            WriteInner(scaled, plan, ref writer);
            return;
        }

        writer.WriteBit(false);
        WriteInner(values, plan, ref writer);
    }

    public static void DecodePage(ref BitReader reader, scoped Span<long> destination)
    {
        if (!reader.ReadBit())
        {
            DecodeInner(ref reader, destination);
            return;
        }

        var first = reader.ReadVarSigned();
        var divisor = reader.ReadVar();
        if (divisor < 2)
        {
            Corrupt.Throw($"An integer page claims a common divisor of {divisor}.");
        }

        DecodeInner(ref reader, destination);
        var d = (long)divisor;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = unchecked(first + (d * destination[i]));
        }
    }

    /// <summary>The greatest common divisor of every (value - first), or 1 when there is none worth using or a difference overflows.</summary>
    /// <remarks>
    /// Most values are already multiples of the running divisor, so each is tested with a multiply (exact
    /// divisibility by an odd number through its inverse mod 2^64) and a true gcd step runs only when the
    /// divisor shrinks (at most 64 times a page).
    /// </remarks>
    private static ulong CommonDivisor(ReadOnlySpan<long> values)
    {
        var first = values[0];
        ulong divisor = 0;
        var shift = 0;
        ulong inverse = 0;
        ulong limit = 0;
        for (var i = 1; i < values.Length; i++)
        {
            var v = values[i];
            var difference = unchecked(v - first);
            if (((v ^ first) & (v ^ difference)) < 0)
            {
                return 1; // the difference overflows a long
            }

            var magnitude = difference < 0 ? unchecked((ulong)-difference) : (ulong)difference;
            if (magnitude == 0)
            {
                continue;
            }

            if (divisor != 0
                && (magnitude & ((1UL << shift) - 1)) == 0
                && unchecked((magnitude >> shift) * inverse) <= limit)
            {
                continue; // already a multiple of the divisor
            }

            var a = divisor;
            var b = magnitude;
            while (b != 0)
            {
                (a, b) = (b, a % b);
            }

            divisor = a;
            if (divisor == 1)
            {
                return 1;
            }

            shift = BitOperations.TrailingZeroCount(divisor);
            var odd = divisor >> shift;
            inverse = OddInverse(odd);
            limit = ulong.MaxValue / odd;
        }

        return divisor is 0 or > long.MaxValue ? 1 : divisor;
    }

    /// <summary>The inverse of an odd number modulo 2^64 (Newton's iteration: each step doubles the correct bits).</summary>
    private static ulong OddInverse(ulong odd)
    {
        var inverse = odd; // correct to 3 bits for any odd number
        for (var i = 0; i < 5; i++)
        {
            inverse = unchecked(inverse * (2 - (odd * inverse)));
        }

        return inverse;
    }

    /// <summary>(value - first) / divisor for values whose differences are exact multiples: a shift and a multiply, no division.</summary>
    private static void Scale(ReadOnlySpan<long> values, ulong divisor, Span<long> scaled)
    {
        var first = values[0];
        var shift = BitOperations.TrailingZeroCount(divisor);
        var inverse = (long)OddInverse(divisor >> shift);
        scaled = scaled.Slice(0, values.Length);
        for (var i = 0; i < scaled.Length; i++)
        {
            scaled[i] = unchecked(((values[i] - first) >> shift) * inverse);
        }
    }

    /// <summary>
    /// Exact sizes of the allowed modes in three passes over the page (the deltas and deltas of deltas are
    /// computed on the fly, never stored): min, max and mean of the three sequences; Rice magnitudes around
    /// each mean; then the exact Rice size, for k around the magnitude's log, of the sequence with the
    /// smallest magnitude (the others cannot beat it by more than rounding).
    /// </summary>
    private static IntPagePlan PlanInner(ReadOnlySpan<long> values, IntModes allowed)
    {
        if ((allowed & IntModes.All) == 0)
        {
            allowed = IntModes.All;
        }

        var n = values.Length;
        var firstBits = BitWriter.VarBits(ZigZag.Encode(values[0]));
        var deltaHeader = firstBits;
        var dodHeader = firstBits + (n >= 2 ? BitWriter.VarBits(ZigZag.Encode(unchecked(values[1] - values[0]))) : 0);

        // The frame-of-reference modes (values, deltas, deltas of deltas) need a pass each for their min and max; Rice
        // needs one for its exact sizes. The Rice sampling comes first: its samples' range is a lower bound on each
        // frame-of-reference size, and a mode whose bound is above the best size found cannot win, so its pass is
        // skipped. Modes are sized cheapest-looking first; the choice (ties going to the lower mode number, as
        // before) is the same as sizing all of them.
        var riceAllowed = (allowed & (IntModes.Rice | IntModes.DeltaRice | IntModes.DeltaOfDeltaRice)) != 0;
        var rice = riceAllowed ? ChooseRice(values, allowed, deltaHeader, dodHeader) : default;
        var best = new IntPagePlan { Bits = long.MaxValue };
        var riceGuess = riceAllowed ? rice.GuessBits : long.MaxValue;
        for (var order = 0; order <= 2; order++)
        {
            if (ForAllowed(allowed, order) && ForLowerBound(rice.Ranges, order, n, deltaHeader, dodHeader) <= riceGuess)
            {
                Consider(ref best, PlanFor(values, order, deltaHeader, dodHeader));
            }
        }

        if (riceAllowed)
        {
            Consider(ref best, SizeRice(values, in rice, best.Bits));
            for (var order = 0; order <= 2; order++)
            {
                var bound = ForLowerBound(rice.Ranges, order, n, deltaHeader, dodHeader);
                if (ForAllowed(allowed, order) && bound > riceGuess && bound <= best.Bits)
                {
                    Consider(ref best, PlanFor(values, order, deltaHeader, dodHeader));
                }
            }
        }

        if ((allowed & IntModes.AnyPatched) != 0 && (!riceAllowed || PatchedMayWin(rice, allowed, best.Bits)))
        {
            Consider(ref best, PlanPatched(values, allowed, riceAllowed ? rice.Estimate : null, deltaHeader, dodHeader));
        }

        // Values equal to the one before them, four at a time: the number of runs, and the sparse mode's zeros.
        var unchanged = (allowed & (IntModes.RunLength | IntModes.DeltaSparseRice)) != 0 ? CountUnchanged(values) : 0;
        if ((allowed & IntModes.RunLength) != 0 && ModeBits + RunCountBits + ((n - unchanged) * (7 + RunLengthBits)) < best.Bits)
        {
            // Every run costs at least 17 bits; only size the runs when that bound can beat the best so far.
            Consider(ref best, PlanRunLength(values));
        }

        if ((allowed & IntModes.DeltaSparseRice) != 0)
        {
            // Alone (a forced encoding) it must always produce a plan. Beside others it must be a tenth smaller than
            // the best of them: its decoder, with a data-dependent branch per value, is slower than the Rice loop,
            // which is not worth a percent or two.
            var force = allowed == IntModes.DeltaSparseRice;
            var sparse = PlanSparse(values, unchanged, deltaHeader, force ? long.MaxValue : best.Bits - (best.Bits / 10), force);
            if (force || sparse.Bits < best.Bits - (best.Bits / 10))
            {
                Consider(ref best, sparse);
            }
        }

        best.Unchanged = (allowed & (IntModes.RunLength | IntModes.DeltaSparseRice)) != 0 ? unchanged : -1;
        return best;
    }

    /// <summary>
    /// Sizes <see cref="IntMode.DeltaSparseRice"/> exactly, for k around the one the nonzero deltas' mean suggests;
    /// only when at least a third of the deltas are zero (otherwise the flag bits cost more than they save).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own registers: inlined into PlanInner, its sums lived on the stack
    private static IntPagePlan PlanSparse(ReadOnlySpan<long> values, long zeros, long deltaHeader, long toBeat, bool force)
    {
        var none = new IntPagePlan { Bits = long.MaxValue };
        var n = values.Length;

        // zeros (unchanged values) is a cheap count: most pages have few and stop here.
        var nonzero = n - 1 - zeros;
        if (zeros * 3 < n - 1 && !force)
        {
            return none;
        }

        // Bit lengths of the nonzero codes' values: k from their median (robust to outliers) and from their mean
        // (better on smooth distributions), like the Rice planner; the four candidates are then sized exactly in
        // one pass.
        var histogramBuffer = default(Scratch65<int>);
        Span<int> histogram = histogramBuffer;
        double sum = 0;
        for (var i = 1; i < n; i++)
        {
            // A branch on zero deltas: cheaper here, on real data, than counting zeros in a spare bin.
            var u = ZigZag.Encode(unchecked(values[i] - values[i - 1]));
            if (u != 0)
            {
                histogram[64 - BitOperations.LeadingZeroCount(u - 1)]++;
                sum += u - 1;
            }
        }

        var medianBits = 0;
        long seen = histogram[0];
        while (medianBits < 64 && seen * 2 < nonzero)
        {
            seen += histogram[++medianBits];
        }

        var kMedian = Math.Min(62, Math.Max(0, medianBits - 1));
        var mean = nonzero == 0 ? 0 : sum / nonzero;
        var kMean = mean < 2 ? 0 : Math.Min(63, (int)Math.Log2(mean * 0.69));
        long fixedBits = ModeBits + deltaHeader + RiceParameterBits + (n - 1);
        Span<int> ks = [Math.Max(0, kMedian - 1), kMedian, kMedian + 1, kMean];
        var kLow = Math.Min(ks[0], kMean);
        if (fixedBits + (nonzero * (1L + kLow)) >= toBeat)
        {
            return none; // every nonzero code costs at least 1 + k bits
        }

        var sums = new RiceSums(ks, kLow);
        for (var j = Vector256.IsHardwareAccelerated ? sums.AddVectorized(values, 1, 0, sparse: true) : 1; j < n; j++)
        {
            sums.Add(SparseCode(ZigZag.Encode(unchecked(values[j] - values[j - 1]))));
        }

        Span<long> sizes = [sums.A0, sums.A1, sums.A2, sums.A3];
        var plan = none;
        for (var c = 0; c < 4; c++)
        {
            var bits = fixedBits + sizes[c] + (nonzero * (1L + ks[c]));
            if (bits < plan.Bits)
            {
                plan = new IntPagePlan { Mode = IntMode.DeltaSparseRice, Parameter = ks[c], Bits = bits };
            }
        }

        return plan;
    }

    /// <summary>How many values equal the one before them.</summary>
    internal static long CountUnchanged(ReadOnlySpan<long> values)
    {
        long count = 0;
        var i = 1;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(values);
            for (; i + Vector256<long>.Count <= values.Length; i += Vector256<long>.Count)
            {
                var current = Vector256.LoadUnsafe(ref start, (nuint)i);
                var previous = Vector256.LoadUnsafe(ref start, (nuint)(i - 1));
                count += BitOperations.PopCount(Vector256.Equals(current, previous).ExtractMostSignificantBits());
            }
        }

        for (; i < values.Length; i++)
        {
            count += values[i] == values[i - 1] ? 1 : 0;
        }

        return count;
    }

    private static void WriteSparse(scoped ReadOnlySpan<long> values, int k, ref BitWriter writer)
    {
        writer.WriteVarSigned(values[0]);
        writer.Write((ulong)k, RiceParameterBits);
        for (var i = 1; i < values.Length; i++)
        {
            var u = ZigZag.Encode(unchecked(values[i] - values[i - 1]));
            writer.WriteBit(u != 0);
            if (u != 0)
            {
                writer.WriteRiceCode(u - 1, k);
            }
        }
    }

    private static void ReadSparse(ref BitReader reader, scoped Span<long> destination)
    {
        var previous = reader.ReadVarSigned();
        var k = (int)reader.Read(RiceParameterBits);
        destination[0] = previous;
        reader.ReadSparseRice(destination.Slice(1), previous, k);
    }

    private static void WriteInner(scoped ReadOnlySpan<long> values, in IntPagePlan plan, ref BitWriter writer)
    {
        var n = values.Length;
        writer.Write((ulong)plan.Mode, ModeBits);
        switch (plan.Mode)
        {
            case IntMode.For:
                WriteFor(values, plan, ref writer);
                return;
            case IntMode.Rice:
                WriteRice(values, plan, ref writer);
                return;
            case IntMode.RunLength:
                WriteRunLength(values, ref writer);
                return;
            case IntMode.DeltaSparseRice:
                WriteSparse(values, plan.Parameter, ref writer);
                return;
            case IntMode.Patched:
                WritePatched(values, plan, ref writer);
                return;
        }

        // Delta and delta-of-delta modes: rebuild the transformed sequence on the stack.
        Span<long> sequence = stackalloc long[n];
        writer.WriteVarSigned(values[0]);
        var order = plan.Mode is IntMode.DeltaFor or IntMode.DeltaRice or IntMode.DeltaPatched ? 1 : 2;
        if (order == 2 && n >= 2)
        {
            writer.WriteVarSigned(unchecked(values[1] - values[0]));
        }

        var length = Differences(values, order, sequence);
        if (plan.Mode is IntMode.DeltaFor or IntMode.DeltaOfDeltaFor)
        {
            WriteFor(sequence.Slice(0, length), plan, ref writer);
        }
        else if (plan.Mode is IntMode.DeltaPatched or IntMode.DeltaOfDeltaPatched)
        {
            WritePatched(sequence.Slice(0, length), plan, ref writer);
        }
        else
        {
            WriteRice(sequence.Slice(0, length), plan, ref writer);
        }
    }

    /// <summary>
    /// The deltas (order 1) or deltas of deltas (order 2) of the values into <paramref name="sequence"/>, four at a
    /// time where the hardware allows (the elements of <see cref="Element"/> from index order on); returns how many.
    /// </summary>
    private static int Differences(ReadOnlySpan<long> values, int order, Span<long> sequence)
    {
        var length = Math.Max(values.Length - order, 0);
        sequence = sequence.Slice(0, length);
        var i = order;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var source = ref MemoryMarshal.GetReference(values);
            ref var target = ref MemoryMarshal.GetReference(sequence);
            for (; i + Vector256<long>.Count <= values.Length; i += Vector256<long>.Count)
            {
                var current = Vector256.LoadUnsafe(ref source, (nuint)i);
                var previous = Vector256.LoadUnsafe(ref source, (nuint)(i - 1));
                var difference = order == 1
                    ? current - previous
                    : current - previous - previous + Vector256.LoadUnsafe(ref source, (nuint)(i - 2));
                difference.StoreUnsafe(ref target, (nuint)(i - order));
            }
        }

        for (; i < values.Length; i++)
        {
            sequence[i - order] = Element(values, order, i);
        }

        return length;
    }

    // The running sums live in their own small methods: inside DecodeInner the JIT kept the sum on the stack,
    // a store and a reload on every value's critical path.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PrefixSum(scoped Span<long> deltas, long previous)
    {
        for (var i = 0; i < deltas.Length; i++)
        {
            previous = unchecked(previous + deltas[i]);
            deltas[i] = previous;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PrefixSumTwice(scoped Span<long> deltasOfDeltas, long previous, long delta)
    {
        for (var i = 0; i < deltasOfDeltas.Length; i++)
        {
            delta = unchecked(delta + deltasOfDeltas[i]);
            previous = unchecked(previous + delta);
            deltasOfDeltas[i] = previous;
        }
    }

    private static void DecodeInner(ref BitReader reader, scoped Span<long> destination)
    {
        var n = destination.Length;
        var mode = (IntMode)reader.Read(ModeBits);
        switch (mode)
        {
            case IntMode.For:
                ReadFor(ref reader, destination);
                return;
            case IntMode.Rice:
                ReadRice(ref reader, destination);
                return;
            case IntMode.RunLength:
                ReadRunLength(ref reader, destination);
                return;
            case IntMode.DeltaSparseRice:
                ReadSparse(ref reader, destination);
                return;
            case IntMode.Patched:
                ReadPatched(ref reader, destination);
                return;
            case IntMode.DeltaFor:
            case IntMode.DeltaRice:
            case IntMode.DeltaPatched:
            {
                var previous = reader.ReadVarSigned();
                destination[0] = previous;
                var rest = destination.Slice(1);
                ReadSequence(ref reader, mode, rest);

                PrefixSum(rest, previous);
                return;
            }

            case IntMode.DeltaOfDeltaFor:
            case IntMode.DeltaOfDeltaRice:
            case IntMode.DeltaOfDeltaPatched:
            {
                var previous = reader.ReadVarSigned();
                destination[0] = previous;
                if (n == 1)
                {
                    ReadSequence(ref reader, mode, Span<long>.Empty);
                    return;
                }

                var delta = reader.ReadVarSigned();
                previous = unchecked(previous + delta);
                destination[1] = previous;
                var rest = destination.Slice(2);
                ReadSequence(ref reader, mode, rest);

                PrefixSumTwice(rest, previous, delta);
                return;
            }

            default:
                Corrupt.Throw($"Unknown integer page encoding {(int)mode}.");
                return;
        }
    }

    /// <summary>The deltas or deltas of deltas of a delta mode, in that mode's coding.</summary>
    private static void ReadSequence(ref BitReader reader, IntMode mode, scoped Span<long> sequence)
    {
        switch (mode)
        {
            case IntMode.DeltaFor or IntMode.DeltaOfDeltaFor:
                ReadFor(ref reader, sequence);
                break;
            case IntMode.DeltaPatched or IntMode.DeltaOfDeltaPatched:
                ReadPatched(ref reader, sequence);
                break;
            default:
                ReadRice(ref reader, sequence);
                break;
        }
    }

    /// <summary>Keeps the smaller plan; of two the same size, the lower mode number (the order modes were once sized in).</summary>
    private static void Consider(ref IntPagePlan best, IntPagePlan candidate)
    {
        if (candidate.Bits < best.Bits || (candidate.Bits == best.Bits && candidate.Mode < best.Mode))
        {
            best = candidate;
        }
    }

    /// <summary>What a sequence of the given order stores before its codes: nothing, the first value, or the first value and delta.</summary>
    private static long HeaderBits(int order, long deltaHeader, long dodHeader) => order switch { 0 => 0, 1 => deltaHeader, _ => dodHeader };

    private static bool ForAllowed(IntModes allowed, int order) => (allowed & (IntModes)(1 << order)) != 0; // For, DeltaFor, DeltaOfDeltaFor

    /// <summary>The frame-of-reference plan of the values (order 0), deltas (1) or deltas of deltas (2).</summary>
    private static IntPagePlan PlanFor(ReadOnlySpan<long> values, int order, long deltaHeader, long dodHeader)
    {
        var (min, max) = MinMax(values, order);
        return PlanFor(min, max, Math.Max(values.Length - order, 0), (IntMode)order, HeaderBits(order, deltaHeader, dodHeader));
    }

    /// <summary>
    /// At most the size <see cref="PlanFor(ReadOnlySpan{long}, int, long, long)"/> finds: a width no smaller than the
    /// sampled range needs, and the cheapest minimum. With no samples of that order, only the headers.
    /// </summary>
    private static long ForLowerBound(in SampleRanges ranges, int order, int n, long deltaHeader, long dodHeader)
    {
        var (min, max) = ranges[order];
        var width = min > max ? 0 : 64 - BitOperations.LeadingZeroCount(unchecked((ulong)(max - min)));
        return ModeBits + HeaderBits(order, deltaHeader, dodHeader) + BitWriter.VarBits(0) + WidthBits
            + ((long)Math.Max(n - order, 0) * width);
    }

    private static IntPagePlan PlanFor(long min, long max, int length, IntMode mode, long headerBits)
    {
        var width = 64 - BitOperations.LeadingZeroCount(unchecked((ulong)(max - min)));
        return new IntPagePlan
        {
            Mode = mode,
            Parameter = width,
            Base = min,
            Bits = ModeBits + headerBits + BitWriter.VarBits(ZigZag.Encode(min)) + WidthBits + ((long)length * width),
        };
    }

    /// <summary>
    /// Min and max of the values (order 0), their deltas (1) or deltas of deltas (2), four lanes at a time where
    /// the hardware allows; zeros for an empty sequence.
    /// </summary>
    private static (long Min, long Max) MinMax(ReadOnlySpan<long> values, int order)
    {
        var n = values.Length;
        if (n <= order)
        {
            return (0, 0);
        }

        long min = long.MaxValue, max = long.MinValue;
        var i = order;
        if (Vector256.IsHardwareAccelerated && n - order >= 8)
        {
            ref var r = ref MemoryMarshal.GetReference(values);
            var vMin = Vector256.Create(long.MaxValue);
            var vMax = Vector256.Create(long.MinValue);

            // i >= order and i + 3 < n: every load below is inside the span.
            var last = n - Vector256<long>.Count;
            if (order == 0)
            {
                for (; i <= last; i += Vector256<long>.Count)
                {
                    var s = Vector256.LoadUnsafe(ref r, (nuint)i);
                    vMin = Vector256.Min(vMin, s);
                    vMax = Vector256.Max(vMax, s);
                }
            }
            else if (order == 1)
            {
                for (; i <= last; i += Vector256<long>.Count)
                {
                    var s = Vector256.LoadUnsafe(ref r, (nuint)i) - Vector256.LoadUnsafe(ref r, (nuint)(i - 1));
                    vMin = Vector256.Min(vMin, s);
                    vMax = Vector256.Max(vMax, s);
                }
            }
            else
            {
                for (; i <= last; i += Vector256<long>.Count)
                {
                    var previous = Vector256.LoadUnsafe(ref r, (nuint)(i - 1));
                    var s = Vector256.LoadUnsafe(ref r, (nuint)i) - previous - previous + Vector256.LoadUnsafe(ref r, (nuint)(i - 2));
                    vMin = Vector256.Min(vMin, s);
                    vMax = Vector256.Max(vMax, s);
                }
            }

            for (var lane = 0; lane < Vector256<long>.Count; lane++)
            {
                min = Math.Min(min, vMin.GetElement(lane));
                max = Math.Max(max, vMax.GetElement(lane));
            }
        }

        for (; i < n; i++)
        {
            var s = Element(values, order, i);
            min = Math.Min(min, s);
            max = Math.Max(max, s);
        }

        return (min, max);
    }

    /// <summary>Element <paramref name="i"/> (&gt;= order) of the values, deltas or deltas of deltas.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Element(ReadOnlySpan<long> values, int order, int i) => order switch
    {
        0 => values[i],
        1 => unchecked(values[i] - values[i - 1]),
        _ => unchecked(values[i] - (2 * values[i - 1]) + values[i - 2]),
    };

    /// <summary>
    /// The Rice candidate. Robust to outliers (which Rice escapes cheaply, like patched exceptions): each allowed
    /// sequence (values, deltas, deltas of deltas) is centred on the median of a 16-element sample; the one whose
    /// sampled magnitudes have the fewest significant bits is chosen, and <see cref="SizeRice"/> sizes it exactly for
    /// k around the median magnitude's bit length and for the k the mean magnitude suggests.
    /// </summary>
    private static RiceChoice ChooseRice(ReadOnlySpan<long> values, IntModes allowed, long deltaHeader, long dodHeader)
    {
        var choice = new RiceChoice { Estimate = new RiceEstimate { BitsPerValue = double.MaxValue } };
        choice.Ranges.Clear();
        for (var order = 0; order <= 2; order++)
        {
            var candidate = order switch { 0 => IntMode.Rice, 1 => IntMode.DeltaRice, _ => IntMode.DeltaOfDeltaRice };
            if ((allowed & (IntModes)(1 << (int)candidate)) == 0)
            {
                continue;
            }

            var estimate = Estimate(values, order);
            choice.Ranges[order] = (estimate.SampleMin, estimate.SampleMax);
            if (estimate.BitsPerValue < choice.Estimate.BitsPerValue)
            {
                (choice.Estimate, choice.Header) = (estimate, HeaderBits(order, deltaHeader, dodHeader));
            }
        }

        Describe(values, ref choice.Estimate);

        // About a bit a code above the mean bit length (the terminating bit; quotients and k about cancel out).
        choice.GuessBits = (long)(Math.Max(values.Length - choice.Estimate.Order, 0) * (choice.Estimate.BitsPerValue + 1));
        return choice;
    }

    /// <summary>The sequence <see cref="ChooseRice"/> picked sized exactly for k around its estimate; no plan (<see cref="long.MaxValue"/> bits) when it cannot beat <paramref name="toBeat"/>.</summary>
    private static IntPagePlan SizeRice(ReadOnlySpan<long> values, in RiceChoice choice, long toBeat)
    {
        var n = values.Length;
        var (mode, best, header) = (choice.Mode, choice.Estimate, choice.Header);
        var centre = best.Centre;
        var kMedian = Math.Max(0, best.MedianBits - 1);
        var kMean = best.Mean < 2 ? 0 : Math.Min(63, (int)Math.Log2(best.Mean * 0.69));
        Span<int> ks = [Math.Max(0, kMedian - 1), Math.Min(63, kMedian), Math.Min(63, kMedian + 1), kMean];
        var kLow = Math.Min(ks[0], kMean);
        var skip = mode switch { IntMode.Rice => 0, IntMode.DeltaRice => 1, _ => 2 };
        long fixedBits = ModeBits + header + BitWriter.VarBits(ZigZag.Encode(centre)) + RiceParameterBits + RiceCode.SplitLengthBits(Math.Max(n - skip, 0));
        if (fixedBits + ((long)Math.Max(n - skip, 0) * (1 + kLow)) >= toBeat)
        {
            // Every code costs at least 1 + k bits: Rice cannot win, skip the exact count.
            return new IntPagePlan { Bits = long.MaxValue };
        }

        var sizesBuffer = default(Scratch4<long>);
        Span<long> sizes = sizesBuffer;
        RiceSizes(values, skip, centre, ks, kLow, sizes);
        var plan = new IntPagePlan { Mode = mode, Bits = long.MaxValue, Base = centre };
        for (var c = 0; c < 4; c++)
        {
            if (fixedBits + sizes[c] < plan.Bits)
            {
                plan.Parameter = ks[c];
                plan.Bits = fixedBits + sizes[c];
            }
        }

        return plan;
    }

    private struct RiceEstimate
    {
        public long Centre;
        public double Mean;
        public int MedianBits;
        public double BitsPerValue;
        public long SampleMin, SampleMax; // of the sampled elements, before centring
        public long PatchedGuess; // the patched mode's body (packed values and exceptions) guessed from the samples
        public int Order; // 0: the values, 1: their deltas, 2: deltas of deltas
    }

    /// <summary>The Rice sequence to size, and what sampling learnt of every sequence.</summary>
    private struct RiceChoice
    {
        public readonly IntMode Mode => IntMode.Rice + Estimate.Order; // Rice, DeltaRice, DeltaOfDeltaRice
        public RiceEstimate Estimate;
        public long Header;
        public long GuessBits;
        public SampleRanges Ranges;
    }

    /// <summary>Sampled (min, max) of the values, deltas and deltas of deltas; min above max where none were sampled.</summary>
    [InlineArray(3)]
    private struct SampleRanges
    {
        private (long Min, long Max) _first;

        public void Clear()
        {
            this[0] = this[1] = this[2] = (long.MaxValue, long.MinValue);
        }
    }

    /// <summary>Centre (median of 16), mean magnitude, median bit length and mean bit length of a sequence, from samples.</summary>
    private static RiceEstimate Estimate(ReadOnlySpan<long> values, int order)
    {
        var count = values.Length - order;
        if (count <= 0)
        {
            return new RiceEstimate { Order = order, SampleMin = long.MaxValue, SampleMax = long.MinValue };
        }

        var fewBuffer = default(Scratch16<long>);
        var few = ((Span<long>)fewBuffer).Slice(0, Math.Min(16, count));
        for (var j = 0; j < few.Length; j++)
        {
            // j * count / few.Length without a 64-bit division by a variable (tens of cycles, 48 times a page):
            // few.Length is 16 or, for short pages, count itself.
            few[j] = Element(values, order, order + (few.Length == 16 ? j * count / 16 : j));
        }

        var (sampleMin, sampleMax) = (long.MaxValue, long.MinValue);
        foreach (var x in few)
        {
            (sampleMin, sampleMax) = (Math.Min(sampleMin, x), Math.Max(sampleMax, x));
        }

        var centre = MiddleOf(few);
        var sampled = (count + MagnitudeStride - 1) / MagnitudeStride;
        var bitSum = order switch
        {
            0 => SampleBits(values, 0, centre, ref sampleMin, ref sampleMax),
            1 => SampleBits(values, 1, centre, ref sampleMin, ref sampleMax),
            _ => SampleBits(values, 2, centre, ref sampleMin, ref sampleMax),
        };

        return new RiceEstimate { Order = order, Centre = centre, BitsPerValue = (double)bitSum / sampled, SampleMin = sampleMin, SampleMax = sampleMax };
    }

    /// <summary>The mean magnitude and median bit length of the samples <see cref="Estimate"/> took, for the sequence chosen.</summary>
    private static void Describe(ReadOnlySpan<long> values, ref RiceEstimate estimate)
    {
        var count = values.Length - estimate.Order;
        if (count <= 0)
        {
            return;
        }

        var histogramBuffer = default(Scratch65<int>);
        Span<int> histogram = histogramBuffer;
        var sum = default(MagnitudeSum);
        var sampled = (count + MagnitudeStride - 1) / MagnitudeStride;
        switch (estimate.Order)
        {
            case 0: SampleMagnitudes(values, 0, estimate.Centre, histogram, ref sum); break;
            case 1: SampleMagnitudes(values, 1, estimate.Centre, histogram, ref sum); break;
            default: SampleMagnitudes(values, 2, estimate.Centre, histogram, ref sum); break;
        }

        var median = 0;
        for (int b = 0, seen = 0; b < histogram.Length; b++)
        {
            seen += histogram[b];
            if (seen * 2 >= sampled)
            {
                median = b;
                break;
            }
        }

        (estimate.Mean, estimate.MedianBits) = (sum.Value / sampled, median);

        // The same samples guess the patched mode's body.
        estimate.PatchedGuess = PatchedBody(histogram, count, sampled).Bits;
    }

    /// <summary>
    /// The element at index Length / 2 of the sorted samples. For 16 of them (every full page), without sorting: each
    /// sample's rank comes from comparing it with all 16, four lanes at a time, with no data-dependent branch (an
    /// insertion sort of 16 mispredicts enough to cost several times as much, three times a page).
    /// </summary>
    internal static long MiddleOf(Span<long> samples)
    {
        if (samples.Length != 16 || !Vector256.IsHardwareAccelerated)
        {
            samples.Sort();
            return samples[samples.Length / 2];
        }

        ref var first = ref MemoryMarshal.GetReference(samples);
        var a0 = Vector256.LoadUnsafe(ref first, 0);
        var a1 = Vector256.LoadUnsafe(ref first, 4);
        var a2 = Vector256.LoadUnsafe(ref first, 8);
        var a3 = Vector256.LoadUnsafe(ref first, 12);

        // For every sample, how many others are smaller and how many larger (as negative counts: a true lane is -1).
        Vector256<long> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<long> g0 = default, g1 = default, g2 = default, g3 = default;
        for (var k = 0; k < 16; k++)
        {
            var b = Vector256.Create(Unsafe.Add(ref first, k));
            s0 += Vector256.GreaterThan(a0, b);
            s1 += Vector256.GreaterThan(a1, b);
            s2 += Vector256.GreaterThan(a2, b);
            s3 += Vector256.GreaterThan(a3, b);
            g0 += Vector256.GreaterThan(b, a0);
            g1 += Vector256.GreaterThan(b, a1);
            g2 += Vector256.GreaterThan(b, a2);
            g3 += Vector256.GreaterThan(b, a3);
        }

        // Sample j sits at sorted index 8 when at most 8 are smaller and at most 7 larger.
        var smaller = Vector256.Create(-9L);
        var larger = Vector256.Create(-8L);
        var m0 = Vector256.GreaterThan(s0, smaller) & Vector256.GreaterThan(g0, larger);
        var m1 = Vector256.GreaterThan(s1, smaller) & Vector256.GreaterThan(g1, larger);
        var m2 = Vector256.GreaterThan(s2, smaller) & Vector256.GreaterThan(g2, larger);
        var m3 = Vector256.GreaterThan(s3, smaller) & Vector256.GreaterThan(g3, larger);
        var lanes = m0.ExtractMostSignificantBits() | (m1.ExtractMostSignificantBits() << 4)
            | (m2.ExtractMostSignificantBits() << 8) | (m3.ExtractMostSignificantBits() << 12);
        return samples[BitOperations.TrailingZeroCount(lanes)]; // some sample always qualifies
    }

    /// <summary>
    /// The sum of the bit lengths of every <see cref="MagnitudeStride"/>th magnitude around <paramref name="centre"/>
    /// (of the values, deltas or deltas of deltas, from index order on), and their range (before centring) added to
    /// <paramref name="min"/> and <paramref name="max"/>: all the choice between the sequences needs, for all three.
    /// Inlined with a constant order, so the loop has no switch and no bounds checks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SampleBits(ReadOnlySpan<long> values, int order, long centre, ref long min, ref long max)
    {
        var (low, high) = (min, max);
        ref var start = ref MemoryMarshal.GetReference(values);
        long zeros = 0, sampled = 0;
        for (var i = order; i < values.Length; i += MagnitudeStride)
        {
            var x = SampleAt(ref start, order, i);
            (low, high) = (Math.Min(low, x), Math.Max(high, x));
            zeros += BitOperations.LeadingZeroCount(ZigZag.Encode(unchecked(x - centre)));
            sampled++;
        }

        (min, max) = (low, high);
        return (64 * sampled) - zeros;
    }

    /// <summary>
    /// Every <paramref name="stride"/>-th element of the order's sequence (with <see cref="MagnitudeStride"/>, the same
    /// samples as <see cref="SampleBits"/>), centred and zigzagged: magnitudes added to the sum and bit lengths (0 to
    /// 64) to the histogram.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SampleMagnitudes(ReadOnlySpan<long> values, int order, long centre, Span<int> histogram, ref MagnitudeSum sum, int stride = MagnitudeStride)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        ref var bins = ref MemoryMarshal.GetReference(histogram); // 65 bins: a bit length is 0 to 64
        for (var i = order; i < values.Length; i += stride)
        {
            var u = ZigZag.Encode(unchecked(SampleAt(ref start, order, i) - centre));
            sum.Add(u);
            Unsafe.Add(ref bins, 64 - BitOperations.LeadingZeroCount(u))++;
        }
    }

    /// <summary>Element i (&gt;= order: the one or two values before it are inside the span) of the values, deltas or deltas of deltas.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SampleAt(ref long start, int order, int i)
    {
        var value = Unsafe.Add(ref start, i);
        return order switch
        {
            0 => value,
            1 => unchecked(value - Unsafe.Add(ref start, i - 1)),
            _ => unchecked(value - (2 * Unsafe.Add(ref start, i - 1)) + Unsafe.Add(ref start, i - 2)),
        };
    }

    /// <summary>Exact Rice sizes of a sequence (as in <see cref="MinMax"/>) around <paramref name="centre"/> for each k in <paramref name="ks"/> (all &gt;= <paramref name="kLow"/>).</summary>
    internal static void RiceSizes(ReadOnlySpan<long> values, int order, long centre, ReadOnlySpan<int> ks, int kLow, Span<long> sizes)
    {
        var count = values.Length - order;
        sizes.Clear();
        if (count <= 0)
        {
            return;
        }

        // Size of a code = q + 1 + k with q = u >> k, unless q >= RiceEscape. Sum the quotients for each k
        // (shifts of the lowest k's quotient), and correct the rare codes that escape.
        var sums = new RiceSums(ks, kLow);
        var i = order;
        if (Vector256.IsHardwareAccelerated)
        {
            // A constant order in each call: the switch on it leaves the loop.
            i = order switch
            {
                0 => sums.AddVectorized(values, 0, centre),
                1 => sums.AddVectorized(values, 1, centre),
                _ => sums.AddVectorized(values, 2, centre),
            };
        }

        for (; i < values.Length; i++)
        {
            sums.Add(ZigZag.Encode(unchecked(Element(values, order, i) - centre)));
        }

        var (a0, a1, a2, a3) = (sums.A0, sums.A1, sums.A2, sums.A3);
        sizes[0] = a0 + ((long)count * (1 + ks[0]));
        sizes[1] = a1 + ((long)count * (1 + ks[1]));
        sizes[2] = a2 + ((long)count * (1 + ks[2]));
        sizes[3] = a3 + ((long)count * (1 + ks[3]));
    }

    /// <summary>Quotient sums of Rice codes for four k at once (see <see cref="RiceSizes"/>).</summary>
    private struct RiceSums
    {
        public long A0, A1, A2, A3;
        private readonly int _k0, _k1, _k2, _k3, _kLow, _s0, _s1, _s2, _s3;

        public RiceSums(ReadOnlySpan<int> ks, int kLow)
        {
            (_k0, _k1, _k2, _k3, _kLow) = (ks[0], ks[1], ks[2], ks[3], kLow);
            (_s0, _s1, _s2, _s3) = (ks[0] - kLow, ks[1] - kLow, ks[2] - kLow, ks[3] - kLow);
            A0 = A1 = A2 = A3 = 0;
        }

        /// <summary>
        /// Adds the codes of the order-<paramref name="order"/> sequence around <paramref name="centre"/>, four at a
        /// time with AVX2, from index <paramref name="order"/>; returns the index where the scalar tail starts. Lanes
        /// that escape are masked out of the vector sums and their four-bit masks noted, a byte per group with no
        /// branch (City-temp's missing readings make one group in five have one, in no pattern a predictor learns);
        /// every <see cref="EscapeGroups"/> groups the noted lanes go through <see cref="Add"/> one by one.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int AddVectorized(ReadOnlySpan<long> values, int order, long centre, bool sparse = false)
        {
            var i = order;
            if (!Avx2.IsSupported)
            {
                return i;
            }

            ref var start = ref MemoryMarshal.GetReference(values);
            var centres = Vector256.Create(centre);
            var escape = Vector256.Create((long)RiceEscape - 1);

            // Shift counts as vectors made once: with an int count the JIT rebuilds one for every shift.
            var low = Vector128.CreateScalar((ulong)_kLow);
            var (c0, c1, c2, c3) = (Vector128.CreateScalar((ulong)_s0), Vector128.CreateScalar((ulong)_s1), Vector128.CreateScalar((ulong)_s2), Vector128.CreateScalar((ulong)_s3));
            Vector256<ulong> a0 = default, a1 = default, a2 = default, a3 = default;
            var escapesBuffer = default(Scratch256<byte>);
            ref var escapeMasks = ref Unsafe.As<Scratch256<byte>, byte>(ref escapesBuffer);
            while (i + Vector256<long>.Count <= values.Length)
            {
                var first = i;
                var groups = Math.Min(EscapeGroups, (values.Length - i) / Vector256<long>.Count);
                for (var g = 0; g < groups; g++, i += Vector256<long>.Count)
                {
                    var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                    var x = order switch
                    {
                        0 => v,
                        1 => v - Vector256.LoadUnsafe(ref start, (nuint)(i - 1)),
                        _ => v - Vector256.LoadUnsafe(ref start, (nuint)(i - 1)) - Vector256.LoadUnsafe(ref start, (nuint)(i - 1)) + Vector256.LoadUnsafe(ref start, (nuint)(i - 2)),
                    } - centres;
                    var u = ((x << 1) ^ Vector256.GreaterThan(Vector256<long>.Zero, x)).AsUInt64(); // zigzag
                    if (sparse)
                    {
                        u = Vector256.AndNot(u - Vector256<ulong>.One, Vector256.Equals(u, Vector256<ulong>.Zero)); // see SparseCode
                    }

                    var q = Avx2.ShiftRightLogical(u, low);

                    // Quotients of RiceEscape or more (or past 2^63, when k is 0) escape.
                    var escapes = (Vector256.GreaterThan(q.AsInt64(), escape) | Vector256.LessThan(q.AsInt64(), Vector256<long>.Zero)).AsUInt64();
                    Unsafe.Add(ref escapeMasks, g) = (byte)escapes.ExtractMostSignificantBits();
                    q = Vector256.AndNot(q, escapes);
                    a0 += Avx2.ShiftRightLogical(q, c0);
                    a1 += Avx2.ShiftRightLogical(q, c1);
                    a2 += Avx2.ShiftRightLogical(q, c2);
                    a3 += Avx2.ShiftRightLogical(q, c3);
                }

                // The groups with escapes, 32 masks at a time.
                for (var g = 0; g < groups; g += Vector256<byte>.Count)
                {
                    var masks = Vector256.LoadUnsafe(ref escapeMasks, (nuint)g);
                    var withEscapes = ~Vector256.Equals(masks, Vector256<byte>.Zero).ExtractMostSignificantBits();
                    withEscapes &= groups - g >= 32 ? uint.MaxValue : (1U << (groups - g)) - 1;
                    for (; withEscapes != 0; withEscapes &= withEscapes - 1)
                    {
                        var group = g + BitOperations.TrailingZeroCount(withEscapes);
                        for (uint lanes = Unsafe.Add(ref escapeMasks, group); lanes != 0; lanes &= lanes - 1)
                        {
                            var at = first + (Vector256<long>.Count * group) + BitOperations.TrailingZeroCount(lanes);
                            var u = ZigZag.Encode(unchecked(Element(values, order, at) - centre));
                            Add(sparse ? SparseCode(u) : u);
                        }
                    }
                }
            }

            A0 += (long)Vector256.Sum(a0);
            A1 += (long)Vector256.Sum(a1);
            A2 += (long)Vector256.Sum(a2);
            A3 += (long)Vector256.Sum(a3);
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ulong u)
        {
            var q = u >> _kLow;
            if (q < RiceEscape)
            {
                A0 += (long)(q >> _s0);
                A1 += (long)(q >> _s1);
                A2 += (long)(q >> _s2);
                A3 += (long)(q >> _s3);
            }
            else
            {
                // Stored as its exact size less the 1 + k added for every value afterwards.
                A0 += RiceBits(u, _k0) - 1 - _k0;
                A1 += RiceBits(u, _k1) - 1 - _k1;
                A2 += RiceBits(u, _k2) - 1 - _k2;
                A3 += RiceBits(u, _k3) - 1 - _k3;
            }
        }
    }

    /// <summary>
    /// What <see cref="IntMode.DeltaSparseRice"/> Rice-codes for a zigzag delta: u - 1 when u is not zero, and 0 for a
    /// zero, which has no code (its flag bit says so) and adds nothing to the quotient sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SparseCode(ulong u) => u - Unsafe.BitCast<bool, byte>(u != 0); // no branch

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long RiceBits(ulong u, int k)
    {
        var q = u >> k;
        return q < RiceEscape ? (long)q + 1 + k : RiceEscape + BitWriter.VarBits(u);
    }

    /// <summary>
    /// Whether the patched mode, guessed from Rice's samples of the same sequence, looks at least 1/32 smaller than
    /// the best plan: only then is it sized exactly (a pass over the page that would otherwise slow the encoder by
    /// a third on data where it cannot win, such as uniform steps, where Rice's unary part costs about what the
    /// patched width wastes).
    /// </summary>
    private static bool PatchedMayWin(in RiceChoice rice, IntModes allowed, long best)
    {
        if ((allowed & (IntModes)(1 << (int)(IntMode.Patched + rice.Estimate.Order))) == 0)
        {
            return true; // sized for another sequence than the samples describe: no guess
        }

        var guess = ModeBits + rice.Header + BitWriter.VarBits(ZigZag.Encode(rice.Estimate.Centre)) + WidthBits + ExceptionCountBits + rice.Estimate.PatchedGuess;
        return guess < best - (best / 32);
    }

    /// <summary>
    /// Sizes the patched mode exactly for every width: one pass counts the bit lengths of zigzag(element - centre),
    /// and a width's cost is its packed bits plus, for each element that does not fit, a position and the value
    /// as a length-prefixed number. The sequence and centre are Rice's choice when that mode is allowed (the
    /// sequence with the smallest magnitudes, centred on its median), else the lowest allowed order's.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IntPagePlan PlanPatched(ReadOnlySpan<long> values, IntModes allowed, RiceEstimate? rice, long deltaHeader, long dodHeader)
    {
        int order;
        long centre;
        if (rice is { } chosen && (allowed & (IntModes)(1 << (int)(IntMode.Patched + chosen.Order))) != 0)
        {
            (order, centre) = (chosen.Order, chosen.Centre);
        }
        else
        {
            order = (allowed & IntModes.Patched) != 0 ? 0 : (allowed & IntModes.DeltaPatched) != 0 ? 1 : 2;
            centre = Estimate(values, order).Centre;
        }

        var countsBuffer = default(Scratch65<int>);
        Span<int> counts = countsBuffer;
        counts.Clear();
        var unused = default(MagnitudeSum);
        switch (order)
        {
            // Every element, not a sample: the exact size.
            case 0: SampleMagnitudes(values, 0, centre, counts, ref unused, stride: 1); break;
            case 1: SampleMagnitudes(values, 1, centre, counts, ref unused, stride: 1); break;
            default: SampleMagnitudes(values, 2, centre, counts, ref unused, stride: 1); break;
        }

        var length = Math.Max(values.Length - order, 0);
        long fixedBits = ModeBits + HeaderBits(order, deltaHeader, dodHeader) + BitWriter.VarBits(ZigZag.Encode(centre)) + WidthBits + ExceptionCountBits;
        var (body, width) = PatchedBody(counts, length, length);
        return new IntPagePlan { Mode = IntMode.Patched + order, Base = centre, Bits = fixedBits + body, Parameter = width };
    }

    /// <summary>
    /// The smallest patched body (packed elements plus exceptions) of <paramref name="length"/> elements, and its
    /// width, from how many of <paramref name="counted"/> elements have each bit length (all of them, or samples
    /// that each stand for length / counted). Of two widths the same size, the narrower.
    /// </summary>
    private static (long Bits, int Width) PatchedBody(ReadOnlySpan<int> bitLengths, int length, int counted)
    {
        if (counted == 0)
        {
            return (0, 0); // an empty sequence (a page of one or two values): nothing to pack
        }

        // Compared in units of 1/counted bit, so that a page pays one division, not one a width (a 64-bit division
        // is tens of cycles, and the sampled guess runs on every page).
        var best = (Scaled: long.MaxValue, Width: 0);
        long exceptionBits = 0; // of the counted elements longer than the width being sized
        for (var width = 64; width >= 0; width--)
        {
            var scaled = ((long)length * width * counted) + (exceptionBits * length);
            if (scaled <= best.Scaled)
            {
                best = (scaled, width);
            }

            exceptionBits += (long)bitLengths[width] * (ExceptionPositionBits + 7 + width); // width bits long: an exception below this width
        }

        return (best.Scaled / counted, best.Width);
    }

    private static void WritePatched(scoped ReadOnlySpan<long> sequence, in IntPagePlan plan, ref BitWriter writer)
    {
        var centre = plan.Base;
        var width = plan.Parameter;
        var limit = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        Span<long> codes = stackalloc long[sequence.Length];
        var exceptions = 0;
        for (var i = 0; i < sequence.Length; i++)
        {
            var u = ZigZag.Encode(unchecked(sequence[i] - centre));
            var fits = u <= limit;
            codes[i] = fits ? (long)u : 0;
            exceptions += fits ? 0 : 1;
        }

        writer.WriteVarSigned(centre);
        writer.Write((ulong)width, WidthBits);
        writer.Write((ulong)exceptions, ExceptionCountBits);
        if (width != 0)
        {
            writer.WritePacked(codes, 0, width);
        }

        for (var i = 0; i < sequence.Length && exceptions > 0; i++)
        {
            var u = ZigZag.Encode(unchecked(sequence[i] - centre));
            if (u > limit)
            {
                writer.Write((ulong)i, ExceptionPositionBits);
                writer.WriteVar(u);
                exceptions--;
            }
        }
    }

    private static void ReadPatched(ref BitReader reader, scoped Span<long> destination)
    {
        var centre = reader.ReadVarSigned();
        var width = (int)reader.Read(WidthBits);
        if (width > 64)
        {
            Corrupt.Throw("A patched page claims a width over 64 bits.");
        }

        var exceptions = (int)reader.Read(ExceptionCountBits);
        if (exceptions > destination.Length)
        {
            Corrupt.Throw($"A patched page claims {exceptions} exceptions for {destination.Length} values.");
        }

        if (width == 0)
        {
            destination.Fill(centre);
        }
        else
        {
            reader.ReadPacked(destination, 0, width);
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = unchecked(centre + ZigZag.Decode((ulong)destination[i]));
            }
        }

        var previous = -1;
        for (var e = 0; e < exceptions; e++)
        {
            var position = (int)reader.Read(ExceptionPositionBits);
            if (position <= previous || position >= destination.Length)
            {
                Corrupt.Throw("A patched page's exception positions are out of order or past its values.");
            }

            destination[position] = unchecked(centre + ZigZag.Decode(reader.ReadVar()));
            previous = position;
        }
    }

    private static IntPagePlan PlanRunLength(ReadOnlySpan<long> values)
    {
        long bits = ModeBits + RunCountBits;
        long previous = 0;
        var i = 0;
        while (i < values.Length)
        {
            var value = values[i];
            var end = i + 1;
            while (end < values.Length && values[end] == value)
            {
                end++;
            }

            bits += BitWriter.VarBits(ZigZag.Encode(unchecked(value - previous))) + RunLengthBits;
            previous = value;
            i = end;
        }

        return new IntPagePlan { Mode = IntMode.RunLength, Bits = bits };
    }

    private static void WriteFor(scoped ReadOnlySpan<long> sequence, in IntPagePlan plan, ref BitWriter writer)
    {
        writer.WriteVarSigned(plan.Base);
        var width = plan.Parameter;
        writer.Write((ulong)width, WidthBits);
        if (width != 0)
        {
            writer.WritePacked(sequence, plan.Base, width);
        }
    }

    private static void ReadFor(ref BitReader reader, scoped Span<long> destination)
    {
        var min = reader.ReadVarSigned();
        var width = (int)reader.Read(WidthBits);
        if (width > 64)
        {
            Corrupt.Throw("A bit-packed page claims a width over 64 bits.");
        }

        if (width == 0)
        {
            destination.Fill(min);
            return;
        }

        reader.ReadPacked(destination, min, width);
    }

    private static void WriteRice(scoped ReadOnlySpan<long> sequence, in IntPagePlan plan, ref BitWriter writer)
    {
        writer.WriteVarSigned(plan.Base);
        var k = plan.Parameter;
        writer.Write((ulong)k, RiceParameterBits);
        writer.WriteRice(sequence, plan.Base, k);
    }

    // Kept out of line: inlined into DecodeInner, the Rice loop's dozen live values spilled to the stack.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReadRice(ref BitReader reader, scoped Span<long> destination)
    {
        var centre = reader.ReadVarSigned();
        var k = (int)reader.Read(RiceParameterBits);
        reader.ReadRice(destination, centre, k);
    }

    private static void WriteRunLength(scoped ReadOnlySpan<long> values, ref BitWriter writer)
    {
        var runs = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (i == 0 || values[i] != values[i - 1])
            {
                runs++;
            }
        }

        writer.Write((ulong)runs, RunCountBits);
        long previous = 0;
        var start = 0;
        while (start < values.Length)
        {
            var value = values[start];
            var end = start + 1;
            while (end < values.Length && values[end] == value)
            {
                end++;
            }

            writer.WriteVarSigned(unchecked(value - previous));
            writer.Write((ulong)(end - start - 1), RunLengthBits);
            previous = value;
            start = end;
        }
    }

    private static void ReadRunLength(ref BitReader reader, scoped Span<long> destination)
    {
        var runs = (int)reader.Read(RunCountBits);
        if (runs == 0 || runs > destination.Length)
        {
            Corrupt.Throw($"A run-length page claims {runs} runs for {destination.Length} values.");
        }

        long previous = 0;
        var position = 0;
        for (var r = 0; r < runs; r++)
        {
            previous = unchecked(previous + reader.ReadVarSigned());
            var length = (int)reader.Read(RunLengthBits) + 1;
            if (length > destination.Length - position)
            {
                Corrupt.Throw("A run-length page's runs overrun its value count.");
            }

            destination.Slice(position, length).Fill(previous);
            position += length;
        }

        if (position != destination.Length)
        {
            Corrupt.Throw("A run-length page's runs do not add up to its value count.");
        }
    }
}

/// <summary>
/// An exact sum of up to 2^10 unsigned magnitudes in integer adds (a double accumulator is a 4-cycle
/// dependency chain): the high parts (u &gt;&gt; 10) and the low 10 bits are summed apart, neither can overflow.
/// </summary>
internal struct MagnitudeSum
{
    private ulong _high;
    private ulong _low;

    public readonly double Value => (_high * 1024.0) + _low;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong value)
    {
        _high += value >> 10;
        _low += value & 1023;
    }
}
