using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// Declarations users write that are legal C# but unusual for a generator: keyword namespaces and type names,
/// and members marked [Obsolete]. Every generator's output must compile without a warning (users build with
/// warnings as errors) and must run.
/// </summary>
public sealed class UserShapeTests
{
    private static readonly IIncrementalGenerator[] s_all =
        { new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator() };

    [Fact]
    public void A_keyword_namespace_gets_hint_names_without_the_escape_and_code_from_every_generator()
    {
        var run = Run("""
            namespace Probe.@event
            {
                public struct Metric { public string Node; public double Cpu; }
                public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
                [Hotpath.Pooled] public sealed partial class State { public int X = 3; }
                [Hotpath.Columnar] public partial struct Sample { public long UnixMs; public double Cpu; }
                [Hotpath.BatchReducer(typeof(Metric))] public partial struct Minute { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Samples; }
                [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class PodCache { }
            }
            """);

        var hints = run.Result.Results.SelectMany(static r => r.GeneratedSources).Select(static s => s.HintName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            new[]
            {
                "Probe.event.Minute.BatchReducer.g.cs", "Probe.event.PodCache.ShardedCache.g.cs", "Probe.event.PodKey.CacheKey.g.cs",
                "Probe.event.Sample.Columnar.g.cs", "Probe.event.State.Pooled.g.cs",
            },
            hints);
        AssertClean(run);
    }

    [Fact]
    public void Keyword_type_names_are_written_escaped()
    {
        var run = Run("""
            namespace App;
            public struct Metric { public string Node; public double Cpu; }
            public sealed class @event { [Hotpath.CacheKey(0)] public string Name = ""; }
            [Hotpath.Pooled] public sealed partial class @class { public int X = 3; }
            [Hotpath.Columnar] public partial struct @struct { public long UnixMs; }
            [Hotpath.BatchReducer(typeof(Metric))] public partial struct @fixed { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Samples; }
            [Hotpath.ShardedCache(typeof(@event))] public sealed partial class @checked { }
            public static class Probe
            {
                public static string Run()
                {
                    var pooled = @class.Pool.Rent();
                    pooled.X = 9;
                    @class.Pool.Return(pooled);
                    var rows = @struct.Codec.Decode(@struct.Codec.Encode(new[] { new @struct { UnixMs = 42 } }));
                    var reducer = new @fixed.Reducer();
                    reducer.Add(new Metric { Node = "a", Cpu = 1 });
                    var cache = new @checked();
                    cache.Set(new @event { Name = "n" });
                    return @class.Pool.Rent().X + ":" + rows[0].UnixMs + ":" + reducer.Count + ":" + cache.TryGet("n", out _);
                }
            }
            """);

        AssertCleanAndRun(run, "App.Probe", "Run", expected: "3:42:1:True");
    }

    [Fact]
    public void Members_marked_obsolete_are_still_reset_encoded_and_aggregated_without_a_warning()
    {
        var run = Run("""
            namespace App;
            public struct Metric { public string Node; public double Cpu; }
            [Hotpath.Pooled] public sealed partial class State { [System.Obsolete("old")] public int Old = 1; public int New; }
            [Hotpath.Columnar] public partial struct Sample { [System.Obsolete] public long Old; public double New; }
            [Hotpath.BatchReducer(typeof(Metric))] public partial struct Minute
            {
                [Hotpath.GroupKey] public string Node;
                [System.Obsolete("old")][Hotpath.Sum(nameof(Metric.Cpu))] public double CpuSum;
            }
            public static class Probe
            {
            #pragma warning disable CS0612, CS0618 // the probe reads them on purpose
                public static string Run()
                {
                    var state = new State { Old = 5 };
                    state.Reset();
                    var rows = Sample.Codec.Decode(Sample.Codec.Encode(new[] { new Sample { Old = 7, New = 0.5 } }));
                    var reducer = new Minute.Reducer();
                    reducer.Add(new Metric { Node = "a", Cpu = 2 });
                    reducer.Add(new Metric { Node = "a", Cpu = 3 });
                    var sum = 0.0;
                    foreach (var minute in reducer.ToArray())
                    {
                        sum += minute.CpuSum;
                    }

                    return state.Old + ":" + rows[0].Old + ":" + sum;
                }
            #pragma warning restore CS0612, CS0618
            }
            """);

        AssertCleanAndRun(run, "App.Probe", "Run", expected: "1:7:5");
    }

