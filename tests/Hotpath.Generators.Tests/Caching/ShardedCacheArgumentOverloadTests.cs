using System.Globalization;
using Hotpath.Generators.Caching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>
/// The generated <c>GetOrAdd&lt;TArg&gt;</c> and <c>GetOrAddAsync&lt;TArg&gt;</c>, which hand an argument to the factory or
/// loader (the runtime cache's overloads, as <c>ConcurrentDictionary.GetOrAdd&lt;TArg&gt;</c>): their parameter and type
/// parameter names, a user method of their signature (HOT001), and the <c>new</c> and <c>override</c> they take from a base.
/// </summary>
public sealed class ShardedCacheArgumentOverloadTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new ShardedCacheDiagnosticsAnalyzer() };

    private const string Values = """
        #nullable enable
        public sealed class V { [Hotpath.CacheKey(0)] public string Id = ""; }
        """;

    private static Diagnostic[] Warnings(GeneratorRun run) =>
        run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Warning && d.Id != "CS1701").ToArray();

    [Fact]
    public void The_argument_reaches_a_static_factory_and_loader_on_a_hit_and_a_miss()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), ShardedCacheGeneratorTests.DesignSource, """
            namespace Cluster;

            public readonly record struct Seed(int Restarts);

            public static class Program
            {
                public static string Run()
                {
                    var cache = new PodCache();
                    var made = cache.GetOrAdd("a", "b", static (key, seed) => new PodState { Name = key.Name, Restarts = seed.Restarts }, new Seed(3));
                    var hit = cache.GetOrAdd("a", "b", static (_, _) => new PodState { Restarts = -1 }, new Seed(4));
                    var loaded = cache.GetOrAddAsync("c", "d", static (key, seed, _) => new System.Threading.Tasks.ValueTask<PodState>(new PodState { Name = key.Name, Restarts = seed.Restarts }), new Seed(5)).Result;
                    var loadedHit = cache.GetOrAddAsync("c", "d", static (_, _, _) => new System.Threading.Tasks.ValueTask<PodState>(new PodState { Restarts = -1 }), new Seed(6), System.Threading.CancellationToken.None).Result;
                    return $"{made.Name} {made.Restarts} {hit.Restarts} {loaded.Name} {loaded.Restarts} {loadedHit.Restarts} {cache.Statistics.Hits} {cache.Statistics.Misses}";
                }
            }
            """);

        Assert.True(Warnings(run).Length == 0, TestCompilation.Format(Warnings(run)));
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("b 3 3 d 5 5 2 2", assembly.GetType("Cluster.Program")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void A_key_part_named_after_the_argument_parameters_gets_the_Key_suffix()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            public sealed class Job
            {
                [Hotpath.CacheKey(0)] public string FactoryArgument = "";
                [Hotpath.CacheKey(1)] public int LoaderArgument;
            }

            [Hotpath.ShardedCache(typeof(Job))] public sealed partial class JobCache { }
            """);

        var source = run.Source("JobCache.ShardedCache.g.cs");
        Assert.Contains("GetOrAdd<TArg>(string factoryArgumentKey, int loaderArgumentKey, global::System.Func<global::JobKey, TArg, global::Job> factory, TArg factoryArgument)", source, StringComparison.Ordinal);
        Assert.Contains("GetOrAddAsync<TArg>(string factoryArgumentKey, int loaderArgumentKey, ", source, StringComparison.Ordinal);
        Assert.Contains("TArg loaderArgument, global::System.Threading.CancellationToken cancellationToken = default)", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache<TArg> { }", "TArg2")]
    [InlineData("public partial class Outer<TArg, TArg2> { [Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache { } }", "TArg3")]
    [InlineData("public partial class Outer<T> { [Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache<TValue> { } }", "TArg")]
    [InlineData("[Hotpath.ShardedCache(typeof(V))] public sealed partial class TArg { }", "TArg")]
    public void The_method_type_parameter_takes_a_name_no_containing_type_has(string declaration, string typeParameter)
    {
        // A method type parameter of an outer type parameter's name is CS0693, a warning that many builds make an error;
        // one of its class's name is legal (every type in the generated signatures is a global:: name).
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, "#nullable enable\n" + declaration);

        Assert.True(Warnings(run).Length == 0, TestCompilation.Format(Warnings(run)));
        var source = run.Source(".ShardedCache.g.cs");
        Assert.Contains("GetOrAdd<" + typeParameter + ">(string id, global::System.Func<global::VKey, " + typeParameter + ", global::V> factory, " + typeParameter + " factoryArgument)", source, StringComparison.Ordinal);
        Assert.Contains("GetOrAddAsync<" + typeParameter + ">(string id, global::System.Func<global::VKey, " + typeParameter + ", ", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("namespace N { public struct S { [Hotpath.CacheKey(0)] public int Id; } [Hotpath.ShardedCache(typeof(S))] public sealed partial class SCache { } }")]
    [InlineData("#nullable disable\nnamespace N { public sealed class R { [Hotpath.CacheKey(0)] public string Name; [Hotpath.CacheKey(1)] public R Parent; } [Hotpath.ShardedCache(typeof(R))] public sealed partial class RCache { } }")]
    [InlineData("#nullable enable\npublic partial class Outer<T> { public partial class Mid<TArg2> { [Hotpath.ShardedCache(typeof(W))] public sealed partial class Cache<TArg> { } } }\npublic sealed class W { [Hotpath.CacheKey(0)] public string TArg = \"\"; [Hotpath.CacheKey(1)] public int factoryArgument; }")]
    [InlineData("#nullable enable\nnamespace N { public readonly record struct P([property: Hotpath.CacheKey(0)] string LoaderArgument, [property: Hotpath.CacheKey(1)] long? TArg); [Hotpath.ShardedCache(typeof(P))] internal sealed partial class PCache { } }")]
    public void Odd_shapes_compile_without_a_warning(string declaration)
    {
        // A struct value, user code without nullable annotations, a generic cache in generic types with key parts named
        // after the type parameter and the argument parameters, an internal cache of a record struct.
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), declaration);

        Assert.True(Warnings(run).Length == 0, TestCompilation.Format(Warnings(run)));
        Assert.Contains("GetOrAddAsync<", run.Source(".ShardedCache.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HOT001_at_a_user_generic_method_of_the_generated_signature_and_quiet_on_other_generic_shapes()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            #nullable enable
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class C1 { public V {|HOT001:GetOrAdd|}<T>(string id, Func<VKey, T, V> make, T state) => make(new VKey(id), state); }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class C2
            {
                public ValueTask<V> {|HOT001:GetOrAddAsync|}<TState>(string id, Func<VKey, TState, CancellationToken, ValueTask<V>> load, TState state, CancellationToken token) => load(new VKey(id), state, token);
            }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class Quiet
            {
                public V GetOrAdd<T>(string id, Func<VKey, T, V> make) => make(new VKey(id), default!);
                public V GetOrAdd<T, U>(string id, Func<VKey, T, V> make, T state) => make(new VKey(id), state);
                public V GetOrAdd(string id, Func<VKey, int, V> make, int state) => make(new VKey(id), state);
                public V GetOrAdd<T>(string id, Func<VKey, int, V> make, T state) => make(new VKey(id), 0);
                public ValueTask<V> GetOrAddAsync<T>(string id, Func<VKey, T, CancellationToken, ValueTask<V>> load, T state) => load(new VKey(id), state, default);
            }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Values], Generators = [new ShardedCacheGenerator()] });
    }

    [Fact]
    public void The_generator_emits_no_cache_for_a_user_generic_method_of_the_generated_signature_and_says_which()
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), Values, """
            #nullable enable
            using System;
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class C1 { public V GetOrAdd<T>(string id, Func<VKey, T, V> make, T state) => make(new VKey(id), state); }
            """);

        Assert.Empty(run.GeneratedSources.Where(static s => s.HintName.Contains(".ShardedCache.", StringComparison.Ordinal)));
        Assert.Equal(
            "'C1' is marked [ShardedCache] but it declares 'GetOrAdd<T>(string, Func<VKey, T, V>, T)', which the generator emits; rename or remove it",
            Assert.Single(run.Result.Diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Generic_overloads_take_new_only_where_they_hide_a_base_member_of_their_signature()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, """
            #nullable enable
            using System;
            public class OnlyPlain
            {
                public V GetOrAdd(string id, Func<VKey, V> factory) => factory(new VKey(id));
            }

            public class WithGeneric
            {
                public V GetOrAdd<TState>(string id, Func<VKey, TState, V> factory, TState state) => factory(new VKey(id), state);
            }

            [Hotpath.ShardedCache(typeof(V))] public sealed partial class PlainCache : OnlyPlain { }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class GenericCache : WithGeneric { }
            [Hotpath.ShardedCache(typeof(V))] public partial class BaseCache { }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class DerivedCache : BaseCache { }
            """);

        Assert.True(Warnings(run).Length == 0, TestCompilation.Format(Warnings(run)));
        var plain = run.Source("PlainCache.ShardedCache.g.cs");
        Assert.Contains("public new global::V GetOrAdd(string id, global::System.Func<global::VKey, global::V> factory)", plain, StringComparison.Ordinal);
        Assert.Contains("public global::V GetOrAdd<TArg>(", plain, StringComparison.Ordinal);
        var generic = run.Source("GenericCache.ShardedCache.g.cs");
        Assert.Contains("public global::V GetOrAdd(string id, global::System.Func<global::VKey, global::V> factory)", generic, StringComparison.Ordinal);
        Assert.Contains("public new global::V GetOrAdd<TArg>(", generic, StringComparison.Ordinal);
        Assert.Contains("public global::System.Threading.Tasks.ValueTask<global::V> GetOrAddAsync<TArg>(", generic, StringComparison.Ordinal);
        var derived = run.Source("DerivedCache.ShardedCache.g.cs");
        Assert.Contains("public new global::V GetOrAdd<TArg>(", derived, StringComparison.Ordinal);
        Assert.Contains("public new global::System.Threading.Tasks.ValueTask<global::V> GetOrAddAsync<TArg>(", derived, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cache_derived_from_a_generated_cache_of_another_assembly_declares_the_generic_overloads_new()
    {
        // The base's generated GetOrAdd<TArg> comes from metadata, its type parameter a method type parameter of its own.
        var library = TestCompilation.Create([Values + "[Hotpath.ShardedCache(typeof(V))] public partial class BaseCache { }"], OutputKind.DynamicallyLinkedLibrary, null, "Library");
        var built = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), library);
        TestCompilation.AssertNoErrors(built.OutputCompilation);
        using var image = new MemoryStream();
        Assert.True(built.OutputCompilation.Emit(image).Success);
        var compilation = TestCompilation.Create(
            ["[Hotpath.ShardedCache(typeof(V))] public sealed partial class DerivedCache : BaseCache { }"], OutputKind.DynamicallyLinkedLibrary, [MetadataReference.CreateFromImage(image.ToArray())], "Service");

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);

        TestCompilation.AssertNoErrors(run.OutputCompilation);
        Assert.True(Warnings(run).Length == 0, TestCompilation.Format(Warnings(run)));
        var source = run.Source("DerivedCache.ShardedCache.g.cs");
        Assert.Contains("public new global::V GetOrAdd<TArg>(", source, StringComparison.Ordinal);
        Assert.Contains("public new global::System.Threading.Tasks.ValueTask<global::V> GetOrAddAsync<TArg>(", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Abstract_generic_members_of_the_generated_signatures_are_overridden_and_work_through_the_base()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, """
            #nullable enable
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public abstract class Store
            {
                public abstract V GetOrAdd<TState>(string id, Func<VKey, TState, V> factory, TState state);
                public abstract ValueTask<V> GetOrAddAsync<TState>(string id, Func<VKey, TState, CancellationToken, ValueTask<V>> loader, TState state, CancellationToken cancellationToken = default);
            }

            [Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache : Store { }

            public static class Run
            {
                public static string Go()
                {
                    Store store = new Cache();
                    var made = store.GetOrAdd("a", static (key, suffix) => new V { Id = key.Id + suffix }, "!");
                    var loaded = store.GetOrAddAsync("b", static (key, suffix, _) => new ValueTask<V>(new V { Id = key.Id + suffix }), "?").Result;
                    return made.Id + loaded.Id;
                }
            }
            """);

        var source = run.Source("Cache.ShardedCache.g.cs");
        Assert.Contains("public override global::V GetOrAdd<TArg>(", source, StringComparison.Ordinal);
        Assert.Contains("public override global::System.Threading.Tasks.ValueTask<global::V> GetOrAddAsync<TArg>(", source, StringComparison.Ordinal);
        Assert.True(Warnings(run).Length == 0, TestCompilation.Format(Warnings(run)));
        Assert.Equal("a!b?", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Run")!.GetMethod("Go")!.Invoke(null, null));
    }

    [Fact]
    public void An_abstract_generic_member_the_generated_one_would_hide_without_implementing_is_HOT001()
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), Values, """
            #nullable enable
            using System;
            public abstract class Store { protected abstract V GetOrAdd<TState>(string id, Func<VKey, TState, V> factory, TState state); }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache : Store { }
            """);

        Assert.Empty(run.GeneratedSources.Where(static s => s.HintName.Contains(".ShardedCache.", StringComparison.Ordinal)));
        Assert.Equal(
            "'Cache' is marked [ShardedCache] but its base class 'Store' declares the abstract member 'Store.GetOrAdd<TState>', which the generated 'GetOrAdd' would hide without implementing it (CS0534); " +
            "give it the generated member's signature ('public abstract V GetOrAdd<TState>(string id, Func<VKey, TState, V> factory, TState state);'), so the generated member overrides it, or rename it",
            Assert.Single(run.Result.Diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }
    [Fact]
    public void An_abstract_generic_member_whose_type_parameter_shadows_a_type_of_the_signature_is_HOT001_with_the_generated_name()
    {
        // The user's V is a type parameter; in the signature the message asks for, V is the cached type: keeping the user's
        // name there would ask for Func<VKey, V, V>, which means another method.
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), Values, """
            #nullable enable
            using System;
            public abstract class Store { protected abstract global::V GetOrAdd<V>(string id, Func<VKey, V, global::V> factory, V state); }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache : Store { }
            """);

        Assert.Equal(
            "'Cache' is marked [ShardedCache] but its base class 'Store' declares the abstract member 'Store.GetOrAdd<V>', which the generated 'GetOrAdd' would hide without implementing it (CS0534); " +
            "give it the generated member's signature ('public abstract V GetOrAdd<TArg>(string id, Func<VKey, TArg, V> factory, TArg state);'), so the generated member overrides it, or rename it",
            Assert.Single(run.Result.Diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void An_abstract_member_of_another_arity_is_not_hidden_and_stays_the_users_to_implement()
    {
        // C# tells overloads apart by their number of type parameters too: the generated GetOrAdd<TArg> neither hides nor
        // overrides GetOrAdd<TState, TOther>, so there is no HOT001 and the cache class must implement it (CS0534).
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), Values, """
            #nullable enable
            using System;
            public abstract class Store { public abstract V GetOrAdd<TState, TOther>(string id, Func<VKey, TState, V> factory, TState state); }
            [Hotpath.ShardedCache(typeof(V))] public sealed partial class Cache : Store { }
            """);

        Assert.Empty(run.Result.Diagnostics);
        Assert.Contains("public global::V GetOrAdd<TArg>(", run.Source("Cache.ShardedCache.g.cs"), StringComparison.Ordinal);
        Assert.Equal("CS0534", Assert.Single(run.OutputCompilation.GetDiagnostics(), static d => d.Severity == DiagnosticSeverity.Error).Id);
    }
}
