using System.Reflection;
using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// Generated code compiled as in a project with <c>&lt;CheckForOverflowUnderflow&gt;true&lt;/CheckForOverflowUnderflow&gt;</c>:
/// its own hashing, indexing and bit arithmetic is unchecked explicitly, so only the documented checked sums and counts throw.
/// </summary>
public sealed class CheckedBuildTests
{
    private const string BatchReducerSource = """
        using System;
        using System.Linq;
        using Hotpath;

        namespace App;

        public struct Row { public string Node; public int Zone; public long Pod; public long UnixMs; public ulong Ticks; public int Value; public double Memory; }

        [BatchReducer(typeof(Row))]
        public partial struct ByNode
        {
            [GroupKey] public string Node;
            [GroupKey] public int Zone;
            [GroupKey] public long Pod;
            [Window(60, nameof(Row.UnixMs))] public long Start;
            [Count] public long N;
            [Sum(nameof(Row.Value))] public long Total;
            [Min(nameof(Row.Value))] public int Low;
            [Max(nameof(Row.Value))] public int High;
            [Mean(nameof(Row.Memory))] public double Mean;
            [First(nameof(Row.Value))] public int First;
            [Last(nameof(Row.Value))] public int Last;
        }

        [BatchReducer(typeof(Row))]
        public partial struct ByZone
        {
            [GroupKey] public int Zone;
            [GroupKey] public long Pod;
            [Window(1, nameof(Row.Ticks))] public long Start;
            [Count] public int N;
        }

        [BatchReducer(typeof(Row))]
        public partial struct ByNodeOnly
        {
            [GroupKey] public string Node;
            [Count] public long N;
        }

        [BatchReducer(typeof(Row))]
        public partial struct All
        {
            [Count] public long N;
            [Sum(nameof(Row.Value))] public long Total;
        }

        public static class Runner
        {
            public static string Run()
            {
                var rows = new Row[20_000];
                for (var i = 0; i < rows.Length; i++)
                {
                    rows[i] = new Row
                    {
                        Node = "node-" + (i % 5_000),
                        Zone = i % 2 == 0 ? int.MinValue : int.MaxValue,
                        Pod = i % 3 == 0 ? long.MinValue : long.MaxValue - i,
                        UnixMs = (i % 4) switch { 0 => long.MinValue + 120_000, 1 => long.MaxValue, 2 => -1, _ => i * 60_000L },
                        Ticks = i % 2 == 0 ? (ulong)long.MaxValue : (ulong)i,
                        Value = i % 2 == 0 ? int.MinValue : int.MaxValue,
                        Memory = i,
                    };
                }

                var byNode = new ByNode.Reducer();
                byNode.Add(in rows[0]);
                byNode.Add(rows);
                var byZone = new ByZone.Reducer();
                byZone.Add(in rows[1]);
                byZone.Add(rows);
                var byNodeOnly = new ByNodeOnly.Reducer();
                byNodeOnly.Add(rows);
                var all = new All.Reducer();
                all.Add(rows);

                var merged = new ByNode.Reducer();
                foreach (var partial in byNode.ToArray())
                {
                    merged.Merge(in partial);
                    merged.Merge(in partial);
                }

                var zones = new ByZone.Reducer();
                foreach (var partial in byZone.ToArray())
                {
                    zones.Merge(in partial);
                }

                var first = byNode.ToArray()[0];
                var combined = ByNode.Combine(first, first);
                return byNode.Count + ":" + merged.Count + ":" + zones.Count + ":" + byNodeOnly.Count + ":" + all.ToArray()[0].N + ":" + (combined.N == 2 * first.N);
            }

            public static void OverflowingSum()
            {
                var all = new All.Reducer();
                all.Add(new Row { Value = int.MaxValue });
                var partial = all.ToArray()[0];
                partial.Total = long.MaxValue;
                All.Combine(partial, partial);
            }
        }
        """;

