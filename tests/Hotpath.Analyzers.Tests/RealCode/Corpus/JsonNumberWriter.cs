// Written for Hotpath's analyzer tests after dotnet/runtime src/libraries/System.Text.Json/src/System/Text/Json/Writer/
// Utf8JsonWriter.cs, Utf8JsonWriter.WriteValues.SignedNumber.cs and Utf8JsonWriter.WriteValues.Helpers.cs (MIT): the
// writer's number path formats a long straight into the memory it got from its IBufferWriter<byte> (or the
// ArrayBufferWriter<byte> in front of a stream) with Utf8Formatter, growing through GetMemory, and validates the token
// order against a bit stack, throwing through [DoesNotReturn] helpers. Escaping a property name rents a char buffer
// beyond a stackalloc threshold. JsonConstants, BitStack, JsonWriterHelper and ThrowHelper are small stand-ins.
// Excerpt: see README.md.
using System;
using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace RealCode.Json;

internal static class JsonWriterConstants
{
    public const byte ListSeparator = (byte)',';
    public const byte CloseBracket = (byte)']';
    public const byte CloseBrace = (byte)'}';
    public const byte CarriageReturn = (byte)'\r';
    public const byte LineFeed = (byte)'\n';
    public const byte Space = (byte)' ';
    public const int MaximumFormatInt64Length = 20;
    public const int SpacesPerIndent = 2;
    public const int MaxWriterDepth = 1_000;
    public const int RemoveFlagsBitMask = 0x7FFFFFFF;
    public const int StackallocCharThreshold = 128;
    public const int MaxExpansionFactorWhileEscaping = 6;
}

internal enum JsonWriterResource { MismatchedObjectArray, CannotWriteValueWithinObject, CannotWriteValueAfterPrimitiveOrClose }

internal static class JsonWriterThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInvalidOperationException(JsonWriterResource resource, int currentDepth, byte token, JsonTokenType tokenType)
        => throw new InvalidOperationException($"{resource} at depth {currentDepth} ({(char)token}, {tokenType})");

    [DoesNotReturn]
    public static void ThrowInvalidOperationException_NeedLargerSpan()
        => throw new InvalidOperationException("The IBufferWriter<byte> could not provide an output buffer that is large enough.");

    [DoesNotReturn]
    public static void ThrowOutOfMemoryException_BufferMaximumSizeExceeded(uint capacity)
        => throw new OutOfMemoryException($"Cannot allocate a buffer of size {capacity}.");
}

internal struct JsonBitStack
{
    private ulong _allocationFreeContainer;
    private int _currentDepth;

    public readonly int CurrentDepth => _currentDepth;

    public void PushTrue()
    {
        _allocationFreeContainer = (_allocationFreeContainer << 1) | 1;
        _currentDepth++;
    }

    public void PushFalse()
    {
        _allocationFreeContainer <<= 1;
        _currentDepth++;
    }

    public bool Pop()
    {
        _currentDepth--;
        _allocationFreeContainer >>= 1;
        return (_allocationFreeContainer & 1) != 0;
    }
}

internal static class JsonWriterHelpers
{
    public static void WriteIndentation(Span<byte> buffer, int indent)
    {
        buffer.Slice(0, indent).Fill(JsonWriterConstants.Space);
    }

    public static int GetMaxEscapedLength(int textLength, int firstIndexToEscape)
        => firstIndexToEscape + JsonWriterConstants.MaxExpansionFactorWhileEscaping * (textLength - firstIndexToEscape);

    public static void EscapeString(ReadOnlySpan<char> value, Span<char> destination, int indexOfFirstByteToEscape, out int written)
    {
        value.Slice(0, indexOfFirstByteToEscape).CopyTo(destination);
        written = indexOfFirstByteToEscape;
        foreach (var c in value.Slice(indexOfFirstByteToEscape))
        {
            if (c == '"' || c == '\\')
            {
                destination[written++] = '\\';
            }

            destination[written++] = c;
        }
    }

    public static void ValidateInt32MaxArrayLength(uint length)
    {
        if (length > 0x7FFFFFC7)
        {
            JsonWriterThrowHelper.ThrowOutOfMemoryException_BufferMaximumSizeExceeded(length);
        }
    }
}

public sealed class JsonNumberWriter : IDisposable
{
    // Depending on OS, either '\r\n' OR '\n'
    private static readonly int s_newLineLength = Environment.NewLine.Length;

    private const int DefaultGrowthSize = 4096;
    private const int InitialGrowthSize = 256;

