// Written for Hotpath's analyzer tests after MessagePack-CSharp/MessagePack-CSharp src/MessagePack/MessagePackWriter.cs
// and src/MessagePack/BufferWriter.cs (MIT; BufferWriter after Nerdbank.Streams, Apache 2.0): a ref struct writer that
// encodes primitives big-endian straight into the span of an IBufferWriter<byte> (or into a caller's scratch array, moved
// into a pooled sequence only when it overflows), and UTF-8 strings through pointers into a buffer sized by
// GetMaxByteCount, shifting the bytes when the length prefix came out shorter than guessed. SequencePool, its Rental,
// the GetMemoryCheckResult extension, MessagePackCode, MessagePackRange and Utilities are small stand-ins.
// Excerpt: see README.md.
using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace RealCode.Serialization;

internal static class MsgPackCode
{
    public const byte MinFixMap = 0x80;
    public const byte MinFixArray = 0x90;
    public const byte MinFixStr = 0xa0;
    public const byte Nil = 0xc0;
    public const byte False = 0xc2;
    public const byte True = 0xc3;
    public const byte Ext8 = 0xc7;
    public const byte UInt8 = 0xcc;
    public const byte UInt16 = 0xcd;
    public const byte UInt32 = 0xce;
    public const byte Int8 = 0xd0;
    public const byte Int16 = 0xd1;
    public const byte Int32 = 0xd2;
    public const byte FixExt4 = 0xd6;
    public const byte FixExt8 = 0xd7;
    public const byte Str8 = 0xd9;
    public const byte Str16 = 0xda;
    public const byte Str32 = 0xdb;
    public const byte Array16 = 0xdc;
    public const byte Array32 = 0xdd;
}

internal static class MsgPackRange
{
    public const int MinFixNegativeInt = -32;
    public const int MaxFixPositiveInt = 127;
    public const int MaxFixStringLength = 31;
    public const int MaxFixArrayCount = 15;
}

internal static class MsgPackStringEncoding
{
    internal static readonly Encoding UTF8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}

internal static class MsgPackUtilities
{
    internal static readonly bool IsMono = Type.GetType("Mono.RuntimeStructs") is not null;

    internal static Memory<byte> GetMemoryCheckResult(this IBufferWriter<byte> bufferWriter, int size = 0)
    {
        var memory = bufferWriter.GetMemory(size);
        if (memory.IsEmpty)
        {
            throw new InvalidOperationException("The underlying IBufferWriter<byte>.GetMemory(int) method returned an empty memory block, which is not allowed. This is a bug in " + bufferWriter.GetType().FullName);
        }

        return memory;
    }
}

internal sealed class MsgPackSequencePool
{
    private readonly ArrayBufferWriter<byte>?[] _pool = new ArrayBufferWriter<byte>?[8];

    public Rental Rent()
    {
        lock (_pool)
        {
            for (var i = 0; i < _pool.Length; i++)
            {
                if (_pool[i] is { } writer)
                {
                    _pool[i] = null;
                    return new Rental(this, writer);
                }
            }
        }

        return new Rental(this, new ArrayBufferWriter<byte>());
    }

    private void Return(ArrayBufferWriter<byte> value)
    {
        value.ResetWrittenCount();
        lock (_pool)
        {
            for (var i = 0; i < _pool.Length; i++)
            {
                if (_pool[i] is null)
                {
                    _pool[i] = value;
                    return;
                }
            }
        }
    }

    internal readonly struct Rental : IDisposable
    {
        private readonly MsgPackSequencePool _owner;

        internal Rental(MsgPackSequencePool owner, ArrayBufferWriter<byte> value)
        {
            _owner = owner;
            Value = value;
        }

        public ArrayBufferWriter<byte>? Value { get; }

        public void Dispose()
        {
            if (Value is not null)
            {
                _owner.Return(Value);
            }
        }
    }
}

