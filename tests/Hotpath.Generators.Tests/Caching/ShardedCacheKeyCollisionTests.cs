using Hotpath.Generators.Caching;
using Hotpath.Generators.Shared;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>
/// Two value types whose key structs would share one name ({TValue}Key in one namespace): the value type whose full
/// name sorts first keeps it, every cache of the other gets HOT003 and no code, whatever the order of the files.
/// </summary>
public sealed class ShardedCacheKeyCollisionTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new ShardedCacheDiagnosticsAnalyzer() };

    private const string NestedItems = """
        namespace App;
        public static partial class OuterA { public sealed partial class Item { [Hotpath.CacheKey(0)] public string Name = ""; } }
        public static partial class OuterB { public sealed partial class Item { [Hotpath.CacheKey(0)] public int Id; } }
        """;

    private const string CacheA = "namespace App; [Hotpath.ShardedCache(typeof(OuterA.Item))] public sealed partial class CacheA { }";

    private const string CacheB = "namespace App; [Hotpath.ShardedCache(typeof(OuterB.Item))] public sealed partial class CacheB { }";

    private const string Boxes = """
        public sealed class Box<T> { [Hotpath.CacheKey(0)] public T Id = default!; }
        [Hotpath.ShardedCache(typeof(Box<int>))] public sealed partial class IntBoxCache { }
        [Hotpath.ShardedCache(typeof(Box<string>))] public sealed partial class StrBoxCache { }
        [Hotpath.ShardedCache(typeof(Box<string>), Capacity = 5)] public sealed partial class OtherStrBoxCache { }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nested_value_types_with_one_name_the_first_by_full_name_keeps_the_key_in_any_file_order(bool reversed)
    {
        var sources = reversed ? new[] { NestedItems, CacheB, CacheA } : new[] { NestedItems, CacheA, CacheB };
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), sources); // never uncompilable output

        Assert.Equal(new[] { "App.CacheA.ShardedCache.g.cs", "App.ItemKey.CacheKey.g.cs" }, run.GeneratedSources.Select(static s => s.HintName).ToArray());
        Assert.Contains("From(global::App.OuterA.Item value)", run.Source("ItemKey.CacheKey.g.cs"), StringComparison.Ordinal);
        var diagnostic = Assert.Single(run.Result.Diagnostics);
        Assert.Equal("HOT003", diagnostic.Id);
        Assert.Equal(
            "'Item' is the value type of [ShardedCache] on 'CacheB' but its key struct would be 'App.ItemKey', the name already given to the key of 'App.OuterA.Item': two value types with one name in one namespace (nested in different types, or constructions of one generic type) cannot both have a {TValue}Key there; rename one, or cache a type of its own that wraps it",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TestCompilation.SourcePath(Array.IndexOf(sources, CacheB)), diagnostic.Location.GetLineSpan().Path);
        Assert.Equal("typeof(OuterB.Item)", diagnostic.Location.SourceTree is null
            ? sources[Array.IndexOf(sources, CacheB)].Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length)
            : diagnostic.Location.SourceTree.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    [Fact]
    public void Constructions_of_one_generic_type_every_cache_of_the_losing_one_is_reported()
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Boxes);

        Assert.Equal(new[] { "BoxKey.CacheKey.g.cs", "IntBoxCache.ShardedCache.g.cs" }, run.GeneratedSources.Select(static s => s.HintName).ToArray());
        Assert.Equal(2, run.Result.Diagnostics.Count(static d => d.Id == "HOT003"));
        Assert.All(run.Result.Diagnostics, static d => Assert.Contains("already given to the key of 'Box<int>'", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_analyzer_reports_the_same_at_the_typeof_argument()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            public sealed class Box<T> { [Hotpath.CacheKey(0)] public T Id = default!; }
            [Hotpath.ShardedCache(typeof(Box<int>))] public sealed partial class IntBoxCache { }
            [Hotpath.ShardedCache({|HOT003:typeof(Box<string>)|})] public sealed partial class StrBoxCache { }
            [Hotpath.ShardedCache({|HOT003:typeof(Box<string>)|}, Capacity = 5)] public sealed partial class OtherStrBoxCache { }
            """,
            s_analyzer);

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(NestedItems + "\n[Hotpath.ShardedCache(typeof(OuterB.Item))] public sealed partial class CacheB { }\n[Hotpath.ShardedCache(typeof(OuterA.Item))] public sealed partial class CacheA { }", s_analyzer);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Contains("on 'CacheB' but its key struct would be 'App.ItemKey', the name already given to the key of 'App.OuterA.Item'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_analyzer_reports_a_collision_once_under_a_HOT003_descriptor_tagged_CompilationEnd()
    {
        // The collision is decided at the end of the compilation: an IDE shows a diagnostic reported there only when its
        // descriptor carries the CompilationEnd tag (RS1037). The symbol-level HOT003 (no key member) keeps the untagged one.
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            Boxes + "\npublic sealed class NoKey { }\n[Hotpath.ShardedCache(typeof(NoKey))] public sealed partial class NoKeyCache { }",
            s_analyzer);

        var collisions = diagnostics.Where(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("already given to the key", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { "OtherStrBoxCache", "StrBoxCache" }, collisions.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split('\'')[3]).OrderBy(static n => n, StringComparer.Ordinal).ToArray());
        Assert.All(collisions, static d =>
        {
            Assert.Equal("HOT003", d.Id);
            Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, d.Descriptor.CustomTags);
            Assert.Equal(DiagnosticDescriptors.MissingCacheKey.Title, d.Descriptor.Title);
            Assert.Equal(DiagnosticDescriptors.MissingCacheKey.MessageFormat, d.Descriptor.MessageFormat);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.Equal(DiagnosticDescriptors.MissingCacheKey.HelpLinkUri, d.Descriptor.HelpLinkUri);
        });
        Assert.Contains(collisions[0].Descriptor, s_analyzer[0].SupportedDiagnostics);

        var missingKey = Assert.Single(diagnostics.Except(collisions));
        Assert.Equal("HOT003", missingKey.Id);
        Assert.DoesNotContain(WellKnownDiagnosticTags.CompilationEnd, missingKey.Descriptor.CustomTags);
    }

    [Fact]
    public void The_generator_run_on_its_own_reports_a_collision_under_the_plain_HOT003_descriptor()
    {
        // A generator has no compilation end: its report is the rule's ordinary descriptor.
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), Boxes);
        Assert.Equal(2, run.Result.Diagnostics.Length);
        Assert.All(run.Result.Diagnostics, static d => Assert.Same(DiagnosticDescriptors.MissingCacheKey, d.Descriptor));
    }

    [Fact]
    public async Task The_analyzer_finds_the_winning_cache_nested_in_a_type_with_its_attribute_on_another_partial_declaration()
    {
        // The analyzer walks only nested types and only asks types written with attributes for them: a cache
        // nested in a class, whose attribute is on its second declaration, must still be found.
        await AnalyzerVerifier.VerifyAsync(
            """
            public sealed class Box<T> { [Hotpath.CacheKey(0)] public T Id = default!; }
            public static partial class Caches
            {
                public sealed partial class IntBoxCache { }
            }
            public static partial class Caches
            {
                [Hotpath.ShardedCache(typeof(Box<int>))] public sealed partial class IntBoxCache { }
            }
            [Hotpath.ShardedCache({|HOT003:typeof(Box<string>)|})] public sealed partial class StrBoxCache { }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task The_analyzer_counts_a_winning_cache_declared_in_generated_code()
    {
        // Symbol actions skip generated code, the generator does not: a cache in a generated file still keeps its key
        // name, so the user's cache that loses it must be told (else it silently gets no code).
        var generated = "// <auto-generated/>\n[Hotpath.ShardedCache(typeof(Box<int>))] public sealed partial class IntBoxCache { }";
        var user = "public sealed class Box<T> { [Hotpath.CacheKey(0)] public T Id = default!; }\n[Hotpath.ShardedCache(typeof(Box<string>))] public sealed partial class StrBoxCache { }";
        var diagnostics = await AnalyzerVerifier.RunAnalyzersAsync(TestCompilation.Create(user, generated), s_analyzer);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("HOT003", diagnostic.Id);
        Assert.Contains("already given to the key of 'Box<int>'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_analyzer_counts_a_cache_whose_attribute_is_written_through_a_using_alias()
    {
        // The attribute is recognised by its symbol, as the generator's ForAttributeWithMetadataName does.
        await AnalyzerVerifier.VerifyAsync(
            """
            using Sharded = Hotpath.ShardedCacheAttribute;
            public sealed class Box<T> { [Hotpath.CacheKey(0)] public T Id = default!; }
            [Sharded(typeof(Box<int>))] public sealed partial class IntBoxCache { }
            [Hotpath.ShardedCache({|HOT003:typeof(Box<string>)|})] public sealed partial class StrBoxCache { }
            """,
            s_analyzer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_analyzer_looks_only_at_the_caches_it_meets_never_at_every_type_of_the_compilation(bool withCaches)
    {
        // Cost: the key-name check must scale with the number of [ShardedCache] classes (none: nothing to do), not
        // with the size of the compilation. Counted through the check's hook, for this test's assembly only.
        var assemblyName = "KeyCheckScope" + withCaches;
        var others = string.Join("\n", Enumerable.Range(0, 200).Select(static i =>
            $"namespace N{i % 7} {{ [System.Serializable] public partial class T{i} {{ public sealed class Inner {{ }} public int F{i}; }} }}"));
        var sources = withCaches ? new[] { others, Boxes } : new[] { others };
        var examined = new System.Collections.Concurrent.ConcurrentBag<string>();
        Action<INamedTypeSymbol> hook = type =>
        {
            if (type.ContainingAssembly.Name == assemblyName)
            {
                examined.Add(type.Name);
            }
        };

        ShardedCacheKeyCollisions.TypeExamined += hook;
        try
        {
            var compilation = TestCompilation.Create(sources, OutputKind.DynamicallyLinkedLibrary, assemblyName: assemblyName);
            var diagnostics = await AnalyzerVerifier.RunAnalyzersAsync(compilation, s_analyzer);

            Assert.Equal(withCaches ? 2 : 0, diagnostics.Count(static d => d.Id == "HOT003"));
        }
        finally
        {
            ShardedCacheKeyCollisions.TypeExamined -= hook;
        }

        Assert.Equal(withCaches ? new[] { "IntBoxCache", "OtherStrBoxCache", "StrBoxCache" } : Array.Empty<string>(), examined.OrderBy(static n => n, StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Invalid_caches_take_no_part_in_the_choice()
    {
        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), NestedItems, CacheB, CacheA.Replace("partial ", string.Empty, StringComparison.Ordinal));
        Assert.Contains(run.GeneratedSources, static s => s.HintName == "App.CacheB.ShardedCache.g.cs");
        Assert.Equal(new[] { "HOT001" }, run.Result.Diagnostics.Select(static d => d.Id).ToArray());
    }

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached_with_a_collision()
    {
        var (_, second) = IncrementalAssert.RunTwice(new ShardedCacheGenerator(), new[] { NestedItems, CacheA, CacheB }, CompilationEdits.AddUnrelatedFile);

        IncrementalAssert.CachedOrUnchanged(second, TrackingNames.ShardedCacheModels, TrackingNames.ShardedCacheValidModels, ShardedCacheGenerator.ShardedCacheKeysTrackingName);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
        Assert.Single(second.Result.Diagnostics);
    }
}
