using System.Buffers;
using System.Reflection;
using Hotpath.Compression;

namespace Hotpath.Tests.Compression;

public sealed class ColumnarRoundTripTests
{
    private static readonly string[] Nodes = ["node-a", "node-b", "node-c", "nœud-δ", "узел-😀"];

    internal static MetricSample[] Metrics(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new MetricSample[count];
        var time = 1_700_000_000_000L;
        for (var i = 0; i < count; i++)
        {
            time += 15_000 + random.Next(-3, 4);
            rows[i] = new MetricSample
            {
                UnixMs = time,
                Node = Nodes[random.Next(Nodes.Length)],
                Cpu = Math.Round(random.NextDouble() * 100, 3),
                Memory = random.NextDouble() * 16_000,
                Restarts = random.Next(0, 3),
                Phase = random.Next(50) == 0 ? PodPhase.Failed : PodPhase.Running,
            };
        }

        return rows;
    }

    internal static readonly double[] AdversarialDoubles =
    [
        0.0, -0.0, double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), // signalling NaN
        BitConverter.Int64BitsToDouble(0x7FF8_DEAD_BEEF_0001), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF4_0000_0000_1234)),
        double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, 2.2250738585072009e-308, // subnormal
        double.MaxValue, double.MinValue, 1e300, -1e-300, 0.1, 0.2, 0.3, 1.0 / 3, Math.PI, 12.5, 4.201994E+07, 1e15, 9007199254740993.0,
    ];

    [Fact]
    public void MetricSample_round_trips_every_lossless_bit_and_quantizes_memory()
    {
        var rows = Metrics(5_000, seed: 1);
        var block = MetricSample.Codec.Encode(rows);
        var back = MetricSample.Codec.Decode(block);

        Assert.Equal(rows.Length, back.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i].UnixMs, back[i].UnixMs);
            Assert.Equal(rows[i].Node, back[i].Node);
            Assert.Equal(BitConverter.DoubleToInt64Bits(rows[i].Cpu), BitConverter.DoubleToInt64Bits(back[i].Cpu));
            Assert.Equal(ColumnValues.Quantize(rows[i].Memory, 2), back[i].Memory);
            Assert.Equal(Math.Round(rows[i].Memory, 2), back[i].Memory, 1e-9);
            Assert.Equal(rows[i].Restarts, back[i].Restarts);
            Assert.Equal(rows[i].Phase, back[i].Phase);
        }

        // Regular timestamps, 5 node names, 3-decimal cpu: far below the 46 raw bytes a row.
        Assert.True(block.Length < rows.Length * 8, $"block is {block.Length} bytes for {rows.Length} rows");
    }

    [Fact]
    public void RunLength_members_survive_data_without_runs()
    {
        // [RunLength] on values that never repeat must not overflow the page budget: pages fall back to bit-packing.
        var random = new Random(8);
        var rows = AllTypesData.Create(3000, seed: 8);
        var metrics = Metrics(3000, seed: 8);
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].Label = Guid.NewGuid().ToString();
            metrics[i].Phase = (PodPhase)random.Next(5);
        }

        AllTypesData.AssertEqual(rows, AllTypes.Codec.Decode(AllTypes.Codec.Encode(rows)));
        var back = MetricSample.Codec.Decode(MetricSample.Codec.Encode(metrics));
        Assert.Equal(metrics.Select(m => m.Phase), back.Select(m => m.Phase));
    }

    [Fact]
    public void Decoded_strings_are_deduplicated()
    {
        var back = MetricSample.Codec.Decode(MetricSample.Codec.Encode(Metrics(200, seed: 2)));
        var distinct = new HashSet<string>(ReferenceEqualityComparer.Instance);
        foreach (var row in back)
        {
            distinct.Add(row.Node);
        }

        Assert.True(distinct.Count <= Nodes.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(3000)]
    public void AllTypes_round_trip_random_and_adversarial(int count)
    {
        var rows = AllTypesData.Create(count, seed: count);
        var block = AllTypes.Codec.Encode(rows);
        Assert.Equal(count, AllTypes.Codec.GetRowCount(block));
        var back = AllTypes.Codec.Decode(block);
        AllTypesData.AssertEqual(rows, back);
    }

    [Fact]
    public void A_Local_DateTime_in_an_ambiguous_daylight_saving_hour_round_trips_bit_for_bit()
    {
        var values = new List<DateTime>
        {
            AllTypesData.AmbiguousLocal(new DateTime(2024, 10, 27, 2, 30, 0).Ticks),
            AllTypesData.AmbiguousLocal(DateTime.MinValue.Ticks),
            AllTypesData.AmbiguousLocal(DateTime.MaxValue.Ticks),
            new DateTime(2024, 10, 27, 2, 30, 0, DateTimeKind.Local),
        };

        // On a machine whose zone has daylight saving, also the real thing: a UTC instant in the repeated hour.
        var probe = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var hour = 0; hour < 366 * 24; hour++, probe = probe.AddHours(1))
        {
            var local = probe.ToLocalTime();
            if (Raw(local) >> 62 == 3)
            {
                values.Add(local);
                break;
            }
        }

        foreach (var value in values)
        {
            Assert.Equal(DateTimeKind.Local, value.Kind);
        }

        var rows = values.Select(v => new AllTypes { DateTime = v, NullableDateTime = v, Timestamp = v }).ToArray();
        var back = AllTypes.Codec.Decode(AllTypes.Codec.Encode(rows));

        Assert.Equal(values.Select(Raw), back.Select(r => Raw(r.DateTime)));
        Assert.Equal(values.Select(Raw), back.Select(r => Raw(r.NullableDateTime!.Value)));
        Assert.Equal(values.Select(Raw), back.Select(r => Raw(r.Timestamp)));
        Assert.Equal(values.Select(v => v.ToBinary()), back.Select(r => r.Timestamp.ToBinary()));

        static ulong Raw(DateTime value) => System.Runtime.CompilerServices.Unsafe.As<DateTime, ulong>(ref value);
    }

    [Fact]
    public void DateTime_values_written_before_the_ambiguous_hour_was_kept_decode_as_they_did()
    {
        // Blocks written before stored Ticks | Kind << 62 (kinds 0-2). The raw 64 bits are exactly that for every value
        // but an ambiguous Local one, so old blocks decode unchanged and new blocks of such values are byte-identical.
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var value = new DateTime(i < 3 ? (i == 0 ? 0 : DateTime.MaxValue.Ticks) : random.NextInt64(DateTime.MaxValue.Ticks + 1), (DateTimeKind)(i % 3));
            var before = (long)((ulong)value.Ticks | ((ulong)value.Kind << 62));
            Assert.Equal(before, ColumnValues.FromDateTime(value));
            var decoded = ColumnValues.ToDateTime(before);
            Assert.Equal(value.Ticks, decoded.Ticks);
            Assert.Equal(value.Kind, decoded.Kind);
            Assert.Equal(value.ToBinary(), decoded.ToBinary());
        }
    }

    [Fact]
    public void A_stored_DateTime_beyond_the_range_is_corrupt_under_every_kind()
    {
        for (ulong kind = 0; kind < 4; kind++)
        {
            var stored = (long)((kind << 62) | ((ulong)DateTime.MaxValue.Ticks + 1));
            Assert.Throws<CorruptBlockException>(() => ColumnValues.ToDateTime(stored));
        }
    }

    [Fact]
    public void The_exact_comparison_covers_every_stored_AllTypes_member()
    {
        // A member added to AllTypes but not to AllTypesData.Keys would round-trip unchecked.
        var stored = typeof(AllTypes).GetFields(BindingFlags.Public | BindingFlags.Instance).Select(f => f.Name)
            .Concat(typeof(AllTypes).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null).Select(p => p.Name));
        Assert.Equal(stored.Order(), AllTypesData.Keys(default).Select(k => k.Member).Order());
    }

    [Fact]
    public void All_equal_columns_collapse_to_a_few_bytes_a_page()
    {
        var rows = new AllTypes[10_000];
        rows.AsSpan().Fill(AllTypesData.Create(1, seed: 7)[0]);
        var block = AllTypes.Codec.Encode(rows);
        AllTypesData.AssertEqual(rows, AllTypes.Codec.Decode(block));
        Assert.True(block.Length < 10_000, $"{block.Length} bytes for 10,000 identical rows");
    }

    [Fact]
    public void Adversarial_doubles_come_back_bit_for_bit_in_every_position()
    {
        var random = new Random(3);
        var values = new double[4096];
        for (var i = 0; i < values.Length; i++)
        {
            // Mostly decimals (so pages take the ALP path) with adversarial values sprinkled in as exceptions.
            values[i] = random.Next(4) == 0 ? AdversarialDoubles[random.Next(AdversarialDoubles.Length)] : Math.Round(random.NextDouble() * 1000, 2);
        }

        AssertDoubles(values);
        AssertDoubles(AdversarialDoubles);
        var full = new double[3000];
        for (var i = 0; i < full.Length; i++)
        {
            full[i] = random.NextDouble() * Math.Exp(random.Next(-50, 50)); // full precision: the XOR path
        }

        AssertDoubles(full);
    }

    [Fact]
    public void Floats_keep_nan_payloads_and_signed_zero()
    {
        var rows = new ClassRow[]
        {
            new() { Name = null, Count = null, Value = -0.0, Ratio = 0.25f },
            new() { Name = "", Count = int.MinValue, Value = double.NaN, Ratio = -0.0f },
            new() { Name = "x", Count = int.MaxValue, Value = 1.5, Ratio = float.NaN },
        };
        var back = ClassRow.Codec.Decode(ClassRow.Codec.Encode(rows));
        Assert.Null(back[0].Name);
        Assert.Equal(string.Empty, back[1].Name);
        Assert.Equal("x", back[2].Name);
        Assert.Null(back[0].Count);
        Assert.Equal(int.MinValue, back[1].Count);
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(back[0].Value));
        Assert.Equal(0.2f, back[0].Ratio, 1e-6f); // quantized to 1 decimal (banker's rounding of 2.5)
        Assert.Equal(BitConverter.SingleToInt32Bits(-0.0f), BitConverter.SingleToInt32Bits(back[1].Ratio));
        Assert.True(float.IsNaN(back[2].Ratio));

        var floats = new AllTypes[AdversarialFloats.Length];
        for (var i = 0; i < floats.Length; i++)
        {
            floats[i].Single = AdversarialFloats[i];
            floats[i].NullableSingle = i % 2 == 0 ? AdversarialFloats[i] : null;
        }

        var decoded = AllTypes.Codec.Decode(AllTypes.Codec.Encode(floats));
        for (var i = 0; i < floats.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToUInt32Bits(floats[i].Single), BitConverter.SingleToUInt32Bits(decoded[i].Single));
            Assert.Equal(floats[i].NullableSingle.HasValue, decoded[i].NullableSingle.HasValue);
            if (floats[i].NullableSingle is { } f)
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(f), BitConverter.SingleToUInt32Bits(decoded[i].NullableSingle!.Value));
            }
        }
    }

    // From bits in memory: a float constant, even BitConverter.UInt32BitsToSingle(0x7F80_0001), is folded through a
    // double by the JIT, which quiets a signalling NaN (0x7FC0_0001), so such a test never saw one.
    internal static readonly float[] AdversarialFloats = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, float>(new uint[]
    {
        0x0000_0000, 0x8000_0000, 0xFFC0_0000, 0x7F80_0001, 0xFFC0_1234, 0x7F80_0000, 0xFF80_0000, 0x0000_0001, 0x8000_0001, 0x7F7F_FFFF, 0xFF7F_FFFF,
        0x3DCC_CCCD, 0x3FC0_0000, 0x4049_0FD0, 0x4144_0000, // 0.1f, 1.5f, 3.14159f, 12.25f
    }).ToArray();

    [Fact]
    public void The_adversarial_floats_hold_a_signalling_NaN()
    {
        Assert.Contains(0x7F80_0001u, AdversarialFloats.Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal(3.14159f, AdversarialFloats[13]);
    }

    [Fact]
    public void Class_rows_reuse_existing_instances_and_reject_null_rows()
    {
        var rows = new[] { new ClassRow { Name = "a", Value = 1 }, new ClassRow { Name = "b", Value = 2 } };
        var block = ClassRow.Codec.Encode(rows);
        var existing = new ClassRow();
        var destination = new[] { existing, null! };
        Assert.Equal(2, ClassRow.Codec.Decode(block, destination));
        Assert.Same(existing, destination[0]);
        Assert.Equal("a", existing.Name);
        Assert.Equal("b", destination[1].Name);

        var error = Assert.Throws<ArgumentException>(() => ClassRow.Codec.Encode(new ClassRow[] { new(), null! }));
        Assert.Contains("Row 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_member_types_keep_their_row_count()
    {
        var block = NoMembers.Codec.Encode(new NoMembers[5000]);
        Assert.Equal(5000, NoMembers.Codec.GetRowCount(block));
        Assert.Equal(5000, NoMembers.Codec.Decode(block).Length);
        Assert.Empty(NoMembers.Codec.Decode(NoMembers.Codec.Encode(ReadOnlySpan<NoMembers>.Empty)));
    }

    [Fact]
    public void Encode_appends_to_the_buffer_writer_and_decode_fills_a_larger_destination()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write<byte>([1, 2, 3]);
        var rows = Metrics(10, seed: 4);
        MetricSample.Codec.Encode(rows, output);
        var block = output.WrittenSpan.Slice(3);
        var destination = new MetricSample[20];
        Assert.Equal(10, MetricSample.Codec.Decode(block, destination));
        Assert.Equal(rows[9].UnixMs, destination[9].UnixMs);
        Assert.Equal(0, destination[10].UnixMs);
    }

    [Theory]
    [InlineData(0)] // exactly the size asked for
    [InlineData(1)] // one byte more
    public void Encode_writes_the_same_block_into_a_writer_that_hands_out_just_the_span_asked_for(int extra)
    {
        var rows = Metrics(3_000, seed: 8); // several pages, every encoding
        var output = new StingyWriter(extra);
        MetricSample.Codec.Encode(rows, output);
        Assert.Equal(MetricSample.Codec.Encode(rows), output.Written.ToArray());
        Assert.Equal(rows.Length, MetricSample.Codec.Decode(output.Written.ToArray()).Length);
    }

    /// <summary>A writer that hands out a fresh span of <c>sizeHint + extra</c> bytes (at least 1) and checks every Advance.</summary>
    private sealed class StingyWriter(int extra) : IBufferWriter<byte>
    {
        private byte[] _span = [];

        public List<byte> Written { get; } = new();

        public void Advance(int count)
        {
            Assert.InRange(count, 0, _span.Length);
            Written.AddRange(_span.AsSpan(0, count).ToArray());
            _span = [];
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _span = new byte[Math.Max(sizeHint, 1) + extra];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    [Fact]
    public void One_million_rows_round_trip()
    {
        var rows = Metrics(1_000_000, seed: 5);
        var block = MetricSample.Codec.Encode(rows);
        var back = new MetricSample[rows.Length];
        Assert.Equal(rows.Length, MetricSample.Codec.Decode(block, back));
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].UnixMs != back[i].UnixMs || rows[i].Node != back[i].Node || BitConverter.DoubleToInt64Bits(rows[i].Cpu) != BitConverter.DoubleToInt64Bits(back[i].Cpu) ||
                rows[i].Restarts != back[i].Restarts || rows[i].Phase != back[i].Phase)
            {
                Assert.Fail($"row {i} differs");
            }
        }
    }

    private static void AssertDoubles(double[] values)
    {
        var rows = new DoubleRow[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            rows[i].Value = values[i];
        }

        var back = DoubleRow.Codec.Decode(DoubleRow.Codec.Encode(rows));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(back[i].Value));
        }
    }
}
