using System.Globalization;
using Hotpath.Generators.Caching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>
/// A base class that declares abstract members of the generated members' names: one with exactly the generated member's
/// signature (return type, parameters and how they are passed, accessibility, a getter-only property) is implemented by
/// it, declared 'override'; one the generated member would hide without implementing is HOT001 at the base type (it
/// was CS0534 on the cache class, which could not implement it itself: the generated member took the name).
/// </summary>
public sealed class ShardedCacheAbstractBaseTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new ShardedCacheDiagnosticsAnalyzer() };

    private const string Values = """
        #nullable enable
        public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
        """;

    [Fact]
    public void Abstract_members_with_the_generated_signatures_are_overridden_and_work_through_the_base()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, """
            #nullable enable
            using System;
            using System.Diagnostics.CodeAnalysis;
            using System.Threading;
            using System.Threading.Tasks;

            public abstract class PodStore
            {
                public abstract int Count { get; }
                public abstract Hotpath.Caching.CacheStatistics Statistics { get; }
                public abstract bool TryGet(string name, [MaybeNullWhen(false)] out Pod value);
                public abstract Pod GetOrAdd(string name, Func<PodKey, Pod> factory);
                public abstract ValueTask<Pod> GetOrAddAsync(string name, Func<PodKey, CancellationToken, ValueTask<Pod>> loader, CancellationToken cancellationToken = default);
                public abstract void Set(Pod value);
                public abstract bool Remove(string name);
                public abstract void Clear();
                public abstract bool TryGet(int index, out Pod? value);
            }

            public abstract class Middle : PodStore { }

            [Hotpath.ShardedCache(typeof(Pod))]
            public sealed partial class PodCache : Middle
            {
                public override bool TryGet(int index, out Pod? value) { value = null; return false; }
            }

            public static class Run
            {
                public static string Go()
                {
                    PodStore store = new PodCache();
                    store.Set(new Pod { Name = "a" });
                    var made = store.GetOrAdd("b", static key => new Pod { Name = key.Name });
                    var loaded = store.GetOrAddAsync("c", static (key, _) => new ValueTask<Pod>(new Pod { Name = key.Name })).Result;
                    var hit = store.TryGet("a", out var a);
                    var removed = store.Remove("b");
                    var count = store.Count;
                    store.Clear();
                    return string.Join(",", hit, a!.Name, made.Name, loaded.Name, removed, count, store.Count, store.Statistics.Hits);
                }
            }
            """);

        var source = run.Source("PodCache.ShardedCache.g.cs");
        Assert.Contains("public override int Count => _hotpathCache.Count;", source, StringComparison.Ordinal);
        Assert.Contains("public override void Clear() => _hotpathCache.Clear();", source, StringComparison.Ordinal);
        var warnings = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Warning && d.Id != "CS1701").ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings));
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("True,a,b,c,True,2,0,1", assembly.GetType("Run")!.GetMethod("Go")!.Invoke(null, null));
    }

    [Fact]
    public void An_abstract_cache_class_implements_them_too()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Values, """
            public abstract class Counted { public abstract int Count { get; } }
            [Hotpath.ShardedCache(typeof(Pod))] public abstract partial class PodCacheBase : Counted { }
            public sealed class PodCache : PodCacheBase { }
            """);

        Assert.Contains("public override int Count", run.Source("PodCacheBase.ShardedCache.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HOT001_at_the_base_type_when_the_generated_member_would_hide_an_abstract_one_without_implementing_it()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            public abstract class LongCount { public abstract long Count { get; } }
            public abstract class SettableCount { public abstract int Count { get; set; } }
            public abstract class ProtectedClear { protected abstract void Clear(); }
            public abstract class TaskClear { public abstract System.Threading.Tasks.Task Clear(); }
            public abstract class RefRemove { public abstract bool TryGet(string name, ref Pod value); }
            public abstract class MethodCount { public abstract int Count(); }
            public abstract class Overload { public abstract bool TryGet(int index, out Pod value); }
            public abstract class Implemented { public abstract int Count { get; } }
            public abstract class ImplementedBelow : Implemented { public override int Count => 0; }

            [Hotpath.ShardedCache(typeof(Pod))] public partial class C1 : {|HOT001:LongCount|} { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class C2 : {|HOT001:SettableCount|} { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class C3 : {|HOT001:ProtectedClear|} { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class C4 : {|HOT001:TaskClear|} { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class C5 : {|HOT001:RefRemove|} { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class C6 : {|HOT001:MethodCount|} { }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class Quiet1 : Overload { public override bool TryGet(int index, out Pod value) { value = new(); return false; } }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class Quiet2 : ImplementedBelow { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Values], Generators = [new ShardedCacheGenerator()], OnlyIds = ["HOT001"], AllowCompilerErrors = true });
    }

    [Fact]
    public void The_generator_reports_it_with_the_member_and_what_to_do()
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), Values, """
            public abstract class LongCount { public abstract long Count { get; } }
            [Hotpath.ShardedCache(typeof(Pod))] public partial class PodCache : LongCount { }
            """);

        Assert.Empty(run.GeneratedSources);
        Assert.Equal(
            "'PodCache' is marked [ShardedCache] but its base class 'LongCount' declares the abstract member 'LongCount.Count', which the generated 'Count' would hide without implementing it (CS0534); " +
            "give it the generated member's signature ('public abstract int Count { get; }'), so the generated member overrides it, or rename it",
            Assert.Single(run.Result.Diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }
}
