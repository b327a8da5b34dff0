using Hotpath.Generators.Batching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Batching;

/// <summary>
/// An input type less accessible than the aggregate struct: the nested Reducer takes the accessibility that fits
/// (never CS0051/CS0061 in generated code); an input the Reducer could not expose consistently is HOT004.
/// </summary>
public sealed class BatchReducerAccessibilityTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = [new BatchReducerDiagnosticsAnalyzer()];

    [Fact]
    public void Internal_input_on_a_public_struct_gets_an_internal_Reducer_and_runs()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), """
            using Hotpath;

            internal struct Metric { public string Node; public double Cpu; }

            [BatchReducer(typeof(Metric))]
            public partial struct Minute
            {
                [GroupKey] public string Node;
                [Sum(nameof(Metric.Cpu))] public double Cpu;
            }

            public static class Program
            {
                public static string Run()
                {
                    var reducer = new Minute.Reducer();
                    reducer.Add(new Metric { Node = "a", Cpu = 1 });
                    reducer.Add(new Metric { Node = "a", Cpu = 2 });
                    reducer.Add(new Metric { Node = "b", Cpu = 4 });
                    var parts = reducer.ToArray();
                    System.Array.Sort(parts, static (x, y) => string.CompareOrdinal(x.Node, y.Node));
                    return parts.Length + " " + parts[0].Cpu + " " + parts[1].Cpu + " " + Minute.Combine(parts[0], parts[0]).Cpu;
                }
            }
            """);

        Assert.Contains("internal sealed class Reducer : global::Hotpath.Batching.IBatchReducer<global::Metric, global::Minute>", run.Source("Minute.BatchReducer.g.cs"), StringComparison.Ordinal);
        Assert.Contains("public static global::Minute Combine(", run.Source("Minute.BatchReducer.g.cs"), StringComparison.Ordinal);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("2 3 4 6", assembly.GetType("Program")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void Private_input_with_an_aggregate_private_in_the_same_type_keeps_a_public_Reducer()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), """
            using Hotpath;

            public partial class Outer
            {
                private struct Metric { public string Node; public double Cpu; }

                [BatchReducer(typeof(Metric))]
                private partial struct Minute
                {
                    [GroupKey] public string Node;
                    [Max(nameof(Metric.Cpu))] public double Cpu;
                }

                internal static int Groups()
                {
                    var reducer = new Minute.Reducer();
                    reducer.Add(new Metric { Node = "a", Cpu = 1 });
                    return reducer.Count;
                }
            }
            """);

        Assert.Contains("public sealed class Reducer", run.Source("Minute.BatchReducer.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_struct_with_an_input_private_in_its_containing_type_is_HOT004()
    {
        const string Source = """
            using Hotpath;

            public partial class Outer
            {
                private struct Metric { public string Node; }

                [BatchReducer({|HOT004:typeof(Metric)|})]
                public partial struct Minute
                {
                    [GroupKey] public string Node;
                    [Count] public long Rows;
                }
            }
            """;

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(Source.Replace("{|HOT004:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal), s_analyzer);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "[BatchReducer] of 'Minute': the generated 'Minute.Reducer' adds 'Outer.Metric' rows and can be used wherever 'Minute' can, but 'Metric' is private in 'Outer'; make 'Metric' internal or public, or make 'Minute' private",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        await AnalyzerVerifier.VerifyAsync(Source, s_analyzer);
        Assert.Empty(GeneratorRunner.Run(new BatchReducerGenerator(), Source.Replace("{|HOT004:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal)).GeneratedSources);
    }
}
