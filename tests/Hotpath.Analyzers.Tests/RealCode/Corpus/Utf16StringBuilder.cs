// Written for Hotpath's analyzer tests after Cysharp/ZString src/ZString/Utf16ValueStringBuilder.cs (MIT) and its
// CreateFormatter.cs: a struct string builder over a [ThreadStatic] scratch buffer or an ArrayPool<char> rental, whose
// Append<T> formats through a per-type cached TryFormat delegate (no boxing: FormatterCache<T> is built once per T in a
// static constructor), grows by renting a larger array, and pads right-justified values through a typeof(T) test that
// the JIT folds per instantiation. EnumUtil, FastNumberWriter and the nested-builder exception are small stand-ins.
// Excerpt: see README.md.
#nullable disable
using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace RealCode.Text;

public interface IResettableBufferWriter<T> : IBufferWriter<T>
{
    void Reset();
}

public sealed class NestedStringBuilderCreationException : InvalidOperationException
{
    public NestedStringBuilderCreationException(string typeName)
        : base("A nested call with `notNested: true`, or Either You forgot to call " + typeName + ".Dispose() of in the past.")
    {
    }
}

internal static class EnumUtil<T>
{
    public static bool TryFormatUtf16(T value, Span<char> dest, out int written, ReadOnlySpan<char> format)
    {
        var name = value.ToString();
        written = name.Length;
        return name.AsSpan().TryCopyTo(dest);
    }
}

internal static class FastNumberWriter
{
    public static bool TryWriteInt64(Span<char> buffer, out int charsWritten, long value) => value.TryFormat(buffer, out charsWritten);
}

public partial struct Utf16ValueStringBuilder : IDisposable, IBufferWriter<char>, IResettableBufferWriter<char>
{
    public delegate bool TryFormat<T>(T value, Span<char> destination, out int charsWritten, ReadOnlySpan<char> format);

    const int ThreadStaticBufferSize = 31111;
    const int DefaultBufferSize = 32768; // use 32K default buffer.

    static char newLine1;
    static char newLine2;
    static bool crlf;

    static Utf16ValueStringBuilder()
    {
        var newLine = Environment.NewLine.ToCharArray();
        if (newLine.Length == 1)
        {
            // cr or lf
            newLine1 = newLine[0];
            crlf = false;
        }
        else
        {
            // crlf(windows)
            newLine1 = newLine[0];
            newLine2 = newLine[1];
            crlf = true;
        }
    }

    [ThreadStatic]
    static char[] scratchBuffer;

    [ThreadStatic]
    internal static bool scratchBufferUsed;

    char[] buffer;
    int index;
    bool disposeImmediately;

