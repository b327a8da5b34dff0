namespace Hotpath.TestSources;

/// <summary>
/// DESIGN.md's generator examples as sources. The snapshot tests (Hotpath.Generators.Tests, Roslyn 5.0) and the
/// Roslyn 4.8 tests (Hotpath.RoslynCompatTests) both run the generators on these and compare with the same
/// <c>.verified.cs</c> files, so the two must share one copy.
/// </summary>
internal static class DesignExampleSources
{
    /// <summary>DESIGN.md's <c>[Pooled]</c> PodState, with the ResourceUsage and ContainerState it uses.</summary>
    public const string PooledPodState = """
        using System.Collections.Generic;
        using Hotpath;

        namespace Cluster;

        public enum PodPhase { Pending, Running, Succeeded, Failed }
        public sealed class ContainerState { public string Name = ""; }

        [Pooled]
        public sealed partial class ResourceUsage
        {
            public double CpuCores;
            public long MemoryBytes;
        }

        [Pooled(MaxRetained = 15_000, Preallocate = 1_000)]
        public sealed partial class PodState
        {
            public string Namespace = "";
            public PodPhase Phase;
            public List<ContainerState> Containers { get; } = new();
            public ResourceUsage Usage { get; } = new();
            [NoReset] public long Generation;
            partial void OnReset() { Generation++; }
        }
        """;

    /// <summary>DESIGN.md's <c>[Columnar]</c> MetricSample.</summary>
    public const string ColumnarMetricSample = """
        using Hotpath;

        namespace Metrics;

        public enum PodPhase { Pending, Running, Succeeded, Failed }

        [Columnar]
        public partial struct MetricSample
        {
            [DeltaOfDelta] public long UnixMs;     // timestamps
            [Dictionary]   public string Node;     // low-cardinality strings
            public double Cpu;                     // default for double: XOR-family float coding
            [Quantize(2)]  public double Memory;   // lossy, opt-in only: 2 decimals
            public int Restarts;                   // default for integers: delta + zigzag + bit-packing
            [RunLength]    public PodPhase Phase;  // enums and repetitive values
        }
        """;

    /// <summary>The input rows of DESIGN.md's <c>[BatchReducer]</c> example (NodeMetric).</summary>
    public const string BatchReducerInput = """
        namespace Metrics
        {
            public enum PodPhase { Pending, Running, Failed }

            public struct NodeMetric
            {
                public string NodeId;
                public long UnixMs;
                public double Cpu;
                public double Memory;
                public PodPhase Phase;
                public int Restarts;
                public string Zone { get; set; }
                public System.Guid Pod;
            }
        }
        """;

    /// <summary>DESIGN.md's <c>[BatchReducer]</c> NodeMinute.</summary>
    public const string BatchReducerNodeMinute = """
        using Hotpath;

        namespace Metrics
        {
            [BatchReducer(typeof(NodeMetric))]
            public partial struct NodeMinute
            {
                [GroupKey]                              public string NodeId;
                [Window(60, nameof(NodeMetric.UnixMs))] public long WindowStartMs;
                [Count]                                 public long Samples;
                [Sum(nameof(NodeMetric.Cpu))]           public double CpuSum;
                [Min(nameof(NodeMetric.Cpu))]           public double CpuMin;
                [Max(nameof(NodeMetric.Cpu))]           public double CpuMax;
                [Mean(nameof(NodeMetric.Memory))]       public double MemoryMean;
                [Last(nameof(NodeMetric.Phase))]        public PodPhase Phase;
            }
        }
        """;

    /// <summary>DESIGN.md's <c>[ShardedCache]</c> PodCache and its PodState.</summary>
    public const string ShardedCachePodCache = """
        namespace Cluster;

        public sealed partial class PodState
        {
            [Hotpath.CacheKey(0)] public string Namespace = "";
            [Hotpath.CacheKey(1)] public string Name = "";
            public int Restarts;
        }

        [Hotpath.ShardedCache(typeof(PodState), Shards = 16, Capacity = 10_000, TimeToLiveSeconds = 300)]
        public sealed partial class PodCache { }
        """;
}
