using System.Reflection;
using Hotpath.Compression;

namespace Hotpath.Tests.Compression;

/// <summary>[Quantize(d)] keeps exactly what Math.Round(v, d) (MathF.Round for floats) returns.</summary>
public sealed class ColumnarQuantizeTests
{
    private static readonly FieldInfo[] Doubles = Enumerable.Range(0, 16).Select(d => typeof(QuantizedRow).GetField("D" + d)!).ToArray();
    private static readonly FieldInfo[] Floats = Enumerable.Range(0, 16).Select(d => typeof(QuantizedRow).GetField("F" + d)!).ToArray();

    private static readonly double[] Specials =
    [
        0.0, -0.0, double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF4_0000_0000_1234)),
        double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 1e16, -1e16, 9999999999999998.0,
        4503599627370496.0, 4503599627370495.5, -4503599627370497.0, 0.5, 1.5, 2.5, -2.5, 0.05, 0.15, 0.25, 2.675, 1.005, 1024.23456789, 123456789012.345678,
        -0.0001, 1e-300, 0.1, 0.2, 0.3,
    ];

    [Fact]
    public void A_quantized_double_is_the_closest_double_to_its_rounded_decimal()
    {
        // 1024.23456789 * 1e3 rounds to 1024235; times the inexact 1e-3 that was 1024.2350000000001.
        var back = QuantizedRow.Codec.Decode(QuantizedRow.Codec.Encode(new[] { new QuantizedRow { D3 = 1024.23456789, NullableD3 = 1024.23456789 } }))[0];
        Assert.Equal(1024.235, back.D3);
        Assert.Equal(1024.235, back.NullableD3);
        Assert.Equal(1024.235, ColumnValues.Quantize(1024.23456789, 3));

        // A float NaN keeps its payload, signalling or not, at every number of decimals.
        // Read from memory: a constant (even BitConverter.UInt32BitsToSingle(0x7F80_0001)) is folded through a double, quieting it.
        var signalling = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, float>(new uint[] { 0x7F80_0001 })[0];
        Assert.Equal(0x7F80_0001u, BitConverter.SingleToUInt32Bits(signalling));
        var nan = QuantizedRow.Codec.Decode(QuantizedRow.Codec.Encode(new[] { new QuantizedRow { F1 = signalling, F9 = signalling, NullableF2 = signalling } }))[0];
        Assert.Equal(0x7F80_0001u, BitConverter.SingleToUInt32Bits(nan.F1));
        Assert.Equal(0x7F80_0001u, BitConverter.SingleToUInt32Bits(nan.F9));
        Assert.Equal(0x7F80_0001u, BitConverter.SingleToUInt32Bits(nan.NullableF2!.Value));
    }

    [Fact]
    public void Quantized_values_at_every_number_of_decimals_decode_as_Math_Round_returns()
    {
        var random = new Random(11);
        var rows = new QuantizedRow[20_000];
        var values = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var value = values[i] = Value(random, i);
            object row = default(QuantizedRow);
            foreach (var field in Doubles)
            {
                field.SetValue(row, value);
            }

            foreach (var field in Floats)
            {
                field.SetValue(row, (float)value);
            }

            rows[i] = (QuantizedRow)row;
            rows[i].NullableD3 = i % 5 == 0 ? null : value;
            rows[i].NullableF2 = i % 7 == 0 ? null : (float)value;
        }

        var back = QuantizedRow.Codec.Decode(QuantizedRow.Codec.Encode(rows));
        for (var i = 0; i < rows.Length; i++)
        {
            var value = values[i];
            for (var d = 0; d < 16; d++)
            {
                AssertSame(ExpectedDouble(value, d), (double)Doubles[d].GetValue(back[i])!, value, d);
                AssertSame(ExpectedFloat((float)value, d), (float)Floats[d].GetValue(back[i])!, value, d);
                Assert.Equal(BitConverter.DoubleToInt64Bits(ExpectedDouble(value, d)), BitConverter.DoubleToInt64Bits(ColumnValues.Quantize(value, d)));
                Assert.Equal(BitConverter.SingleToInt32Bits(ExpectedFloat((float)value, d)), BitConverter.SingleToInt32Bits(ColumnValues.Quantize((float)value, d)));
            }

            Assert.Equal(i % 5 == 0 ? null : ExpectedDouble(value, 3), back[i].NullableD3);
            Assert.Equal(i % 7 == 0 ? null : ExpectedFloat((float)value, 2), back[i].NullableF2);
        }
    }

    [Fact]
    public void Quantized_decimals_stay_small_integers_for_the_decimal_coder()
    {
        // Each quantized value is the double its decimal text parses to, so pages of them stay decimal pages.
        var random = new Random(12);
        var rows = new MetricSample[10_000];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new MetricSample { Node = "n", Memory = random.NextDouble() * 16_000 };
        }

        var block = MetricSample.Codec.Encode(rows);

        // 16,000.00 takes 21 bits; a page of exceptions would cost over 64 bits a value.
        Assert.True(block.Length < rows.Length * 24 / 8, $"block is {block.Length} bytes for {rows.Length} rows");
    }

    private static double ExpectedDouble(double value, int decimals) => Math.Round(value, decimals, MidpointRounding.ToEven);

    // MathF.Round takes at most 6 decimals; beyond, a float is rounded as a double and converted back.
    private static float ExpectedFloat(float value, int decimals) =>
        decimals <= 6 ? MathF.Round(value, decimals, MidpointRounding.ToEven) : (float)Math.Round(value, decimals, MidpointRounding.ToEven);

    private static void AssertSame(double expected, double actual, double value, int decimals)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
        {
            Assert.Fail($"[Quantize({decimals})] of {value:R}: {actual:R}, expected {expected:R}");
        }
    }

    private static void AssertSame(float expected, float actual, double value, int decimals)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
        {
            Assert.Fail($"[Quantize({decimals})] of (float){value:R}: {actual:R}, expected {expected:R}");
        }
    }

    private static double Value(Random random, int i) => (i % 5) switch
    {
        _ when i < Specials.Length => Specials[i],
        0 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 21)), // wide exponents, both signs
        1 => (random.Next(2) == 0 ? -1 : 1) * (Math.Round(random.NextDouble() * 10_000, random.Next(0, 15)) + (5 * Math.Pow(10, -random.Next(1, 17)))), // midpoints: x.xx5
        2 => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)), // any bits
        _ => (random.NextDouble() - 0.5) * 20_000,
    };
}
