using ClusterState.Pipelines;
using ClusterState.Simulation;

namespace ClusterState.Verification;

/// <summary>
/// The expected results, computed with plain loops straight from the events (not timed). Each pipeline is checked
/// against it, so a run with <c>--only</c> is still checked, and two pipelines that agree with it agree with each other.
/// </summary>
public sealed class Reference
{
    private Reference(List<MinuteAggregate> aggregates, Dictionary<int, PodSnapshot> pods, SampleDigest samples)
    {
        Aggregates = aggregates;
        Pods = pods;
        Samples = samples;
    }

    /// <summary>Every node-minute aggregate, sorted by node then window.</summary>
    public List<MinuteAggregate> Aggregates { get; }

    /// <summary>Final state of every live pod, by pod id.</summary>
    public Dictionary<int, PodSnapshot> Pods { get; }

    /// <summary>Digest of all samples.</summary>
    public SampleDigest Samples { get; }

    /// <summary>Computes the expected results.</summary>
    public static Reference Compute(ClusterSimulation simulation)
    {
        var windows = new Dictionary<(int Node, long Window), Accumulator>();
        var pods = new Dictionary<int, (PodSnapshot Snapshot, int[] Containers)>();
        var digest = default(SampleDigest);
        foreach (ref readonly var e in simulation.Events.AsSpan())
        {
            switch (e.Kind)
            {
                case EventKind.NodeSample:
                    var key = (e.Node, e.UnixMs - e.UnixMs % Segments.WindowMs);
                    windows[key] = windows.TryGetValue(key, out var acc) ? acc.Add(e) : Accumulator.Start(e);
                    digest = digest.Add(simulation.NodeNames[e.Node], e.UnixMs, e.CpuMillicores, e.MemoryMiB);
                    break;
                case EventKind.PodDeleted:
                    pods.Remove(e.Pod);
                    break;
                default:
                    if (!pods.TryGetValue(e.Pod, out var pod))
                    {
                        var info = simulation.Pods[e.Pod];
                        pod = (new PodSnapshot(info.InitialPhase, info.InitialPhase == PodPhase.Running, 0, 0, info.CreatedUnixMs, simulation.NodeNames[info.Node]),
                            new int[info.Containers]);
                    }

                    if (e.Kind == EventKind.PodUpdated)
                    {
                        pod.Snapshot = pod.Snapshot with { Phase = e.Phase, Ready = e.Ready, LastTransitionUnixMs = e.UnixMs };
                    }
                    else
                    {
                        var restarts = ++pod.Containers[e.Container];
                        pod.Snapshot = pod.Snapshot with
                        {
                            Restarts = pod.Snapshot.Restarts + 1,
                            MaxContainerRestarts = Math.Max(pod.Snapshot.MaxContainerRestarts, restarts),
                        };
                    }

                    pods[e.Pod] = pod;
                    break;
            }
        }

        var aggregates = new List<MinuteAggregate>(windows.Count);
        foreach (var (key, acc) in windows)
        {
            aggregates.Add(new MinuteAggregate(
                simulation.NodeNames[key.Node], key.Window, acc.Count, acc.CpuSum, acc.CpuMin, acc.CpuMax, acc.MemorySum / acc.Count, acc.MemoryMax));
        }

        Sort(aggregates);
        var snapshots = new Dictionary<int, PodSnapshot>(pods.Count);
        foreach (var (id, pod) in pods)
        {
            snapshots.Add(id, pod.Snapshot);
        }

        return new Reference(aggregates, snapshots, digest);
    }

    /// <summary>Sorts aggregates by node then window, the order comparisons use.</summary>
    public static void Sort(List<MinuteAggregate> aggregates) =>
        aggregates.Sort(static (a, b) =>
        {
            var byNode = string.CompareOrdinal(a.Node, b.Node);
            return byNode != 0 ? byNode : a.WindowStartMs.CompareTo(b.WindowStartMs);
        });

    /// <summary>
    /// Checks a pipeline against the reference: stored aggregates (decoded), stored samples (decoded), and the state of
    /// every pod that ever existed. Returns null when everything is identical, else the first difference.
    /// </summary>
    public string? Check(ClusterSimulation simulation, IClusterPipeline pipeline)
    {
        var stored = pipeline.ReadStoredAggregates();
        Sort(stored);
        if (stored.Count != Aggregates.Count)
        {
            return $"{pipeline.Name}: {stored.Count} node-minute aggregates stored, expected {Aggregates.Count}.";
        }

        for (var i = 0; i < stored.Count; i++)
        {
            if (!stored[i].Equals(Aggregates[i]))
            {
                return $"{pipeline.Name}: aggregate {i} is {stored[i]}, expected {Aggregates[i]}.";
            }
        }

        var samples = pipeline.ReadStoredSamples();
        if (samples != Samples)
        {
            return $"{pipeline.Name}: stored samples {samples}, expected {Samples}.";
        }

        foreach (var pod in simulation.Pods)
        {
            var has = pipeline.TryGetPod(pod.Namespace, pod.Name, out var actual);
            var expected = Pods.TryGetValue(pod.Id, out var snapshot);
            if (has != expected || (has && actual != snapshot))
            {
                return $"{pipeline.Name}: pod {pod.Namespace}/{pod.Name} is {(has ? actual.ToString() : "absent")}, expected {(expected ? snapshot.ToString() : "absent")}.";
            }
        }

        return null;
    }

    private readonly record struct Accumulator(long Count, double CpuSum, double CpuMin, double CpuMax, double MemorySum, double MemoryMax)
    {
        public static Accumulator Start(in ClusterEvent e) => new(1, e.CpuMillicores, e.CpuMillicores, e.CpuMillicores, e.MemoryMiB, e.MemoryMiB);

        public Accumulator Add(in ClusterEvent e) => new(
            Count + 1, CpuSum + e.CpuMillicores, Math.Min(CpuMin, e.CpuMillicores), Math.Max(CpuMax, e.CpuMillicores),
            MemorySum + e.MemoryMiB, Math.Max(MemoryMax, e.MemoryMiB));
    }
}
