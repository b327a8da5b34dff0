using System.Globalization;
using Hotpath.Generators.Caching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>
/// How a [ShardedCache] class gets its cache when the user shapes its construction: a class with a primary constructor
/// gets no generated constructors (each would need ': this(...)', CS8862) and creates the cache in the field's
/// initializer, which the primary constructor runs; a class without one whose base cannot be constructed without
/// arguments is HOT001 (the generated constructors would not compile, CS7036).
/// </summary>
public sealed class ShardedCacheConstructorTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new ShardedCacheDiagnosticsAnalyzer() };

    private const string Values = """
        #nullable enable
        public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
        public interface ILog { string Prefix { get; } }
        public sealed class Log(string prefix) : ILog { public string Prefix => prefix; }
        public class CacheBase(ILog log) { public ILog Log => log; }
        """;

    /// <summary>Sets three pods and reports what the cache holds, through the user's own members too.</summary>
    private const string Probe = """
        public static class Probe
        {
            public static string Fill(dynamic cache)
            {
                cache.Set(new Pod { Name = "a" });
                cache.Set(new Pod { Name = "b" });
                cache.Set(new Pod { Name = "c" });
                return ((int)cache.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + ((bool)cache.TryGet("c", out Pod _) ? "hit" : "miss");
            }
        }
        """;

    [Fact]
    public void A_primary_constructor_gets_no_generated_constructors_and_the_cache_comes_from_the_field_initializer()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, """
            [Hotpath.ShardedCache(typeof(Pod), Shards = 1, Capacity = 100)]
            public sealed partial class PodCache(ILog log)
            {
                public string Describe(string name) => log.Prefix + (TryGet(name, out var pod) ? pod.Name : "-");
            }

            public static class Run
            {
                public static string Go()
                {
                    var cache = new PodCache(new Log("pods:"));
                    cache.Set(new Pod { Name = "web" });
                    return cache.Describe("web") + " " + cache.Describe("db") + " " + cache.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            """);

        var source = run.Source("PodCache.ShardedCache.g.cs");
        Assert.DoesNotContain("public PodCache(", source, StringComparison.Ordinal);
        Assert.Contains("_hotpathCache = new global::Hotpath.Caching.ShardedCache<global::PodKey, global::Pod>(new global::Hotpath.Caching.ShardedCacheOptions { Shards = 1, Capacity = 100, TimeToLive = null, Name = \"PodCache\" });", source, StringComparison.Ordinal);
        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("pods:web pods:- 1", assembly.GetType("Run")!.GetMethod("Go")!.Invoke(null, null));
    }

    [Fact]
    public void A_primary_constructor_that_passes_a_base_its_arguments_compiles_and_runs()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, """
            [Hotpath.ShardedCache(typeof(Pod), Shards = 1, Capacity = 100)]
            public partial class PodCache(ILog log) : CacheBase(log) { }

            public static class Run
            {
                public static string Go()
                {
                    var cache = new PodCache(new Log("base:"));
                    cache.Set(new Pod { Name = "web" });
                    return cache.Log.Prefix + cache.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            """);

        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("base:1", assembly.GetType("Run")!.GetMethod("Go")!.Invoke(null, null));
    }

    [Theory]
    [InlineData("class PodCache(ShardedCacheOptions options) { }", "new PodCache(new Hotpath.Caching.ShardedCacheOptions { Shards = 1, Capacity = 2 })", "2 hit")]
    [InlineData("class PodCache(ILog log, ShardedCacheOptions options) { public ILog L => log; }", "new PodCache(new Log(\"\"), new Hotpath.Caching.ShardedCacheOptions { Shards = 1, Capacity = 2 })", "2 hit")]
    [InlineData("class PodCache(ShardedCacheOptions? options = null) { }", "new PodCache(new Hotpath.Caching.ShardedCacheOptions { Shards = 1, Capacity = 2 })", "2 hit")]
    [InlineData("class PodCache(ShardedCacheOptions? options = null) { }", "new PodCache()", "3 hit")]
    [InlineData("record PodCache(ShardedCacheOptions Options) { }", "new PodCache(new Hotpath.Caching.ShardedCacheOptions { Shards = 1, Capacity = 2 })", "2 hit")]
    [InlineData("record class PodCache(int Size, ShardedCacheOptions? Options = null) { }", "new PodCache(1, new Hotpath.Caching.ShardedCacheOptions { Shards = 1, Capacity = 2 })", "2 hit")]
    [InlineData("record class PodCache(int Size, ShardedCacheOptions? Options = null) { }", "new PodCache(1)", "3 hit")]
    public void A_ShardedCacheOptions_parameter_of_the_primary_constructor_configures_the_cache(string declaration, string creation, string expected)
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, Probe, $$"""
            using Hotpath.Caching;

            [Hotpath.ShardedCache(typeof(Pod), Shards = 1, Capacity = 100)]
            public sealed partial {{declaration}}

            public static class Run { public static string Go() => Probe.Fill({{creation}}); }
            """);

        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal(expected, assembly.GetType("Run")!.GetMethod("Go")!.Invoke(null, null));
    }

    [Theory]
    [InlineData("public sealed partial class PodCache() { }", "new PodCache()")]
    [InlineData("public sealed partial record PodCache(ILog Log) { }", "new PodCache(new Log(\"\"))")]
    [InlineData("public sealed partial record PodCache(int Size);", "new PodCache(3)")]
    [InlineData("public partial record class PodCache(int Size) { public PodCache() : this(1) { } }", "new PodCache()")]
    [InlineData("public partial record PodCache(int Size);", "new PodCache(3) with { Size = 4 }")]
    [InlineData("public sealed partial class PodCache(ILog log) { public PodCache() : this(new Log(\"\")) { } public ILog L => log; }", "new PodCache()")]
    public void Empty_and_record_primary_constructors_and_constructors_chaining_to_them_work(string declaration, string creation)
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, Probe, $$"""
            [Hotpath.ShardedCache(typeof(Pod), Shards = 1, Capacity = 100)]
            {{declaration}}

            public static class Run { public static string Go() => Probe.Fill({{creation}}); }
            """);

        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("3 hit", assembly.GetType("Run")!.GetMethod("Go")!.Invoke(null, null));
    }

    [Fact]
    public void A_record_caches_with_copy_shares_the_store_as_a_record_shares_any_reference_field()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, """
            [Hotpath.ShardedCache(typeof(Pod), Shards = 1, Capacity = 100)]
            public sealed partial record PodCache(int Size);

            public static class Run
            {
                public static string Go()
                {
                    var original = new PodCache(3);
                    var copy = original with { Size = 4 };
                    copy.Set(new Pod { Name = "web" });
                    return original.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) + copy.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        + " " + (original.TryGet("web", out _) ? "shared" : "apart") + " " + (original == (copy with { Size = 3 }));
                }
            }
            """);

        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("34 shared True", assembly.GetType("Run")!.GetMethod("Go")!.Invoke(null, null));
    }

    [Fact]
    public async Task Quiet_on_primary_constructors_with_the_generator_run()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class A() { }
            [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class B(ILog log) : CacheBase(log) { public B() : this(new Log("")) { } }
            [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class C(Hotpath.Caching.ShardedCacheOptions options) { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Values], Generators = [new ShardedCacheGenerator()] });
    }

    [Fact]
    public async Task HOT001_at_the_base_type_a_generated_constructor_could_not_call()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            public class NoDefault { protected NoDefault(int size) { } }
            public class PrivateDefault { private PrivateDefault() { } public PrivateDefault(int size) { } }
            public class OptionalOnly { protected OptionalOnly(int size = 1) { } }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class A : {|HOT001:CacheBase|} { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class B : {|HOT001:NoDefault|}, System.IDisposable { public void Dispose() { } }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class C : {|HOT001:PrivateDefault|} { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class D : OptionalOnly { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class E(int size) : NoDefault(size) { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Values], AllowCompilerErrors = true }); // without the generator, A, B and C's implicit constructors fail too
    }

    [Fact]
    public void The_generator_reports_the_base_type_and_says_what_to_do()
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), Values, "[Hotpath.ShardedCache(typeof(Pod))] public partial class PodCache : CacheBase { }");

        Assert.Empty(run.GeneratedSources);
        var diagnostic = Assert.Single(run.Result.Diagnostics);
        Assert.Equal("HOT001", diagnostic.Id);
        Assert.Equal(
            "'PodCache' is marked [ShardedCache] but its base class 'CacheBase' has no constructor the generated constructors can call without arguments; " +
            "give 'PodCache' a primary constructor that passes the base its arguments ('partial class PodCache(...) : CacheBase(...)'): the generator then declares no constructors and creates the cache in a field initializer",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HOT001_at_a_constructor_of_the_user_that_does_not_chain_to_a_generated_one()
    {
        // Only the generated constructors create the cache: one that calls neither would leave it null (a
        // NullReferenceException on the first lookup; CS8618 only where nullable analysis is on).
        await AnalyzerVerifier.VerifyAsync(
            """
            public class Base { public Base() { } }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class A { public {|HOT001:A|}(string name) { } }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class B : Base { public {|HOT001:B|}(int size) : base() { } }
            [Hotpath.ShardedCache(typeof(Pod))]
            public partial class C
            {
                static C() { }
                public C(string name) : this() { }
                public C(int size) : this(new Hotpath.Caching.ShardedCacheOptions { Capacity = size }) { }
                public C(long size) : this("x") { }
            }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Values], Generators = [new ShardedCacheGenerator()] });
    }

    [Fact]
    public void The_generator_reports_a_constructor_that_would_leave_the_cache_null()
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), Values, "[Hotpath.ShardedCache(typeof(Pod))] public partial class PodCache { public PodCache(ILog log) { } }");

        Assert.Empty(run.GeneratedSources);
        var diagnostic = Assert.Single(run.Result.Diagnostics);
        Assert.Equal(
            "'PodCache' is marked [ShardedCache] but its constructor 'PodCache(ILog)' calls neither this() nor this(options), the generated constructors that create the cache, " +
            "so the cache would be null; add ': this()' (the attribute's values) or ': this(options)', or make it the primary constructor ('partial class PodCache(ILog log)')",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HOT001_at_a_second_ShardedCacheOptions_parameter()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.ShardedCache(typeof(Pod))]
            public partial class PodCache(Hotpath.Caching.ShardedCacheOptions primary, Hotpath.Caching.ShardedCacheOptions {|HOT001:secondary|}) { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Values] });
    }

    private static void AssertNoWarnings(GeneratorRun run)
    {
        var warnings = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Warning && d.Id != "CS1701").ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings));
    }
}
