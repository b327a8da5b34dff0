using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// Each generator's output needs a minimum C# version. Below it the type gets a HOT0xx at its attribute and no code
/// (not CS8400/CS8773/CS8936 inside generated files); at it, the generated code compiles.
/// </summary>
public sealed class LanguageVersionTests
{
    private const string Pooled = "namespace App { [Hotpath.Pooled] public sealed partial class Job { public int Attempts; public System.Collections.Generic.List<string> Log = new System.Collections.Generic.List<string>(); } }";

    private const string Columnar = "namespace App { [Hotpath.Columnar] public partial struct Sample { public long UnixMs; public string Node; public double Cpu; } }";

    private const string Reducer = """
        namespace App
        {
            public struct In { public string Node; public long V; }
            [Hotpath.BatchReducer(typeof(In))] public partial struct Out { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long N; [Hotpath.Sum(nameof(In.V))] public long Total; }
        }
        """;

    private const string WideReducer = """
        namespace App
        {
            public struct In { public string Node; public long V; }
            [Hotpath.BatchReducer(typeof(In))] public partial struct Out { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long N; [Hotpath.Sum(nameof(In.V))] public System.Int128 Total; }
        }
        """;

    private const string Cache = """
        namespace App
        {
            public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
            [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class PodCache { }
        }
        """;

    public static TheoryData<string, string, LanguageVersion, string> TooOld => new()
    {
        { nameof(Pooled), Pooled, LanguageVersion.CSharp8, "HOT001: 'Job' is marked [Pooled] but the generated pool needs C# 9.0 or later, and this project compiles C# 8.0; set <LangVersion>9.0</LangVersion> (or later) in the project" },
        { nameof(Columnar), Columnar, LanguageVersion.CSharp7_3, "HOT002: 'Sample' cannot be encoded by [Columnar]: the generated codec needs C# 8.0 or later, and this project compiles C# 7.3; set <LangVersion>8.0</LangVersion> (or later) in the project" },
        { nameof(Reducer), Reducer, LanguageVersion.CSharp8, "HOT004: [BatchReducer] of 'Out': the generated reducer needs C# 9.0 or later, and this project compiles C# 8.0; set <LangVersion>9.0</LangVersion> (or later) in the project" },
        { nameof(WideReducer), WideReducer, LanguageVersion.CSharp10, "HOT004: Member 'Total' of 'Out': its checked [Sum] of Int128 (the type's checked operators) needs C# 11.0 or later, and this project compiles C# 10.0; set <LangVersion>11.0</LangVersion> (or later) in the project" },
        { nameof(Cache), Cache, LanguageVersion.CSharp9, "HOT003: 'Pod' is the value type of [ShardedCache] on 'PodCache' but the generated key, a 'readonly record struct', needs C# 10.0 or later, and this project compiles C# 9.0; set <LangVersion>10.0</LangVersion> (or later) in the project" },
    };

    public static TheoryData<string, string, LanguageVersion> OldEnough => new()
    {
        { nameof(Pooled), Pooled, LanguageVersion.CSharp9 },
        { nameof(Columnar), Columnar, LanguageVersion.CSharp8 },
        { nameof(Reducer), Reducer, LanguageVersion.CSharp9 },
        { nameof(WideReducer), WideReducer, LanguageVersion.CSharp11 },
        { nameof(Cache), Cache, LanguageVersion.CSharp10 },
    };

    [Theory]
    [MemberData(nameof(TooOld))]
    public async Task Below_the_minimum_the_attribute_gets_a_diagnostic_and_no_code(string generator, string source, LanguageVersion version, string expected)
    {
        var run = Run(generator, source, version);

        Assert.Empty(run.GeneratedSources);
        Assert.Equal([expected], run.Result.Diagnostics.Select(Format));
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));
        var reported = await AnalyzerVerifier.RunAnalyzersAsync(run.OutputCompilation, [Analyzer(generator)]);
        Assert.Equal([expected], reported.Select(Format));
        var at = Assert.Single(reported).Location;
        Assert.StartsWith("Hotpath." + generator.Replace("Wide", string.Empty).Replace("Reducer", "BatchReducer").Replace("Cache", "ShardedCache"), at.SourceTree!.GetText().ToString(at.SourceSpan), StringComparison.Ordinal); // at the attribute
    }

    [Theory]
    [MemberData(nameof(OldEnough))]
    public void At_the_minimum_the_generated_code_compiles(string generator, string source, LanguageVersion version)
    {
        var run = Run(generator, source, version);

        Assert.NotEmpty(run.GeneratedSources);
        Assert.Empty(run.Result.Diagnostics);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    private static GeneratorRun Run(string generator, string source, LanguageVersion version)
    {
        var parseOptions = new CSharpParseOptions(version);
        var compilation = CSharpCompilation.Create(
            "TestAssembly",
            [CSharpSyntaxTree.ParseText(source, parseOptions, TestCompilation.SourcePath(0))],
            ReferenceAssemblies.WithHotpath,
            TestCompilation.Options().WithNullableContextOptions(version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable));
        Assert.Empty(compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));
        var driver = CSharpGeneratorDriver.Create([Generator(generator).AsSourceGenerator()], parseOptions: parseOptions);
        return GeneratorRunner.Run(driver, compilation);
    }

    private static IIncrementalGenerator Generator(string name) => name switch
    {
        nameof(Pooled) => new PooledGenerator(),
        nameof(Columnar) => new ColumnarGenerator(),
        nameof(Cache) => new ShardedCacheGenerator(),
        _ => new BatchReducerGenerator(),
    };

    private static DiagnosticAnalyzer Analyzer(string name) => name switch
    {
        nameof(Pooled) => new PooledDiagnosticsAnalyzer(),
        nameof(Columnar) => new ColumnarDiagnosticsAnalyzer(),
        nameof(Cache) => new ShardedCacheDiagnosticsAnalyzer(),
        _ => new BatchReducerDiagnosticsAnalyzer(),
    };

    private static string Format(Diagnostic diagnostic) => diagnostic.Id + ": " + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
}
