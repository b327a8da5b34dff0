using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// [Columnar]'s Decode and [Pooled]'s pool create instances with <c>new T()</c>, which C# binds to a constructor whose
/// parameters are all optional or <c>params</c> too. Such a constructor is accepted; two that <c>new T()</c> cannot
/// choose between (CS0121) are HOT002 ([Columnar]) or HOT005 ([Pooled]).
/// </summary>
public sealed class ConstructorSelectionTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzers = { new ColumnarDiagnosticsAnalyzer(), new PooledDiagnosticsAnalyzer() };

    private static readonly IIncrementalGenerator[] s_generators = { new ColumnarGenerator(), new PooledGenerator() };

    // Constructors `new T()` can call, on their own or beside one it prefers.
    public static TheoryData<string> Callable => new()
    {
        "public Row(int scale = 1) { Scale = scale; }",
        "public Row(params int[] scales) { Scale = scales.Length + 1; }",
        "public Row(string name = \"\", int scale = 1) { Scale = scale; }",
        "public Row() { Scale = 1; } public Row(int scale = 7) { Scale = scale; }", // the parameterless one is preferred
        "public Row(int scale = 1) { Scale = scale; } public Row(params string[] names) { Scale = 9; }", // the normal form is preferred
        "private Row(int scale = 1) { Scale = scale; } public Row(long id) { Scale = (int)id; }",
        "public Row(int scale = 1, params int[] more) { Scale = scale; } public Row(params int[] more) { Scale = 9; }", // expanded forms: more declared parameters is preferred
    };

    [Theory]
    [MemberData(nameof(Callable))]
    public void Columnar_decodes_class_rows_through_a_constructor_with_only_optional_or_params_parameters(string constructors)
    {
        var run = Run($$"""
            namespace App;
            [Hotpath.Columnar] public sealed partial class Row
            {
                {{constructors}}
                public int Scale;
                public long Value;
            }
            public static class Probe
            {
                public static string Run()
                {
                    var rows = new Row[1];
                    Row.Codec.Decode(Row.Codec.Encode([new Row(5L) { Scale = 3, Value = 42 }]), rows);
                    return rows[0].Scale + ":" + rows[0].Value;
                }
            }
            """.Replace("new Row(5L)", constructors.Contains("long id", StringComparison.Ordinal) ? "new Row(5L)" : "new Row()", StringComparison.Ordinal));

        Assert.Empty(run.Result.Diagnostics);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("3:42", assembly.GetType("App.Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Theory]
    [MemberData(nameof(Callable))]
    public void Pooled_creates_instances_through_a_constructor_with_only_optional_or_params_parameters(string constructors)
    {
        var run = Run($$"""
            namespace App;
            [Hotpath.Pooled] public sealed partial class Row
            {
                {{constructors}}
                [Hotpath.NoReset] public int Scale;
                public long Value;
            }
            public static class Probe
            {
                public static int Run() => Row.Pool.Rent().Scale;
            }
            """);

        Assert.Empty(run.Result.Diagnostics);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.True((int)assembly.GetType("App.Probe")!.GetMethod("Run")!.Invoke(null, null)! > 0);
    }

    // Constructors `new T()` cannot choose between (CS0121).
    public static TheoryData<string> Ambiguous => new()
    {
        "public Row(int scale = 1) { } public Row(string name = \"\") { }",
        "public Row(params int[] scales) { } public Row(params string[] names) { }",
        "public Row(int scale = 1) { } private Row(long id = 2, int more = 3) { }",
    };

    [Theory]
    [MemberData(nameof(Ambiguous))]
    public async Task Columnar_reports_HOT002_when_new_T_is_ambiguous(string constructors)
    {
        var source = $$"""
            [Hotpath.Columnar] public sealed partial class {|HOT002:Row|}
            {
                {{constructors}}
                public long Value;
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzers);

        var diagnostic = Assert.Single(await AnalyzerVerifier.GetDiagnosticsAsync(DiagnosticMarkup.Parse(source).Source, s_analyzers));
        Assert.StartsWith("'Row' cannot be encoded by [Columnar]: Decode creates rows with 'new Row()', which is ambiguous between 'Row.Row(", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.EndsWith("(CS0121); declare a parameterless constructor, which 'new Row()' prefers", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        AssertNoCode(DiagnosticMarkup.Parse(source).Source);
    }

    [Theory]
    [MemberData(nameof(Ambiguous))]
    public async Task Pooled_reports_HOT005_when_new_T_is_ambiguous(string constructors)
    {
        var source = $$"""
            [Hotpath.Pooled] public sealed partial class {|HOT005:Row|}
            {
                {{constructors}}
                public long Value;
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzers);

        var diagnostic = Assert.Single(await AnalyzerVerifier.GetDiagnosticsAsync(DiagnosticMarkup.Parse(source).Source, s_analyzers));
        Assert.StartsWith("'Row' is marked [Pooled] but has no parameterless constructor the pool can call: 'new Row()' is ambiguous between 'Row.Row(", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.EndsWith("(CS0121); declare a parameterless constructor, which 'new Row()' prefers (it may be private)", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        AssertNoCode(DiagnosticMarkup.Parse(source).Source);
    }

    [Fact]
    public async Task Columnar_problems_with_the_whole_type_name_the_type_not_a_member()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Columnar] public sealed partial class NoCtor { public NoCtor(int scale) { } public long Value; }
            [Hotpath.Columnar] public partial struct Member { public object Payload; }
            """,
            s_analyzers);

        Assert.Equal(
            new[]
            {
                "'NoCtor' cannot be encoded by [Columnar]: a [Columnar] class needs a constructor that can be called without arguments (and must not be abstract) so Decode can create rows",
                "Member 'Payload' of type 'object' cannot be encoded by [Columnar]: its type is not supported; supported types are integers, bool, char, float, double, Half, decimal, DateTime, DateTimeOffset, TimeSpan, DateOnly, TimeOnly, Guid, enums, string and nullable forms of the value types",
            },
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public async Task With_a_primary_constructor_the_messages_say_the_parameterless_constructor_must_call_it()
    {
        // A constructor declared beside a primary constructor must call it (CS8862): 'declare one' alone would lead there.
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Columnar] public sealed partial class Row(long value) { public long Value = value; }
            [Hotpath.Pooled] public sealed partial class Session(int capacity) { public int[] Buffer = new int[capacity]; }
            """,
            s_analyzers);

        Assert.Equal(
            new[]
            {
                "'Row' cannot be encoded by [Columnar]: a [Columnar] class needs a constructor that can be called without arguments (and must not be abstract) so Decode can create rows; " +
                "declare one that calls the primary constructor ('public Row() : this(...) { }')",
                "'Session' is marked [Pooled] but has no parameterless constructor the pool can call: declare one that calls the primary constructor " +
                "('private Session() : this(...) { }'; it may be private: the generated Pool is inside the type)",
            },
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    private static GeneratorRun Run(string source)
    {
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create(source));
        TestCompilation.AssertNoErrors(run.OutputCompilation);
        return run;
    }

    private static void AssertNoCode(string source)
    {
        var run = Run(source);
        Assert.Empty(run.GeneratedSources);
    }
}
