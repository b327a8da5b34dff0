using System.Diagnostics;
using ClusterState.Pipelines;
using ClusterState.Reporting;
using ClusterState.Simulation;
using ClusterState.Verification;

namespace ClusterState;

/// <summary>Which pipelines a run measures.</summary>
public enum PipelineSelection
{
    /// <summary>Both, naive first.</summary>
    Both,

    /// <summary>Only the Hotpath pipeline.</summary>
    Hotpath,

    /// <summary>Only the naive pipeline.</summary>
    Naive,
}

/// <summary>The options of one run (the command-line options, validated).</summary>
/// <param name="Pods">Pods alive at any time.</param>
/// <param name="Nodes">Nodes.</param>
/// <param name="Events">Events in the stream.</param>
/// <param name="Seed">Random seed of the stream.</param>
/// <param name="Only">Which pipelines run.</param>
/// <param name="Rounds">Measured rounds of each pipeline; each side reports its median round.</param>
public sealed record RunOptions(int Pods = 10_000, int Nodes = 1_000, int Events = 2_000_000, int Seed = 42, PipelineSelection Only = PipelineSelection.Both, int Rounds = 5);

/// <summary>What one pipeline did: speed, allocations, collections, storage, and its own figures.</summary>
public sealed record PipelineResult(
    string Name,
    long Events,
    double Seconds,
    double CpuSeconds,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    StorageFigures Storage,
    IReadOnlyList<KeyValuePair<string, double>> Extra)
{
    /// <summary>A sample as a plain binary row: 8-byte timestamp, 4-byte node id, two 8-byte doubles.</summary>
    public const int RawSampleBytes = 28;

    private readonly IReadOnlyList<double>? _eventsPerSecondRounds;

    /// <summary>Events per second of wall-clock time.</summary>
    public double EventsPerSecond => Events / Seconds;

    /// <summary>
    /// Events per second of every measured round of this pipeline, in the order they ran (this result is one of
    /// them: see <see cref="ClusterRun.MedianRound"/>); a single measurement lists only its own.
    /// </summary>
    public IReadOnlyList<double> EventsPerSecondRounds
    {
        get => _eventsPerSecondRounds ?? [EventsPerSecond];
        init => _eventsPerSecondRounds = value;
    }

    /// <summary>Bytes allocated (all threads) per event.</summary>
    public double AllocatedBytesPerEvent => (double)AllocatedBytes / Events;

    /// <summary>Stored raw-sample bytes per sample.</summary>
    public double StoredBytesPerSample => Storage.Samples == 0 ? 0 : (double)Storage.SampleBytes / Storage.Samples;

    /// <summary>Raw binary sample size over stored size.</summary>
    public double CompressionRatio => StoredBytesPerSample == 0 ? 0 : RawSampleBytes / StoredBytesPerSample;

    /// <summary>An extra figure by name, or null.</summary>
    public double? Figure(string name)
    {
        foreach (var (key, value) in Extra)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>Everything a run produced.</summary>
public sealed record RunReport(
    RunOptions Options,
    int Samples,
    int PodsEverCreated,
    double GenerateSeconds,
    PipelineResult? Hotpath,
    PipelineResult? Naive,
    bool Identical,
    string? Mismatch,
    int AggregatesChecked,
    IReadOnlyList<MetricReading> Metrics);

/// <summary>Receives progress: one stage at a time, where a stage can be returned to (the two pipelines' rounds alternate).</summary>
public interface IRunProgress
{
    /// <summary>
    /// Makes the stage called <paramref name="name"/> the current one: a new stage of <paramref name="total"/> units
    /// the first time the name is given (stages are shown in that order), the same stage again later.
    /// </summary>
    void Stage(string name, double total);

    /// <summary>Units done so far in the current stage; a stage is over when they reach its total.</summary>
    void Report(double done);
}

/// <summary>Runs the pipelines over one generated stream and checks them.</summary>
public static class ClusterRun
{
    private const int Chunk = 16_384;

    /// <summary>
    /// Generates the stream, warms up, then measures each selected pipeline <see cref="RunOptions.Rounds"/> times
    /// (naive and Hotpath rounds alternate, so a slow spell of the machine hits both alike), a fresh pipeline each
    /// round, and checks every round's pipeline against the reference. Each side reports its median round.
    /// </summary>
    public static RunReport Execute(RunOptions options, IRunProgress progress, Func<ClusterSimulation, IClusterPipeline>? hotpathFactory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Rounds, 1);
        hotpathFactory ??= HotpathPipelineFactory.Create;
        using var metrics = new HotpathMetrics();

        progress.Stage("Generating events", 1);
        var generate = Stopwatch.StartNew();
        var simulation = ClusterSimulation.Generate(options.Pods, options.Nodes, options.Events, options.Seed);
        var reference = Reference.Compute(simulation);
        generate.Stop();
        progress.Report(1);

        // JIT and one-time setup (JSON metadata, pool preallocation) happen here, outside the measurement, for both.
        progress.Stage("Warming up", 2);
        var warmup = ClusterSimulation.Generate(Math.Min(options.Pods, 500), Math.Min(options.Nodes, 50), Math.Min(options.Events, 50_000), options.Seed + 1);
        if (options.Only != PipelineSelection.Hotpath)
        {
            WarmUp(() => new NaivePipeline(warmup), warmup);
        }

        progress.Report(1);
        if (options.Only != PipelineSelection.Naive)
        {
            WarmUp(() => hotpathFactory(warmup), warmup);
        }

        // Then one round of each over the measured stream itself, so that what only the full size exercises (a thousand
        // nodes' windows, ten thousand pods' states, full storage segments: their code paths and their memory) is warm
        // before the clock starts. Without it the quarter-second Hotpath run varied far more: 4.8-9.5x the naive
        // events/s in six runs, 6.4-9.1x in ten with it (with tiered compilation off, 6.3-8.5 M events/s without it,
        // so most of the spread was the JIT still at work).
        if (options.Only != PipelineSelection.Hotpath)
        {
            WarmUpOnce(new NaivePipeline(simulation), simulation);
        }

        if (options.Only != PipelineSelection.Naive)
        {
            WarmUpOnce(hotpathFactory(simulation), simulation);
        }

        Thread.Sleep(200);
        progress.Report(2);
        metrics.Reset();

        // One bar a side over all its rounds and one for the checks, named here so that they show in this order.
        var runsNaive = options.Only != PipelineSelection.Hotpath;
        var runsHotpath = options.Only != PipelineSelection.Naive;
        var rounds = options.Rounds;
        var measured = (double)rounds * simulation.Events.Length;
        var naiveStage = new RoundStage(progress, rounds == 1 ? "Naive pipeline" : $"Naive pipeline, {rounds} rounds", measured);
        var hotpathStage = new RoundStage(progress, rounds == 1 ? "Hotpath pipeline" : $"Hotpath pipeline, {rounds} rounds", measured);
        var checkStage = new RoundStage(progress, rounds == 1 ? "Checking against the reference" : "Checking each round against the reference", rounds * ((runsNaive ? 1 : 0) + (runsHotpath ? 1 : 0)));
        foreach (var stage in new[] { runsNaive ? naiveStage : null, runsHotpath ? hotpathStage : null, checkStage })
        {
            stage?.Declare();
        }

        var naiveRounds = new List<PipelineResult>();
        var hotpathRounds = new List<PipelineResult>();
        string? mismatch = null;
        var checks = 0;
        for (var round = 1; round <= rounds; round++)
        {
            if (runsNaive)
            {
                naiveRounds.Add(MeasureAndCheck(new NaivePipeline(simulation), simulation, reference, naiveStage, checkStage, round, rounds, ref checks, ref mismatch));
            }

            if (runsHotpath)
            {
                hotpathRounds.Add(MeasureAndCheck(hotpathFactory(simulation), simulation, reference, hotpathStage, checkStage, round, rounds, ref checks, ref mismatch));
            }
        }

        metrics.Collect();
        var naive = naiveRounds.Count == 0 ? null : MedianRound(naiveRounds);
        var hotpath = hotpathRounds.Count == 0 ? null : MedianRound(hotpathRounds);

        return new RunReport(
            options, simulation.SampleCount, simulation.Pods.Count, generate.Elapsed.TotalSeconds, hotpath, naive,
            mismatch is null, mismatch, reference.Aggregates.Count, metrics.Readings());
    }

    /// <summary>
    /// The round a side reports: the median by events/s (of an even count, the lower middle; of equal speeds, the
    /// earliest), with its own allocations, collections, storage and extra figures, and every round's events/s.
    /// </summary>
    /// <param name="rounds">The side's rounds in the order they ran; at least one.</param>
    public static PipelineResult MedianRound(IReadOnlyList<PipelineResult> rounds)
    {
        if (rounds.Count == 0)
        {
            throw new ArgumentException("A side needs at least one measured round.", nameof(rounds));
        }

        var speeds = new double[rounds.Count];
        var order = new int[rounds.Count];
        for (var i = 0; i < rounds.Count; i++)
        {
            speeds[i] = rounds[i].EventsPerSecond;
            order[i] = i;
        }

        // By speed, then by round, so that equal speeds keep the order they ran in.
        Array.Sort(order, (a, b) => speeds[a] != speeds[b] ? speeds[a].CompareTo(speeds[b]) : a.CompareTo(b));
        return rounds[order[(rounds.Count - 1) / 2]] with { EventsPerSecondRounds = speeds };
    }

    // Several rounds with pauses, as a benchmark harness's warm-up would. The runtime optimizes a method in the
    // background only after it has been called enough, and starts counting calls only once no new code has been
    // compiled for 100 ms (tiered compilation); with profile-guided optimization a method goes through an
    // instrumented version first. Code that runs a few times per segment (the encoders, the JSON writer) needs
    // calls after such a pause, then a pause for the background compile, to be at full speed: otherwise part of
    // the measured run is spent in unoptimized code while the JIT competes for the same two cores.
    private const int WarmUpRounds = 4;

    private static void WarmUp(Func<IClusterPipeline> create, ClusterSimulation simulation)
    {
        for (var round = 0; round < WarmUpRounds; round++)
        {
            using (var pipeline = create())
            {
                pipeline.Process(simulation.Events);
                pipeline.Complete();
            }

            Thread.Sleep(200);
        }
    }

    private static void WarmUpOnce(IClusterPipeline pipeline, ClusterSimulation simulation)
    {
        using (pipeline)
        {
            pipeline.Process(simulation.Events);
            pipeline.Complete();
        }
    }

    // One measured round of a fresh pipeline: measured, then checked against the reference (outside the clock), then
    // disposed, so no round's pipeline is alive while another is measured. The first difference of any round is kept.
    private static PipelineResult MeasureAndCheck(
        IClusterPipeline pipeline, ClusterSimulation simulation, Reference reference, RoundStage stage, RoundStage checkStage, int round, int rounds, ref int checks, ref string? mismatch)
    {
        using (pipeline)
        {
            var result = Measure(pipeline, simulation, stage, (double)(round - 1) * simulation.Events.Length);
            checkStage.Report(checks);
            var difference = reference.Check(simulation, pipeline);
            checkStage.Report(++checks);
            if (difference is not null)
            {
                mismatch ??= rounds == 1 ? difference : $"round {round} of {rounds}: {difference}";
            }

            return result;
        }
    }

    private static PipelineResult Measure(IClusterPipeline pipeline, ClusterSimulation simulation, RoundStage stage, double before)
    {
        var events = simulation.Events;
        stage.Report(before);

        // Start from a clean heap so one pipeline's garbage is not collected on the other's time.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();

        for (var offset = 0; offset < events.Length; offset += Chunk)
        {
            pipeline.Process(events.AsSpan(offset, Math.Min(Chunk, events.Length - offset)));
            stage.Report(before + offset);
        }

        pipeline.Complete();
        clock.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        stage.Report(before + events.Length);

        return new PipelineResult(
            pipeline.Name, events.Length, clock.Elapsed.TotalSeconds, cpuSeconds, allocatedAfter - allocated,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            pipeline.Storage, pipeline.ExtraFigures());
    }

    // A stage returned to once a round: makes itself current, then reports.
    private sealed class RoundStage(IRunProgress progress, string name, double total)
    {
        public void Declare() => progress.Stage(name, total);

        public void Report(double done)
        {
            progress.Stage(name, total);
            progress.Report(done);
        }
    }
}
