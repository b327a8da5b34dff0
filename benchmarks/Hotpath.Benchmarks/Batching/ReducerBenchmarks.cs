using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Hotpath.Batching;

namespace Hotpath.Benchmarks.Batching;

public struct BenchMetric
{
    public string NodeId;
    public long UnixMs;
    public double Cpu;
}

/// <summary>count + sum + min + max of Cpu per node and minute: the target workload.</summary>
[BatchReducer(typeof(BenchMetric))]
public partial struct BenchNodeMinute
{
    [GroupKey] public string NodeId;
    [Window(60, nameof(BenchMetric.UnixMs))] public long WindowStartMs;
    [Count] public long Samples;
    [Sum(nameof(BenchMetric.Cpu))] public double CpuSum;
    [Min(nameof(BenchMetric.Cpu))] public double CpuMin;
    [Max(nameof(BenchMetric.Cpu))] public double CpuMax;
}

/// <summary>
/// Generated reducer vs LINQ GroupBy + aggregates vs a hand-written Dictionary&lt;(key, window), accumulator&gt; loop,
/// on the same rows, for 16, 1,000 and 100,000 groups (4 one-minute windows × Groups/4 nodes). One op reduces every
/// row once; divide Rows by the mean time for rows/s. Key strings are either shared (one instance per node, as a
/// service's own names are: the target's case) or a new string object a row (as rows parsed one by one carry), since
/// the generated reducer compares key strings by reference first and remembers their hashes by object.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Batching", "Reducer")]
public class ReducerBenchmarks
{
    public const int Rows = 1 << 20;

    private BenchMetric[] _rows = [];
    private readonly BenchNodeMinute.Reducer _reducer = new();
    private readonly Dictionary<(string Node, long Window), Accumulator> _dictionary = new();

    [Params(16, 1_000, 100_000)]
    public int Groups { get; set; }

    [Params("shared", "new a row")]
    public string KeyStrings { get; set; } = "shared";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var nodes = Enumerable.Range(0, Math.Max(1, Groups / 4)).Select(static i => "node-" + i).ToArray();
        _rows = new BenchMetric[Rows];
        for (var i = 0; i < Rows; i++)
        {
            _rows[i] = new BenchMetric
            {
                NodeId = KeyStrings == "shared" ? nodes[random.Next(nodes.Length)] : new string(nodes[random.Next(nodes.Length)].AsSpan()),
                UnixMs = 1_700_000_000_000L + random.Next(0, 4 * 60_000),
                Cpu = random.NextDouble() * 100,
            };
        }

        // Warm the reusable tables to their steady-state size, as a long-running service would have.
        Generated();
        HandWrittenDictionary();
    }

    [Benchmark(Baseline = true, Description = "LINQ GroupBy")]
    public int Linq() => _rows
        .GroupBy(static r => (r.NodeId, Window: r.UnixMs - (((r.UnixMs % 60_000) + 60_000) % 60_000)))
        .Select(static g => (g.Key, Count: g.LongCount(), Sum: g.Sum(static r => r.Cpu), Min: g.Min(static r => r.Cpu), Max: g.Max(static r => r.Cpu)))
        .Count();

    [Benchmark(Description = "Dictionary loop")]
    public int HandWrittenDictionary()
    {
        var groups = _dictionary;
        groups.Clear();
        foreach (ref readonly var row in _rows.AsSpan())
        {
            var window = ReducerMath.WindowStart(row.UnixMs, 60_000);
            ref var acc = ref CollectionsMarshal.GetValueRefOrAddDefault(groups, (row.NodeId, window), out var exists);
            if (exists)
            {
                acc.Count++;
                acc.Sum += row.Cpu;
                acc.Min = Math.Min(acc.Min, row.Cpu);
                acc.Max = Math.Max(acc.Max, row.Cpu);
            }
            else
            {
                acc = new Accumulator { Count = 1, Sum = row.Cpu, Min = row.Cpu, Max = row.Cpu };
            }
        }

        return groups.Count;
    }

    [Benchmark(Description = "Hotpath [BatchReducer]")]
    public int Generated()
    {
        _reducer.Clear();
        _reducer.Add(_rows);
        return _reducer.Count;
    }

    private struct Accumulator
    {
        public long Count;
        public double Sum;
        public double Min;
        public double Max;
    }
}
