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
public sealed record RunOptions(int Pods = 10_000, int Nodes = 1_000, int Events = 2_000_000, int Seed = 42, PipelineSelection Only = PipelineSelection.Both);

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

    /// <summary>Events per second of wall-clock time.</summary>
    public double EventsPerSecond => Events / Seconds;

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

/// <summary>Receives progress: one stage at a time.</summary>
public interface IRunProgress
{
    /// <summary>Starts a stage of <paramref name="total"/> units.</summary>
    void Stage(string name, double total);

    /// <summary>Units done so far in the current stage.</summary>
    void Report(double done);
}

/// <summary>Runs the pipelines over one generated stream and checks them.</summary>
public static class ClusterRun
{
    private const int Chunk = 16_384;

    /// <summary>Generates the stream, warms up, measures the selected pipelines, verifies them.</summary>
    public static RunReport Execute(RunOptions options, IRunProgress progress, Func<ClusterSimulation, IClusterPipeline>? hotpathFactory = null)
    {
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

        progress.Report(2);
        metrics.Reset();

        PipelineResult? naive = null, hotpath = null;
        string? mismatch = null;
        IClusterPipeline? naivePipeline = null, hotpathPipeline = null;
        try
        {
            if (options.Only != PipelineSelection.Hotpath)
            {
                naivePipeline = new NaivePipeline(simulation);
                naive = Measure(naivePipeline, simulation, progress, "Naive pipeline");
            }

            if (options.Only != PipelineSelection.Naive)
            {
                hotpathPipeline = hotpathFactory(simulation);
                hotpath = Measure(hotpathPipeline, simulation, progress, "Hotpath pipeline");
            }

            metrics.Collect();
            progress.Stage("Verifying against the reference", 2);
            if (naivePipeline is not null)
            {
                mismatch ??= reference.Check(simulation, naivePipeline);
            }

            progress.Report(1);
            if (hotpathPipeline is not null)
            {
                mismatch ??= reference.Check(simulation, hotpathPipeline);
            }

            progress.Report(2);
        }
        finally
        {
            naivePipeline?.Dispose();
            hotpathPipeline?.Dispose();
        }

        return new RunReport(
            options, simulation.SampleCount, simulation.Pods.Count, generate.Elapsed.TotalSeconds, hotpath, naive,
            mismatch is null, mismatch, reference.Aggregates.Count, metrics.Readings());
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

    private static PipelineResult Measure(IClusterPipeline pipeline, ClusterSimulation simulation, IRunProgress progress, string stage)
    {
        var events = simulation.Events;
        progress.Stage(stage, events.Length);

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
            progress.Report(offset);
        }

        pipeline.Complete();
        clock.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        progress.Report(events.Length);

        return new PipelineResult(
            pipeline.Name, events.Length, clock.Elapsed.TotalSeconds, cpuSeconds, allocatedAfter - allocated,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            pipeline.Storage, pipeline.ExtraFigures());
    }
}
