using System.Buffers;
using System.Buffers.Binary;
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

                var indexBytes = (long)n * (64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)dictionary.Count + 1)) / 8;
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

    public static void Decode(ReadOnlySpan<byte> section, Span<string?> destination, Span<long> scratch)
    {
        if (section.IsEmpty)
        {
            Corrupt.Throw("A string column section is empty.");
        }

        var flags = section[0];
        if ((flags & ~(DictionaryFlag | Utf16Flag)) != 0)
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
            try
            {
                entries[0] = null;
                for (var e = 1; e <= (int)count; e++)
                {
                    var length = Leb128.Read(section, ref position);
                    if (length > (ulong)(section.Length - position))
                    {
                        Corrupt.Throw("A string dictionary entry runs past the end of its section.");
                    }

                    entries[e] = DecodeText(section.Slice(position, (int)length), utf16);
                    position += (int)length;
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

                written = bytes.Length / 2;
                for (var i = 0; i < written; i++)
                {
                    chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2));
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
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        return Corrupt.Throw<ulong>("A length is longer than 64 bits.");
    }
}
