using System.Buffers.Binary;
using System.Text;
using Hotpath.Compression;

namespace Hotpath.Tests.Compression;

public sealed class ColumnarCorruptionTests
{
    private static readonly byte[] Block = MetricSample.Codec.Encode(ColumnarRoundTripTests.Metrics(300, seed: 11));

    [Fact]
    public void Every_truncation_is_reported_as_corrupt()
    {
        for (var length = 0; length < Block.Length; length++)
        {
            var error = Assert.Throws<CorruptBlockException>(() => MetricSample.Codec.Decode(Block.AsSpan(0, length)));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            Assert.Throws<CorruptBlockException>(() => MetricSample.Codec.GetRowCount(Block.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_caught_by_the_checksum()
    {
        var copy = Block.ToArray();
        var destination = new MetricSample[400];
        for (var bit = 0; bit < copy.Length * 8; bit++)
        {
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<CorruptBlockException>(() => MetricSample.Codec.Decode(copy, destination));
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
        }

        Assert.Equal(300, MetricSample.Codec.Decode(copy, destination)); // restored: decodes again
    }

    [Fact]
    public void Messages_say_what_was_wrong()
    {
        Assert.Contains("shorter", Message(Block.AsSpan(0, 10).ToArray()), StringComparison.Ordinal);
        Assert.Contains("magic", Message(Encoding.UTF8.GetBytes("{\"rows\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14]}")), StringComparison.Ordinal);

        var version = Block.ToArray();
        version[4] = 9;
        Assert.Contains("version 9", Message(version), StringComparison.Ordinal);

        var flipped = Block.ToArray();
        flipped[Block.Length / 2] ^= 0x10;
        Assert.Contains("checksum", Message(flipped), StringComparison.Ordinal);

        // Another schema: a valid block of AllTypes read by MetricSample's codec.
        var foreign = AllTypes.Codec.Encode(AllTypesData.Create(3, seed: 1));
        Assert.Contains("another schema", Message(foreign), StringComparison.Ordinal);
        Assert.Contains("another schema", Assert.Throws<CorruptBlockException>(() => AllTypes.Codec.Decode(Block)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_row_count_with_a_valid_checksum_does_not_size_an_allocation()
    {
        var forged = Block.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(forged.AsSpan(13), int.MaxValue);
        Reseal(forged);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CorruptBlockException>(() => MetricSample.Codec.Decode(forged));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Contains("rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoding_into_a_too_small_destination_is_an_argument_error()
    {
        var error = Assert.Throws<ArgumentException>(() => MetricSample.Codec.Decode(Block, new MetricSample[299]));
        Assert.Contains("299", error.Message, StringComparison.Ordinal);
        Assert.Equal(300, MetricSample.Codec.Decode(Block, new MetricSample[300]));
    }

    [Fact]
    public void A_block_is_read_exactly_trailing_bytes_or_a_second_block_after_it_are_corrupt()
    {
        // The checksum is the block's last four bytes, so the caller frames blocks (docs/format.md).
        var trailing = Block.Append((byte)0).ToArray();
        Assert.Contains("checksum", Message(trailing), StringComparison.Ordinal);
        Assert.Throws<CorruptBlockException>(() => MetricSample.Codec.Decode(trailing));

        var twoBlocks = Block.Concat(Block).ToArray();
        Assert.Throws<CorruptBlockException>(() => MetricSample.Codec.GetRowCount(twoBlocks));
        Assert.Equal(300, MetricSample.Codec.GetRowCount(twoBlocks.AsSpan(Block.Length)));
        Assert.Equal(300, MetricSample.Codec.Decode(twoBlocks.AsSpan(0, Block.Length), new MetricSample[300]));

        Assert.Contains("shorter", Message([]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_of_a_type_with_the_same_member_types_under_other_names_is_another_schema()
    {
        var block = DoubleRow.Codec.Encode([new DoubleRow { Value = 1.5 }, new DoubleRow { Value = -2 }]);
        var error = Assert.Throws<CorruptBlockException>(() => AmountRow.Codec.GetRowCount(block));
        Assert.Contains("another schema", error.Message, StringComparison.Ordinal);
        Assert.Throws<CorruptBlockException>(() => AmountRow.Codec.Decode(block));

        // The type's own name is not part of the schema: a type renamed with its members kept reads its blocks.
        Assert.Equal([1.5, -2], RenamedDoubleRow.Codec.Decode(block).Select(static row => row.Value));
    }

    [Fact]
    public void Random_garbage_is_corrupt()
    {
        var random = new Random(5);
        for (var i = 0; i < 2_000; i++)
        {
            var garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            if (i % 2 == 0 && garbage.Length >= 4)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(garbage, 0x42435048); // right magic, rest garbage
            }

            Assert.Throws<CorruptBlockException>(() => MetricSample.Codec.Decode(garbage));
        }
    }

    /// <summary>
    /// Exhaustive and deterministic, beside the random fuzzing of <see cref="ColumnarFuzzTests"/>: every single-bit flip,
    /// every truncation, a few values of every byte and a few forged 32-bit counts or lengths at every offset, each
    /// resealed with a fresh checksum so it reaches the section parsers. Each either throws
    /// <see cref="CorruptBlockException"/> or is another valid block (GetRowCount and Decode agree), and neither way
    /// allocates more than a small block's rows could need (no allocation sized by a forged count).
    /// </summary>
    [Fact]
    public void Every_resealed_bit_flip_truncation_and_forged_count_is_corrupt_or_valid_and_allocates_no_forged_size()
    {
        var failures = new List<string>();
        Sweep("MetricSample", MetricSample.Codec, MetricSample.Codec.Encode(ColumnarRoundTripTests.Metrics(40, seed: 21)), 64, failures);
        Sweep("MetricSample (two Rice streams)", MetricSample.Codec, MetricSample.Codec.Encode(ColumnarRoundTripTests.Metrics(300, seed: 23)), 512, failures);
        Sweep("AllTypes", AllTypes.Codec, AllTypes.Codec.Encode(AllTypesData.Create(12, seed: 22)), 64, failures);
        Sweep(
            "ClassRow",
            ClassRow.Codec,
            ClassRow.Codec.Encode([new ClassRow { Name = "α", Count = 3, Value = 0.5, Ratio = 2f }, new ClassRow(), new ClassRow { Name = "bb", Value = double.NaN }]),
            64,
            failures);
        Sweep("CalendarRow", CalendarRow.Codec, CalendarRow.Codec.Encode(ColumnarCalendarTests.Rows(48, seed: 24)), 64, failures);
        Sweep("NoMembers", NoMembers.Codec, NoMembers.Codec.Encode(new NoMembers[3000]), 4096, failures);
        Assert.True(failures.Count == 0, $"{failures.Count} mutants misbehaved:\n{string.Join("\n", failures.Take(40))}");
    }

    private static void Sweep<T>(string name, IColumnarCodec<T> codec, byte[] block, int capacity, List<string> failures)
    {
        var destination = new T[capacity];
        var body = block.Length - 4;
        for (var bit = 0; bit < body * 8; bit++)
        {
            var mutant = block.ToArray();
            mutant[bit / 8] ^= (byte)(1 << (bit % 8));
            Check($"{name}, bit {bit} flipped", mutant);
        }

        for (var length = 4; length < block.Length; length++)
        {
            Check($"{name}, truncated to {length} bytes", block.AsSpan(0, length).ToArray());
        }

        for (var offset = 0; offset < body; offset++)
        {
            foreach (var value in (ReadOnlySpan<byte>)[0x00, 0x01, 0x40, 0x7F, 0x80, 0xFE, 0xFF])
            {
                var mutant = block.ToArray();
                mutant[offset] = value;
                Check($"{name}, byte {offset} = 0x{value:X2}", mutant);
            }

            if (offset + 4 <= body)
            {
                foreach (var value in (ReadOnlySpan<uint>)[1025, 4096, 0x10000, 0x1000000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF])
                {
                    var mutant = block.ToArray();
                    BinaryPrimitives.WriteUInt32LittleEndian(mutant.AsSpan(offset), value);
                    Check($"{name}, bytes {offset}-{offset + 3} = 0x{value:X8}", mutant);
                }
            }
        }

        void Check(string what, byte[] mutant)
        {
            Reseal(mutant);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var rows = codec.GetRowCount(mutant);
                if (rows <= destination.Length && codec.Decode(mutant, destination) is var decoded && decoded != rows)
                {
                    failures.Add($"{what}: GetRowCount said {rows}, Decode {decoded}");
                }
            }
            catch (CorruptBlockException)
            {
            }
            catch (Exception ex)
            {
                failures.Add($"{what}: {ex.GetType().Name}: {ex.Message}");
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > 256 * 1024)
            {
                failures.Add($"{what}: allocated {allocated} bytes");
            }
        }
    }

    /// <summary>Recomputes the trailing CRC-32C so a mutation reaches the section parsers.</summary>
    internal static void Reseal(byte[] block)
    {
        if (block.Length >= 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(block.Length - 4), ColumnarBlock.Crc32C(block.AsSpan(0, block.Length - 4)));
        }
    }

    private static string Message(byte[] block) => Assert.Throws<CorruptBlockException>(() => MetricSample.Codec.Decode(block)).Message;
}
