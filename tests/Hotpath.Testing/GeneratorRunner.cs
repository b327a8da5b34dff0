using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Sdk;

namespace Hotpath.Testing;

/// <summary>The outcome of one generator run: the driver (to run again incrementally), its result and the updated compilation.</summary>
public sealed record GeneratorRun(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation InputCompilation, Compilation OutputCompilation)
{
    /// <summary>Every generated file, ordered by hint name.</summary>
    public ImmutableArray<GeneratedSourceResult> GeneratedSources =>
        Result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal).ToImmutableArray();

    /// <summary>The text of the generated file whose hint name ends with <paramref name="hintNameSuffix"/>.</summary>
    public string Source(string hintNameSuffix) =>
        GeneratedSources.Single(s => s.HintName.EndsWith(hintNameSuffix, StringComparison.Ordinal)).SourceText.ToString();
}

/// <summary>Runs incremental generators through <see cref="CSharpGeneratorDriver"/> with step tracking on.</summary>
public static class GeneratorRunner
{
    /// <summary>A driver for <paramref name="generators"/> that tracks every named step.</summary>
    public static GeneratorDriver CreateDriver(params IIncrementalGenerator[] generators) =>
        CSharpGeneratorDriver.Create(
            generators.Select(GeneratorExtensions.AsSourceGenerator),
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>A driver for <paramref name="generators"/> that sees <paramref name="buildProperties"/> as MSBuild properties (<c>build_property.*</c>).</summary>
    public static GeneratorDriver CreateDriver(IReadOnlyDictionary<string, string> buildProperties, params IIncrementalGenerator[] generators) =>
        CSharpGeneratorDriver.Create(
            generators.Select(GeneratorExtensions.AsSourceGenerator),
            parseOptions: TestCompilation.ParseOptions,
            optionsProvider: new BuildPropertiesProvider(buildProperties),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs <paramref name="generator"/> over a compilation of <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(IIncrementalGenerator generator, params string[] sources) =>
        Run(CreateDriver(generator), TestCompilation.Create(sources));

    /// <summary>Runs <paramref name="driver"/> over <paramref name="compilation"/>; fails if a generator threw.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult();
        var failures = result.Results.Where(r => r.Exception is not null).ToArray();
        if (failures.Length > 0)
        {
            // A generator must never throw: user mistakes are diagnostics.
            throw new XunitException("A generator threw: " + string.Join(Environment.NewLine, failures.Select(f => f.Exception!.ToString())));
        }

        return new GeneratorRun(driver, result, compilation, output);
    }

    /// <summary>
    /// Runs <paramref name="generator"/> over <paramref name="sources"/> and fails when the output compilation
    /// (user code plus generated code) has errors. Returns the run for further checks.
    /// </summary>
    public static GeneratorRun RunAndCompile(IIncrementalGenerator generator, params string[] sources)
    {
        var run = Run(generator, sources);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
        return run;
    }
}

/// <summary>Global analyzer-config options holding MSBuild properties, as the SDK passes <c>CompilerVisibleProperty</c> items.</summary>
internal sealed class BuildPropertiesProvider : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
{
    private static readonly Options s_none = new(new Dictionary<string, string>());
    private readonly Options _global;

    public BuildPropertiesProvider(IReadOnlyDictionary<string, string> properties) =>
        _global = new Options(properties.ToDictionary(p => "build_property." + p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase));

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions => _global;

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_none;

    public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_none;

    private sealed class Options(Dictionary<string, string> values) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
