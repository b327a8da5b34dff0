using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Hotpath.Compression;

namespace Hotpath.Tests.Compression;

/// <summary>
/// A second reader of columnar blocks, written from docs/format.md alone (not from the codec's source): plain,
/// bit by bit, correctness over speed. It reads a block into one array of boxed values per member (a nullable
/// member's null is <c>null</c>), and records every page encoding it met in <see cref="Modes"/> so a test can tell
/// which of the format's paths its blocks exercised. Anything format.md calls corrupt that is cheap to check throws
/// <see cref="FormatException"/>; the point is to decode every valid block, not to guard against forged ones.
/// </summary>
internal sealed class ReferenceColumnarReader
{
    /// <summary>Chimp's leading-zero classes (format.md: "L = 0, 8, 12, 16, 18, 20, 22 and 24").</summary>
    private static readonly int[] LeadingClasses = [0, 8, 12, 16, 18, 20, 22, 24];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// What the reader met: <c>int:0</c> to <c>int:10</c> (integer page modes, wherever the page is: integer
    /// sections, decimal double/float pages, string indexes and lengths), <c>int:scaled</c>, <c>int:rice-two-streams</c>,
    /// <c>int:rice-escape</c>, <c>int:patched-exception</c>, <c>double:decimal</c>, <c>double:chimp</c>, <c>float:decimal</c>,
    /// <c>float:chimp</c>, <c>decimal:exception</c>, <c>chimp:flag0</c> to <c>chimp:flag3</c>, <c>float:nan-run</c>,
    /// <c>float:nan-run-same</c>, <c>string:dictionary</c>, <c>string:plain</c>, <c>string:front-coded</c>, <c>string:utf16</c>,
    /// <c>padding</c>.
    /// </summary>
    public HashSet<string> Modes { get; } = [];

    /// <summary>A column as format.md's fingerprint names it, and the CLR type a decoded value gets.</summary>
    public sealed record Column(string Name, Type Type, bool Nullable, int Encoding, int Decimals)
    {
        public string Kind => Type.IsEnum ? "Enum" : Type.Name;
    }

    /// <summary>
    /// The columns of a row type: inherited members first (outermost base first), then each type's public instance
    /// fields and auto-properties with a setter in declaration order. An order that differs from the codec's
    /// fails the fingerprint check in <see cref="Read"/>.
    /// </summary>
    public static Column[] ColumnsOf(Type rowType)
    {
        var chain = new List<Type>();
        for (var t = rowType; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        var columns = new List<Column>();
        foreach (var type in chain)
        {
            const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly;
            var members = type.GetFields(Declared).Cast<MemberInfo>()
                .Concat(type.GetProperties(Declared).Where(p => p.SetMethod is not null))
                .OrderBy(m => DeclarationOrder(type, m));
            foreach (var member in members)
            {
                var memberType = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
                var underlying = System.Nullable.GetUnderlyingType(memberType);
                var encoding = member.IsDefined(typeof(DeltaOfDeltaAttribute)) ? 1
                    : member.IsDefined(typeof(DictionaryAttribute)) ? 2
                    : member.IsDefined(typeof(RunLengthAttribute)) ? 3
                    : 0;
                var decimals = member.GetCustomAttribute<QuantizeAttribute>()?.Decimals ?? -1;
                columns.Add(new Column(member.Name, underlying ?? memberType, underlying is not null, encoding, decimals));
            }
        }

        return [.. columns];
    }

    /// <summary>
    /// A field's metadata token, or an auto-property's backing field's: the compiler emits fields, backing fields
    /// included, in declaration order. A property without a backing field goes after them.
    /// </summary>
    private static long DeclarationOrder(Type type, MemberInfo member) =>
        member is FieldInfo field ? field.MetadataToken
        : type.GetField($"<{member.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) is { } backing ? backing.MetadataToken
        : (1L << 32) + member.MetadataToken;

    /// <summary>A member's value read from a row, boxed as <see cref="Read"/> returns it.</summary>
    public static object? ValueOf(object row, Column column)
    {
        var member = Members.GetOrAdd((row.GetType(), column.Name), static key => key.Type.GetMember(key.Name, BindingFlags.Instance | BindingFlags.Public)[0]);
        return member is FieldInfo f ? f.GetValue(row) : ((PropertyInfo)member).GetValue(row);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type Type, string Name), MemberInfo> Members = new();

    /// <summary>format.md's schema text, <c>hotpath-columnar-1;</c> then <c>{name}:{kind}{?}:{encoding}:{decimals};</c> a column.</summary>
    public static string SchemaText(IEnumerable<Column> columns) =>
        "hotpath-columnar-1;" + string.Concat(columns.Select(c => string.Create(
            CultureInfo.InvariantCulture, $"{c.Name.TrimStart('@')}:{c.Kind}{(c.Nullable ? "?" : "")}:{c.Encoding}:{c.Decimals};")));

    /// <summary>64-bit FNV-1a over the UTF-16 code units.</summary>
    public static ulong Fingerprint(string schemaText)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in schemaText)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return hash;
    }

