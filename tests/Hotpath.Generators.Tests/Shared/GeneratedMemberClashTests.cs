using System.Globalization;
using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// A user member of a [Columnar], [BatchReducer] or [ShardedCache] type that the generator also emits into the type
/// (same name, and for a method the same parameter types): HOT001 at the user's member and no code, never CS0102/CS0111
/// in generated code. Overloads with other parameter types are legal C# and stay quiet.
/// </summary>
public sealed class GeneratedMemberClashTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzers =
        { new ColumnarDiagnosticsAnalyzer(), new BatchReducerDiagnosticsAnalyzer(), new ShardedCacheDiagnosticsAnalyzer() };

    private static readonly IIncrementalGenerator[] s_generators = { new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator() };

    private const string Inputs = """
        public sealed class Ev { public string Service = ""; }
        public sealed class V { [Hotpath.CacheKey(0)] public string Id = ""; }
        public sealed class V2 { [Hotpath.CacheKey(0)] public string Ns = ""; [Hotpath.CacheKey(1)] public int Slot; }
        """;

    [Fact]
    public async Task HOT001_at_each_user_member_the_generator_also_emits()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Columnar] public partial struct K1 { public long UnixMs; public static int {|HOT001:Codec|} => 1; }
            [Hotpath.Columnar] public partial struct K1b { public long UnixMs; private sealed class {|HOT001:__HotpathColumnarCodec|} { } }
            [Hotpath.BatchReducer(typeof(Ev))] public partial struct K2 { [Hotpath.GroupKey] public string Service; [Hotpath.Count] public long N;
                public static K2 {|HOT001:Combine|}(in K2 a, in K2 b) => a; }
            [Hotpath.BatchReducer(typeof(Ev))] public partial struct K3 { [Hotpath.Count] public long N; public sealed class {|HOT001:Reducer|} { } }
            [Hotpath.BatchReducer(typeof(Ev))] public partial struct K3b { [Hotpath.Count] public long N; private static bool {|HOT001:__hp_SameGroup|}(in K3b a, in K3b b) => true; }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K4 { public int {|HOT001:Count|} => 0; }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K5 { public void {|HOT001:Clear|}() { } }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K6 { private int {|HOT001:_hotpathCache|}; }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K7 { public bool {|HOT001:TryGet|}(string id, out V v) { v = null!; return false; } }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K8 { public bool {|HOT001:Remove|}(string id) => false; }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K9 { public void {|HOT001:Set|}(V value) { } }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K10 { public {|HOT001:K10|}() { } }
            [Hotpath.ShardedCache(typeof(V2))] public sealed partial class K11 { public bool {|HOT001:Remove|}(string ns, int slot) => false; }
            """,
            s_analyzers,
            new AnalyzerTestOptions { AdditionalSources = [Inputs] });
    }

    /// <summary>Key parts whose types the compiler takes for the same parameter type as another spelling, or not.</summary>
    private const string SpelledKeys = """
        namespace A { public sealed class Id { } }
        namespace B { public sealed class Id { } }
        public sealed class Handle { [Hotpath.CacheKey(0)] public nint Value; }
        public sealed class Pair { [Hotpath.CacheKey(0)] public (int Low, int High) Range; }
        public sealed class Tagged { [Hotpath.CacheKey(0)] public object Tag = ""; }
        public sealed class Tags { [Hotpath.CacheKey(0)] public System.Lazy<object> All = new(); }
        public sealed class Named { [Hotpath.CacheKey(0)] public string? Zone; }
        public sealed class OfA { [Hotpath.CacheKey(0)] public A.Id Id = new(); }
        public sealed class Grid { [Hotpath.CacheKey(0)] public System.Tuple<int[]> Cells = new([]); }
        """;

    [Fact]
    public async Task HOT001_compares_parameter_types_as_the_compiler_does()
    {
        // nint is IntPtr, tuple element names and nullable annotations do not make another signature, dynamic is object
        // (CS0111 in generated code if missed); a type of the same name in another namespace, or another array rank, does.
        await AnalyzerVerifier.VerifyAsync(
            """
            #nullable enable
            [Hotpath.ShardedCache(typeof(Handle))] public sealed partial class C1 { public bool {|HOT001:Remove|}(System.IntPtr value) => false; }
            [Hotpath.ShardedCache(typeof(Pair))] public sealed partial class C2 { public bool {|HOT001:Remove|}((int A, int B) range) => false; }
            [Hotpath.ShardedCache(typeof(Pair))] public sealed partial class C3 { public bool {|HOT001:Remove|}(System.ValueTuple<int, int> range) => false; }
            [Hotpath.ShardedCache(typeof(Tagged))] public sealed partial class C4 { public bool {|HOT001:Remove|}(dynamic tag) => false; }
            [Hotpath.ShardedCache(typeof(Tags))] public sealed partial class C5 { public bool {|HOT001:Remove|}(System.Lazy<dynamic> all) => false; }
            [Hotpath.ShardedCache(typeof(Named))] public sealed partial class C6 { public bool {|HOT001:Remove|}(string zone) => false; }
            [Hotpath.ShardedCache(typeof(Handle))] public sealed partial class C7 { public bool {|HOT001:TryGet|}(nint value, out Handle? found) { found = null; return false; } }
            [Hotpath.ShardedCache(typeof(OfA))] public sealed partial class Quiet1 { public bool Remove(B.Id id) => false; }
            [Hotpath.ShardedCache(typeof(Grid))] public sealed partial class Quiet2 { public bool Remove(System.Tuple<int[,]> cells) => false; }
            [Hotpath.ShardedCache(typeof(Handle))] public sealed partial class Quiet3 { public bool Remove(nuint value) => false; }
            """,
            s_analyzers,
            new AnalyzerTestOptions { AdditionalSources = [SpelledKeys] });
    }

    [Fact]
    public void The_generators_emit_nothing_where_the_compiler_would_see_two_declarations_and_compile_the_rest()
    {
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create("#nullable enable\n" + SpelledKeys, """
            #nullable enable
            [Hotpath.ShardedCache(typeof(Handle))] public sealed partial class C1 { public bool Remove(System.IntPtr value) => false; }
            [Hotpath.ShardedCache(typeof(Pair))] public sealed partial class C2 { public bool Remove((int A, int B) range) => false; }
            [Hotpath.ShardedCache(typeof(Tagged))] public sealed partial class C4 { public bool Remove(dynamic tag) => false; }
            [Hotpath.ShardedCache(typeof(Tags))] public sealed partial class C5 { public bool Remove(System.Lazy<dynamic> all) => false; }
            [Hotpath.ShardedCache(typeof(OfA))] public sealed partial class Quiet1 { public bool Remove(B.Id id) => false; }
            [Hotpath.ShardedCache(typeof(Grid))] public sealed partial class Quiet2 { public bool Remove(System.Tuple<int[,]> cells) => false; }
            """));

        Assert.Equal(Enumerable.Repeat("HOT001", 4), run.Result.Diagnostics.Select(static d => d.Id));
        Assert.Equal(["GridKey.CacheKey.g.cs", "OfAKey.CacheKey.g.cs", "Quiet1.ShardedCache.g.cs", "Quiet2.ShardedCache.g.cs"], run.GeneratedSources.Select(static s => s.HintName).Order(StringComparer.Ordinal));
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public void The_generator_sees_a_clash_through_the_key_struct_it_has_not_declared_yet()
    {
        // In the generator's compilation VKey does not exist yet (an error type): a GetOrAdd or GetOrAddAsync taking it
        // is still the generated one's signature (CS0111 in generated code if missed), as the analyzer sees it.
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create(Inputs, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class C1 { public V GetOrAdd(string id, Func<VKey, V> factory) => factory(new VKey(id)); }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class C2
            {
                public ValueTask<V> GetOrAddAsync(string id, Func<VKey, CancellationToken, ValueTask<V>> loader, CancellationToken cancellationToken) => loader(new VKey(id), cancellationToken);
            }
            """));

        Assert.Equal(["HOT001", "HOT001"], run.Result.Diagnostics.Select(static d => d.Id));
        Assert.Empty(run.GeneratedSources.Where(static s => s.HintName.Contains(".ShardedCache.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task HOT001_message_names_the_member()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            Inputs + """
            [Hotpath.Columnar] public partial struct K1 { public long UnixMs; public static int Codec => 1; }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K7 { public bool TryGet(string id, out V v) { v = null!; return false; } }
            """,
            s_analyzers);

        Assert.Equal(
            new[]
            {
                "'K1' is marked [Columnar] but it declares 'Codec', which the generator emits; rename or remove it",
                "'K7' is marked [ShardedCache] but it declares 'TryGet(string, out V)', which the generator emits; rename or remove it",
            },
            diagnostics.Select(static d => d.GetMessage(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToArray());
        Assert.All(diagnostics, static d => Assert.Equal("HOT001", d.Id));
    }

    [Fact]
    public void The_generators_emit_nothing_for_such_a_type_and_report_why()
    {
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create(Inputs + """
            [Hotpath.Columnar] public partial struct K1 { public long UnixMs; public static int Codec => 1; }
            [Hotpath.BatchReducer(typeof(Ev))] public partial struct K2 { [Hotpath.GroupKey] public string Service; [Hotpath.Count] public long N;
                public static K2 Combine(in K2 a, in K2 b) => a; }
            [Hotpath.BatchReducer(typeof(Ev))] public partial struct K3 { [Hotpath.Count] public long N; public sealed class Reducer { } }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K4 { public int Count => 0; }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K5 { public void Clear() { } }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class K7 { public bool TryGet(string id, out V v) { v = null!; return false; } }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class Good { }
            """));

        Assert.Equal(Enumerable.Repeat("HOT001", 6), run.Result.Diagnostics.Select(static d => d.Id));
        Assert.Equal(["Good.ShardedCache.g.cs", "VKey.CacheKey.g.cs"], run.GeneratedSources.Select(static s => s.HintName).Order(StringComparer.Ordinal));
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public async Task Quiet_on_overloads_and_on_the_generated_members_themselves()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Columnar] public partial struct Row { public long UnixMs; public static int Codecs => 1; }
            [Hotpath.BatchReducer(typeof(Ev))] public partial struct Sum { [Hotpath.GroupKey] public string Service; [Hotpath.Count] public long N;
                public static Sum Combine(Sum a, Sum b, Sum c) => a; }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache
            {
                public Cache(int capacity) : this() { }
                public bool TryGet(int id, out V value) { value = null!; return false; }
                public bool Remove(V value) => false;
                public void Set(V value, int ttl) { }
                public void Clear(bool hard) { }
                public V GetOrAdd<T>(string id) => null!;
            }
            [Hotpath.ShardedCache(typeof(V2))] public sealed partial class Cache2 { public bool Remove(string ns) => false; }
            """,
            s_analyzers,
            new AnalyzerTestOptions { AdditionalSources = [Inputs], Generators = [.. s_generators] });
    }

    [Fact]
    public async Task A_cache_whose_base_has_members_of_the_generated_names_declares_the_generated_ones_new()
    {
        // The generated members hide the base's (CS0108/CS0114, errors under TreatWarningsAsErrors): they are declared
        // 'new', as [Pooled] does; a base's overload with other parameter types is not hidden, and a private member is not seen.
        const string Source = """
            public class CacheBase
            {
                public int Count => -1;
                public virtual void Clear() { }
                public bool TryGet(string id, out V value) { value = null!; return false; }
                public bool TryGet(int id, out V value) { value = null!; return false; }
                protected object? Statistics;
                protected int _hotpathCache2;
                private int _hotpathCache = 1;
                public int Unused() => _hotpathCache;
            }

            [Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache : CacheBase { }
            [Hotpath.ShardedCache(typeof(V))] public partial class OpenCache { }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class DerivedCache : OpenCache { }

            public static class Probe
            {
                public static string Run()
                {
                    var cache = new Cache();
                    cache.Set(new V { Id = "a" });
                    CacheBase asBase = cache;
                    var derived = new DerivedCache();
                    derived.Set(new V { Id = "b" });
                    return cache.Count == 1 && asBase.Count == -1 && cache.TryGet("a", out var found) && found.Id == "a" && !asBase.TryGet("a", out _) &&
                           derived.Count == 1 && ((OpenCache)derived).Count == 0 ? "ok" : "wrong";
                }
            }
            """;
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create(Source, Inputs));
        Assert.Empty(run.Result.Diagnostics);
        var warnings = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings));
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("ok", assembly.GetType("Probe")!.GetMethod("Run")!.Invoke(null, null));
        await AnalyzerVerifier.VerifyAsync(Source, s_analyzers, new AnalyzerTestOptions { AdditionalSources = [Inputs], Generators = [.. s_generators] });
    }
}