    private const string OthersSource = """
        using System;
        using System.Linq;
        using Hotpath;

        namespace App;

        public enum Wide : ulong { Low = 0, Top = 1UL << 63, Max = ulong.MaxValue }

        public enum Small : sbyte { Neg = -128, Pos = 127 }

        public enum Big : long { Min = long.MinValue, Max = long.MaxValue }

        [Columnar]
        public partial struct Sample
        {
            public Wide W;
            [RunLength] public Wide W2;
            public Small S;
            [DeltaOfDelta] public Big B;
            public uint U;
            public char C;
            public nint N;
            public byte Byte;
            [DeltaOfDelta] public ulong UL;
            public int I;
            [DeltaOfDelta] public long L;
            public double D;
            [Quantize(2)] public double Q;
            [Dictionary] public string Name;
            public DateTime Time;
            [DeltaOfDelta] public TimeSpan Span;
        }

        public sealed partial class State
        {
            [CacheKey(0)] public string Namespace = "";
            [CacheKey(1)] public long Id;
            [CacheKey(2)] public int Shard;
        }

        [ShardedCache(typeof(State), Shards = 16, Capacity = 1_000)]
        public sealed partial class StateCache { }

        [Pooled(MaxRetained = 4, Preallocate = 2)]
        public sealed partial class Job
        {
            public int Attempts = int.MaxValue;
            public long Generation = long.MinValue;
            public System.Collections.Generic.List<string> Log { get; } = new();
        }

        public static class Runner
        {
            public static string Run()
            {
                var rows = new Sample[2_000];
                for (var i = 0; i < rows.Length; i++)
                {
                    var even = i % 2 == 0;
                    rows[i] = new Sample
                    {
                        W = (i % 3) switch { 0 => Wide.Low, 1 => Wide.Top, _ => Wide.Max },
                        W2 = even ? Wide.Max : Wide.Top,
                        S = even ? Small.Neg : Small.Pos,
                        B = even ? Big.Min : Big.Max,
                        U = even ? uint.MaxValue : 0,
                        C = even ? char.MaxValue : '\0',
                        N = even ? nint.MinValue : nint.MaxValue,
                        Byte = (byte)(i % 256),
                        UL = even ? ulong.MaxValue : 0,
                        I = even ? int.MinValue : int.MaxValue,
                        L = even ? long.MinValue : long.MaxValue,
                        D = even ? double.MaxValue : double.NegativeInfinity,
                        Q = even ? 1e15 : -1e15,
                        Name = "n" + (i % 7),
                        Time = even ? DateTime.MaxValue : DateTime.MinValue,
                        Span = even ? TimeSpan.MinValue : TimeSpan.MaxValue,
                    };
                }

                var back = Sample.Codec.Decode(Sample.Codec.Encode(rows));
                var same = back.Select(r => r with { Q = 0 }).SequenceEqual(rows.Select(r => r with { Q = 0 }));

                var cache = new StateCache();
                for (var i = 0; i < 5_000; i++)
                {
                    var state = new State { Namespace = "ns" + (i % 50), Id = i % 2 == 0 ? long.MinValue + i : long.MaxValue - i, Shard = i % 2 == 0 ? int.MinValue : int.MaxValue };
                    cache.Set(state);
                    cache.TryGet(state.Namespace, state.Id, state.Shard, out _);
                    cache.GetOrAdd(state.Namespace, ~state.Id, state.Shard, key => new State { Namespace = key.Namespace, Id = key.Id, Shard = key.Shard });
                    _ = StateKey.From(state).GetHashCode();
                }

                var job = Job.Pool.Rent();
                job.Log.Add("x");
                Job.Pool.Return(job);
                var again = Job.Pool.Rent();

                return same + ":" + (cache.Count > 0) + ":" + again.Attempts + ":" + again.Log.Count;
            }
        }
        """;

    [Fact]
    public void BatchReducer_code_runs_in_a_checked_build_and_its_sums_still_overflow_check()
    {
        var runner = Build(BatchReducerSource, new BatchReducerGenerator());

        Assert.Equal("18750:18750:13354:5000:20000:True", Run(runner, "Run"));
        var error = Assert.Throws<TargetInvocationException>(() => runner.GetMethod("OverflowingSum")!.Invoke(null, null));
        Assert.IsType<OverflowException>(error.InnerException);
    }

    [Fact]
    public void Columnar_ShardedCache_and_Pooled_code_runs_in_a_checked_build()
    {
        var runner = Build(OthersSource, new ColumnarGenerator(), new ShardedCacheGenerator(), new PooledGenerator());

        Assert.Equal("True:True:2147483647:0", Run(runner, "Run"));
    }

    private static Type Build(string source, params IIncrementalGenerator[] generators)
    {
        var compilation = TestCompilation.Create(source);
        compilation = compilation.WithOptions(compilation.Options.WithOverflowChecks(true));
        var driver = GeneratorRunner.CreateDriver(generators);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        TestCompilation.AssertNoErrors(output);
        return TestCompilation.EmitAndLoad(output).GetType("App.Runner", throwOnError: true)!;
    }

    /// <summary>Calls <paramref name="method"/>, reporting an exception from the generated code with its stack (not as a bare invocation failure).</summary>
    private static string Run(Type runner, string method)
    {
        try
        {
            return (string)runner.GetMethod(method)!.Invoke(null, null)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new Xunit.Sdk.XunitException("Generated code threw in a checked build: " + e.InnerException);
        }
    }
}
