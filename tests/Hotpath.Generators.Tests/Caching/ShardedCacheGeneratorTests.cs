using Hotpath.Generators.Caching;
using Hotpath.Generators.Shared;
using Hotpath.TestSources;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>Snapshots, compile-and-run and incremental caching of the [ShardedCache] generator.</summary>
public sealed class ShardedCacheGeneratorTests
{
    internal const string DesignSource = DesignExampleSources.ShardedCachePodCache;

    [Fact]
    public void Design_example_snapshot()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), DesignSource);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Nested_cache_in_the_global_namespace_with_a_struct_value_and_unusual_key_names_snapshot()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            public struct Lease
            {
                [Hotpath.CacheKey(2)] public string? Class { get; init; }
                [Hotpath.CacheKey(0)] public int Id;
                [Hotpath.CacheKey(1)] public string Value { get; set; }
                [Hotpath.CacheKey(3)] public System.Guid URLToken;
            }

            public static partial class Outer
            {
                [Hotpath.ShardedCache(typeof(Lease), Shards = 1, Capacity = 5)]
                internal sealed partial class LeaseCache { }
            }
            """);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Field_targeted_CacheKey_on_properties_snapshot()
    {
        // [field: CacheKey] on an auto-property and on a property using 'field' key by the property (they were HOT003).
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            namespace Cluster;

            public sealed class Pod
            {
                [field: Hotpath.CacheKey(0)] public string Namespace { get; init; } = "";
                [field: Hotpath.CacheKey(1)] public string Name { get => field; set => field = value.Trim(); } = "";
                public int Restarts { get; set; }
            }

            [Hotpath.ShardedCache(typeof(Pod), Shards = 1)]
            public sealed partial class PodCache { }

            public static class Probe
            {
                public static string Run()
                {
                    var cache = new PodCache();
                    cache.Set(new Pod { Namespace = "kube-system", Name = " dns ", Restarts = 3 });
                    var hit = cache.TryGet("kube-system", "dns", out var pod);
                    return $"{hit} {pod!.Restarts} {cache.TryGet("dns", "kube-system", out _)} {cache.Remove("kube-system", "dns")} {cache.Count}";
                }
            }
            """);

        Snapshot.Verify(run);
        Assert.Equal("True 3 False True 0", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Cluster.Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Theory]
    [InlineData("public sealed record Pod([property: Hotpath.CacheKey(0)] string Ns, [property: Hotpath.CacheKey(1)] string Name, int Restarts);", "partial record PodCache")]
    [InlineData("public sealed record Pod([field: Hotpath.CacheKey(0)] string Ns, [field: Hotpath.CacheKey(1)] string Name, int Restarts);", "partial record PodCache(int Size)")]
    [InlineData("public record struct Pod([property: Hotpath.CacheKey(0)] string Ns, [property: Hotpath.CacheKey(1)] string Name, int Restarts);", "partial record class PodCache")]
    [InlineData("public readonly record struct Pod([property: Hotpath.CacheKey(0)] string Ns, [property: Hotpath.CacheKey(1)] string Name, int Restarts);", "partial record PodCache(int Size)")]
    [InlineData("public record Pod { [Hotpath.CacheKey(0)] public required string Ns { get; init; } [Hotpath.CacheKey(1)] public required string Name { get; init; } public int Restarts { get; init; } }", "partial class PodCache")]
    [InlineData("public record Base([property: Hotpath.CacheKey(0)] string Ns); public sealed record Pod(string Ns, [property: Hotpath.CacheKey(1)] string Name, int Restarts) : Base(Ns);", "partial record PodCache(int Size)")]
    public void Record_value_types_and_record_caches_compile_and_run(string value, string cache)
    {
        // A positional record's key parts are its properties, marked through [property: CacheKey] (or [field: CacheKey],
        // the property's backing field); the cache may be a record, with or without a primary constructor.
        var creation = cache.EndsWith(")", StringComparison.Ordinal) ? "new PodCache(3)" : "new PodCache()";
        var make = value.Contains("record Pod(", StringComparison.Ordinal) || value.Contains("record struct Pod(", StringComparison.Ordinal)
            ? "new Pod(\"kube-system\", \"dns\", 3)"
            : "new Pod { Ns = \"kube-system\", Name = \"dns\", Restarts = 3 }";
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), $$"""
            #nullable enable
            namespace Cluster;

            {{value}}

            [Hotpath.ShardedCache(typeof(Pod), Shards = 1)]
            public sealed {{cache}};

            public static class Probe
            {
                public static string Run()
                {
                    var cache = {{creation}};
                    cache.Set({{make}});
                    var hit = cache.TryGet("kube-system", "dns", out var pod);
                    var created = cache.GetOrAdd("a", "b", static key => {{make.Replace("\"kube-system\"", "key.Ns", StringComparison.Ordinal).Replace("\"dns\"", "key.Name", StringComparison.Ordinal)}});
                    return $"{hit} {pod!.Restarts} {cache.TryGet("dns", "kube-system", out _)} {created.Name} {cache.Remove("kube-system", "dns")} {cache.Count}";
                }
            }
            """);

        var warnings = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Warning).ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings));
        Assert.Equal("True 3 False b True 1", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Cluster.Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void The_constructors_doc_comment_says_one_shard_one_entry_and_one_second_in_the_singular()
    {
        // It said "1 shards, 1 entries".
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
            [Hotpath.ShardedCache(typeof(Pod), Shards = 1, Capacity = 1, TimeToLiveSeconds = 1)] public sealed partial class PodCache { }
            """);
        Assert.Contains("/// <summary>A cache configured by its [ShardedCache] attribute: 1 shard, 1 entry, entries expire after 1 s.</summary>", run.Source("PodCache.ShardedCache.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_of_a_key_property_stays_a_key_part()
    {
        // The override, without [CacheKey] of its own, hid the base property's: the key lost 'Name' without a word, and
        // two pods of one namespace overwrote each other in the cache.
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            public class PodBase
            {
                [Hotpath.CacheKey(0)] public string Ns { get; set; } = "";
                [Hotpath.CacheKey(1)] public virtual string Name { get; set; } = "";
                [field: Hotpath.CacheKey(2)] public virtual int Slot { get; set; }
            }

            public sealed class Pod : PodBase
            {
                public override string Name { get; set; } = "";
                public override int Slot { get => base.Slot; set => base.Slot = value; }
            }

            [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class PodCache { }

            public static class Probe
            {
                public static string Run()
                {
                    var cache = new PodCache();
                    cache.Set(new Pod { Ns = "a", Name = "x", Slot = 1 });
                    cache.Set(new Pod { Ns = "a", Name = "y", Slot = 1 });
                    cache.Set(new Pod { Ns = "a", Name = "y", Slot = 2 });
                    return cache.Count + " " + cache.TryGet("a", "x", 1, out _);
                }
            }
            """);

        Assert.Contains("public readonly partial record struct PodKey(string Ns, string Name, int Slot)", run.Source("PodKey.CacheKey.g.cs"), StringComparison.Ordinal);
        Assert.Equal("3 True", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void Two_caches_of_one_value_type_share_one_key_struct()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), DesignSource, """
            namespace Cluster.Other;

            [Hotpath.ShardedCache(typeof(Cluster.PodState), Capacity = 10)]
            public sealed partial class SmallPodCache { }
            """);

        var hints = run.GeneratedSources.Select(static s => s.HintName).ToArray();
        Assert.Equal(new[] { "Cluster.Other.SmallPodCache.ShardedCache.g.cs", "Cluster.PodCache.ShardedCache.g.cs", "Cluster.PodStateKey.CacheKey.g.cs" }, hints);
    }

    [Fact]
    public void Generated_code_runs_with_parameters_named_after_keywords()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), DesignSource, """
            namespace Cluster;

            public static class Program
            {
                public static string Run()
                {
                    var cache = new PodCache();
                    cache.Set(new PodState { Namespace = "kube-system", Name = "dns", Restarts = 3 });
                    var hit = cache.TryGet(@namespace: "kube-system", name: "dns", out var pod);
                    var miss = cache.TryGet("dns", "kube-system", out _);
                    var created = cache.GetOrAdd("a", "b", static key => new PodState { Namespace = key.Namespace, Name = key.Name });
                    var removed = cache.Remove("a", "b");
                    var loaded = cache.GetOrAddAsync("c", "d", static (key, _) => new System.Threading.Tasks.ValueTask<PodState>(new PodState { Name = key.Name })).Result;
                    var stats = cache.Statistics;
                    return $"{hit} {pod!.Restarts} {miss} {created.Name} {removed} {loaded.Name} {cache.Count} {stats.Hits} {stats.Misses}";
                }
            }
            """);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        var result = assembly.GetType("Cluster.Program")!.GetMethod("Run")!.Invoke(null, null);
        Assert.Equal("True 3 False b True d 2 1 3", result);
    }

    [Fact]
    public void Key_struct_compares_strings_ordinally_and_hashes_without_concatenation()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), DesignSource);
        var key = run.Source("PodStateKey.CacheKey.g.cs");

        Assert.Contains("public readonly partial record struct PodStateKey(string Namespace, string Name)", key, StringComparison.Ordinal);
        Assert.Contains("=> string.Equals(Namespace, other.Namespace)", key, StringComparison.Ordinal); // string's own Equals is ordinal
        Assert.Contains("global::Hotpath.Caching.CacheKeyHash.Finish(global::Hotpath.Caching.CacheKeyHash.Fold(Namespace, 0) ^ global::Hotpath.Caching.CacheKeyHash.Fold(Name, 1))", key, StringComparison.Ordinal);
        Assert.DoesNotContain("+ \"", key, StringComparison.Ordinal);
    }

    [Fact]
    public void Nullable_key_parts_hash_without_nullable_warnings_in_the_generated_key()
    {
        const string Source = """
            #nullable enable
            public sealed class Endpoint
            {
                [Hotpath.CacheKey(0)] public System.Uri? Address;
                [Hotpath.CacheKey(1)] public int? Port;
                [Hotpath.CacheKey(2)] public string? Zone;
            }

            [Hotpath.ShardedCache(typeof(Endpoint))] public partial class EndpointCache { }
            """;
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Source);
        var key = run.Source("EndpointKey.CacheKey.g.cs");
        Assert.Contains("EqualityComparer<global::System.Uri?>.Default.GetHashCode(Address!)", key, StringComparison.Ordinal);
        Assert.Contains("EqualityComparer<int?>.Default.GetHashCode(Port!)", key, StringComparison.Ordinal);
        var warnings = run.OutputCompilation.GetDiagnostics()
            .Where(static d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith("CacheKey.g.cs", StringComparison.Ordinal) == true)
            .ToArray();
        Assert.Empty(warnings);
    }

    [Fact]
    public void Null_string_key_parts_are_keys_of_their_own_at_run_time()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            #nullable enable
            public sealed class Endpoint
            {
                [Hotpath.CacheKey(0)] public string? Zone;
                [Hotpath.CacheKey(1)] public string Name = "";
                public int Port;
            }

            [Hotpath.ShardedCache(typeof(Endpoint))] public partial class EndpointCache { }

            public static class Probe
            {
                public static string Run()
                {
                    var cache = new EndpointCache();
                    cache.Set(new Endpoint { Zone = null, Name = "api", Port = 1 });
                    cache.Set(new Endpoint { Zone = "", Name = "api", Port = 2 });
                    var nullHit = cache.TryGet(null, "api", out var a);
                    var emptyHit = cache.TryGet("", "api", out var b);
                    var created = cache.GetOrAdd(null, "db", static key => new Endpoint { Zone = key.Zone, Name = key.Name, Port = 3 });
                    var same = new EndpointKey(null, "api").Equals(EndpointKey.From(a!)) && new EndpointKey(null, "api").GetHashCode() == EndpointKey.From(a!).GetHashCode();
                    var removed = cache.Remove(null, "api");
                    return string.Join(",", nullHit, a!.Port, emptyHit, b!.Port, created.Port, same, removed, cache.Count, cache.TryGet(null, "api", out _));
                }
            }
            """);

        var warnings = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Warning).ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings));
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("True,1,True,2,3,True,True,2,False", assembly.GetType("Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void A_named_tuple_key_part_compares_its_strings_ordinally_at_run_time()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), """
            #nullable enable
            public sealed class Odd { [Hotpath.CacheKey(0)] public (int Shard, string Zone) Pair; public int Port; }

            [Hotpath.ShardedCache(typeof(Odd))] public sealed partial class OddCache;

            public static class Probe
            {
                public static string Run()
                {
                    var cache = new OddCache();
                    cache.Set(new Odd { Pair = (1, "east"), Port = 1 });
                    var copy = new string("east".ToCharArray());
                    var hit = cache.TryGet((1, copy), out var found);
                    var caseMiss = cache.TryGet((1, "EAST"), out _);
                    var otherShard = cache.TryGet((2, "east"), out _);
                    return string.Join(",", hit, found!.Port, caseMiss, otherShard);
                }
            }
            """);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("True,1,False,False", assembly.GetType("Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void Every_one_of_ten_key_parts_takes_part_in_the_hash()
    {
        var members = string.Join("\n", Enumerable.Range(0, 10).Select(static i => $"[Hotpath.CacheKey({i})] public int P{i};"));
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), "public sealed class Wide { " + members + " }\n[Hotpath.ShardedCache(typeof(Wide))] public partial class WideCache { }");
        var key = run.Source("WideKey.CacheKey.g.cs");
        for (var i = 0; i < 10; i++)
        {
            Assert.Contains($"EqualityComparer<int>.Default.GetHashCode(P{i})", key, StringComparison.Ordinal);
        }

        Assert.Equal(9, key.Split("CacheKeyHash.Combine(").Length - 1);
    }

    [Theory]
    [InlineData("[Hotpath.ShardedCache(typeof(PodState), Shards = 12)]")]
    [InlineData("[Hotpath.ShardedCache(typeof(PodState), Capacity = 0)]")]
    [InlineData("[Hotpath.ShardedCache(typeof(PodState), TimeToLiveSeconds = -1)]")]
    [InlineData("[Hotpath.ShardedCache(typeof(NoKey))]")]
    public void Invalid_types_get_no_code_and_the_generator_reports_why(string attribute)
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), """
            public sealed class PodState { [Hotpath.CacheKey(0)] public string Name = ""; }
            public sealed class NoKey { public string Name = ""; }
            """ + attribute + " public partial class Cache { }");

        Assert.Empty(run.GeneratedSources);
        var diagnostic = Assert.Single(run.Result.Diagnostics);
        Assert.Equal(attribute.Contains("NoKey", StringComparison.Ordinal) ? "HOT003" : "HOT007", diagnostic.Id);
    }

    [Fact]
    public void A_type_that_is_not_partial_gets_no_code()
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), DesignSource.Replace("public sealed partial class PodCache", "public sealed class PodCache", StringComparison.Ordinal));
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached()
    {
        var (_, second) = IncrementalAssert.RunTwice(new ShardedCacheGenerator(), new[] { DesignSource }, CompilationEdits.AddUnrelatedFile);

        IncrementalAssert.CachedOrUnchanged(second, TrackingNames.ShardedCacheModels, TrackingNames.ShardedCacheValidModels, ShardedCacheGenerator.ShardedCacheKeysTrackingName);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
    }

    [Fact]
    public void Changing_an_attribute_argument_modifies_the_model()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new ShardedCacheGenerator(),
            new[] { DesignSource },
            static c => CompilationEdits.ReplaceSource(c, 0, DesignSource.Replace("Capacity = 10_000", "Capacity = 20_000", StringComparison.Ordinal)));

        IncrementalAssert.HasReason(second, TrackingNames.ShardedCacheModels, IncrementalStepRunReason.Modified);
        Assert.Contains("Capacity = 20000", second.Source("PodCache.ShardedCache.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_cache_is_new()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new ShardedCacheGenerator(),
            new[] { DesignSource },
            static c => CompilationEdits.AddSource(c, "namespace Cluster; [Hotpath.ShardedCache(typeof(PodState))] public partial class OtherCache { }"));

        IncrementalAssert.HasReason(second, TrackingNames.ShardedCacheModels, IncrementalStepRunReason.New);
    }

    [Fact]
    public void Models_hold_no_Roslyn_objects()
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), DesignSource);
        IncrementalAssert.ModelsArePure(run, TrackingNames.ShardedCacheModels, TrackingNames.ShardedCacheValidModels, ShardedCacheGenerator.ShardedCacheKeysTrackingName);
    }

    [Theory]
    [InlineData("Namespace", "@namespace")]
    [InlineData("Name", "name")]
    [InlineData("ID", "id")]
    [InlineData("URLPath", "urlPath")]
    [InlineData("class", "@class")]
    [InlineData("x", "x")]
    public void Parameter_names_are_camel_cased_and_escaped(string member, string parameter)
    {
        Assert.Equal(parameter, Identifiers.Escape(ShardedCacheParser.CamelCase(member)));
    }
}
