using System.Buffers;
using ClusterState.Simulation;
using Hotpath;
using Hotpath.Batching;
using Hotpath.Caching;
using Hotpath.Compression;

namespace ClusterState.Pipelines.Hotpath;

/// <summary>
/// The cluster-state pipeline written with Hotpath: pod events are decoded into pooled <see cref="PodEvent"/>s and
/// applied to pooled <see cref="PodState"/>s held in a sharded <see cref="PodCache"/> (unknown pods come from a
/// single-flight loader); node samples flow through a <see cref="BatchEngine{T}"/> into the generated
/// <see cref="NodeMinute.Reducer"/>; every ten minutes the closed windows and their raw samples are stored as
/// columnar blocks (<see cref="MinuteRow"/>, <see cref="SampleRow"/>).
/// </summary>
public sealed class HotpathPipeline : IClusterPipeline
{
    private readonly ClusterSimulation _simulation;
    private readonly PodCache _cache;
    private readonly Func<PodStateKey, CancellationToken, ValueTask<PodState>> _loader;
    private readonly BatchEngine<NodeMetric> _engine;
    private readonly NodeMinute.Reducer _reducer;
    private readonly ArrayBufferWriter<byte> _block = new(1 << 20);
    private readonly List<byte[]> _sampleBlocks = new();
    private readonly List<byte[]> _aggregateBlocks = new();
    private readonly int[] _nodeStarts;
    private readonly PoolStatistics[] _poolsAtStart;
    private readonly Thread _storage;
    private readonly ManualResetEventSlim _storeIdle = new(initialState: false);
    private readonly ManualResetEventSlim _storeWork = new(initialState: false);
    private NodeMetric[] _segment = new NodeMetric[1 << 16];
    private NodeMetric[] _sealed = new NodeMetric[1 << 16];
    private SampleRow[] _sorted = new SampleRow[1 << 16];
    private NodeMinute[] _minutes = new NodeMinute[1 << 14];
    private MinuteRow[] _minuteRows = new MinuteRow[1 << 14];
    private int _segmentCount;
    private int _sealedCount;
    private int _sealedMinutes;
    private volatile bool _stopping;
    private long _segmentIndex = -1;
    private long _storedSamples;
    private Exception? _failure;

    /// <summary>A pipeline over <paramref name="simulation"/>'s cluster (its API server answers the loader).</summary>
    public HotpathPipeline(ClusterSimulation simulation)
    {
        _simulation = simulation;
        _nodeStarts = new int[simulation.NodeNames.Length + 1];

        // Sized for every group of a segment (each node, each minute, plus one window of slack) so it never grows
        // while sealing. It would grow by itself; sizing it up front keeps the steady state allocation-free.
        _reducer = new NodeMinute.Reducer(simulation.NodeNames.Length * (int)(Segments.LengthMs / Segments.WindowMs + 1));
        _poolsAtStart = [PodEvent.Pool.Statistics, PodState.Pool.Statistics, ContainerState.Pool.Statistics];

        // Room for every live pod twice over, so nothing live is evicted (a real service would reload it).
        _cache = new PodCache(new ShardedCacheOptions { Shards = 16, Capacity = Math.Max(1_024, simulation.Pods.Count * 2), Name = "pods", TrimOnMemoryPressure = false });
        // (Not trimmed under memory pressure: here the cache is the only copy of each pod's state.)
        _loader = Load;
        _engine = new BatchEngine<NodeMetric>(
            new BatchEngineOptions { MaxBatchSize = 4_096, MaxDelay = TimeSpan.FromMilliseconds(20), Capacity = 1 << 16, MaxConcurrentBatches = 1 },
            HandleBatch,
            DeadLetter);

        // Blocks are encoded on one dedicated thread: ingestion never waits for compression, and the codec's
        // pooled scratch buffers stay with the one thread that uses them.
        _storage = new Thread(StoreLoop) { IsBackground = true, Name = "ClusterState storage" };
        _storage.Start();
        _storeIdle.Wait();
    }

    /// <inheritdoc />
    public string Name => "hotpath";

    /// <inheritdoc />
    public StorageFigures Storage => new(Sum(_sampleBlocks), Sum(_aggregateBlocks), _storedSamples, _sampleBlocks.Count + _aggregateBlocks.Count);

