using System.Collections.Immutable;
using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.RoslynCompatTests;

/// <summary>
/// Each generator run by Roslyn 4.8 over DESIGN.md's example: no exception or diagnostic, the expected files and
/// members, a clean C# 12 / net8.0 compilation, and the emitted code called.
/// </summary>
public sealed class GeneratorTests
{
    [Fact]
    public void Pooled_generates_Reset_IResettable_and_Pool_and_they_run()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        // The source of the snapshot test PooledSnapshotTests.Design_sample_PodState (one shared copy).
        var (result, output) = Roslyn48.RunGenerators(Roslyn48.Compilation("Pooled48", DesignExampleSources.PooledPodState, """
            using Hotpath;
            using Microsoft.Extensions.ObjectPool;

            namespace Cluster;

            [Pooled]
            public sealed partial class Budget
            {
                public int Remaining = 5;
                public string Owner = "nobody";
            }

            public static class Probe
            {
                public static string Run()
                {
                    var pod = PodState.Pool.Rent();
                    var containers = pod.Containers;
                    var usage = pod.Usage;
                    pod.Namespace = "default";
                    pod.Phase = PodPhase.Running;
                    pod.Containers.Add(new ContainerState { Name = "nginx" });
                    pod.Usage.CpuCores = 1.5;
                    pod.Generation = 41;
                    PodState.Pool.Return(pod);

                    var again = PodState.Pool.Rent();
                    var reset = $"reused={ReferenceEquals(pod, again)} ns='{again.Namespace}' phase={again.Phase} " +
                                $"containers={again.Containers.Count} sameList={ReferenceEquals(containers, again.Containers)} " +
                                $"cpu={again.Usage.CpuCores} sameUsage={ReferenceEquals(usage, again.Usage)} generation={again.Generation}";
                    PodState.Pool.Return(again);

                    using (PodState.Pool.Lease(out var leased))
                    {
                        leased.Namespace = "leased";
                    }

                    IResettable resettable = new PodState { Namespace = "x" };
                    var tryReset = resettable.TryReset() && ((PodState)resettable).Namespace.Length == 0;
                    var budget = Budget.Pool.Rent();
                    budget.Remaining = 0;
                    budget.Owner = "me";
                    budget.Reset();
                    var statistics = PodState.Pool.Statistics;
                    return reset + $" tryReset={tryReset} max={PodState.Pool.MaxRetained} rents={statistics.Rents} returns={statistics.Returns} " +
                        $"budget={budget.Remaining}/{budget.Owner}";
                }
            }
            """), new PooledGenerator());

        AssertHintNames(result, "Cluster.Budget.Pooled.g.cs", "Cluster.PodState.Pooled.g.cs", "Cluster.ResourceUsage.Pooled.g.cs");
        AssertSameAsSnapshots(result, "Pooling/PooledSnapshotTests.Design_sample_PodState", "Cluster.PodState.Pooled.g.cs", "Cluster.ResourceUsage.Pooled.g.cs");
        var podState = output.GetTypeByMetadataName("Cluster.PodState")!;
        Assert.Single(podState.GetMembers("Reset").OfType<IMethodSymbol>(), m => m.DeclaredAccessibility == Accessibility.Public && m.Parameters.IsEmpty);
        Assert.Single(podState.GetMembers("Pool").OfType<IPropertySymbol>(), p => p.IsStatic && p.Type.ToDisplayString() == "Hotpath.Pool<Cluster.PodState>");
        Assert.Contains(podState.AllInterfaces, i => i.ToDisplayString() == "Microsoft.Extensions.ObjectPool.IResettable");
        Roslyn48.AssertNoErrorsOrWarnings(output);

