using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Generators.Shared;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// HOT001 on the generator side: a type that is not partial gets no generated code (the generator never
/// emits code that cannot compile), and making it partial brings the code back through the incremental
/// pipeline.
/// </summary>
public sealed class NotPartialGeneratorTests
{
    private const string Inputs = """
        public struct Metric { public string Node; public long UnixMs; public double Cpu; }
        public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
        """;

    // generator, the attributed declaration with a {0} where 'partial' goes, and its models step.
    public static TheoryData<string, string, string> Cases => new()
    {
        { "Pooled", "[Hotpath.Pooled] public sealed {0} class PodState {{ public string Name = \"\"; }}", TrackingNames.PooledModels },
        { "Columnar", "[Hotpath.Columnar] public {0} struct Sample {{ public long UnixMs; public double Cpu; }}", TrackingNames.ColumnarModels },
        { "BatchReducer", "[Hotpath.BatchReducer(typeof(Metric))] public {0} struct NodeMinute {{ [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Samples; }}", TrackingNames.BatchReducerModels },
        { "ShardedCache", "[Hotpath.ShardedCache(typeof(Pod))] public sealed {0} class PodCache {{ }}", TrackingNames.ShardedCacheModels },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_type_that_is_not_partial_gets_no_code_and_becomes_partial_incrementally(string generator, string declaration, string modelsStep)
    {
        var notPartial = string.Format(System.Globalization.CultureInfo.InvariantCulture, declaration, "");
        var partial = string.Format(System.Globalization.CultureInfo.InvariantCulture, declaration, "partial");

        var (first, second) = IncrementalAssert.RunTwice(Create(generator), new[] { Inputs, notPartial }, c => CompilationEdits.ReplaceSource(c, 1, partial));

        Assert.Empty(first.GeneratedSources);
        Assert.NotEmpty(second.GeneratedSources);
        IncrementalAssert.HasReason(second, modelsStep, IncrementalStepRunReason.Modified);
        TestCompilation.AssertNoErrors(second.OutputCompilation);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_unrelated_edit_next_to_a_type_that_is_not_partial_stays_cached(string generator, string declaration, string modelsStep)
    {
        var notPartial = string.Format(System.Globalization.CultureInfo.InvariantCulture, declaration, "");

        var (_, second) = IncrementalAssert.RunTwice(Create(generator), new[] { Inputs, notPartial }, CompilationEdits.AddUnrelatedFile);

        // The step may not run at all (nothing it reads changed); when it does, nothing may be recomputed.
        var outputs = second.Result.Results
            .SelectMany(r => r.TrackedSteps.TryGetValue(modelsStep, out var steps) ? steps : [])
            .SelectMany(step => step.Outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{modelsStep}: {o.Reason}"));
        Assert.Empty(second.GeneratedSources);
    }

    [Fact]
    public void Only_the_partial_types_get_code()
    {
        var run = GeneratorRunner.Run(
            GeneratorRunner.CreateDriver(new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator()),
            TestCompilation.Create(Inputs, string.Join("\n", Cases.Select(c => string.Format(System.Globalization.CultureInfo.InvariantCulture, (string)c[1], ""))),
                "namespace App { [Hotpath.Pooled] public sealed partial class Kept { public int Value = 3; } }"));

        Snapshot.Verify(run);
    }

    private static IIncrementalGenerator Create(string name) => name switch
    {
        "Pooled" => new PooledGenerator(),
        "Columnar" => new ColumnarGenerator(),
        "BatchReducer" => new BatchReducerGenerator(),
        "ShardedCache" => new ShardedCacheGenerator(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
