using Hotpath.Generators.Batching;
using Hotpath.Generators.Shared;
using Hotpath.TestSources;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Tests.Batching;

public sealed class BatchReducerGeneratorTests
{
    internal const string Input = DesignExampleSources.BatchReducerInput;

    internal const string NodeMinute = DesignExampleSources.BatchReducerNodeMinute;

    private const string CompositeNoWindow = """
        using Hotpath;

        namespace Metrics
        {
            public static partial class Reports
            {
                [BatchReducer(typeof(NodeMetric))]
                internal partial struct ZonePods
                {
                    [GroupKey(nameof(NodeMetric.Zone))] public string Zone;
                    [GroupKey] public System.Guid Pod;
                    [Count] public int Rows;
                    [Sum(nameof(NodeMetric.Restarts))] public long Restarts;
                    [Max(nameof(NodeMetric.Phase))] public PodPhase Worst;
                    [Min(nameof(NodeMetric.NodeId))] public string FirstNode { get; set; }
                    [First(nameof(NodeMetric.Cpu))] public double FirstCpu;
                    [Last(nameof(NodeMetric.Cpu))] public double LastCpu;
                    [Mean(nameof(NodeMetric.Restarts))] public decimal RestartsMean;
                    public int NotAggregated;
                }
            }
        }
        """;

