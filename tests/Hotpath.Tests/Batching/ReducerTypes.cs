namespace Hotpath.Tests.Batching;

public enum PodPhase
{
    Pending,
    Running,
    Succeeded,
    Failed,
}

public struct NodeMetric
{
    public string NodeId;
    public long UnixMs;
    public double Cpu;
    public double Memory;
    public PodPhase Phase;
    public int Restarts;
    public string Zone;
}

/// <summary>DESIGN.md's example, verbatim.</summary>
[BatchReducer(typeof(NodeMetric))]
public partial struct NodeMinute
{
    [GroupKey] public string NodeId;
    [Window(60, nameof(NodeMetric.UnixMs))] public long WindowStartMs;
    [Count] public long Samples;
    [Sum(nameof(NodeMetric.Cpu))] public double CpuSum;
    [Min(nameof(NodeMetric.Cpu))] public double CpuMin;
    [Max(nameof(NodeMetric.Cpu))] public double CpuMax;
    [Mean(nameof(NodeMetric.Memory))] public double MemoryMean;
    [Last(nameof(NodeMetric.Phase))] public PodPhase Phase;
}

/// <summary>Composite key, no window, integer aggregates (checked sums widened to long), First/Last by input order.</summary>
[BatchReducer(typeof(NodeMetric))]
public partial struct ZoneNodeTotals
{
    [GroupKey(nameof(NodeMetric.Zone))] public string Zone;
    [GroupKey] public string NodeId;
    [Count] public int Rows;
    [Sum(nameof(NodeMetric.Restarts))] public long Restarts;
    [Min(nameof(NodeMetric.Restarts))] public int RestartsMin;
    [Max(nameof(NodeMetric.Phase))] public PodPhase WorstPhase;
    [First(nameof(NodeMetric.Cpu))] public double FirstCpu;
    [Last(nameof(NodeMetric.Cpu))] public double LastCpu;
    [Min(nameof(NodeMetric.NodeId))] public string MinNode { get; set; }
}

/// <summary>Window with First/Last by timestamp, and an int sum that stays int (checked).</summary>
[BatchReducer(typeof(NodeMetric))]
public partial struct ZoneWindow
{
    [GroupKey] public string Zone;
    [Window(10, nameof(NodeMetric.UnixMs))] public long Start;
    [Sum(nameof(NodeMetric.Restarts))] public int Restarts;
    [First(nameof(NodeMetric.Cpu))] public double FirstCpu;
    [Last(nameof(NodeMetric.Cpu))] public double LastCpu;
    [Mean(nameof(NodeMetric.Restarts))] public decimal RestartsMean;
}

/// <summary>No key at all: one group.</summary>
[BatchReducer(typeof(NodeMetric))]
public partial struct Totals
{
    [Count] public long Rows;
    [Sum(nameof(NodeMetric.Cpu))] public double Cpu;
}

/// <summary>A string key with two non-string keys (an enum and the window): both are hashed and xored into the string's fold.</summary>
[BatchReducer(typeof(NodeMetric))]
public partial struct ZonePhaseWindow
{
    [GroupKey] public string Zone;
    [GroupKey] public PodPhase Phase;
    [Window(10, nameof(NodeMetric.UnixMs))] public long Start;
    [Count] public long Rows;
    [Min(nameof(NodeMetric.Cpu))] public double CpuMin;
}

/// <summary>No string key: an integer key and the window, each hashed with its own seed.</summary>
[BatchReducer(typeof(NodeMetric))]
public partial struct RestartsWindow
{
    [GroupKey] public int Restarts;
    [Window(10, nameof(NodeMetric.UnixMs))] public long Start;
    [Count] public long Rows;
    [Max(nameof(NodeMetric.Cpu))] public double CpuMax;
}