internal ref struct MsgPackBufferWriter
{
    private IBufferWriter<byte>? _output;
    private Span<byte> _span;
    private ArraySegment<byte> _segment;
    private int _buffered;
    private long _bytesCommitted;
    private MsgPackSequencePool? _sequencePool;
    private MsgPackSequencePool.Rental _rental;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MsgPackBufferWriter(IBufferWriter<byte> output)
    {
        _buffered = 0;
        _bytesCommitted = 0;
        _output = output ?? throw new ArgumentNullException(nameof(output));

        _sequencePool = default;
        _rental = default;

        var memory = _output.GetMemoryCheckResult();
        MemoryMarshal.TryGetArray<byte>(memory, out _segment);
        _span = memory.Span;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal MsgPackBufferWriter(MsgPackSequencePool sequencePool, byte[] array)
    {
        _buffered = 0;
        _bytesCommitted = 0;
        _sequencePool = sequencePool ?? throw new ArgumentNullException(nameof(sequencePool));
        _rental = default;
        _output = null;

        _segment = new ArraySegment<byte>(array);
        _span = _segment.AsSpan();
    }

    public Span<byte> Span => _span;

    public long BytesCommitted => _bytesCommitted;

    internal MsgPackSequencePool.Rental SequenceRental => _rental;

    public Span<byte> GetSpan(int sizeHint)
    {
        Ensure(sizeHint);
        return this.Span;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref byte GetPointer(int sizeHint)
    {
        Ensure(sizeHint);

        if (_segment.Array != null)
        {
            return ref _segment.Array[_segment.Offset + _buffered];
        }
        else
        {
            return ref _span.GetPinnableReference();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit()
    {
        var buffered = _buffered;
        if (buffered > 0)
        {
            this.MigrateToSequence();

            _bytesCommitted += buffered;
            _buffered = 0;
            _output!.Advance(buffered);
            _span = default;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count)
    {
        _buffered += count;
        _span = _span.Slice(count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ReadOnlySpan<byte> source)
    {
        if (_span.Length >= source.Length)
        {
            source.CopyTo(_span);
            Advance(source.Length);
        }
        else
        {
            WriteMultiBuffer(source);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int count = 1)
    {
        if (_span.Length < count)
        {
            EnsureMore(count);
        }
    }

    internal bool TryGetUncommittedSpan(out ReadOnlySpan<byte> span)
    {
        if (this._sequencePool != null)
        {
            span = _segment.AsSpan(0, _buffered);
            return true;
        }

        span = default;
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnsureMore(int count = 0)
    {
        if (_buffered > 0)
        {
            Commit();
        }
        else
        {
            this.MigrateToSequence();
        }

        var memory = _output!.GetMemoryCheckResult(count);
        MemoryMarshal.TryGetArray<byte>(memory, out _segment);
        _span = memory.Span;
    }

    private void WriteMultiBuffer(ReadOnlySpan<byte> source)
    {
        int copiedBytes = 0;
        int bytesLeftToCopy = source.Length;
        while (bytesLeftToCopy > 0)
        {
            if (_span.Length == 0)
            {
                EnsureMore();
            }

            var writable = Math.Min(bytesLeftToCopy, _span.Length);
            source.Slice(copiedBytes, writable).CopyTo(_span);
            copiedBytes += writable;
            bytesLeftToCopy -= writable;
            Advance(writable);
        }
    }

    private void MigrateToSequence()
    {
        if (this._sequencePool != null)
        {
            // We were writing to our private scratch memory, so we have to copy it into the actual writer.
            _rental = _sequencePool.Rent();
            _output = _rental.Value;
            var realSpan = _output!.GetSpan(_buffered);
            _segment.AsSpan(0, _buffered).CopyTo(realSpan);
            _sequencePool = null;
        }
    }
}

public ref struct MsgPackWriter
{
    private MsgPackBufferWriter writer;

    public MsgPackWriter(IBufferWriter<byte> writer)
        : this()
    {
        this.writer = new MsgPackBufferWriter(writer);
        this.OldSpec = false;
    }

    internal MsgPackWriter(MsgPackSequencePool sequencePool, byte[] array)
        : this()
    {
        this.writer = new MsgPackBufferWriter(sequencePool, array);
        this.OldSpec = false;
    }

    public CancellationToken CancellationToken { get; set; }

    public bool OldSpec { get; set; }

    public MsgPackWriter Clone(IBufferWriter<byte> writer) => new MsgPackWriter(writer)
    {
        OldSpec = this.OldSpec,
        CancellationToken = this.CancellationToken,
    };

    public void Flush() => this.writer.Commit();

    public void WriteNil()
    {
        Span<byte> span = this.writer.GetSpan(1);
        span[0] = MsgPackCode.Nil;
        this.writer.Advance(1);
    }

    public void WriteRaw(ReadOnlySpan<byte> rawMessagePackBlock) => this.writer.Write(rawMessagePackBlock);

    public void WriteRaw(in ReadOnlySequence<byte> rawMessagePackBlock)
    {
        foreach (ReadOnlyMemory<byte> segment in rawMessagePackBlock)
        {
            this.writer.Write(segment.Span);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteArrayHeader(uint count)
    {
        if (count <= MsgPackRange.MaxFixArrayCount)
        {
            Span<byte> span = this.writer.GetSpan(1);
            span[0] = (byte)(MsgPackCode.MinFixArray | count);
            this.writer.Advance(1);
        }
        else if (count <= ushort.MaxValue)
        {
            Span<byte> span = this.writer.GetSpan(3);
            span[0] = MsgPackCode.Array16;
            WriteBigEndian((ushort)count, span.Slice(1));
            this.writer.Advance(3);
        }
        else
        {
            Span<byte> span = this.writer.GetSpan(5);
            span[0] = MsgPackCode.Array32;
            WriteBigEndian(count, span.Slice(1));
            this.writer.Advance(5);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(uint value)
    {
        if (value <= MsgPackRange.MaxFixPositiveInt)
        {
            Span<byte> span = this.writer.GetSpan(1);
            span[0] = unchecked((byte)value);
            this.writer.Advance(1);
        }
        else if (value <= byte.MaxValue)
        {
            Span<byte> span = this.writer.GetSpan(2);
            span[0] = MsgPackCode.UInt8;
            span[1] = unchecked((byte)value);
            this.writer.Advance(2);
        }
        else if (value <= ushort.MaxValue)
        {
            Span<byte> span = this.writer.GetSpan(3);
            span[0] = MsgPackCode.UInt16;
            WriteBigEndian((ushort)value, span.Slice(1));
            this.writer.Advance(3);
        }
        else
        {
            this.WriteUInt32(value);
        }
    }

    public void WriteUInt32(uint value)
    {
        Span<byte> span = this.writer.GetSpan(5);
        span[0] = MsgPackCode.UInt32;
        WriteBigEndian(value, span.Slice(1));
        this.writer.Advance(5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(int value)
    {
        if (value >= 0)
        {
            this.Write((uint)value);
        }
        else
        {
            // negative int(use int)
            if (value >= MsgPackRange.MinFixNegativeInt)
            {
                Span<byte> span = this.writer.GetSpan(1);
                span[0] = unchecked((byte)value);
                this.writer.Advance(1);
            }
            else if (value >= sbyte.MinValue)
            {
                Span<byte> span = this.writer.GetSpan(2);
                span[0] = MsgPackCode.Int8;
                span[1] = unchecked((byte)value);
                this.writer.Advance(2);
            }
            else if (value >= short.MinValue)
            {
                Span<byte> span = this.writer.GetSpan(3);
                span[0] = MsgPackCode.Int16;
                WriteBigEndian((short)value, span.Slice(1));
                this.writer.Advance(3);
            }
            else
            {
                this.WriteInt32(value);
            }
        }
    }

    public void WriteInt32(int value)
    {
        Span<byte> span = this.writer.GetSpan(5);
        span[0] = MsgPackCode.Int32;
        WriteBigEndian(value, span.Slice(1));
        this.writer.Advance(5);
    }

    public void Write(bool value)
    {
        Span<byte> span = this.writer.GetSpan(1);
        span[0] = value ? MsgPackCode.True : MsgPackCode.False;
        this.writer.Advance(1);
    }

    public void Write(DateTime dateTime)
    {
        if (this.OldSpec)
        {
            throw new NotSupportedException($"The MsgPack spec does not define a format for {nameof(DateTime)} in {nameof(this.OldSpec)} mode. Turn off {nameof(this.OldSpec)} mode or use NativeDateTimeFormatter.");
        }
        else
        {
            // The spec requires UTC. Convert to UTC if we're sure the value was expressed as Local time.
            if (dateTime.Kind == DateTimeKind.Local)
            {
                dateTime = dateTime.ToUniversalTime();
            }

            var secondsSinceBclEpoch = dateTime.Ticks / TimeSpan.TicksPerSecond;
            var seconds = secondsSinceBclEpoch - 62135596800L;
            var nanoseconds = (dateTime.Ticks % TimeSpan.TicksPerSecond) * 100;

            if ((seconds >> 34) == 0)
            {
                var data64 = unchecked((ulong)((nanoseconds << 34) | seconds));
                if ((data64 & 0xffffffff00000000L) == 0)
                {
                    // timestamp 32(seconds in 32-bit unsigned int)
                    var data32 = (UInt32)data64;
                    Span<byte> span = this.writer.GetSpan(6);
                    span[0] = MsgPackCode.FixExt4;
                    span[1] = unchecked((byte)-1);
                    WriteBigEndian(data32, span.Slice(2));
                    this.writer.Advance(6);
                }
                else
                {
                    // timestamp 64(nanoseconds in 30-bit unsigned int | seconds in 34-bit unsigned int)
                    Span<byte> span = this.writer.GetSpan(10);
                    span[0] = MsgPackCode.FixExt8;
                    span[1] = unchecked((byte)-1);
                    WriteBigEndian(data64, span.Slice(2));
                    this.writer.Advance(10);
                }
            }
            else
            {
                // timestamp 96( nanoseconds in 32-bit unsigned int | seconds in 64-bit signed int )
                Span<byte> span = this.writer.GetSpan(15);
                span[0] = MsgPackCode.Ext8;
                span[1] = 12;
                span[2] = unchecked((byte)-1);
                WriteBigEndian((uint)nanoseconds, span.Slice(3));
                WriteBigEndian(seconds, span.Slice(7));
                this.writer.Advance(15);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Write(string? value)
    {
        if (value == null)
        {
            this.WriteNil();
            return;
        }

        ref byte buffer = ref this.WriteString_PrepareSpan(value.Length, out int bufferSize, out int useOffset);
        fixed (char* pValue = value)
        fixed (byte* pBuffer = &buffer)
        {
            int byteCount = MsgPackStringEncoding.UTF8.GetBytes(pValue, value.Length, pBuffer + useOffset, bufferSize);
            this.WriteString_PostEncoding(pBuffer, useOffset, byteCount);
        }
    }

    public unsafe void Write(ReadOnlySpan<char> value)
    {
        ref byte buffer = ref this.WriteString_PrepareSpan(value.Length, out int bufferSize, out int useOffset);
        fixed (char* pValue = value)
        fixed (byte* pBuffer = &buffer)
        {
            int byteCount = MsgPackStringEncoding.UTF8.GetBytes(pValue, value.Length, pBuffer + useOffset, bufferSize);
            this.WriteString_PostEncoding(pBuffer, useOffset, byteCount);
        }
    }

    internal byte[] FlushAndGetArray()
    {
        if (this.writer.TryGetUncommittedSpan(out ReadOnlySpan<byte> span))
        {
            return span.ToArray();
        }
        else
        {
            if (this.writer.SequenceRental.Value == null)
            {
                throw new NotSupportedException("This instance was not initialized to support this operation.");
            }

            this.Flush();
            byte[] result = this.writer.SequenceRental.Value.WrittenSpan.ToArray();
            this.writer.SequenceRental.Dispose();
            return result;
        }
    }

    private static void WriteBigEndian(short value, Span<byte> span) => WriteBigEndian(unchecked((ushort)value), span);

    private static void WriteBigEndian(int value, Span<byte> span) => WriteBigEndian(unchecked((uint)value), span);

    private static void WriteBigEndian(long value, Span<byte> span) => WriteBigEndian(unchecked((ulong)value), span);

    private static void WriteBigEndian(ushort value, Span<byte> span)
    {
        unchecked
        {
            // Write to highest index first so the JIT skips bounds checks on subsequent writes.
            span[1] = (byte)value;
            span[0] = (byte)(value >> 8);
        }
    }

    private static unsafe void WriteBigEndian(ushort value, byte* span)
    {
        unchecked
        {
            span[0] = (byte)(value >> 8);
            span[1] = (byte)value;
        }
    }

    private static void WriteBigEndian(uint value, Span<byte> span)
    {
        unchecked
        {
            // Write to highest index first so the JIT skips bounds checks on subsequent writes.
            span[3] = (byte)value;
            span[2] = (byte)(value >> 8);
            span[1] = (byte)(value >> 16);
            span[0] = (byte)(value >> 24);
        }
    }

    private static unsafe void WriteBigEndian(uint value, byte* span)
    {
        unchecked
        {
            span[0] = (byte)(value >> 24);
            span[1] = (byte)(value >> 16);
            span[2] = (byte)(value >> 8);
            span[3] = (byte)value;
        }
    }

    private static void WriteBigEndian(ulong value, Span<byte> span)
    {
        unchecked
        {
            // Write to highest index first so the JIT skips bounds checks on subsequent writes.
            span[7] = (byte)value;
            span[6] = (byte)(value >> 8);
            span[5] = (byte)(value >> 16);
            span[4] = (byte)(value >> 24);
            span[3] = (byte)(value >> 32);
            span[2] = (byte)(value >> 40);
            span[1] = (byte)(value >> 48);
            span[0] = (byte)(value >> 56);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte WriteString_PrepareSpan(int characterLength, out int bufferSize, out int encodedBytesOffset)
    {
        // ensure buffer by MaxByteCount(faster than GetByteCount)
        bufferSize = MsgPackStringEncoding.UTF8.GetMaxByteCount(characterLength) + 5;
        ref byte buffer = ref this.writer.GetPointer(bufferSize);

        int useOffset;
        if (characterLength <= MsgPackRange.MaxFixStringLength)
        {
            useOffset = 1;
        }
        else if (characterLength <= byte.MaxValue && !this.OldSpec)
        {
            useOffset = 2;
        }
        else if (characterLength <= ushort.MaxValue)
        {
            useOffset = 3;
        }
        else
        {
            useOffset = 5;
        }

        encodedBytesOffset = useOffset;
        return ref buffer;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void WriteString_PostEncoding(byte* pBuffer, int estimatedOffset, int byteCount)
    {
        // move body and write prefix
        if (byteCount <= MsgPackRange.MaxFixStringLength)
        {
            if (estimatedOffset != 1)
            {
                MemoryCopy(pBuffer + estimatedOffset, pBuffer + 1, byteCount, byteCount);
            }

            pBuffer[0] = (byte)(MsgPackCode.MinFixStr | byteCount);
            this.writer.Advance(byteCount + 1);
        }
        else if (byteCount <= byte.MaxValue && !this.OldSpec)
        {
            if (estimatedOffset != 2)
            {
                MemoryCopy(pBuffer + estimatedOffset, pBuffer + 2, byteCount, byteCount);
            }

            pBuffer[0] = MsgPackCode.Str8;
            pBuffer[1] = unchecked((byte)byteCount);
            this.writer.Advance(byteCount + 2);
        }
        else if (byteCount <= ushort.MaxValue)
        {
            if (estimatedOffset != 3)
            {
                MemoryCopy(pBuffer + estimatedOffset, pBuffer + 3, byteCount, byteCount);
            }

            pBuffer[0] = MsgPackCode.Str16;
            WriteBigEndian((ushort)byteCount, pBuffer + 1);
            this.writer.Advance(byteCount + 3);
        }
        else
        {
            if (estimatedOffset != 5)
            {
                MemoryCopy(pBuffer + estimatedOffset, pBuffer + 5, byteCount, byteCount);
            }

            pBuffer[0] = MsgPackCode.Str32;
            WriteBigEndian((uint)byteCount, pBuffer + 1);
            this.writer.Advance(byteCount + 5);
        }
    }

    public static int GetEncodedLength(long value)
    {
        return value switch
        {
            >= 0 => value switch
            {
                <= MsgPackRange.MaxFixPositiveInt => 1,
                <= byte.MaxValue => 2,
                <= ushort.MaxValue => 3,
                <= uint.MaxValue => 5,
                _ => 9,
            },
            _ => value switch
            {
                >= MsgPackRange.MinFixNegativeInt => 1,
                >= sbyte.MinValue => 2,
                >= short.MinValue => 3,
                >= int.MinValue => 5,
                _ => 9,
            },
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MemoryCopy(void* source, void* destination, long destinationSizeInBytes, long sourceBytesToCopy)
    {
        if (MsgPackUtilities.IsMono)
        {
            // mono does not guarantee overlapped memcpy so for Unity and NETSTANDARD use slow path.
            var buffer = ArrayPool<byte>.Shared.Rent((int)sourceBytesToCopy);
            try
            {
                fixed (byte* p = buffer)
                {
                    Buffer.MemoryCopy(source, p, sourceBytesToCopy, sourceBytesToCopy);
                    Buffer.MemoryCopy(p, destination, destinationSizeInBytes, sourceBytesToCopy);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        else
        {
            Buffer.MemoryCopy(source, destination, destinationSizeInBytes, sourceBytesToCopy);
        }
    }
}
