using Hotpath.Generators.Batching;
using Hotpath.Generators.Compression;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// A <c>[field: …]</c> role is on a backing field, which another assembly does not import. For a cache key part
/// (HOT003) and a <c>[NoReset]</c> an override inherits (HOT006) that is a silently wrong result, so the declaring
/// assembly gets an error. These pin that the other generators have no such hazard: a <c>[Columnar]</c> encoding
/// another assembly cannot see leaves the column lossless (exact values, only a larger block), and a
/// <c>[BatchReducer]</c> reads roles only from its own struct, always in the compilation, naming the input's members,
/// which every assembly sees, so an input type from another assembly groups and aggregates as one of its own.
/// </summary>
public sealed class HiddenBackingFieldRolesAcrossAssembliesTests
{
    [Fact]
    public void A_Columnar_encoding_on_the_backing_field_of_a_base_in_another_assembly_leaves_the_column_exact()
    {
        const string Lib = """
            namespace Lib;
            public class MetaBase { [field: Hotpath.Quantize(1)] public double Level { get; set; } }
            """;
        const string App = """
            namespace App;
            [Hotpath.Columnar] public sealed partial class Row : Lib.MetaBase { public long Own; }
            public static class Probe
            {
                public static string Run()
                {
                    var back = Row.Codec.Decode(Row.Codec.Encode([new Row { Level = 1.23456789, Own = 7 }, new Row { Level = 2.75 }]));
                    return string.Join(",", back[0].Level.ToString("R", System.Globalization.CultureInfo.InvariantCulture), back[0].Own, back[1].Level.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            """;

        // In the same assembly the encoding is seen and the column is quantized, by design (1.2): across assemblies it is
        // not, and the values come back exactly as written, never as another value.
        Assert.Equal("1.2,7,2.8", RunProbe(new ColumnarGenerator(), null, Lib, App));
        Assert.Equal("1.23456789,7,2.75", RunProbe(new ColumnarGenerator(), Lib, App));
    }

    [Fact]
    public void A_BatchReducer_over_an_input_type_of_another_assembly_groups_and_aggregates_as_over_its_own()
    {
        // The input's auto-properties have backing fields the reducer's assembly does not import; the reducer's own roles
        // are on field: targets, which the generator reads in its own compilation.
        const string Lib = """
            namespace Lib;
            public sealed class Sample { public string NodeId { get; set; } = ""; public double Cpu { get; set; } public Sample(string node, double cpu) { NodeId = node; Cpu = cpu; } }
            """;
        const string App = """
            namespace App;
            [Hotpath.BatchReducer(typeof(Lib.Sample))]
            public partial struct Minute
            {
                [field: Hotpath.GroupKey] public string NodeId { get; set; }
                [field: Hotpath.Sum(nameof(Lib.Sample.Cpu))] public double CpuSum { get; set; }
                [Hotpath.Count] public long Samples;
            }
            public static class Probe
            {
                public static string Run()
                {
                    var reducer = new Minute.Reducer();
                    reducer.Add(new Lib.Sample("a", 1));
                    reducer.Add(new Lib.Sample("b", 2));
                    reducer.Add(new Lib.Sample("a", 3));
                    var parts = reducer.ToArray();
                    System.Array.Sort(parts, static (x, y) => string.CompareOrdinal(x.NodeId, y.NodeId));
                    return string.Join(",", System.Array.ConvertAll(parts, static p => p.NodeId + "=" + p.CpuSum + "/" + p.Samples));
                }
            }
            """;

        Assert.Equal("a=4/2,b=2/1", RunProbe(new BatchReducerGenerator(), Lib, App));
        Assert.Equal("a=4/2,b=2/1", RunProbe(new BatchReducerGenerator(), null, Lib, App));
    }

    /// <summary>
    /// Runs <paramref name="generator"/> on <paramref name="sources"/>, with <paramref name="lib"/> (when given) built
    /// apart as the compiler reads it from disk, and returns <c>App.Probe.Run()</c> of the two loaded together.
    /// </summary>
    private static string RunProbe(IIncrementalGenerator generator, string? lib, params string[] sources)
    {
        var references = new List<MetadataReference>();
        byte[]? libImage = null;
        if (lib is not null)
        {
            using var image = new MemoryStream();
            Assert.True(TestCompilation.Create([lib], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Lib").Emit(image).Success);
            libImage = image.ToArray();
            references.Add(MetadataReference.CreateFromImage(libImage));
        }

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(generator), TestCompilation.Create(sources, OutputKind.DynamicallyLinkedLibrary, references, "App"));
        Assert.Empty(run.Result.Diagnostics);
        TestCompilation.AssertNoErrors(run.OutputCompilation);

        using var output = new MemoryStream();
        Assert.True(run.OutputCompilation.Emit(output).Success);
        var context = TestCompilation.NonCollectible("HiddenBackingFieldRoles");
        if (libImage is not null)
        {
            using var library = new MemoryStream(libImage);
            context.LoadFromStream(library);
        }

        output.Position = 0;
        return (string)context.LoadFromStream(output).GetType("App.Probe")!.GetMethod("Run")!.Invoke(null, null)!;
    }
}
