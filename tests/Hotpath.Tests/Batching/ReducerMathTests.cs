using Hotpath.Batching;

namespace Hotpath.Tests.Batching;

public sealed class ReducerMathTests
{
    private static readonly double[] Values = [double.NaN, double.NegativeInfinity, -1.5, -0.0, 0.0, 2.25, double.PositiveInfinity];

    [Fact]
    public void Min_and_Max_are_commutative_bit_for_bit_and_agree_with_LINQ()
    {
        foreach (var a in Values)
        {
            foreach (var b in Values)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(ReducerMath.Min(a, b)), BitConverter.DoubleToInt64Bits(ReducerMath.Min(b, a)));
                Assert.Equal(BitConverter.DoubleToInt64Bits(ReducerMath.Max(a, b)), BitConverter.DoubleToInt64Bits(ReducerMath.Max(b, a)));
                Assert.Equal(new[] { a, b }.Min(), ReducerMath.Min(a, b));
                Assert.Equal(new[] { a, b }.Max(), ReducerMath.Max(a, b));

                var fa = (float)a;
                var fb = (float)b;
                Assert.Equal(BitConverter.SingleToInt32Bits(ReducerMath.Min(fa, fb)), BitConverter.SingleToInt32Bits(ReducerMath.Min(fb, fa)));
                Assert.Equal(BitConverter.SingleToInt32Bits(ReducerMath.Max(fa, fb)), BitConverter.SingleToInt32Bits(ReducerMath.Max(fb, fa)));
                Assert.Equal(new[] { fa, fb }.Min(), ReducerMath.Min(fa, fb));
                Assert.Equal(new[] { fa, fb }.Max(), ReducerMath.Max(fa, fb));
            }
        }
    }

    [Fact]
    public void Min_and_Max_are_associative()
    {
        foreach (var a in Values)
        {
            foreach (var b in Values)
            {
                foreach (var c in Values)
                {
                    Assert.Equal(BitConverter.DoubleToInt64Bits(ReducerMath.Min(ReducerMath.Min(a, b), c)), BitConverter.DoubleToInt64Bits(ReducerMath.Min(a, ReducerMath.Min(b, c))));
                    Assert.Equal(BitConverter.DoubleToInt64Bits(ReducerMath.Max(ReducerMath.Max(a, b), c)), BitConverter.DoubleToInt64Bits(ReducerMath.Max(a, ReducerMath.Max(b, c))));
                }
            }
        }
    }

    [Fact]
    public void WindowStart_matches_floor_division_on_random_times()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var time = random.NextInt64(-10_000_000_000L, 10_000_000_000L);
            var size = random.Next(1, 3_600) * 1000L;
            var start = ReducerMath.WindowStart(time, size);
            Assert.Equal(0, start % size);
            Assert.InRange(time - start, 0, size - 1);
        }
    }

    [Fact]
    public void Mix_spreads_multiples_of_a_window_over_the_low_bits()
    {
        // Window starts are multiples of 60,000 (low 5 bits zero): the table's mask must still see varied slots.
        var slots = Enumerable.Range(0, 1024).Select(static i => ReducerMath.Mix((i * 60_000L).GetHashCode()) & 1023).Distinct().Count();
        Assert.True(slots > 550, $"only {slots} of 1024 slots used");
    }
}
