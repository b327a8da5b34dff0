using Hotpath.Tests.Shared;
using ClusterState;
using ClusterState.Pipelines;
using ClusterState.Pipelines.Hotpath;
using ClusterState.Reporting;
using ClusterState.Simulation;
using Spectre.Console;

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

    [Fact]
    public void AMismatchInARoundBeforeTheLast_FailsTheRun()
    {
        // Every round's pipeline is checked, not only the last one's. The factory is called for the warm-ups
        // (four on the small warm-up stream, one on the measured stream), then once a round: with three rounds,
        // the third call on the measured stream builds round 2's pipeline, and only that one drops a sample.
        var callsOnMeasuredStream = 0;
        var report = ClusterRun.Execute(
            Small with { Only = PipelineSelection.Hotpath, Rounds = 3 }, new SilentProgress(),
            sim => sim.Seed == Small.Seed && ++callsOnMeasuredStream == 3 ? new DropLastSample(sim) : new HotpathPipeline(sim));

        Assert.Equal(4, callsOnMeasuredStream);
        Assert.False(report.Identical);
        Assert.Contains("hotpath", report.Mismatch, StringComparison.Ordinal);
        Assert.Contains("round 2 of 3", report.Mismatch, StringComparison.Ordinal);
        Assert.Equal(3, report.Hotpath!.EventsPerSecondRounds.Count);
    }

    [Fact]
    public void EachSide_IsMeasuredRoundsTimes_AndReportsItsMedianRound()
    {
        var report = ClusterRun.Execute(Small with { Rounds = 3 }, new SilentProgress());

        Assert.True(report.Identical, report.Mismatch);
        foreach (var side in new[] { report.Hotpath!, report.Naive! })
        {
            Assert.Equal(3, side.EventsPerSecondRounds.Count);
            Assert.All(side.EventsPerSecondRounds, eps => Assert.True(eps > 0));
            Assert.Equal(side.EventsPerSecondRounds.Order().ElementAt(1), side.EventsPerSecond);
        }
    }

    [Theory]
    [InlineData(PipelineSelection.Both, 3)]
    [InlineData(PipelineSelection.Hotpath, 1)]
    public void TheProgress_HasOneBarASideOverAllItsRounds_AndOneForTheChecks_EachFilledOnce(PipelineSelection only, int rounds)
    {
        var progress = new RecordingProgress();
        var report = ClusterRun.Execute(Small with { Only = only, Rounds = rounds }, progress);

        Assert.True(report.Identical, report.Mismatch);
        string[] expected = (only, rounds) switch
        {
            (PipelineSelection.Both, 3) => ["Generating events", "Warming up", "Naive pipeline, 3 rounds", "Hotpath pipeline, 3 rounds", "Checking each round against the reference"],
            _ => ["Generating events", "Warming up", "Hotpath pipeline", "Checking against the reference"],
        };
        Assert.Equal(expected, progress.Stages.Select(static stage => stage.Name));
        var sides = only == PipelineSelection.Both ? 2 : 1;
        foreach (var stage in progress.Stages)
        {
            var total = stage.Name.StartsWith("Checking", StringComparison.Ordinal) ? rounds * sides
                : stage.Name.Contains("pipeline", StringComparison.Ordinal) ? (double)rounds * Small.Events
                : stage.Total;
            Assert.Equal(total, stage.Total);
            Assert.Equal(total, stage.Reports[^1]); // filled
            Assert.Equal(stage.Reports.Order(), stage.Reports); // never going back
            Assert.Single(stage.Reports, done => done == total); // filled once: no round reports past it
        }
    }

    [Fact]
    public void TheMedianRound_OfAnOddCount_IsTheMiddleOne_WithItsOwnFigures()
    {
        // Rounds in the order they ran: 4, 2 and 3 seconds for the same events.
        PipelineResult[] rounds = [Round(seconds: 4, allocated: 400, gen0: 4), Round(seconds: 2, allocated: 200, gen0: 2), Round(seconds: 3, allocated: 300, gen0: 3)];

        var median = ClusterRun.MedianRound(rounds);

        Assert.Equal(rounds[2].Storage, median.Storage);
        Assert.Equal(3, median.Seconds);
        Assert.Equal(300, median.AllocatedBytes);
        Assert.Equal(3, median.Gen0);
        Assert.Equal(300.0, median.Figure("marker"));
        Assert.Equal([250.0, 500.0, 1000.0 / 3], median.EventsPerSecondRounds);
    }

    [Fact]
    public void TheMedianRound_OfAnEvenCount_IsTheLowerMiddleOne()
    {
        // Events/s in round order: 250, 1000, 500, 200; sorted 200, 250, 500, 1000: the lower middle is 250 (round 1).
        PipelineResult[] rounds = [Round(seconds: 4, allocated: 400, gen0: 4), Round(seconds: 1, allocated: 100, gen0: 1), Round(seconds: 2, allocated: 200, gen0: 2), Round(seconds: 5, allocated: 500, gen0: 5)];

        var median = ClusterRun.MedianRound(rounds);

        Assert.Equal(250, median.EventsPerSecond);
        Assert.Equal(400, median.AllocatedBytes);
        Assert.Equal(4, median.Gen0);
        Assert.Equal([250.0, 1000.0, 500.0, 200.0], median.EventsPerSecondRounds);

        // Two rounds: the slower one.
        Assert.Equal(2, ClusterRun.MedianRound([rounds[1], rounds[2]]).Seconds);
        // One round: itself, with its own speed as the only round.
        var single = ClusterRun.MedianRound([rounds[3]]);
        Assert.Equal(500, single.AllocatedBytes);
        Assert.Equal([200.0], single.EventsPerSecondRounds);
    }

    [Fact]
    public void TheMedianRound_OfEqualSpeeds_IsTheEarliestOfThem()
    {
        PipelineResult[] rounds = [Round(seconds: 2, allocated: 1, gen0: 0), Round(seconds: 2, allocated: 2, gen0: 0), Round(seconds: 2, allocated: 3, gen0: 0)];

        Assert.Equal(2, ClusterRun.MedianRound(rounds).AllocatedBytes);
        Assert.Equal(1, ClusterRun.MedianRound(rounds[..2]).AllocatedBytes);
    }

    [Fact]
    public void TheTable_GivesTheRangeOfEachSideOverTheRounds_BesideTheMedian()
    {
        var naive = ClusterRun.MedianRound([Round(seconds: 0.004, allocated: 1, gen0: 0), Round(seconds: 0.002, allocated: 1, gen0: 0), Round(seconds: 0.001, allocated: 1, gen0: 0)]);
        var hotpath = ClusterRun.MedianRound([Round(seconds: 0.0001, allocated: 1, gen0: 0), Round(seconds: 0.0002, allocated: 1, gen0: 0), Round(seconds: 0.000125, allocated: 1, gen0: 0)]);
        var report = new RunReport(Small with { Rounds = 3 }, 10, 20, 0.1, hotpath, naive, true, null, 5, []);

        var text = Table(report);

        Assert.Contains("events / s", text, StringComparison.Ordinal);
        Assert.Contains("500,000", text, StringComparison.Ordinal);   // naive median: 1,000 events in 2 ms
        Assert.Contains("8,000,000", text, StringComparison.Ordinal); // Hotpath median: in 0.125 ms
        Assert.Contains("over 3 rounds", text, StringComparison.Ordinal);
        Assert.Contains("0.25–1.00 M", text, StringComparison.Ordinal);
        Assert.Contains("5.00–10.00 M", text, StringComparison.Ordinal);
        Assert.Contains("median shown", text, StringComparison.Ordinal);

        // One round has no range to show.
        var single = Table(report with { Options = Small with { Rounds = 1 }, Hotpath = ClusterRun.MedianRound([hotpath]), Naive = ClusterRun.MedianRound([naive]) });
        Assert.DoesNotContain("over 1 round", single, StringComparison.Ordinal);
        Assert.DoesNotContain("median shown", single, StringComparison.Ordinal);
    }

    private static string Table(RunReport report)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        ReportWriter.WriteTable(report, console);
        return writer.ToString();
    }

    private static PipelineResult Round(double seconds, long allocated, int gen0) =>
        new("hotpath", 1_000, seconds, seconds / 2, allocated, gen0, 0, 0,
            new StorageFigures(allocated, allocated, allocated, (int)allocated), [new("marker", allocated)]);

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

    // Every stage in the order first named, with its total and every report made while it was current.
    private sealed class RecordingProgress : IRunProgress
    {
        private RecordedStage? _current;

        public List<RecordedStage> Stages { get; } = [];

        public void Stage(string name, double total)
        {
            _current = Stages.Find(stage => stage.Name == name);
            if (_current is null)
            {
                _current = new RecordedStage(name, total);
                Stages.Add(_current);
            }

            Assert.Equal(_current.Total, total); // a stage returned to keeps its total
        }

        public void Report(double done)
        {
            Assert.NotNull(_current);
            _current.Reports.Add(done);
        }
    }

    private sealed record RecordedStage(string Name, double Total)
    {
        public List<double> Reports { get; } = [];
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
