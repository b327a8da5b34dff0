using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Hotpath.Compression;

/// <summary>How a column is encoded; chosen by the member's attribute (the generator passes it on).</summary>
public enum ColumnEncoding
{
    /// <summary>The best lossless encoding for the type, chosen per page from exact sizes.</summary>
    Auto = 0,

    /// <summary>Delta-of-delta (<c>[DeltaOfDelta]</c>): timestamps at regular intervals.</summary>
    DeltaOfDelta = 1,

    /// <summary>Dictionary (<c>[Dictionary]</c>): low-cardinality strings.</summary>
    Dictionary = 2,

    /// <summary>Run-length (<c>[RunLength]</c>): values that rarely change.</summary>
    RunLength = 3,
}

/// <summary>Layout constants and shared validation of the columnar block format (docs/format.md).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ColumnarBlock
{
    /// <summary>Format version written in byte 4 (2: long Rice sequences are two streams; 3: float NaNs are stored as runs).</summary>
    public const byte Version = 3;

    /// <summary>Bytes before the first section: magic, version, fingerprint, row count, section count.</summary>
    public const int HeaderSize = 19;

    /// <summary>Bytes of the trailing CRC-32C.</summary>
    public const int ChecksumSize = 4;

    /// <summary>Bytes before each section's payload: kind and length.</summary>
    public const int SectionHeaderSize = 5;

    internal const uint Magic = 0x42435048; // "HPCB" little-endian
    internal const int RowsPerPage = IntPageCodec.PageSize;
    internal const byte KindPadding = 0;
    internal const byte KindInt64 = 1;
    internal const byte KindDouble = 2;
    internal const byte KindSingle = 3;
    internal const byte KindString = 4;

    /// <summary>
    /// Validates a block's header, checksum, schema fingerprint and section table, and returns its row count.
    /// </summary>
    /// <param name="block">The block.</param>
    /// <param name="fingerprint">The schema fingerprint the caller's codec expects.</param>
    /// <param name="sectionCount">The number of sections the caller's schema writes.</param>
    /// <returns>The row count.</returns>
    /// <exception cref="CorruptBlockException">Anything is wrong with the block.</exception>
    public static int ReadRowCount(ReadOnlySpan<byte> block, ulong fingerprint, int sectionCount) =>
        Validate(block, fingerprint, sectionCount);

    /// <summary>CRC-32C (Castagnoli) of <paramref name="data"/>, hardware-accelerated where available.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Crc32C(ReadOnlySpan<byte> data) => ~Crc32CStreams.Update(~0u, data);

    internal static int StoredSectionCount(int sectionCount) => Math.Max(sectionCount, 1);

    internal static int Validate(ReadOnlySpan<byte> block, ulong fingerprint, int sectionCount)
    {
        if (block.Length < HeaderSize + ChecksumSize)
        {
            Corrupt.Throw($"The block is {block.Length} bytes, shorter than the smallest block ({HeaderSize + ChecksumSize} bytes): it is truncated or not a columnar block.");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(block) != Magic)
        {
            Corrupt.Throw("The block does not start with the columnar magic \"HPCB\": it is not a Hotpath columnar block.");
        }

        if (block[4] != Version)
        {
            Corrupt.Throw($"The block has format version {block[4]}; this codec reads version {Version}.");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(block.Length - ChecksumSize));
        var actual = Crc32C(block.Slice(0, block.Length - ChecksumSize));
        if (stored != actual)
        {
            Corrupt.Throw($"The block's CRC-32C checksum does not match (stored 0x{stored:X8}, computed 0x{actual:X8}): it is corrupt or truncated.");
        }

        var blockFingerprint = BinaryPrimitives.ReadUInt64LittleEndian(block.Slice(5));
        if (blockFingerprint != fingerprint)
        {
            Corrupt.Throw($"The block was written for another schema (fingerprint 0x{blockFingerprint:X16}, this codec's is 0x{fingerprint:X16}).");
        }

        var rows = BinaryPrimitives.ReadInt32LittleEndian(block.Slice(13));
        if (rows < 0)
        {
            Corrupt.Throw($"The block claims a negative row count ({rows}).");
        }

        var sections = BinaryPrimitives.ReadUInt16LittleEndian(block.Slice(17));
        if (sections != StoredSectionCount(sectionCount))
        {
            Corrupt.Throw($"The block has {sections} sections; this schema writes {StoredSectionCount(sectionCount)}.");
        }

        var position = HeaderSize;
        var end = block.Length - ChecksumSize;
        var firstLength = 0;
        for (var s = 0; s < sections; s++)
        {
            if (end - position < SectionHeaderSize)
            {
                Corrupt.Throw($"Section {s} header runs past the end of the block.");
            }

            var kind = block[position];
            var length = BinaryPrimitives.ReadInt32LittleEndian(block.Slice(position + 1));
            if (kind > KindString || (kind == KindPadding) != (sectionCount == 0))
            {
                Corrupt.Throw($"Section {s} has unexpected kind {kind}.");
            }

            if (length < 0 || length > end - position - SectionHeaderSize)
            {
                Corrupt.Throw($"Section {s} claims {length} bytes but only {end - position - SectionHeaderSize} remain.");
            }

            if (s == 0)
            {
                firstLength = length;
            }

            position += SectionHeaderSize + length;
        }

        if (position != end)
        {
            Corrupt.Throw($"The block has {end - position} stray bytes after its last section.");
        }

        // Every page of up to 1024 values costs at least one byte, and the first section always holds one
        // value per row: a row count beyond that is forged, and must not size an allocation.
        var pages = ((long)rows + RowsPerPage - 1) / RowsPerPage;
        if (pages > firstLength)
        {
            Corrupt.Throw($"The block claims {rows} rows, more than its {firstLength}-byte first column can hold.");
        }

        return rows;
    }
}