    /// <summary>CRC-32C bit by bit: reflected polynomial 0x82F63B78, initial value 0xFFFFFFFF, result complemented.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFF_FFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>Reads a block of the given columns: one array of <c>rowCount</c> boxed values per column.</summary>
    public object?[][] Read(byte[] block, IReadOnlyList<Column> columns)
    {
        Check(block.Length >= 23, "shorter than 23 bytes");
        Check(block[0] == (byte)'H' && block[1] == (byte)'P' && block[2] == (byte)'C' && block[3] == (byte)'B', "magic");
        Check(block[4] == 3, "version");
        Check(LittleEndian(block, block.Length - 4, 4) == Crc32C(block.AsSpan(0, block.Length - 4)), "checksum");
        Check(LittleEndian(block, 5, 8) == Fingerprint(SchemaText(columns)), "fingerprint");
        var rowCount = (int)(uint)LittleEndian(block, 13, 4);
        Check(rowCount >= 0, "negative row count");
        var sectionCount = (int)LittleEndian(block, 17, 2);

        var sections = new List<(byte Kind, int Start, int End)>();
        var offset = 19;
        for (var i = 0; i < sectionCount; i++)
        {
            Check(offset + 5 <= block.Length - 4, "section table");
            var kind = block[offset];
            var length = (int)(uint)LittleEndian(block, offset + 1, 4);
            Check(length >= 0 && offset + 5 + length <= block.Length - 4, "section length");
            sections.Add((kind, offset + 5, offset + 5 + length));
            offset += 5 + length;
        }

        Check(offset == block.Length - 4, "sections do not tile the block");

        var next = 0;
        (byte Kind, int Start, int End) Next(byte kind)
        {
            Check(next < sections.Count, "missing section");
            var section = sections[next++];
            Check(section.Kind == kind, "section kind");
            return section;
        }

        var result = new object?[columns.Count][];
        if (columns.Count == 0)
        {
            // One padding section: one zero byte a page.
            var padding = Next(0);
            Check(padding.End - padding.Start == (rowCount + 1023) / 1024, "padding length");
            Modes.Add("padding");
        }

        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            var present = new bool[rowCount];
            var valueCount = rowCount;
            if (column.Nullable)
            {
                var presence = ReadIntegerSection(block, Next(1), rowCount);
                valueCount = 0;
                for (var i = 0; i < rowCount; i++)
                {
                    Check(presence[i] is 0 or 1, "presence not 0 or 1");
                    present[i] = presence[i] == 1;
                    valueCount += (int)presence[i];
                }
            }
            else
            {
                Array.Fill(present, true);
            }

            var values = ReadValues(block, column.Type, valueCount, Next);
            var rows = new object?[rowCount];
            for (int i = 0, v = 0; i < rowCount; i++)
            {
                rows[i] = present[i] ? values[v++] : null;
            }

