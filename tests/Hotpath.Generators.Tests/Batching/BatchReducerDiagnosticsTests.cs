using Hotpath.Generators.Batching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Batching;

/// <summary>HOT004 (missing or incompatible input member) and HOT007 (window out of range) on [BatchReducer] structs.</summary>
public sealed class BatchReducerDiagnosticsTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = [new BatchReducerDiagnosticsAnalyzer()];

    private static readonly AnalyzerTestOptions s_options = new()
    {
        AdditionalSources = [BatchReducerGeneratorTests.Input],
    };

    private static Task Verify(string members) => AnalyzerVerifier.VerifyAsync(
        $$"""
        using Hotpath;
        namespace Metrics
        {
            [BatchReducer(typeof(NodeMetric))]
            public partial struct Agg
            {
        {{members}}
            }
        }
        """,
        s_analyzer,
        s_options);

    [Fact]
    public Task Quiet_on_the_DESIGN_example() =>
        AnalyzerVerifier.VerifyAsync(BatchReducerGeneratorTests.NodeMinute, s_analyzer, s_options);

    [Fact]
    public Task Quiet_on_widening_and_every_ordered_type() => Verify("""
        [GroupKey(nameof(NodeMetric.Zone))] public string? Zone;
        [Sum(nameof(NodeMetric.Restarts))] public long RestartsLong;
        [Sum(nameof(NodeMetric.Restarts))] public decimal RestartsDecimal;
        [Min(nameof(NodeMetric.Phase))] public PodPhase MinPhase;
        [Max(nameof(NodeMetric.Pod))] public System.Guid MaxPod;
        [Max(nameof(NodeMetric.NodeId))] public string MaxNode;
        [Mean(nameof(NodeMetric.Restarts))] public float RestartsMean;
        [First(nameof(NodeMetric.NodeId))] public object FirstNode;
        [Count] public int Rows { get; set; }
        """);

    [Fact]
    public Task Roles_on_an_auto_propertys_backing_field_are_checked_as_the_propertys() => Verify("""
        [field: GroupKey] public string NodeId { get; set; }
        [field: Window(60, nameof(NodeMetric.UnixMs))] public long Start { get; set; }
        [field: Count] public long Samples { get; set; }
        [field: {|HOT004:Sum("Missing")|}] public double Keyworded { get => field; set => field = value; }
        [field: {|HOT004:Sum("CpuTotal")|}] public double CpuSum { get; set; }
        [field: {|HOT004:Mean(nameof(NodeMetric.Cpu))|}] public long CpuMean { get; set; }
        [{|HOT004:Min(nameof(NodeMetric.Cpu))|}] [field: Max(nameof(NodeMetric.Cpu))] public double Both { get; set; }
        [field: {|HOT004:Last(nameof(NodeMetric.Cpu))|}] public event System.Action? Changed;
        [field: System.NonSerialized] public event System.Action? Unrelated;
        """);

    [Fact]
    public Task A_role_on_a_static_member_is_HOT004() => Verify("""
        [GroupKey] public string NodeId;
        [{|HOT004:GroupKey(nameof(NodeMetric.Zone))|}] public static string Zone;
        [{|HOT004:Sum(nameof(NodeMetric.Cpu))|}] public static double CpuTotal { get; set; }
        [field: {|HOT004:Count|}] public static long Rows { get; set; }
        public static int Unmarked;
        """);

    [Fact]
    public Task A_role_on_an_indexer_an_explicit_interface_implementation_or_a_set_only_property_is_HOT004() => AnalyzerVerifier.VerifyAsync(
        // The reducer sets a member by its name, and reads it back to combine partials: an indexer and an explicit
        // implementation have no name it can write ('this[]', 'IHasTotal.Total'), a set-only property cannot be read, and
        // the generated code did not compile (CS1001, CS0443, CS0154) instead of a HOT004 at the attribute.
        """
        using Hotpath;
        namespace Metrics
        {
            public interface IHasTotal { double Total { get; set; } }

            [BatchReducer(typeof(NodeMetric))]
            public partial struct Agg : IHasTotal
            {
                [GroupKey] public string NodeId;
                [{|HOT004:Sum(nameof(NodeMetric.Cpu))|}] double IHasTotal.Total { get; set; }
                [{|HOT004:Max(nameof(NodeMetric.Cpu))|}] public double this[int i] { get => 0; set { } }
                [{|HOT004:Min(nameof(NodeMetric.Cpu))|}] public double WriteOnly { set { } }
            }
        }
        """,
        s_analyzer,
        s_options);

    [Fact]
    public Task An_interface_input_finds_a_base_interfaces_member_unless_two_unrelated_ones_declare_it() => AnalyzerVerifier.VerifyAsync(
        """
        using Hotpath;
        namespace Metrics
        {
            public interface IHasCpu { double Cpu { get; } }
            public interface IHasLoad { double Cpu { get; } }
            public interface IPrecise : IHasCpu { new decimal Cpu { get; } }
            public interface IMetric : IHasCpu { string Node { get; } }
            public interface IBoth : IHasCpu, IHasLoad { }
            public interface IFine : IPrecise, IHasCpu { }

            [BatchReducer(typeof(IMetric))]
            public partial struct Inherited { [GroupKey] public string Node; [Sum(nameof(IHasCpu.Cpu))] public double CpuSum; }

            [BatchReducer(typeof(IBoth))]
            public partial struct Ambiguous { [{|HOT004:Sum(nameof(IHasCpu.Cpu))|}] public double CpuSum; }

            [BatchReducer(typeof(IFine))]
            public partial struct Hidden { [Sum(nameof(IPrecise.Cpu))] public decimal CpuSum; [{|HOT004:Mean(nameof(IPrecise.Cpu))|}] public double CpuMean; }
        }
        """,
        s_analyzer,
        s_options);

    [Fact]
    public Task Missing_input_member() => Verify("""
        [{|HOT004:Sum("CpuTotal")|}] public double CpuSum;
        [{|HOT004:GroupKey|}] public string Node;
        [{|HOT004:Window(60, "Timestamp")|}] public long Start;
        """);

    [Fact]
    public Task Wrong_type_for_the_aggregate() => Verify("""
        [{|HOT004:Sum(nameof(NodeMetric.NodeId))|}] public double NodeSum;
        [{|HOT004:Sum(nameof(NodeMetric.Cpu))|}] public long CpuSum;
        [{|HOT004:Mean(nameof(NodeMetric.Phase))|}] public double PhaseMean;
        [{|HOT004:Mean(nameof(NodeMetric.Cpu))|}] public long CpuMean;
        [{|HOT004:Count|}] public double Rows;
        [{|HOT004:Min(nameof(NodeMetric.Cpu))|}] public int CpuMin;
        [{|HOT004:Last(nameof(NodeMetric.NodeId))|}] public int LastNode;
        """);

    [Fact]
    public Task Window_needs_an_integer_source_and_a_long_member() => Verify("""
        [{|HOT004:Window(60, nameof(NodeMetric.Cpu))|}] public long Start;
        """);

    [Fact]
    public Task Window_member_must_be_long() => Verify("""
        [{|HOT004:Window(60, nameof(NodeMetric.UnixMs))|}] public int Start;
        """);

    [Fact]
    public Task Only_one_window() => Verify("""
        [Window(60, nameof(NodeMetric.UnixMs))] public long Start;
        [{|HOT004:Window(300, nameof(NodeMetric.UnixMs))|}] public long Start5;
        """);

    [Fact]
    public Task Members_must_be_writable_and_carry_one_role() => Verify("""
        [{|HOT004:Count|}] public readonly long Rows;
        [{|HOT004:Sum(nameof(NodeMetric.Cpu))|}] public double Cpu { get; }
        [{|HOT004:Min(nameof(NodeMetric.Cpu))|}, Max(nameof(NodeMetric.Cpu))] public double CpuRange;
        """);

    [Fact]
    public Task Min_of_an_unordered_type() => Verify("""
        [{|HOT004:Min(nameof(NodeMetric.NodeId))|}] public object MinNode;
        """);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public Task Window_of_zero_or_fewer_seconds_is_HOT007(string seconds) => Verify($$"""
        [GroupKey] public string NodeId;
        [Window({|HOT007:{{seconds}}|}, nameof(NodeMetric.UnixMs))] public long Start;
        """);

    [Fact]
    public async Task Messages_name_the_member_the_input_and_the_reason()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Agg
                {
                    [Sum(nameof(NodeMetric.NodeId))] public double NodeSum;
                    [Window(0, nameof(NodeMetric.UnixMs))] public long Start;
                }
            }
            """,
            s_analyzer,
            s_options);

        var hot004 = Assert.Single(diagnostics, static d => d.Id == "HOT004");
        Assert.Equal(
            "Member 'NodeSum' of 'Agg': [Sum] of 'NodeId' (string) into 'double' needs a numeric source that widens implicitly to the numeric member type",
            hot004.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("docs/rules/HOT004.md", hot004.Descriptor.HelpLinkUri);
        Assert.Equal(DiagnosticSeverity.Error, hot004.Severity);

        var hot007 = Assert.Single(diagnostics, static d => d.Id == "HOT007");
        Assert.Equal(
            "[Window] argument 'seconds' is 0: a window must be at least 1 second long",
            hot007.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_role_on_an_events_field_says_the_reducer_never_sets_an_event()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Agg
                {
                    [GroupKey] public string NodeId;
                    [field: Last(nameof(NodeMetric.Cpu))] public event System.Action? Changed;
                }
            }
            """,
            s_analyzer,
            s_options);

        Assert.Equal(
            "Event 'Changed' of 'Agg': [Last] is on the field of an event, which the reducer never sets (it sets fields and properties, and an event holds handlers, not an aggregate); put it on a field or a property with a setter",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Open_generic_input_is_HOT004()
    {
        const string Source = """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer({|HOT004:typeof(System.Collections.Generic.List<>)|})]
                public partial struct Agg
                {
                    [Count] public long Rows;
                }
            }
            """;
        await AnalyzerVerifier.VerifyAsync(Source, s_analyzer, s_options);

        var plain = Source.Replace("{|HOT004:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(plain, s_analyzer, s_options);
        Assert.Equal(
            "[BatchReducer] of 'Agg': the input type 'List<>' is an open generic type, which has no rows to add; name a constructed type such as 'List<int>'",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.Run(new BatchReducerGenerator(), BatchReducerGeneratorTests.Input, plain);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT004", Assert.Single(run.Result.Diagnostics).Id);
    }

    [Fact]
    public async Task Pragma_suppresses_HOT004()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Agg
                {
            #pragma warning disable HOT004
                    [Sum("Nope")] public double Nope;
            #pragma warning restore HOT004
                }
            }
            """,
            s_analyzer,
            s_options);
        Assert.DoesNotContain(diagnostics, static d => d.Id == "HOT004" && !d.IsSuppressed);
    }
}