    [Fact]
    public void Pooled_resets_pointers_non_nullable_events_explicit_interface_members_and_a_plain_base_with_its_own_Reset_and_Pool()
    {
        var source = """
            namespace App;
            public interface IHasLimit { int Limit { get; set; } }
            public class Plain
            {
                public int BaseCount = 4;
                public static string Pool => "the base's";
                public void Reset() => BaseCount = 4;
            }
            [Hotpath.Pooled] public sealed unsafe partial class Native { public int* Cursor; public int Length = 2; }
            [Hotpath.Pooled] public sealed partial class Notifier { public event System.Action Changed = delegate { }; public int Fired; public void Fire() { Changed(); Fired++; } }
            [Hotpath.Pooled] public sealed partial class Limited : IHasLimit { int IHasLimit.Limit { get; set; } = 5; }
            [Hotpath.Pooled] public partial class Derived : Plain { public int Own = 1; }
            public static class Probe
            {
                public static unsafe string Run()
                {
                    var value = 3;
                    var native = new Native { Cursor = &value, Length = 9 };
                    native.Reset();
                    var notifier = new Notifier();
                    var calls = 0;
                    notifier.Changed += () => calls++;
                    notifier.Reset();
                    var unsubscribed = true;
                    try { notifier.Fire(); unsubscribed = false; } catch (System.NullReferenceException) { }
                    IHasLimit limited = new Limited();
                    limited.Limit = 50;
                    ((Limited)limited).Reset();
                    var derived = Derived.Pool.Rent();
                    derived.BaseCount = 40;
                    derived.Own = 10;
                    Derived.Pool.Return(derived);
                    var again = Derived.Pool.Rent();
                    return (native.Cursor == null) + ":" + native.Length + ":" + unsubscribed + ":" + calls + ":" + limited.Limit + ":" +
                        again.BaseCount + ":" + again.Own + ":" + Plain.Pool;
                }
            }
            """;
        var compilation = TestCompilation.Create(source);
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_all), compilation.WithOptions(compilation.Options.WithAllowUnsafe(true)));

        AssertCleanAndRun(run, "App.Probe", "Run", expected: "True:2:True:0:5:4:1:the base's");
    }

    [Fact]
    public void Types_whose_names_differ_only_in_case_get_distinct_hint_names_and_both_get_code()
    {
        var run = Run("""
            namespace App.Io { [Hotpath.Pooled] public sealed partial class Foo { public int X = 1; } }
            namespace App.IO { [Hotpath.Pooled] public sealed partial class Foo { public int Y = 2; } }
            namespace App.Io { public struct Metric { public string Node; } [Hotpath.BatchReducer(typeof(Metric))] public partial struct Minute { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long N; } }
            namespace App.IO { [Hotpath.BatchReducer(typeof(App.Io.Metric))] public partial struct Minute { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long N; } }
            namespace App.Io { [Hotpath.Columnar] public partial struct Row { public int A; } }
            namespace App.IO { [Hotpath.Columnar] public partial struct Row { public int B; } }
            namespace App.Io { public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; } [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class Pods { } }
            namespace App.IO { public sealed class Pod { [Hotpath.CacheKey(0)] public int Id; } [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class Pods { } }
            namespace App { [Hotpath.Pooled] public sealed partial class Plain { public int Z = 3; } }
            public static class Probe
            {
                public static string Run() => App.Io.Foo.Pool.Rent().X + ":" + App.IO.Foo.Pool.Rent().Y + ":" + new App.IO.Minute.Reducer().Count + ":" + App.IO.Row.Codec.Decode(App.IO.Row.Codec.Encode(new[] { new App.IO.Row { B = 4 } }))[0].B + ":" + new App.IO.Pods().TryGet(1, out _);
            }
            """);

        var hints = run.Result.Results.SelectMany(static r => r.GeneratedSources).Select(static s => s.HintName).ToArray();
        Assert.Equal(11, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("App.Plain.Pooled.g.cs", hints); // only the clashing names get a suffix
        Assert.All(hints.Where(static h => h.StartsWith("App.I", StringComparison.OrdinalIgnoreCase)), static h => Assert.Matches(@"^App\.I[oO]\.(Foo|Minute|Row|Pods|PodKey)\.[0-9a-f]{8}\.(Pooled|BatchReducer|Columnar|ShardedCache|CacheKey)\.g\.cs$", h));
        AssertCleanAndRun(run, "Probe", "Run", expected: "1:2:0:4:False");
    }

    [Theory]
    [InlineData("[Hotpath.ShardedCache(typeof(Keyed))]", "interface,struct,record struct,enum,delegate")]
    [InlineData("[Hotpath.Pooled]", "interface,struct,record struct,enum,delegate")]
    [InlineData("[Hotpath.Columnar]", "interface,enum,delegate")]
    [InlineData("[Hotpath.BatchReducer(typeof(Metric))]", "interface,class,record,enum,delegate")]
    public async Task A_kind_of_type_the_attribute_cannot_go_on_gets_the_compilers_CS0592_and_no_code(string attribute, string kinds)
    {
        DiagnosticAnalyzer[] analyzers = [new PooledDiagnosticsAnalyzer(), new ColumnarDiagnosticsAnalyzer(), new BatchReducerDiagnosticsAnalyzer(), new ShardedCacheDiagnosticsAnalyzer()];
        var problems = new List<string>();
        foreach (var kind in kinds.Split(','))
        {
            var declaration = kind switch
            {
                "enum" => "public enum Target { A }",
                "delegate" => "public delegate void Target();",
                "interface" => "public partial interface Target { int Value { get; } }",
                _ => "public partial " + kind + " Target { public int Value; [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Samples; }",
            };
            var run = Run(
                """
                public readonly record struct KeyedStruct(int Id);
                public sealed class Keyed { [Hotpath.CacheKey(0)] public int Id; }
                public struct Metric { public string Node; }

                """ + attribute + "\n" + declaration);

            if (run.GeneratedSources.Length > 0)
            {
                problems.Add(kind + ": generated " + string.Join(", ", run.GeneratedSources.Select(static s => s.HintName)));
            }

            var reported = await AnalyzerVerifier.RunAnalyzersAsync(run.InputCompilation, analyzers);
            var errors = run.OutputCompilation.GetDiagnostics().Concat(run.Result.Diagnostics).Concat(reported).Where(static d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS0592").ToArray();
            if (errors.Length > 0)
            {
                problems.Add(kind + ":\n" + TestCompilation.Format(errors));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static GeneratorRun Run(string source) =>
        GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_all), TestCompilation.Create(source));

    /// <summary>No error anywhere and no warning in generated code (CS1701/CS1702, reference unification, are off in SDK builds).</summary>
    private static void AssertClean(GeneratorRun run)
    {
        var generated = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
        var problems = run.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error ||
                (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generated.Contains(tree)))
            .ToArray();
        Assert.True(problems.Length == 0, "Diagnostics:\n" + TestCompilation.Format(problems));
    }

    /// <summary><see cref="AssertClean"/>, then the static probe method returns <paramref name="expected"/>.</summary>
    private static void AssertCleanAndRun(GeneratorRun run, string type, string method, string expected)
    {
        AssertClean(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        var result = assembly.GetType(type, throwOnError: true)!.GetMethod(method)!.Invoke(null, null);
        Assert.Equal(expected, result);
    }
}