/// <summary>
/// Builds one block (used by generated codecs): rent scratch columns, fill them from the rows, write them
/// in schema order, then <see cref="Complete"/>. Always <see cref="Dispose"/> (returns pooled buffers).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct ColumnarBlockWriter
{
    private readonly int _rowCount;
    private readonly int _sectionCount;
    private byte[] _buffer;
    private int _position;
    private int _sectionsWritten;
    private long[]? _int64;
    private double[]? _double;
    private float[]? _single;
    private string?[]? _string;

    /// <summary>Starts a block.</summary>
    /// <param name="fingerprint">The schema fingerprint.</param>
    /// <param name="rowCount">Rows in the block.</param>
    /// <param name="sectionCount">Sections the schema writes (physical columns).</param>
    public ColumnarBlockWriter(ulong fingerprint, int rowCount, int sectionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        ArgumentOutOfRangeException.ThrowIfNegative(sectionCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sectionCount, ushort.MaxValue);
        _rowCount = rowCount;
        _sectionCount = sectionCount;
        _buffer = ArrayPool<byte>.Shared.Rent(256);
        _position = ColumnarBlock.HeaderSize;
        _sectionsWritten = 0;
        _int64 = null;
        _double = null;
        _single = null;
        _string = null;
        var header = _buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(header, ColumnarBlock.Magic);
        header[4] = ColumnarBlock.Version;
        BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(5), fingerprint);
        BinaryPrimitives.WriteInt32LittleEndian(header.Slice(13), rowCount);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(17), (ushort)ColumnarBlock.StoredSectionCount(sectionCount));
    }

    /// <summary>A pooled scratch column of <c>rowCount</c> integers.</summary>
    public Span<long> Int64Scratch => (_int64 ??= ArrayPool<long>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan(0, _rowCount);

    /// <summary>A pooled scratch column of <c>rowCount</c> doubles.</summary>
    public Span<double> DoubleScratch => (_double ??= ArrayPool<double>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan(0, _rowCount);

    /// <summary>A pooled scratch column of <c>rowCount</c> floats.</summary>
    public Span<float> SingleScratch => (_single ??= ArrayPool<float>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan(0, _rowCount);

    /// <summary>A pooled scratch column of <c>rowCount</c> strings (cleared on dispose).</summary>
    public Span<string?> StringScratch => (_string ??= ArrayPool<string?>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan(0, _rowCount);

    /// <summary>Writes an integer column (all integer-like members map to <see cref="long"/>).</summary>
    /// <param name="values">The values (row count, or the non-null count of a nullable member).</param>
    /// <param name="encoding">The member's encoding.</param>
    public void WriteInt64(ReadOnlySpan<long> values, ColumnEncoding encoding)
    {
        var modes = encoding switch
        {
            ColumnEncoding.DeltaOfDelta => IntModes.DeltaOfDelta,
            // Runs where they pay, plain bit-packing where a page has none: [RunLength] never costs more than 64 bits a value.
            ColumnEncoding.RunLength => IntModes.RunLength | IntModes.For,
            _ => IntModes.All,
        };
        var payload = BeginSection(ColumnarBlock.KindInt64, IntPageCodec.MaxBytes(values.Length));
        var bits = new BitWriter(payload);
        IntPageCodec.EncodeColumn(values, modes, ref bits);
        EndSection(bits.Finish());
    }

    /// <summary>Writes a double column: ALP-style decimal coding or Chimp XOR coding, per page.</summary>
    /// <param name="values">The values.</param>
    public void WriteDouble(ReadOnlySpan<double> values)
    {
        var payload = BeginSection(ColumnarBlock.KindDouble, DoublePageCodec.MaxBytes(values.Length));
        var bits = new BitWriter(payload);
        DoublePageCodec.EncodeColumn(values, IntModes.All, single: false, ref bits);
        EndSection(bits.Finish());
    }

    /// <summary>Writes a float column.</summary>
    /// <param name="values">The values.</param>
    public void WriteSingle(ReadOnlySpan<float> values)
    {
        var widened = (_double ??= ArrayPool<double>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan();
        var payload = BeginSection(ColumnarBlock.KindSingle, SinglePageCodec.MaxBytes(values.Length));
        var bits = new BitWriter(payload);
        SinglePageCodec.EncodeColumn(values, widened, IntModes.All, ref bits);
        EndSection(bits.Finish());
    }

    /// <summary>Writes a string column (dictionary or plain, chosen from the data unless forced).</summary>
    /// <param name="values">The values; nulls allowed.</param>
    /// <param name="encoding">The member's encoding.</param>
    public void WriteString(ReadOnlySpan<string?> values, ColumnEncoding encoding)
    {
        var scratch = (_int64 ??= ArrayPool<long>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan();
        var payload = BeginSection(ColumnarBlock.KindString, StringColumnCodec.MaxBytes(values));
        EndSection(StringColumnCodec.Encode(values, encoding, scratch, payload));
    }

    /// <summary>Seals the block (checksum) and copies it to <paramref name="output"/>.</summary>
    /// <param name="output">Receives the block.</param>
    public void Complete(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_sectionCount == 0)
        {
            // No columns: a padding section of one byte a page keeps the row count bounded by the block size.
            var pages = (int)(((long)_rowCount + ColumnarBlock.RowsPerPage - 1) / ColumnarBlock.RowsPerPage);
            var payload = BeginSection(ColumnarBlock.KindPadding, pages);
            payload.Slice(0, pages).Clear();
            EndSection(pages);
        }

        if (_sectionsWritten != ColumnarBlock.StoredSectionCount(_sectionCount))
        {
            throw new InvalidOperationException($"The schema declares {_sectionCount} sections but {_sectionsWritten} were written.");
        }

        Ensure(ColumnarBlock.ChecksumSize);
        var crc = ColumnarBlock.Crc32C(_buffer.AsSpan(0, _position));
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), crc);
        _position += ColumnarBlock.ChecksumSize;
        _buffer.AsSpan(0, _position).CopyTo(output.GetSpan(_position));
        output.Advance(_position);
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null!;
        }

        if (_int64 is not null)
        {
            ArrayPool<long>.Shared.Return(_int64);
            _int64 = null;
        }

        if (_double is not null)
        {
            ArrayPool<double>.Shared.Return(_double);
            _double = null;
        }

        if (_single is not null)
        {
            ArrayPool<float>.Shared.Return(_single);
            _single = null;
        }

        if (_string is not null)
        {
            ArrayPool<string?>.Shared.Return(_string, clearArray: true);
            _string = null;
        }
    }

    private Span<byte> BeginSection(byte kind, long maxPayload)
    {
        if (_sectionsWritten >= ColumnarBlock.StoredSectionCount(_sectionCount))
        {
            throw new InvalidOperationException("More sections written than the schema declares.");
        }

        // 8 bytes of slack: the bit writer stores whole 64-bit words.
        var needed = ColumnarBlock.SectionHeaderSize + maxPayload + 8;
        if (needed > Array.MaxLength - _position - ColumnarBlock.ChecksumSize)
        {
            throw new InvalidOperationException("The rows are too large for one block; encode them in smaller batches.");
        }

        Ensure((int)needed);
        _buffer[_position] = kind;
        return _buffer.AsSpan(_position + ColumnarBlock.SectionHeaderSize, (int)(maxPayload + 8));
    }

    private void EndSection(int length)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_position + 1), length);
        _position += ColumnarBlock.SectionHeaderSize + length;
        _sectionsWritten++;
    }

    private void Ensure(int extra)
    {
        var needed = (long)_position + extra;
        if (needed <= _buffer.Length)
        {
            return;
        }

        var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)_buffer.Length * 2));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _position).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}

