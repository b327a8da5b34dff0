using ClusterState.Simulation;
using Hotpath;

namespace ClusterState.Pipelines.Hotpath;

/// <summary>
/// The current state of one pod: pooled (recycled when the pod is deleted) and cached by (namespace, name).
/// </summary>
[Pooled(MaxRetained = 32_768, Preallocate = 1_024)]
public sealed partial class PodState
{
    /// <summary>Kubernetes namespace (first part of the cache key).</summary>
    [CacheKey(0)]
    public string Namespace = "";

    /// <summary>Pod name (second part of the cache key).</summary>
    [CacheKey(1)]
    public string Name = "";

    /// <summary>Node the pod runs on.</summary>
    public string Node = "";

    /// <summary>Current phase.</summary>
    public PodPhase Phase;

    /// <summary>Whether the pod passes its readiness probe.</summary>
    public bool Ready;

    /// <summary>Restarts of all its containers.</summary>
    public int Restarts;

    /// <summary>Time of the last phase or readiness change.</summary>
    public long LastTransitionUnixMs;

    /// <summary>Its containers: the list is cleared on reset, never reallocated.</summary>
    public List<ContainerState> Containers { get; } = new();
}

/// <summary>One container of a pod.</summary>
[Pooled(MaxRetained = 65_536, Preallocate = 2_048)]
public sealed partial class ContainerState
{
    /// <summary>Restarts of this container.</summary>
    public int Restarts;

    /// <summary>Time of its last restart.</summary>
    public long LastRestartUnixMs;
}

/// <summary>A decoded pod event: rented for the time it takes to apply it, then returned.</summary>
[Pooled(MaxRetained = 256, Preallocate = 16)]
public sealed partial class PodEvent
{
    /// <summary>What happened.</summary>
    public EventKind Kind;

    /// <summary>Pod namespace.</summary>
    public string Namespace = "";

    /// <summary>Pod name.</summary>
    public string Name = "";

    /// <summary>New phase (<see cref="EventKind.PodUpdated"/>).</summary>
    public PodPhase Phase;

    /// <summary>New readiness (<see cref="EventKind.PodUpdated"/>).</summary>
    public bool Ready;

    /// <summary>Container index (<see cref="EventKind.ContainerRestarted"/>).</summary>
    public int Container;

    /// <summary>Event time.</summary>
    public long UnixMs;
}

/// <summary>A node usage sample as it flows through the batch engine.</summary>
public struct NodeMetric
{
    /// <summary>Scrape time.</summary>
    public long UnixMs;

    /// <summary>Node name.</summary>
    public string Node;

    /// <summary>Node index (for the counting sort before storage).</summary>
    public int NodeIndex;

    /// <summary>CPU usage in millicores.</summary>
    public double Cpu;

    /// <summary>Memory usage in MiB.</summary>
    public double Memory;
}

/// <summary>Per-node, per-minute aggregate of <see cref="NodeMetric"/> rows.</summary>
[BatchReducer(typeof(NodeMetric))]
public partial struct NodeMinute
{
    /// <summary>Node name.</summary>
    [GroupKey]
    public string Node;

    /// <summary>Start of the minute (Unix ms).</summary>
    [Window(60, nameof(NodeMetric.UnixMs))]
    public long WindowStartMs;

    /// <summary>Samples in the minute.</summary>
    [Count]
    public long Samples;

    /// <summary>Sum of CPU millicores.</summary>
    [Sum(nameof(NodeMetric.Cpu))]
    public double CpuSum;

    /// <summary>Lowest CPU sample.</summary>
    [Min(nameof(NodeMetric.Cpu))]
    public double CpuMin;

    /// <summary>Highest CPU sample.</summary>
    [Max(nameof(NodeMetric.Cpu))]
    public double CpuMax;

    /// <summary>Mean memory.</summary>
    [Mean(nameof(NodeMetric.Memory))]
    public double MemoryMean;

    /// <summary>Highest memory sample.</summary>
    [Max(nameof(NodeMetric.Memory))]
    public double MemoryMax;
}

/// <summary>A stored raw sample: one row of a columnar block (rows sorted by node, then time).</summary>
[Columnar]
public partial struct SampleRow
{
    /// <summary>
    /// Scrape time: regular per node. No encoding attribute: each page takes the smallest of every integer mode, and
    /// with rows grouped by node that is plain deltas, patched where time jumps back at a node boundary (one
    /// exception a boundary; deltas of deltas, the usual choice for timestamps, would have two).
    /// </summary>
    public long UnixMs;

    /// <summary>Node name: a thousand distinct values.</summary>
    [Dictionary]
    public string Node;

    /// <summary>CPU millicores.</summary>
    public double Cpu;

    /// <summary>Memory MiB.</summary>
    public double Memory;
}

/// <summary>A stored closed window: one row of a columnar block.</summary>
[Columnar]
public partial struct MinuteRow
{
    /// <summary>Node name.</summary>
    [Dictionary]
    public string Node;

    /// <summary>Start of the minute: one a minute per node, so delta-of-delta pages (about a bit a row).</summary>
    [DeltaOfDelta]
    public long WindowStartMs;

    /// <summary>Samples in the minute.</summary>
    public long Samples;

    /// <summary>Sum of CPU millicores.</summary>
    public double CpuSum;

    /// <summary>Lowest CPU sample.</summary>
    public double CpuMin;

    /// <summary>Highest CPU sample.</summary>
    public double CpuMax;

    /// <summary>Mean memory.</summary>
    public double MemoryMean;

    /// <summary>Highest memory sample.</summary>
    public double MemoryMax;
}
