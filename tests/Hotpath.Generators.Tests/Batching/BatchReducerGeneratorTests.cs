using Hotpath.Generators.Batching;
using Hotpath.Generators.Shared;
using Hotpath.TestSources;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Tests.Batching;

public sealed class BatchReducerGeneratorTests
{
    internal const string Input = DesignExampleSources.BatchReducerInput;

    internal const string NodeMinute = DesignExampleSources.BatchReducerNodeMinute;

    private const string CompositeNoWindow = """
        using Hotpath;

        namespace Metrics
        {
            public static partial class Reports
            {
                [BatchReducer(typeof(NodeMetric))]
                internal partial struct ZonePods
                {
                    [GroupKey(nameof(NodeMetric.Zone))] public string Zone;
                    [GroupKey] public System.Guid Pod;
                    [Count] public int Rows;
                    [Sum(nameof(NodeMetric.Restarts))] public long Restarts;
                    [Max(nameof(NodeMetric.Phase))] public PodPhase Worst;
                    [Min(nameof(NodeMetric.NodeId))] public string FirstNode { get; set; }
                    [First(nameof(NodeMetric.Cpu))] public double FirstCpu;
                    [Last(nameof(NodeMetric.Cpu))] public double LastCpu;
                    [Mean(nameof(NodeMetric.Restarts))] public decimal RestartsMean;
                    public int NotAggregated;
                }
            }
        }
        """;