            result[c] = rows;
        }

        Check(next == sections.Count, "more sections than the schema has");
        return result;
    }

    /// <summary>format.md's "Members to sections" table.</summary>
    private object?[] ReadValues(byte[] block, Type type, int count, Func<byte, (byte Kind, int Start, int End)> next)
    {
        long[] Integers() => ReadIntegerSection(block, next(1), count);
        var values = new object?[count];
        if (type == typeof(double))
        {
            var bits = ReadDoubleSection(block, next(2), count, isFloat: false);
            for (var i = 0; i < count; i++)
            {
                values[i] = BitConverter.UInt64BitsToDouble(bits[i]);
            }
        }
        else if (type == typeof(float))
        {
            var bits = ReadDoubleSection(block, next(3), count, isFloat: true);
            for (var i = 0; i < count; i++)
            {
                values[i] = BitConverter.UInt32BitsToSingle((uint)bits[i]);
            }
        }
        else if (type == typeof(string))
        {
            var strings = ReadStringSection(block, next(4), count);
            Array.Copy(strings, values, count);
        }
        else if (type == typeof(DateTimeOffset))
        {
            var utcTicks = Integers();
            var minutes = Integers();
            for (var i = 0; i < count; i++)
            {
                Check(utcTicks[i] >= 0 && utcTicks[i] <= DateTime.MaxValue.Ticks && minutes[i] is >= -840 and <= 840, "DateTimeOffset range");
                values[i] = new DateTimeOffset(utcTicks[i] + (minutes[i] * 600_000_000), TimeSpan.FromMinutes(minutes[i]));
            }
        }
        else if (type == typeof(Guid))
        {
            var low = Integers();
            var high = Integers();
            for (var i = 0; i < count; i++)
            {
                var bytes = new byte[16];
                BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), low[i]);
                BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), high[i]);
                Check(BitConverter.IsLittleEndian, "big-endian host");
                values[i] = new Guid(bytes);
            }
        }
        else if (type == typeof(Int128) || type == typeof(UInt128))
        {
            var low = Integers();
            var high = Integers();
            for (var i = 0; i < count; i++)
            {
                values[i] = type == typeof(Int128) ? new Int128((ulong)high[i], (ulong)low[i]) : new UInt128((ulong)high[i], (ulong)low[i]);
            }
        }
        else if (type == typeof(decimal))
        {
            var mantissaLow = Integers();
            var mantissaHigh = Integers();
            var flags = Integers();
            for (var i = 0; i < count; i++)
            {
                Check(mantissaHigh[i] is >= 0 and <= uint.MaxValue && flags[i] is >= 0 and <= uint.MaxValue, "decimal words");
                Check((flags[i] & 0x7F00_FFFF) == 0 && ((flags[i] >> 16) & 0xFF) <= 28, "decimal flags");
                values[i] = new decimal([(int)mantissaLow[i], (int)(mantissaLow[i] >> 32), (int)mantissaHigh[i], (int)flags[i]]);
            }
        }
        else
        {
            var integers = Integers();
            for (var i = 0; i < count; i++)
            {
                values[i] = FromInteger(type, integers[i]);
            }
        }

        return values;
    }

    /// <summary>One integer section's value as a member of <paramref name="type"/> (an unchecked narrowing).</summary>
    private static object FromInteger(Type type, long v)
    {
        if (type.IsEnum)
        {
            return Enum.ToObject(type, FromInteger(Enum.GetUnderlyingType(type), v));
        }

        return type switch
        {
            _ when type == typeof(sbyte) => (sbyte)v,
            _ when type == typeof(byte) => (byte)v,
            _ when type == typeof(short) => (short)v,
            _ when type == typeof(ushort) => (ushort)v,
            _ when type == typeof(int) => (int)v,
            _ when type == typeof(uint) => (uint)v,
            _ when type == typeof(long) => v,
            _ when type == typeof(ulong) => (ulong)v,
            _ when type == typeof(nint) => (nint)v,
            _ when type == typeof(nuint) => (nuint)(ulong)v,
            _ when type == typeof(char) => (char)v,
            _ when type == typeof(bool) => v != 0,
            _ when type == typeof(TimeSpan) => new TimeSpan(v),
            _ when type == typeof(DateTime) => DateTimeFromBits(v),
            _ when type == typeof(DateOnly) => v is >= 0 and <= 3_652_058 ? DateOnly.FromDayNumber((int)v) : throw Corrupt("DateOnly range"),
            _ when type == typeof(TimeOnly) => v is >= 0 and <= 863_999_999_999 ? new TimeOnly(v) : throw Corrupt("TimeOnly range"),
            _ when type == typeof(Half) => HalfFromOrdered(v),
            _ => throw new NotSupportedException(type.FullName),
        };
    }

    /// <summary>Ticks in bits 0–61, the kind (3: Local in the ambiguous hour) in bits 62–63: .NET's own 64 bits.</summary>
    private static DateTime DateTimeFromBits(long v)
    {
        Check((v & 0x3FFF_FFFF_FFFF_FFFF) <= DateTime.MaxValue.Ticks, "DateTime ticks");
        var bits = (ulong)v;
        return Unsafe.As<ulong, DateTime>(ref bits);
    }

    /// <summary>0 to 32,767 are the bits of a positive half; -1 − x a negative one with the other 15 bits x.</summary>
    private static Half HalfFromOrdered(long v)
    {
        Check(v is >= -32_768 and <= 32_767, "Half range");
        var bits = v >= 0 ? (ushort)v : (ushort)(0x8000 | (-1 - v));
        return BitConverter.UInt16BitsToHalf(bits);
    }

    private long[] ReadIntegerSection(byte[] block, (byte Kind, int Start, int End) section, int count)
    {
        var bits = new BitReader(block, section.Start, section.End);
        var values = ReadIntegerPages(bits, count);
        bits.EndOfSection();
        return values;
    }

    /// <summary>ceil(count / 1024) integer pages back to back.</summary>
    private long[] ReadIntegerPages(BitReader bits, int count)
    {
        var values = new long[count];
        for (var start = 0; start < count; start += 1024)
        {
            var n = Math.Min(1024, count - start);
            ReadIntegerPage(bits, n).CopyTo(values, start);
        }

        return values;
    }

    /// <summary>A scaled bit (then first and d), a 4-bit mode, the mode's header and body.</summary>
    private long[] ReadIntegerPage(BitReader bits, int n)
    {
        var scaled = bits.Read(1) == 1;
        long first = 0, d = 1;
        if (scaled)
        {
            Modes.Add("int:scaled");
            first = bits.VarSigned();
            d = (long)bits.Var();
            Check(d >= 2, "scale below 2");
        }

        var mode = (int)bits.Read(4);
        Modes.Add("int:" + mode.ToString(CultureInfo.InvariantCulture));
        var w = mode switch
        {
            0 => ReadFrameOfReference(bits, n),
            1 => Deltas(bits, n, ReadFrameOfReference),
            2 => DeltasOfDeltas(bits, n, ReadFrameOfReference),
            3 => ReadRice(bits, n),
            4 => Deltas(bits, n, ReadRice),
            5 => DeltasOfDeltas(bits, n, ReadRice),
            6 => ReadRuns(bits, n),
            7 => ReadSparseDeltas(bits, n),
            8 => ReadPatched(bits, n),
            9 => Deltas(bits, n, ReadPatched),
            10 => DeltasOfDeltas(bits, n, ReadPatched),
            _ => throw Corrupt("unknown integer mode " + mode),
        };

        if (scaled)
        {
            for (var i = 0; i < n; i++)
            {
                w[i] = unchecked(first + (d * w[i]));
            }
        }

        return w;
    }

    /// <summary>first (var-signed), then the sequence of the n − 1 deltas.</summary>
    private static long[] Deltas(BitReader bits, int n, Func<BitReader, int, long[]> sequence)
    {
        var values = new long[n];
        values[0] = bits.VarSigned();
        var deltas = sequence(bits, n - 1);
        for (var i = 1; i < n; i++)
        {
            values[i] = unchecked(values[i - 1] + deltas[i - 1]);
        }

        return values;
    }

    /// <summary>first, the first delta only when n ≥ 2, then the sequence of the n − 2 deltas of deltas (empty below 3).</summary>
    private static long[] DeltasOfDeltas(BitReader bits, int n, Func<BitReader, int, long[]> sequence)
    {
        var values = new long[n];
        values[0] = bits.VarSigned();
        var delta = n >= 2 ? bits.VarSigned() : 0;
        var deltasOfDeltas = sequence(bits, Math.Max(0, n - 2));
        if (n >= 2)
        {
            values[1] = unchecked(values[0] + delta);
        }

        for (var i = 2; i < n; i++)
        {
            delta = unchecked(delta + deltasOfDeltas[i - 2]);
            values[i] = unchecked(values[i - 1] + delta);
        }

        return values;
    }

    /// <summary>Mode 0's sequence: min (var-signed), width (7 bits), then <c>value − min</c> at width bits each.</summary>
    private static long[] ReadFrameOfReference(BitReader bits, int m)
    {
        var min = bits.VarSigned();
        var width = (int)bits.Read(7);
        Check(width <= 64, "width over 64");
        var values = new long[m];
        for (var i = 0; i < m; i++)
        {
            values[i] = unchecked(min + (long)bits.Read(width));
        }

        return values;
    }

    /// <summary>Mode 3's sequence: centre (var-signed), k (6 bits), m Rice codes (two streams from 256 codes on).</summary>
    private long[] ReadRice(BitReader bits, int m)
    {
        var centre = bits.VarSigned();
        var k = (int)bits.Read(6);
        var codes = new ulong[m];
        if (m >= 256)
        {
            Modes.Add("int:rice-two-streams");
            var fieldWidth = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(m / 2) * 91);
            var firstLength = (long)bits.Read(fieldWidth);
            var secondStart = bits.Position + firstLength;
            for (var i = 0; i < m; i += 2)
            {
                codes[i] = ReadRiceCode(bits, k);
            }

            Check(bits.Position == secondStart, "first Rice stream does not end where its length says");
            for (var i = 1; i < m; i += 2)
            {
                codes[i] = ReadRiceCode(bits, k);
            }
        }
        else
        {
            for (var i = 0; i < m; i++)
            {
                codes[i] = ReadRiceCode(bits, k);
            }
        }

        var values = new long[m];
        for (var i = 0; i < m; i++)
        {
            values[i] = unchecked(centre + Unzigzag(codes[i]));
        }

        return values;
    }

    /// <summary><c>q</c> ones, a zero, <c>k</c> low bits; 20 ones (no zero) are an escape followed by the code as <i>var</i>.</summary>
    private ulong ReadRiceCode(BitReader bits, int k)
    {
        var q = 0UL;
        while (bits.Read(1) == 1)
        {
            if (++q == 20)
            {
                Modes.Add("int:rice-escape");
                return bits.Var();
            }
        }

        return unchecked((q << k) | bits.Read(k));
    }

    /// <summary>Mode 6: run count (11 bits), per run a change from the previous run's value (from 0) and length − 1 (10 bits).</summary>
    private static long[] ReadRuns(BitReader bits, int n)
    {
        var runs = (int)bits.Read(11);
        var values = new long[n];
        var value = 0L;
        var at = 0;
        for (var r = 0; r < runs; r++)
        {
            value = unchecked(value + bits.VarSigned());
            var length = (int)bits.Read(10) + 1;
            Check(at + length <= n, "runs longer than the page");
            Array.Fill(values, value, at, length);
            at += length;
        }

        Check(at == n, "runs do not add up to the page");
        return values;
    }

    /// <summary>Mode 7: first (var-signed), k (6 bits), per delta a flag (<c>0</c> zero) or <c>1</c> and zigzag(delta) − 1 Rice-coded.</summary>
    private long[] ReadSparseDeltas(BitReader bits, int n)
    {
        var values = new long[n];
        values[0] = bits.VarSigned();
        var k = (int)bits.Read(6);
        for (var i = 1; i < n; i++)
        {
            var delta = bits.Read(1) == 0 ? 0 : Unzigzag(unchecked(ReadRiceCode(bits, k) + 1));
            values[i] = unchecked(values[i - 1] + delta);
        }

        return values;
    }

    /// <summary>Mode 8's sequence: centre, width, exception count (11 bits), the packed values, then (position, var) each exception.</summary>
    private long[] ReadPatched(BitReader bits, int m)
    {
        var centre = bits.VarSigned();
        var width = (int)bits.Read(7);
        Check(width <= 64, "width over 64");
        var exceptions = (int)bits.Read(11);
        Check(exceptions <= m, "more exceptions than elements");
        var values = new long[m];
        for (var i = 0; i < m; i++)
        {
            values[i] = unchecked(centre + Unzigzag(bits.Read(width)));
        }

        var previous = -1;
        for (var e = 0; e < exceptions; e++)
        {
            Modes.Add("int:patched-exception");
            var position = (int)bits.Read(10);
            Check(position > previous && position < m, "exception position");
            values[position] = unchecked(centre + Unzigzag(bits.Var()));
            previous = position;
        }

        return values;
    }

    /// <summary>A double or float section's values as raw bits (a float's in the low 32).</summary>
    private ulong[] ReadDoubleSection(byte[] block, (byte Kind, int Start, int End) section, int count, bool isFloat)
    {
        var bits = new BitReader(block, section.Start, section.End);
        var values = new ulong[count];
        var kind = isFloat ? "float" : "double";
        for (var start = 0; start < count; start += 1024)
        {
            var n = Math.Min(1024, count - start);
            var mode = bits.Read(2);
            double[] page;
            if (mode == 0)
            {
                Modes.Add(kind + ":decimal");
                page = ReadDecimalPage(bits, n);
            }
            else if (mode == 1)
            {
                Modes.Add(kind + ":chimp");
                page = ReadChimpPage(bits, n);
            }
            else
            {
                throw Corrupt("double mode " + mode);
            }

            for (var i = 0; i < n; i++)
            {
                values[start + i] = isFloat ? BitConverter.SingleToUInt32Bits((float)page[i]) : BitConverter.DoubleToUInt64Bits(page[i]);
            }
        }

        if (isFloat)
        {
            ReadNanRuns(bits, values);
        }

        bits.EndOfSection();
        return values;
    }

    /// <summary>Mode 0: e, f, exception count, an integer page of k, value = (double)k × 10^f × 10^-e, then the exceptions' raw bits.</summary>
    private double[] ReadDecimalPage(BitReader bits, int n)
    {
        var e = (int)bits.Read(5);
        var f = (int)bits.Read(5);
        Check(e <= 18 && f <= e, "decimal exponent and factor");
        var exceptions = (int)bits.Read(11);
        Check(exceptions <= n, "more exceptions than values");
        var k = ReadIntegerPage(bits, n);
        var factor = double.Parse("1e" + f.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var inverseExponent = double.Parse("1e-" + e.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var page = new double[n];
        for (var i = 0; i < n; i++)
        {
            page[i] = (double)k[i] * factor * inverseExponent;
        }

        for (var x = 0; x < exceptions; x++)
        {
            Modes.Add("decimal:exception");
            var position = (int)bits.Read(10);
            Check(position < n, "exception position");
            page[position] = BitConverter.UInt64BitsToDouble(bits.Read(64));
        }

        return page;
    }

    /// <summary>Mode 1: the first value's raw bits, then a 2-bit flag and the XOR with the previous value each.</summary>
    private double[] ReadChimpPage(BitReader bits, int n)
    {
        var page = new double[n];
        var previous = bits.Read(64);
        page[0] = BitConverter.UInt64BitsToDouble(previous);
        int? kept = null;
        for (var i = 1; i < n; i++)
        {
            var flag = bits.Read(2);
            Modes.Add("chimp:flag" + flag.ToString(CultureInfo.InvariantCulture));
            ulong x;
            switch (flag)
            {
                case 0:
                    x = 0;
                    kept = null;
                    break;
                case 2:
                    {
                        var leading = LeadingClasses[bits.Read(3)];
                        var significant = (int)bits.Read(6);
                        Check(significant >= 1 && leading + significant <= 64, "Chimp significant bits");
                        x = bits.Read(significant) << (64 - leading - significant);
                        kept = null;
                        break;
                    }

                case 1:
                    Check(kept is not null, "Chimp flag 1 without a kept leading count");
                    x = bits.Read(64 - kept!.Value);
                    break;
                default:
                    {
                        var leading = LeadingClasses[bits.Read(3)];
                        x = bits.Read(64 - leading);
                        kept = leading;
                        break;
                    }
            }

            previous ^= x;
            page[i] = BitConverter.UInt64BitsToDouble(previous);
        }

        return page;
    }

    /// <summary>A float section's NaNs: run count (var), per run gap (var), length − 1 (var), a same-bits flag, else the raw 32 bits.</summary>
    private void ReadNanRuns(BitReader bits, ulong[] values)
    {
        var runs = bits.Var();
        Check(runs <= (ulong)values.Length, "more NaN runs than values");
        var end = 0L;
        var nan = 0u;
        for (var r = 0UL; r < runs; r++)
        {
            Modes.Add("float:nan-run");
            var start = end + (long)bits.Var();
            var length = (long)bits.Var() + 1;
            if (bits.Read(1) == 1)
            {
                Check(r > 0, "the first NaN run repeats nothing");
                Modes.Add("float:nan-run-same");
            }
            else
            {
                nan = (uint)bits.Read(32);
            }

            Check(start >= 0 && start + length <= values.Length, "NaN run outside the column");
            for (var i = start; i < start + length; i++)
            {
                values[i] = nan;
            }

            end = start + length;
        }
    }

    /// <summary>Flags byte, then dictionary entries or plain text, then an integer stream of one value per row.</summary>
    private string?[] ReadStringSection(byte[] block, (byte Kind, int Start, int End) section, int count)
    {
        Check(section.End > section.Start, "empty string section");
        var flags = block[section.Start];
        Check((flags & ~0b111) == 0 && ((flags & 0b100) == 0 || (flags & 0b001) != 0), "string flags");
        var dictionary = (flags & 1) != 0;
        var utf16 = (flags & 2) != 0;
        var frontCoded = (flags & 4) != 0;
        if (utf16)
        {
            Modes.Add("string:utf16");
        }

        var at = section.Start + 1;
        var strings = new string?[count];
        if (dictionary)
        {
            Modes.Add("string:dictionary");
            if (frontCoded)
            {
                Modes.Add("string:front-coded");
            }

            var entryCount = (int)Leb128(block, ref at, section.End);
            var entries = new string[entryCount];
            var previous = Array.Empty<byte>();
            for (var e = 0; e < entryCount; e++)
            {
                var shared = frontCoded ? (int)Leb128(block, ref at, section.End) : 0;
                Check(shared <= previous.Length, "front coding shares more than the previous entry");
                var rest = (int)Leb128(block, ref at, section.End);
                Check(at + rest <= section.End, "entry past the section");
                var bytes = previous.AsSpan(0, shared).ToArray().Concat(block.AsSpan(at, rest).ToArray()).ToArray();
                at += rest;
                entries[e] = Text(bytes, utf16);
                previous = bytes;
            }

            var bits = new BitReader(block, at, section.End);
            var indexes = ReadIntegerPages(bits, count);
            bits.EndOfSection();
            for (var i = 0; i < count; i++)
            {
                Check(indexes[i] >= 0 && indexes[i] <= entryCount, "dictionary index");
                strings[i] = indexes[i] == 0 ? null : entries[indexes[i] - 1];
            }
        }
        else
        {
            Modes.Add("string:plain");
            var textLength = (int)Leb128(block, ref at, section.End);
            Check(at + textLength <= section.End, "text past the section");
            var textStart = at;
            var bits = new BitReader(block, textStart + textLength, section.End);
            var lengths = ReadIntegerPages(bits, count);
            bits.EndOfSection();
            for (var i = 0; i < count; i++)
            {
                if (lengths[i] == 0)
                {
                    continue;
                }

                var length = (int)(lengths[i] - 1);
                Check(length >= 0 && at + length <= textStart + textLength, "string lengths past the text");
                strings[i] = Text(block.AsSpan(at, length).ToArray(), utf16);
                at += length;
            }

            Check(at == textStart + textLength, "string lengths do not add up to the text");
        }

        return strings;
    }

    /// <summary>UTF-8 (invalid is corrupt) or UTF-16 code units, little-endian, lone surrogates kept.</summary>
    private static string Text(byte[] bytes, bool utf16)
    {
        if (!utf16)
        {
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Corrupt("invalid UTF-8");
            }
        }

        Check(bytes.Length % 2 == 0, "odd UTF-16 byte count");
        var chars = new char[bytes.Length / 2];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
        }

        return new string(chars);
    }

    /// <summary>7 bits a byte, low group first, the high bit set on every byte but the last.</summary>
    private static ulong Leb128(byte[] block, ref int at, int end)
    {
        var value = 0UL;
        for (var shift = 0; ; shift += 7)
        {
            Check(at < end && shift < 64, "LEB128 past the section");
            var b = block[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private static long Unzigzag(ulong u) => (long)(u >> 1) ^ -(long)(u & 1);

    private static ulong LittleEndian(byte[] bytes, int at, int size)
    {
        var value = 0UL;
        for (var i = 0; i < size; i++)
        {
            value |= (ulong)bytes[at + i] << (8 * i);
        }

        return value;
    }

    private static void Check(bool condition, string problem)
    {
        if (!condition)
        {
            throw Corrupt(problem);
        }
    }

    private static FormatException Corrupt(string problem) => new("reference reader: " + problem);

    /// <summary>A bit stream: a field's lowest bit first; padded with zero bits to a byte at its end.</summary>
    private sealed class BitReader(byte[] data, int start, int end)
    {
        /// <summary>The absolute bit position in <c>data</c>.</summary>
        public long Position { get; private set; } = (long)start * 8;

        public ulong Read(int count)
        {
            Check(count is >= 0 and <= 64, "field over 64 bits");
            Check(Position + count <= (long)end * 8, "read past the section's end");
            // The bits of the current byte from the position up, lowest first, until the field is complete.
            var value = 0UL;
            for (var done = 0; done < count;)
            {
                var offset = (int)(Position & 7);
                var take = Math.Min(8 - offset, count - done);
                var bits = (ulong)(data[Position >> 3] >> offset) & ((1UL << take) - 1);
                value |= bits << done;
                done += take;
                Position += take;
            }

            return value;
        }

        /// <summary><i>var</i>: a 7-bit bit length L (at most 64), then L bits.</summary>
        public ulong Var()
        {
            var length = (int)Read(7);
            Check(length <= 64, "var longer than 64 bits");
            return Read(length);
        }

        /// <summary><i>var-signed</i>: <i>var</i> of the zigzag mapping.</summary>
        public long VarSigned() => Unzigzag(Var());

        /// <summary>The padding to the next byte is zero bits, and that byte is the section's end.</summary>
        public void EndOfSection()
        {
            while ((Position & 7) != 0)
            {
                Check(Read(1) == 0, "nonzero padding");
            }

            Check(Position == (long)end * 8, "unread bytes left in the section");
        }
    }
}