    private IBufferWriter<byte>? _output;
    private Stream? _stream;
    private ArrayBufferWriter<byte>? _arrayBufferWriter;

    private Memory<byte> _memory;

    private bool _inObject;
    private JsonTokenType _tokenType;
    private JsonBitStack _bitStack;

    // The highest order bit of _currentDepth is used to discern whether we are writing the first item in a list or not.
    private int _currentDepth;

    private JsonWriterOptions _options;

    public int BytesPending { get; private set; }

    public long BytesCommitted { get; private set; }

    private int Indentation => CurrentDepth * JsonWriterConstants.SpacesPerIndent;

    public int CurrentDepth => _currentDepth & JsonWriterConstants.RemoveFlagsBitMask;

    public JsonNumberWriter(IBufferWriter<byte> bufferWriter, JsonWriterOptions options = default)
    {
        _output = bufferWriter ?? throw new ArgumentNullException(nameof(bufferWriter));
        _options = options;
    }

    public JsonNumberWriter(Stream utf8Json, JsonWriterOptions options = default)
    {
        if (utf8Json == null)
            throw new ArgumentNullException(nameof(utf8Json));
        if (!utf8Json.CanWrite)
            throw new ArgumentException("Stream is not writable.");

        _stream = utf8Json;
        _options = options;
        _arrayBufferWriter = new ArrayBufferWriter<byte>();
    }

    public void Flush()
    {
        _memory = default;

        if (_stream != null)
        {
            Debug.Assert(_arrayBufferWriter != null);
            if (BytesPending != 0)
            {
                _arrayBufferWriter.Advance(BytesPending);
                BytesPending = 0;

                _stream.Write(_arrayBufferWriter.WrittenSpan);

                BytesCommitted += _arrayBufferWriter.WrittenCount;
                _arrayBufferWriter.Clear();
            }
            _stream.Flush();
        }
        else
        {
            Debug.Assert(_output != null);
            if (BytesPending != 0)
            {
                _output.Advance(BytesPending);
                BytesCommitted += BytesPending;
                BytesPending = 0;
            }
        }
    }

    public void Dispose()
    {
        if (_stream == null)
        {
            if (_output == null)
            {
                return;
            }
        }

        Flush();

        _stream = null;
        _arrayBufferWriter = null;
        _output = null;
    }

    public void WriteNumberValue(int value)
        => WriteNumberValue((long)value);

    public void WriteNumberValue(long value)
    {
        if (!_options.SkipValidation)
        {
            ValidateWritingValue();
        }

        if (_options.Indented)
        {
            WriteNumberValueIndented(value);
        }
        else
        {
            WriteNumberValueMinimized(value);
        }

        SetFlagToAddListSeparatorBeforeNextItem();
        _tokenType = JsonTokenType.Number;
    }

    private void WriteNumberValueMinimized(long value)
    {
        int maxRequired = JsonWriterConstants.MaximumFormatInt64Length + 1; // Optionally, 1 list separator

        if (_memory.Length - BytesPending < maxRequired)
        {
            Grow(maxRequired);
        }

        Span<byte> output = _memory.Span;

        if (_currentDepth < 0)
        {
            output[BytesPending++] = JsonWriterConstants.ListSeparator;
        }

        bool result = Utf8Formatter.TryFormat(value, output.Slice(BytesPending), out int bytesWritten);
        Debug.Assert(result);
        BytesPending += bytesWritten;
    }

    private void WriteNumberValueIndented(long value)
    {
        int indent = Indentation;
        Debug.Assert(indent <= 2 * _options.MaxDepth);

        int maxRequired = indent + JsonWriterConstants.MaximumFormatInt64Length + 1 + s_newLineLength; // Optionally, 1 list separator and 1-2 bytes for new line

        if (_memory.Length - BytesPending < maxRequired)
        {
            Grow(maxRequired);
        }

        Span<byte> output = _memory.Span;

        if (_currentDepth < 0)
        {
            output[BytesPending++] = JsonWriterConstants.ListSeparator;
        }

        if (_tokenType != JsonTokenType.PropertyName)
        {
            if (_tokenType != JsonTokenType.None)
            {
                WriteNewLine(output);
            }
            JsonWriterHelpers.WriteIndentation(output.Slice(BytesPending), indent);
            BytesPending += indent;
        }

        bool result = Utf8Formatter.TryFormat(value, output.Slice(BytesPending), out int bytesWritten);
        Debug.Assert(result);
        BytesPending += bytesWritten;
    }

