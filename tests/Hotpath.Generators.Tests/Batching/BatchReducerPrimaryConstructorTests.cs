using System.Globalization;
using Hotpath.Generators.Batching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Batching;

/// <summary>
/// The reducer makes each partial as <c>default</c> and sets only the [GroupKey], [Window] and aggregate members: no
/// constructor of the struct runs. So a primary-constructor parameter (captured, or read by an initializer) and an
/// instance member's initializer would be silently 0 or null in every partial it makes: HOT004 at the parameter and at
/// the initializer. A record struct's positional parameters become its properties, which the reducer sets: fine.
/// </summary>
public sealed class BatchReducerPrimaryConstructorTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = [new BatchReducerDiagnosticsAnalyzer()];

    private static readonly AnalyzerTestOptions s_options = new()
    {
        AdditionalSources = [BatchReducerGeneratorTests.Input],
    };

    [Fact]
    public async Task HOT004_at_each_primary_constructor_parameter_and_at_each_instance_initializer()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Captured(int {|HOT004:scale|}, string {|HOT004:unit|})
                {
                    [GroupKey] public string NodeId;
                    [Count] public long Samples;
                    public int Scaled() => (int)Samples * scale;
                    public string Unit = {|HOT004:unit|};
                }

                [BatchReducer(typeof(NodeMetric))]
                public partial struct Initialized()
                {
                    [GroupKey] public string NodeId;
                    [Min(nameof(NodeMetric.Cpu))] public double CpuMin = {|HOT004:double.MaxValue|};
                    public int Version { get; set; } = {|HOT004:2|};
                    public static int Shared = 3;
                    public const int Limit = 4;
                }

                [BatchReducer(typeof(NodeMetric))]
                public partial record struct Positional([property: GroupKey] string NodeId, [property: Count] long Samples, int {|HOT004:Scale|})
                {
                    public int Scale { get; set; } = {|HOT004:Scale|};
                }
            }
            """,
            s_analyzer,
            s_options);
    }

    [Fact]
    public async Task Quiet_on_positional_record_properties_an_empty_parameter_list_and_constructors_of_the_user()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial record struct Positional([property: GroupKey] string NodeId, [property: Count] long Samples);

                [BatchReducer(typeof(NodeMetric))]
                public partial struct Empty()
                {
                    [GroupKey] public string NodeId;
                    [Count] public long Samples;
                    public static readonly string Unit = "ms";
                }

                [BatchReducer(typeof(NodeMetric))]
                public partial struct Built
                {
                    public Built(string nodeId) { NodeId = nodeId; Samples = 0; }
                    [GroupKey] public string NodeId;
                    [Count] public long Samples;
                }
            }
            """,
            s_analyzer,
            s_options);
    }

    [Fact]
    public async Task Messages_say_why_the_value_would_be_lost_and_what_to_do()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct NodeMinute(int scale)
                {
                    [GroupKey] public string NodeId;
                    [Count] public long Samples;
                    public int Version = 2;
                    public long Scaled => Samples * scale;
                }
            }
            """,
            s_analyzer,
            s_options);

        Assert.Equal(
            [
                "Primary-constructor parameter 'scale' of 'NodeMinute': the reducer makes each partial as 'default' and sets only its [GroupKey], [Window] and aggregate members, without calling a constructor, so 'scale' would be 0 or null in every partial it makes; remove the parameter (a setting the reducer does not aggregate belongs outside the struct)",
                "Member 'Version' of 'NodeMinute': the reducer makes each partial as 'default' and sets only its [GroupKey], [Window] and aggregate members, without calling a constructor, so this initializer never runs and 'Version' would be 0 or null in every partial it makes; remove the initializer",
            ],
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(CultureInfo.InvariantCulture)));
        Assert.All(diagnostics, static d => Assert.Equal("HOT004", d.Id));
    }

    [Fact]
    public void The_generator_emits_nothing_for_such_a_struct_and_reports_it()
    {
        var run = GeneratorRunner.Run(new BatchReducerGenerator(), BatchReducerGeneratorTests.Input, """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct NodeMinute(int scale)
                {
                    [GroupKey] public string NodeId;
                    [Count] public long Samples;
                    public long Scaled => Samples * scale;
                }
            }
            """);

        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT004", Assert.Single(run.Result.Diagnostics).Id);
    }

    [Fact]
    public void A_positional_record_struct_reducer_sets_its_properties_and_runs()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), BatchReducerGeneratorTests.Input, """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial record struct NodeCpu([property: GroupKey] string NodeId, [property: Count] long Samples, [property: Max(nameof(NodeMetric.Cpu))] double CpuMax);

                public static class Probe
                {
                    public static string Run()
                    {
                        var reducer = new NodeCpu.Reducer();
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 2 });
                        reducer.Add(new NodeMetric { NodeId = "a", Cpu = 4 });
                        var partial = reducer.ToArray()[0];
                        return partial.ToString() + " " + NodeCpu.Combine(partial, new NodeCpu("a", 1, 7));
                    }
                }
            }
            """);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal(
            "NodeCpu { NodeId = a, Samples = 2, CpuMax = 4 } NodeCpu { NodeId = a, Samples = 3, CpuMax = 7 }",
            assembly.GetType("Metrics.Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public async Task HOT004_at_a_role_attribute_on_a_positional_parameter_without_the_property_target()
    {
        // [GroupKey] on a positional parameter goes to the parameter (CS0592), and the property the record makes of it
        // has no role: the reducer was generated without it (no group key, no max), silently.
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial record struct Positional([GroupKey] string NodeId, [property: Count] long Samples, [Max(nameof(NodeMetric.Cpu))] double CpuMax);
            }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [BatchReducerGeneratorTests.Input], AllowCompilerErrors = true });

        Assert.Equal(
            new[]
            {
                "Record parameter 'NodeId' of 'Positional': [GroupKey] on the record parameter 'NodeId' is on the parameter (CS0592: it is for fields and properties), not on the property the record makes of it; write [property: GroupKey]",
                "Record parameter 'CpuMax' of 'Positional': [Max(nameof(NodeMetric.Cpu))] on the record parameter 'CpuMax' is on the parameter (CS0592: it is for fields and properties), not on the property the record makes of it; write [property: Max(nameof(NodeMetric.Cpu))]",
            },
            diagnostics.Select(static d => d.GetMessage(CultureInfo.InvariantCulture)));
        Assert.All(diagnostics, static d => Assert.Equal("HOT004", d.Id));
    }
}