    /// <inheritdoc />
    [HotPath]
    public void Process(ReadOnlySpan<ClusterEvent> events)
    {
        foreach (ref readonly var e in events)
        {
            if (e.Kind == EventKind.NodeSample)
            {
                var metric = new NodeMetric
                {
                    UnixMs = e.UnixMs, Node = _simulation.NodeNames[e.Node], NodeIndex = e.Node, Cpu = e.CpuMillicores, Memory = e.MemoryMiB,
                };
                if (!_engine.Post(metric))
                {
                    PostSlow(metric);
                }
            }
            else
            {
                ApplyPodEvent(in e);
            }
        }
    }

    /// <inheritdoc />
    public void Complete()
    {
        _engine.CompleteAsync().GetAwaiter().GetResult();
        Seal();
        StopStorage();
        if (_failure is not null)
        {
            throw new InvalidOperationException("A batch of samples failed.", _failure);
        }
    }

    /// <inheritdoc />
    public List<MinuteAggregate> ReadStoredAggregates()
    {
        var result = new List<MinuteAggregate>();
        foreach (var block in _aggregateBlocks)
        {
            foreach (var r in MinuteRow.Codec.Decode(block))
            {
                result.Add(new MinuteAggregate(r.Node, r.WindowStartMs, r.Samples, r.CpuSum, r.CpuMin, r.CpuMax, r.MemoryMean, r.MemoryMax));
            }
        }

        return result;
    }

    /// <inheritdoc />
    public SampleDigest ReadStoredSamples()
    {
        var digest = default(SampleDigest);
        foreach (var block in _sampleBlocks)
        {
            foreach (var r in SampleRow.Codec.Decode(block))
            {
                digest = digest.Add(r.Node, r.UnixMs, r.Cpu, r.Memory);
            }
        }

        return digest;
    }

