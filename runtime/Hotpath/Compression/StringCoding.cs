using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using CommunityToolkit.HighPerformance.Buffers;

namespace Hotpath.Compression;

/// <summary>
/// String columns: either a dictionary (distinct strings once, then per-row indexes coded as integer
/// pages, where runs and small alphabets cost a few bits) or plain (per-row lengths as integer pages, then
/// the bytes). Text is UTF-8 unless a string holds a lone surrogate, then the column falls back to UTF-16 so
/// that every string comes back exactly. Decoded strings go through <see cref="StringPool"/>: repeated
/// values share one instance and a warm decode of known strings allocates nothing.
/// </summary>
internal static class StringColumnCodec
{
    private const byte DictionaryFlag = 1;
    private const byte Utf16Flag = 2;
    private const byte FrontCodedFlag = 4; // dictionary entries stored as (bytes shared with the previous entry, the rest)
    private const int StackChars = 256;

    [ThreadStatic]
    private static Dictionary<string, int>? t_dictionary;

    /// <summary>Worst case bytes of a column of these strings.</summary>
    public static long MaxBytes(ReadOnlySpan<string?> values)
    {
        long chars = 0;
        foreach (var s in values)
        {
            chars += s?.Length ?? 0;
        }

        // Each string is listed once at most in either layout, with a length prefix of up to 5 bytes.
        return 16 + (chars * 3) + (values.Length * 5L) + IntPageCodec.MaxBytes(values.Length);
    }

    /// <summary>Encodes the column into <paramref name="destination"/>, returning the bytes written.</summary>
    public static int Encode(ReadOnlySpan<string?> values, ColumnEncoding encoding, Span<long> scratch, Span<byte> destination)
    {
        var written = Encode(values, encoding, utf16: false, scratch, destination);
        return written >= 0 ? written : Encode(values, encoding, utf16: true, scratch, destination);
    }

    private static int Encode(ReadOnlySpan<string?> values, ColumnEncoding encoding, bool utf16, Span<long> scratch, Span<byte> destination)
    {
        var n = values.Length;
        var dictionary = t_dictionary ??= new Dictionary<string, int>(StringComparer.Ordinal);
        dictionary.Clear();
        var useDictionary = encoding is ColumnEncoding.Dictionary or ColumnEncoding.RunLength;
        try
        {
            if (!useDictionary)
            {
                // Adaptive: a dictionary pays when strings repeat. Stop counting once it clearly does not.
                long distinctChars = 0, allChars = 0;
                foreach (var s in values)
                {
                    if (s is null)
                    {
                        continue;
                    }

                    allChars += s.Length;
                    if (dictionary.Count <= n / 2 && dictionary.TryAdd(s, dictionary.Count + 1))
                    {
                        distinctChars += s.Length;
                    }
                }

                var indexBytes = (long)n * (64 - BitOperations.LeadingZeroCount((ulong)dictionary.Count + 1)) / 8;
                useDictionary = dictionary.Count <= n / 2 && distinctChars + (dictionary.Count * 2L) + indexBytes < allChars + n;
                dictionary.Clear();
            }

            var position = 0;
            destination[position++] = (byte)((useDictionary ? DictionaryFlag : 0) | (utf16 ? Utf16Flag : 0));
            if (useDictionary)
            {
                var count = 0;
                foreach (var s in values)
                {
                    if (s is not null && dictionary.TryAdd(s, count + 1))
                    {
                        count++;
                    }
                }

                position += Leb128.Write(destination.Slice(position), (ulong)count);
                var entriesStart = position;
                var listed = 0;
                foreach (var s in values)
                {
                    if (s is not null && dictionary[s] == listed + 1)
                    {
                        if (!WriteString(s, utf16, destination, ref position))
                        {
                            return -1;
                        }

                        listed++;
                    }
                }

                if (FrontCode(destination, entriesStart, ref position, count))
                {
                    destination[0] |= FrontCodedFlag;
                }

                for (var i = 0; i < n; i++)
                {
                    var s = values[i];
                    scratch[i] = s is null ? 0 : dictionary[s];
                }

                var modes = encoding == ColumnEncoding.RunLength ? IntModes.RunLength | IntModes.For : IntModes.For | IntModes.Rice | IntModes.RunLength;
                var bits = new BitWriter(destination.Slice(position));
                IntPageCodec.EncodeColumn(scratch.Slice(0, n), modes, ref bits);
                return position + bits.Finish();
            }
            else
            {
                // Plain: the bytes (each string in turn), then per-row lengths + 1 (0 = null) as integer pages.
                var blobStart = position + 10; // room for the blob length, moved down afterwards
                var blobPosition = blobStart;
                for (var i = 0; i < n; i++)
                {
                    var s = values[i];
                    if (s is null)
                    {
                        scratch[i] = 0;
                        continue;
                    }

                    var before = blobPosition;
                    if (!TryEncodeText(s, utf16, destination.Slice(blobPosition), out var bytes))
                    {
                        return -1;
                    }

                    blobPosition = before + bytes;
                    scratch[i] = bytes + 1L;
                }

                var blobLength = blobPosition - blobStart;
                var prefix = Leb128.Write(destination.Slice(position), (ulong)blobLength);
                destination.Slice(blobStart, blobLength).CopyTo(destination.Slice(position + prefix));
                position += prefix + blobLength;
                var bits = new BitWriter(destination.Slice(position));
                IntPageCodec.EncodeColumn(scratch.Slice(0, n), IntModes.All, ref bits);
                return position + bits.Finish();
            }
        }
        finally
        {
            dictionary.Clear();
        }
    }

