using Hotpath.Generators.Caching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>
/// The generated key struct is <c>{TValue}Key</c> in the value type's namespace. A type of that name the user already
/// has there is HOT003 (no code instead of CS0101/CS0260/CS0261 in generated code), unless it is a
/// <c>partial record struct</c> the generated <c>readonly partial record struct</c> merges with: then the user's
/// part adds to the key.
/// </summary>
public sealed class ShardedCacheExistingKeyTypeTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new ShardedCacheDiagnosticsAnalyzer() };

    private const string Pod = "namespace App { public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = \"\"; } }";

    private const string Cache = "namespace App { [Hotpath.ShardedCache({|HOT003:typeof(Pod)|})] public sealed partial class PodCache { } }";

    // An existing App.PodKey that the generated one cannot merge with, and why.
    public static TheoryData<string, string> Clashing => new()
    {
        { "namespace App { public sealed class PodKey { } }", "a class" },
        { "namespace App { public enum PodKey { A } }", "an enum" },
        { "namespace App { public interface PodKey { } }", "an interface" },
        { "namespace App { public delegate void PodKey(); }", "a delegate" },
        { "namespace App { public partial struct PodKey { } }", "a struct, not a record struct" },
        { "namespace App { public record struct PodKey { } }", "not declared partial" },
        { "namespace App { public partial record struct PodKey(int Other); }", "declared with a parameter list, which the generated part has" },
        { "namespace App { internal partial record struct PodKey { } }", "internal, and the generated part is public" },
        { "namespace App { public partial record struct PodKey { public static PodKey From(Pod value) => default; } }", "declares 'From', which the generated part declares" },
        { "namespace App { public partial record struct PodKey { public string Name => \"\"; } }", "declares 'Name', which the generated part declares" },
    };

    [Theory]
    [MemberData(nameof(Clashing))]
    public async Task HOT003_and_no_code_when_the_key_name_is_taken_by_a_type_it_cannot_merge_with(string existing, string why)
    {
        await AnalyzerVerifier.VerifyAsync(Cache, s_analyzer, new AnalyzerTestOptions { AdditionalSources = [Pod, existing] });

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(DiagnosticMarkup.Parse(Cache).Source, s_analyzer, new AnalyzerTestOptions { AdditionalSources = [Pod, existing] });
        Assert.Equal(
            "'Pod' is the value type of [ShardedCache] on 'PodCache' but the generated key type 'App.PodKey' collides with the existing 'App.PodKey', which is " + why +
            "; rename that type, or declare it 'public partial record struct PodKey' with no parameter list so the generated key merges with it",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.Run(new ShardedCacheGenerator(), DiagnosticMarkup.Parse(Cache).Source, Pod, existing);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT003", Assert.Single(run.Result.Diagnostics).Id);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public void A_partial_record_struct_of_that_name_is_merged_with_and_its_members_kept()
    {
        var run = GeneratorRunner.RunAndCompile(
            new ShardedCacheGenerator(),
            DiagnosticMarkup.Parse(Cache).Source,
            Pod,
            """
            namespace App
            {
                partial record struct PodKey
                {
                    public override string ToString() => "pod/" + Name;
                }

                public static class Probe
                {
                    public static string Run()
                    {
                        var cache = new PodCache();
                        var made = "";
                        cache.GetOrAdd("dns", key => { made = key.ToString(); return new Pod { Name = key.Name }; });
                        return made + ":" + cache.TryGet("dns", out _);
                    }
                }
            }
            """);

        Assert.Empty(run.Result.Diagnostics);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("pod/dns:True", assembly.GetType("App.Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public async Task The_analyzer_does_not_take_the_generated_key_for_an_existing_type()
    {
        // The analyzer sees the generator's output in a build: its PodKey is not a collision.
        await AnalyzerVerifier.VerifyAsync(
            DiagnosticMarkup.Parse(Cache).Source,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Pod, "namespace App { partial record struct PodKey { } }"], Generators = [new ShardedCacheGenerator()] });
        await AnalyzerVerifier.VerifyAsync(
            DiagnosticMarkup.Parse(Cache).Source,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Pod], Generators = [new ShardedCacheGenerator()] });
    }

    // Types of that simple name that are not App.PodKey: another arity, nested, another namespace, file-local.
    [Theory]
    [InlineData("namespace App { public sealed class PodKey<T> { } }")]
    [InlineData("namespace App { public static class Holder { public sealed class PodKey { } } }")]
    [InlineData("namespace Other { public sealed class PodKey { } }")]
    [InlineData("namespace App { file sealed class PodKey { } }")]
    public void Types_that_only_share_the_simple_name_do_not_collide(string other)
    {
        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), DiagnosticMarkup.Parse(Cache).Source, Pod, other);

        Assert.Empty(run.Result.Diagnostics);
        Assert.Contains(run.GeneratedSources, static s => s.HintName == "App.PodKey.CacheKey.g.cs");
    }

    [Fact]
    public async Task A_user_type_in_a_file_named_like_a_generated_key_is_still_the_users()
    {
        // The generated key is recognised by its [GeneratedCode("Hotpath.Generators", …)] part, not by a file name: a
        // user's PodKey class in 'Keys/App.PodKey.CacheKey.g.cs' collides as in any other file (no CS0101 in generated code).
        var cache = DiagnosticMarkup.Parse(Cache).Source;
        var compilation = TestCompilation.Create([cache, Pod]).AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "namespace App { public sealed class PodKey { } }", TestCompilation.ParseOptions, "/src/Keys/App.PodKey.CacheKey.g.cs"));

        var diagnostic = Assert.Single(await AnalyzerVerifier.RunAnalyzersAsync(compilation, s_analyzer));
        Assert.Contains("collides with the existing 'App.PodKey', which is a class", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT003", Assert.Single(run.Result.Diagnostics).Id);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public async Task The_generated_key_is_recognised_whatever_its_file_is_called()
    {
        // The analyzer sees the generator's key in the compilation; moved to a file of another name, it is still the
        // generator's own part (its [GeneratedCode] attribute), so the cache is quiet.
        var cache = DiagnosticMarkup.Parse(Cache).Source;
        var generated = GeneratorRunner.Run(new ShardedCacheGenerator(), cache, Pod).Source("App.PodKey.CacheKey.g.cs");
        var compilation = TestCompilation.Create([cache, Pod]).AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            generated, TestCompilation.ParseOptions, "/obj/generated/Keys.cs"));
        TestCompilation.AssertNoErrors(compilation);

        Assert.Empty(await AnalyzerVerifier.RunAnalyzersAsync(compilation, s_analyzer));
    }

    [Fact]
    public async Task HOT003_when_a_referenced_assembly_has_a_public_type_of_that_name()
    {
        var library = TestCompilation.Create(["namespace App { public sealed class PodKey { } }"], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Lib");
        var compilation = TestCompilation.Create([DiagnosticMarkup.Parse(Cache).Source, Pod], OutputKind.DynamicallyLinkedLibrary, [library.ToMetadataReference()]);

        var diagnostic = Assert.Single(await AnalyzerVerifier.RunAnalyzersAsync(compilation, s_analyzer));
        Assert.Equal(
            "'Pod' is the value type of [ShardedCache] on 'PodCache' but the generated key type 'App.PodKey' collides with the existing 'App.PodKey', which is in the referenced assembly 'Lib'; rename that type, or cache a type of another name",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), compilation);
        Assert.Empty(run.GeneratedSources);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }
}