    internal void WriteNumberValueAsString(long value, IBufferWriter<byte> destination)
    {
        Span<byte> utf8Number = stackalloc byte[JsonWriterConstants.MaximumFormatInt64Length];
        bool result = Utf8Formatter.TryFormat(value, utf8Number, out int bytesWritten);
        Debug.Assert(result);
        destination.Write(utf8Number.Slice(0, bytesWritten));
    }

    private void ValidateWritingValue()
    {
        if (_inObject)
        {
            if (_tokenType != JsonTokenType.PropertyName)
            {
                Debug.Assert(_tokenType != JsonTokenType.None && _tokenType != JsonTokenType.StartArray);
                JsonWriterThrowHelper.ThrowInvalidOperationException(JsonWriterResource.CannotWriteValueWithinObject, currentDepth: default, token: default, _tokenType);
            }
        }
        else
        {
            Debug.Assert(_tokenType != JsonTokenType.PropertyName);

            // It is more likely for CurrentDepth to not equal 0 when writing valid JSON, so check that first to rely on short-circuiting and return quickly.
            if (CurrentDepth == 0 && _tokenType != JsonTokenType.None)
            {
                JsonWriterThrowHelper.ThrowInvalidOperationException(JsonWriterResource.CannotWriteValueAfterPrimitiveOrClose, currentDepth: default, token: default, _tokenType);
            }
        }
    }

    public void WriteEndArray()
    {
        WriteEnd(JsonWriterConstants.CloseBracket);
        _tokenType = JsonTokenType.EndArray;
    }

    public void WriteEndObject()
    {
        WriteEnd(JsonWriterConstants.CloseBrace);
        _tokenType = JsonTokenType.EndObject;
    }

    private void WriteEnd(byte token)
    {
        if (_options.Indented || !_options.SkipValidation)
        {
            WriteEndSlow(token);
        }
        else
        {
            WriteEndMinimized(token);
        }

        SetFlagToAddListSeparatorBeforeNextItem();
        // Necessary if WriteEndX is called without a corresponding WriteStartX first.
        if (CurrentDepth != 0)
        {
            _currentDepth--;
        }
    }

    private void WriteEndMinimized(byte token)
    {
        if (_memory.Length - BytesPending < 1) // 1 end token
        {
            Grow(1);
        }

        Span<byte> output = _memory.Span;
        output[BytesPending++] = token;
    }

    private void WriteEndSlow(byte token)
    {
        Debug.Assert(_options.Indented || !_options.SkipValidation);

        if (_options.Indented)
        {
            if (!_options.SkipValidation)
            {
                ValidateEnd(token);
            }
            WriteEndIndented(token);
        }
        else
        {
            Debug.Assert(!_options.SkipValidation);
            ValidateEnd(token);
            WriteEndMinimized(token);
        }
    }

    private void ValidateEnd(byte token)
    {
        if (_bitStack.CurrentDepth <= 0 || _tokenType == JsonTokenType.PropertyName)
            JsonWriterThrowHelper.ThrowInvalidOperationException(JsonWriterResource.MismatchedObjectArray, currentDepth: default, token, _tokenType);

        if (token == JsonWriterConstants.CloseBracket)
        {
            if (_inObject)
            {
                Debug.Assert(_tokenType != JsonTokenType.None);
                JsonWriterThrowHelper.ThrowInvalidOperationException(JsonWriterResource.MismatchedObjectArray, currentDepth: default, token, _tokenType);
            }
        }
        else
        {
            Debug.Assert(token == JsonWriterConstants.CloseBrace);

            if (!_inObject)
            {
                JsonWriterThrowHelper.ThrowInvalidOperationException(JsonWriterResource.MismatchedObjectArray, currentDepth: default, token, _tokenType);
            }
        }

        _inObject = _bitStack.Pop();
    }

    private void WriteEndIndented(byte token)
    {
        // Do not format/indent empty JSON object/array.
        if (_tokenType == JsonTokenType.StartObject || _tokenType == JsonTokenType.StartArray)
        {
            WriteEndMinimized(token);
        }
        else
        {
            int indent = Indentation;

            // Necessary if WriteEndX is called without a corresponding WriteStartX first.
            if (indent != 0)
            {
                // The end token should be at an outer indent and since we haven't updated
                // current depth yet, explicitly subtract here.
                indent -= JsonWriterConstants.SpacesPerIndent;
            }

            Debug.Assert(indent <= 2 * JsonWriterConstants.MaxWriterDepth);
            Debug.Assert(_options.SkipValidation || _tokenType != JsonTokenType.None);

            int maxRequired = indent + 3; // 1 end token, 1-2 bytes for new line

            if (_memory.Length - BytesPending < maxRequired)
            {
                Grow(maxRequired);
            }

            Span<byte> output = _memory.Span;

            WriteNewLine(output);

            JsonWriterHelpers.WriteIndentation(output.Slice(BytesPending), indent);
            BytesPending += indent;

            output[BytesPending++] = token;
        }
    }

