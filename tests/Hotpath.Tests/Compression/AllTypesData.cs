namespace Hotpath.Tests.Compression;

/// <summary>Random and adversarial <see cref="AllTypes"/> rows, and an exact (bit-level) comparison.</summary>
internal static class AllTypesData
{
    private static readonly string?[] Strings = [null, "", "a", "héllo", "日本語", "😀 emoji", "\uD800 lone surrogate", new string('x', 300), "tab\t\0nul"];

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
                    0 => DateTime.MaxValue,
                    1 => new DateTime(random.NextInt64(DateTime.MaxValue.Ticks), DateTimeKind.Local),
                    _ => start.AddSeconds(i),
                },
                DateTimeOffset = extreme ? DateTimeOffset.MinValue : new DateTimeOffset(start.Ticks + i, TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60))),
                TimeSpan = extreme ? TimeSpan.MinValue : TimeSpan.FromTicks(random.NextInt64()),
                Guid = extreme ? Guid.Empty : Guid.NewGuid(),
                Decimal = random.Next(4) switch
                {
                    0 => decimal.MaxValue,
                    1 => -0.000m,
                    2 => 12.3400m,
                    _ => new decimal(random.NextDouble() * 1000),
                },
                Double = ColumnarRoundTripTests.AdversarialDoubles[random.Next(ColumnarRoundTripTests.AdversarialDoubles.Length)],
                Single = ColumnarRoundTripTests.AdversarialFloats[random.Next(ColumnarRoundTripTests.AdversarialFloats.Length)],
                String = Strings[random.Next(Strings.Length)],
                NullableInt32 = random.Next(3) == 0 ? null : random.Next(),
                NullableInt64 = random.Next(3) == 0 ? null : long.MinValue + random.Next(),
                NullableDouble = random.Next(3) == 0 ? null : ColumnarRoundTripTests.AdversarialDoubles[random.Next(ColumnarRoundTripTests.AdversarialDoubles.Length)],
                NullableSingle = random.Next(3) == 0 ? null : random.NextSingle(),
                NullableBool = random.Next(3) == 0 ? null : random.Next(2) == 0,
                NullableDecimal = random.Next(3) == 0 ? null : decimal.MinValue,
                NullableGuid = random.Next(3) == 0 ? null : Guid.NewGuid(),
                NullableDateTime = random.Next(3) == 0 ? null : DateTime.MinValue,
                NullableDateTimeOffset = random.Next(3) == 0 ? null : DateTimeOffset.MaxValue,
                NullablePhase = random.Next(3) == 0 ? null : PodPhase.Unknown,
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
            // Cheap exact check first; the per-member asserts below only run to name the difference.
            if (!Same(expected[i], actual[i]))
            {
                AssertMembers(expected[i], actual[i]);
                Assert.Fail($"row {i} differs");
            }
        }
    }

    private static bool Same(in AllTypes e, in AllTypes a) =>
        e.SByte == a.SByte && e.Byte == a.Byte && e.Int16 == a.Int16 && e.UInt16 == a.UInt16 && e.Int32 == a.Int32 && e.UInt32 == a.UInt32 &&
        e.Int64 == a.Int64 && e.UInt64 == a.UInt64 && e.IntPtr == a.IntPtr && e.UIntPtr == a.UIntPtr && e.Int128 == a.Int128 && e.UInt128 == a.UInt128 &&
        e.Char == a.Char && e.Bool == a.Bool && e.Phase == a.Phase && e.Flags == a.Flags && e.DateTime.Ticks == a.DateTime.Ticks && e.DateTime.Kind == a.DateTime.Kind &&
        e.DateTimeOffset.UtcTicks == a.DateTimeOffset.UtcTicks && e.DateTimeOffset.Offset == a.DateTimeOffset.Offset && e.TimeSpan == a.TimeSpan && e.Guid == a.Guid &&
        decimal.GetBits(e.Decimal).AsSpan().SequenceEqual(decimal.GetBits(a.Decimal)) &&
        BitConverter.DoubleToInt64Bits(e.Double) == BitConverter.DoubleToInt64Bits(a.Double) &&
        BitConverter.SingleToInt32Bits(e.Single) == BitConverter.SingleToInt32Bits(a.Single) && e.String == a.String &&
        e.NullableInt32 == a.NullableInt32 && e.NullableInt64 == a.NullableInt64 &&
        e.NullableDouble.HasValue == a.NullableDouble.HasValue && BitConverter.DoubleToInt64Bits(e.NullableDouble ?? 0) == BitConverter.DoubleToInt64Bits(a.NullableDouble ?? 0) &&
        e.NullableSingle.HasValue == a.NullableSingle.HasValue && BitConverter.SingleToInt32Bits(e.NullableSingle ?? 0) == BitConverter.SingleToInt32Bits(a.NullableSingle ?? 0) &&
        e.NullableBool == a.NullableBool && e.NullableDecimal == a.NullableDecimal && e.NullableGuid == a.NullableGuid && e.NullableDateTime == a.NullableDateTime &&
        e.NullableDateTimeOffset == a.NullableDateTimeOffset && e.NullablePhase == a.NullablePhase && e.Timestamp == a.Timestamp && e.Label == a.Label;

    private static void AssertMembers(AllTypes e, AllTypes a)
    {
        {
            Assert.Equal(e.SByte, a.SByte);
            Assert.Equal(e.Byte, a.Byte);
            Assert.Equal(e.Int16, a.Int16);
            Assert.Equal(e.UInt16, a.UInt16);
            Assert.Equal(e.Int32, a.Int32);
            Assert.Equal(e.UInt32, a.UInt32);
            Assert.Equal(e.Int64, a.Int64);
            Assert.Equal(e.UInt64, a.UInt64);
            Assert.Equal(e.IntPtr, a.IntPtr);
            Assert.Equal(e.UIntPtr, a.UIntPtr);
            Assert.Equal(e.Int128, a.Int128);
            Assert.Equal(e.UInt128, a.UInt128);
            Assert.Equal(e.Char, a.Char);
            Assert.Equal(e.Bool, a.Bool);
            Assert.Equal(e.Phase, a.Phase);
            Assert.Equal(e.Flags, a.Flags);
            Assert.Equal(e.DateTime.Ticks, a.DateTime.Ticks);
            Assert.Equal(e.DateTime.Kind, a.DateTime.Kind);
            Assert.Equal(e.DateTimeOffset.UtcTicks, a.DateTimeOffset.UtcTicks);
            Assert.Equal(e.DateTimeOffset.Offset, a.DateTimeOffset.Offset);
            Assert.Equal(e.TimeSpan, a.TimeSpan);
            Assert.Equal(e.Guid, a.Guid);
            Assert.Equal(decimal.GetBits(e.Decimal), decimal.GetBits(a.Decimal)); // scale and sign of zero too
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.Double), BitConverter.DoubleToInt64Bits(a.Double));
            Assert.Equal(BitConverter.SingleToInt32Bits(e.Single), BitConverter.SingleToInt32Bits(a.Single));
            Assert.Equal(e.String, a.String);
            Assert.Equal(e.NullableInt32, a.NullableInt32);
            Assert.Equal(e.NullableInt64, a.NullableInt64);
            Assert.Equal(e.NullableDouble.HasValue, a.NullableDouble.HasValue);
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.NullableDouble ?? 0), BitConverter.DoubleToInt64Bits(a.NullableDouble ?? 0));
            Assert.Equal(e.NullableSingle.HasValue, a.NullableSingle.HasValue);
            Assert.Equal(BitConverter.SingleToInt32Bits(e.NullableSingle ?? 0), BitConverter.SingleToInt32Bits(a.NullableSingle ?? 0));
            Assert.Equal(e.NullableBool, a.NullableBool);
            Assert.Equal(e.NullableDecimal, a.NullableDecimal);
            Assert.Equal(e.NullableGuid, a.NullableGuid);
            Assert.Equal(e.NullableDateTime, a.NullableDateTime);
            Assert.Equal(e.NullableDateTimeOffset, a.NullableDateTimeOffset);
            Assert.Equal(e.NullablePhase, a.NullablePhase);
            Assert.Equal(e.Timestamp, a.Timestamp);
            Assert.Equal(e.Label, a.Label);
        }
    }
}
