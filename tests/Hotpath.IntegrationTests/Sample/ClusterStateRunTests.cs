using Hotpath.Tests.Shared;
using ClusterState;
using ClusterState.Pipelines;
using ClusterState.Pipelines.Hotpath;
using ClusterState.Simulation;

namespace Hotpath.IntegrationTests.Sample;

/// <summary>The sample's pipelines run in-process at a small size and are checked against the reference.</summary>
public sealed class ClusterStateRunTests
{
    private static readonly RunOptions Small = new(Pods: 2_000, Nodes: 100, Events: 20_000, Seed: 7);

    [Fact]
    public void BothPipelines_ProduceIdenticalResults_AndSaneFigures()
    {
        var report = ClusterRun.Execute(Small, new SilentProgress());

        Assert.True(report.Identical, report.Mismatch);
        Assert.Null(report.Mismatch);
        Assert.True(report.AggregatesChecked > 0);
        foreach (var side in new[] { report.Hotpath!, report.Naive! })
        {
            Assert.Equal(Small.Events, side.Events);
            Assert.Equal(report.Samples, side.Storage.Samples);
            Assert.True(side.EventsPerSecond > 0);
            Assert.True(side.Storage.SampleBytes > 0);
            Assert.True(side.Storage.AggregateBytes > 0);
        }

        Assert.InRange(report.Hotpath!.Figure("poolHitRate")!.Value, 0.0, 1.0);
        Assert.InRange(report.Hotpath.Figure("cacheHitRatio")!.Value, 0.01, 1.0);
        Assert.Equal(0, report.Hotpath.Figure("cacheEvictions"));

        // The columnar blocks are smaller than JSON + GZip even at this size.
        Assert.True(report.Hotpath.StoredBytesPerSample < report.Naive!.StoredBytesPerSample);
    }

    [Fact]
    public void TheMeterListener_SeesTheHotpathInstruments()
    {
        var report = ClusterRun.Execute(Small with { Only = PipelineSelection.Hotpath }, new SilentProgress());

        Assert.True(report.Identical, report.Mismatch);
        Assert.Null(report.Naive);
        Assert.Contains(report.Metrics, m => m.Instrument.StartsWith("hotpath.", StringComparison.Ordinal) && m.Measurements > 0);
    }

    [Fact]
    public void ATamperedPipeline_IsCaughtByTheCheck()
    {
        // Drops the last node sample of the stream: one aggregate, the sample digest and nothing else changes.
        var report = ClusterRun.Execute(Small with { Only = PipelineSelection.Hotpath }, new SilentProgress(), static sim => new DropLastSample(sim));

        Assert.False(report.Identical);
        Assert.Contains("hotpath", report.Mismatch, StringComparison.Ordinal);
    }

    [OptimizedBuildFact]
    public void OnceWarm_APodEventForAKnownPod_AllocatesNothing()
    {
        // Lease a PodEvent, hit the cache, update the PodState, return the lease: no allocation on the ingest thread.
        // New pods (cache misses, pool growth) and sealed blocks are what a run allocates; node samples cost a lock
        // and an array write in the batch engine, plus its per-batch bookkeeping (covered by the batching tests).
        var simulation = ClusterSimulation.Generate(2_000, 100, 40_000, seed: 11);
        var live = ClusterState.Verification.Reference.Compute(simulation).Pods;
        var replay = simulation.Events
            .Where(e => e.Kind is EventKind.PodUpdated or EventKind.ContainerRestarted && live.ContainsKey(e.Pod))
            .TakeLast(5_000)
            .ToArray();
        using var pipeline = new HotpathPipeline(simulation);
        pipeline.Process(simulation.Events);
        pipeline.Process(replay);

        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            pipeline.Process(replay);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        });
        Assert.Contains(replay, e => e.Kind == EventKind.PodUpdated);
        Assert.Contains(replay, e => e.Kind == EventKind.ContainerRestarted);
        pipeline.Complete();
    }

    [Fact]
    public void TheStream_IsDeterministicForASeed_AndRealistic()
    {
        var a = ClusterSimulation.Generate(500, 40, 30_000, seed: 3);
        var b = ClusterSimulation.Generate(500, 40, 30_000, seed: 3);
        var c = ClusterSimulation.Generate(500, 40, 30_000, seed: 4);

        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Pods.Select(p => p.Namespace + "/" + p.Name), b.Pods.Select(p => p.Namespace + "/" + p.Name));
        Assert.NotEqual(a.Events, c.Events);

        // Time-ordered, every kind present, unique pod names, samples about 60% of the stream.
        for (var i = 1; i < a.Events.Length; i++)
        {
            Assert.True(a.Events[i].UnixMs >= a.Events[i - 1].UnixMs);
        }

        foreach (var kind in Enum.GetValues<EventKind>())
        {
            Assert.Contains(a.Events, e => e.Kind == kind);
        }

        Assert.Equal(a.Pods.Count, a.Pods.Select(p => (p.Namespace, p.Name)).Distinct().Count());
        Assert.InRange(a.SampleCount / (double)a.Events.Length, 0.5, 0.7);
        Assert.Contains(a.HotNodes, hot => hot);
    }

    private sealed class SilentProgress : IRunProgress
    {
        public void Stage(string name, double total)
        {
        }

        public void Report(double done)
        {
        }
    }

    private sealed class DropLastSample(ClusterSimulation simulation) : IClusterPipeline
    {
        private readonly HotpathPipeline _inner = new(simulation);
        private readonly int _last = Array.FindLastIndex(simulation.Events, e => e.Kind == EventKind.NodeSample);
        private int _seen;

        public string Name => _inner.Name;

        public StorageFigures Storage => _inner.Storage;

        public void Process(ReadOnlySpan<ClusterEvent> events)
        {
            var drop = _last - _seen;
            _seen += events.Length;
            if (drop >= 0 && drop < events.Length)
            {
                _inner.Process(events[..drop]);
                _inner.Process(events[(drop + 1)..]);
                return;
            }

            _inner.Process(events);
        }

        public void Complete() => _inner.Complete();

        public List<MinuteAggregate> ReadStoredAggregates() => _inner.ReadStoredAggregates();

        public SampleDigest ReadStoredSamples() => _inner.ReadStoredSamples();

        public bool TryGetPod(string @namespace, string name, out PodSnapshot snapshot) => _inner.TryGetPod(@namespace, name, out snapshot);

        public IReadOnlyList<KeyValuePair<string, double>> ExtraFigures() => _inner.ExtraFigures();

        public void Dispose() => _inner.Dispose();
    }
}
