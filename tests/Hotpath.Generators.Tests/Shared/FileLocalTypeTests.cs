using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// File-local types (<c>file partial class X</c>) can only be named in their own file, and generated code lives in
/// another: a file-local attributed type is HOT001, a file-local [ShardedCache] value type (or a type in it) HOT003,
/// a file-local [BatchReducer] input type HOT004. The generators emit nothing for them, so the build has only the
/// diagnostic, never errors in generated code.
/// </summary>
public sealed class FileLocalTypeTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzers =
    {
        new PooledDiagnosticsAnalyzer(), new ColumnarDiagnosticsAnalyzer(), new BatchReducerDiagnosticsAnalyzer(), new ShardedCacheDiagnosticsAnalyzer(),
    };

    private static readonly IIncrementalGenerator[] s_generators =
        { new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator() };

    private const string Inputs = "public sealed class Input { [Hotpath.CacheKey(0)] public string Id = \"\"; public long UnixMs; }";

    // The attribute as written, a declaration keyword it allows, and a member the type may hold.
    public static TheoryData<string, string, string> Attributes => new()
    {
        { "[Hotpath.Pooled]", "class", "public int X = 3;" },
        { "[Hotpath.Columnar]", "struct", "public long UnixMs;" },
        { "[Hotpath.BatchReducer(typeof(Input))]", "struct", "[Hotpath.Count] public long Rows;" },
        { "[Hotpath.ShardedCache(typeof(Input))]", "class", "" },
    };

    private static readonly AnalyzerTestOptions s_options = new() { AdditionalSources = [Inputs] };

    [Theory]
    [MemberData(nameof(Attributes))]
    public async Task HOT001_on_a_file_local_type_and_no_generated_code(string attribute, string keyword, string member)
    {
        var source = $$"""
            namespace App;

            {{attribute}}
            file partial {{keyword}} {|HOT001:State|}
            {
                {{member}}
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzers, s_options);

        var run = Run(DiagnosticMarkup.Parse(source).Source);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT001", Assert.Single(run.Result.Diagnostics).Id);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Theory]
    [MemberData(nameof(Attributes))]
    public async Task HOT001_on_a_type_nested_in_a_file_local_type(string attribute, string keyword, string member)
    {
        var source = $$"""
            namespace App;

            file static partial class Outer
            {
                {{attribute}}
                public partial {{keyword}} {|HOT001:State|}
                {
                    {{member}}
                }
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzers, s_options);

        var run = Run(DiagnosticMarkup.Parse(source).Source);
        Assert.Empty(run.GeneratedSources);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public async Task HOT001_says_why_and_how_to_fix_it()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Pooled] file sealed partial class PodState { }
            file static partial class Outer { [Hotpath.Columnar] public partial struct Sample { public long UnixMs; } }
            """,
            s_analyzers);

        Assert.Equal(
            new[]
            {
                "'PodState' is marked [Pooled] but it is file-local, and the generated members are added in another file, which cannot extend a file-local type; remove 'file' (an internal type, or a private nested one, keeps it out of sight)",
                "'Sample' is marked [Columnar] but its containing type 'Outer' is file-local, and the generated members are added in another file, which cannot extend a file-local type; remove 'file' (an internal type, or a private nested one, keeps it out of sight)",
            },
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public async Task Only_the_not_partial_HOT001_carries_the_reason_the_make_partial_fix_reads()
    {
        const string Source = """
            [Hotpath.Pooled] file sealed partial class FileLocal { }
            [Hotpath.Pooled] public sealed class NotPartial { }
            """;
        var fromAnalyzer = await AnalyzerVerifier.GetDiagnosticsAsync(Source, s_analyzers);
        var fromGenerator = Run(Source).Result.Diagnostics;

        foreach (var diagnostics in new[] { fromAnalyzer, fromGenerator })
        {
            var reasons = diagnostics
                .OrderBy(static d => d.Location.SourceSpan.Start)
                .Select(static d => d.Properties.TryGetValue(Hotpath.Generators.Shared.DiagnosticDescriptors.ReasonProperty, out var reason) ? reason : null)
                .ToArray();
            Assert.Equal(new[] { null, "NotPartial" }, reasons);
        }
    }

    [Fact]
    public async Task HOT003_on_a_file_local_value_type_or_a_file_local_type_in_it()
    {
        var source = """
            namespace App;

            file sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
            file enum Zone { North, South }
            public sealed class Keyed<T> { [Hotpath.CacheKey(0)] public T Id = default!; }

            [Hotpath.ShardedCache({|HOT003:typeof(Pod)|})] internal sealed partial class PodCache { }
            [Hotpath.ShardedCache({|HOT003:typeof(Keyed<Zone>)|})] internal sealed partial class ZoneCache { }
            [Hotpath.ShardedCache(typeof(Keyed<int>))] internal sealed partial class IntCache { }
            """;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzers);

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(DiagnosticMarkup.Parse(source).Source, s_analyzers);
        Assert.Equal(
            new[]
            {
                "'Pod' is the value type of [ShardedCache] on 'PodCache' but 'Pod' is file-local, and the generated key struct 'PodKey' and accessors live in another file, where it cannot be named; remove 'file' from 'Pod'",
                "'Keyed' is the value type of [ShardedCache] on 'ZoneCache' but 'Zone' is file-local, and the generated key struct 'KeyedKey' and accessors live in another file, where it cannot be named; remove 'file' from 'Zone'",
            },
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        var run = Run(DiagnosticMarkup.Parse(source).Source);
        Assert.Equal(new[] { "App.IntCache.ShardedCache.g.cs", "App.KeyedKey.CacheKey.g.cs" }, run.GeneratedSources.Select(static s => s.HintName).ToArray());
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public async Task HOT004_on_a_file_local_input_type()
    {
        var source = """
            namespace App;

            file struct Metric { public string Node; public double Cpu; }

            [Hotpath.BatchReducer({|HOT004:typeof(Metric)|})]
            internal partial struct Minute
            {
                [Hotpath.GroupKey] public string Node;
                [Hotpath.Count] public long Rows;
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzers);

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(DiagnosticMarkup.Parse(source).Source, s_analyzers);
        Assert.Equal(
            "[BatchReducer] of 'Minute': the input type 'Metric' is file-local, and the generated 'Minute.Reducer' lives in another file, where it cannot be named; remove 'file' from 'Metric'",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = Run(DiagnosticMarkup.Parse(source).Source);
        Assert.Empty(run.GeneratedSources);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    private static GeneratorRun Run(string source) =>
        GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create(source, Inputs));
}
