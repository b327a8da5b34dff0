using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// Internal members of a type in another assembly can be used by generated code only when that assembly grants the
/// compilation InternalsVisibleTo. Every generator decides it the same way (Shared/InheritedAccess): with the grant
/// they are used like the compilation's own, without it they are out of reach, even when an IDE imports them
/// (<see cref="MetadataImportOptions.All"/>).
/// </summary>
public sealed class CrossAssemblyAccessTests
{
    private const string Library = """
        namespace Lib
        {
            public class PlainBase
            {
                internal int ResetCalls;
                internal static int Pool => 7;
                internal void Reset() => ResetCalls++;
                public int Calls => ResetCalls;
            }

            public sealed class Pod
            {
                [Hotpath.CacheKey(0)] internal string Name = "";
                public Pod(string name) => Name = name;
            }

            public struct Metric
            {
                internal string Node;
                public double Cpu;
                public Metric(string node, double cpu) { Node = node; Cpu = cpu; }
            }

            public class RowBase { internal long Secret; public long Peek => Secret; public void Poke(long value) => Secret = value; }
        }
        """;

    private const string User = """
        namespace App
        {
            [Hotpath.Pooled] public sealed partial class Pooled : Lib.PlainBase { public int Own = 1; }
            [Hotpath.ShardedCache(typeof(Lib.Pod))] public sealed partial class Pods { }
            [Hotpath.BatchReducer(typeof(Lib.Metric))] public partial struct Minute { [Hotpath.GroupKey] public string Node; [Hotpath.Sum(nameof(Lib.Metric.Cpu))] public double Cpu; }
            [Hotpath.Columnar] public sealed partial class Row : Lib.RowBase { public int Own; }
        }
        """;

    private const string Probe = """
        namespace App
        {
            public static class Probe
            {
                public static string Run()
                {
                    var pooled = new Pooled { Own = 5 };
                    pooled.Reset();
                    var pods = new Pods();
                    pods.Set(new Lib.Pod("dns"));
                    var reducer = new Minute.Reducer();
                    reducer.Add(new Lib.Metric("n1", 2));
                    reducer.Add(new Lib.Metric("n1", 3));
                    var row = new Row();
                    row.Poke(42);
                    var decoded = Row.Codec.Decode(Row.Codec.Encode([row]));
                    return pooled.Own + ":" + pooled.Calls + ":" + pods.TryGet("dns", out _) + ":" + reducer.ToArray()[0].Node + "=" + reducer.ToArray()[0].Cpu + ":" + decoded[0].Peek;
                }
            }
        }
        """;

    [Fact]
    public void With_InternalsVisibleTo_internal_members_of_another_assembly_are_used_like_the_compilations_own()
    {
        var run = Run(friend: true, MetadataImportOptions.Public, User, Probe);

        Assert.Empty(run.Result.Diagnostics);
        AssertCleanOutput(run);
        Assert.Contains("public new void Reset()", run.Source("App.Pooled.Pooled.g.cs"), StringComparison.Ordinal); // hides the base's, and calls it
        Assert.Equal("1:1:True:n1=5:42", Load(run).GetType("App.Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void Without_it_they_are_out_of_reach_even_when_imported()
    {
        var run = Run(friend: false, MetadataImportOptions.All, User);

        Assert.Equal(
            new[]
            {
                "HOT002 Member 'RowBase.Secret' of type 'long' cannot be encoded by [Columnar]: it is inherited and internal to another assembly ('Lib'), so the generated codec of 'Row' cannot read or set it (its value would be lost); make it protected or public, or give this assembly InternalsVisibleTo",
                "HOT003 'Pod' is the value type of [ShardedCache] on 'Pods' but has no [CacheKey] member that 'Pods' can read: 'Name' is not accessible (make it public or internal, with a getter)",
                "HOT004 Member 'Node' of 'Minute': [GroupKey] reads 'Node', but 'Metric' has no accessible instance field or readable property of that name",
            },
            run.Result.Diagnostics.Select(static d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToArray());

        // The [Pooled] type does not see the base's internal Reset() and Pool: it neither hides nor calls them.
        var pooled = run.Source("App.Pooled.Pooled.g.cs");
        Assert.Contains("public void Reset()", pooled, StringComparison.Ordinal);
        Assert.DoesNotContain("base.Reset()", pooled, StringComparison.Ordinal);
        AssertCleanOutput(run);
    }

    private static GeneratorRun Run(bool friend, MetadataImportOptions import, params string[] sources)
    {
        var user = TestCompilation.Create(sources, OutputKind.DynamicallyLinkedLibrary, [MetadataReference.CreateFromImage(LibraryImage(friend))])
            .WithOptions(TestCompilation.Options().WithMetadataImportOptions(import));
        return GeneratorRunner.Run(GeneratorRunner.CreateDriver(new PooledGenerator(), new ShardedCacheGenerator(), new BatchReducerGenerator(), new ColumnarGenerator()), user);
    }

    private static byte[] LibraryImage(bool friend)
    {
        var library = TestCompilation.Create(
            [(friend ? "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"TestAssembly\")]\n" : "") + Library],
            OutputKind.DynamicallyLinkedLibrary,
            assemblyName: "Lib");
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        return image.ToArray();
    }

    /// <summary>Loads the friend library and the run's output into one context (the library first, so the output binds to it).</summary>
    private static System.Reflection.Assembly Load(GeneratorRun run)
    {
        using var output = new MemoryStream();
        Assert.True(run.OutputCompilation.Emit(output).Success);
        var context = TestCompilation.NonCollectible("CrossAssemblyAccess");
        using (var library = new MemoryStream(LibraryImage(friend: true)))
        {
            context.LoadFromStream(library);
        }

        output.Position = 0;
        return context.LoadFromStream(output);
    }

    /// <summary>No error anywhere and no warning in generated code (users build with warnings as errors).</summary>
    private static void AssertCleanOutput(GeneratorRun run)
    {
        var generated = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
        var problems = run.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generated.Contains(tree)))
            .ToArray();
        Assert.True(problems.Length == 0, "Diagnostics:\n" + TestCompilation.Format(problems));
    }
}
