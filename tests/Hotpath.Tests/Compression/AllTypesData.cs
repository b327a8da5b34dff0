using System.Runtime.CompilerServices;
namespace Hotpath.Tests.Compression;

/// <summary>Random and adversarial <see cref="AllTypes"/> rows, and an exact (bit-level) comparison.</summary>
internal static class AllTypesData
{
    private static readonly string?[] Strings = [null, "", "a", "héllo", "日本語", "😀 emoji", "\uD800 lone surrogate", new string('x', 300), "tab\t\0nul"];

    /// <summary>Equal as numbers, different as bits: scales (1.0 vs 1.00), negative zero at several scales, the extremes.</summary>
    internal static readonly decimal[] AdversarialDecimals =
    [
        0m, 0.0m, 0.00m, new(0, 0, 0, isNegative: true, scale: 0), new(0, 0, 0, isNegative: true, scale: 3), new(0, 0, 0, isNegative: true, scale: 28),
        new(0, 0, 0, isNegative: false, scale: 28), 1m, 1.0m, 1.00m, -1.000m, 12.3400m, decimal.MaxValue, decimal.MinValue, 1m / 3m,
        new(1, 0, 0, isNegative: false, scale: 28), new(-1, -1, -1, isNegative: true, scale: 28),
    ];

    /// <summary>Whole-minute offsets at both ends of DateTimeOffset's ±14 h range and the odd ones (+05:45, -09:30).</summary>
    private static readonly TimeSpan[] Offsets = [TimeSpan.Zero, TimeSpan.FromHours(14), TimeSpan.FromHours(-14), new(5, 45, 0), new(-9, -30, 0), TimeSpan.FromHours(1)];

