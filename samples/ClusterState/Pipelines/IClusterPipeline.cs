using ClusterState.Simulation;

namespace ClusterState.Pipelines;

/// <summary>
/// One way of keeping cluster state: current pod state, per-node per-minute aggregates of the node samples,
/// and storage of closed windows and their raw samples. Both implementations see the same events in the same order.
/// </summary>
public interface IClusterPipeline : IDisposable
{
    /// <summary>Short name shown in the report (<c>hotpath</c> or <c>naive</c>).</summary>
    string Name { get; }

    /// <summary>Consumes the next events, in stream order.</summary>
    void Process(ReadOnlySpan<ClusterEvent> events);

    /// <summary>Flushes everything still buffered: after this the stored blocks hold every sample and aggregate.</summary>
    void Complete();

    /// <summary>Bytes stored for raw samples and for aggregates, and how many samples are stored.</summary>
    StorageFigures Storage { get; }

    /// <summary>Decodes every stored aggregate block (verification; not timed).</summary>
    List<MinuteAggregate> ReadStoredAggregates();

    /// <summary>Decodes every stored sample block into an order-independent digest (verification; not timed).</summary>
    SampleDigest ReadStoredSamples();

    /// <summary>The pipeline's current state of one pod, if it holds one.</summary>
    bool TryGetPod(string @namespace, string name, out PodSnapshot snapshot);

    /// <summary>Extra figures specific to the implementation (pool hit rate, cache hit ratio …), as name/value pairs.</summary>
    IReadOnlyList<KeyValuePair<string, double>> ExtraFigures();
}

/// <summary>Storage cost of a run.</summary>
/// <param name="SampleBytes">Bytes of the stored raw-sample blocks.</param>
/// <param name="AggregateBytes">Bytes of the stored aggregate blocks.</param>
/// <param name="Samples">Samples stored.</param>
/// <param name="Blocks">Blocks written (samples and aggregates).</param>
public readonly record struct StorageFigures(long SampleBytes, long AggregateBytes, long Samples, int Blocks);

/// <summary>One node's aggregate over one minute, the comparable output of both pipelines.</summary>
public readonly record struct MinuteAggregate(
    string Node,
    long WindowStartMs,
    long Samples,
    double CpuSum,
    double CpuMin,
    double CpuMax,
    double MemoryMean,
    double MemoryMax);

/// <summary>The part of a pod's state both pipelines must agree on.</summary>
public readonly record struct PodSnapshot(PodPhase Phase, bool Ready, int Restarts, int MaxContainerRestarts, long LastTransitionUnixMs, string Node);

/// <summary>An order-independent digest of stored samples: a count and a commutative sum of row hashes.</summary>
public readonly record struct SampleDigest(long Count, ulong Hash)
{
    /// <summary>The digest with one more row.</summary>
    public SampleDigest Add(string node, long unixMs, double cpu, double memory)
    {
        // Mix each field so that a changed value anywhere changes the row hash; rows are summed, so order is free.
        var h = (ulong)string.GetHashCode(node, StringComparison.Ordinal) * 0x9E3779B97F4A7C15UL;
        h = (h ^ (ulong)unixMs) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (ulong)BitConverter.DoubleToInt64Bits(cpu)) * 0x94D049BB133111EBUL;
        h = (h ^ (ulong)BitConverter.DoubleToInt64Bits(memory)) * 0x9E3779B97F4A7C15UL;
        return new SampleDigest(Count + 1, Hash + (h ^ (h >> 31)));
    }
}