    /// <summary>
    /// Rewrites the <paramref name="count"/> plain entries at <paramref name="start"/> (length, bytes) as
    /// (bytes shared with the previous entry, length of the rest, the rest) when that is smaller: names that
    /// differ in a suffix (node-0017, node-0018) then cost two or three bytes instead of their length.
    /// </summary>
    private static bool FrontCode(Span<byte> destination, int start, ref int end, int count)
    {
        var plainBytes = end - start;
        long codedBytes = 0;
        var position = start;
        ReadOnlySpan<byte> previous = default;
        for (var e = 0; e < count; e++)
        {
            var entry = PlainEntry(destination, ref position);
            var shared = entry.CommonPrefixLength(previous);
            codedBytes += Leb128.Size((ulong)shared) + Leb128.Size((ulong)(entry.Length - shared)) + entry.Length - shared;
            previous = entry;
        }

        if (codedBytes >= plainBytes)
        {
            return false;
        }

        var plain = ArrayPool<byte>.Shared.Rent(plainBytes);
        try
        {
            destination.Slice(start, plainBytes).CopyTo(plain);
            var source = plain.AsSpan(0, plainBytes);
            var read = 0;
            var written = start;
            previous = default;
            for (var e = 0; e < count; e++)
            {
                var entry = PlainEntry(source, ref read);
                var shared = entry.CommonPrefixLength(previous);
                written += Leb128.Write(destination.Slice(written), (ulong)shared);
                written += Leb128.Write(destination.Slice(written), (ulong)(entry.Length - shared));
                entry.Slice(shared).CopyTo(destination.Slice(written));
                written += entry.Length - shared;
                previous = entry;
            }

            end = written;
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    // An entry this encoder wrote itself: its length prefix is known to be well formed.
    private static ReadOnlySpan<byte> PlainEntry(ReadOnlySpan<byte> entries, scoped ref int position)
    {
        var length = (int)Leb128.Read(entries, ref position);
        var entry = entries.Slice(position, length);
        position += length;
        return entry;
    }

    public static void Decode(ReadOnlySpan<byte> section, Span<string?> destination, Span<long> scratch)
    {
        if (section.IsEmpty)
        {
            Corrupt.Throw("A string column section is empty.");
        }

        var flags = section[0];
        if ((flags & ~(DictionaryFlag | Utf16Flag | FrontCodedFlag)) != 0 || (flags & (DictionaryFlag | FrontCodedFlag)) == FrontCodedFlag)
        {
            Corrupt.Throw($"A string column has unknown flags 0x{flags:X2}.");
        }

        var utf16 = (flags & Utf16Flag) != 0;
        var position = 1;
        var n = destination.Length;
        if ((flags & DictionaryFlag) != 0)
        {
            var count = Leb128.Read(section, ref position);

            // Every entry costs at least its one-byte length prefix: a count beyond the bytes left is forged.
            if (count > (ulong)(section.Length - position))
            {
                Corrupt.Throw($"A string dictionary claims {count} entries but only {section.Length - position} bytes remain.");
            }

            var entries = ArrayPool<string?>.Shared.Rent((int)count + 1);

            // A front-coded entry is rebuilt from the previous one: no entry is longer than the section's bytes.
            var frontCoded = (flags & FrontCodedFlag) != 0;
            var rebuilt = frontCoded ? ArrayPool<byte>.Shared.Rent(section.Length) : null;
            try
            {
                entries[0] = null;
                var previousLength = 0;
                for (var e = 1; e <= (int)count; e++)
                {
                    var shared = frontCoded ? Leb128.Read(section, ref position) : 0;
                    if (shared > (ulong)previousLength)
                    {
                        Corrupt.Throw($"A string dictionary entry shares {shared} bytes with a previous entry of {previousLength}.");
                    }

                    var length = Leb128.Read(section, ref position);
                    if (length > (ulong)(section.Length - position))
                    {
                        Corrupt.Throw("A string dictionary entry runs past the end of its section.");
                    }

                    var bytes = section.Slice(position, (int)length);
                    position += (int)length;
                    if (rebuilt is not null)
                    {
                        bytes.CopyTo(rebuilt.AsSpan((int)shared));
                        bytes = rebuilt.AsSpan(0, (int)shared + bytes.Length);
                        previousLength = bytes.Length;
                    }

                    entries[e] = DecodeText(bytes, utf16);
                }

                var bits = new BitReader(section.Slice(position));
                var indexes = scratch.Slice(0, n);
                IntPageCodec.DecodeColumn(ref bits, indexes);
                bits.EnsureConsumed();
                for (var i = 0; i < n; i++)
                {
                    var index = (ulong)indexes[i];
                    if (index > count)
                    {
                        Corrupt.Throw($"A string column refers to dictionary entry {indexes[i]} of {count}.");
                    }

                    destination[i] = entries[(int)index];
                }
            }
            finally
            {
                ArrayPool<string?>.Shared.Return(entries, clearArray: true);
                if (rebuilt is not null)
                {
                    ArrayPool<byte>.Shared.Return(rebuilt);
                }
            }
        }
        else
        {
            var blobLength = Leb128.Read(section, ref position);
            if (blobLength > (ulong)(section.Length - position))
            {
                Corrupt.Throw("A string column's text runs past the end of its section.");
            }

            var blob = section.Slice(position, (int)blobLength);
            var bits = new BitReader(section.Slice(position + (int)blobLength));
            var lengths = scratch.Slice(0, n);
            IntPageCodec.DecodeColumn(ref bits, lengths);
            bits.EnsureConsumed();
            var offset = 0;
            for (var i = 0; i < n; i++)
            {
                var length = (ulong)lengths[i];
                if (length == 0)
                {
                    destination[i] = null;
                    continue;
                }

                length--;
                if (length > (ulong)(blob.Length - offset))
                {
                    Corrupt.Throw("A string column's lengths exceed its text.");
                }

                destination[i] = DecodeText(blob.Slice(offset, (int)length), utf16);
                offset += (int)length;
            }

            if (offset != blob.Length)
            {
                Corrupt.Throw("A string column's lengths do not add up to its text.");
            }
        }
    }

    private static bool WriteString(string s, bool utf16, Span<byte> destination, ref int position)
    {
        // Length prefix first: encode into place after a worst-case gap, then move down.
        var gap = position + 5;
        if (!TryEncodeText(s, utf16, destination.Slice(gap), out var bytes))
        {
            return false;
        }

        var prefix = Leb128.Write(destination.Slice(position), (ulong)bytes);
        destination.Slice(gap, bytes).CopyTo(destination.Slice(position + prefix));
        position += prefix + bytes;
        return true;
    }

    private static bool TryEncodeText(string s, bool utf16, Span<byte> destination, out int bytes)
    {
        if (utf16)
        {
            for (var i = 0; i < s.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(i * 2), s[i]);
            }

            bytes = s.Length * 2;
            return true;
        }

        // replaceInvalidSequences: false, so a lone surrogate is reported instead of silently replaced.
        var status = Utf8.FromUtf16(s, destination, out _, out bytes, replaceInvalidSequences: false);
        return status == OperationStatus.Done;
    }

    private static string DecodeText(ReadOnlySpan<byte> bytes, bool utf16)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        char[]? rented = null;
        var maxChars = utf16 ? bytes.Length / 2 : bytes.Length;
        var chars = maxChars <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(maxChars));
        try
        {
            int written;
            if (utf16)
            {
                if ((bytes.Length & 1) != 0)
                {
                    Corrupt.Throw("A UTF-16 string has an odd number of bytes.");
                }

                // Little-endian UTF-16: a copy, or the BCL's vectorised byte swap on a big-endian machine (no loop
                // here beside the stackalloc, which would keep this method from tier 1: see StackScratch.cs).
                written = bytes.Length / 2;
                var units = MemoryMarshal.Cast<byte, ushort>(bytes);
                var target = MemoryMarshal.Cast<char, ushort>(chars.Slice(0, written));
                if (BitConverter.IsLittleEndian)
                {
                    units.CopyTo(target);
                }
                else
                {
                    BinaryPrimitives.ReverseEndianness(units, target);
                }
            }
            else if (Utf8.ToUtf16(bytes, chars, out _, out written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                Corrupt.Throw("A string is not valid UTF-8.");
            }

            return StringPool.Shared.GetOrAdd(chars.Slice(0, written));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}

/// <summary>LEB128 unsigned varints (7 bits a byte, high bit = more).</summary>
internal static class Leb128
{
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    public static int Size(ulong value) => (70 - BitOperations.LeadingZeroCount(value | 1)) / 7;

    public static ulong Read(ReadOnlySpan<byte> source, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= source.Length)
            {
                Corrupt.Throw("A length runs past the end of its section.");
            }

            var b = source[position++];
            if (shift == 63 && b > 1)
            {
                break; // the tenth byte holds only bit 63: anything more would be dropped, not read
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        return Corrupt.Throw<ulong>("A length is longer than 64 bits.");
    }
}
