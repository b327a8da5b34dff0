using Hotpath.Generators.Caching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>
/// Value and key-part types less accessible than the cache: the generated members take the accessibility that fits
/// (never CS0050/CS0051/CS0053/CS0122 in generated code), and a type the namespace-level key struct cannot name is HOT003.
/// </summary>
public sealed class ShardedCacheAccessibilityTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new ShardedCacheDiagnosticsAnalyzer() };

    [Fact]
    public void Internal_value_type_on_a_public_cache_gets_an_internal_key_and_internal_typed_accessors_and_runs()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            namespace Cluster;

            internal sealed class PodState { [Hotpath.CacheKey(0)] public string Name = ""; public int Restarts; }

            [Hotpath.ShardedCache(typeof(PodState))] public sealed partial class PodCache { }

            public static class Program
            {
                public static string Run()
                {
                    var cache = new PodCache();
                    cache.Set(new PodState { Name = "dns", Restarts = 2 });
                    return cache.TryGet("dns", out var pod) + " " + pod!.Restarts + " " + cache.Count;
                }
            }
            """);

        var key = run.Source("PodStateKey.CacheKey.g.cs");
        Assert.Contains("internal readonly partial record struct PodStateKey(string Name)", key, StringComparison.Ordinal);
        var cache = run.Source("PodCache.ShardedCache.g.cs");
        Assert.Contains("internal bool TryGet(string name,", cache, StringComparison.Ordinal);
        Assert.Contains("internal global::Cluster.PodState GetOrAdd(", cache, StringComparison.Ordinal);
        Assert.Contains("internal void Set(global::Cluster.PodState value)", cache, StringComparison.Ordinal);
        Assert.Contains("internal bool Remove(string name)", cache, StringComparison.Ordinal);
        Assert.Contains("public int Count", cache, StringComparison.Ordinal);
        Assert.Contains("public void Clear()", cache, StringComparison.Ordinal);
        Assert.Contains("public PodCache()", cache, StringComparison.Ordinal);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("True 2 1", assembly.GetType("Cluster.Program")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void Internal_key_part_type_of_a_public_value_makes_the_key_internal()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            internal enum Zone { A, B }
            public sealed class Node { [Hotpath.CacheKey(0)] internal Zone Zone; [Hotpath.CacheKey(1)] public string Name = ""; }
            [Hotpath.ShardedCache(typeof(Node))] public sealed partial class NodeCache { }
            """);

        Assert.Contains("internal readonly partial record struct NodeKey(global::Zone Zone, string Name)", run.Source("NodeKey.CacheKey.g.cs"), StringComparison.Ordinal);
        Assert.Contains("internal bool TryGet(global::Zone zone, string name,", run.Source("NodeCache.ShardedCache.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Internal_value_type_nested_in_a_public_type_and_protected_internal_nested_types_get_internal_keys()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            public partial class Outer
            {
                internal sealed class Inner { [Hotpath.CacheKey(0)] public int Id; }
                protected internal sealed class Shared { [Hotpath.CacheKey(0)] public int Id; }
            }

            [Hotpath.ShardedCache(typeof(Outer.Inner))] public sealed partial class InnerCache { }
            [Hotpath.ShardedCache(typeof(Outer.Shared))] public sealed partial class SharedCache { }
            """);

        Assert.Contains("internal readonly partial record struct InnerKey(int Id)", run.Source("InnerKey.CacheKey.g.cs"), StringComparison.Ordinal);
        Assert.Contains("internal readonly partial record struct SharedKey(int Id)", run.Source("SharedKey.CacheKey.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_internal_cache_keeps_public_accessors_so_it_can_implement_an_interface()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            internal sealed class Item { [Hotpath.CacheKey(0)] public int Id; }
            internal interface IItemCache { void Set(Item value); bool Remove(int id); }
            [Hotpath.ShardedCache(typeof(Item))] internal sealed partial class ItemCache : IItemCache { }
            """);

        Assert.Contains("public void Set(global::Item value)", run.Source("ItemCache.ShardedCache.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_cache_nested_in_an_internal_type_keeps_public_accessors()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            internal sealed class Item { [Hotpath.CacheKey(0)] public int Id; }
            internal static partial class Caches { [Hotpath.ShardedCache(typeof(Item))] public sealed partial class ItemCache { } }
            """);

        Assert.Contains("public void Set(global::Item value)", run.Source("ItemCache.ShardedCache.g.cs"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("private")]
    [InlineData("protected")]
    [InlineData("private protected")]
    public async Task HOT003_when_the_value_type_is_nested_where_the_namespace_level_key_cannot_name_it(string accessibility)
    {
        var source = $$"""
            [Hotpath.ShardedCache({|HOT003:typeof(Entry)|})]
            public partial class PrivCache
            {
                {{accessibility}} sealed class Entry { [Hotpath.CacheKey(0)] public string Name = ""; }
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzer);

        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), source.Replace("{|HOT003:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal));
        Assert.Empty(run.GeneratedSources);
        var diagnostic = Assert.Single(run.Result.Diagnostics);
        Assert.Equal(
            $"'Entry' is the value type of [ShardedCache] on 'PrivCache' but 'Entry' is {accessibility} in 'PrivCache', and the key struct 'EntryKey' is generated at namespace level, where it cannot name 'Entry'; make 'Entry' internal or public",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
