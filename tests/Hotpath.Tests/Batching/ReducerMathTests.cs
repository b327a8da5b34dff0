using Hotpath.Batching;
using Hotpath.Caching;

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

    [Theory]
    [InlineData(1L)]
    [InlineData(1_000L)]
    [InlineData(60_000L)]
    public void WindowStart_is_floor_division_at_and_around_every_boundary(long size)
    {
        for (var k = -3L; k <= 3; k++)
        {
            Assert.Equal(k * size, ReducerMath.WindowStart(k * size, size));
            Assert.Equal((k - 1) * size, ReducerMath.WindowStart((k * size) - 1, size));
            Assert.Equal(size == 1 ? (k + 1) * size : k * size, ReducerMath.WindowStart((k * size) + 1, size));
        }
    }

    [Theory]
    [InlineData(long.MinValue, 1_000L)]
    [InlineData(long.MinValue + 5, 1_000L)]
    [InlineData(long.MinValue + 5, 60_000L)]
    [InlineData(long.MinValue, long.MaxValue)]
    public void WindowStart_throws_when_the_window_would_start_below_long_MinValue(long time, long size)
    {
        // floor(time / size) * size is below long.MinValue here: it wrapped to a large positive start before.
        var error = Assert.Throws<OverflowException>(() => ReducerMath.WindowStart(time, size));
        Assert.Contains(time.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(long.MinValue, 1L)]
    [InlineData(long.MinValue, 2L)]
    [InlineData(long.MinValue + 1, 1L)]
    [InlineData(long.MaxValue, 1_000L)]
    [InlineData(long.MaxValue, long.MaxValue)]
    [InlineData(-1L, long.MaxValue)]
    [InlineData(long.MinValue + 1, long.MaxValue)]
    public void WindowStart_is_exact_at_the_ends_of_long_where_the_start_is_representable(long time, long size)
    {
        var start = ReducerMath.WindowStart(time, size);
        System.Numerics.BigInteger exact = time;
        exact -= ((exact % size) + size) % size; // floor to a multiple of size, without overflow
        Assert.Equal(exact, (System.Numerics.BigInteger)start);
    }

    [Fact]
    public void Mix_spreads_multiples_of_a_window_over_the_low_bits()
    {
        // Window starts are multiples of 60,000 (low 5 bits zero): the table's mask must still see varied slots.
        var slots = Enumerable.Range(0, 1024).Select(static i => ReducerMath.Mix((i * 60_000L).GetHashCode()) & 1023).Distinct().Count();
        Assert.True(slots > 550, $"only {slots} of 1024 slots used");
    }

    [Fact]
    public void HashInt64_spreads_multiples_of_a_window_over_the_low_bits_for_every_seed()
    {
        // 1,024 keys into 1,024 slots fill about 647 (1 - 1/e) when the low bits are random. Before the hash had a
        // final avalanche, about one seed in ten left a few dozen slots in use for keys like these.
        var random = new Random(7);
        foreach (var step in new[] { 60_000L, 1L, 1L << 20, 1_000L })
        {
            for (var trial = 0; trial < 500; trial++)
            {
                var seed = (ulong)random.NextInt64(long.MinValue, long.MaxValue);
                var slots = Enumerable.Range(0, 1024).Select(i => (int)ReducerMath.HashInt64(i * step, seed) & 1023).Distinct().Count();
                Assert.True(slots > 580, $"seed {seed:x}, step {step}: only {slots} of 1024 slots used");
            }
        }
    }

    [Fact]
    public void HashString_spreads_typical_key_sets_over_the_low_bits_for_every_seed()
    {
        var sets = new[]
        {
            Enumerable.Range(0, 1024).Select(static i => "node-" + i).ToArray(),
            Enumerable.Range(0, 1024).Select(static i => "n" + i).ToArray(),
            Enumerable.Range(0, 1024).Select(static i => "kube-system/coredns-5d78c9869d-" + i.ToString("x5")).ToArray(),
            Enumerable.Range(0, 1024).Select(static i => "pod-" + i.ToString("D12")).ToArray(),
        };
        var random = new Random(8);
        foreach (var keys in sets)
        {
            for (var trial = 0; trial < 300; trial++)
            {
                var seed = (ulong)random.NextInt64(long.MinValue, long.MaxValue);
                var slots = keys.Select(k => (int)ReducerMath.HashString(k, seed) & 1023).Distinct().Count();
                Assert.True(slots > 580, $"seed {seed:x}, keys like {keys[1]}: only {slots} of 1024 slots used");
            }
        }
    }

    [Fact]
    public void A_string_fold_with_a_window_added_spreads_pairs_over_the_low_bits_for_every_seed()
    {
        // The generated hash of a (string, window) key, FinishHash(SeedWith(FoldString(node, seed), window)): 1,024
        // pairs (256 nodes × 4 windows, 32 × 32, 1 × 1,024) into 1,024 slots, as well spread as 1,024 random hashes
        // (about 647 slots) for every seed, none alike in 64 bits.
        var random = new Random(9);
        foreach (var (nodeCount, window) in new[] { (256, 60_000L), (256, 1L), (256, 3_600_000L), (32, 60_000L), (1, 60_000L), (1, 1L) })
        {
            var nodes = Enumerable.Range(0, nodeCount).Select(static i => "node-" + i).ToArray();
            var windows = 1024 / nodeCount;
            for (var trial = 0; trial < 200; trial++)
            {
                var seed = (ulong)random.NextInt64(long.MinValue, long.MaxValue);
                var start = random.NextInt64(-1L << 40, 1L << 40) / window * window;
                var hashes = nodes.SelectMany(_ => Enumerable.Range(0, windows), (n, w) => ReducerMath.FinishHash(ReducerMath.SeedWith(ReducerMath.FoldString(n, seed), start + (w * window)))).ToArray();
                Assert.Equal(hashes.Length, hashes.Distinct().Count());
                var slots = hashes.Select(static h => (int)h & 1023).Distinct().Count();
                Assert.True(slots > 580, $"seed {seed:x}, {nodeCount} nodes, window {window}: only {slots} of 1024 slots used");
            }
        }
    }

    [Fact]
    public void Two_string_folds_xored_spread_pairs_over_the_low_bits_for_every_seed()
    {
        // The generated hash of a (namespace, name) key: the two folds, each with its member's seed, xored and
        // finished. Names that repeat across namespaces (the same deployment in each) must not cancel out.
        var random = new Random(10);
        foreach (var (spaces, names) in new[] { (4, 256), (32, 32), (1024, 1) })
        {
            var pairs = Enumerable.Range(0, spaces).SelectMany(_ => Enumerable.Range(0, names), (s, n) => ("ns-" + s, "pod-" + n)).ToArray();
            for (var trial = 0; trial < 200; trial++)
            {
                var seed = (ulong)random.NextInt64(long.MinValue, long.MaxValue);
                var second = unchecked(seed + 0x9E3779B97F4A7C15UL); // the generator's seed of the second key member
                var hashes = pairs.Select(p => ReducerMath.FinishHash(ReducerMath.FoldString(p.Item1, seed) ^ ReducerMath.FoldString(p.Item2, second))).ToArray();
                Assert.Equal(hashes.Length, hashes.Distinct().Count());
                var slots = hashes.Select(static h => (int)h & 1023).Distinct().Count();
                Assert.True(slots > 580, $"seed {seed:x}, {spaces} × {names}: only {slots} of 1024 slots used");
            }
        }
    }

    [Fact]
    public void HashString_is_FoldString_finished_for_every_length_and_null()
    {
        var random = new Random(12);
        for (var length = 0; length <= 70; length++)
        {
            var value = new string(Enumerable.Range(0, length).Select(_ => (char)random.Next(0, 0x10000)).ToArray());
            var seed = (ulong)random.NextInt64(long.MinValue, long.MaxValue);
            Assert.Equal(ReducerMath.HashString(value, seed), ReducerMath.FinishHash(ReducerMath.FoldString(value, seed)));
        }

        Assert.Equal(ReducerMath.HashString(null, 7), ReducerMath.FinishHash(ReducerMath.FoldString(null, 7)));
        Assert.NotEqual(ReducerMath.FoldString("node-1", 7), ReducerMath.FoldString("node-1", 8));
    }

    [Fact]
    public void SlotsFor_keeps_small_tables_an_eighth_full_and_MemoFor_gives_four_memo_slots_an_entry()
    {
        Assert.Equal(32, ReducerMath.SlotsFor(4));
        Assert.Equal(16_384, ReducerMath.SlotsFor(2_048));
        Assert.Equal(16_384, ReducerMath.SlotsFor(4_096)); // a quarter from here: the same slots for twice the entries
        Assert.Equal(32_768, ReducerMath.SlotsFor(8_192)); // the prefetching path's threshold
        Assert.Equal(2 << 28, ReducerMath.SlotsFor(1 << 28));
        Assert.Equal(64, ReducerMath.MemoFor(4));
        Assert.Equal(4_096, ReducerMath.MemoFor(1_024));
        Assert.Equal(16_384, ReducerMath.MemoFor(4_096));
        Assert.Equal(64, ReducerMath.MemoFor(8_192)); // prefetched tables hash directly
    }

    [Fact]
    public void HashString_is_ordinal_equal_strings_of_every_length_hash_alike()
    {
        var random = new Random(11);
        var seed = ReducerMath.NewSeed();
        for (var length = 0; length <= 80; length++)
        {
            var chars = Enumerable.Range(0, length).Select(_ => (char)random.Next(0, 0x10000)).ToArray();
            var a = new string(chars);
            var b = new string(chars); // another instance, same code units
            Assert.True(length == 0 || !ReferenceEquals(a, b));
            Assert.Equal(ReducerMath.HashString(a, seed), ReducerMath.HashString(b, seed));
        }

        Assert.Equal(ReducerMath.HashString(null, seed), ReducerMath.HashString(null, seed));
        Assert.NotEqual(ReducerMath.HashString(null, seed), ReducerMath.HashString(string.Empty, seed));
    }

    [Fact]
    public void HashString_reads_every_code_unit_and_the_length()
    {
        // Every length class (0-3, 4-8, 9-16 and longer chars): changing any one char, or the length, changes the hash.
        var seed = ReducerMath.NewSeed();
        for (var length = 0; length <= 70; length++)
        {
            var chars = Enumerable.Range(0, length).Select(static i => (char)('a' + (i % 26))).ToArray();
            var hash = ReducerMath.HashString(new string(chars), seed);
            for (var position = 0; position < length; position++)
            {
                var changed = (char[])chars.Clone();
                changed[position] = 'Z';
                Assert.NotEqual(hash, ReducerMath.HashString(new string(changed), seed));
            }

            Assert.NotEqual(hash, ReducerMath.HashString(new string(chars) + "\0", seed)); // a trailing NUL is still longer
        }
    }

    [Fact]
    public void HashString_gives_strings_of_different_lengths_no_collision_that_holds_for_every_seed()
    {
        // With the length xored in as it is, "pod-123" (14 bytes) read the words "pod-" and "-123" ^ 14, and "pod-3123"
        // (16 bytes) "pod-" and "3123" ^ 16: the same words, so every 3-digit pod collided with its "3"-prefixed twin
        // whatever the seed (and "\u0006" with "\u0006\0"). Every prefix digit, every length class, several seeds.
        for (var round = 0; round < 4; round++)
        {
            var seed = ReducerMath.NewSeed();
            foreach (var prefix in new[] { "", "p", "pod-", "namespace-", "cluster-east/namespace-" })
            {
                for (var i = 0; i < 1000; i++)
                {
                    var shorter = prefix + i;
                    var hash = ReducerMath.HashString(shorter, seed);
                    for (var digit = 0; digit < 10; digit++)
                    {
                        Assert.NotEqual(hash, ReducerMath.HashString(prefix + digit + i, seed));
                    }
                }
            }

            Assert.NotEqual(ReducerMath.HashString("\u0006", seed), ReducerMath.HashString("\u0006\0", seed));
            Assert.NotEqual(CacheKeyHash.Of("pod-123"), CacheKeyHash.Of("pod-3123"));
        }
    }

    [Fact]
    public void HashString_has_no_collisions_on_typical_keys_and_depends_on_the_seed()
    {
        var seed = ReducerMath.NewSeed();
        var keys = Enumerable.Range(0, 200_000).Select(static i => "node-" + i).ToArray();
        Assert.Equal(keys.Length, keys.Select(k => ReducerMath.HashString(k, seed)).Distinct().Count());

        // The 32 bits a table stores spread evenly: 4,096 buckets of 200,000 keys hold 48.8 on average.
        var buckets = keys.GroupBy(k => (uint)ReducerMath.HashString(k, seed) & 4095).Select(static g => g.Count()).ToArray();
        Assert.Equal(4096, buckets.Length);
        Assert.True(buckets.Max() < 100, $"fullest bucket {buckets.Max()}");

        var other = seed ^ 0x5555_5555_5555_5555UL;
        Assert.True(keys.Take(1000).Count(k => ReducerMath.HashString(k, seed) == ReducerMath.HashString(k, other)) == 0);
        Assert.NotEqual(ReducerMath.NewSeed(), ReducerMath.NewSeed());
    }
}