    [Fact]
    public void Generates_the_DESIGN_example()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, NodeMinute);
        AssertNoWarnings(run);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Generates_composite_keys_without_a_window_in_a_nested_type()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, CompositeNoWindow);
        AssertNoWarnings(run);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Generated_reducer_runs_in_a_compiled_assembly()
    {
        const string Program = """
            namespace Metrics
            {
                public static class Probe
                {
                    public static string Run()
                    {
                        var reducer = new NodeMinute.Reducer();
                        reducer.Add(new NodeMetric { NodeId = "a", UnixMs = -1, Cpu = 2, Memory = 1, Phase = PodPhase.Running });
                        reducer.Add(new NodeMetric { NodeId = "a", UnixMs = -2, Cpu = 4, Memory = 2, Phase = PodPhase.Failed });
                        reducer.Add(new NodeMetric { NodeId = "a", UnixMs = 0, Cpu = 8, Memory = 3 });
                        var parts = reducer.ToArray();
                        System.Array.Sort(parts, (x, y) => x.WindowStartMs.CompareTo(y.WindowStartMs));
                        var p = parts[0];
                        return string.Join(",", parts.Length, p.WindowStartMs, p.Samples, p.CpuSum, p.CpuMin, p.CpuMax, p.MemoryMean, p.Phase);
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, NodeMinute, Program);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        var result = (string)assembly.GetType("Metrics.Probe")!.GetMethod("Run")!.Invoke(null, null)!;
        Assert.Equal(FormattableString.Invariant($"2,-60000,2,6,2,4,{1.5},Running"), result);
    }

    [Fact]
    public void A_record_struct_reducer_reduces_and_its_equality_includes_the_hidden_state()
    {
        const string Program = """
            using Hotpath;

            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial record struct NodeCpu
                {
                    [GroupKey] public string NodeId;
                    [Count] public long Samples;
                    [Sum(nameof(NodeMetric.Cpu))] public double CpuSum;
                    [Mean(nameof(NodeMetric.Cpu))] public double CpuMean;
                }

                public static class RecordProbe
                {
                    public static string Run()
                    {
                        var reducer = new NodeCpu.Reducer();
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 2 });
                        reducer.Add(new NodeMetric { NodeId = "b", Cpu = 5 });
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 4 });
                        var parts = reducer.ToArray();
                        System.Array.Sort(parts, (x, y) => string.CompareOrdinal(x.NodeId, y.NodeId));
                        var a = parts[0];
                        var merged = NodeCpu.Combine(in a, in parts[0]);

                        // Same visible values, different hidden mean state (one row of 3 against two rows of 2 and 4):
                        // the compiler-made equality compares the hidden sum and count too.
                        var one = new NodeCpu.Reducer();
                        one.Add(new NodeMetric { NodeId = "a", Cpu = 3 });
                        var single = one.ToArray()[0];
                        var shown = single with { Samples = a.Samples, CpuSum = a.CpuSum };
                        return string.Join(",", parts.Length, a.NodeId, a.Samples, a.CpuSum, a.CpuMean, parts[1].CpuMean, merged.Samples, merged.CpuMean,
                            a == parts[0], shown.CpuMean == a.CpuMean, shown == a);
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, Program);
        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        var result = (string)assembly.GetType("Metrics.RecordProbe")!.GetMethod("Run")!.Invoke(null, null)!;
        Assert.Equal("2,a,2,6,3,5,4,3,True,True,False", result);
    }

    [Fact]
    public void A_group_key_on_an_auto_propertys_backing_field_groups_the_rows()
    {
        // [field: GroupKey] went to the backing field, which the parser skipped as compiler-generated: the rows of every
        // node were reduced into one partial, with no key and no error.
        const string Program = """
            using Hotpath;

            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct NodeCount
                {
                    [field: GroupKey] public string NodeId { get; set; }
                    [field: Sum(nameof(NodeMetric.Cpu))] public double CpuSum { get; set; }

                    public static string Probe()
                    {
                        var reducer = new Reducer();
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 2 });
                        reducer.Add(new NodeMetric { NodeId = "b", Cpu = 5 });
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 4 });
                        var parts = reducer.ToArray();
                        System.Array.Sort(parts, (x, y) => string.CompareOrdinal(x.NodeId, y.NodeId));
                        return string.Join(",", parts.Length, parts[0].NodeId, parts[0].CpuSum, parts[1].NodeId, parts[1].CpuSum);
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, Program);
        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("2,a,6,b,5", assembly.GetType("Metrics.NodeCount")!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void An_interface_input_reads_members_it_inherits_from_its_base_interfaces()
    {
        // The input's members were looked up along BaseType only, which an interface does not have: a member of a base
        // interface was HOT004 ("has no accessible instance field or readable property"), though row.Cpu compiles.
        const string Program = """
            using Hotpath;

            namespace Metrics
            {
                public interface IHasCpu { double Cpu { get; } }
                public interface IHasNode { string Node { get; } }
                public interface IMetric : IHasCpu, IHasNode { }
                public sealed class Metric(string node, double cpu) : IMetric { public string Node => node; public double Cpu => cpu; }

                [BatchReducer(typeof(IMetric))]
                public partial struct NodeCpu
                {
                    [GroupKey] public string Node;
                    [Sum(nameof(IHasCpu.Cpu))] public double CpuSum;

                    public static string Probe()
                    {
                        var reducer = new Reducer();
                        reducer.Add(new Metric("a", 2));
                        reducer.Add(new Metric("a", 3));
                        var partial = reducer.ToArray()[0];
                        return partial.Node + "," + partial.CpuSum;
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Program);
        AssertNoWarnings(run);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("a,5", assembly.GetType("Metrics.NodeCpu")!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void Invalid_struct_gets_no_generated_code_and_the_generator_does_not_throw()
    {
        const string Bad = """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Broken
                {
                    [GroupKey] public string NodeId;
                    [Sum(nameof(NodeMetric.Zone))] public double ZoneSum;
                }

                [BatchReducer(typeof(NodeMetric))]
                public struct NotPartial
                {
                    [Count] public long Rows;
                }
            }
            """;
        var run = GeneratorRunner.Run(new BatchReducerGenerator(), Input, Bad);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal(["HOT001", "HOT004"], run.Result.Diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal).ToArray()); // run on its own, the generator says why
    }

    [Fact]
    public void Unrelated_edit_keeps_every_step_cached()
    {
        var (_, second) = IncrementalAssert.RunTwice(new BatchReducerGenerator(), [Input, NodeMinute], CompilationEdits.AddUnrelatedFile);
        IncrementalAssert.CachedOrUnchanged(second, TrackingNames.BatchReducerModels, TrackingNames.BatchReducerValidModels);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
    }

    [Fact]
    public void Changing_the_window_is_a_modification()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new BatchReducerGenerator(),
            [Input, NodeMinute],
            c => CompilationEdits.ReplaceSource(c, 1, NodeMinute.Replace("[Window(60,", "[Window(300,")));
        IncrementalAssert.HasReason(second, TrackingNames.BatchReducerModels, IncrementalStepRunReason.Modified);
        Assert.Contains("300000L", second.Source("NodeMinute.BatchReducer.g.cs"));
    }

    [Fact]
    public void A_new_reducer_is_new()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new BatchReducerGenerator(),
            [Input, NodeMinute],
            c => CompilationEdits.AddSource(c, "namespace Metrics { [Hotpath.BatchReducer(typeof(NodeMetric))] public partial struct Total { [Hotpath.Count] public long Rows; } }"));
        IncrementalAssert.HasReason(second, TrackingNames.BatchReducerModels, IncrementalStepRunReason.New);
        IncrementalAssert.HasReason(second, TrackingNames.BatchReducerModels, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Models_hold_no_Roslyn_objects()
    {
        var run = GeneratorRunner.Run(new BatchReducerGenerator(), Input, NodeMinute, CompositeNoWindow);
        IncrementalAssert.ModelsArePure(run, TrackingNames.BatchReducerModels, TrackingNames.BatchReducerValidModels);
    }

    [Fact]
    public void Generic_struct_and_user_StructLayout_compile_without_warnings()
    {
        const string Source = """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Tagged<TTag>
                {
                    [GroupKey] public string NodeId;
                    [Mean(nameof(NodeMetric.Cpu))] public float CpuMean;
                }

                [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
                [BatchReducer(typeof(NodeMetric))]
                public partial struct WithLayout
                {
                    [Mean(nameof(NodeMetric.Cpu))] public double CpuMean;
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, Source);
        AssertNoWarnings(run);
        Assert.Equal(2, run.GeneratedSources.Length);
        Assert.Contains(run.GeneratedSources, static s => s.HintName == "Metrics.Tagged`1.BatchReducer.g.cs");
    }

    private static void AssertNoWarnings(GeneratorRun run)
    {
        // Warnings as errors in user builds: generated code must not cause CS0282 (partial struct field order) or others.
        var warnings = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings));
    }
}