    /// <summary>Length of written buffer.</summary>
    public int Length => index;
    /// <summary>Get the written buffer data.</summary>
    public ReadOnlySpan<char> AsSpan() => buffer.AsSpan(0, index);
    /// <summary>Get the written buffer data.</summary>
    public ReadOnlyMemory<char> AsMemory() => buffer.AsMemory(0, index);
    /// <summary>Get the written buffer data.</summary>
    public ArraySegment<char> AsArraySegment() => new ArraySegment<char>(buffer, 0, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Utf16ValueStringBuilder(bool disposeImmediately)
    {
        if (disposeImmediately && scratchBufferUsed)
        {
            ThrowNestedException();
        }

        char[] buf;
        if (disposeImmediately)
        {
            buf = scratchBuffer;
            if (buf == null)
            {
                buf = scratchBuffer = new char[ThreadStaticBufferSize];
            }
            scratchBufferUsed = true;
        }
        else
        {
            buf = ArrayPool<char>.Shared.Rent(DefaultBufferSize);
        }

        buffer = buf;
        index = 0;
        this.disposeImmediately = disposeImmediately;
    }

    /// <summary>
    /// Return the inner buffer to pool.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dispose()
    {
        if (buffer.Length != ThreadStaticBufferSize)
        {
            if (buffer != null)
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }
        buffer = null;
        index = 0;
        if (disposeImmediately)
        {
            scratchBufferUsed = false;
        }
    }

    public void Clear()
    {
        index = 0;
    }

    public void TryGrow(int sizeHint)
    {
        if (buffer.Length < index + sizeHint)
        {
            Grow(sizeHint);
        }
    }

    public void Grow(int sizeHint)
    {
        var nextSize = buffer.Length * 2;
        if (sizeHint != 0)
        {
            nextSize = Math.Max(nextSize, index + sizeHint);
        }

        var newBuffer = ArrayPool<char>.Shared.Rent(nextSize);

        buffer.CopyTo(newBuffer, 0);
        if (buffer.Length != ThreadStaticBufferSize)
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        buffer = newBuffer;
    }

    /// <summary>Appends the default line terminator to the end of this instance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendLine()
    {
        if (crlf)
        {
            if (buffer.Length - index < 2) Grow(2);
            buffer[index] = newLine1;
            buffer[index + 1] = newLine2;
            index += 2;
        }
        else
        {
            if (buffer.Length - index < 1) Grow(1);
            buffer[index] = newLine1;
            index += 1;
        }
    }

    /// <summary>Appends the string representation of a specified value to this instance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(char value)
    {
        if (buffer.Length - index < 1)
        {
            Grow(1);
        }

        buffer[index++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(char value, int repeatCount)
    {
        if (repeatCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(repeatCount));
        }

        GetSpan(repeatCount).Fill(value);
        Advance(repeatCount);
    }

    /// <summary>Appends the string representation of a specified value to this instance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(string value)
    {
        Append(value.AsSpan());
    }

    /// <summary>Appends a contiguous region of arbitrary memory to this instance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(ReadOnlySpan<char> value)
    {
        if (buffer.Length - index < value.Length)
        {
            Grow(value.Length);
        }

        value.CopyTo(buffer.AsSpan(index));
        index += value.Length;
    }

    /// <summary>Appends the string representation of a specified value to this instance.</summary>
    public void Append<T>(T value)
    {
        if (!FormatterCache<T>.TryFormatDelegate(value, buffer.AsSpan(index), out var written, default))
        {
            Grow(written);
            if (!FormatterCache<T>.TryFormatDelegate(value, buffer.AsSpan(index), out written, default))
            {
                ThrowArgumentException(nameof(value));
            }
        }
        index += written;
    }

    /// <summary>Appends the string representation of a specified value followed by the default line terminator to the end of this instance.</summary>
    public void AppendLine<T>(T value)
    {
        Append(value);
        AppendLine();
    }

    static class ExceptionUtil
    {
        public static void ThrowArgumentOutOfRangeException(string paramName)
        {
            throw new ArgumentOutOfRangeException(paramName);
        }
    }

    public void Insert(int index, ReadOnlySpan<char> value, int count)
    {
        if (count < 0)
        {
            ExceptionUtil.ThrowArgumentOutOfRangeException(nameof(count));
        }

        int currentLength = Length;
        if ((uint)index > (uint)currentLength)
        {
            ExceptionUtil.ThrowArgumentOutOfRangeException(nameof(index));
        }

        if (value.Length == 0 || count == 0)
        {
            return;
        }

        var newSize = index + value.Length * count;
        var newBuffer = ArrayPool<char>.Shared.Rent(Math.Max(DefaultBufferSize, newSize));

        buffer.AsSpan(0, index).CopyTo(newBuffer);
        int newBufferIndex = index;

        for (int i = 0; i < count; i++)
        {
            value.CopyTo(newBuffer.AsSpan(newBufferIndex));
            newBufferIndex += value.Length;
        }

        int remainLnegth = this.index - index;
        buffer.AsSpan(index, remainLnegth).CopyTo(newBuffer.AsSpan(newBufferIndex));

        if (buffer.Length != ThreadStaticBufferSize)
        {
            if (buffer != null)
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        buffer = newBuffer;
        this.index = newBufferIndex + remainLnegth;
    }

    public void Replace(char oldChar, char newChar, int startIndex, int count)
    {
        int currentLength = Length;
        if ((uint)startIndex > (uint)currentLength)
        {
            ExceptionUtil.ThrowArgumentOutOfRangeException(nameof(startIndex));
        }

        if (count < 0 || startIndex > currentLength - count)
        {
            ExceptionUtil.ThrowArgumentOutOfRangeException(nameof(count));
        }

        int endIndex = startIndex + count;

        for (int i = startIndex; i < endIndex; i++)
        {
            if (buffer[i] == oldChar)
            {
                buffer[i] = newChar;
            }
        }
    }

    /// <summary>Copy inner buffer to the destination span.</summary>
    public bool TryCopyTo(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < index)
        {
            charsWritten = 0;
            return false;
        }

        charsWritten = index;
        buffer.AsSpan(0, index).CopyTo(destination);
        return true;
    }

    /// <summary>Converts the value of this instance to a System.String.</summary>
    public override string ToString()
    {
        if (index == 0)
            return string.Empty;

        return new string(buffer, 0, index);
    }

    /// <summary>IBufferWriter.GetMemory.</summary>
    public Memory<char> GetMemory(int sizeHint)
    {
        if ((buffer.Length - index) < sizeHint)
        {
            Grow(sizeHint);
        }

        return buffer.AsMemory(index);
    }

    /// <summary>IBufferWriter.GetSpan.</summary>
    public Span<char> GetSpan(int sizeHint)
    {
        if ((buffer.Length - index) < sizeHint)
        {
            Grow(sizeHint);
        }

        return buffer.AsSpan(index);
    }

    /// <summary>IBufferWriter.Advance.</summary>
    public void Advance(int count)
    {
        index += count;
    }

    void IResettableBufferWriter<char>.Reset()
    {
        index = 0;
    }

    void ThrowArgumentException(string paramName)
    {
        throw new ArgumentException("Can't format argument.", paramName);
    }

    void AppendFormatInternal<T>(T arg, int width, ReadOnlySpan<char> format, string argName)
    {
        if (width <= 0) // leftJustify
        {
            width *= -1;

            if (!FormatterCache<T>.TryFormatDelegate(arg, buffer.AsSpan(index), out var charsWritten, format))
            {
                Grow(charsWritten);
                if (!FormatterCache<T>.TryFormatDelegate(arg, buffer.AsSpan(index), out charsWritten, format))
                {
                    ThrowArgumentException(argName);
                }
            }

            index += charsWritten;

            int padding = width - charsWritten;
            if (width > 0 && padding > 0)
            {
                Append(' ', padding);  // TODO Fill Method is too slow.
            }
        }
        else // rightJustify
        {
            if (typeof(T) == typeof(string))
            {
                var s = Unsafe.As<string>(arg);
                int padding = width - s.Length;
                if (padding > 0)
                {
                    Append(' ', padding);  // TODO Fill Method is too slow.
                }

                Append(s);
            }
            else
            {
                Span<char> s = stackalloc char[typeof(T).IsValueType ? Unsafe.SizeOf<T>() * 8 : 1024];

                if (!FormatterCache<T>.TryFormatDelegate(arg, s, out var charsWritten, format))
                {
                    s = stackalloc char[s.Length * 2];
                    if (!FormatterCache<T>.TryFormatDelegate(arg, s, out charsWritten, format))
                    {
                        ThrowArgumentException(argName);
                    }
                }

                int padding = width - charsWritten;
                if (padding > 0)
                {
                    Append(' ', padding);  // TODO Fill Method is too slow.
                }

                Append(s.Slice(0, charsWritten));
            }
        }
    }

    static void ThrowNestedException()
    {
        throw new NestedStringBuilderCreationException(nameof(Utf16ValueStringBuilder));
    }

    /// <summary>
    /// Register custom formatter
    /// </summary>
    public static void RegisterTryFormat<T>(TryFormat<T> formatMethod)
    {
        FormatterCache<T>.TryFormatDelegate = formatMethod;
    }

    static TryFormat<T?> CreateNullableFormatter<T>() where T : struct
    {
        return new TryFormat<T?>((T? x, Span<char> dest, out int written, ReadOnlySpan<char> format) =>
        {
            if (x == null)
            {
                written = 0;
                return true;
            }
            return FormatterCache<T>.TryFormatDelegate(x.Value, dest, out written, format);
        });
    }

    /// <summary>
    /// Supports the Nullable type for a given struct type.
    /// </summary>
    public static void EnableNullableFormat<T>() where T : struct
    {
        RegisterTryFormat<T?>(CreateNullableFormatter<T>());
    }

    static object CreateFormatter(Type type)
    {
        if (type == typeof(System.Int32))
        {
            return new TryFormat<System.Int32>((System.Int32 x, Span<char> dest, out int written, ReadOnlySpan<char> format) => format.Length == 0 ? FastNumberWriter.TryWriteInt64(dest, out written, x) : x.TryFormat(dest, out written, format));
        }
        if (type == typeof(System.Double))
        {
            return new TryFormat<System.Double>((System.Double x, Span<char> dest, out int written, ReadOnlySpan<char> format) => x.TryFormat(dest, out written, format));
        }
        if (type == typeof(System.Guid))
        {
            return new TryFormat<System.Guid>((System.Guid x, Span<char> dest, out int written, ReadOnlySpan<char> format) => x.TryFormat(dest, out written, format));
        }
        if (type == typeof(System.Int32?))
        {
            return CreateNullableFormatter<System.Int32>();
        }
        return null;
    }

    public static class FormatterCache<T>
    {
        public static TryFormat<T> TryFormatDelegate;
        static FormatterCache()
        {
            var formatter = (TryFormat<T>)CreateFormatter(typeof(T));
            if (formatter == null)
            {
                if (typeof(T).IsEnum)
                {
                    formatter = new TryFormat<T>(EnumUtil<T>.TryFormatUtf16);
                }
                else if (typeof(T) == typeof(string))
                {
                    formatter = new TryFormat<T>(TryFormatString);
                }
                else
                {
                    formatter = new TryFormat<T>(TryFormatDefault);
                }
            }

            TryFormatDelegate = formatter;
        }

        static bool TryFormatString(T value, Span<char> dest, out int written, ReadOnlySpan<char> format)
        {
            var s = value as string;

            if (s == null)
            {
                written = 0;
                return true;
            }

            // also use this length when result is false.
            written = s.Length;
            return s.AsSpan().TryCopyTo(dest);
        }

        static bool TryFormatDefault(T value, Span<char> dest, out int written, ReadOnlySpan<char> format)
        {
            if (value == null)
            {
                written = 0;
                return true;
            }

            var s = (value is IFormattable formattable && format.Length != 0) ?
                formattable.ToString(format.ToString(), null) :
                value.ToString();

            // also use this length when result is false.
            written = s.Length;
            return s.AsSpan().TryCopyTo(dest);
        }
    }
}
