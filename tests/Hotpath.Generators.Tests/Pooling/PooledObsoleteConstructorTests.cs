using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>
/// A parameterless constructor marked [Obsolete]: the generated pool factory calls it without a warning (users build
/// with warnings as errors); one marked [Obsolete(error: true)] cannot be called at all, so it is HOT005.
/// </summary>
public sealed class PooledObsoleteConstructorTests
{
    [Fact]
    public void An_obsolete_constructor_is_called_by_the_pool_without_a_warning_under_warnings_as_errors()
    {
        var compilation = TestCompilation.Create(
            """
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Legacy
            {
                [System.Obsolete("use Create")] public Legacy() { }
                public int Value = 3;
            }

            [Hotpath.Pooled]
            public sealed partial class Older
            {
                [System.Obsolete] private Older() { }
                public int Value = 4;
            }

            public static class Probe
            {
                public static string Run() => Legacy.Pool.Rent().Value + ":" + Older.Pool.Rent().Value;
            }
            """);
        var options = compilation.Options;
        compilation = compilation.WithOptions(options.WithGeneralDiagnosticOption(ReportDiagnostic.Error));

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new PooledGenerator()), compilation);

        // Every warning is an error here; the reference-assembly unification note (CS1701, no location) is the test setup's.
        Assert.Empty(run.Result.Diagnostics);
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error && d.Location.IsInSource));
        Assert.Equal("3:4", TestCompilation.EmitAndLoad(run.OutputCompilation.WithOptions(options)).GetType("App.Probe", throwOnError: true)!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public async Task HOT005_when_the_parameterless_constructor_is_obsolete_as_an_error()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class Forbidden
            {
                [System.Obsolete("do not", error: true)] public Forbidden() { }
            }

            [Hotpath.Pooled]
            public sealed partial class Warned
            {
                [System.Obsolete("careful", error: false)] public Warned() { }
            }
            """,
            new DiagnosticAnalyzer[] { new PooledDiagnosticsAnalyzer() });

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("HOT005", diagnostic.Id);
        Assert.Equal(
            "'Forbidden' is marked [Pooled] but has no parameterless constructor the pool can call: it is [Obsolete] as an error, so 'new()' does not compile; remove 'error: true' or the attribute",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_generator_emits_no_uncompilable_factory_for_it()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            "[Hotpath.Pooled] public sealed partial class Forbidden { [System.Obsolete(\"x\", true)] public Forbidden() { } }");

        Assert.Equal("HOT005", Assert.Single(run.Result.Diagnostics).Id);
        Assert.Empty(run.GeneratedSources);
    }
}