/// <summary>
/// Reads one block (used by generated codecs): validates everything up front, then hands out each
/// section's values in schema order. Always <see cref="Dispose"/> (returns pooled buffers).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct ColumnarBlockReader
{
    private readonly ReadOnlySpan<byte> _block;
    private readonly int _rowCount;
    private int _position;
    private long[]? _int0;
    private long[]? _int1;
    private long[]? _int2;
    private long[]? _int3;
    private long[]? _page;
    private double[]? _double;
    private float[]? _single;
    private string?[]? _string;

    /// <summary>Validates <paramref name="block"/> against the schema and positions at its first section.</summary>
    /// <param name="block">The block.</param>
    /// <param name="fingerprint">The schema fingerprint.</param>
    /// <param name="sectionCount">Sections the schema writes.</param>
    /// <exception cref="CorruptBlockException">Anything is wrong with the block.</exception>
    public ColumnarBlockReader(ReadOnlySpan<byte> block, ulong fingerprint, int sectionCount)
    {
        _rowCount = ColumnarBlock.Validate(block, fingerprint, sectionCount);
        _block = block.Slice(0, block.Length - ColumnarBlock.ChecksumSize);
        _position = ColumnarBlock.HeaderSize;
        _int0 = _int1 = _int2 = _int3 = _page = null;
        _double = null;
        _single = null;
        _string = null;
    }

    /// <summary>Rows in the block.</summary>
    public readonly int RowCount => _rowCount;

    /// <summary>Throws <see cref="ArgumentException"/> when the destination cannot hold the block's rows.</summary>
    /// <param name="destinationLength">The destination's length.</param>
    public readonly void EnsureDestination(int destinationLength)
    {
        if (destinationLength < _rowCount)
        {
            throw new ArgumentException($"The destination holds {destinationLength} rows but the block has {_rowCount}.", "rows");
        }
    }

    /// <summary>Counts the present entries of a presence column, checking that each is 0 or 1.</summary>
    /// <param name="presence">The presence column.</param>
    /// <returns>The number of 1s.</returns>
    public static int CountPresent(ReadOnlySpan<long> presence)
    {
        var count = 0;
        foreach (var p in presence)
        {
            if ((ulong)p > 1)
            {
                Corrupt.Throw("A presence column holds a value other than 0 or 1.");
            }

            count += (int)p;
        }

        return count;
    }

    /// <summary>Reads the next section as <paramref name="count"/> integers into scratch slot <paramref name="slot"/> (0 to 3).</summary>
    /// <param name="slot">Scratch slot; values stay valid until the slot is reused.</param>
    /// <param name="count">Values in the section.</param>
    /// <returns>The values.</returns>
    public ReadOnlySpan<long> ReadInt64(int slot, int count)
    {
        var section = NextSection(ColumnarBlock.KindInt64, count);
        var values = Slot(slot).AsSpan(0, count);
        var bits = new BitReader(section);
        IntPageCodec.DecodeColumn(ref bits, values);
        bits.EnsureConsumed();
        return values;
    }

    /// <summary>
    /// Opens the next section as <paramref name="count"/> integers read one page (up to 1,024 values) at a
    /// time into a small scratch that stays in the core's cache while the caller copies it into rows; reading
    /// a whole column first would write and read back 8 bytes a row through memory on large blocks.
    /// </summary>
    /// <param name="count">Values in the section.</param>
    /// <returns>The pages; read them to the end (<see cref="ColumnPages{T}.Next"/> returns false), which checks the section was consumed exactly.</returns>
    public ColumnPages<long> ReadInt64Pages(int count)
    {
        var section = NextSection(ColumnarBlock.KindInt64, count);
        return new ColumnPages<long>(new BitReader(section), PageScratch(count), count);
    }

    /// <summary>Opens the next section as <paramref name="count"/> doubles read one page at a time (see <see cref="ReadInt64Pages"/>).</summary>
    /// <param name="count">Values in the section.</param>
    /// <returns>The pages; read them to the end.</returns>
    public ColumnPages<double> ReadDoublePages(int count)
    {
        var section = NextSection(ColumnarBlock.KindDouble, count);
        return new ColumnPages<double>(new BitReader(section), MemoryMarshal.Cast<long, double>(PageScratch(count)), count);
    }

    /// <summary>Reads the next section as <paramref name="count"/> doubles.</summary>
    /// <param name="count">Values in the section.</param>
    /// <returns>The values.</returns>
    public ReadOnlySpan<double> ReadDouble(int count)
    {
        var section = NextSection(ColumnarBlock.KindDouble, count);
        var values = (_double ??= ArrayPool<double>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan(0, count);
        var bits = new BitReader(section);
        DoublePageCodec.DecodeColumn(ref bits, values, single: false);
        bits.EnsureConsumed();
        return values;
    }

    /// <summary>Reads the next section as <paramref name="count"/> floats.</summary>
    /// <param name="count">Values in the section.</param>
    /// <returns>The values.</returns>
    public ReadOnlySpan<float> ReadSingle(int count)
    {
        var section = NextSection(ColumnarBlock.KindSingle, count);
        var values = (_single ??= ArrayPool<float>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan(0, count);
        var widened = (_double ??= ArrayPool<double>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan(0, count);
        var bits = new BitReader(section);
        SinglePageCodec.DecodeColumn(ref bits, values, widened);
        bits.EnsureConsumed();
        return values;
    }

    /// <summary>Reads the next section as <paramref name="count"/> strings.</summary>
    /// <param name="count">Values in the section.</param>
    /// <returns>The values.</returns>
    public ReadOnlySpan<string?> ReadString(int count)
    {
        var section = NextSection(ColumnarBlock.KindString, count);
        var values = (_string ??= ArrayPool<string?>.Shared.Rent(Math.Max(_rowCount, 1))).AsSpan(0, count);
        StringColumnCodec.Decode(section, values, Slot(3).AsSpan(0, count));
        return values;
    }

    /// <summary>Checks that every section was read.</summary>
    public readonly void Complete()
    {
        if (_position != _block.Length && _rowCount >= 0)
        {
            // Zero-column schemas leave their padding section unread; anything else is a codec bug.
            if (_block[_position] != ColumnarBlock.KindPadding)
            {
                Corrupt.Throw("The block has sections its schema does not read.");
            }
        }
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        Return(ref _page);
        Return(ref _int0);
        Return(ref _int1);
        Return(ref _int2);
        Return(ref _int3);
        if (_double is not null)
        {
            ArrayPool<double>.Shared.Return(_double);
            _double = null;
        }

        if (_single is not null)
        {
            ArrayPool<float>.Shared.Return(_single);
            _single = null;
        }

        if (_string is not null)
        {
            ArrayPool<string?>.Shared.Return(_string, clearArray: true);
            _string = null;
        }

        static void Return(ref long[]? array)
        {
            if (array is not null)
            {
                ArrayPool<long>.Shared.Return(array);
                array = null;
            }
        }
    }

    private Span<long> PageScratch(int count) =>
        (_page ??= ArrayPool<long>.Shared.Rent(IntPageCodec.PageSize)).AsSpan(0, Math.Min(count, IntPageCodec.PageSize));

    private long[] Slot(int slot) => slot switch
    {
        0 => _int0 ??= ArrayPool<long>.Shared.Rent(Math.Max(_rowCount, 1)),
        1 => _int1 ??= ArrayPool<long>.Shared.Rent(Math.Max(_rowCount, 1)),
        2 => _int2 ??= ArrayPool<long>.Shared.Rent(Math.Max(_rowCount, 1)),
        3 => _int3 ??= ArrayPool<long>.Shared.Rent(Math.Max(_rowCount, 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(slot)),
    };

    private ReadOnlySpan<byte> NextSection(byte kind, int count)
    {
        if ((uint)count > (uint)_rowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        // The section table was validated in the constructor, so these reads are in range.
        if (_position >= _block.Length)
        {
            Corrupt.Throw("The block has fewer sections than its schema reads.");
        }

        var actualKind = _block[_position];
        if (actualKind != kind)
        {
            Corrupt.Throw($"Expected a section of kind {kind}, found kind {actualKind}.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(_block.Slice(_position + 1));
        var section = _block.Slice(_position + ColumnarBlock.SectionHeaderSize, length);
        _position += ColumnarBlock.SectionHeaderSize + length;
        return section;
    }
}

/// <summary>
/// A section of integers (<see cref="long"/>) or doubles read one page at a time (used by generated codecs; see
/// <see cref="ColumnarBlockReader.ReadInt64Pages"/> and <see cref="ColumnarBlockReader.ReadDoublePages"/>).
/// </summary>
/// <typeparam name="T"><see cref="long"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct ColumnPages<T>
    where T : unmanaged
{
    private readonly Span<T> _scratch;
    private BitReader _bits;
    private int _remaining;

    internal ColumnPages(BitReader bits, Span<T> scratch, int count)
    {
        _bits = bits;
        _scratch = scratch;
        _remaining = count;
    }

    /// <summary>Decodes the next page.</summary>
    /// <param name="values">The page's values, valid until the next call.</param>
    /// <returns>False after the last page, once the section is checked to be consumed exactly.</returns>
    /// <exception cref="CorruptBlockException">The section is damaged.</exception>
    public bool Next(out ReadOnlySpan<T> values)
    {
        if (_remaining == 0)
        {
            _bits.EnsureConsumed();
            values = default;
            return false;
        }

        var page = _scratch.Slice(0, Math.Min(_remaining, _scratch.Length));
        if (typeof(T) == typeof(double))
        {
            DoublePageCodec.DecodePage(ref _bits, MemoryMarshal.Cast<T, double>(page), single: false);
        }
        else
        {
            IntPageCodec.DecodePage(ref _bits, MemoryMarshal.Cast<T, long>(page));
        }

        _remaining -= page.Length;
        values = page;
        return true;
    }
}
