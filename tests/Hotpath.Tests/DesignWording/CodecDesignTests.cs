using System.Buffers;
using Hotpath.Compression;

namespace Hotpath.Tests.DesignWording;

/// <summary>A small schema as a tester would declare it from DESIGN.md section 2.</summary>
[Columnar]
public partial struct DesignSample
{
    [DeltaOfDelta] public long UnixMs;
    [Dictionary] public string Node;
    public double Cpu;
    public int Restarts;
    [RunLength] public DesignPhase Phase;
}

public enum DesignPhase
{
    Pending,
    Running,
    Failed,
}

/// <summary>
/// A <c>[Columnar]</c> codec as an outside tester would exercise it from DESIGN.md section 2 and the codec issue:
/// round trips (empty, one row, exact doubles), every truncation of a small block, garbage, a too-small destination.
/// </summary>
public sealed class CodecDesignTests
{
    private static DesignSample[] Rows(int count)
    {
        var rows = new DesignSample[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = new DesignSample
            {
                UnixMs = 1_767_225_600_000 + (i * 15_000),
                Node = $"node-{i % 3}",
                Cpu = 0.25 * i,
                Restarts = i / 2,
                Phase = i < 2 ? DesignPhase.Pending : DesignPhase.Running,
            };
        }

        return rows;
    }

    [Fact]
    public void An_empty_batch_round_trips_to_an_empty_block_of_zero_rows()
    {
        var block = DesignSample.Codec.Encode(ReadOnlySpan<DesignSample>.Empty);
        Assert.NotEmpty(block); // still a block: header, schema, checksum
        Assert.Equal(0, DesignSample.Codec.GetRowCount(block));
        Assert.Empty(DesignSample.Codec.Decode(block));
        Assert.Equal(0, DesignSample.Codec.Decode(block, Span<DesignSample>.Empty));
    }

    [Fact]
    public void One_row_round_trips()
    {
        var rows = Rows(1);
        var block = DesignSample.Codec.Encode(rows);
        Assert.Equal(1, DesignSample.Codec.GetRowCount(block));
        Assert.Equal(rows, DesignSample.Codec.Decode(block));
    }

    [Fact]
    public void Rows_round_trip_through_an_IBufferWriter_and_a_span()
    {
        var rows = Rows(100);
        var writer = new ArrayBufferWriter<byte>();
        DesignSample.Codec.Encode(rows, writer);

        var destination = new DesignSample[150];
        var written = DesignSample.Codec.Decode(writer.WrittenSpan, destination);
        Assert.Equal(100, written);
        Assert.Equal(rows, destination[..100]);
        Assert.All(destination[100..], static row => Assert.Equal(default, row)); // beyond the count: untouched
    }

    [Fact]
    public void Two_blocks_appended_to_one_writer_each_decode()
    {
        var writer = new ArrayBufferWriter<byte>();
        DesignSample.Codec.Encode(Rows(3), writer);
        var firstLength = writer.WrittenCount;
        DesignSample.Codec.Encode(Rows(5), writer);

        Assert.Equal(3, DesignSample.Codec.GetRowCount(writer.WrittenSpan[..firstLength]));
        Assert.Equal(Rows(5), DesignSample.Codec.Decode(writer.WrittenSpan[firstLength..]));
    }

