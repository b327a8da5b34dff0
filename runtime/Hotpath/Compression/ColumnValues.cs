using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hotpath.Compression;

/// <summary>
/// Lossless mappings between member types and the 64-bit integer columns they are stored in, used by
/// generated codecs. Every <c>To*</c> method validates its input and throws
/// <see cref="CorruptBlockException"/> rather than an argument exception from a BCL constructor.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ColumnValues
{
    private const ulong TicksMask = 0x3FFF_FFFF_FFFF_FFFF;
    private static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];

    // Every power here is exact (10^d is a double up to 10^22, a float up to 10^10), so a division by it is
    // correctly rounded: an integer k below 2^53 divided by 10^d is the closest double to the decimal k·10^-d.
    private static readonly float[] SinglePowers = [1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f];

    /// <summary>
    /// A <see cref="DateTime"/>'s 64 bits as they are: ticks, with its kind in the top two bits (0 Unspecified, 1 Utc,
    /// 2 Local, 3 Local in the ambiguous daylight-saving hour: <see cref="DateTime.Kind"/> says Local for both, and
    /// <c>Ticks</c> + <c>Kind</c> would lose the flag). For every other value this is <c>Ticks | Kind &lt;&lt; 62</c>.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long FromDateTime(DateTime value) => Unsafe.As<DateTime, long>(ref value);

    /// <summary>Inverse of <see cref="FromDateTime"/>: the same 64 bits, once checked to be a valid <see cref="DateTime"/>.</summary>
    /// <param name="value">The stored integer.</param>
    /// <returns>The value.</returns>
    public static DateTime ToDateTime(long value)
    {
        if (((ulong)value & TicksMask) > (ulong)DateTime.MaxValue.Ticks)
        {
            Corrupt.Throw("A DateTime column holds a value outside DateTime's range.");
        }

        // Every kind value (0-3) is valid; ticks are in range: these are the bits of a DateTime.
        return Unsafe.As<long, DateTime>(ref value);
    }

    /// <summary>The UTC ticks of a <see cref="DateTimeOffset"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long DateTimeOffsetTicks(DateTimeOffset value) => value.UtcTicks;

    /// <summary>The offset of a <see cref="DateTimeOffset"/> in minutes.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long DateTimeOffsetMinutes(DateTimeOffset value) => value.Offset.Ticks / TimeSpan.TicksPerMinute;

    /// <summary>Inverse of <see cref="DateTimeOffsetTicks"/> and <see cref="DateTimeOffsetMinutes"/>.</summary>
    /// <param name="utcTicks">The stored UTC ticks.</param>
    /// <param name="offsetMinutes">The stored offset.</param>
    /// <returns>The value.</returns>
    public static DateTimeOffset ToDateTimeOffset(long utcTicks, long offsetMinutes)
    {
        if (offsetMinutes is < -14 * 60 or > 14 * 60 || (ulong)utcTicks > (ulong)DateTime.MaxValue.Ticks)
        {
            Corrupt.Throw("A DateTimeOffset column holds a value outside DateTimeOffset's range.");
        }

        var local = utcTicks + (offsetMinutes * TimeSpan.TicksPerMinute);
        if ((ulong)local > (ulong)DateTime.MaxValue.Ticks)
        {
            Corrupt.Throw("A DateTimeOffset column holds a value outside DateTimeOffset's range.");
        }

        return new DateTimeOffset(local, new TimeSpan(offsetMinutes * TimeSpan.TicksPerMinute));
    }

    /// <summary>Inverse of a <see cref="DateOnly"/>'s <see cref="DateOnly.DayNumber"/>, the integer it is stored as.</summary>
    /// <param name="value">The stored integer.</param>
    /// <returns>The value.</returns>
    public static DateOnly ToDateOnly(long value)
    {
        if ((ulong)value > (ulong)DateOnly.MaxValue.DayNumber)
        {
            Corrupt.Throw("A DateOnly column holds a value outside DateOnly's range.");
        }

        return DateOnly.FromDayNumber((int)value);
    }

    /// <summary>Inverse of a <see cref="TimeOnly"/>'s <see cref="TimeOnly.Ticks"/>, the integer it is stored as.</summary>
    /// <param name="value">The stored integer.</param>
    /// <returns>The value.</returns>
    public static TimeOnly ToTimeOnly(long value)
    {
        if ((ulong)value > (ulong)TimeOnly.MaxValue.Ticks)
        {
            Corrupt.Throw("A TimeOnly column holds a value outside TimeOnly's range.");
        }

        return new TimeOnly(value);
    }

    /// <summary>
    /// A <see cref="Half"/>'s 16 bits as a signed integer in value order: a positive sign keeps the bits (0 to 32767),
    /// a negative one stores <c>-1 - magnitude bits</c> (-1 for <c>-0.0</c> down to -32768), so values either side of
    /// zero are close integers. Every bit pattern, NaN payloads included, maps to its own integer.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long FromHalf(Half value)
    {
        var bits = (short)BitConverter.HalfToUInt16Bits(value);
        return bits ^ ((bits >> 15) & 0x7FFF);
    }

    /// <summary>Inverse of <see cref="FromHalf"/>: the same 16 bits.</summary>
    /// <param name="value">The stored integer.</param>
    /// <returns>The value.</returns>
    public static Half ToHalf(long value)
    {
        if (value is < short.MinValue or > short.MaxValue)
        {
            Corrupt.Throw("A Half column holds a value outside 16 bits.");
        }

        var bits = (int)value;
        return BitConverter.UInt16BitsToHalf((ushort)(bits ^ ((bits >> 15) & 0x7FFF)));
    }

    /// <summary>The first 8 bytes of a <see cref="Guid"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long GuidLow(in Guid value) => MemoryMarshal.Read<long>(MemoryMarshal.AsBytes(new ReadOnlySpan<Guid>(in value)));

    /// <summary>The last 8 bytes of a <see cref="Guid"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long GuidHigh(in Guid value) => MemoryMarshal.Read<long>(MemoryMarshal.AsBytes(new ReadOnlySpan<Guid>(in value)).Slice(8));

    /// <summary>Inverse of <see cref="GuidLow"/> and <see cref="GuidHigh"/>.</summary>
    /// <param name="low">The first 8 bytes.</param>
    /// <param name="high">The last 8 bytes.</param>
    /// <returns>The value.</returns>
    public static Guid ToGuid(long low, long high)
    {
        Span<long> halves = [low, high];
        return MemoryMarshal.Read<Guid>(MemoryMarshal.AsBytes(halves));
    }

    /// <summary>The low 64 bits of a <see cref="decimal"/>'s 96-bit mantissa.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long DecimalLow(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        return (long)(((ulong)(uint)bits[1] << 32) | (uint)bits[0]);
    }

    /// <summary>The high 32 bits of a <see cref="decimal"/>'s mantissa.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long DecimalHigh(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        return (uint)bits[2];
    }

    /// <summary>The sign and scale word of a <see cref="decimal"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long DecimalFlags(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        return (uint)bits[3];
    }

    /// <summary>Inverse of <see cref="DecimalLow"/>, <see cref="DecimalHigh"/> and <see cref="DecimalFlags"/> (scale, sign and trailing zeros kept).</summary>
    /// <param name="low">Low 64 bits.</param>
    /// <param name="high">High 32 bits.</param>
    /// <param name="flags">Sign and scale.</param>
    /// <returns>The value.</returns>
    public static decimal ToDecimal(long low, long high, long flags)
    {
        var scale = (flags >> 16) & 0xFF;
        if ((ulong)high > uint.MaxValue || (ulong)flags > uint.MaxValue || (flags & 0x7F00FFFF) != 0 || scale > 28)
        {
            Corrupt.Throw("A decimal column holds an invalid decimal.");
        }

        return new decimal((int)(uint)(ulong)low, (int)(uint)((ulong)low >> 32), (int)(uint)high, (flags & 0x80000000) != 0, (byte)scale);
    }

    /// <summary>The low 64 bits of an <see cref="Int128"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long Int128Low(Int128 value) => (long)(ulong)value;

    /// <summary>The high 64 bits of an <see cref="Int128"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long Int128High(Int128 value) => (long)(value >> 64);

    /// <summary>Inverse of <see cref="Int128Low"/> and <see cref="Int128High"/>.</summary>
    /// <param name="low">Low 64 bits.</param>
    /// <param name="high">High 64 bits.</param>
    /// <returns>The value.</returns>
    public static Int128 ToInt128(long low, long high) => new((ulong)high, (ulong)low);

    /// <summary>The low 64 bits of a <see cref="UInt128"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long UInt128Low(UInt128 value) => (long)(ulong)value;

    /// <summary>The high 64 bits of a <see cref="UInt128"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored integer.</returns>
    public static long UInt128High(UInt128 value) => (long)(ulong)(value >> 64);

    /// <summary>Inverse of <see cref="UInt128Low"/> and <see cref="UInt128High"/>.</summary>
    /// <param name="low">Low 64 bits.</param>
    /// <param name="high">High 64 bits.</param>
    /// <returns>The value.</returns>
    public static UInt128 ToUInt128(long low, long high) => new((ulong)high, (ulong)low);

    /// <summary>
    /// <c>[Quantize(decimals)]</c>: exactly <c>Math.Round(value, decimals, MidpointRounding.ToEven)</c>, the closest
    /// double to the value rounded to <paramref name="decimals"/> places (a midpoint of the scaled value, as
    /// <c>2.5</c>, goes to the even neighbour), so quantized values decode as the doubles their decimal text parses
    /// to and the decimal coder stores them as small integers. NaN (payload kept), ±∞, <c>-0.0</c> and magnitudes
    /// of 10^16 or more pass through unchanged; a value that rounds to zero keeps its sign.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="decimals">Decimal places, 0 to 15.</param>
    /// <returns>The rounded value.</returns>
    public static double Quantize(double value, int decimals)
    {
        // Math.Round's own steps without its argument checks and mode switch (half the cost): round the scaled
        // value to even, then divide by the exact power (a multiplication by the inexact 10^-d was one ulp off
        // for a third of all values).
        var power = Powers[decimals];
        return Math.Abs(value) < 1e16 ? Math.Round(value * power) / power : value;
    }

    /// <summary>
    /// <c>[Quantize(decimals)]</c> for floats: exactly <c>MathF.Round(value, decimals, MidpointRounding.ToEven)</c> for
    /// up to 6 decimals (all <c>MathF.Round</c> takes; magnitudes of 10^8 or more pass through); for 7 to 15, the
    /// double rule of <see cref="Quantize(double, int)"/> on the float's value, converted back to float. NaN (payload
    /// kept, signalling or not), ±∞ and <c>-0.0</c> pass through unchanged.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="decimals">Decimal places, 0 to 15.</param>
    /// <returns>The rounded value.</returns>
    public static float Quantize(float value, int decimals)
    {
        if (decimals >= SinglePowers.Length)
        {
            return float.IsNaN(value) ? value : (float)Quantize((double)value, decimals);
        }

        var power = SinglePowers[decimals];
        return MathF.Abs(value) < 1e8f ? MathF.Round(value * power) / power : value;
    }

    /// <summary>The exception thrown when a class row to encode is <see langword="null"/>.</summary>
    /// <param name="index">The row's index.</param>
    /// <returns>The exception.</returns>
    public static ArgumentException NullRow(int index) => new($"Row {index} is null; a columnar block cannot hold null rows.", "rows");
}