        var assembly = Roslyn48.EmitAndLoad(output);
        Assert.Equal(
            "reused=True ns='' phase=Pending containers=0 sameList=True cpu=0 sameUsage=True generation=42 tryReset=True max=15000 rents=3 returns=3 budget=5/nobody",
            Roslyn48.RunProbe(assembly, "Cluster.Probe"));
    }

    [Fact]
    public void Columnar_generates_a_codec_that_round_trips_every_bit()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        // The source of the snapshot test ColumnarGeneratorTests.Generates_the_codec_for_DESIGNs_MetricSample.
        var (result, output) = Roslyn48.RunGenerators(Roslyn48.Compilation("Columnar48", DesignExampleSources.ColumnarMetricSample, """
            using System;
            using System.Buffers;
            using Hotpath.Compression;

            namespace Metrics;

            public static class Probe
            {
                public static string Run()
                {
                    var random = new Random(8);
                    var rows = new MetricSample[1_000];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        rows[i] = new MetricSample
                        {
                            UnixMs = 1_700_000_000_000 + i * 10_000L + random.Next(-3, 4),
                            Node = "node-" + (i % 7),
                            Cpu = i switch { 3 => double.NaN, 4 => -0.0, 5 => double.PositiveInfinity, _ => random.NextDouble() * 8 },
                            Memory = Math.Round(random.NextDouble() * 1e6, 2),
                            Restarts = i / 100,
                            Phase = (PodPhase)(i / 250),
                        };
                    }

                    byte[] block = MetricSample.Codec.Encode(rows);
                    var decoded = MetricSample.Codec.Decode(block);
                    var writer = new ArrayBufferWriter<byte>();
                    MetricSample.Codec.Encode(rows, writer);
                    var into = new MetricSample[MetricSample.Codec.GetRowCount(writer.WrittenSpan)];
                    var count = MetricSample.Codec.Decode(writer.WrittenSpan, into);

                    var identical = decoded.Length == rows.Length && count == rows.Length;
                    for (var i = 0; identical && i < rows.Length; i++)
                    {
                        identical = rows[i].UnixMs == decoded[i].UnixMs && rows[i].Node == decoded[i].Node
                            && BitConverter.DoubleToInt64Bits(rows[i].Cpu) == BitConverter.DoubleToInt64Bits(decoded[i].Cpu)
                            && Math.Abs(rows[i].Memory - decoded[i].Memory) < 0.0051
                            && rows[i].Restarts == decoded[i].Restarts && rows[i].Phase == decoded[i].Phase
                            && rows[i].UnixMs == into[i].UnixMs && rows[i].Node == into[i].Node;
                    }

                    var corrupt = (byte[])block.Clone();
                    corrupt[corrupt.Length / 2] ^= 0x10;
                    string rejected;
                    try
                    {
                        MetricSample.Codec.Decode(corrupt);
                        rejected = "accepted";
                    }
                    catch (CorruptBlockException)
                    {
                        rejected = "CorruptBlockException";
                    }

                    return $"rows={decoded.Length} identical={identical} smaller={block.Length < rows.Length * 36} corrupt={rejected}";
                }
            }
            """), new ColumnarGenerator());

        AssertHintNames(result, "Metrics.MetricSample.Columnar.g.cs");
        AssertSameAsSnapshots(result, "Compression/ColumnarGeneratorTests.Generates_the_codec_for_DESIGNs_MetricSample", "Metrics.MetricSample.Columnar.g.cs");
        var codec = Assert.Single(output.GetTypeByMetadataName("Metrics.MetricSample")!.GetMembers("Codec").OfType<IPropertySymbol>());
        Assert.True(codec.IsStatic);
        Assert.Equal("Hotpath.Compression.IColumnarCodec<Metrics.MetricSample>", codec.Type.ToDisplayString());
        Roslyn48.AssertNoErrorsOrWarnings(output);

        var assembly = Roslyn48.EmitAndLoad(output);
        Assert.Equal("rows=1000 identical=True smaller=True corrupt=CorruptBlockException", Roslyn48.RunProbe(assembly, "Metrics.Probe"));
    }

    [Fact]
    public void BatchReducer_generates_a_Reducer_and_Combine_that_aggregate()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        // The sources of the snapshot test BatchReducerGeneratorTests.Generates_the_DESIGN_example.
        var (result, output) = Roslyn48.RunGenerators(Roslyn48.Compilation("BatchReducer48", DesignExampleSources.BatchReducerInput, DesignExampleSources.BatchReducerNodeMinute, """
            using System;
            using System.Linq;

            namespace Metrics;

            public static class Probe
            {
                public static string Run()
                {
                    var reducer = new NodeMinute.Reducer();
                    reducer.Add(new NodeMetric { NodeId = "a", UnixMs = 60_000, Cpu = 0.5, Memory = 100, Phase = PodPhase.Pending });
                    reducer.Add(new NodeMetric { NodeId = "a", UnixMs = 61_000, Cpu = 0.75, Memory = 300, Phase = PodPhase.Running });
                    reducer.Add(new[]
                    {
                        new NodeMetric { NodeId = "b", UnixMs = 62_000, Cpu = 0.1, Memory = 50, Phase = PodPhase.Failed },
                        new NodeMetric { NodeId = "a", UnixMs = 125_000, Cpu = 0.2, Memory = 10, Phase = PodPhase.Failed },
                    }.AsSpan());

                    var other = new NodeMinute.Reducer();
                    other.Add(new NodeMetric { NodeId = "a", UnixMs = 119_999, Cpu = 0.25, Memory = 200, Phase = PodPhase.Running });
                    var partial = other.ToArray()[0];
                    reducer.Merge(partial);

                    var rows = reducer.ToArray().OrderBy(r => r.NodeId).ThenBy(r => r.WindowStartMs).ToArray();
                    var copied = new NodeMinute[reducer.Count];
                    var copiedCount = reducer.CopyTo(copied);
                    var combined = NodeMinute.Combine(rows[0], partial);
                    reducer.Clear();
                    return string.Join(" | ", rows.Select(r => $"{r.NodeId}@{r.WindowStartMs}: n={r.Samples} sum={r.CpuSum} min={r.CpuMin} max={r.CpuMax} mem={r.MemoryMean} {r.Phase}"))
                        + $" | copied={copiedCount} combined=n{combined.Samples}/max{combined.CpuMax}/mem{combined.MemoryMean} afterClear={reducer.Count}";
                }
            }
            """), new BatchReducerGenerator());

        AssertHintNames(result, "Metrics.NodeMinute.BatchReducer.g.cs");
        AssertSameAsSnapshots(result, "Batching/BatchReducerGeneratorTests.Generates_the_DESIGN_example", "Metrics.NodeMinute.BatchReducer.g.cs");
        var nodeMinute = output.GetTypeByMetadataName("Metrics.NodeMinute")!;
        var reducer = Assert.Single(nodeMinute.GetTypeMembers("Reducer"));
        Assert.Contains(reducer.AllInterfaces, i => i.ToDisplayString() == "Hotpath.Batching.IBatchReducer<Metrics.NodeMetric, Metrics.NodeMinute>");
        foreach (var member in new[] { "Add", "Merge", "Count", "CopyTo", "ToArray", "Clear" })
        {
            Assert.NotEmpty(reducer.GetMembers(member));
        }

        Assert.Single(nodeMinute.GetMembers("Combine").OfType<IMethodSymbol>(), m => m.IsStatic && m.Parameters.Length == 2);
        Roslyn48.AssertNoErrorsOrWarnings(output);

        var assembly = Roslyn48.EmitAndLoad(output);
        Assert.Equal(
            "a@60000: n=3 sum=1.5 min=0.25 max=0.75 mem=200 Running | a@120000: n=1 sum=0.2 min=0.2 max=0.2 mem=10 Failed | " +
            "b@60000: n=1 sum=0.1 min=0.1 max=0.1 mem=50 Failed | copied=3 combined=n4/max0.75/mem200 afterClear=0",
            Roslyn48.RunProbe(assembly, "Metrics.Probe"));
    }

    [Fact]
    public async Task BatchReducer_sets_a_positional_record_structs_properties_with_no_HOT004()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        // The source of BatchReducerPrimaryConstructorTests.A_positional_record_struct_reducer_sets_its_properties_and_runs:
        // the parameters become properties of the record, which the reducer sets, so the primary-constructor check
        // (BatchReducerConstruction, which tells them apart by their syntax) must let them through under Roslyn 4.8 too.
        var (result, output) = Roslyn48.RunGenerators(Roslyn48.Compilation("PositionalReducer48", DesignExampleSources.BatchReducerInput, """
            using Hotpath;

            namespace Metrics;

            [BatchReducer(typeof(NodeMetric))]
            public partial record struct NodeCpu([property: GroupKey] string NodeId, [property: Count] long Samples, [property: Max(nameof(NodeMetric.Cpu))] double CpuMax);

            public static class Probe
            {
                public static string Run()
                {
                    var reducer = new NodeCpu.Reducer();
                    reducer.Add(new NodeMetric { NodeId = "a", Cpu = 2 });
                    reducer.Add(new NodeMetric { NodeId = "a", Cpu = 4 });
                    var partial = reducer.ToArray()[0];
                    return partial.ToString() + " " + NodeCpu.Combine(partial, new NodeCpu("a", 1, 7));
                }
            }
            """), new BatchReducerGenerator());

        AssertHintNames(result, "Metrics.NodeCpu.BatchReducer.g.cs");
        Roslyn48.AssertNoErrorsOrWarnings(output);
        var analyzed = await AnalyzeAsync(output, new BatchReducerDiagnosticsAnalyzer());
        Assert.True(analyzed.IsEmpty, "BatchReducerDiagnosticsAnalyzer reported under Roslyn 4.8:\n" + Roslyn48.Format(analyzed));

        var assembly = Roslyn48.EmitAndLoad(output);
        Assert.Equal(
            "NodeCpu { NodeId = a, Samples = 2, CpuMax = 4 } NodeCpu { NodeId = a, Samples = 3, CpuMax = 7 }",
            Roslyn48.RunProbe(assembly, "Metrics.Probe"));
    }

    [Fact]
    public async Task BatchReducer_reports_a_plain_structs_primary_constructor_parameter_as_HOT004_and_emits_nothing()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        // The source of BatchReducerPrimaryConstructorTests.The_generator_emits_nothing_for_such_a_struct_and_reports_it:
        // the reducer never calls a constructor, so 'scale' would be 0 in every partial. The generator (run on its own,
        // as without the package's props) and the companion analyzer (as in a build) report the same HOT004, at the parameter.
        var input = Roslyn48.Compilation("PrimaryConstructorReducer48", DesignExampleSources.BatchReducerInput, """
            using Hotpath;

            namespace Metrics;

            [BatchReducer(typeof(NodeMetric))]
            public partial struct NodeMinute(int scale)
            {
                [GroupKey] public string NodeId;
                [Count] public long Samples;
                public long Scaled => Samples * scale;
            }
            """);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new BatchReducerGenerator().AsSourceGenerator()], parseOptions: Roslyn48.ParseOptions);
        var result = driver.RunGenerators(input).GetRunResult();
        var run = Assert.Single(result.Results);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratedSources);

        const string Message = "Primary-constructor parameter 'scale' of 'NodeMinute': the reducer makes each partial as 'default' and sets only its [GroupKey], [Window] and aggregate members, without calling a constructor, so 'scale' would be 0 or null in every partial it makes; remove the parameter (a setting the reducer does not aggregate belongs outside the struct)";
        var analyzed = await AnalyzeAsync(input, new BatchReducerDiagnosticsAnalyzer());
        foreach (var reported in new[] { Assert.Single(result.Diagnostics), Assert.Single(analyzed) })
        {
            Assert.Equal("HOT004", reported.Id);
            Assert.Equal(Message, reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            // The generator's diagnostic carries a path and span (a pipeline value holds no syntax tree), the analyzer's its tree.
            var tree = input.SyntaxTrees.Single(t => t.FilePath == reported.Location.GetLineSpan().Path);
            Assert.Equal("scale", tree.GetText().ToString(reported.Location.SourceSpan));
        }
    }

    [Fact]
    public void ShardedCache_generates_a_key_struct_and_typed_accessors_that_work()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        // The source of the snapshot test ShardedCacheGeneratorTests.Design_example_snapshot.
        var (result, output) = Roslyn48.RunGenerators(Roslyn48.Compilation("ShardedCache48", DesignExampleSources.ShardedCachePodCache, """
            using System;
            using System.Threading.Tasks;
            using Hotpath.Caching;

            namespace Cluster;

            public static class Probe
            {
                public static string Run()
                {
                    var cache = new PodCache();
                    var web = cache.GetOrAdd("default", "web-0", static key => new PodState { Namespace = key.Namespace, Name = key.Name, Restarts = 1 });
                    var hit = cache.TryGet(@namespace: "default", name: "web-0", out var found) && ReferenceEquals(found, web);
                    var miss = cache.TryGet("web-0", "default", out _);
                    cache.Set(new PodState { Namespace = "kube-system", Name = "dns", Restarts = 7 });
                    var loaded = cache.GetOrAddAsync("kube-system", "dns", static (key, ct) => new ValueTask<PodState>(new PodState())).AsTask().GetAwaiter().GetResult();
                    var fromLoader = cache.GetOrAddAsync("prod", "api", static (key, ct) => new ValueTask<PodState>(new PodState { Namespace = key.Namespace, Name = key.Name, Restarts = 2 })).AsTask().GetAwaiter().GetResult();
                    var countBefore = cache.Count;
                    var removed = cache.Remove("default", "web-0");
                    var statistics = cache.Statistics;
                    var small = new PodCache(new ShardedCacheOptions { Shards = 2, Capacity = 8, TimeToLive = TimeSpan.FromMinutes(1) });
                    small.Set(web);
                    var key = new PodStateKey("default", "web-0");
                    return $"hit={hit} miss={miss} setThenGet={loaded.Restarts} loader={fromLoader.Name}/{fromLoader.Restarts} count={countBefore}->{cache.Count} " +
                           $"removed={removed} hits={statistics.Hits} misses={statistics.Misses} small={small.Count} " +
                           $"keyEquality={key == new PodStateKey("default", "web-0")} key={key}";
                }
            }
            """), new ShardedCacheGenerator());

        AssertHintNames(result, "Cluster.PodCache.ShardedCache.g.cs", "Cluster.PodStateKey.CacheKey.g.cs");
        AssertSameAsSnapshots(result, "Caching/ShardedCacheGeneratorTests.Design_example_snapshot", "Cluster.PodCache.ShardedCache.g.cs", "Cluster.PodStateKey.CacheKey.g.cs");
        var key = output.GetTypeByMetadataName("Cluster.PodStateKey")!;
        Assert.True(key.IsRecord && key.IsValueType && key.IsReadOnly, "PodStateKey is a readonly record struct");
        var podCache = output.GetTypeByMetadataName("Cluster.PodCache")!;
        foreach (var member in new[] { "TryGet", "GetOrAdd", "GetOrAddAsync", "Set", "Remove", "Count", "Statistics" })
        {
            Assert.NotEmpty(podCache.GetMembers(member));
        }

        Assert.Equal(2, podCache.InstanceConstructors.Count(c => c.DeclaredAccessibility == Accessibility.Public));
        Roslyn48.AssertNoErrorsOrWarnings(output);

        var assembly = Roslyn48.EmitAndLoad(output);
        Assert.Equal(
            "hit=True miss=False setThenGet=7 loader=api/2 count=3->2 removed=True hits=2 misses=3 small=1 " +
            "keyEquality=True key=PodStateKey { Namespace = default, Name = web-0 }",
            Roslyn48.RunProbe(assembly, "Cluster.Probe"));
    }

    /// <summary>The diagnostics <paramref name="analyzer"/> reports on <paramref name="compilation"/>; fails if it throws.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, DiagnosticAnalyzer analyzer)
    {
        var exceptions = new List<string>();
        var withAnalyzers = compilation.WithAnalyzers([analyzer], new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception.ToString()),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Assert.True(exceptions.Count == 0, "The analyzer threw under Roslyn 4.8:\n" + string.Join("\n", exceptions));
        return diagnostics;
    }

    /// <summary>
    /// The files named <paramref name="hintNames"/> are exactly the committed snapshots of the same types in
    /// tests/Hotpath.Generators.Tests (generated there under the newer Roslyn of the other tests).
    /// </summary>
    private static void AssertSameAsSnapshots(GeneratorDriverRunResult result, string snapshotTest, params string[] hintNames)
    {
        var stem = Path.Combine(Roslyn48.RepoRoot, "tests", "Hotpath.Generators.Tests", snapshotTest);
        foreach (var hintName in hintNames)
        {
            var verified = $"{stem}#{Path.GetFileNameWithoutExtension(hintName)}.verified.cs";
            Assert.True(File.Exists(verified), $"No snapshot {verified}");
            var generated = result.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == hintName).SourceText.ToString();
            Assert.Equal(File.ReadAllText(verified).Replace("\r\n", "\n"), generated.Replace("\r\n", "\n"));
        }
    }

    private static void AssertHintNames(GeneratorDriverRunResult result, params string[] expected) =>
        Assert.Equal(expected, result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal));
}
