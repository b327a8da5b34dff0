using System.Buffers;

namespace Hotpath.Compression;

/// <summary>
/// Encodes spans of rows of <typeparamref name="T"/> into self-describing columnar blocks and back.
/// Implemented by the <c>[Columnar]</c> generator (<c>T.Codec</c>); thread-safe and stateless.
/// </summary>
/// <typeparam name="T">The row type.</typeparam>
public interface IColumnarCodec<T>
{
    /// <summary>Encodes <paramref name="rows"/> as one block appended to <paramref name="output"/>.</summary>
    /// <param name="rows">The rows to encode; may be empty.</param>
    /// <param name="output">Receives the block.</param>
    void Encode(ReadOnlySpan<T> rows, IBufferWriter<byte> output);

    /// <summary>Validates <paramref name="block"/> (header, schema, checksum) and returns its row count.</summary>
    /// <param name="block">A block written by <see cref="Encode(ReadOnlySpan{T}, IBufferWriter{byte})"/>.</param>
    /// <returns>The number of rows the block holds.</returns>
    /// <exception cref="CorruptBlockException">The block is truncated, corrupt, foreign or of another schema.</exception>
    int GetRowCount(ReadOnlySpan<byte> block);

    /// <summary>Decodes <paramref name="block"/> into the start of <paramref name="rows"/>.</summary>
    /// <param name="block">A block written by <see cref="Encode(ReadOnlySpan{T}, IBufferWriter{byte})"/>.</param>
    /// <param name="rows">Destination; must hold at least <see cref="GetRowCount"/> rows.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="CorruptBlockException">The block is truncated, corrupt, foreign or of another schema.</exception>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is too small.</exception>
    int Decode(ReadOnlySpan<byte> block, Span<T> rows);

    /// <summary>Encodes <paramref name="rows"/> into a new byte array holding exactly one block.</summary>
    /// <param name="rows">The rows to encode; may be empty.</param>
    /// <returns>The block.</returns>
    /// <remarks>
    /// Also an extension method (<see cref="ColumnarCodecExtensions"/>); as an interface member it needs no
    /// <c>using Hotpath.Compression;</c> at the call site (<c>T.Codec.Encode(rows)</c>).
    /// </remarks>
    byte[] Encode(ReadOnlySpan<T> rows) => ColumnarCodecExtensions.EncodeToArray(this, rows);

    /// <summary>Decodes <paramref name="block"/> into a new array of exactly its row count.</summary>
    /// <param name="block">A block written by <see cref="Encode(ReadOnlySpan{T}, IBufferWriter{byte})"/>.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="CorruptBlockException">The block is truncated, corrupt, foreign or of another schema.</exception>
    T[] Decode(ReadOnlySpan<byte> block) => ColumnarCodecExtensions.DecodeToArray(this, block);
}

/// <summary>Array-returning helpers over <see cref="IColumnarCodec{T}"/>.</summary>
public static class ColumnarCodecExtensions
{
    /// <summary>Encodes <paramref name="rows"/> into a new byte array holding exactly one block.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="codec">The codec.</param>
    /// <param name="rows">The rows to encode.</param>
    /// <returns>The block.</returns>
    public static byte[] Encode<T>(this IColumnarCodec<T> codec, ReadOnlySpan<T> rows)
    {
        ArgumentNullException.ThrowIfNull(codec);
        return EncodeToArray(codec, rows);
    }

    /// <summary>Decodes <paramref name="block"/> into a new array of exactly its row count.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="codec">The codec.</param>
    /// <param name="block">A block written by <see cref="IColumnarCodec{T}.Encode(ReadOnlySpan{T}, IBufferWriter{byte})"/>.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="CorruptBlockException">The block is truncated, corrupt, foreign or of another schema.</exception>
    public static T[] Decode<T>(this IColumnarCodec<T> codec, ReadOnlySpan<byte> block)
    {
        ArgumentNullException.ThrowIfNull(codec);
        return DecodeToArray(codec, block);
    }

    internal static byte[] EncodeToArray<T>(IColumnarCodec<T> codec, ReadOnlySpan<T> rows)
    {
        var writer = new ArrayBufferWriter<byte>();
        codec.Encode(rows, writer);
        return writer.WrittenSpan.ToArray();
    }

    internal static T[] DecodeToArray<T>(IColumnarCodec<T> codec, ReadOnlySpan<byte> block)
    {
        // GetRowCount verifies the checksum and bounds the count by the block's size before we allocate.
        var count = codec.GetRowCount(block);
        if (count == 0)
        {
            return Array.Empty<T>();
        }

        var rows = new T[count];
        var written = codec.Decode(block, rows);
        return written == count ? rows : rows.AsSpan(0, written).ToArray();
    }
}
