// Written for Hotpath's analyzer tests after the idiom of dotnet/runtime's ArrayPool callers (e.g.
// src/libraries/Common/src/System/Text/ValueStringBuilder.cs, MIT) and Microsoft.Extensions.ObjectPool users: a buffer
// rented from ArrayPool<T>.Shared and returned in finally, a grow that returns the old buffer after copying, a pooled
// StringBuilder got and returned. Not a copy: see README.md.
using System;
using System.Buffers;
using System.Text;
using Microsoft.Extensions.ObjectPool;

namespace RealCode.Buffers;

public ref struct GrowableBuffer
{
    private char[]? _arrayToReturnToPool;
    private Span<char> _chars;
    private int _pos;

    public GrowableBuffer(int initialCapacity)
    {
        _arrayToReturnToPool = ArrayPool<char>.Shared.Rent(initialCapacity);
        _chars = _arrayToReturnToPool;
        _pos = 0;
    }

    public void Append(char c)
    {
        if ((uint)_pos >= (uint)_chars.Length)
        {
            Grow(1);
        }

        _chars[_pos++] = c;
    }

    private void Grow(int additional)
    {
        var poolArray = ArrayPool<char>.Shared.Rent(Math.Max(_pos + additional, _chars.Length * 2));
        _chars.Slice(0, _pos).CopyTo(poolArray);
        var toReturn = _arrayToReturnToPool;
        _chars = _arrayToReturnToPool = poolArray;
        if (toReturn is not null)
        {
            ArrayPool<char>.Shared.Return(toReturn);
        }
    }

    public void Dispose()
    {
        var toReturn = _arrayToReturnToPool;
        this = default;
        if (toReturn is not null)
        {
            ArrayPool<char>.Shared.Return(toReturn);
        }
    }
}

public static class PooledBuffers
{
    public static int Checksum(ReadOnlySpan<byte> source)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(source.Length);
        try
        {
            source.CopyTo(buffer);
            var sum = 0;
            for (var i = 0; i < source.Length; i++)
            {
                sum = unchecked(sum * 31 + buffer[i]);
            }

            return sum;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static string Join(ObjectPool<StringBuilder> pool, ReadOnlySpan<string> parts)
    {
        var builder = pool.Get();
        try
        {
            foreach (var part in parts)
            {
                builder.Append(part).Append(',');
            }

            return builder.ToString();
        }
        finally
        {
            pool.Return(builder);
        }
    }
}