    /// <inheritdoc />
    public bool TryGetPod(string @namespace, string name, out PodSnapshot snapshot)
    {
        if (!_cache.TryGet(@namespace, name, out var pod))
        {
            snapshot = default;
            return false;
        }

        var max = 0;
        foreach (var c in pod.Containers)
        {
            max = Math.Max(max, c.Restarts);
        }

        snapshot = new PodSnapshot(pod.Phase, pod.Ready, pod.Restarts, max, pod.LastTransitionUnixMs, pod.Node);
        return true;
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, double>> ExtraFigures()
    {
        long rents = 0, hits = 0;
        ReadOnlySpan<PoolStatistics> now = [PodEvent.Pool.Statistics, PodState.Pool.Statistics, ContainerState.Pool.Statistics];
        for (var i = 0; i < now.Length; i++)
        {
            rents += now[i].Rents - _poolsAtStart[i].Rents;
            hits += now[i].Hits - _poolsAtStart[i].Hits;
        }

        var cache = _cache.Statistics;
        return
        [
            new("poolHitRate", rents == 0 ? 0 : (double)hits / rents),
            new("cacheHitRatio", cache.Hits + cache.Misses == 0 ? 0 : (double)cache.Hits / (cache.Hits + cache.Misses)),
            new("poolRents", rents),
            new("cacheMisses", cache.Misses),
            new("cacheEvictions", cache.Evictions),
            new("livePods", _cache.Count),
        ];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        StopStorage();
        _storeIdle.Dispose();
        _storeWork.Dispose();
    }

    [HotPath]
    private void ApplyPodEvent(in ClusterEvent e)
    {
        var pod = _simulation.Pods[e.Pod];
        using var lease = PodEvent.Pool.Lease(out var evt);
        evt.Kind = e.Kind;
        evt.Namespace = pod.Namespace;
        evt.Name = pod.Name;
        evt.Phase = e.Phase;
        evt.Ready = e.Ready;
        evt.Container = e.Container;
        evt.UnixMs = e.UnixMs;
        Apply(evt);
    }

    [HotPath]
    private void Apply(PodEvent evt)
    {
        if (evt.Kind == EventKind.PodDeleted)
        {
            if (_cache.TryGet(evt.Namespace, evt.Name, out var gone))
            {
                _cache.Remove(evt.Namespace, evt.Name);
                Release(gone);
            }

            return;
        }

        // Known pods are a synchronous hit; an unknown pod runs the loader once, even if several callers miss at once.
        var pending = _cache.GetOrAddAsync(evt.Namespace, evt.Name, _loader);
        var state = pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
        if (evt.Kind == EventKind.PodUpdated)
        {
            state.Phase = evt.Phase;
            state.Ready = evt.Ready;
            state.LastTransitionUnixMs = evt.UnixMs;
        }
        else
        {
            var container = state.Containers[evt.Container];
            container.Restarts++;
            container.LastRestartUnixMs = evt.UnixMs;
            state.Restarts++;
        }
    }

    private static PodState Wait(ValueTask<PodState> pending) => pending.AsTask().GetAwaiter().GetResult();

    // The API server's answer for a pod we have not seen: rented, filled, cached by the caller.
    private ValueTask<PodState> Load(PodStateKey key, CancellationToken cancellationToken)
    {
        var info = _simulation.Describe(key.Namespace, key.Name) ?? throw new InvalidOperationException($"Unknown pod {key.Namespace}/{key.Name}.");
        var state = PodState.Pool.Rent();
        state.Namespace = info.Namespace;
        state.Name = info.Name;
        state.Node = _simulation.NodeNames[info.Node];
        state.Phase = info.InitialPhase;
        state.Ready = info.InitialPhase == PodPhase.Running;
        state.LastTransitionUnixMs = info.CreatedUnixMs;
        for (var i = 0; i < info.Containers; i++)
        {
            state.Containers.Add(ContainerState.Pool.Rent());
        }

        return new ValueTask<PodState>(state);
    }

    private static void Release(PodState state)
    {
        foreach (var container in state.Containers)
        {
            ContainerState.Pool.Return(container);
        }

        PodState.Pool.Return(state);
    }

    private void PostSlow(NodeMetric metric)
    {
        // The engine is full (Capacity): block until there is room (backpressure, not loss, and no spinning that
        // would steal the core the engine's worker needs). Rare: room comes back a batch at a time.
        _engine.PostAsync(metric).AsTask().GetAwaiter().GetResult();
    }

    // Runs on the engine's worker, one batch at a time (MaxConcurrentBatches = 1), rows in posting order.
    [HotPath]
    private ValueTask HandleBatch(ReadOnlyMemory<NodeMetric> batch, CancellationToken cancellationToken)
    {
        var rows = batch.Span;
        var start = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var segment = rows[i].UnixMs / Segments.LengthMs;
            if (segment != _segmentIndex)
            {
                Append(rows[start..i]);
                Seal();
                _segmentIndex = segment;
                start = i;
            }
        }

        Append(rows[start..]);
        return default;
    }

    private ValueTask DeadLetter(ReadOnlyMemory<NodeMetric> batch, Exception error)
    {
        _failure ??= error;
        return default;
    }

    [HotPath]
    private void Append(ReadOnlySpan<NodeMetric> rows)
    {
        if (rows.IsEmpty)
        {
            return;
        }

        _reducer.Add(rows);
        if (_segmentCount + rows.Length > _segment.Length)
        {
            GrowSegment(_segmentCount + rows.Length);
        }

        rows.CopyTo(_segment.AsSpan(_segmentCount));
        _segmentCount += rows.Length;
    }

    // The rare, amortised growth of the segment buffer, kept off the hot path (doubling: a few times per run).
    private void GrowSegment(int needed) => Array.Resize(ref _segment, Math.Max(_segment.Length * 2, needed));

