using Hotpath.Tests.Shared;
using Hotpath.Batching;

namespace Hotpath.Tests.Batching;

public sealed class BatchReducerTests
{
    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0];
    private static readonly string[] Zones = ["eu-1", "eu-2", "us-1"];

    /// <summary>
    /// Random rows. Values are multiples of 0.25 (plus rare NaN/±∞/±0), so floating sums are exact in any order and
    /// partitioned reductions can be compared bit for bit. Timestamps are distinct (a shuffled range), so First/Last
    /// never tie.
    /// </summary>
    private static NodeMetric[] RandomRows(int seed, int count, int nodes, bool specials = true, long timeOrigin = -300_000)
    {
        var random = new Random(seed);
        var times = Enumerable.Range(0, count).Select(i => timeOrigin + (i * 37L)).OrderBy(_ => random.Next()).ToArray();
        var rows = new NodeMetric[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = new NodeMetric
            {
                NodeId = "node-" + random.Next(nodes),
                UnixMs = times[i],
                Cpu = specials && random.Next(50) == 0 ? Specials[random.Next(Specials.Length)] : random.Next(-400, 400) * 0.25,
                Memory = random.Next(0, 4000) * 0.25,
                Phase = (PodPhase)random.Next(4),
                Restarts = random.Next(-1000, 1000),
                Zone = Zones[random.Next(Zones.Length)],
            };
        }

        return rows;
    }

    private static NodeMinute[] Reduce(ReadOnlySpan<NodeMetric> rows)
    {
        var reducer = new NodeMinute.Reducer();
        reducer.Add(rows);
        return Sorted(reducer.ToArray());
    }

    private static NodeMinute[] Sorted(IEnumerable<NodeMinute> partials) =>
        partials.OrderBy(static p => p.NodeId, StringComparer.Ordinal).ThenBy(static p => p.WindowStartMs).ToArray();

    /// <summary>
    /// The rows with one instance per key string value (NodeId and Zone), as a service's own node and zone names are;
    /// <see cref="RandomRows"/> makes a new string a row.
    /// </summary>
    private static NodeMetric[] WithSharedKeyStrings(NodeMetric[] rows)
    {
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        string Share(string value)
        {
            if (!canonical.TryGetValue(value, out var shared))
            {
                canonical.Add(value, shared = value);
            }

            return shared;
        }

        var result = rows.ToArray();
        for (var i = 0; i < result.Length; i++)
        {
            result[i].NodeId = Share(result[i].NodeId);
            result[i].Zone = Share(result[i].Zone);
        }

        return result;
    }

    private static long Floor(long time, long size) => (long)Math.Floor(time / (double)size) * size;

    [Theory]
    [InlineData(1, 2_000, 16)]
    [InlineData(2, 5_000, 300)]
    [InlineData(3, 500, 1)]
    public void NodeMinute_matches_a_LINQ_reference(int seed, int count, int nodes)
    {
        var rows = RandomRows(seed, count, nodes);
        var expected = rows
            .GroupBy(static r => (r.NodeId, Window: Floor(r.UnixMs, 60_000)))
            .OrderBy(static g => g.Key.NodeId, StringComparer.Ordinal).ThenBy(static g => g.Key.Window)
            .ToArray();
        var actual = Reduce(rows);

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var g = expected[i];
            var p = actual[i];
            Assert.Equal(g.Key.NodeId, p.NodeId);
            Assert.Equal(g.Key.Window, p.WindowStartMs);
            Assert.Equal(g.LongCount(), p.Samples);
            Assert.Equal(g.Select(static r => r.Cpu).Aggregate(0.0, static (a, b) => a + b), p.CpuSum);
            Assert.Equal(g.Select(static r => r.Cpu).Min(), p.CpuMin); // LINQ: any NaN makes Min NaN
            Assert.Equal(g.Select(static r => r.Cpu).Max(), p.CpuMax); // LINQ: Max ignores NaN unless all are
            Assert.Equal(g.Select(static r => r.Memory).Average(), p.MemoryMean, 9);
            Assert.Equal(g.MaxBy(static r => r.UnixMs).Phase, p.Phase);
        }
    }

    [Fact]
    public void Keys_of_every_hash_shape_group_like_LINQ()
    {
        // String + enum + window (two non-string members hashed into the string's seed) and int + window (no
        // string: one hash per member); Restarts is narrowed so that groups repeat.
        var rows = RandomRows(21, 20_000, 30, specials: false);
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].Restarts %= 20;
        }

        var a = new ZonePhaseWindow.Reducer();
        a.Add(rows);
        var expectedA = rows.GroupBy(static r => (r.Zone, r.Phase, Start: ReducerMath.WindowStart(r.UnixMs, 10_000)))
            .ToDictionary(static g => g.Key, static g => (Rows: g.LongCount(), Min: g.Min(static r => r.Cpu)));
        var actualA = a.ToArray();
        Assert.Equal(expectedA.Count, actualA.Length);
        foreach (var p in actualA)
        {
            Assert.Equal(expectedA[(p.Zone, p.Phase, p.Start)], (p.Rows, p.CpuMin));
        }

        var b = new RestartsWindow.Reducer();
        b.Add(rows);
        var expectedB = rows.GroupBy(static r => (r.Restarts, Start: ReducerMath.WindowStart(r.UnixMs, 10_000)))
            .ToDictionary(static g => g.Key, static g => (Rows: g.LongCount(), Max: g.Max(static r => r.Cpu)));
        var actualB = b.ToArray();
        Assert.Equal(expectedB.Count, actualB.Length);
        foreach (var p in actualB)
        {
            Assert.Equal(expectedB[(p.Restarts, p.Start)], (p.Rows, p.CpuMax));
        }
    }

    [Fact]
    public void Min_and_Max_follow_the_documented_NaN_and_signed_zero_rules()
    {
        var reducer = new NodeMinute.Reducer();
        void Add(string node, double cpu) => reducer.Add(new NodeMetric { NodeId = node, UnixMs = 1, Cpu = cpu });

        Add("nan-first", double.NaN);
        Add("nan-first", 1);
        Add("nan-last", 1);
        Add("nan-last", double.NaN);
        Add("all-nan", double.NaN);
        Add("all-nan", double.NaN);
        Add("zeros", 0.0);
        Add("zeros", -0.0);
        Add("zeros-reversed", -0.0);
        Add("zeros-reversed", 0.0);
        Add("nan-between", 2);
        Add("nan-between", double.NaN);
        Add("nan-between", 1);
        Add("nan-between", 3);
        Add("inf", double.PositiveInfinity);
        Add("inf", double.NegativeInfinity);

        var byNode = reducer.ToArray().ToDictionary(static p => p.NodeId);
        Assert.True(double.IsNaN(byNode["nan-first"].CpuMin));
        Assert.Equal(1, byNode["nan-first"].CpuMax);
        Assert.True(double.IsNaN(byNode["nan-last"].CpuMin));
        Assert.Equal(1, byNode["nan-last"].CpuMax);
        Assert.True(double.IsNaN(byNode["all-nan"].CpuMin));
        Assert.True(double.IsNaN(byNode["all-nan"].CpuMax));
        Assert.True(double.IsNegative(byNode["zeros"].CpuMin));   // -0.0 is the smaller zero
        Assert.False(double.IsNegative(byNode["zeros"].CpuMax));  // +0.0 the larger, whatever the order
        Assert.True(double.IsNegative(byNode["zeros-reversed"].CpuMin));
        Assert.False(double.IsNegative(byNode["zeros-reversed"].CpuMax));
        Assert.True(double.IsNaN(byNode["nan-between"].CpuMin)); // later, larger or smaller values do not clear it
        Assert.Equal(3, byNode["nan-between"].CpuMax);
        Assert.Equal(double.NegativeInfinity, byNode["inf"].CpuMin);
        Assert.Equal(double.PositiveInfinity, byNode["inf"].CpuMax);
        Assert.True(double.IsNaN(byNode["inf"].CpuSum));
    }

    [Theory]
    [InlineData(11, 2)]
    [InlineData(12, 8)]
    [InlineData(13, 1)]
    public void Partials_of_random_partitions_combine_to_the_same_answer_in_any_order(int seed, int pieces)
    {
        var rows = RandomRows(seed, 4_000, 40);
        var expected = Reduce(rows);
        var random = new Random(seed);

        // Random partition: every row goes to a random piece (keeping order inside a piece).
        var parts = Enumerable.Range(0, pieces).Select(static _ => new List<NodeMetric>()).ToArray();
        foreach (var row in rows)
        {
            parts[random.Next(pieces)].Add(row);
        }

        var partials = parts.Select(static p => Reduce(p.ToArray())).ToArray();

        // 1. Merge into one reducer, pieces in a random order.
        var merged = new NodeMinute.Reducer();
        foreach (var piece in partials.OrderBy(_ => random.Next()))
        {
            foreach (var partial in piece.OrderBy(_ => random.Next()))
            {
                merged.Merge(partial);
            }
        }

        AssertSame(expected, Sorted(merged.ToArray()));

        // 2. Combine pairwise, in a random order (associativity and commutativity together).
        var combined = partials.SelectMany(static p => p).OrderBy(_ => random.Next())
            .GroupBy(static p => (p.NodeId, p.WindowStartMs))
            .Select(static g => g.Aggregate(static (a, b) => NodeMinute.Combine(a, b)));
        AssertSame(expected, Sorted(combined));

        // 3. Tree-shaped: combine the right fold and the left fold; both must agree.
        var right = partials.SelectMany(static p => p).Reverse()
            .GroupBy(static p => (p.NodeId, p.WindowStartMs))
            .Select(static g => g.Aggregate(static (a, b) => NodeMinute.Combine(b, a)));
        AssertSame(expected, Sorted(right));
    }

    private static void AssertSame(NodeMinute[] expected, NodeMinute[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal((e.NodeId, e.WindowStartMs, e.Samples, e.Phase), (a.NodeId, a.WindowStartMs, a.Samples, a.Phase));
            Assert.Equal(e.CpuSum, a.CpuSum);
            Assert.Equal(e.CpuMin, a.CpuMin);
            Assert.Equal(e.CpuMax, a.CpuMax);
            Assert.Equal(double.IsNegative(e.CpuMin), double.IsNegative(a.CpuMin)); // -0.0 vs +0.0 too, for non-NaN values
            Assert.Equal(double.IsNegative(e.CpuMax), double.IsNegative(a.CpuMax) || double.IsNaN(a.CpuMax) && double.IsNegative(e.CpuMax));
            Assert.Equal(e.MemoryMean, a.MemoryMean); // exact: the mean carries its sum and count
        }
    }

    [Fact]
    public void Mean_is_exact_across_Combine_not_a_mean_of_means()
    {
        var a = new NodeMinute.Reducer();
        var b = new NodeMinute.Reducer();
        a.Add(new NodeMetric { NodeId = "n", UnixMs = 0, Memory = 10 });
        b.Add(new NodeMetric { NodeId = "n", UnixMs = 1, Memory = 20 });
        b.Add(new NodeMetric { NodeId = "n", UnixMs = 2, Memory = 30 });
        b.Add(new NodeMetric { NodeId = "n", UnixMs = 3, Memory = 40 });

        var combined = NodeMinute.Combine(a.ToArray()[0], b.ToArray()[0]);
        Assert.Equal(25.0, combined.MemoryMean); // (10+20+30+40)/4, not (10+30)/2
        Assert.Equal(4, combined.Samples);

        // And again through a further Combine: the hidden sum and count travel with the partial.
        var c = new NodeMinute.Reducer();
        c.Add(new NodeMetric { NodeId = "n", UnixMs = 4, Memory = 125 });
        Assert.Equal(45.0, NodeMinute.Combine(combined, c.ToArray()[0]).MemoryMean);
    }

    [Fact]
    public void Composite_keys_match_a_LINQ_reference_and_integer_sums_widen()
    {
        var rows = RandomRows(21, 3_000, 12, specials: false);
        rows[5].Restarts = int.MaxValue;
        rows[6] = rows[5] with { UnixMs = rows[5].UnixMs + 1 };   // same group: an int sum would overflow, a long one does not
        var reducer = new ZoneNodeTotals.Reducer();
        reducer.Add(rows);
        var actual = reducer.ToArray().ToDictionary(static p => (p.Zone, p.NodeId));
        var expected = rows.GroupBy(static r => (r.Zone, r.NodeId)).ToArray();

        Assert.Equal(expected.Length, actual.Count);
        foreach (var g in expected)
        {
            var p = actual[g.Key];
            Assert.Equal(g.Count(), p.Rows);
            Assert.Equal(g.Sum(static r => (long)r.Restarts), p.Restarts);
            Assert.Equal(g.Min(static r => r.Restarts), p.RestartsMin);
            Assert.Equal(g.Max(static r => r.Phase), p.WorstPhase);
            Assert.Equal(g.First().Cpu, p.FirstCpu); // no window: input order
            Assert.Equal(g.Last().Cpu, p.LastCpu);
            Assert.Equal(g.Key.NodeId, p.MinNode);
        }
    }

    [Fact]
    public void Without_a_window_First_and_Last_follow_argument_order_in_Combine()
    {
        var rows = RandomRows(31, 1_000, 5, specials: false);
        var whole = new ZoneNodeTotals.Reducer();
        whole.Add(rows);

        // Contiguous pieces combined left to right reproduce input order.
        var left = new ZoneNodeTotals.Reducer();
        var right = new ZoneNodeTotals.Reducer();
        left.Add(rows.AsSpan(0, 400));
        right.Add(rows.AsSpan(400));
        var merged = new ZoneNodeTotals.Reducer();
        foreach (var p in left.ToArray())
        {
            merged.Merge(p);
        }

        foreach (var p in right.ToArray())
        {
            merged.Merge(p);
        }

        var expected = whole.ToArray().ToDictionary(static p => (p.Zone, p.NodeId));
        foreach (var p in merged.ToArray())
        {
            var e = expected[(p.Zone, p.NodeId)];
            Assert.Equal((e.Rows, e.Restarts, e.RestartsMin, e.WorstPhase, e.FirstCpu, e.LastCpu), (p.Rows, p.Restarts, p.RestartsMin, p.WorstPhase, p.FirstCpu, p.LastCpu));
        }
    }

    [Theory]
    [InlineData(-10_001, -20_000)]
    [InlineData(-10_000, -10_000)]
    [InlineData(-9_999, -10_000)]
    [InlineData(-1, -10_000)]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(9_999, 0)]
    [InlineData(10_000, 10_000)]
    [InlineData(long.MaxValue, long.MaxValue - (long.MaxValue % 10_000))]
    public void Windows_floor_divide_including_negative_times(long time, long start)
    {
        Assert.Equal(start, ReducerMath.WindowStart(time, 10_000));
        var reducer = new ZoneWindow.Reducer();
        reducer.Add(new NodeMetric { Zone = "z", UnixMs = time, Restarts = 1 });
        Assert.Equal(start, Assert.Single(reducer.ToArray()).Start);
    }

    [Fact]
    public void Rows_on_each_side_of_a_window_boundary_land_in_different_windows()
    {
        var reducer = new ZoneWindow.Reducer();
        foreach (var t in new long[] { -1, 0, 9_999, 10_000, -10_000, -10_001 })
        {
            reducer.Add(new NodeMetric { Zone = "z", UnixMs = t, Restarts = 1 });
        }

        var windows = reducer.ToArray().OrderBy(static p => p.Start).Select(static p => (p.Start, p.Restarts)).ToArray();
        Assert.Equal(new[] { (-20_000L, 1), (-10_000L, 2), (0L, 2), (10_000L, 1) }, windows);
    }

    [Fact]
    public void With_a_window_First_and_Last_follow_timestamps_not_input_order()
    {
        var reducer = new ZoneWindow.Reducer();
        reducer.Add(new NodeMetric { Zone = "z", UnixMs = 5_000, Cpu = 5, Restarts = 1 });
        reducer.Add(new NodeMetric { Zone = "z", UnixMs = 1_000, Cpu = 1, Restarts = 2 });
        reducer.Add(new NodeMetric { Zone = "z", UnixMs = 9_000, Cpu = 9, Restarts = 4 });
        reducer.Add(new NodeMetric { Zone = "z", UnixMs = 3_000, Cpu = 3, Restarts = 8 });
        var p = Assert.Single(reducer.ToArray());
        Assert.Equal(1, p.FirstCpu);
        Assert.Equal(9, p.LastCpu);
        Assert.Equal(15, p.Restarts);
        Assert.Equal(3.75m, p.RestartsMean);

        // Combine agrees in either argument order.
        var early = new ZoneWindow.Reducer();
        early.Add(new NodeMetric { Zone = "z", UnixMs = 500, Cpu = 0.5 });
        var e = early.ToArray()[0];
        Assert.Equal(0.5, ZoneWindow.Combine(p, e).FirstCpu);
        Assert.Equal(0.5, ZoneWindow.Combine(e, p).FirstCpu);
        Assert.Equal(9, ZoneWindow.Combine(e, p).LastCpu);
        Assert.Equal(9, ZoneWindow.Combine(p, e).LastCpu);
    }

    [Theory]
    [InlineData(31, 2_000, true)]
    [InlineData(32, 5_000, false)]
    public void With_a_window_First_and_Last_match_a_LINQ_reference_on_random_rows(int seed, int count, bool tiedTimes)
    {
        // Rows out of time order; with tiedTimes many rows share a timestamp, so the input-order tie rule is exercised.
        var random = new Random(seed);
        var zones = new[] { "a", "b", "c", "d", "e" };
        var distinct = Enumerable.Range(0, count).Select(static i => (long)i * 37).OrderBy(_ => random.Next()).ToArray();
        var rows = new NodeMetric[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = new NodeMetric
            {
                Zone = zones[random.Next(zones.Length)],
                UnixMs = tiedTimes ? random.Next(0, 300) * 100L - 10_000 : distinct[i] - 10_000,
                Cpu = random.NextDouble(),
                Restarts = random.Next(5),
            };
        }

        var expected = rows
            .Select(static (row, index) => (row, index))
            .GroupBy(static x => (x.row.Zone, Start: ReducerMath.WindowStart(x.row.UnixMs, 10_000)))
            .ToDictionary(
                static g => g.Key,
                static g => (
                    First: g.OrderBy(static x => x.row.UnixMs).ThenBy(static x => x.index).First().row.Cpu,
                    Last: g.OrderBy(static x => x.row.UnixMs).ThenBy(static x => x.index).Last().row.Cpu,
                    Restarts: g.Sum(static x => x.row.Restarts)));

        var reducer = new ZoneWindow.Reducer();
        reducer.Add(rows);
        var actual = reducer.ToArray();
        Assert.Equal(expected.Count, actual.Length);
        foreach (var p in actual)
        {
            var e = expected[(p.Zone, p.Start)];
            Assert.Equal(e, (p.FirstCpu, p.LastCpu, p.Restarts));
        }

        if (tiedTimes)
        {
            return; // with ties, partials are combined in argument order: only distinct times are order-free
        }

        // Distinct times: any partition, merged in any order, gives the same First and Last.
        var parts = Enumerable.Range(0, 8).Select(static _ => new ZoneWindow.Reducer()).ToArray();
        foreach (var row in rows)
        {
            parts[random.Next(parts.Length)].Add(row);
        }

        var merged = new ZoneWindow.Reducer();
        foreach (var partial in parts.SelectMany(static r => r.ToArray()).OrderBy(_ => random.Next()))
        {
            merged.Merge(partial);
        }

        var byGroup = merged.ToArray().ToDictionary(static p => (p.Zone, p.Start));
        foreach (var (key, e) in expected)
        {
            Assert.Equal(e, (byGroup[key].FirstCpu, byGroup[key].LastCpu, byGroup[key].Restarts));
        }
    }

    [Fact]
    public void Integer_sums_are_checked()
    {
        var reducer = new ZoneWindow.Reducer();
        reducer.Add(new NodeMetric { Zone = "z", UnixMs = 0, Restarts = int.MaxValue });
        Assert.Throws<OverflowException>(() => reducer.Add(new NodeMetric { Zone = "z", UnixMs = 1, Restarts = 1 }));
    }

    [Fact]
    public void A_time_whose_window_starts_below_long_MinValue_throws_and_leaves_the_reducer_as_it_was()
    {
        var reducer = new ZoneWindow.Reducer();
        reducer.Add(new NodeMetric { Zone = "z", UnixMs = 5, Restarts = 1 });
        Assert.Throws<OverflowException>(() => reducer.Add(new NodeMetric { Zone = "z", UnixMs = long.MinValue + 5, Restarts = 1 }));

        // The earliest window that starts at or above long.MinValue still works; the failed row left nothing behind.
        reducer.Add(new NodeMetric { Zone = "z", UnixMs = long.MinValue - (long.MinValue % 10_000), Restarts = 2 });
        var partials = reducer.ToArray().OrderBy(static p => p.Start).ToArray();
        Assert.Equal(2, partials.Length);
        Assert.True(partials[0].Start < 0);
        Assert.Equal(2, partials[0].Restarts);
        Assert.Equal((0L, 1), (partials[1].Start, partials[1].Restarts));
    }

    [Fact]
    public void No_group_key_means_one_group()
    {
        var reducer = new Totals.Reducer();
        reducer.Add(RandomRows(41, 777, 10, specials: false));
        var total = Assert.Single(reducer.ToArray());
        Assert.Equal(777, total.Rows);
    }

    [Fact]
    public void Combine_rejects_partials_of_different_groups()
    {
        var reducer = new NodeMinute.Reducer();
        reducer.Add(new NodeMetric { NodeId = "a", UnixMs = 0 });
        reducer.Add(new NodeMetric { NodeId = "b", UnixMs = 0 });
        reducer.Add(new NodeMetric { NodeId = "a", UnixMs = 60_000 });
        var p = reducer.ToArray();
        Assert.Throws<ArgumentException>(() => NodeMinute.Combine(p[0], p[1]));
        Assert.Throws<ArgumentException>(() => NodeMinute.Combine(p[0], p[2]));
    }

    [Fact]
    public void Grows_to_many_groups_and_Clear_keeps_working()
    {
        var reducer = new NodeMinute.Reducer(0);
        var rows = Enumerable.Range(0, 100_000).Select(static i => new NodeMetric { NodeId = "n" + (i % 50_000), UnixMs = i / 50_000 * 60_000, Cpu = 1 }).ToArray();
        reducer.Add(rows);
        Assert.Equal(100_000, reducer.Count);
        var buffer = new NodeMinute[reducer.Count];
        Assert.Equal(100_000, reducer.CopyTo(buffer));
        Assert.All(buffer, static p => Assert.Equal(1, p.Samples));
        Assert.Throws<ArgumentException>(() => reducer.CopyTo(new NodeMinute[10]));

        reducer.Clear();
        Assert.Equal(0, reducer.Count);
        Assert.Empty(reducer.ToArray());
        reducer.Add(rows.AsSpan(0, 10));
        Assert.Equal(10, reducer.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeMinute.Reducer(-1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Large_tables_prefetch_and_agree_with_the_small_table_path(bool sharedKeyInstances)
    {
        // Tables of 32,768 slots or more (8,192+ entries) add spans in prefetched blocks of 16 rows. Keys are fresh
        // string instances per row (ordinal comparison on the slow path) or shared ones (the reference fast path).
        var rows = RandomRows(81, 40_003, 6_000);
        if (sharedKeyInstances)
        {
            rows = WithSharedKeyStrings(rows);
        }

        var expected = Reduce(rows); // one span into a fresh table: the small-table path throughout
        Assert.True(expected.Length > 20_000, $"{expected.Length} groups");

        var presized = new NodeMinute.Reducer(10_000); // 16,384 entries: prefetching from the first row, growing midway
        presized.Add(rows.AsSpan(0, 17));
        presized.Add(rows.AsSpan(17));
        AssertSame(expected, Sorted(presized.ToArray()));

        var grown = new NodeMinute.Reducer();
        grown.Add(rows.AsSpan(0, 20_000));
        grown.Add(rows.AsSpan(20_000)); // the table has grown past the threshold: this span is prefetched
        AssertSame(expected, Sorted(grown.ToArray()));

        var single = new NodeMinute.Reducer(10_000);
        foreach (ref readonly var row in rows.AsSpan())
        {
            single.Add(in row);
        }

        AssertSame(expected, Sorted(single.ToArray()));
    }

    [Fact]
    public void Equal_keys_in_different_string_instances_share_a_group()
    {
        var reducer = new NodeMinute.Reducer();
        for (var i = 0; i < 1000; i++)
        {
            var id = new string("node-" + (i % 3)); // a fresh instance each time
            reducer.Add(new NodeMetric { NodeId = id, UnixMs = 5, Cpu = 1 });
            reducer.Add(new NodeMetric { NodeId = i % 2 == 0 ? "node-0" : "node-1", UnixMs = 5, Cpu = 1 });
        }

        var partials = Sorted(reducer.ToArray());
        Assert.Equal(["node-0", "node-1", "node-2"], partials.Select(static p => p.NodeId));
        Assert.Equal([334 + 500, 333 + 500, 333], partials.Select(static p => p.Samples));
    }

    [Theory]
    [InlineData("shared")]
    [InlineData("fresh")]
    [InlineData("fresh, then shared")]
    [InlineData("shared, then fresh")]
    public void Key_strings_hash_alike_through_the_memo_whichever_instances_the_rows_carry(string instances)
    {
        // Spans hash key strings through a memo by object while it pays, and directly once the strings turn out to be
        // new objects a row (until Clear); one row at a time always hashes directly. Whichever path a row took, equal
        // keys must meet in one group: one string key with a window (NodeMinute), two string keys (ZoneNodeTotals).
        var fresh = RandomRows(61, 30_000, 300, specials: false);
        var shared = WithSharedKeyStrings(fresh);
        NodeMetric[] rows = instances switch
        {
            "shared" => shared,
            "fresh" => fresh,
            "fresh, then shared" => [.. fresh[..15_000], .. shared[15_000..]],
            _ => [.. shared[..15_000], .. fresh[15_000..]],
        };

        var oneByOne = new NodeMinute.Reducer();
        var totalsOneByOne = new ZoneNodeTotals.Reducer();
        foreach (ref readonly var row in rows.AsSpan())
        {
            oneByOne.Add(in row);
            totalsOneByOne.Add(in row);
        }

        var expected = Sorted(oneByOne.ToArray());
        var expectedTotals = totalsOneByOne.ToArray().Select(static t => (t.Zone, t.NodeId, t.Rows, t.Restarts)).Order().ToArray();
        Assert.Equal(rows.GroupBy(static r => (r.NodeId, Floor(r.UnixMs, 60_000))).Count(), expected.Length);
        Assert.Equal(rows.GroupBy(static r => (r.Zone, r.NodeId)).Count(), expectedTotals.Length);

        foreach (var span in new[] { rows.Length, 5_000, 1_000, 100 })
        {
            var reducer = new NodeMinute.Reducer();
            var totals = new ZoneNodeTotals.Reducer();
            for (var round = 0; round < 2; round++) // the second round after Clear: the memos start afresh
            {
                reducer.Clear();
                totals.Clear();
                for (var start = 0; start < rows.Length; start += span)
                {
                    var slice = rows.AsSpan(start, Math.Min(span, rows.Length - start));
                    reducer.Add(slice);
                    totals.Add(slice);
                }

                AssertSame(expected, Sorted(reducer.ToArray()));
                Assert.Equal(expectedTotals, totals.ToArray().Select(static t => (t.Zone, t.NodeId, t.Rows, t.Restarts)).Order().ToArray());
            }
        }
    }

    [Fact]
    public void Merge_finds_the_groups_that_Add_hashed_through_the_memo()
    {
        // Add takes each key string's hash from the memo, Merge computes it: both must reach the same slot.
        var rows = WithSharedKeyStrings(RandomRows(62, 20_000, 200, specials: false));
        var reducer = new NodeMinute.Reducer();
        reducer.Add(rows);
        var partials = Sorted(reducer.ToArray());
        foreach (var partial in partials)
        {
            reducer.Merge(in partial);
        }

        Assert.Equal(partials.Length, reducer.Count);
        Assert.Equal(partials.Select(static p => p.Samples * 2), Sorted(reducer.ToArray()).Select(static p => p.Samples));
    }

    [Fact]
    public void Clear_lets_go_of_the_key_strings()
    {
        // The reducer holds its key strings in its partials and in the memos of their hashes; Clear drops both.
        var reducer = new NodeMinute.Reducer();
        var keys = AddRowsWithKeysOnlyTheReducerHolds(reducer);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.All(keys, static k => Assert.True(k.IsAlive)); // held by the reducer: the check below can fail

        reducer.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.All(keys, static k => Assert.False(k.IsAlive));
        GC.KeepAlive(reducer);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference[] AddRowsWithKeysOnlyTheReducerHolds(NodeMinute.Reducer reducer)
    {
        var names = Enumerable.Range(0, 50).Select(static i => new string('n', 1) + i).ToArray();
        var rows = Enumerable.Range(0, 10_000).Select(i => new NodeMetric { NodeId = names[i % 50], UnixMs = 0, Cpu = 1 }).ToArray();
        reducer.Add(rows); // one span: through the memo
        return names.Select(static n => new WeakReference(n)).ToArray();
    }

    [Fact]
    public void Large_table_Add_allocates_nothing_in_steady_state()
    {
        var rows = RandomRows(91, 20_000, 5_000);
        var reducer = new NodeMinute.Reducer();
        reducer.Add(rows); // grows past 8,192 entries: later spans take the prefetching path
        Assert.True(reducer.Count > 8_192, $"{reducer.Count} groups");
        reducer.Clear();
        reducer.Add(rows);
        reducer.Clear();

        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var round = 0; round < 5; round++)
            {
                reducer.Add(rows);
                reducer.Clear();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });
    }

    [Fact]
    public void Add_allocates_nothing_in_steady_state()
    {
        var rows = RandomRows(51, 10_000, 1_000);
        var reducer = new NodeMinute.Reducer();
        reducer.Add(rows); // grows the table to fit
        reducer.Clear();
        reducer.Add(rows);
        reducer.Clear();

        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var round = 0; round < 20; round++)
            {
                reducer.Add(rows);
                foreach (ref readonly var row in rows.AsSpan())
                {
                    reducer.Add(in row);
                }

                reducer.Clear();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });
    }

    [Fact]
    public async Task ReducingBatchHandler_feeds_engine_batches_through_the_reducer()
    {
        var rows = RandomRows(61, 6_000, 20, specials: false);
        var final = new NodeMinute.Reducer();
        var calls = 0;
        var engine = ReducingBatchHandler<NodeMetric, NodeMinute>.CreateEngine(
            new BatchEngineOptions { MaxBatchSize = 256, Capacity = 1024, MaxConcurrentBatches = 3, MaxDelay = TimeSpan.FromMilliseconds(5) },
            static () => new NodeMinute.Reducer(),
            (partials, _) =>
            {
                Assert.False(partials.IsEmpty);
                lock (final)
                {
                    calls++;
                    foreach (var p in partials.Span)
                    {
                        final.Merge(p);
                    }
                }

                return default;
            });

        foreach (var row in rows)
        {
            await engine.PostAsync(row);
        }

        await engine.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(calls >= rows.Length / 256);
        AssertSame(Reduce(rows), Sorted(final.ToArray()));
    }

    [Fact]
    public async Task ReducingBatchHandler_retries_reduce_from_scratch_so_nothing_counts_twice()
    {
        var rows = RandomRows(71, 2_000, 8, specials: false);
        var final = new NodeMinute.Reducer();
        var failed = 0;
        var engine = ReducingBatchHandler<NodeMetric, NodeMinute>.CreateEngine(
            new BatchEngineOptions { MaxBatchSize = 100, Capacity = 400, MaxRetries = 2, RetryBaseDelay = TimeSpan.Zero, RetryMaxDelay = TimeSpan.FromMilliseconds(1) },
            static () => new NodeMinute.Reducer(),
            (partials, _) =>
            {
                // Every other call fails before merging anything: the engine retries the batch.
                if (Interlocked.Increment(ref failed) % 2 == 1)
                {
                    throw new InvalidOperationException("flaky sink");
                }

                foreach (var p in partials.Span)
                {
                    final.Merge(p);
                }

                return default;
            });

        foreach (var row in rows)
        {
            await engine.PostAsync(row);
        }

        await engine.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, engine.DeadLetteredCount);
        Assert.True(engine.RetryCount > 0);
        AssertSame(Reduce(rows), Sorted(final.ToArray()));
    }
}
