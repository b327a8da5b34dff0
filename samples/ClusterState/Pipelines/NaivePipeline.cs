using System.IO.Compression;
using System.Text.Json;
using ClusterState.Simulation;

namespace ClusterState.Pipelines;

/// <summary>
/// The same pipeline written the common way: a new event object per event, <c>namespace + "/" + name</c> keys in a
/// <see cref="Dictionary{TKey, TValue}"/> under a lock, immutable records updated with <c>with</c>, LINQ
/// <c>GroupBy</c> for the per-node per-minute aggregates, and System.Text.Json + GZip for storage.
/// Nothing here is deliberately slow: it is what a reasonable service looks like before anyone profiles it.
/// </summary>
public sealed class NaivePipeline(ClusterSimulation simulation) : IClusterPipeline
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly object _gate = new();
    private readonly Dictionary<string, PodRecord> _pods = new();
    private readonly List<NodeSampleEvent> _segment = new();
    private readonly List<byte[]> _sampleBlocks = new();
    private readonly List<byte[]> _aggregateBlocks = new();
    private long _segmentIndex = -1;
    private long _storedSamples;

    /// <inheritdoc />
    public string Name => "naive";

    /// <inheritdoc />
    public StorageFigures Storage => new(
        _sampleBlocks.Sum(b => (long)b.Length), _aggregateBlocks.Sum(b => (long)b.Length), _storedSamples,
        _sampleBlocks.Count + _aggregateBlocks.Count);

    /// <inheritdoc />
    public void Process(ReadOnlySpan<ClusterEvent> events)
    {
        foreach (var raw in events)
        {
            Handle(Decode(raw));
        }
    }

    /// <inheritdoc />
    public void Complete() => Seal();

    /// <inheritdoc />
    public List<MinuteAggregate> ReadStoredAggregates() =>
        _aggregateBlocks
            .SelectMany(block => Decompress<List<NodeMinuteRecord>>(block))
            .Select(r => new MinuteAggregate(r.Node, r.WindowStartMs, r.Samples, r.CpuSum, r.CpuMin, r.CpuMax, r.MemoryMean, r.MemoryMax))
            .ToList();

    /// <inheritdoc />
    public SampleDigest ReadStoredSamples()
    {
        var digest = default(SampleDigest);
        foreach (var block in _sampleBlocks)
        {
            foreach (var s in Decompress<List<NodeSampleEvent>>(block))
            {
                digest = digest.Add(s.Node, s.UnixMs, s.Cpu, s.Memory);
            }
        }

        return digest;
    }

    /// <inheritdoc />
    public bool TryGetPod(string @namespace, string name, out PodSnapshot snapshot)
    {
        lock (_gate)
        {
            if (_pods.TryGetValue(@namespace + "/" + name, out var pod))
            {
                snapshot = new PodSnapshot(pod.Phase, pod.Ready, pod.Restarts, pod.Containers.Max(c => c.Restarts), pod.LastTransitionUnixMs, pod.Node);
                return true;
            }
        }

        snapshot = default;
        return false;
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, double>> ExtraFigures() => [new("livePods", _pods.Count)];

    /// <inheritdoc />
    public void Dispose()
    {
    }

    // The watch stream decoded into one object per event, as a JSON or protobuf client would hand it over.
    private ClusterEventRecord Decode(in ClusterEvent e)
    {
        if (e.Kind == EventKind.NodeSample)
        {
            return new NodeSampleEvent(e.UnixMs, simulation.NodeNames[e.Node], e.CpuMillicores, e.MemoryMiB);
        }

        var pod = simulation.Pods[e.Pod];
        return e.Kind switch
        {
            EventKind.PodUpdated => new PodUpdatedEvent(e.UnixMs, pod.Namespace, pod.Name, e.Phase, e.Ready),
            EventKind.ContainerRestarted => new ContainerRestartedEvent(e.UnixMs, pod.Namespace, pod.Name, e.Container),
            _ => new PodDeletedEvent(e.UnixMs, pod.Namespace, pod.Name),
        };
    }

    private void Handle(ClusterEventRecord e)
    {
        switch (e)
        {
            case NodeSampleEvent sample:
                var segment = sample.UnixMs / Segments.LengthMs;
                if (segment != _segmentIndex)
                {
                    Seal();
                    _segmentIndex = segment;
                }

                _segment.Add(sample);
                break;
            case PodUpdatedEvent update:
                lock (_gate)
                {
                    var key = update.Namespace + "/" + update.Name;
                    var pod = GetOrLoad(key, update.Namespace, update.Name);
                    _pods[key] = pod with { Phase = update.Phase, Ready = update.Ready, LastTransitionUnixMs = update.UnixMs };
                }

                break;
            case ContainerRestartedEvent restart:
                lock (_gate)
                {
                    var key = restart.Namespace + "/" + restart.Name;
                    var pod = GetOrLoad(key, restart.Namespace, restart.Name);
                    var container = pod.Containers[restart.Container];
                    var containers = pod.Containers.ToList();
                    containers[restart.Container] = container with { Restarts = container.Restarts + 1, LastRestartUnixMs = restart.UnixMs };
                    _pods[key] = pod with { Restarts = pod.Restarts + 1, Containers = containers };
                }

                break;
            case PodDeletedEvent deleted:
                lock (_gate)
                {
                    _pods.Remove(deleted.Namespace + "/" + deleted.Name);
                }

                break;
        }
    }

    private PodRecord GetOrLoad(string key, string @namespace, string name)
    {
        if (_pods.TryGetValue(key, out var pod))
        {
            return pod;
        }

        var info = simulation.Describe(@namespace, name) ?? throw new InvalidOperationException($"Unknown pod {key}.");
        return new PodRecord(
            info.Namespace, info.Name, simulation.NodeNames[info.Node], info.InitialPhase, info.InitialPhase == PodPhase.Running,
            0, info.CreatedUnixMs, Enumerable.Range(0, info.Containers).Select(i => new ContainerRecord($"container-{i}", 0, 0)).ToList());
    }

    private void Seal()
    {
        if (_segment.Count == 0)
        {
            return;
        }

        var aggregates = _segment
            .GroupBy(s => (s.Node, Window: s.UnixMs - s.UnixMs % Segments.WindowMs))
            .Select(g => new NodeMinuteRecord(
                g.Key.Node, g.Key.Window, g.Count(), g.Sum(s => s.Cpu), g.Min(s => s.Cpu), g.Max(s => s.Cpu),
                g.Average(s => s.Memory), g.Max(s => s.Memory)))
            .ToList();
        _aggregateBlocks.Add(Compress(aggregates));
        _sampleBlocks.Add(Compress(_segment));
        _storedSamples += _segment.Count;
        _segment.Clear();
    }

    private static byte[] Compress<T>(T value)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            JsonSerializer.Serialize(gzip, value, Json);
        }

        return buffer.ToArray();
    }

    private static T Decompress<T>(byte[] block)
    {
        using var gzip = new GZipStream(new MemoryStream(block), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<T>(gzip, Json) ?? throw new InvalidDataException("Empty block.");
    }

    private abstract record ClusterEventRecord(long UnixMs);

    private sealed record NodeSampleEvent(long UnixMs, string Node, double Cpu, double Memory) : ClusterEventRecord(UnixMs);

    private sealed record PodUpdatedEvent(long UnixMs, string Namespace, string Name, PodPhase Phase, bool Ready) : ClusterEventRecord(UnixMs);

    private sealed record ContainerRestartedEvent(long UnixMs, string Namespace, string Name, int Container) : ClusterEventRecord(UnixMs);

    private sealed record PodDeletedEvent(long UnixMs, string Namespace, string Name) : ClusterEventRecord(UnixMs);

    private sealed record ContainerRecord(string Name, int Restarts, long LastRestartUnixMs);

    private sealed record PodRecord(
        string Namespace, string Name, string Node, PodPhase Phase, bool Ready, int Restarts, long LastTransitionUnixMs,
        List<ContainerRecord> Containers);

    private sealed record NodeMinuteRecord(
        string Node, long WindowStartMs, long Samples, double CpuSum, double CpuMin, double CpuMax, double MemoryMean, double MemoryMax);
}

/// <summary>Time layout shared by both pipelines and the reference.</summary>
public static class Segments
{
    /// <summary>Aggregation window: one minute.</summary>
    public const long WindowMs = 60_000;

    /// <summary>Storage segment: ten minutes. A segment's windows are closed (and stored) when the next segment starts.</summary>
    public const long LengthMs = 600_000;
}