    public static AllTypes[] Create(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new AllTypes[count];
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < count; i++)
        {
            var extreme = random.Next(4) == 0;
            rows[i] = new AllTypes
            {
                SByte = extreme ? sbyte.MinValue : (sbyte)random.Next(-5, 5),
                Byte = extreme ? byte.MaxValue : (byte)random.Next(10),
                Int16 = extreme ? short.MinValue : (short)random.Next(-300, 300),
                UInt16 = extreme ? ushort.MaxValue : (ushort)random.Next(1000),
                Int32 = extreme ? int.MinValue : random.Next(),
                UInt32 = extreme ? uint.MaxValue : (uint)random.Next(),
                Int64 = random.Next(3) switch { 0 => long.MinValue, 1 => long.MaxValue, _ => random.NextInt64() },
                UInt64 = extreme ? ulong.MaxValue : (ulong)random.NextInt64(),
                IntPtr = extreme ? nint.MinValue : (nint)random.NextInt64(),
                UIntPtr = extreme ? nuint.MaxValue : (nuint)random.Next(),
                Int128 = extreme ? Int128.MinValue : new Int128((ulong)random.NextInt64(), (ulong)random.NextInt64()),
                UInt128 = extreme ? UInt128.MaxValue : new UInt128((ulong)random.Next(), (ulong)random.NextInt64()),
                Char = extreme ? char.MaxValue : (char)random.Next(0xD800, 0xE000),
                Bool = random.Next(2) == 0,
                Phase = (PodPhase)random.Next(5),
                Flags = extreme ? BigFlags.Top : BigFlags.None,
                DateTime = random.Next(3) switch
                {
                    0 => AnyDateTime(random),
                    1 => new DateTime(random.NextInt64(DateTime.MaxValue.Ticks), DateTimeKind.Local),
                    _ => start.AddSeconds(i),
                },
                DateTimeOffset = random.Next(3) switch
                {
                    0 => AnyDateTimeOffset(random),
                    _ => extreme ? DateTimeOffset.MinValue : new DateTimeOffset(start.Ticks + i, TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60))),
                },
                TimeSpan = extreme ? TimeSpan.MinValue : TimeSpan.FromTicks(random.NextInt64()),
                Guid = extreme ? Guid.Empty : Guid.NewGuid(),
                Decimal = AnyDecimal(random),
                Double = ColumnarRoundTripTests.AdversarialDoubles[random.Next(ColumnarRoundTripTests.AdversarialDoubles.Length)],
                Single = ColumnarRoundTripTests.AdversarialFloats[random.Next(ColumnarRoundTripTests.AdversarialFloats.Length)],
                String = Strings[random.Next(Strings.Length)],
                NullableSByte = Maybe(random, Pick(random, sbyte.MinValue, sbyte.MaxValue, (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1))),
                NullableByte = Maybe(random, Pick(random, byte.MinValue, byte.MaxValue, (byte)random.Next(byte.MaxValue + 1))),
                NullableInt16 = Maybe(random, Pick(random, short.MinValue, short.MaxValue, (short)random.Next(short.MinValue, short.MaxValue + 1))),
                NullableUInt16 = Maybe(random, Pick(random, ushort.MinValue, ushort.MaxValue, (ushort)random.Next(ushort.MaxValue + 1))),
                NullableInt32 = Maybe(random, Pick(random, int.MinValue, int.MaxValue, random.Next(int.MinValue, int.MaxValue))),
                NullableUInt32 = Maybe(random, Pick(random, uint.MinValue, uint.MaxValue, unchecked((uint)random.Next(int.MinValue, int.MaxValue)))),
                NullableInt64 = Maybe(random, Pick(random, long.MinValue, long.MaxValue, random.NextInt64(long.MinValue, long.MaxValue))),
                NullableUInt64 = Maybe(random, Pick(random, ulong.MinValue, ulong.MaxValue, unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue)))),
                NullableIntPtr = Maybe(random, Pick(random, nint.MinValue, nint.MaxValue, unchecked((nint)random.NextInt64(long.MinValue, long.MaxValue)))),
                NullableUIntPtr = Maybe(random, Pick(random, nuint.MinValue, nuint.MaxValue, unchecked((nuint)(ulong)random.NextInt64(long.MinValue, long.MaxValue)))),
                NullableInt128 = Maybe(random, Pick(random, Int128.MinValue, Int128.MaxValue, new Int128(unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue)), unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue))))),
                NullableUInt128 = Maybe(random, Pick(random, UInt128.MinValue, UInt128.MaxValue, new UInt128(unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue)), unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue))))),
                NullableChar = Maybe(random, Pick(random, char.MinValue, char.MaxValue, (char)random.Next(char.MaxValue + 1))),
                NullableDouble = Maybe(random, ColumnarRoundTripTests.AdversarialDoubles[random.Next(ColumnarRoundTripTests.AdversarialDoubles.Length)]),
                NullableSingle = Maybe(random, random.Next(2) == 0 ? ColumnarRoundTripTests.AdversarialFloats[random.Next(ColumnarRoundTripTests.AdversarialFloats.Length)] : random.NextSingle()),
                NullableBool = Maybe(random, random.Next(2) == 0),
                NullableDecimal = Maybe(random, AnyDecimal(random)),
                NullableGuid = Maybe(random, Pick(random, Guid.Empty, AllBitsSetGuid, Guid.NewGuid())),
                NullableDateTime = Maybe(random, AnyDateTime(random)),
                NullableDateTimeOffset = Maybe(random, AnyDateTimeOffset(random)),
                NullableTimeSpan = Maybe(random, Pick(random, TimeSpan.MinValue, TimeSpan.MaxValue, TimeSpan.FromTicks(random.NextInt64(long.MinValue, long.MaxValue)))),
                NullablePhase = Maybe(random, (PodPhase)random.Next(5)),
                NullableFlags = Maybe(random, Pick(random, BigFlags.None, BigFlags.Top, unchecked((BigFlags)random.NextInt64(long.MinValue, long.MaxValue)))),
                Timestamp = start.AddMilliseconds(i * 1000L),
                Label = random.Next(10) == 0 ? null : i < count / 2 ? "first half" : "second half",
            };
        }

        return rows;
    }

    public static void AssertEqual(AllTypes[] expected, AllTypes[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = Keys(expected[i]);
            var a = Keys(actual[i]);
            for (var m = 0; m < e.Length; m++)
            {
                if (!Equals(e[m].Key, a[m].Key))
                {
                    Assert.Fail($"row {i}, {e[m].Member}: expected {e[m].Key ?? "null"}, got {a[m].Key ?? "null"}");
                }
            }
        }
    }

    /// <summary>
    /// Every stored member with a key that is equal only when the bits are: decimals by their four words (scale
    /// and the sign of zero), DateTime by ticks and kind, DateTimeOffset by ticks and offset, floating point by
    /// bit pattern (NaN payloads, -0.0). A null member's key is null.
    /// </summary>
    internal static (string Member, object? Key)[] Keys(AllTypes r) =>
    [
        (nameof(r.SByte), r.SByte),
        (nameof(r.Byte), r.Byte),
        (nameof(r.Int16), r.Int16),
        (nameof(r.UInt16), r.UInt16),
        (nameof(r.Int32), r.Int32),
        (nameof(r.UInt32), r.UInt32),
        (nameof(r.Int64), r.Int64),
        (nameof(r.UInt64), r.UInt64),
        (nameof(r.IntPtr), r.IntPtr),
        (nameof(r.UIntPtr), r.UIntPtr),
        (nameof(r.Int128), r.Int128),
        (nameof(r.UInt128), r.UInt128),
        (nameof(r.Char), r.Char),
        (nameof(r.Bool), r.Bool),
        (nameof(r.Phase), r.Phase),
        (nameof(r.Flags), r.Flags),
        (nameof(r.DateTime), Exact(r.DateTime)),
        (nameof(r.DateTimeOffset), Exact(r.DateTimeOffset)),
        (nameof(r.TimeSpan), r.TimeSpan),
        (nameof(r.Guid), r.Guid),
        (nameof(r.Decimal), Exact(r.Decimal)),
        (nameof(r.Double), Exact(r.Double)),
        (nameof(r.Single), Exact(r.Single)),
        (nameof(r.String), r.String),
        (nameof(r.NullableSByte), r.NullableSByte),
        (nameof(r.NullableByte), r.NullableByte),
        (nameof(r.NullableInt16), r.NullableInt16),
        (nameof(r.NullableUInt16), r.NullableUInt16),
        (nameof(r.NullableInt32), r.NullableInt32),
        (nameof(r.NullableUInt32), r.NullableUInt32),
        (nameof(r.NullableInt64), r.NullableInt64),
        (nameof(r.NullableUInt64), r.NullableUInt64),
        (nameof(r.NullableIntPtr), r.NullableIntPtr),
        (nameof(r.NullableUIntPtr), r.NullableUIntPtr),
        (nameof(r.NullableInt128), r.NullableInt128),
        (nameof(r.NullableUInt128), r.NullableUInt128),
        (nameof(r.NullableChar), r.NullableChar),
        (nameof(r.NullableDouble), Exact(r.NullableDouble)),
        (nameof(r.NullableSingle), Exact(r.NullableSingle)),
        (nameof(r.NullableBool), r.NullableBool),
        (nameof(r.NullableDecimal), Exact(r.NullableDecimal)),
        (nameof(r.NullableGuid), r.NullableGuid),
        (nameof(r.NullableDateTime), Exact(r.NullableDateTime)),
        (nameof(r.NullableDateTimeOffset), Exact(r.NullableDateTimeOffset)),
        (nameof(r.NullableTimeSpan), r.NullableTimeSpan),
        (nameof(r.NullablePhase), r.NullablePhase),
        (nameof(r.NullableFlags), r.NullableFlags),
        (nameof(r.Timestamp), Exact(r.Timestamp)),
        (nameof(r.Label), r.Label),
    ];

    private static object? Exact(decimal? value) =>
        value is { } d ? $"{d.ToString(System.Globalization.CultureInfo.InvariantCulture)} [{string.Join(' ', decimal.GetBits(d).Select(w => w.ToString("X8", System.Globalization.CultureInfo.InvariantCulture)))}]" : null;

    // All 64 bits: Kind alone says Local for both Local and "Local, in the ambiguous daylight-saving hour".
    private static object? Exact(DateTime? value) => value is { } d ? Unsafe.As<DateTime, ulong>(ref d) : null;

    private static object? Exact(DateTimeOffset? value) => value is { } d ? (d.Ticks, d.Offset) : null;

    private static object? Exact(double? value) => value is { } d ? BitConverter.DoubleToInt64Bits(d) : null;

    private static object? Exact(float? value) => value is { } f ? BitConverter.SingleToInt32Bits(f) : null;

    // Guid.AllBitsSet is .NET 9+; these tests also run on net8.0.
    private static readonly Guid AllBitsSetGuid = new("ffffffff-ffff-ffff-ffff-ffffffffffff");

    private static T? Maybe<T>(Random random, T value)
        where T : struct => random.Next(3) == 0 ? null : value;

    private static T Pick<T>(Random random, T min, T max, T other) => random.Next(4) switch { 0 => min, 1 => max, _ => other };

    private static decimal AnyDecimal(Random random) => random.Next(3) switch
    {
        0 => AdversarialDecimals[random.Next(AdversarialDecimals.Length)],
        1 => new decimal(random.NextDouble() * 1000),
        _ => new decimal(random.Next(int.MinValue, int.MaxValue), random.Next(2) == 0 ? 0 : random.Next(int.MinValue, int.MaxValue), random.Next(2) == 0 ? 0 : random.Next(int.MinValue, int.MaxValue), random.Next(2) == 0, (byte)random.Next(29)),
    };

    /// <summary>Any kind (Local in the ambiguous daylight-saving hour too); the range's ends under each kind or ticks anywhere in it.</summary>
    private static DateTime AnyDateTime(Random random)
    {
        var kind = random.Next(4);
        var value = random.Next(4) switch
        {
            0 => DateTime.MinValue,
            1 => DateTime.MaxValue,
            _ => new DateTime(random.NextInt64(DateTime.MaxValue.Ticks + 1)),
        };

        return kind == 3 ? AmbiguousLocal(value.Ticks) : DateTime.SpecifyKind(value, (DateTimeKind)kind);
    }

    /// <summary>
    /// A Local value flagged as falling in the ambiguous daylight-saving hour (the flag <c>ToLocalTime</c> sets there):
    /// DateTime's top two bits are 3. Built from the raw bits, so it does not depend on the machine's time zone.
    /// </summary>
    internal static DateTime AmbiguousLocal(long ticks)
    {
        var raw = 0xC000_0000_0000_0000UL | (ulong)ticks;
        return Unsafe.As<ulong, DateTime>(ref raw);
    }

    /// <summary>A non-zero offset mostly, and clock ticks that keep both them and the UTC ticks in range (the ends included).</summary>
    private static DateTimeOffset AnyDateTimeOffset(Random random)
    {
        var offset = random.Next(2) == 0 ? Offsets[random.Next(Offsets.Length)] : TimeSpan.FromMinutes(random.Next(-14 * 60, (14 * 60) + 1));
        var min = Math.Max(0, offset.Ticks);
        var max = Math.Min(DateTime.MaxValue.Ticks, DateTime.MaxValue.Ticks + offset.Ticks);
        return new DateTimeOffset(Pick(random, min, max, random.NextInt64(min, max + 1)), offset);
    }
}
