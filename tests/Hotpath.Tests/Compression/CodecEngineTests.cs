using Hotpath.Compression;

namespace Hotpath.Tests.Compression;

/// <summary>Round trips of the engine's integer and double coders with every mode forced, on adversarial data.</summary>
public sealed class CodecEngineTests
{
    public static TheoryData<int> Modes()
    {
        var data = new TheoryData<int>();
        foreach (var mode in Enum.GetValues<IntMode>())
        {
            data.Add((int)mode);
        }

        data.Add(-1); // all modes: the adaptive choice
        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Integer_pages_round_trip_in_every_mode(int mode)
    {
        var allowed = mode < 0 ? IntModes.All : (IntModes)(1 << mode);
        var random = new Random(mode + 100);
        foreach (var length in new[] { 1, 2, 3, 100, 1023, 1024, 1025, 2500 })
        {
            foreach (var values in Sequences(random, length))
            {
                var (decoded, written) = RoundTripIntegers(values, allowed);
                Assert.True(written <= IntPageCodec.MaxBytes(length));
                Assert.Equal(values, decoded);
            }
        }
    }

    [Fact]
    public void Adaptive_choice_finds_the_cheap_encodings()
    {
        Assert.Equal(IntMode.For, IntPageCodec.Plan(new long[1024], IntModes.All).Mode); // constant: width 0
        var ramp = Enumerable.Range(0, 1024).Select(i => 1_700_000_000_000L + (i * 15_000L)).ToArray();
        var plan = IntPageCodec.Plan(ramp, IntModes.All);
        Assert.True(plan.Bits < 200, $"a regular ramp costs {plan.Bits} bits"); // divisor + constant delta
        var runs = Enumerable.Range(0, 1024).Select(i => (long)(i / 256)).ToArray();
        Assert.True(IntPageCodec.Plan(runs, IntModes.All).Bits < 100);
    }

    [Fact]
    public void The_plan_reports_how_many_values_repeat_whichever_mode_wins()
    {
        // The double coder bounds Chimp's size with this count instead of counting again: it must be exact for
        // every winner (sparse, run-length, Rice, bit-packed), with and without a common divisor, and absent (-1)
        // when neither mode that counts it is allowed.
        var random = new Random(11);
        foreach (var holdStill in new[] { 0.0, 0.3, 0.7, 0.99 })
        {
            foreach (var divisor in new[] { 1L, 10L })
            {
                var values = new long[1024];
                var current = 500L;
                for (var i = 0; i < values.Length; i++)
                {
                    current += random.NextDouble() < holdStill ? 0 : random.Next(-40, 41);
                    values[i] = current * divisor;
                }

                var repeats = 0L;
                for (var i = 1; i < values.Length; i++)
                {
                    repeats += values[i] == values[i - 1] ? 1 : 0;
                }

                foreach (var modes in new[] { IntModes.All, IntModes.DeltaSparseRice, IntModes.RunLength | IntModes.For })
                {
                    Assert.Equal(repeats, IntPageCodec.Plan(values, modes).Unchanged);
                }

                Assert.Equal(-1, IntPageCodec.Plan(values, IntModes.Rice | IntModes.For).Unchanged);
            }
        }
    }

    [Fact]
    public void The_planner_skips_a_mode_only_when_it_cannot_win()
    {
        // The planner sizes a frame-of-reference mode only when a bound from the Rice samples says it might win, and
        // Rice only when it might beat what is already sized. The choice must be the one sizing every mode gives:
        // the smallest, ties going to the lower mode number.
        var random = new Random(31);
        var forModes = new[] { IntModes.For, IntModes.DeltaFor, IntModes.DeltaOfDeltaFor };
        const IntModes riceModes = IntModes.Rice | IntModes.DeltaRice | IntModes.DeltaOfDeltaRice;
        foreach (var length in new[] { 1, 2, 3, 17, 256, 1024 })
        {
            var shapes = Sequences(random, length).Concat(
            [
                // Temperatures with missing readings, small gauges, a narrow band (FOR wins), steps.
                Enumerable.Range(0, length).Select(i => i % 61 == 7 ? -990L : 600 + (long)(100 * Math.Sin(i / 50.0)) + random.Next(-3, 4)).ToArray(),
                Enumerable.Range(0, length).Select(_ => (long)random.Next(0, 16)).ToArray(),
                Enumerable.Range(0, length).Select(i => (i / 100 * 1000L) + random.Next(0, 4)).ToArray(),
            ]);
            foreach (var values in shapes)
            {
                foreach (var allowed in new[] { forModes[0] | forModes[1] | forModes[2] | riceModes, IntModes.For | IntModes.DeltaRice, IntModes.DeltaFor | riceModes })
                {
                    var expected = new IntPagePlan { Bits = long.MaxValue };
                    foreach (var single in forModes.Where(m => (allowed & m) != 0))
                    {
                        var candidate = IntPageCodec.Plan(values, single);
                        expected = candidate.Bits < expected.Bits ? candidate : expected; // in mode order: ties keep the lower
                    }

                    var rice = IntPageCodec.Plan(values, allowed & riceModes); // only Rice: nothing to skip
                    expected = rice.Bits < expected.Bits ? rice : expected;

                    var plan = IntPageCodec.Plan(values, allowed);
                    Assert.True(
                        (expected.Mode, expected.Bits) == (plan.Mode, plan.Bits),
                        $"{length} values, {allowed}: planned {plan.Mode} in {plan.Bits} bits, sizing all gives {expected.Mode} in {expected.Bits}");
                }
            }
        }
    }

    [Fact]
    public void Planned_Rice_and_patched_sizes_are_the_sizes_written()
    {
        // The planner counts Rice and patched sizes (four at a time, escapes noted and counted lane by lane; the sparse mode
        // leaving zero deltas out) instead of writing candidates: its count must be the written size to the bit, in
        // every Rice mode, with and without escapes and for page lengths that leave a scalar tail.
        var random = new Random(23);
        foreach (var mode in new[] { IntModes.Rice, IntModes.DeltaRice, IntModes.DeltaOfDeltaRice, IntModes.DeltaSparseRice, IntModes.Patched, IntModes.DeltaPatched, IntModes.DeltaOfDeltaPatched, IntModes.All })
        {
            foreach (var length in new[] { 1, 2, 3, 4, 5, 9, 255, 256, 1021, 1024 })
            {
                foreach (var values in Sequences(random, length))
                {
                    var plan = IntPageCodec.Plan(values, mode);
                    var buffer = new byte[(int)IntPageCodec.MaxBytes(length) + 8];
                    var writer = new BitWriter(buffer);
                    IntPageCodec.Write(values, plan, ref writer);
                    Assert.True(plan.Bits == writer.BitCount, $"{mode}, {length} values: planned {plan.Bits} bits, wrote {writer.BitCount}");
                }
            }
        }
    }

    [Fact]
    public void Rice_sizes_for_four_k_at_once_match_code_by_code_counts()
    {
        // Every candidate k, not only the one the planner picks: quotients just below, at and above the escape,
        // k from 0 (where a zigzag value past 2^63 has a quotient past 2^63) to 63, and every sequence order.
        var random = new Random(29);
        foreach (var length in new[] { 1, 2, 3, 4, 7, 8, 100, 1024, 1029, 2100 }) // past 1024: escape masks noted in more than one batch
        {
            foreach (var order in new[] { 0, 1, 2 })
            {
                if (length <= order)
                {
                    continue;
                }

                foreach (var kLow in new[] { 0, 1, 4, 20, 62 })
                {
                    int[] ks = [kLow, Math.Min(63, kLow + 1), Math.Min(63, kLow + 2), Math.Min(63, kLow + random.Next(0, 5))];
                    var centre = random.Next(-3, 4);
                    var values = new long[length];
                    for (var i = 0; i < length; i++)
                    {
                        var kind = random.Next(6);
                        values[i] = kind switch
                        {
                            0 => random.NextInt64(),
                            1 => random.Next(2) == 0 ? long.MinValue : long.MaxValue,
                            2 => (long)((ulong)(RiceCode.Escape - 1 + random.Next(3)) << kLow) >> 1, // quotients around the escape
                            _ => random.NextInt64(-(8L << kLow), 8L << kLow),
                        };
                    }

                    var sizes = new long[4];
                    IntPageCodec.RiceSizes(values, order, centre, ks, kLow, sizes);
                    for (var c = 0; c < 4; c++)
                    {
                        long expected = 0;
                        for (var i = order; i < length; i++)
                        {
                            var element = order switch
                            {
                                0 => values[i],
                                1 => unchecked(values[i] - values[i - 1]),
                                _ => unchecked(values[i] - (2 * values[i - 1]) + values[i - 2]),
                            };
                            var u = ZigZag.Encode(unchecked(element - centre));
                            expected += RiceCodeBits(u, ks[c]);
                        }

                        Assert.True(expected == sizes[c], $"{length} values, order {order}, k {ks[c]} (lowest {kLow}): {sizes[c]} bits, expected {expected}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Rice_escapes_of_every_length_decode_exactly()
    {
        // Escapes short enough to sit in the bit buffer decode in the fast loop, longer ones (and those at
        // the end of the data) in the checked path: every magnitude up to the extremes must come back exactly.
        var random = new Random(9);
        foreach (var outlierBits in Enumerable.Range(8, 56))
        {
            var values = new long[3000];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = random.Next(10) == 0
                    ? (random.Next(2) == 0 ? 1 : -1) * (long)((1UL << (outlierBits - 1)) | ((ulong)random.NextInt64() & ((1UL << (outlierBits - 1)) - 1)))
                    : random.Next(-20, 21);
            }

            values[^1] = outlierBits == 63 ? long.MinValue : values[^1];
            values[random.Next(values.Length)] = long.MaxValue;
            var (decoded, _) = RoundTripIntegers(values, IntModes.Rice);
            Assert.True(values.AsSpan().SequenceEqual(decoded), $"outliers of {outlierBits} bits");
        }
    }

    [Fact]
    public void Long_Rice_runs_are_two_streams_that_decode_exactly_wherever_they_start_and_end()
    {
        // From RiceCode.SplitMinimum codes on, a run is stored as two streams (even positions, then odd) decoded
        // side by side. Odd and even lengths, every starting bit, escapes in either stream (or both at once), long
        // quotients (8 to 19, past the grouped loop's short ones), k at the grouped loop's limit (10) and past it,
        // past the pair loop's (the checked path) or the writer's (56: every code written one by one), and data that
        // ends right after the second stream (the loops' refill bounds) must all come back exactly, with the size the
        // layout promises, and be written alike into a destination of exactly their size. The writer joins two codes
        // of a stream for k from 1 to 20 (RiceCode.BuildPairs): an odd number of groups of four, one to three codes
        // past the last group, and pairs too long for one store (k 11 and 20 with long quotients) are covered too.
        var random = new Random(17);
        foreach (var length in new[] { 1, RiceCode.SplitMinimum - 1, RiceCode.SplitMinimum, RiceCode.SplitMinimum + 1, 258, 263, 777, 1024 })
        {
            foreach (var k in new[] { 0, RiceCode.PairedMinK, 2, 3, 10, 11, RiceCode.PairedMaxK, RiceCode.PairedMaxK + 1, 36, 37, 50, 56 })
            {
                foreach (var lead in new[] { 0, 1, 5, 7 })
                {
                    foreach (var escapes in new[] { 0.0, 0.02, 0.5 })
                    {
                        var values = new long[length];
                        for (var i = 0; i < length; i++)
                        {
                            var draw = random.NextDouble();
                            var magnitude = draw < escapes
                                ? random.NextInt64() >> random.Next(0, 40)
                                : draw < escapes + 0.03 && k <= 50
                                    ? random.NextInt64(4L << k, 10L << k) // quotients 8 to 19: long, not escapes
                                    : random.NextInt64(0, 3L << k);
                            values[i] = random.Next(2) == 0 ? magnitude : -magnitude;
                        }

                        foreach (var trailer in new[] { false, true })
                        {
                            var centre = random.Next(-5, 6);
                            var buffer = new byte[(length * 12) + 64];
                            var writer = new BitWriter(buffer);
                            writer.Write(0, lead);
                            writer.WriteRice(values, centre, k);
                            var codeBits = writer.BitCount - lead;
                            if (trailer)
                            {
                                writer.Write(0x5A, 7);
                            }

                            var written = writer.Finish();
                            long expectedBits = RiceCode.SplitLengthBits(length);
                            foreach (var v in values)
                            {
                                var u = ZigZag.Encode(unchecked(v - centre));
                                expectedBits += RiceCodeBits(u, k);
                            }

                            Assert.Equal(expectedBits, codeBits);

                            // The writer stores whole words while 8 bytes fit, and byte by byte after: a destination
                            // with no room to spare gets the same bytes.
                            var exact = new byte[written];
                            var tight = new BitWriter(exact);
                            tight.Write(0, lead);
                            tight.WriteRice(values, centre, k);
                            if (trailer)
                            {
                                tight.Write(0x5A, 7);
                            }

                            Assert.Equal(written, tight.Finish());
                            Assert.True(exact.AsSpan().SequenceEqual(buffer.AsSpan(0, written)), $"{length} codes, k {k}, lead {lead}: tight destination");
                            var reader = new BitReader(buffer.AsSpan(0, written).ToArray()); // nothing past the end
                            reader.Read(lead);
                            var decoded = new long[length];
                            reader.ReadRice(decoded, centre, k);
                            Assert.True(values.AsSpan().SequenceEqual(decoded), $"{length} codes, k {k}, lead {lead}, escapes {escapes}");
                            if (trailer)
                            {
                                Assert.Equal(0x5AUL, reader.Read(7));
                            }

                            reader.EnsureConsumed();
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void A_Rice_run_whose_first_stream_length_is_wrong_throws_CorruptBlockException()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 1000).Select(_ => (long)random.Next(-40, 41)).ToArray();
        var buffer = new byte[(values.Length * 12) + 64];
        var writer = new BitWriter(buffer);
        writer.WriteRice(values, 0, 4);
        var written = writer.Finish();
        var lengthBits = RiceCode.SplitLengthBits(values.Length);
        var firstLength = new BitReader(buffer.AsSpan(0, written)).Read(lengthBits);
        foreach (var wrong in new[] { firstLength - 1, firstLength + 1, firstLength + 64, (1UL << lengthBits) - 1, 0UL })
        {
            var mutant = buffer.AsSpan(0, written).ToArray();
            var field = BitConverter.ToUInt64(mutant);
            field = (field & ~((1UL << lengthBits) - 1)) | wrong;
            BitConverter.GetBytes(field).CopyTo(mutant, 0);
            // Either the second stream runs into nonsense or the first does not end where the field says.
            Assert.Throws<CorruptBlockException>(() =>
            {
                var reader = new BitReader(mutant);
                reader.ReadRice(new long[values.Length], 0, 4);
                reader.EnsureConsumed();
            });
        }
    }

    [Fact]
    public void Float_NaNs_come_back_bit_for_bit_and_a_run_of_them_costs_a_few_bytes()
    {
        // NaNs bypass the double coder (widening may quiet a signalling NaN) and are stored as runs of equal bits.
        var quiet = float.NaN;
        // From bits in memory: a float constant, even BitConverter.UInt32BitsToSingle(0x7F80_0001), is folded through a
        // double by the JIT, which quiets a signalling NaN (0x7FC0_0001), so this test never saw one.
        var nans = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, float>(new uint[] { 0x7F80_0001, 0xFFC0_1234 });
        var signalling = nans[0];
        var payload = nans[1];
        Assert.Equal(0x7F80_0001u, BitConverter.SingleToUInt32Bits(signalling));
        Assert.Equal(0xFFC0_1234u, BitConverter.SingleToUInt32Bits(payload));
        var random = new Random(5);
        var cases = new[]
        {
            Enumerable.Repeat(signalling, 10_000).ToArray(),
            [payload, payload, quiet, quiet, 1.5f, payload, signalling, signalling, -0f, quiet, quiet],
            Enumerable.Range(0, 3000).Select(_ => random.Next(4) switch { 0 => quiet, 1 => signalling, 2 => payload, _ => random.NextSingle() }).ToArray(),
            [1f, 2f],
            [quiet],
            [],
        };
        var sizes = new List<int>();
        foreach (var values in cases)
        {
            var buffer = new byte[SinglePageCodec.MaxBytes(values.Length)];
            var writer = new BitWriter(buffer);
            SinglePageCodec.EncodeColumn(values, new double[values.Length], IntModes.All, ref writer);
            var written = writer.Finish();
            var decoded = new float[values.Length];
            var reader = new BitReader(buffer.AsSpan(0, written));
            SinglePageCodec.DecodeColumn(ref reader, decoded, new double[values.Length]);
            reader.EnsureConsumed();
            Assert.Equal(values.Select(BitConverter.SingleToUInt32Bits), decoded.Select(BitConverter.SingleToUInt32Bits));
            sizes.Add(written);
        }

        // 10,000 equal NaNs: the widened fill repeats (2 bits a value at most) and one run; not 39 bits a NaN.
        Assert.True(sizes[0] < 10_000 / 4, $"{sizes[0]} bytes for 10,000 equal NaNs");
    }

    [Fact]
    public void Float_NaN_runs_outside_the_column_throw_CorruptBlockException()
    {
        DecodeFloatsWithRuns(10, (2, 2, false), (0, 4, true)); // positions 2-4 and 5-9: fills the column exactly
        Assert.Throws<CorruptBlockException>(() => DecodeFloatsWithRuns(10, (0, 0, true))); // repeats a NaN never set
        Assert.Throws<CorruptBlockException>(() => DecodeFloatsWithRuns(10, (8, 2, false))); // 8-10
        Assert.Throws<CorruptBlockException>(() => DecodeFloatsWithRuns(10, (2, 2, false), (0, 5, true))); // 5-10
        Assert.Throws<CorruptBlockException>(() => DecodeFloatsWithRuns(10, (10, 0, false)));
        Assert.Throws<CorruptBlockException>(() => DecodeFloatsWithRuns(10, (0, ulong.MaxValue, false)));
        Assert.Throws<CorruptBlockException>(() => DecodeFloatsWithRuns(1, (0, 0, false), (0, 0, true))); // more runs than values
    }

    private static void DecodeFloatsWithRuns(int count, params (ulong Gap, ulong LengthMinusOne, bool Repeat)[] runs)
    {
        var buffer = new byte[SinglePageCodec.MaxBytes(count) + 64];
        var writer = new BitWriter(buffer);
        DoublePageCodec.EncodeColumn(new double[count], IntModes.All, single: true, ref writer);
        writer.WriteVar((ulong)runs.Length);
        foreach (var (gap, lengthMinusOne, repeat) in runs)
        {
            writer.WriteVar(gap);
            writer.WriteVar(lengthMinusOne);
            writer.Write(repeat ? 1UL : 0UL, 1);
            if (!repeat)
            {
                writer.Write(0x7FC0_0000, 32);
            }
        }

        var written = writer.Finish();
        var reader = new BitReader(buffer.AsSpan(0, written));
        SinglePageCodec.DecodeColumn(ref reader, new float[count], new double[count]);
        reader.EnsureConsumed();
    }

    [Fact]
    public void Gauges_that_mostly_hold_still_take_the_sparse_mode_and_round_trip()
    {
        // Memory in MiB: unchanged on 70 % of scrapes, else a step of up to ±16, and now and then a jump of any
        // size (another node's series, or an extreme): a flag bit per unchanged value beats Rice on every delta.
        var random = new Random(12);
        var values = new long[8192];
        var level = 20_000L;
        for (var i = 0; i < values.Length; i++)
        {
            var roll = random.Next(100);
            level = roll < 70 ? level
                : roll < 99 ? level + random.Next(-16, 17)
                : unchecked(level + (random.NextInt64() >> random.Next(64)));
            values[i] = level;
        }

        values[^2] = long.MinValue;
        values[^1] = long.MaxValue;
        var (sparse, sparseBytes) = RoundTripIntegers(values, IntModes.DeltaSparseRice);
        Assert.True(values.AsSpan().SequenceEqual(sparse));
        var (auto, autoBytes) = RoundTripIntegers(values, IntModes.All);
        Assert.True(values.AsSpan().SequenceEqual(auto));
        var (_, riceBytes) = RoundTripIntegers(values, IntModes.Rice | IntModes.DeltaRice | IntModes.DeltaOfDeltaRice);
        Assert.True(autoBytes <= sparseBytes, $"auto {autoBytes} bytes, sparse alone {sparseBytes}");
        Assert.True(sparseBytes < riceBytes * 0.9, $"sparse {sparseBytes} bytes, Rice {riceBytes}");
    }

    [Fact]
    public void Outliers_cost_escapes_not_page_width()
    {
        // Scrape timestamps sorted by node (the sample's layout): regular 10 s steps with jitter, and a jump
        // back at every node boundary. The jumps must be escaped, not widen every value of the page.
        var random = new Random(5);
        var timestamps = new long[4096];
        for (var i = 0; i < timestamps.Length; i++)
        {
            timestamps[i] = 1_700_000_000_000L + ((i % 60) * 10_000L) + random.Next(0, 20) + ((i / 60) * 7L);
        }

        var (decoded, written) = RoundTripIntegers(timestamps, IntModes.DeltaOfDelta);
        Assert.Equal(timestamps, decoded);
        var bitsPerValue = written * 8.0 / timestamps.Length;
        Assert.True(bitsPerValue < 9, $"jittery timestamps with node jumps cost {bitsPerValue:F2} bits a value");
    }

    /// <summary>
    /// The sample's layout: pages of rows grouped by series, each series sampled at an exact interval from its own
    /// start, so a 1,024-row page holds 17 series and 16 boundaries where time jumps back.
    /// </summary>
    private static long[] SeriesTimestamps(int seriesLength, int series, long step)
    {
        var values = new long[seriesLength * series];
        for (var s = 0; s < series; s++)
        {
            var start = 1_767_225_600_000L + (s * 3_517L);
            for (var i = 0; i < seriesLength; i++)
            {
                values[(s * seriesLength) + i] = start + (i * step);
            }
        }

        return values;
    }

    [Fact]
    public void Series_boundaries_are_patched_exceptions_instead_of_escapes_on_a_bit_a_value()
    {
        var timestamps = SeriesTimestamps(60, 68, 10_000);
        var (decoded, patched) = RoundTripIntegers(timestamps, IntModes.All);
        Assert.Equal(timestamps, decoded);
        var (_, unpatched) = RoundTripIntegers(timestamps, IntModes.All & ~IntModes.AnyPatched);
        var (_, deltaOfDelta) = RoundTripIntegers(timestamps, IntModes.DeltaOfDelta);
        Assert.Equal(IntMode.DeltaPatched, IntPageCodec.Plan(timestamps.AsSpan(0, 1024), IntModes.All).Mode);
        Assert.Equal(IntMode.DeltaOfDeltaPatched, IntPageCodec.Plan(timestamps.AsSpan(0, 1024), IntModes.DeltaOfDelta).Mode);

        // A constant delta costs nothing a value; each boundary costs a position and its jump.
        var bitsPerValue = patched * 8.0 / timestamps.Length;
        Assert.True(bitsPerValue < 1.0, $"series timestamps cost {bitsPerValue:F2} bits a value");
        Assert.True(patched * 2 < unpatched, $"patched {patched} bytes against {unpatched} without the patched modes");
        Assert.True(deltaOfDelta * 8.0 / timestamps.Length < 1.6, $"[DeltaOfDelta] costs {deltaOfDelta * 8.0 / timestamps.Length:F2} bits a value");
    }

    [Fact]
    public void A_random_walk_with_jumps_never_costs_more_with_the_patched_modes_allowed()
    {
        // Gauges grouped by node: random steps, a jump to another level at every node boundary. Whichever mode
        // wins a page (Rice keeps uniform ±60 steps: its unary part costs less than the window a median from
        // 16 samples centres), allowing more modes never makes the column bigger.
        var random = new Random(8);
        foreach (var step in new[] { 3, 60, 64, 1_000 })
        {
            var values = new long[4096];
            var level = 0L;
            for (var i = 0; i < values.Length; i++)
            {
                level = i % 60 == 0 ? random.Next(100, 4_000) : level + random.Next(-step, step + 1);
                values[i] = level;
            }

            var (decoded, patched) = RoundTripIntegers(values, IntModes.All);
            Assert.Equal(values, decoded);
            var (_, unpatched) = RoundTripIntegers(values, IntModes.All & ~IntModes.AnyPatched);
            Assert.True(patched <= unpatched, $"steps of ±{step}: {patched} bytes with the patched modes allowed, {unpatched} without");
        }
    }

    [Theory]
    [InlineData(5, new[] { 0 })] // more exceptions than values
    [InlineData(2, new[] { 3, 1 })] // out of order
    [InlineData(2, new[] { 1, 1 })] // the same position twice
    [InlineData(1, new[] { 4 })] // past the values
    public void Damaged_patched_exception_lists_throw_CorruptBlockException(int count, int[] positions)
    {
        var buffer = new byte[64];
        var writer = new BitWriter(buffer);
        writer.WriteBit(false); // not scaled
        writer.Write((ulong)IntMode.Patched, IntPageCodec.ModeBits);
        writer.WriteVarSigned(7); // centre
        writer.Write(0, 7); // width 0: every value is the centre but for the exceptions
        writer.Write((ulong)count, 11);
        foreach (var position in positions)
        {
            writer.Write((ulong)position, 10);
            writer.WriteVar(ZigZag.Encode(1_000));
        }

        var written = writer.Finish();
        var error = Assert.Throws<CorruptBlockException>(() =>
        {
            var reader = new BitReader(buffer.AsSpan(0, written));
            IntPageCodec.DecodeColumn(ref reader, new long[4]);
        });
        Assert.Contains("patched page", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_patched_page_decodes_its_exceptions_in_place()
    {
        var buffer = new byte[64];
        var writer = new BitWriter(buffer);
        writer.WriteBit(false);
        writer.Write((ulong)IntMode.Patched, IntPageCodec.ModeBits);
        writer.WriteVarSigned(7);
        writer.Write(2, 7); // width 2: zigzag codes 0..3 are -0, -1, +1, -2 around the centre
        writer.Write(2, 11);
        writer.WritePacked(new long[] { 0, 1, 2, 0 }, 0, 2);
        writer.Write(0, 10);
        writer.WriteVar(ZigZag.Encode(-1_000));
        writer.Write(3, 10);
        writer.WriteVar(ZigZag.Encode(long.MaxValue - 7));
        var written = writer.Finish();
        var decoded = new long[4];
        var reader = new BitReader(buffer.AsSpan(0, written));
        IntPageCodec.DecodeColumn(ref reader, decoded);
        Assert.Equal(new[] { 7 - 1_000L, 6, 8, long.MaxValue }, decoded);
    }

    [Fact]
    public void Decimal_pages_round_trip_integers_around_the_vector_conversion_limit()
    {
        // Decoded integers within ±2^51 take the four-lane conversion, others the scalar loop: both exact.
        const double limit = 2251799813685248.0; // 2^51
        var values = new List<double>();
        for (var i = -40; i < 40; i++)
        {
            values.Add(limit + i);
            values.Add(-limit + i);
            values.Add((2 * limit) - 1 - Math.Abs(i)); // just under 2^52, the decimal coder's own limit
            values.Add(i * 0.25);
        }

        values.AddRange(Enumerable.Range(0, 2000).Select(i => i * 1.5));
        RoundTripDoubles(values.ToArray());

        // Whole numbers only, so the pages are decimal with exponent 0 and these integers reach the conversion
        // itself (above, the quarter values make the large ones exceptions).
        var whole = new List<double>();
        foreach (var near in new[] { limit, -limit, (2 * limit) - 1024, -(2 * limit) + 1024 })
        {
            whole.AddRange(Enumerable.Range(-512, 1024).Select(i => near + i)); // one page each, consecutive
        }

        RoundTripDoubles(whole.ToArray());
    }

    [Fact]
    public void The_Chimp_lower_bound_never_exceeds_Chimps_size()
    {
        // The encoder skips counting Chimp's size when this bound already exceeds the decimal coding's, so the
        // bound must hold for any page: repeats, XORs of one bit at either end, every leading-zero class.
        var random = new Random(41);
        for (var trial = 0; trial < 2000; trial++)
        {
            var values = new double[random.Next(1, 1025)];
            var previous = random.NextDouble();
            for (var i = 0; i < values.Length; i++)
            {
                var bits = BitConverter.DoubleToUInt64Bits(previous);
                previous = random.Next(5) switch
                {
                    0 => previous, // a repeat
                    1 => BitConverter.UInt64BitsToDouble(bits ^ (1UL << random.Next(64))), // one bit
                    2 => BitConverter.UInt64BitsToDouble(bits ^ ((ulong)random.NextInt64() >> random.Next(64))),
                    3 => ColumnarRoundTripTests.AdversarialDoubles[random.Next(ColumnarRoundTripTests.AdversarialDoubles.Length)],
                    _ => Math.Round(random.NextDouble() * 100, random.Next(4)),
                };
                values[i] = previous;
            }

            var bound = DoublePageCodec.ChimpLowerBound(values);
            var cost = DoublePageCodec.ChimpCost(values, long.MaxValue);
            Assert.True(bound <= cost, $"trial {trial}: bound {bound} bits, Chimp {cost}");
        }

        // Where it is tight: sign flips (an XOR of the top bit alone, Chimp's cheapest change) and repeats.
        var flips = Enumerable.Range(0, 1024).Select(i => i % 3 == 0 ? 21.5 : -21.5).ToArray(); // flip, repeat, flip, ...
        Assert.Equal(DoublePageCodec.ChimpCost(flips, long.MaxValue), DoublePageCodec.ChimpLowerBound(flips));
    }

    [Fact]
    public void Double_pages_round_trip_decimals_and_full_precision()
    {
        var random = new Random(9);
        var decimals = Enumerable.Range(0, 3000).Select(i => Math.Round(random.NextDouble() * 100, 2)).ToArray();
        var full = Enumerable.Range(0, 3000).Select(i => random.NextDouble()).ToArray();
        var mixed = Enumerable.Range(0, 3000).Select(i => i % 7 == 0 ? ColumnarRoundTripTests.AdversarialDoubles[i % ColumnarRoundTripTests.AdversarialDoubles.Length] : decimals[i]).ToArray();
        var decimalBits = RoundTripDoubles(decimals);
        var fullBits = RoundTripDoubles(full);
        RoundTripDoubles(mixed);
        Assert.True(decimalBits < 16 * 3000, $"2-decimal values cost {decimalBits / 3000.0:F1} bits each");
        Assert.True(fullBits < 70 * 3000);
    }

    [Fact]
    public void The_middle_sample_is_the_sorted_middle()
    {
        // The Rice planner's centre: for 16 samples it is found from ranks instead of a sort, which must agree with
        // the sort on random values, few distinct values (ties), extremes, sorted and reversed runs, and short lists.
        var random = new Random(5);
        for (var trial = 0; trial < 20_000; trial++)
        {
            var length = trial % 10 == 9 ? random.Next(1, 16) : 16;
            var samples = new long[length];
            for (var i = 0; i < length; i++)
            {
                samples[i] = (trial % 5) switch
                {
                    0 => random.NextInt64(long.MinValue, long.MaxValue),
                    1 => random.Next(3),
                    2 => random.Next(2) == 0 ? long.MinValue : long.MaxValue,
                    3 => trial % 2 == 0 ? i : -i,
                    _ => random.Next(-1000, 1000),
                };
            }

            var sorted = samples.ToArray();
            Array.Sort(sorted);
            Assert.Equal(sorted[length / 2], IntPageCodec.MiddleOf(samples));
        }
    }

    [Fact]
    public void Zigzag_and_varints_cover_the_extremes()
    {
        foreach (var value in new[] { 0L, 1L, -1L, long.MinValue, long.MaxValue, 123456789L, -987654321L })
        {
            Assert.Equal(value, ZigZag.Decode(ZigZag.Encode(value)));
            var buffer = new byte[32];
            var writer = new BitWriter(buffer);
            writer.WriteVarSigned(value);
            writer.Write(0b101, 3);
            var length = writer.Finish();
            var reader = new BitReader(buffer.AsSpan(0, length));
            Assert.Equal(value, reader.ReadVarSigned());
            Assert.Equal(0b101UL, reader.Read(3));
            reader.EnsureConsumed();
        }

        Assert.Throws<CorruptBlockException>(() =>
        {
            var reader = new BitReader([0xFF]);
            reader.Read(9);
        });
    }

    [Fact]
    public void Damaged_integer_runs_only_throw_CorruptBlockException()
    {
        // Below the block checksum: every page parser (Rice's three runs and its windowed unary scan included)
        // must reject damage itself, since a resealed block reaches it.
        var random = new Random(31);
        var rejected = 0;
        foreach (var mode in Enum.GetValues<IntMode>())
        {
            foreach (var length in new[] { 1, 7, 300, 1024, 1500 })
            {
                foreach (var values in Sequences(random, length))
                {
                    var buffer = new byte[(int)IntPageCodec.MaxBytes(length) + 8];
                    var writer = new BitWriter(buffer);
                    IntPageCodec.EncodeColumn(values, (IntModes)(1 << (int)mode), ref writer);
                    var written = writer.Finish();
                    for (var trial = 0; trial < 20; trial++)
                    {
                        var mutant = buffer.AsSpan(0, written).ToArray();
                        var damage = random.Next(3);
                        if (damage == 0)
                        {
                            mutant[random.Next(mutant.Length)] ^= (byte)(1 << random.Next(8));
                        }
                        else if (damage == 1)
                        {
                            mutant = mutant.AsSpan(0, random.Next(mutant.Length)).ToArray();
                        }
                        else
                        {
                            random.NextBytes(mutant.AsSpan(random.Next(mutant.Length)));
                        }

                        var decoded = new long[length];
                        try
                        {
                            var reader = new BitReader(mutant);
                            IntPageCodec.DecodeColumn(ref reader, decoded);
                            reader.EnsureConsumed();
                        }
                        catch (CorruptBlockException)
                        {
                            rejected++;
                        }
                    }
                }
            }
        }

        Assert.True(rejected > 1000, $"only {rejected} damaged runs were rejected");
    }

    [Fact]
    public void Bit_packed_runs_unpack_exactly_at_every_width_and_starting_bit()
    {
        // The unpacker has a vectorised path for eight values at a time (widths up to 31, by starting bit) and
        // scalar paths for the rest and for the last bytes of the data: every width, every bit a run can start
        // at, and lengths around the group size and the end of the data must agree with one-at-a-time reads.
        var random = new Random(7);
        foreach (var width in Enumerable.Range(1, 64))
        {
            var mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
            foreach (var lead in Enumerable.Range(0, 8))
            {
                foreach (var length in new[] { 1, 8, 15, 16, 17, 63, 64, 200, 1024 })
                {
                    var reference = random.Next(2) == 0 ? 0 : random.NextInt64(long.MinValue, long.MaxValue);
                    var values = new long[length];
                    for (var i = 0; i < length; i++)
                    {
                        values[i] = unchecked(reference + (long)((ulong)random.NextInt64(long.MinValue, long.MaxValue) & mask));
                    }

                    values[random.Next(length)] = unchecked(reference + (long)mask); // the widest value

                    var buffer = new byte[(length * 8) + 16];
                    var writer = new BitWriter(buffer);
                    writer.Write(0, lead);
                    writer.WritePacked(values, reference, width);
                    writer.Write(0b1011, 4);
                    var written = writer.Finish();

                    var reader = new BitReader(buffer.AsSpan(0, written));
                    reader.Read(lead);
                    var decoded = new long[length];
                    reader.ReadPacked(decoded, reference, width);
                    Assert.Equal(0b1011UL, reader.Read(4));
                    Assert.True(values.AsSpan().SequenceEqual(decoded), $"width {width}, lead {lead}, length {length}");
                }
            }
        }
    }

    [Fact]
    public void Dictionaries_of_names_sharing_prefixes_are_front_coded_and_round_trip()
    {
        var random = new Random(3);
        var names = Enumerable.Range(0, 1000).Select(i => $"node-{i:D4}")
            .Concat(["", "узел-😀-1", "узел-😀-2", "узел-😀-22", "node", "node-0000-extra"]).ToArray();
        var values = Enumerable.Range(0, 20_000).Select(i => random.Next(50) == 0 ? null : names[random.Next(names.Length)]).ToArray();
        var (section, back) = RoundTripStrings(values);
        Assert.Equal(values, back);

        // Flags byte: dictionary (1) and front-coded (4). The same rows over names of the same lengths with
        // nothing in common stay plain (a length byte and the bytes of each name, about 10 KB of entries).
        // Entries are listed in order of first appearance, here random, so each shares "node-" and sometimes a
        // digit with the one before: about 6 bytes instead of 10 (in name order, as sorted rows give, about 3).
        Assert.Equal(1 | 4, section[0]);
        var scrambled = names.ToDictionary(n => n, n => new string(n.Select(_ => (char)('a' + random.Next(26))).ToArray()));
        var (plainSection, _) = RoundTripStrings(values.Select(v => v is null ? null : scrambled[v]).ToArray());
        Assert.Equal(1, plainSection[0]);
        Assert.True(section.Length + 3_500 < plainSection.Length, $"{section.Length} bytes front-coded, {plainSection.Length} plain");

        // Lone surrogates make the column UTF-16 (flag 2); prefixes are then shared in UTF-16 bytes.
        var utf16 = Enumerable.Range(0, 300).Select(i => $"pod-\ud800-{i % 100:D3}").ToArray();
        var (utf16Section, utf16Back) = RoundTripStrings(utf16);
        Assert.Equal(utf16, utf16Back);
        Assert.Equal(1 | 2 | 4, utf16Section[0]);

    }

    [Fact]
    public void Damaged_front_coded_dictionaries_only_throw_CorruptBlockException()
    {
        var random = new Random(17);
        var names = Enumerable.Range(0, 200).Select(i => $"ns-{i % 7}/pod-{i:D3}").ToArray();
        var values = Enumerable.Range(0, 2_000).Select(_ => names[random.Next(names.Length)]).ToArray();
        var (section, _) = RoundTripStrings(values);
        Assert.Equal(1 | 4, section[0]);
        var rejected = 0;
        for (var trial = 0; trial < 3_000; trial++)
        {
            var mutant = section.ToArray();
            if (random.Next(2) == 0)
            {
                mutant[random.Next(mutant.Length)] ^= (byte)(1 << random.Next(8));
            }
            else
            {
                mutant = mutant.AsSpan(0, random.Next(mutant.Length)).ToArray();
            }

            try
            {
                StringColumnCodec.Decode(mutant, new string?[values.Length], new long[values.Length]);
            }
            catch (CorruptBlockException)
            {
                rejected++;
            }
        }

        Assert.True(rejected > 1_000, $"only {rejected} damaged sections were rejected");
    }

    /// <summary>A Rice code's length by its definition: q + 1 + k bits, or the escape and the number as var.</summary>
    private static long RiceCodeBits(ulong u, int k) =>
        (u >> k) >= RiceCode.Escape ? RiceCode.Escape + BitWriter.VarBits(u) : (long)(u >> k) + 1 + k;

    private static (long[] Decoded, int Bytes) RoundTripIntegers(long[] values, IntModes modes)
    {
        var buffer = new byte[(int)IntPageCodec.MaxBytes(values.Length) + 8];
        var writer = new BitWriter(buffer);
        IntPageCodec.EncodeColumn(values, modes, ref writer);
        var written = writer.Finish();
        var decoded = new long[values.Length];
        var reader = new BitReader(buffer.AsSpan(0, written));
        IntPageCodec.DecodeColumn(ref reader, decoded);
        reader.EnsureConsumed();
        return (decoded, written);
    }

    private static (byte[] Section, string?[] Back) RoundTripStrings(string?[] values)
    {
        var destination = new byte[StringColumnCodec.MaxBytes(values) + 8];
        var written = StringColumnCodec.Encode(values, ColumnEncoding.Dictionary, new long[values.Length], destination);
        var section = destination.AsSpan(0, written).ToArray();
        var back = new string?[values.Length];
        StringColumnCodec.Decode(section, back, new long[values.Length]);
        return (section, back);
    }

    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        // The CRC-32C of "123456789" is 0xE3069283 (RFC 3720).
        Assert.Equal(0xE3069283u, ColumnarBlock.Crc32C("123456789"u8));
    }

    [Fact]
    public void Crc32C_over_three_streams_matches_the_bitwise_definition()
    {
        // Long inputs run as three interleaved lanes combined by carry-less multiplication: every length
        // around the round size (3 × 512 bytes) and a few rounds' worth must match the bit-at-a-time CRC.
        var random = new Random(5);
        var data = new byte[12_000];
        random.NextBytes(data);
        var lengths = Enumerable.Range(0, 40).Concat(Enumerable.Range(1530, 20)).Concat(Enumerable.Range(3060, 20))
            .Concat(new[] { 4607, 4608, 4609, 7000, 11_999 });
        foreach (var length in lengths)
        {
            var offset = random.Next(8);
            var slice = data.AsSpan(offset, length);
            Assert.True(BitwiseCrc32C(slice) == ColumnarBlock.Crc32C(slice), $"length {length}");
        }
    }

    private static uint BitwiseCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = ~0u;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc >> 1) ^ ((crc & 1) != 0 ? 0x82F63B78u : 0);
            }
        }

        return ~crc;
    }

    private static long RoundTripDoubles(double[] values)
    {
        var buffer = new byte[(int)DoublePageCodec.MaxBytes(values.Length) + 8];
        var writer = new BitWriter(buffer);
        DoublePageCodec.EncodeColumn(values, IntModes.All, single: false, ref writer);
        var bits = writer.BitCount;
        var written = writer.Finish();
        var decoded = new double[values.Length];
        var reader = new BitReader(buffer.AsSpan(0, written));
        DoublePageCodec.DecodeColumn(ref reader, decoded, single: false);
        reader.EnsureConsumed();
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(decoded[i]));
        }

        return bits;
    }

    [Fact]
    public void A_LEB128_number_of_ten_bytes_holds_at_most_64_bits()
    {
        byte[] Number(byte last) => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, last];

        var position = 0;
        Assert.Equal(ulong.MaxValue, Leb128.Read(Number(0x01), ref position));
        Assert.Equal(10, position);

        // A tenth byte above 1 carries bits past the 64th: not a number this format writes, so corrupt, never truncated.
        foreach (var last in new byte[] { 0x02, 0x40, 0x7F })
        {
            Assert.Throws<CorruptBlockException>(() =>
            {
                var at = 0;
                return Leb128.Read(Number(last), ref at);
            });
        }
    }

    private static IEnumerable<long[]> Sequences(Random random, int length)
    {
        long[] Make(Func<int, long> f) => Enumerable.Range(0, length).Select(f).ToArray();
        yield return Make(_ => 42);
        yield return Make(i => i);
        yield return Make(i => 1_700_000_000_000L + (i * 1000L) + random.Next(-5, 6));
        yield return Make(_ => random.NextInt64(long.MinValue, long.MaxValue));
        yield return Make(i => (i % 2 == 0) ? long.MinValue : long.MaxValue);
        yield return Make(_ => random.Next(-100, 100));
        yield return Make(i => i % 50 == 0 ? random.NextInt64() : random.Next(10)); // outliers: Rice escapes
        yield return Make(i => i / 37);
        yield return Make(i => -(long)i * i * 1000);
        yield return Make(i => random.Next(3) * 10_000L); // a common divisor
        yield return Make(_ => random.NextInt64(1L << 55)); // widths around the 56-bit single-load limit
        yield return Make(_ => random.NextInt64(1L << 60));
        yield return Make(_ => random.NextInt64(-(1L << 45), 1L << 45)); // Rice k in the 40s: codes near a word
        yield return Make(i => i % 97 == 0 ? long.MaxValue - i : (i * 3) + random.Next(4)); // escapes among short codes
    }
}
