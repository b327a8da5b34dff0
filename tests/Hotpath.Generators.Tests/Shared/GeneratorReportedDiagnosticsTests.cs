using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Generators.Shared;
using Hotpath.Generators.Tests.Batching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// A generator run on its own (a bare <c>GeneratorDriver</c>) reports the same HOT0xx diagnostics as its companion
/// analyzer, at the same spans with the same messages; in a build (MSBuild property
/// <c>HotpathGeneratorDiagnostics=analyzer</c>, set by the package's props) it leaves them to the analyzer.
/// </summary>
public sealed class GeneratorReportedDiagnosticsTests
{
    private const string Pooled = """
        [Hotpath.Pooled(MaxRetained = 0)] public sealed partial class BadBounds { }
        [Hotpath.Pooled] public sealed class NotPartialPooled { }
        [Hotpath.Pooled] public sealed partial class NoCtor { public NoCtor(int x) { } }
        [Hotpath.Pooled] public sealed partial class Unresettable { public readonly System.Random R = new(); }
        [Hotpath.Pooled] public sealed partial class GoodPooled { public int Value; }
        """;

    private const string Columnar = """
        [Hotpath.Columnar] public partial struct Bad { public object Payload; [Hotpath.Quantize(-1)] public double Negative; }
        [Hotpath.Columnar] public struct NotPartialRow { public int Value; }
        [Hotpath.Columnar] public partial struct GoodRow { public int Value; }
        """;

    private const string BatchReducer = """
        using Hotpath;
        namespace Metrics
        {
            [BatchReducer(typeof(NodeMetric))]
            public partial struct Bad
            {
                [GroupKey] public string NodeId;
                [Sum(nameof(NodeMetric.NodeId))] public double NodeSum;
                [Window(0, nameof(NodeMetric.UnixMs))] public long Start;
            }

            [BatchReducer(typeof(NodeMetric))]
            public struct NotPartial { [Count] public long Rows; }
        }
        """;

    private const string CacheValues = """
        public sealed class PodState { [Hotpath.CacheKey(0)] public string Namespace = ""; [Hotpath.CacheKey(1)] public string Name = ""; }
        public sealed class NoKey { public string Name = ""; }
        """;

    private const string ShardedCache =
        "[Hotpath.ShardedCache(typeof(NoKey), Shards = 3, Capacity = 0, TimeToLiveSeconds = -5)] public class NotPartialCache { }\n" +
        "[Hotpath.ShardedCache(typeof(PodState))] public partial class GoodCache { }";

    public static TheoryData<string> Capabilities => new() { "Pooled", "Columnar", "BatchReducer", "ShardedCache" };

    [Theory]
    [MemberData(nameof(Capabilities))]
    public async Task The_generator_reports_what_its_companion_analyzer_reports(string capability)
    {
        var (generator, analyzer, sources, expectedIds) = Case(capability);

        var run = GeneratorRunner.Run(generator, sources);
        var fromAnalyzer = await AnalyzerVerifier.RunAnalyzersAsync(TestCompilation.Create(sources), [analyzer]);

        Assert.Equal(expectedIds, run.Result.Diagnostics.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(Describe(fromAnalyzer), Describe(run.Result.Diagnostics));
        Assert.All(run.Result.Diagnostics, d =>
        {
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.Equal(DiagnosticDescriptors.HelpLink(d.Id), d.Descriptor.HelpLinkUri);
        });

        // Types with mistakes still get no code; the valid one does.
        var generated = Assert.Single(run.GeneratedSources.Where(s => !s.HintName.EndsWith("Key.CacheKey.g.cs", StringComparison.Ordinal)));
        Assert.Contains("Good", generated.HintName, StringComparison.Ordinal);
    }

    [Fact]
    public void In_a_build_the_generators_leave_the_diagnostics_to_the_analyzers()
    {
        var driver = GeneratorRunner.CreateDriver(
            new Dictionary<string, string> { ["HotpathGeneratorDiagnostics"] = "analyzer" },
            new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator());
        var sources = new[] { Pooled, Columnar, BatchReducerGeneratorTests.Input, BatchReducer, BatchReducerGood, CacheValues, ShardedCache };

        var run = GeneratorRunner.Run(driver, TestCompilation.Create(sources));

        Assert.Empty(run.Result.Diagnostics);
        Assert.Equal(4, run.GeneratedSources.Count(s => s.HintName.Contains("Good", StringComparison.Ordinal)));
    }

    [Fact]
    public void Any_other_value_of_the_property_keeps_them_in_the_generator()
    {
        var driver = GeneratorRunner.CreateDriver(new Dictionary<string, string> { ["HotpathGeneratorDiagnostics"] = "generator" }, new PooledGenerator());

        var run = GeneratorRunner.Run(driver, TestCompilation.Create(Pooled));

        Assert.Equal(4, run.Result.Diagnostics.Select(d => d.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Capabilities))]
    public void An_unrelated_edit_leaves_the_diagnostics_step_cached(string capability)
    {
        var (generator, _, sources, _) = Case(capability);

        var (_, second) = IncrementalAssert.RunTwice(generator, sources, CompilationEdits.AddUnrelatedFile);

        IncrementalAssert.CachedOrUnchanged(second, capability + ".Diagnostics");
        IncrementalAssert.ModelsArePure(second, capability + ".Models", capability + ".Diagnostics");
        Assert.NotEmpty(second.Result.Diagnostics); // reported again from the cached step
    }

    private static (IIncrementalGenerator Generator, DiagnosticAnalyzer Analyzer, string[] Sources, string[] ExpectedIds) Case(string capability) => capability switch
    {
        "Pooled" => (new PooledGenerator(), new PooledDiagnosticsAnalyzer(), [Pooled], ["HOT001", "HOT005", "HOT006", "HOT007"]),
        "Columnar" => (new ColumnarGenerator(), new ColumnarDiagnosticsAnalyzer(), [Columnar], ["HOT001", "HOT002", "HOT007"]),
        "BatchReducer" => (new BatchReducerGenerator(), new BatchReducerDiagnosticsAnalyzer(), [BatchReducerGeneratorTests.Input, BatchReducer, BatchReducerGood], ["HOT001", "HOT004", "HOT007"]),
        "ShardedCache" => (new ShardedCacheGenerator(), new ShardedCacheDiagnosticsAnalyzer(), [CacheValues, ShardedCache], ["HOT001", "HOT003", "HOT007"]),
        _ => throw new ArgumentOutOfRangeException(nameof(capability)),
    };

    private const string BatchReducerGood = """
        using Hotpath;
        namespace Metrics
        {
            [BatchReducer(typeof(NodeMetric))]
            public partial struct GoodAgg { [GroupKey] public string NodeId; [Count] public long Rows; }
        }
        """;

    private static string[] Describe(IEnumerable<Diagnostic> diagnostics) => diagnostics
        .Select(d => $"{d.Id} {d.Location.GetLineSpan().Path}({d.Location.SourceSpan.Start}..{d.Location.SourceSpan.End}) {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
        .Order(StringComparer.Ordinal)
        .ToArray();
}
