// Written for Hotpath's analyzer tests after StackExchange/StackExchange.Redis src/StackExchange.Redis/RawResult.cs
// (MIT): a readonly struct over one RESP reply's payload (a ReadOnlySequence<byte> sliced from the connection's read
// buffer) that compares and parses it in place (span compares per segment through the sequence's struct enumerator,
// a stackalloc copy for an integer split across segments) and allocates only when asked for a string or a blob, with a
// decoder for a string split across segments. ResultType and Format are small stand-ins. Excerpt: see README.md.
#nullable disable
using System;
using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace RealCode.Net;

internal enum RespResultType : byte { None = 0, SimpleString = 1, Error = 2, Integer = 3, BulkString = 4, MultiBulk = 5 }

internal static class RespFormat
{
    internal const int MaxInt64TextLen = 20;

    internal static string GetString(ReadOnlySpan<byte> span) => span.IsEmpty ? "" : Encoding.UTF8.GetString(span);

    internal static bool TryParseInt64(ReadOnlySpan<byte> s, out long value) =>
        Utf8Parser.TryParse(s, out value, out int bytes, standardFormat: 'D') & bytes == s.Length;

    internal static bool TryParseDouble(string s, out double value)
    {
        if (string.IsNullOrEmpty(s))
        {
            value = 0;
            return false;
        }

        return double.TryParse(s, NumberStyles.Any, NumberFormatInfo.InvariantInfo, out value);
    }
}

internal readonly struct RespRawResult
{
    internal ReadOnlySequence<byte> Payload { get; }

    internal static readonly RespRawResult Nil = default;
    private readonly RespResultType _type;

    private const RespResultType NonNullFlag = (RespResultType)128;

    public RespRawResult(RespResultType resultType, in ReadOnlySequence<byte> payload, bool isNull)
    {
        switch (resultType)
        {
            case RespResultType.SimpleString:
            case RespResultType.Error:
            case RespResultType.Integer:
            case RespResultType.BulkString:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(resultType));
        }
        if (!isNull) resultType |= NonNullFlag;
        _type = resultType;
        Payload = payload;
    }

    public bool IsError => Type == RespResultType.Error;

    public RespResultType Type => _type & ~NonNullFlag;

    internal bool IsNull => (_type & NonNullFlag) == 0;
    public bool HasValue => Type != RespResultType.None;

    public override string ToString()
    {
        if (IsNull) return "(null)";

        switch (Type)
        {
            case RespResultType.SimpleString:
            case RespResultType.Integer:
            case RespResultType.Error:
                return $"{Type}: {GetString()}";
            case RespResultType.BulkString:
                return $"{Type}: {Payload.Length} bytes";
            default:
                return $"(unknown: {Type})";
        }
    }

    internal unsafe bool IsEqual(byte[] expected)
    {
        if (expected == null) throw new ArgumentNullException(nameof(expected));

        var rangeToCheck = Payload;

        if (expected.Length != rangeToCheck.Length) return false;
        if (rangeToCheck.IsSingleSegment) return rangeToCheck.First.Span.SequenceEqual(expected);

        int offset = 0;
        foreach (var segment in rangeToCheck)
        {
            var from = segment.Span;
            var to = new Span<byte>(expected, offset, from.Length);
            if (!from.SequenceEqual(to)) return false;

            offset += from.Length;
        }
        return true;
    }

    internal bool StartsWith(byte[] expected)
    {
        if (expected == null) throw new ArgumentNullException(nameof(expected));
        if (expected.Length > Payload.Length) return false;

        var rangeToCheck = Payload.Slice(0, expected.Length);
        if (rangeToCheck.IsSingleSegment) return rangeToCheck.First.Span.SequenceEqual(expected);

        int offset = 0;
        foreach (var segment in rangeToCheck)
        {
            var from = segment.Span;
            var to = new Span<byte>(expected, offset, from.Length);
            if (!from.SequenceEqual(to)) return false;

            offset += from.Length;
        }
        return true;
    }

    internal byte[] GetBlob()
    {
        if (IsNull) return null;

        if (Payload.IsEmpty) return Array.Empty<byte>();

        return Payload.ToArray();
    }

    internal bool GetBoolean()
    {
        if (Payload.Length != 1) throw new InvalidCastException();
        switch (Payload.First.Span[0])
        {
            case (byte)'1': return true;
            case (byte)'0': return false;
            default: throw new InvalidCastException();
        }
    }

    internal unsafe string GetString()
    {
        if (IsNull) return null;
        if (Payload.IsEmpty) return "";

        if (Payload.IsSingleSegment)
        {
            return RespFormat.GetString(Payload.First.Span);
        }
        var decoder = Encoding.UTF8.GetDecoder();
        int charCount = 0;
        foreach (var segment in Payload)
        {
            var span = segment.Span;
            if (span.IsEmpty) continue;

            fixed (byte* bPtr = span)
            {
                charCount += decoder.GetCharCount(bPtr, span.Length, false);
            }
        }

        decoder.Reset();

        string s = new string((char)0, charCount);
        fixed (char* sPtr = s)
        {
            char* cPtr = sPtr;
            foreach (var segment in Payload)
            {
                var span = segment.Span;
                if (span.IsEmpty) continue;

                fixed (byte* bPtr = span)
                {
                    var written = decoder.GetChars(bPtr, span.Length, cPtr, charCount, false);
                    cPtr += written;
                    charCount -= written;
                }
            }
        }
        return s;
    }

    internal bool TryGetDouble(out double val)
    {
        if (IsNull)
        {
            val = 0;
            return false;
        }
        if (TryGetInt64(out long i64))
        {
            val = i64;
            return true;
        }
        return RespFormat.TryParseDouble(GetString(), out val);
    }

    internal bool TryGetInt64(out long value)
    {
        if (IsNull || Payload.IsEmpty || Payload.Length > RespFormat.MaxInt64TextLen)
        {
            value = 0;
            return false;
        }

        if (Payload.IsSingleSegment) return RespFormat.TryParseInt64(Payload.First.Span, out value);

        Span<byte> span = stackalloc byte[(int)Payload.Length]; // we already checked the length was <= MaxInt64TextLen
        Payload.CopyTo(span);
        return RespFormat.TryParseInt64(span, out value);
    }
}
