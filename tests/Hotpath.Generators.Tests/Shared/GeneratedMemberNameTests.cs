using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// A member cannot have the name of the type it is declared in (CS0542), so a type named like a member its generator
/// adds (a [Columnar] struct named <c>Codec</c>, a [Pooled] class named <c>Pool</c>) is HOT001 and gets no code.
/// Names the generator does not add to that type stay legal.
/// </summary>
public sealed class GeneratedMemberNameTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzers =
    {
        new PooledDiagnosticsAnalyzer(), new ColumnarDiagnosticsAnalyzer(), new BatchReducerDiagnosticsAnalyzer(), new ShardedCacheDiagnosticsAnalyzer(),
    };

    private static readonly IIncrementalGenerator[] s_generators =
        { new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator() };

    private const string Inputs = """
        public struct Metric { public string Node; public long UnixMs; }
        public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
        [Hotpath.Pooled] public partial class PooledBase { public int X; }
        """;

    // The declaration before the type name, the name, what follows it, and the generated member it collides with.
    public static TheoryData<string, string, string, string> Collisions => new()
    {
        { "[Hotpath.Pooled] public sealed partial class", "Pool", "{ public int X; }", "Pool" },
        { "[Hotpath.Pooled] public sealed partial class", "Pool", "<T> { public T? X; }", "Pool" },
        { "[Hotpath.Pooled] public sealed partial class", "Reset", "{ public int X; }", "Reset" },
        { "[Hotpath.Pooled] public partial class", "ResetCore", "{ public int X; }", "ResetCore" },
        { "[Hotpath.Pooled] public sealed partial class", "ResetCore", ": PooledBase { public int Y; }", "ResetCore" },
        { "[Hotpath.Pooled] public sealed partial class", "OnReset", "{ public int X; }", "OnReset" },
        { "[Hotpath.Columnar] public partial struct", "Codec", "{ public long UnixMs; }", "Codec" },
        { "[Hotpath.BatchReducer(typeof(Metric))] public partial struct", "Reducer", "{ [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Rows; }", "Reducer" },
        { "[Hotpath.BatchReducer(typeof(Metric))] public partial struct", "Combine", "{ [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Rows; }", "Combine" },
        { "[Hotpath.ShardedCache(typeof(Pod))] public sealed partial class", "TryGet", "{ }", "TryGet" },
        { "[Hotpath.ShardedCache(typeof(Pod))] public sealed partial class", "GetOrAddAsync", "{ }", "GetOrAddAsync" },
        { "[Hotpath.ShardedCache(typeof(Pod))] public sealed partial class", "Count", "{ }", "Count" },
        { "[Hotpath.ShardedCache(typeof(Pod))] public sealed partial class", "Statistics", "{ }", "Statistics" },
        { "[Hotpath.ShardedCache(typeof(Pod))] public sealed partial class", "Clear", "{ }", "Clear" },
    };

    [Theory]
    [MemberData(nameof(Collisions))]
    public async Task HOT001_when_the_type_has_the_name_of_a_generated_member(string before, string name, string after, string member)
    {
        var attribute = before.Substring(before.IndexOf('.') + 1, before.IndexOfAny(['(', ']']) - before.IndexOf('.') - 1);
        var source = "namespace App;\n" + before + " {|HOT001:" + name + "|}" + after;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzers, new AnalyzerTestOptions { AdditionalSources = [Inputs] });

        var plain = DiagnosticMarkup.Parse(source).Source;
        var diagnostic = Assert.Single((await AnalyzerVerifier.GetDiagnosticsAsync(plain, s_analyzers, new AnalyzerTestOptions { AdditionalSources = [Inputs] })).Where(static d => d.Location.SourceTree?.FilePath == TestCompilation.SourcePath(0)));
        Assert.Equal(
            $"'{name}' is marked [{attribute}] but it has the name of the member '{member}' the generator adds to it, and a member cannot have the name of its enclosing type (CS0542); rename the type",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(diagnostic.Properties.ContainsKey(Hotpath.Generators.Shared.DiagnosticDescriptors.ReasonProperty)); // no make-partial fix

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create(plain, Inputs));
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.StartsWith("App." + name + ".", StringComparison.Ordinal) || s.HintName.StartsWith("App." + name + "`", StringComparison.Ordinal));
        Assert.Contains(run.Result.Diagnostics, static d => d.Id == "HOT001");
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    // Names that only look like generated members: the generator adds no member of that name to that type.
    [Theory]
    [InlineData("[Hotpath.Pooled] public abstract partial class Pool { public int X; }")] // abstract: no Pool property
    [InlineData("[Hotpath.Pooled] public sealed partial class ResetCore { public int X; }")] // sealed root: Reset() only
    [InlineData("[Hotpath.Pooled] public sealed partial class Reset : PooledBase { public int Y; }")] // derived: overrides ResetCore, inherits Reset()
    [InlineData("[Hotpath.Pooled] public sealed partial class TryReset { public int X; }")] // IResettable.TryReset is explicit
    [InlineData("[Hotpath.Columnar] public partial struct Decode { public long UnixMs; }")] // a member of the nested codec class
    [InlineData("[Hotpath.BatchReducer(typeof(Metric))] public partial struct Add { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Rows; }")] // a member of Reducer
    public async Task Quiet_and_compiling_when_no_generated_member_has_the_name(string declaration)
    {
        var source = "namespace App;\n" + declaration;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzers, new AnalyzerTestOptions { AdditionalSources = [Inputs] });

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create(source, Inputs));
        Assert.Empty(run.Result.Diagnostics);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public void GeneratedMembers_lists_every_member_the_generators_declare_in_the_attributed_types()
    {
        // Every shape: a sealed and an open [Pooled] root, a derived one, a resettable struct member (the by-ref
        // helper); a reducer with [Mean] and windowed [First]/[Last] (hidden fields); a cache; a codec.
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_generators), TestCompilation.Create("""
            namespace App;
            public struct Counter : Microsoft.Extensions.ObjectPool.IResettable { public int N; public bool TryReset() { N = 0; return true; } }
            [Hotpath.Pooled] public sealed partial class SealedRoot { public int X; public Counter C; }
            [Hotpath.Pooled] public partial class OpenRoot { public int X; }
            [Hotpath.Pooled] public partial class Derived : OpenRoot { public int Y; }
            [Hotpath.Columnar] public partial struct Row { public long UnixMs; }
            public struct Sample { public string Node; public long UnixMs; public double Cpu; }
            [Hotpath.BatchReducer(typeof(Sample))] public partial struct Minute
            {
                [Hotpath.GroupKey] public string Node;
                [Hotpath.Window(60, nameof(Sample.UnixMs))] public long Start;
                [Hotpath.Mean(nameof(Sample.Cpu))] public double CpuMean;
                [Hotpath.First(nameof(Sample.Cpu))] public double CpuFirst;
                [Hotpath.Last(nameof(Sample.Cpu))] public double CpuLast;
            }
            public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
            [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class Pods { }
            """));
        TestCompilation.AssertNoErrors(run.OutputCompilation);

        var listed = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal)
        {
            ["SealedRoot"] = GeneratedMembers.Pooled,
            ["OpenRoot"] = GeneratedMembers.Pooled,
            ["Derived"] = GeneratedMembers.Pooled,
            ["Row"] = GeneratedMembers.Columnar,
            ["Minute"] = GeneratedMembers.BatchReducer,
            ["Pods"] = GeneratedMembers.ShardedCache,
        };
        var declared = new List<string>();
        foreach (var tree in run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees))
        {
            foreach (var type in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => listed.ContainsKey(t.Identifier.ValueText)))
            {
                foreach (var name in type.Members.SelectMany(Names))
                {
                    declared.Add(name);
                    Assert.True(
                        listed[type.Identifier.ValueText].Contains(name) || (type.Identifier.ValueText == "Minute" && name.StartsWith(GeneratedMembers.BatchReducerPrefix, StringComparison.Ordinal)),
                        $"'{type.Identifier.ValueText}' gets a member '{name}' that GeneratedMembers does not list");
                }
            }
        }

        // The shapes above reach every listed name (so the list holds no stale one).
        Assert.Empty(GeneratedMembers.Pooled.Concat(GeneratedMembers.Columnar).Concat(GeneratedMembers.BatchReducer).Concat(GeneratedMembers.ShardedCache).Except(declared));
        Assert.Contains(declared, static n => n.StartsWith(GeneratedMembers.BatchReducerPrefix, StringComparison.Ordinal));
    }

    /// <summary>The names a member declaration adds to its type (constructors and explicit interface implementations add none).</summary>
    private static IEnumerable<string> Names(MemberDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method => [method.Identifier.ValueText],
        PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property => [property.Identifier.ValueText],
        BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(static v => v.Identifier.ValueText),
        BaseTypeDeclarationSyntax type => [type.Identifier.ValueText],
        _ => [],
    };
}