    internal void WriteStartEscapeProperty(ReadOnlySpan<char> propertyName, byte token, int firstEscapeIndexProp)
    {
        Debug.Assert(int.MaxValue / JsonWriterConstants.MaxExpansionFactorWhileEscaping >= propertyName.Length);
        Debug.Assert(firstEscapeIndexProp >= 0 && firstEscapeIndexProp < propertyName.Length);

        char[]? propertyArray = null;

        int length = JsonWriterHelpers.GetMaxEscapedLength(propertyName.Length, firstEscapeIndexProp);

        Span<char> escapedPropertyName = length <= JsonWriterConstants.StackallocCharThreshold ?
            stackalloc char[JsonWriterConstants.StackallocCharThreshold] :
            (propertyArray = ArrayPool<char>.Shared.Rent(length));

        JsonWriterHelpers.EscapeString(propertyName, escapedPropertyName, firstEscapeIndexProp, out int written);

        WriteStartByOptions(escapedPropertyName.Slice(0, written), token);

        if (propertyArray != null)
        {
            ArrayPool<char>.Shared.Return(propertyArray);
        }
    }

    private void WriteStartByOptions(ReadOnlySpan<char> propertyName, byte token)
    {
        int maxRequired = propertyName.Length * 3 + 4;
        if (_memory.Length - BytesPending < maxRequired)
        {
            Grow(maxRequired);
        }

        Span<byte> output = _memory.Span;
        output[BytesPending++] = (byte)'"';
        BytesPending += System.Text.Encoding.UTF8.GetBytes(propertyName, output.Slice(BytesPending));
        output[BytesPending++] = (byte)'"';
        output[BytesPending++] = (byte)':';
        output[BytesPending++] = token;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteNewLine(Span<byte> output)
    {
        // Write '\r\n' OR '\n', depending on OS
        if (s_newLineLength == 2)
        {
            output[BytesPending++] = JsonWriterConstants.CarriageReturn;
        }
        output[BytesPending++] = JsonWriterConstants.LineFeed;
    }

    private void Grow(int requiredSize)
    {
        Debug.Assert(requiredSize > 0);

        if (_memory.Length == 0)
        {
            FirstCallToGetMemory(requiredSize);
            return;
        }

        int sizeHint = Math.Max(DefaultGrowthSize, requiredSize);

        Debug.Assert(BytesPending != 0);

        if (_stream != null)
        {
            Debug.Assert(_arrayBufferWriter != null);

            int needed = BytesPending + sizeHint;
            JsonWriterHelpers.ValidateInt32MaxArrayLength((uint)needed);

            _memory = _arrayBufferWriter.GetMemory(needed);

            Debug.Assert(_memory.Length >= sizeHint);
        }
        else
        {
            Debug.Assert(_output != null);

            _output.Advance(BytesPending);
            BytesCommitted += BytesPending;
            BytesPending = 0;

            _memory = _output.GetMemory(sizeHint);

            if (_memory.Length < sizeHint)
            {
                JsonWriterThrowHelper.ThrowInvalidOperationException_NeedLargerSpan();
            }
        }
    }

    private void FirstCallToGetMemory(int requiredSize)
    {
        Debug.Assert(_memory.Length == 0);
        Debug.Assert(BytesPending == 0);

        int sizeHint = Math.Max(InitialGrowthSize, requiredSize);

        if (_stream != null)
        {
            Debug.Assert(_arrayBufferWriter != null);
            _memory = _arrayBufferWriter.GetMemory(sizeHint);
            Debug.Assert(_memory.Length >= sizeHint);
        }
        else
        {
            Debug.Assert(_output != null);
            _memory = _output.GetMemory(sizeHint);

            if (_memory.Length < sizeHint)
            {
                JsonWriterThrowHelper.ThrowInvalidOperationException_NeedLargerSpan();
            }
        }
    }

    private void SetFlagToAddListSeparatorBeforeNextItem()
    {
        _currentDepth |= 1 << 31;
    }

    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private string DebuggerDisplay => $"BytesCommitted = {BytesCommitted} BytesPending = {BytesPending} CurrentDepth = {CurrentDepth}";
}
