using Hotpath.Generators.Caching;
using Hotpath.Generators.Shared;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>
/// A cache of a value type from another assembly: when a referenced assembly already has the Hotpath-generated
/// <c>{TValue}Key</c> of that value type (one of its own caches made it), of the same parts, this cache uses that key
/// and emits none (a second one would collide with it). A generated key that cannot be used is HOT003 saying why.
/// </summary>
public sealed class ShardedCacheAcrossAssembliesTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new ShardedCacheDiagnosticsAnalyzer() };

    private const string Domain = """
        namespace Domain
        {
            public sealed class Pod
            {
                [Hotpath.CacheKey(0)] public string Namespace = "";
                [Hotpath.CacheKey(1)] public int Id;
            }

            [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class DomainPods { }
        }
        """;

    private const string Service = """
        namespace Service
        {
            [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class ServicePods { }

            public static class Use
            {
                public static Domain.Pod Get(ServicePods cache) => cache.GetOrAdd("ns", 1, static (Domain.PodKey key) => new Domain.Pod { Namespace = key.Namespace, Id = key.Id });
            }
        }
        """;

    [Fact]
    public async Task A_referenced_assemblys_generated_key_of_the_same_parts_is_used_and_none_is_emitted()
    {
        var compilation = TestCompilation.Create([Service], OutputKind.DynamicallyLinkedLibrary, [Library("Domain", Domain)], "Service");

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);

        Assert.Equal(["Service.ServicePods.ShardedCache.g.cs"], run.GeneratedSources.Select(static s => s.HintName));
        Assert.Empty(run.Result.Diagnostics);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Warning));
        Assert.Empty(await AnalyzerVerifier.RunAnalyzersAsync(run.OutputCompilation, s_analyzer));
    }

    [Fact]
    public void An_internal_generated_key_is_used_by_an_assembly_the_value_types_assembly_grants_access()
    {
        const string internalDomain = """
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Service")]

            namespace Domain
            {
                internal sealed class Pod
                {
                    [Hotpath.CacheKey(0)] public string Namespace = "";
                    [Hotpath.CacheKey(1)] public int Id;
                }

                [Hotpath.ShardedCache(typeof(Pod))] internal sealed partial class DomainPods { }
            }
            """;
        const string service = """
            namespace Service
            {
                [Hotpath.ShardedCache(typeof(Domain.Pod))] internal sealed partial class ServicePods { }

                internal static class Use
                {
                    public static Domain.Pod Get(ServicePods cache) => cache.GetOrAdd("ns", 1, static (Domain.PodKey key) => new Domain.Pod { Namespace = key.Namespace, Id = key.Id });
                }
            }
            """;
        var compilation = TestCompilation.Create([service], OutputKind.DynamicallyLinkedLibrary, [Library("Domain", internalDomain)], "Service");

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);

        Assert.Equal(["Service.ServicePods.ShardedCache.g.cs"], run.GeneratedSources.Select(static s => s.HintName));
        Assert.Empty(run.Result.Diagnostics);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public async Task HOT003_when_the_referenced_generated_key_has_other_parts()
    {
        // Lib was built against an older Domain, whose Pod had one [CacheKey] member.
        const string olderDomain = "namespace Domain { public sealed class Pod { [Hotpath.CacheKey(0)] public string Namespace = \"\"; } }";
        var lib = Library("Lib", "[Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class LibPods { }", Library("Domain", olderDomain));
        var domain = Library("Domain", "namespace Domain { public sealed class Pod { [Hotpath.CacheKey(0)] public string Namespace = \"\"; [Hotpath.CacheKey(1)] public int Id; } }");
        var compilation = TestCompilation.Create(["namespace Service { [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class ServicePods { } }"], OutputKind.DynamicallyLinkedLibrary, [domain, lib], "Service");

        var diagnostic = Assert.Single(await AnalyzerVerifier.RunAnalyzersAsync(compilation, s_analyzer));
        Assert.Equal(
            "'Pod' is the value type of [ShardedCache] on 'ServicePods' but the generated key type 'Domain.PodKey' collides with the existing 'Domain.PodKey', which Hotpath generated for a cache in the referenced assembly 'Lib' with other parts: " +
            "it is PodKey(string Namespace), and this cache needs PodKey(string Namespace, int Id); rebuild 'Lib' against this 'Domain.Pod', or use the cache declared there",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT003", Assert.Single(run.Result.Diagnostics).Id);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public void HOT003_when_the_referenced_generated_key_is_the_key_of_another_value_type()
    {
        // Lib's Domain.Outer.Pod also has its key at namespace level: Domain.PodKey.
        var lib = Library("Lib", "namespace Domain { public static class Outer { public sealed class Pod { [Hotpath.CacheKey(0)] public string Namespace = \"\"; [Hotpath.CacheKey(1)] public int Id; } } [Hotpath.ShardedCache(typeof(Outer.Pod))] public sealed partial class OuterPods { } }");
        var domain = Library("Domain", "namespace Domain { public sealed class Pod { [Hotpath.CacheKey(0)] public string Namespace = \"\"; [Hotpath.CacheKey(1)] public int Id; } }");
        var compilation = TestCompilation.Create(["namespace Service { [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class ServicePods { } }"], OutputKind.DynamicallyLinkedLibrary, [domain, lib], "Service");

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);

        Assert.Empty(run.GeneratedSources);
        Assert.Equal(
            "'Pod' is the value type of [ShardedCache] on 'ServicePods' but the generated key type 'Domain.PodKey' collides with the existing 'Domain.PodKey', which Hotpath generated for a cache in the referenced assembly 'Lib' as the key of 'Domain.Outer.Pod', another type of this name; " +
            "rename one of the two value types, or cache a type of its own that wraps 'Pod'",
            Assert.Single(run.Result.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public void HOT003_when_two_referenced_assemblies_each_generated_the_key()
    {
        var domain = Library("Domain", "namespace Domain { public sealed class Pod { [Hotpath.CacheKey(0)] public string Namespace = \"\"; } }");
        var libX = Library("LibX", "namespace X { [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class Pods { } }", domain);
        var libY = Library("LibY", "namespace Y { [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class Pods { } }", domain);
        var compilation = TestCompilation.Create(["namespace Service { [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class ServicePods { } }"], OutputKind.DynamicallyLinkedLibrary, [domain, libX, libY], "Service");

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);

        Assert.Empty(run.GeneratedSources);
        Assert.Equal(
            "'Pod' is the value type of [ShardedCache] on 'ServicePods' but the generated key type 'Domain.PodKey' collides with the existing 'Domain.PodKey', which Hotpath generated in each of the referenced assemblies 'LibX' and 'LibY' (each declares a cache of 'Pod'), and C# cannot tell those apart (CS0433); " +
            "declare the caches of 'Pod' in one assembly the others reference, best in 'Domain' beside 'Pod', so there is one key",
            Assert.Single(run.Result.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public void HOT003_when_the_key_parts_of_a_value_type_from_another_assembly_are_on_backing_fields_it_does_not_import()
    {
        // [field: CacheKey] puts the attribute on an auto-property's private backing field. The compiler imports another
        // assembly's private members only when asked to (an IDE may; a build does not, and a reference assembly has none):
        // the key silently lost that part (values differing only in it overwrote each other), or had no part at all.
        const string domain = """
            namespace Domain
            {
                public sealed class Pod
                {
                    [field: Hotpath.CacheKey(0)] public string Namespace { get; set; } = "";
                    [Hotpath.CacheKey(1)] public int Id;
                }

                public sealed class Node { [field: Hotpath.CacheKey(0)] public string Name { get; set; } = ""; }
            }
            """;
        var compilation = TestCompilation.Create(
            ["namespace Service { [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class Pods { } [Hotpath.ShardedCache(typeof(Domain.Node))] public sealed partial class Nodes { } }"],
            OutputKind.DynamicallyLinkedLibrary, [Library("Domain", domain)], "Service");

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);

        Assert.Empty(run.GeneratedSources);
        Assert.Equal(
            [
                "'Node' is the value type of [ShardedCache] on 'Nodes' but has no [CacheKey] member that can be seen here: 'Node' is declared in the referenced assembly 'Domain', " +
                "whose auto-properties' backing fields (where [field: CacheKey] puts the attribute) the compiler does not import; mark the properties themselves, [CacheKey(0)], [CacheKey(1)], …",
                "'Pod' is the value type of [ShardedCache] on 'Pods' but its [CacheKey] orders here are 1, without 0: 'Pod' is declared in the referenced assembly 'Domain', " +
                "whose auto-properties' backing fields (where [field: CacheKey] puts the attribute) the compiler does not import, so a key part marked there would be left out of the key; " +
                "mark the properties themselves, [CacheKey(order)], or number the parts from 0 without gaps",
            ],
            run.Result.Diagnostics.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
        TestCompilation.AssertNoErrors(run.OutputCompilation);

        // Marked on the properties themselves, the parts are seen.
        const string marked = """
            namespace Domain
            {
                public sealed class Pod
                {
                    [Hotpath.CacheKey(0)] public string Namespace { get; set; } = "";
                    [Hotpath.CacheKey(1)] public int Id;
                }
            }
            """;
        var fixedRun = GeneratorRunner.Run(
            GeneratorRunner.CreateDriver(new ShardedCacheGenerator()),
            TestCompilation.Create(["namespace Service { [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class Pods { } }"], OutputKind.DynamicallyLinkedLibrary, [Library("Domain", marked)], "Service"));
        Assert.Empty(fixedRun.Result.Diagnostics);
        Assert.Contains("record struct PodKey(string Namespace, int Id)", fixedRun.Source("PodKey.CacheKey.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HOT003_is_an_error_in_the_declaring_assembly_at_a_field_targeted_key_part_that_other_assemblies_cannot_see()
    {
        // The hidden part has the highest order: another assembly sees orders 0 without a gap, so its HOT003 cannot tell,
        // and its key silently lacks the part (values differing only in Id overwrite each other). Only the assembly that
        // declares the type can say so, and as an error: a wrong key returns wrong values, and the fix costs nothing.
        const string domain = """
            namespace Domain
            {
                public sealed class Pod
                {
                    [Hotpath.CacheKey(0)] public string Namespace = "";
                    [field: Hotpath.CacheKey(1)] public int Id { get; set; }
                }
            }
            """;
        const string service = "namespace Service { [Hotpath.ShardedCache(typeof(Domain.Pod))] public sealed partial class Pods { } }";
        var run = GeneratorRunner.Run(
            GeneratorRunner.CreateDriver(new ShardedCacheGenerator()),
            TestCompilation.Create([service], OutputKind.DynamicallyLinkedLibrary, [Library("Domain", domain)], "Service"));
        Assert.Empty(run.Result.Diagnostics);
        Assert.Contains("record struct PodKey(string Namespace)", run.Source("PodKey.CacheKey.g.cs"), StringComparison.Ordinal);

        var error = Assert.Single(await AnalyzerVerifier.GetDiagnosticsAsync(domain, s_analyzer));
        Assert.Equal(("HOT003", DiagnosticSeverity.Error, "Hotpath.CacheKey(1)"), (error.Id, error.Severity, error.Location.SourceTree!.ToString().Substring(error.Location.SourceSpan.Start, error.Location.SourceSpan.Length)));
        Assert.Equal(
            "'Pod' can be cached by other assemblies but its [field: CacheKey] on 'Id' is on the backing field, which they do not import: " +
            "their caches would leave that part out of the key; write [CacheKey(1)] on the property itself",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        // As the error says: marked on the property, the part is seen and the declaring assembly is quiet.
        var marked = domain.Replace("[field: Hotpath.CacheKey(1)]", "[Hotpath.CacheKey(1)]", StringComparison.Ordinal);
        var fixedRun = GeneratorRunner.Run(
            GeneratorRunner.CreateDriver(new ShardedCacheGenerator()),
            TestCompilation.Create([service], OutputKind.DynamicallyLinkedLibrary, [Library("Domain", marked)], "Service"));
        Assert.Contains("record struct PodKey(string Namespace, int Id)", fixedRun.Source("PodKey.CacheKey.g.cs"), StringComparison.Ordinal);
        Assert.Empty(await AnalyzerVerifier.GetDiagnosticsAsync(marked, s_analyzer));
    }

    [Fact]
    public void The_models_stay_cached_when_an_unrelated_file_changes()
    {
        var compilation = TestCompilation.Create([Service], OutputKind.DynamicallyLinkedLibrary, [Library("Domain", Domain)], "Service");
        var first = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);

        var second = GeneratorRunner.Run(first.Driver, CompilationEdits.AddUnrelatedFile(compilation));

        IncrementalAssert.CachedOrUnchanged(second, TrackingNames.ShardedCacheModels, TrackingNames.ShardedCacheValidModels, ShardedCacheGenerator.ShardedCacheKeysTrackingName);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
    }

    /// <summary>An assembly of <paramref name="source"/> as the compiler would read it from disk, built with the cache generator (its keys included).</summary>
    private static MetadataReference Library(string name, string source, params MetadataReference[] references)
    {
        var compilation = TestCompilation.Create([source], OutputKind.DynamicallyLinkedLibrary, references, name);
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
        using var image = new MemoryStream();
        Assert.True(run.OutputCompilation.Emit(image).Success);
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
