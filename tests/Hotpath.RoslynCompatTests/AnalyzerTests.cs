using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.RoslynCompatTests;

/// <summary>
/// The analyzer and generator assemblies loaded by Roslyn 4.8 the way csc loads them, and every analyzer run over
/// code that breaks every rule (HOT001–HOT303) and over the Quickstart sample (which breaks none).
/// </summary>
public sealed class AnalyzerTests
{
    private static readonly string[] s_allRules =
    [
        "HOT001", "HOT002", "HOT003", "HOT004", "HOT005", "HOT006", "HOT007",
        "HOT101", "HOT102", "HOT103", "HOT104", "HOT105", "HOT106", "HOT107", "HOT108", "HOT109", "HOT110", "HOT111",
        "HOT201", "HOT202", "HOT203", "HOT204", "HOT205", "HOT206", "HOT207", "HOT208", "HOT209", "HOT210", "HOT211",
        "HOT301", "HOT302", "HOT303",
    ];

    private static string GeneratorsPath => typeof(PooledGenerator).Assembly.Location;

    private static string AnalyzersPath => typeof(Hotpath.Analyzers.Pooling.PoolMisuseAnalyzer).Assembly.Location;

    /// <summary>Every analyzer of both assemblies, created from the files as the compiler does.</summary>
    private static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers() =>
        Roslyn48.LoadAsCompilerWould(AnalyzersPath).Analyzers.AddRange(Roslyn48.LoadAsCompilerWould(GeneratorsPath).Analyzers);

    [Fact]
    public void The_compiler_finds_every_generator_and_analyzer_in_the_shipped_assemblies()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        var generators = Roslyn48.LoadAsCompilerWould(GeneratorsPath);
        var analyzers = Roslyn48.LoadAsCompilerWould(AnalyzersPath);

        Assert.Equal(
            new[] { "BatchReducerGenerator", "ColumnarGenerator", "PooledGenerator", "ShardedCacheGenerator" },
            generators.Generators.Select(g => g.GetGeneratorType().Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Empty(analyzers.Generators);

        // As many analyzers as the assemblies declare with [DiagnosticAnalyzer], and together they own every rule.
        Assert.Equal(CountDeclaredAnalyzers(typeof(PooledGenerator).Assembly), generators.Analyzers.Length);
        Assert.Equal(CountDeclaredAnalyzers(typeof(Hotpath.Analyzers.Pooling.PoolMisuseAnalyzer).Assembly), analyzers.Analyzers.Length);
        var supported = generators.Analyzers.AddRange(analyzers.Analyzers).SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(s_allRules, supported);
    }

    [Fact]
    public async Task Every_rule_is_reported_and_no_analyzer_throws()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        var compilation = GenerateAsInABuild(Roslyn48.Compilation("Violations48", Sources.Violations));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The test source does not compile:\n" + Roslyn48.Format(errors));

        var diagnostics = await RunAnalyzersAsync(compilation, AllAnalyzers());

        var reported = diagnostics.Select(d => d.Id).Where(id => id.StartsWith("HOT", StringComparison.Ordinal)).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToArray();
        Assert.True(s_allRules.SequenceEqual(reported),
            $"Missing: {string.Join(", ", s_allRules.Except(reported))}; unexpected: {string.Join(", ", reported.Except(s_allRules))}\n" + Roslyn48.Format(diagnostics));
        Assert.All(diagnostics.Where(d => d.Id.StartsWith("HOT0", StringComparison.Ordinal)), d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    [Fact]
    public async Task The_Quickstart_sample_compiles_runs_and_has_no_diagnostics()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        var program = await File.ReadAllTextAsync(Path.Combine(Roslyn48.RepoRoot, "samples", "Quickstart", "Program.cs"));
        // The SDK's implicit usings of a console project (ImplicitUsings=enable).
        var usings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
                     "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";
        var input = Roslyn48.Compilation("Quickstart48", program, usings).WithOptions(new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var (result, output) = Roslyn48.RunGenerators(input, new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator());
        Assert.Equal(5, result.Results.Sum(r => r.GeneratedSources.Length));
        Roslyn48.AssertNoErrorsOrWarnings(output);
        var diagnostics = await RunAnalyzersAsync(output, AllAnalyzers());
        Assert.True(diagnostics.IsEmpty, "The Quickstart sample is clean, but Roslyn 4.8 reported:\n" + Roslyn48.Format(diagnostics));

        var assembly = Roslyn48.EmitAndLoad(output);
        var main = assembly.EntryPoint!;
        var exitCode = main.Invoke(null, main.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        Assert.Equal(0, exitCode);
    }

    /// <summary>Runs the generators as a build does (HotpathGeneratorDiagnostics=analyzer: they leave HOT0xx to the companion analyzers).</summary>
    private static Compilation GenerateAsInABuild(Compilation input)
    {
        IIncrementalGenerator[] generators = [new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator()];
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            generators.Select(GeneratorExtensions.AsSourceGenerator),
            parseOptions: Roslyn48.ParseOptions,
            optionsProvider: new BuildProperties("HotpathGeneratorDiagnostics", "analyzer"));
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var driverDiagnostics);
        var result = driver.GetRunResult();
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.True(driverDiagnostics.IsEmpty && result.Diagnostics.IsEmpty, "In a build the generators report nothing themselves:\n" + Roslyn48.Format(result.Diagnostics));
        return output;
    }

    /// <summary>Every analyzer diagnostic; fails on AD0001 or any analyzer exception.</summary>
    private static async Task<ImmutableArray<Diagnostic>> RunAnalyzersAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var exceptions = new ConcurrentQueue<string>();
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var crashes = diagnostics.Where(d => d.Id is "AD0001" or "AD0002").Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Concat(exceptions).ToArray();
        Assert.True(crashes.Length == 0, "An analyzer threw under Roslyn 4.8:\n" + string.Join("\n", crashes));
        return diagnostics;
    }

    private static int CountDeclaredAnalyzers(Assembly assembly) =>
        assembly.GetTypes().Count(t => !t.IsAbstract && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)));

    /// <summary>MSBuild properties as the SDK hands them to generators (<c>build_property.*</c>).</summary>
    private sealed class BuildProperties(string name, string value) : AnalyzerConfigOptionsProvider
    {
        private static readonly Options s_none = new(ImmutableDictionary<string, string>.Empty);
        private readonly Options _global = new(ImmutableDictionary<string, string>.Empty.Add("build_property." + name, value));

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_none;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_none;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
