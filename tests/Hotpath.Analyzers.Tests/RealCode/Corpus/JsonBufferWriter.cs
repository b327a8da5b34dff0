// Written for Hotpath's analyzer tests after dotnet/runtime src/libraries/Common/src/System/Text/Json/
// PooledByteBufferWriter.cs (MIT) and its callers in JsonSerializer: an IBufferWriter<byte> that rents its buffer from
// ArrayPool<byte>.Shared in its constructor, grows by renting a larger one, copying, clearing and returning the old,
// returns it in Dispose (null-guarded, then nulled), and is used with using declarations by serialising methods that
// copy the written bytes out or write them to a stream. Excerpt: see README.md.
using System;
using System.Buffers;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace RealCode.Buffers;

public sealed class JsonBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinimumBufferSize = 256;

    private byte[] _rentedBuffer;
    private int _index;

    public JsonBufferWriter(int initialCapacity)
    {
        _rentedBuffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
        _index = 0;
    }

    public ReadOnlyMemory<byte> WrittenMemory => _rentedBuffer.AsMemory(0, _index);

    public int WrittenCount => _index;

    public int Capacity => _rentedBuffer.Length;

    public int FreeCapacity => _rentedBuffer.Length - _index;

    public void Clear()
    {
        ClearHelper();
    }

    private void ClearHelper()
    {
        _rentedBuffer.AsSpan(0, _index).Clear();
        _index = 0;
    }

    // Returns the rented buffer back to the pool
    public void Dispose()
    {
        if (_rentedBuffer == null)
        {
            return;
        }

        ClearHelper();
        ArrayPool<byte>.Shared.Return(_rentedBuffer);
        _rentedBuffer = null!;
    }

    public void Advance(int count)
    {
        _index += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        CheckAndResizeBuffer(sizeHint);
        return _rentedBuffer.AsMemory(_index);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        CheckAndResizeBuffer(sizeHint);
        return _rentedBuffer.AsSpan(_index);
    }

    internal ValueTask WriteToStreamAsync(Stream destination, CancellationToken cancellationToken)
    {
        return destination.WriteAsync(WrittenMemory, cancellationToken);
    }

    internal void WriteToStream(Stream destination)
    {
        destination.Write(WrittenMemory.Span);
    }

    private void CheckAndResizeBuffer(int sizeHint)
    {
        if (sizeHint == 0)
        {
            sizeHint = MinimumBufferSize;
        }

        var availableSpace = _rentedBuffer.Length - _index;

        if (sizeHint > availableSpace)
        {
            var currentLength = _rentedBuffer.Length;
            var growBy = Math.Max(sizeHint, currentLength);

            var newSize = currentLength + growBy;

            if ((uint)newSize > int.MaxValue)
            {
                newSize = currentLength + sizeHint;
                if ((uint)newSize > int.MaxValue)
                {
                    throw new OutOfMemoryException($"Cannot allocate a buffer of size {(uint)newSize}.");
                }
            }

            var oldBuffer = _rentedBuffer;

            _rentedBuffer = ArrayPool<byte>.Shared.Rent(newSize);

            var previousBuffer = oldBuffer.AsSpan(0, _index);
            previousBuffer.CopyTo(_rentedBuffer);
            previousBuffer.Clear();
            ArrayPool<byte>.Shared.Return(oldBuffer);
        }
    }
}

public static class JsonBufferSerializer
{
    public static byte[] SerializeToUtf8Bytes(string name, int value, int defaultBufferSize)
    {
        using var output = new JsonBufferWriter(defaultBufferSize);
        using var writer = new Utf8JsonWriter(output);
        WriteCore(writer, name, value);
        return output.WrittenMemory.ToArray();
    }

    public static async Task SerializeAsync(Stream utf8Json, string name, int value, int defaultBufferSize, CancellationToken cancellationToken)
    {
        using var bufferWriter = new JsonBufferWriter(defaultBufferSize);
        using var writer = new Utf8JsonWriter(bufferWriter);
        WriteCore(writer, name, value);
        await bufferWriter.WriteToStreamAsync(utf8Json, cancellationToken).ConfigureAwait(false);
        bufferWriter.Clear();
    }

    public static void Serialize(Stream utf8Json, string name, int value, int defaultBufferSize)
    {
        using var bufferWriter = new JsonBufferWriter(defaultBufferSize);
        using var writer = new Utf8JsonWriter(bufferWriter);
        WriteCore(writer, name, value);
        bufferWriter.WriteToStream(utf8Json);
    }

    private static void WriteCore(Utf8JsonWriter writer, string name, int value)
    {
        writer.WriteStartObject();
        writer.WriteNumber(name, value);
        writer.WriteEndObject();
        writer.Flush();
    }
}