    // Closes the segment (on the engine's worker): its windows are all closed, so hand the aggregates and the raw
    // samples to the storage thread and start afresh. Waits only if the previous segment is still being encoded.
    private void Seal()
    {
        if (_segmentCount == 0)
        {
            return;
        }

        _storeIdle.Wait();
        _storeIdle.Reset();
        var minutes = _reducer.Count;
        if (minutes > _minutes.Length)
        {
            _minutes = new NodeMinute[minutes * 2];
            _minuteRows = new MinuteRow[minutes * 2];
        }

        // The reducer hands groups back in insertion order: window by window, so WindowStartMs barely moves.
        _reducer.CopyTo(_minutes);
        for (var i = 0; i < minutes; i++)
        {
            ref readonly var m = ref _minutes[i];
            _minuteRows[i] = new MinuteRow
            {
                Node = m.Node, WindowStartMs = m.WindowStartMs, Samples = m.Samples, CpuSum = m.CpuSum, CpuMin = m.CpuMin,
                CpuMax = m.CpuMax, MemoryMean = m.MemoryMean, MemoryMax = m.MemoryMax,
            };
        }

        (_sealed, _segment) = (_segment, _sealed);
        _sealedCount = _segmentCount;
        _sealedMinutes = minutes;
        _segmentCount = 0;
        _reducer.Clear();
        _storeWork.Set();
    }

    private void StoreLoop()
    {
        WarmUpStorage();
        _storeIdle.Set();
        while (true)
        {
            _storeWork.Wait();
            _storeWork.Reset();
            if (_stopping)
            {
                return;
            }

            try
            {
                _aggregateBlocks.Add(Encode(MinuteRow.Codec, _minuteRows.AsSpan(0, _sealedMinutes)));
                _sampleBlocks.Add(Encode(SampleRow.Codec, SortByNode()));
                _storedSamples += _sealedCount;
            }
            catch (Exception error)
            {
                _failure ??= error;
            }

            _storeIdle.Set();
        }
    }

    // Encodes one throw-away block of a segment's expected size, so the codec's pooled scratch buffers exist on this
    // thread before the first real segment (start-up work, like sizing the other buffers in the constructor).
    private void WarmUpStorage()
    {
        var rows = 0;
        foreach (var hot in _simulation.HotNodes)
        {
            rows += (int)(Segments.LengthMs / (hot ? ClusterSimulation.HotSampleIntervalMs : ClusterSimulation.SampleIntervalMs));
        }

        var nodes = _simulation.NodeNames;
        var samples = new SampleRow[rows];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = new SampleRow { UnixMs = ClusterSimulation.StartUnixMs + (i * 10_000L), Node = nodes[i % nodes.Length], Cpu = i % 4_000, Memory = i % 64 };
        }

        var minutes = new MinuteRow[nodes.Length * (int)(Segments.LengthMs / Segments.WindowMs)];
        for (var i = 0; i < minutes.Length; i++)
        {
            minutes[i] = new MinuteRow { Node = nodes[i % nodes.Length], WindowStartMs = ClusterSimulation.StartUnixMs + (i / nodes.Length * Segments.WindowMs) };
        }

        Encode(SampleRow.Codec, samples);
        Encode(MinuteRow.Codec, minutes);
    }

    private void StopStorage()
    {
        if (!_storage.IsAlive)
        {
            return;
        }

        _storeIdle.Wait();
        _stopping = true;
        _storeWork.Set();
        _storage.Join();
    }

    // Stable counting sort by node: rows arrive in time order, so each node's rows stay in time order.
    private ReadOnlySpan<SampleRow> SortByNode()
    {
        if (_sorted.Length < _sealedCount)
        {
            _sorted = new SampleRow[_sealed.Length];
        }

        var starts = _nodeStarts.AsSpan();
        starts.Clear();
        var rows = _sealed.AsSpan(0, _sealedCount);
        foreach (ref readonly var r in rows)
        {
            starts[r.NodeIndex + 1]++;
        }

        for (var n = 1; n < starts.Length; n++)
        {
            starts[n] += starts[n - 1];
        }

        foreach (ref readonly var r in rows)
        {
            _sorted[starts[r.NodeIndex]++] = new SampleRow { UnixMs = r.UnixMs, Node = r.Node, Cpu = r.Cpu, Memory = r.Memory };
        }

        return _sorted.AsSpan(0, _sealedCount);
    }

    private byte[] Encode<T>(IColumnarCodec<T> codec, ReadOnlySpan<T> rows)
    {
        _block.ResetWrittenCount();
        codec.Encode(rows, _block);
        return _block.WrittenSpan.ToArray();
    }

    private static long Sum(List<byte[]> blocks)
    {
        long total = 0;
        foreach (var b in blocks)
        {
            total += b.Length;
        }

        return total;
    }
}
