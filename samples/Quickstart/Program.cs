using Hotpath;
using Hotpath.Compression;

// One use of each generator. CI builds and runs this against the packed NuGet package, so every line
// below proves a generated member compiles and runs from a consumer that references only "Hotpath".
// It exits with 1 when any result below is not what it should be.
Console.WriteLine($"Hotpath Quickstart on .NET {Environment.Version}");
var failures = 0;
bool Check(bool condition)
{
    failures += condition ? 0 : 1;
    return condition;
}


// [Pooled]: Reset(), IResettable and a static Pool.
var pod = PodState.Pool.Rent();
pod.Namespace = "default";
pod.Name = "web-0";
pod.Containers.Add("nginx");
PodState.Pool.Return(pod);                       // reset: strings back to "", list cleared in place
var hits = PodState.Pool.Statistics.Hits;        // (pod itself is not touched again: that would be HOT301)
var again = PodState.Pool.Rent();
Console.WriteLine($"[Pooled]       reused: {Check(PodState.Pool.Statistics.Hits == hits + 1)}, reset: {Check(again.Name.Length == 0 && again.Containers.Count == 0)}");
PodState.Pool.Return(again);

// [ShardedCache]: typed accessors over Hotpath.Caching.ShardedCache<PodStateKey, PodState>.
var cache = new PodCache();
var cached = cache.GetOrAdd("default", "web-0", static key => new PodState { Namespace = key.Namespace, Name = key.Name });
Console.WriteLine($"[ShardedCache] hit: {Check(cache.TryGet("default", "web-0", out var hit) && ReferenceEquals(hit, cached))}, count: {cache.Count}");

// [Columnar]: a compact, checksummed block, every bit back.
MetricSample[] samples =
[
    new() { UnixMs = 1_700_000_000_000, Node = "node-a", Cpu = 0.25 },
    new() { UnixMs = 1_700_000_010_000, Node = "node-a", Cpu = 0.5 },
    new() { UnixMs = 1_700_000_020_000, Node = "node-b", Cpu = double.NaN },
];
byte[] block = MetricSample.Codec.Encode(samples);
MetricSample[] decoded = MetricSample.Codec.Decode(block);
Console.WriteLine($"[Columnar]     {samples.Length} rows in {block.Length} bytes, identical: {Check(samples.AsSpan().SequenceEqual(decoded))}");

// [BatchReducer]: per-node, per-minute aggregates.
var reducer = new NodeMinute.Reducer();
reducer.Add(new NodeMetric { NodeId = "node-a", UnixMs = 60_000, Cpu = 0.5 });
reducer.Add(new NodeMetric { NodeId = "node-a", UnixMs = 61_000, Cpu = 0.9 });
reducer.Add(new NodeMetric { NodeId = "node-b", UnixMs = 62_000, Cpu = 0.1 });
var minutes = reducer.ToArray();
Check(minutes.Length == 2 && minutes[0] is { NodeId: "node-a", Samples: 2, CpuMax: 0.9 } && minutes[1] is { NodeId: "node-b", Samples: 1 });
foreach (var minute in minutes)
{
    Console.WriteLine($"[BatchReducer] {minute.NodeId} @ {minute.WindowStartMs}: {minute.Samples} samples, max cpu {minute.CpuMax}");
}

var score = Scoring.Score("GET /pods 200"u8);
Check(score == 3);
Console.WriteLine($"[HotPath]      score: {score}");
Console.WriteLine(failures == 0 ? "all results as expected" : $"{failures} results were wrong");
return failures == 0 ? 0 : 1;

[Pooled(MaxRetained = 1_000)]
public sealed partial class PodState
{
    [CacheKey(0)] public string Namespace = "";
    [CacheKey(1)] public string Name = "";
    public List<string> Containers { get; } = new();
}

[ShardedCache(typeof(PodState), Shards = 16, Capacity = 10_000, TimeToLiveSeconds = 300)]
public sealed partial class PodCache { }

[Columnar]
public partial record struct MetricSample
{
    [DeltaOfDelta] public long UnixMs;
    [Dictionary] public string Node;
    public double Cpu;
}

public struct NodeMetric
{
    public string NodeId;
    public long UnixMs;
    public double Cpu;
}

[BatchReducer(typeof(NodeMetric))]
public partial struct NodeMinute
{
    [GroupKey] public string NodeId;
    [Window(60, nameof(NodeMetric.UnixMs))] public long WindowStartMs;
    [Count] public long Samples;
    [Max(nameof(NodeMetric.Cpu))] public double CpuMax;
}

public static class Scoring
{
    /// <summary>Hot: counts digits without allocating (HOT1xx would flag an allocation here).</summary>
    [HotPath]
    public static int Score(ReadOnlySpan<byte> line)
    {
        var digits = 0;
        foreach (var b in line)
        {
            digits += b is >= (byte)'0' and <= (byte)'9' ? 1 : 0;
        }

        return digits;
    }
}
