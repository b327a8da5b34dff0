using System.Runtime.InteropServices;
using Hotpath.Compression;

namespace Hotpath.Tests.Compression;

/// <summary>DateOnly, TimeOnly and Half members round-trip every bit.</summary>
public sealed class ColumnarCalendarTests
{
    // Read from memory: a Half constant built from bits could be folded through a wider type, quieting a NaN.
    private static readonly Half[] AdversarialHalves = MemoryMarshal.Cast<ushort, Half>(new ushort[]
    {
        0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01, 0xFD55, 0x7FFF, 0xFFFF, // ±0, ±∞, quiet, signalling and payload NaNs
        0x0001, 0x8001, 0x03FF, 0x7BFF, 0xFBFF, 0x3C00, 0xBC00, 0x3555, 0x4248, // subnormals, ±MaxValue, ±1, 1/3, π
    }).ToArray();

    private static readonly DateOnly[] Dates = [DateOnly.MinValue, DateOnly.MaxValue, new(2024, 2, 29), new(1970, 1, 1), DateOnly.MinValue.AddDays(1), DateOnly.MaxValue.AddDays(-1)];

    private static readonly TimeOnly[] Times = [TimeOnly.MinValue, TimeOnly.MaxValue, new(12, 0), new(23, 59, 59, 999), new(1), new(TimeOnly.MaxValue.Ticks - 1)];

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1025)]
    [InlineData(3000)]
    public void DateOnly_TimeOnly_and_Half_members_round_trip_every_bit(int count)
    {
        var rows = Rows(count, seed: count);
        var back = CalendarRow.Codec.Decode(CalendarRow.Codec.Encode(rows));
        Assert.Equal(rows.Length, back.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i].Date, back[i].Date);
            Assert.Equal(rows[i].Time, back[i].Time);
            Assert.Equal(Bits(rows[i].Level), Bits(back[i].Level));
            Assert.Equal(rows[i].MaybeDate, back[i].MaybeDate);
            Assert.Equal(rows[i].MaybeTime, back[i].MaybeTime);
            Assert.Equal(rows[i].MaybeLevel.HasValue, back[i].MaybeLevel.HasValue);
            Assert.Equal(rows[i].MaybeLevel is { } level ? Bits(level) : 0, back[i].MaybeLevel is { } decoded ? Bits(decoded) : 0);
            Assert.Equal(rows[i].Day, back[i].Day);
            Assert.Equal(rows[i].At, back[i].At);
            Assert.Equal(Bits(rows[i].Setting), Bits(back[i].Setting));
            Assert.Equal(rows[i].Since, back[i].Since);
        }
    }

    /// <summary>
    /// Rows mixing random values with the adversarial ones (range ends, leap day, NaN payloads, subnormals), every
    /// nullable member null in some rows, and runs for the [DeltaOfDelta] and [RunLength] members (also the fuzz's seed).
    /// </summary>
    internal static CalendarRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new CalendarRow[count];
        var day = new DateOnly(2020, 1, 1);
        for (var i = 0; i < rows.Length; i++)
        {
            var adversarial = i < 40 || random.Next(8) == 0;
            rows[i] = new CalendarRow
            {
                Date = adversarial ? Dates[random.Next(Dates.Length)] : DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber + 1)),
                Time = adversarial ? Times[random.Next(Times.Length)] : new TimeOnly(random.NextInt64(TimeOnly.MaxValue.Ticks + 1)),
                Level = adversarial ? AdversarialHalves[random.Next(AdversarialHalves.Length)] : (Half)((random.NextDouble() - 0.5) * 200),
                MaybeDate = i % 3 == 0 ? null : Dates[i % Dates.Length],
                MaybeTime = i % 4 == 0 ? null : Times[i % Times.Length],
                MaybeLevel = i % 5 == 0 ? null : AdversarialHalves[i % AdversarialHalves.Length],
                Day = day = day.AddDays(i % 100 == 0 ? -30 : 1),
                At = new TimeOnly(i * 10_000_000L % TimeOnly.MaxValue.Ticks),
                Setting = (Half)(i / 500),
                Since = i < count / 2 ? null : DateOnly.MaxValue,
            };
        }

        return rows;
    }

    [Fact]
    public void Every_Half_bit_pattern_round_trips()
    {
        var rows = new CalendarRow[65_536];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].Level = rows[i].Setting = BitConverter.UInt16BitsToHalf((ushort)i);
            rows[i].MaybeLevel = rows[i].Level;
        }

        var back = CalendarRow.Codec.Decode(CalendarRow.Codec.Encode(rows));
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(i, Bits(back[i].Level));
            Assert.Equal(i, Bits(back[i].Setting));
            Assert.Equal(i, Bits(back[i].MaybeLevel!.Value));
        }
    }

    [Fact]
    public void Sorted_dates_and_regular_times_take_a_few_bits_a_row()
    {
        var rows = new CalendarRow[10_000];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new CalendarRow { Date = new DateOnly(2000, 1, 1).AddDays(i), Day = new DateOnly(2000, 1, 1).AddDays(i / 24), At = new TimeOnly(i % 24, 0), Time = new TimeOnly(i % 24, 30) };
        }

        var block = CalendarRow.Codec.Encode(rows);
        Assert.True(block.Length < rows.Length, $"block is {block.Length} bytes for {rows.Length} rows");
    }

    [Fact]
    public void Stored_values_outside_the_types_range_are_corrupt()
    {
        Assert.Equal(DateOnly.MaxValue, ColumnValues.ToDateOnly(DateOnly.MaxValue.DayNumber));
        Assert.Equal(TimeOnly.MaxValue, ColumnValues.ToTimeOnly(TimeOnly.MaxValue.Ticks));
        Assert.Throws<CorruptBlockException>(() => ColumnValues.ToDateOnly(-1));
        Assert.Throws<CorruptBlockException>(() => ColumnValues.ToDateOnly(DateOnly.MaxValue.DayNumber + 1L));
        Assert.Throws<CorruptBlockException>(() => ColumnValues.ToDateOnly(long.MinValue));
        Assert.Throws<CorruptBlockException>(() => ColumnValues.ToTimeOnly(-1));
        Assert.Throws<CorruptBlockException>(() => ColumnValues.ToTimeOnly(TimeOnly.MaxValue.Ticks + 1));
        Assert.Throws<CorruptBlockException>(() => ColumnValues.ToHalf(short.MinValue - 1L));
        Assert.Throws<CorruptBlockException>(() => ColumnValues.ToHalf(short.MaxValue + 1L));
    }

    [Fact]
    public void A_Half_is_stored_so_that_values_either_side_of_zero_are_close()
    {
        // The sign-magnitude bits become a signed integer in value order: -0 is -1, +0 is 0, so a signal crossing zero
        // has small deltas (raw bits would jump by 0x8000).
        Assert.Equal(0, ColumnValues.FromHalf(BitConverter.UInt16BitsToHalf(0x0000)));
        Assert.Equal(-1, ColumnValues.FromHalf(BitConverter.UInt16BitsToHalf(0x8000)));
        Assert.Equal(1, ColumnValues.FromHalf(BitConverter.UInt16BitsToHalf(0x0001)));
        Assert.Equal(-2, ColumnValues.FromHalf(BitConverter.UInt16BitsToHalf(0x8001)));
        Assert.True(ColumnValues.FromHalf((Half)(-1)) < ColumnValues.FromHalf((Half)(-0.5)));
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var stored = ColumnValues.FromHalf(BitConverter.UInt16BitsToHalf((ushort)bits));
            Assert.InRange(stored, short.MinValue, short.MaxValue);
            Assert.Equal(bits, Bits(ColumnValues.ToHalf(stored)));
        }
    }

    private static int Bits(Half value) => BitConverter.HalfToUInt16Bits(value);
}
