using System.Text;
using Hotpath.Compression;

namespace Hotpath.Tests.Compression;

/// <summary>The row type of <see cref="ColumnarFormatDocumentTests"/>: one section of each main kind, and a nullable column.</summary>
[Columnar]
public partial struct HandAssembledRow
{
    public int Count;
    public double Load;
    public double Temperature;
    public string? Zone;
    public long? Parent;
}

/// <summary>
/// docs/format.md is enough to write a block: the block here is assembled byte by byte and bit by bit from the page's
/// description only (header, fingerprint, an integer page, a decimal and a Chimp double page, a string dictionary, a
/// nullable column, the checksum), and the generated codec must read back the rows it was meant to hold. The other
/// direction, that format.md is enough to read every block the codec writes, is <see cref="ReferenceReaderTests"/>:
/// a reader written from the page alone (<see cref="ReferenceColumnarReader"/>) covers every member type (nullable,
/// multi-section and inherited members too), every integer mode 0–10 with scaled pages, two-stream Rice, escapes and
/// patched exceptions, decimal and Chimp double and float pages with every flag, float NaN runs, plain, dictionary,
/// front-coded and UTF-16 strings, the padding section of a type without members, and the checksum.
/// </summary>
public sealed class ColumnarFormatDocumentTests
{
    private const ulong Temperature3 = 0x4035_8000_0000_0001; // 21.5 with its lowest bit set
    private const ulong Temperature4 = 0x4035_8000_0000_0003;

    [Fact]
    public void A_block_assembled_from_format_md_decodes_to_its_rows()
    {
        var rows = HandAssembledRow.Codec.Decode(Block());

        Assert.Equal(5, rows.Length);
        Assert.Equal(new[] { 5, 7, 6, 5, 8 }, rows.Select(r => r.Count));
        Assert.Equal(new[] { 1.5, Math.PI, 2.5, 1.5, 0.5 }, rows.Select(r => r.Load));
        Assert.Equal(
            new[] { BitConverter.DoubleToUInt64Bits(20.0), BitConverter.DoubleToUInt64Bits(20.0), BitConverter.DoubleToUInt64Bits(21.5), Temperature3, Temperature4 },
            rows.Select(r => BitConverter.DoubleToUInt64Bits(r.Temperature)));
        Assert.Equal(new string?[] { "eu", "us", null, "eu", "eu" }, rows.Select(r => r.Zone));
        Assert.Equal(new long?[] { null, 42, 40, null, 41 }, rows.Select(r => r.Parent));
    }