    [Fact]
    public void Generates_the_DESIGN_example()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, NodeMinute);
        AssertNoWarnings(run);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Generates_composite_keys_without_a_window_in_a_nested_type()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, CompositeNoWindow);
        AssertNoWarnings(run);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Generated_reducer_runs_in_a_compiled_assembly()
    {
        const string Program = """
            namespace Metrics
            {
                public static class Probe
                {
                    public static string Run()
                    {
                        var reducer = new NodeMinute.Reducer();
                        reducer.Add(new NodeMetric { NodeId = "a", UnixMs = -1, Cpu = 2, Memory = 1, Phase = PodPhase.Running });
                        reducer.Add(new NodeMetric { NodeId = "a", UnixMs = -2, Cpu = 4, Memory = 2, Phase = PodPhase.Failed });
                        reducer.Add(new NodeMetric { NodeId = "a", UnixMs = 0, Cpu = 8, Memory = 3 });
                        var parts = reducer.ToArray();
                        System.Array.Sort(parts, (x, y) => x.WindowStartMs.CompareTo(y.WindowStartMs));
                        var p = parts[0];
                        return string.Join(",", parts.Length, p.WindowStartMs, p.Samples, p.CpuSum, p.CpuMin, p.CpuMax, p.MemoryMean, p.Phase);
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, NodeMinute, Program);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        var result = (string)assembly.GetType("Metrics.Probe")!.GetMethod("Run")!.Invoke(null, null)!;
        Assert.Equal(FormattableString.Invariant($"2,-60000,2,6,2,4,{1.5},Running"), result);
    }

    [Fact]
    public void A_record_struct_reducer_reduces_and_its_equality_includes_the_hidden_state()
    {
        const string Program = """
            using Hotpath;

            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial record struct NodeCpu
                {
                    [GroupKey] public string NodeId;
                    [Count] public long Samples;
                    [Sum(nameof(NodeMetric.Cpu))] public double CpuSum;
                    [Mean(nameof(NodeMetric.Cpu))] public double CpuMean;
                }

                public static class RecordProbe
                {
                    public static string Run()
                    {
                        var reducer = new NodeCpu.Reducer();
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 2 });
                        reducer.Add(new NodeMetric { NodeId = "b", Cpu = 5 });
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 4 });
                        var parts = reducer.ToArray();
                        System.Array.Sort(parts, (x, y) => string.CompareOrdinal(x.NodeId, y.NodeId));
                        var a = parts[0];
                        var merged = NodeCpu.Combine(in a, in parts[0]);

                        // Same visible values, different hidden mean state (one row of 3 against two rows of 2 and 4):
                        // the compiler-made equality compares the hidden sum and count too.
                        var one = new NodeCpu.Reducer();
                        one.Add(new NodeMetric { NodeId = "a", Cpu = 3 });
                        var single = one.ToArray()[0];
                        var shown = single with { Samples = a.Samples, CpuSum = a.CpuSum };
                        return string.Join(",", parts.Length, a.NodeId, a.Samples, a.CpuSum, a.CpuMean, parts[1].CpuMean, merged.Samples, merged.CpuMean,
                            a == parts[0], shown.CpuMean == a.CpuMean, shown == a);
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, Program);
        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        var result = (string)assembly.GetType("Metrics.RecordProbe")!.GetMethod("Run")!.Invoke(null, null)!;
        Assert.Equal("2,a,2,6,3,5,4,3,True,True,False", result);
    }

    private const string Quotes = """
        using System;
        using System.Linq;
        using System.Numerics;
        using Hotpath;

        namespace Market
        {
            public record struct Quote(string Symbol, long Size, Half H, Int128 Big, UInt128 Huge, uint Lots);

            [BatchReducer(typeof(Quote))]
            public partial struct Book
            {
                [GroupKey] public string Symbol;
                [Count] public Int128 Rows;
                [Sum(nameof(Quote.Size))] public Int128 SizeSum;
                [Sum(nameof(Quote.Big))] public Int128 BigSum;
                [Sum(nameof(Quote.Huge))] public UInt128 HugeSum;
                [Sum(nameof(Quote.Lots))] public UInt128 LotsSum;
                [Min(nameof(Quote.Big))] public Int128 BigMin;
                [Max(nameof(Quote.Huge))] public UInt128 HugeMax;
                [Mean(nameof(Quote.Big))] public double BigMean;
                [Sum(nameof(Quote.H))] public double HSum;
                [Mean(nameof(Quote.H))] public double HMean;
                [Min(nameof(Quote.H))] public Half HMin;
                [Max(nameof(Quote.H))] public Half HMax;
                [Min(nameof(Quote.H))] public float HMinF;
                [Max(nameof(Quote.H))] public double HMaxD;
            }

            [BatchReducer(typeof(Quote))]
            public partial struct ByBig
            {
                [GroupKey(nameof(Quote.Big))] public Int128 Big;
                [Count] public long Rows;
            }

            public static class QuoteProbe
            {
                private static readonly Half[] s_halves = [Half.NaN, (Half)0f, (Half)(-0f), Half.PositiveInfinity, Half.NegativeInfinity, Half.MaxValue, Half.MinValue, Half.Epsilon, (Half)1.5f, (Half)(-2.25f)];

                public static Quote[] Rows(int seed, int count, bool withNaN)
                {
                    var random = new Random(seed);
                    var rows = new Quote[count];
                    for (var i = 0; i < count; i++)
                    {
                        var big = ((Int128)random.NextInt64(-1L << 40, 1L << 40) << 64) + (Int128)(ulong)random.NextInt64();
                        var huge = ((UInt128)(ulong)random.NextInt64(0, 1L << 40) << 64) + (ulong)random.NextInt64();
                        var half = random.Next(4) == 0 ? s_halves[random.Next(s_halves.Length)] : (Half)(float)(random.NextDouble() * 200 - 100);
                        if (!withNaN && Half.IsNaN(half))
                        {
                            half = (Half)0.5f;
                        }

                        rows[i] = new Quote("s" + random.Next(5), random.NextInt64(long.MinValue / 4, long.MaxValue / 4), half, big, huge, (uint)random.Next());
                    }

                    return rows;
                }

                /// <summary>Reduces the rows in a few reducers of uneven chunks and combines the partials, then compares every group with LINQ and BigInteger.</summary>
                public static string Check(int seed, bool withNaN)
                {
                    var rows = Rows(seed, 3000, withNaN);
                    var parts = new[] { new Book.Reducer(), new Book.Reducer(), new Book.Reducer() };
                    var random = new Random(seed + 1);
                    foreach (var row in rows)
                    {
                        parts[random.Next(parts.Length)].Add(in row);
                    }

                    var final = new Book.Reducer();
                    foreach (var part in parts)
                    {
                        foreach (var partial in part.ToArray())
                        {
                            final.Merge(in partial);
                        }
                    }

                    var errors = new System.Collections.Generic.List<string>();
                    foreach (var book in final.ToArray())
                    {
                        var group = rows.Where(r => r.Symbol == book.Symbol).ToArray();
                        var halves = group.Select(r => (float)r.H).ToArray();
                        var bigSum = group.Aggregate(BigInteger.Zero, (a, r) => a + (BigInteger)r.Big);
                        void Expect(string what, object expected, object actual)
                        {
                            if (!Equals(expected, actual))
                            {
                                errors.Add(book.Symbol + "." + what + ": expected " + expected + ", got " + actual);
                            }
                        }

                        Expect("Rows", (Int128)group.Length, book.Rows);
                        Expect("SizeSum", group.Aggregate(BigInteger.Zero, (a, r) => a + r.Size), (BigInteger)book.SizeSum);
                        Expect("BigSum", bigSum, (BigInteger)book.BigSum);
                        Expect("HugeSum", group.Aggregate(BigInteger.Zero, (a, r) => a + (BigInteger)r.Huge), (BigInteger)book.HugeSum);
                        Expect("LotsSum", group.Aggregate(BigInteger.Zero, (a, r) => a + r.Lots), (BigInteger)book.LotsSum);
                        Expect("BigMin", group.Min(r => r.Big), book.BigMin);
                        Expect("HugeMax", group.Max(r => r.Huge), book.HugeMax);
                        var bigMean = group.Sum(r => (double)r.Big) / group.Length; // doubles added in another order: close, not equal
                        if (!(Math.Abs(bigMean - book.BigMean) <= 1e-9 * Math.Abs(bigMean)))
                        {
                            errors.Add(book.Symbol + ".BigMean: expected " + bigMean + ", got " + book.BigMean);
                        }

                        // Half values are exact in double and their sums of a few thousand stay exact, in any order.
                        Expect("HSum", group.Sum(r => (double)r.H), book.HSum);
                        Expect("HMean", group.Sum(r => (double)r.H) / group.Length, book.HMean);

                        // The float rule: NaN < -inf < ... < -0 < +0 < ... < +inf; Min is NaN once one value is, Max only when all are.
                        var min = halves.Aggregate(MathF.Min);
                        var max = halves.Aggregate(float.MaxNumber);
                        Expect("HMin", BitConverter.SingleToInt32Bits(min), BitConverter.SingleToInt32Bits((float)book.HMin));
                        Expect("HMax", BitConverter.SingleToInt32Bits(max), BitConverter.SingleToInt32Bits((float)book.HMax));
                        Expect("HMinF", BitConverter.SingleToInt32Bits(min), BitConverter.SingleToInt32Bits(book.HMinF));
                        Expect("HMaxD", BitConverter.DoubleToInt64Bits(max), BitConverter.DoubleToInt64Bits(book.HMaxD));
                        Expect("MinIsNaN", halves.Any(float.IsNaN), Half.IsNaN(book.HMin));
                    }

                    var byBig = new ByBig.Reducer();
                    byBig.Add(rows);
                    byBig.Add(rows);
                    Expect2("ByBig groups", rows.Select(r => r.Big).Distinct().Count(), byBig.Count);
                    Expect2("ByBig rows", 2L * rows.Length, byBig.ToArray().Sum(p => p.Rows));
                    Expect2("Books", rows.Select(r => r.Symbol).Distinct().Count(), final.Count);
                    return errors.Count == 0 ? "ok" : string.Join("; ", errors.Take(10));

                    void Expect2(string what, object expected, object actual)
                    {
                        if (!Equals(expected, actual))
                        {
                            errors.Add(what + ": expected " + expected + ", got " + actual);
                        }
                    }
                }

                /// <summary>Half's signed zeros and NaN, in every order of two rows and of two partials.</summary>
                public static string Zeros()
                {
                    var results = new System.Collections.Generic.List<string>();
                    foreach (var (x, y) in new[] { ((Half)0f, (Half)(-0f)), ((Half)(-0f), (Half)0f), (Half.NaN, (Half)1f), ((Half)1f, Half.NaN) })
                    {
                        var one = new Book.Reducer();
                        one.Add(new Quote("a", 0, x, 0, 0, 0));
                        one.Add(new Quote("a", 0, y, 0, 0, 0));
                        var a = new Book.Reducer();
                        a.Add(new Quote("a", 0, x, 0, 0, 0));
                        var b = new Book.Reducer();
                        b.Add(new Quote("a", 0, y, 0, 0, 0));
                        var combined = Book.Combine(a.ToArray()[0], b.ToArray()[0]);
                        var p = one.ToArray()[0];
                        results.Add(Show(p.HMin) + "/" + Show(p.HMax) + "=" + Show(combined.HMin) + "/" + Show(combined.HMax));
                    }

                    return string.Join(",", results);

                    static string Show(Half h) => Half.IsNaN(h) ? "NaN" : h == (Half)0f ? (Half.IsNegative(h) ? "-0" : "+0") : ((float)h).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                public static string Overflow()
                {
                    var results = new System.Collections.Generic.List<string>();
                    var reducer = new Book.Reducer();
                    reducer.Add(new Quote("a", 0, (Half)0f, Int128.MaxValue, UInt128.MaxValue, 0));
                    results.Add(Try(() => reducer.Add(new Quote("a", 0, (Half)0f, 1, 0, 0))));
                    results.Add(Try(() => reducer.Add(new Quote("a", 0, (Half)0f, 0, 1, 0))));
                    var min = new Book.Reducer();
                    min.Add(new Quote("a", 0, (Half)0f, Int128.MinValue, 0, 0));
                    results.Add(Try(() => min.Add(new Quote("a", 0, (Half)0f, -1, 0, 0))));
                    var left = new Book.Reducer();
                    left.Add(new Quote("a", 0, (Half)0f, Int128.MaxValue / 2 + 1, 0, 0));
                    var l = left.ToArray()[0];
                    results.Add(Try(() => Book.Combine(in l, in l)));
                    results.Add(Try(() => left.Merge(in l)));
                    results.Add(reducer.ToArray()[0].BigSum == Int128.MaxValue && reducer.ToArray()[0].HugeSum == UInt128.MaxValue ? "kept" : "changed");
                    return string.Join(",", results);

                    static string Try(Action action)
                    {
                        try
                        {
                            action();
                            return "no exception";
                        }
                        catch (OverflowException)
                        {
                            return "OverflowException";
                        }
                    }
                }
            }
        }
        """;

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void Int128_UInt128_and_Half_aggregates_match_LINQ_and_BigInteger(int seed, bool withNaN)
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Quotes);
        AssertNoWarnings(run);
        var probe = TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Market.QuoteProbe")!;
        Assert.Equal("ok", (string)probe.GetMethod("Check")!.Invoke(null, [seed, withNaN])!);
    }

    private const string NullableReadings = """
        #nullable enable
        using System;
        using System.Linq;
        using Hotpath;

        namespace Metrics
        {
            public readonly record struct Reading(string Node, int? Count, double? Cpu, decimal? Price);

            /// <summary>Aggregates of nullable inputs, as LINQ computes them: nulls ignored; Min, Max and Mean null when a group has no value.</summary>
            [BatchReducer(typeof(Reading))]
            public partial struct Stats
            {
                [GroupKey(nameof(Reading.Node))] public string Node;
                [Count] public long Rows;
                [Min(nameof(Reading.Count))] public int? CountMin;
                [Max(nameof(Reading.Count))] public long? CountMax;
                [Sum(nameof(Reading.Count))] public int? CountSum;
                [Sum(nameof(Reading.Count))] public long CountSumLong;
                [Mean(nameof(Reading.Count))] public double? CountMean;
                [Min(nameof(Reading.Cpu))] public double? CpuMin;
                [Max(nameof(Reading.Cpu))] public double? CpuMax;
                [Sum(nameof(Reading.Cpu))] public double? CpuSum;
                [Mean(nameof(Reading.Cpu))] public double? CpuMean;
                [Min(nameof(Reading.Price))] public decimal? PriceMin;
                [Max(nameof(Reading.Price))] public decimal? PriceMax;
                [Sum(nameof(Reading.Price))] public decimal? PriceSum;
                [Mean(nameof(Reading.Price))] public decimal? PriceMean;
                [First(nameof(Reading.Cpu))] public double? CpuFirst;
                [Last(nameof(Reading.Price))] public decimal? PriceLast;
            }

            public static class NullableProbe
            {
                /// <summary>
                /// Random rows with many nulls (node "none" has only nulls, node "rare" a value now and then), reduced in one
                /// reducer and in three merged ones (so partials that saw only nulls meet partials with values), against LINQ.
                /// </summary>
                public static string Check(int seed)
                {
                    var random = new Random(seed);
                    var nodes = new[] { "a", "b", "c", "none", "rare" };
                    var rows = new Reading[2000];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        var node = nodes[random.Next(nodes.Length)];
                        var nulls = node == "none" ? 1.0 : node == "rare" ? 0.97 : 0.4;
                        rows[i] = new Reading(
                            node,
                            random.NextDouble() < nulls ? null : random.Next(-1000, 1000),
                            random.NextDouble() < nulls ? null : random.Next(50) == 0 ? double.NaN : random.Next(-4000, 4000) / 4.0, // sums of quarters stay exact in any order
                            random.NextDouble() < nulls ? null : random.Next(-100_000, 100_000) / 100m);
                    }

                    var errors = new System.Collections.Generic.List<string>();
                    var one = new Stats.Reducer();
                    one.Add(rows);
                    var parts = new[] { new Stats.Reducer(), new Stats.Reducer(), new Stats.Reducer() };
                    foreach (var row in rows)
                    {
                        parts[random.Next(parts.Length)].Add(in row);
                    }

                    var merged = new Stats.Reducer();
                    foreach (var part in parts)
                    {
                        foreach (var partial in part.ToArray())
                        {
                            merged.Merge(in partial);
                        }
                    }

                    foreach (var (stats, ordered) in one.ToArray().Select(s => (s, true)).Concat(merged.ToArray().Select(s => (s, false))))
                    {
                        var g = rows.Where(r => r.Node == stats.Node).ToArray();
                        void Expect(string what, object? expected, object? actual)
                        {
                            if (!Equals(expected, actual))
                            {
                                errors.Add(stats.Node + "." + what + (ordered ? "" : " (merged)") + ": expected " + (expected ?? "null") + ", got " + (actual ?? "null"));
                            }
                        }

                        Expect("Rows", g.LongLength, stats.Rows);
                        Expect("CountMin", g.Min(r => r.Count), stats.CountMin);
                        Expect("CountMax", (long?)g.Max(r => r.Count), stats.CountMax);
                        Expect("CountSum", g.Sum(r => r.Count), stats.CountSum);
                        Expect("CountSumLong", g.Sum(r => (long?)r.Count), (long?)stats.CountSumLong);
                        Expect("CountMean", g.Average(r => r.Count), stats.CountMean);
                        Expect("CpuMin", g.Min(r => r.Cpu), stats.CpuMin);
                        Expect("CpuMax", g.Max(r => r.Cpu), stats.CpuMax);
                        Expect("CpuSum", g.Sum(r => r.Cpu), stats.CpuSum);
                        Expect("CpuMean", g.Average(r => r.Cpu), stats.CpuMean);
                        Expect("PriceMin", g.Min(r => r.Price), stats.PriceMin);
                        Expect("PriceMax", g.Max(r => r.Price), stats.PriceMax);
                        Expect("PriceSum", g.Sum(r => r.Price), stats.PriceSum);
                        Expect("PriceMean", g.Average(r => r.Price), stats.PriceMean);
                        if (ordered)
                        {
                            // No [Window]: First and Last are the group's first and last rows' values, null ones too.
                            Expect("CpuFirst", g.First().Cpu, stats.CpuFirst);
                            Expect("PriceLast", g.Last().Price, stats.PriceLast);
                        }
                    }

                    return errors.Count == 0 ? "ok" : string.Join("; ", errors.Take(10));
                }

                /// <summary>Combine of a partial that saw only nulls with one that saw values, both ways, and of two of nulls only.</summary>
                public static string Combine()
                {
                    var nulls = new Stats.Reducer();
                    nulls.Add(new Reading("a", null, null, null));
                    var values = new Stats.Reducer();
                    values.Add(new Reading("a", 3, 1.5, 2.5m));
                    values.Add(new Reading("a", null, null, null));
                    var n = nulls.ToArray()[0];
                    var v = values.ToArray()[0];
                    return string.Join("|", Show(Stats.Combine(n, v)), Show(Stats.Combine(v, n)), Show(Stats.Combine(n, n)));

                    static string Show(Stats s) => string.Join(",", new object?[] { s.Rows, s.CountMin, s.CountMax, s.CountSum, s.CountSumLong, s.CountMean, s.CpuMin, s.CpuMax, s.CpuSum, s.CpuMean,
                        s.PriceMin, s.PriceMax, s.PriceSum, s.PriceMean }.Select(static o => o is null ? "-" : Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Aggregates_of_nullable_inputs_match_LINQ(int seed)
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), NullableReadings);
        AssertNoWarnings(run);
        var probe = TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Metrics.NullableProbe")!;
        Assert.Equal("ok", (string)probe.GetMethod("Check")!.Invoke(null, [seed])!);
    }

    [Fact]
    public void Combine_of_a_partial_that_saw_only_nulls_keeps_the_other_sides_values()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), NullableReadings);
        var probe = TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Metrics.NullableProbe")!;
        Assert.Equal(
            "3,3,3,3,3,3,1.5,1.5,1.5,1.5,2.5,2.5,2.5,2.5|3,3,3,3,3,3,1.5,1.5,1.5,1.5,2.5,2.5,2.5,2.5|2,-,-,0,0,-,-,-,0,-,-,-,0,-",
            (string)probe.GetMethod("Combine")!.Invoke(null, null)!);
    }

    [Fact]
    public void Half_min_and_max_follow_the_float_rule_whatever_the_order()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Quotes);
        var probe = TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Market.QuoteProbe")!;
        Assert.Equal("-0/+0=-0/+0,-0/+0=-0/+0,NaN/1=NaN/1,NaN/1=NaN/1", (string)probe.GetMethod("Zeros")!.Invoke(null, null)!);
    }

    [Fact]
    public void Int128_and_UInt128_sums_are_checked()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Quotes);
        var probe = TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Market.QuoteProbe")!;
        Assert.Equal("OverflowException,OverflowException,OverflowException,OverflowException,OverflowException,kept", (string)probe.GetMethod("Overflow")!.Invoke(null, null)!);
    }

    [Fact]
    public void An_unsigned_window_time_beyond_long_MaxValue_throws_instead_of_wrapping()
    {
        const string Program = """
            using Hotpath;

            namespace Market
            {
                public struct Tick { public ulong UnixMs; public nuint NativeMs; }

                [BatchReducer(typeof(Tick))]
                public partial struct Wide
                {
                    [Window(1, nameof(Tick.UnixMs))] public long Start;
                    [Count] public long Rows;
                }

                [BatchReducer(typeof(Tick))]
                public partial struct Native
                {
                    [Window(1, nameof(Tick.NativeMs))] public long Start;
                    [Count] public long Rows;
                }

                public static class TickProbe
                {
                    public static string Run()
                    {
                        var wide = new Wide.Reducer();
                        wide.Add(new Tick { UnixMs = 1500 });
                        var native = new Native.Reducer();
                        native.Add(new Tick { NativeMs = 1500 });
                        return string.Join(",",
                            Try(() => wide.Add(new Tick { UnixMs = ulong.MaxValue })),
                            Try(() => wide.Add(new Tick { UnixMs = (ulong)long.MaxValue + 1 })),
                            Try(() => native.Add(new Tick { NativeMs = nuint.MaxValue })),
                            wide.Count, wide.ToArray()[0].Start, wide.ToArray()[0].Rows,
                            native.Count, native.ToArray()[0].Start,
                            Try(() => wide.Add(new Tick { UnixMs = long.MaxValue })), wide.Count);
                    }

                    private static string Try(System.Action action)
                    {
                        try
                        {
                            action();
                            return "added";
                        }
                        catch (System.OverflowException)
                        {
                            return "OverflowException";
                        }
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Program);
        AssertNoWarnings(run);
        var probe = TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Market.TickProbe")!;
        Assert.Equal("OverflowException,OverflowException,OverflowException,1,1000,1,1,1000,added,2", (string)probe.GetMethod("Run")!.Invoke(null, null)!);
    }

    [Fact]
    public void A_group_key_on_an_auto_propertys_backing_field_groups_the_rows()
    {
        // [field: GroupKey] went to the backing field, which the parser skipped as compiler-generated: the rows of every
        // node were reduced into one partial, with no key and no error.
        const string Program = """
            using Hotpath;

            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct NodeCount
                {
                    [field: GroupKey] public string NodeId { get; set; }
                    [field: Sum(nameof(NodeMetric.Cpu))] public double CpuSum { get; set; }

                    public static string Probe()
                    {
                        var reducer = new Reducer();
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 2 });
                        reducer.Add(new NodeMetric { NodeId = "b", Cpu = 5 });
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 4 });
                        var parts = reducer.ToArray();
                        System.Array.Sort(parts, (x, y) => string.CompareOrdinal(x.NodeId, y.NodeId));
                        return string.Join(",", parts.Length, parts[0].NodeId, parts[0].CpuSum, parts[1].NodeId, parts[1].CpuSum);
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, Program);
        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("2,a,6,b,5", assembly.GetType("Metrics.NodeCount")!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void An_interface_input_reads_members_it_inherits_from_its_base_interfaces()
    {
        // The input's members were looked up along BaseType only, which an interface does not have: a member of a base
        // interface was HOT004 ("has no accessible instance field or readable property"), though row.Cpu compiles.
        const string Program = """
            using Hotpath;

            namespace Metrics
            {
                public interface IHasCpu { double Cpu { get; } }
                public interface IHasNode { string Node { get; } }
                public interface IMetric : IHasCpu, IHasNode { }
                public sealed class Metric(string node, double cpu) : IMetric { public string Node => node; public double Cpu => cpu; }

                [BatchReducer(typeof(IMetric))]
                public partial struct NodeCpu
                {
                    [GroupKey] public string Node;
                    [Sum(nameof(IHasCpu.Cpu))] public double CpuSum;

                    public static string Probe()
                    {
                        var reducer = new Reducer();
                        reducer.Add(new Metric("a", 2));
                        reducer.Add(new Metric("a", 3));
                        var partial = reducer.ToArray()[0];
                        return partial.Node + "," + partial.CpuSum;
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Program);
        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("a,5", assembly.GetType("Metrics.NodeCpu")!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void Invalid_struct_gets_no_generated_code_and_the_generator_does_not_throw()
    {
        const string Bad = """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Broken
                {
                    [GroupKey] public string NodeId;
                    [Sum(nameof(NodeMetric.Zone))] public double ZoneSum;
                }

                [BatchReducer(typeof(NodeMetric))]
                public struct NotPartial
                {
                    [Count] public long Rows;
                }
            }
            """;
        var run = GeneratorRunner.Run(new BatchReducerGenerator(), Input, Bad);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal(["HOT001", "HOT004"], run.Result.Diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal).ToArray()); // run on its own, the generator says why
    }

    [Fact]
    public void Unrelated_edit_keeps_every_step_cached()
    {
        var (_, second) = IncrementalAssert.RunTwice(new BatchReducerGenerator(), [Input, NodeMinute], CompilationEdits.AddUnrelatedFile);
        IncrementalAssert.CachedOrUnchanged(second, TrackingNames.BatchReducerModels, TrackingNames.BatchReducerValidModels);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
    }

    [Fact]
    public void Changing_the_window_is_a_modification()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new BatchReducerGenerator(),
            [Input, NodeMinute],
            c => CompilationEdits.ReplaceSource(c, 1, NodeMinute.Replace("[Window(60,", "[Window(300,")));
        IncrementalAssert.HasReason(second, TrackingNames.BatchReducerModels, IncrementalStepRunReason.Modified);
        Assert.Contains("300000L", second.Source("NodeMinute.BatchReducer.g.cs"));
    }

    [Fact]
    public void A_new_reducer_is_new()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new BatchReducerGenerator(),
            [Input, NodeMinute],
            c => CompilationEdits.AddSource(c, "namespace Metrics { [Hotpath.BatchReducer(typeof(NodeMetric))] public partial struct Total { [Hotpath.Count] public long Rows; } }"));
        IncrementalAssert.HasReason(second, TrackingNames.BatchReducerModels, IncrementalStepRunReason.New);
        IncrementalAssert.HasReason(second, TrackingNames.BatchReducerModels, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Models_hold_no_Roslyn_objects()
    {
        var run = GeneratorRunner.Run(new BatchReducerGenerator(), Input, NodeMinute, CompositeNoWindow);
        IncrementalAssert.ModelsArePure(run, TrackingNames.BatchReducerModels, TrackingNames.BatchReducerValidModels);
    }

    [Fact]
    public void Generic_struct_and_user_StructLayout_compile_without_warnings()
    {
        const string Source = """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Tagged<TTag>
                {
                    [GroupKey] public string NodeId;
                    [Mean(nameof(NodeMetric.Cpu))] public float CpuMean;
                }

                [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
                [BatchReducer(typeof(NodeMetric))]
                public partial struct WithLayout
                {
                    [Mean(nameof(NodeMetric.Cpu))] public double CpuMean;
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, Source);
        AssertNoWarnings(run);
        Assert.Equal(2, run.GeneratedSources.Length);
        Assert.Contains(run.GeneratedSources, static s => s.HintName == "Metrics.Tagged`1.BatchReducer.g.cs");
    }

    private static void AssertNoWarnings(GeneratorRun run)
    {
        // Warnings as errors in user builds: generated code must not cause CS0282 (partial struct field order) or others.
        var warnings = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings));
    }
}