    [Fact]
    public void Every_double_comes_back_bit_for_bit()
    {
        double[] specials =
        [
            0.0, -0.0, double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_DEAD_BEEF)),
            double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 0.1, 1e-310,
        ];
        var rows = specials.Select(static (d, i) => new DesignSample { Cpu = d, Node = "n", UnixMs = i }).ToArray();

        var decoded = DesignSample.Codec.Decode(DesignSample.Codec.Encode(rows));

        Assert.Equal(specials.Length, decoded.Length);
        for (var i = 0; i < specials.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(specials[i]), BitConverter.DoubleToInt64Bits(decoded[i].Cpu));
        }
    }

    [Fact]
    public void Null_and_unicode_strings_round_trip()
    {
        var rows = new[]
        {
            new DesignSample { Node = null! },
            new DesignSample { Node = "" },
            new DesignSample { Node = "nœud-β-🚀" },
            new DesignSample { Node = null! },
        };

        var decoded = DesignSample.Codec.Decode(DesignSample.Codec.Encode(rows));
        Assert.Equal(rows.Select(static r => r.Node), decoded.Select(static r => r.Node));
    }

    [Fact]
    public void A_small_block_truncated_at_every_length_throws_CorruptBlockException()
    {
        var block = DesignSample.Codec.Encode(Rows(3));
        var destination = new DesignSample[3];
        for (var length = 0; length < block.Length; length++)
        {
            var truncated = block.AsSpan(0, length).ToArray();
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.GetRowCount(truncated));
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.Decode(truncated, destination));
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.Decode(truncated));
        }
    }

    [Fact]
    public void The_empty_block_truncated_at_every_length_throws_CorruptBlockException()
    {
        var block = DesignSample.Codec.Encode(Array.Empty<DesignSample>());
        for (var length = 0; length < block.Length; length++)
        {
            var truncated = block.AsSpan(0, length).ToArray();
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.GetRowCount(truncated));
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.Decode(truncated));
        }
    }

    [Fact]
    public void A_block_with_a_trailing_byte_appended_is_not_silently_accepted_as_a_different_block()
    {
        var rows = Rows(3);
        var block = DesignSample.Codec.Encode(rows);
        var longer = block.Append((byte)0).ToArray();
        try
        {
            Assert.Equal(rows, DesignSample.Codec.Decode(longer)); // if accepted, it must still be the same rows
        }
        catch (CorruptBlockException)
        {
            // also fine: the block length does not match
        }
    }

    [Fact]
    public void GetRowCount_and_Decode_on_garbage_throw_CorruptBlockException()
    {
        byte[][] garbage =
        [
            [],
            [0],
            new byte[16],
            new byte[1024],
            Enumerable.Repeat((byte)0xFF, 64).ToArray(),
            "not a block at all"u8.ToArray(),
            "{\"UnixMs\":1,\"Node\":\"n\"}"u8.ToArray(),
        ];
        foreach (var bytes in garbage)
        {
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.GetRowCount(bytes));
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.Decode(bytes));
        }

        var random = new Random(123);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.GetRowCount(bytes));
        }
    }

    [Fact]
    public void CorruptBlockException_is_a_FormatException_with_a_message()
    {
        var error = Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.GetRowCount(new byte[3]));
        Assert.IsAssignableFrom<FormatException>(error);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void A_flipped_bit_anywhere_in_a_small_block_throws_CorruptBlockException()
    {
        var block = DesignSample.Codec.Encode(Rows(3));
        for (var bit = 0; bit < block.Length * 8; bit++)
        {
            var copy = block.ToArray();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.Decode(copy));
        }
    }

    [Fact]
    public void A_block_of_another_schema_throws_CorruptBlockException()
    {
        var other = Hotpath.Tests.Compression.MetricSample.Codec.Encode(
            [new Hotpath.Tests.Compression.MetricSample { UnixMs = 1, Node = "n", Cpu = 1, Memory = 2, Restarts = 3 }]);
        Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.GetRowCount(other));
        Assert.Throws<CorruptBlockException>(() => DesignSample.Codec.Decode(other));
    }

    [Fact]
    public void Decode_into_a_too_small_span_throws_ArgumentException()
    {
        var block = DesignSample.Codec.Encode(Rows(10));
        Assert.Throws<ArgumentException>(() => DesignSample.Codec.Decode(block, new DesignSample[9]));
        Assert.Throws<ArgumentException>(() => DesignSample.Codec.Decode(block, Span<DesignSample>.Empty));
        Assert.Equal(10, DesignSample.Codec.Decode(block, new DesignSample[10]));
    }

    [Fact]
    public void Decode_into_a_too_small_span_is_not_a_CorruptBlockException()
    {
        var block = DesignSample.Codec.Encode(Rows(2));
        var error = Assert.ThrowsAny<ArgumentException>(() => DesignSample.Codec.Decode(block, new DesignSample[1]));
        Assert.IsNotType<CorruptBlockException>(error);
    }
}