    [Fact]
    public void The_checksum_is_the_crc_format_md_names()
    {
        // "the CRC of the ASCII bytes 123456789 is 0xE3069283"
        Assert.Equal(0xE3069283u, ReferenceColumnarReader.Crc32C(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(ColumnarBlock.Crc32C(Encoding.ASCII.GetBytes("123456789")), ReferenceColumnarReader.Crc32C(Encoding.ASCII.GetBytes("123456789")));
    }

    private static byte[] Block()
    {
        var sections = new List<(byte Kind, byte[] Payload)>
        {
            (1, CountSection()),
            (2, LoadSection()),
            (2, TemperatureSection()),
            (4, ZoneSection()),
            (1, ParentPresenceSection()),
            (1, ParentValueSection()),
        };

        var block = new List<byte>();
        block.AddRange("HPCB"u8.ToArray());
        block.Add(3); // format version
        block.AddRange(LittleEndian(ReferenceColumnarReader.Fingerprint("hotpath-columnar-1;Count:Int32:0:-1;Load:Double:0:-1;Temperature:Double:0:-1;Zone:String:0:-1;Parent:Int64?:0:-1;"), 8));
        block.AddRange(LittleEndian(5, 4)); // row count
        block.AddRange(LittleEndian((ulong)sections.Count, 2));
        foreach (var (kind, payload) in sections)
        {
            block.Add(kind);
            block.AddRange(LittleEndian((ulong)payload.Length, 4));
            block.AddRange(payload);
        }

        block.AddRange(LittleEndian(ReferenceColumnarReader.Crc32C(block.ToArray()), 4));
        return block.ToArray();
    }

    /// <summary>Count 5, 7, 6, 5, 8: one frame-of-reference page (mode 0), min 5, width 2.</summary>
    private static byte[] CountSection() =>
        new Bits().Write(0, 1).Write(0, 4).VarSigned(5).Write(2, 7).Write(0, 2).Write(2, 2).Write(1, 2).Write(0, 2).Write(3, 2).ToArray();

    /// <summary>
    /// Load 1.5, π, 2.5, 1.5, 0.5: a decimal page (mode 0), e = 1, f = 0, one exception; its integers 15, (15), 25,
    /// 15, 5 as a frame-of-reference page, min 5, width 5; then π's raw bits at position 1.
    /// </summary>
    private static byte[] LoadSection()
    {
        var bits = new Bits().Write(0, 2).Write(1, 5).Write(0, 5).Write(1, 11);
        bits.Write(0, 1).Write(0, 4).VarSigned(5).Write(5, 7);
        foreach (var k in new[] { 15, 15, 25, 15, 5 })
        {
            bits.Write((ulong)(k - 5), 5);
        }

        return bits.Write(1, 10).Write(BitConverter.DoubleToUInt64Bits(Math.PI), 64).ToArray();
    }

    /// <summary>Temperature 20.0, 20.0, 21.5 and two values one bit apart: a Chimp page (mode 1) using flags 0, 2, 3 and 1.</summary>
    private static byte[] TemperatureSection()
    {
        var bits = new Bits().Write(1, 2).Write(BitConverter.DoubleToUInt64Bits(20.0), 64);
        bits.Write(0, 2); // the same value
        // 20.0 ^ 21.5 = 0x0001_8000_0000_0000: 15 leading zeros (class 2, L = 12), 47 trailing zeros: flag 2,
        // s = 64 - 12 - 47 = 5 significant bits.
        bits.Write(2, 2).Write(2, 3).Write(5, 6).Write(0b00011, 5);
        // XOR 1: 63 leading zeros, class 7 (L = 24), no trailing zeros: flag 3, then 40 bits.
        bits.Write(3, 2).Write(7, 3).Write(1, 40);
        // XOR 2: 62 leading zeros, the same class: flag 1, then 40 bits.
        bits.Write(1, 2).Write(2, 40);
        return bits.ToArray();
    }

    /// <summary>Zone "eu", "us", null, "eu", "eu": a dictionary of two UTF-8 entries, then the indexes 1, 2, 0, 1, 1.</summary>
    private static byte[] ZoneSection()
    {
        var bytes = new List<byte> { 0b001, 2, 2, (byte)'e', (byte)'u', 2, (byte)'u', (byte)'s' };
        bytes.AddRange(new Bits().Write(0, 1).Write(0, 4).VarSigned(0).Write(2, 7).Write(1, 2).Write(2, 2).Write(0, 2).Write(1, 2).Write(1, 2).ToArray());
        return bytes.ToArray();
    }

    /// <summary>Parent's presence 0, 1, 1, 0, 1.</summary>
    private static byte[] ParentPresenceSection() =>
        new Bits().Write(0, 1).Write(0, 4).VarSigned(0).Write(1, 7).Write(0, 1).Write(1, 1).Write(1, 1).Write(0, 1).Write(1, 1).ToArray();

    /// <summary>Parent's three values 42, 40, 41: a delta + frame-of-reference page (mode 1), first 42, deltas -2 and 1 from min -2, width 2.</summary>
    private static byte[] ParentValueSection() =>
        new Bits().Write(0, 1).Write(1, 4).VarSigned(42).VarSigned(-2).Write(2, 7).Write(0, 2).Write(3, 2).ToArray();

    private static byte[] LittleEndian(ulong value, int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(value >> (8 * i));
        }

        return bytes;
    }

    /// <summary>A bit stream as format.md describes it: a field's lowest bit first, padded with zero bits to a byte.</summary>
    private sealed class Bits
    {
        private readonly List<bool> _bits = [];

        public Bits Write(ulong value, int count)
        {
            for (var i = 0; i < count; i++)
            {
                _bits.Add(((value >> i) & 1) != 0);
            }

            return this;
        }

        /// <summary><i>var</i>: a 7-bit bit length L, then L bits.</summary>
        public Bits Var(ulong value)
        {
            var length = 64 - System.Numerics.BitOperations.LeadingZeroCount(value);
            return Write((ulong)length, 7).Write(value, length);
        }

        /// <summary><i>var-signed</i>: <i>var</i> of zigzag(v) = (v &lt;&lt; 1) ^ (v &gt;&gt; 63).</summary>
        public Bits VarSigned(long value) => Var(unchecked((ulong)((value << 1) ^ (value >> 63))));

        public byte[] ToArray()
        {
            var bytes = new byte[(_bits.Count + 7) / 8];
            for (var i = 0; i < _bits.Count; i++)
            {
                if (_bits[i])
                {
                    bytes[i / 8] |= (byte)(1 << (i % 8));
                }
            }

            return bytes;
        }
    }
}
