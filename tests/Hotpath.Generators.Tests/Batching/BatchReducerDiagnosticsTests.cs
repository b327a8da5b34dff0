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
    public async Task HOT004_for_a_member_two_unrelated_base_interfaces_declare_names_both_and_says_what_to_do()
    {
        // It said "'IBoth' has no accessible instance field or readable property of that name", which it has, twice.
        // A diamond whose sides both hide the top's member ('new') is as ambiguous; one whose sides only inherit it is not.
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                public interface IHasCpu { double Cpu { get; } }
                public interface IHasLoad { double Cpu { get; } }
                public interface IBoth : IHasCpu, IHasLoad { }
                public interface ILeft : IHasCpu { new double Cpu { get; } }
                public interface IRight : IHasCpu { new double Cpu { get; } }
                public interface IDiamond : ILeft, IRight { }
                public interface IPlainLeft : IHasCpu { }
                public interface IPlainRight : IHasCpu { }
                public interface IPlainDiamond : IPlainLeft, IPlainRight { }
                public interface IJoined : IHasCpu, IHasLoad { new double Cpu { get; } }
                public interface IJoinedRow : IHasLoad, IHasCpu, IJoined { }

                [BatchReducer(typeof(IBoth))]
                public partial struct Ambiguous { [Sum(nameof(IHasCpu.Cpu))] public double CpuSum; }

                [BatchReducer(typeof(IDiamond))]
                public partial struct Diamond { [Max(nameof(ILeft.Cpu))] public double CpuMax; }

                [BatchReducer(typeof(IPlainDiamond))]
                public partial struct PlainDiamond { [Max(nameof(IHasCpu.Cpu))] public double CpuMax; }

                [BatchReducer(typeof(IJoinedRow))]
                public partial struct Joined { [Min(nameof(IJoined.Cpu))] public double CpuMin; }
            }
            """,
            s_analyzer,
            s_options);

        Assert.Equal(
            new[]
            {
                "Member 'CpuSum' of 'Ambiguous': [Sum] reads 'Cpu', which the input type 'IBoth' inherits from two interfaces that declare it, 'IHasCpu' and 'IHasLoad', so 'row.Cpu' would be ambiguous (CS0229); " +
                "declare it on 'IBoth' ('new double Cpu { get; }', implemented by the rows), or give the two different names",
                "Member 'CpuMax' of 'Diamond': [Max] reads 'Cpu', which the input type 'IDiamond' inherits from two interfaces that declare it, 'ILeft' and 'IRight', so 'row.Cpu' would be ambiguous (CS0229); " +
                "declare it on 'IDiamond' ('new double Cpu { get; }', implemented by the rows), or give the two different names",
            },
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

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
            "Member 'NodeSum' of 'Agg': [Sum] reads 'NodeId' of type 'string', which is not a number",
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

    [Theory]
    [InlineData("RefIn", "the input type 'RefIn' is a ref struct, and the generated 'Agg.Reducer' implements IBatchReducer<RefIn, Agg> and takes rows as ReadOnlySpan<RefIn>: a ref struct cannot be a type argument; use a plain struct")]
    [InlineData("System.Span<int>", "the input type 'Span<int>' is a ref struct, and the generated 'Agg.Reducer' implements IBatchReducer<Span<int>, Agg> and takes rows as ReadOnlySpan<Span<int>>: a ref struct cannot be a type argument; use a plain struct")]
    [InlineData("System.TypedReference", "the input type 'TypedReference' is a ref struct, and the generated 'Agg.Reducer' implements IBatchReducer<TypedReference, Agg> and takes rows as ReadOnlySpan<TypedReference>: a ref struct cannot be a type argument; use a plain struct")]
    [InlineData("int*", "the input type 'int*' is a pointer type, which cannot be a type argument of the generated 'Agg.Reducer' (IBatchReducer<TIn, Agg>); use a struct that holds the pointer, or an 'nint'")]
    [InlineData("delegate*<void>", "the input type 'delegate*<void>' is a function pointer type, which cannot be a type argument of the generated 'Agg.Reducer' (IBatchReducer<TIn, Agg>); use a struct that holds the pointer, or an 'nint'")]
    [InlineData("int*[]", "the input type 'int*[]' is an array of pointers, which cannot be a type argument of the generated 'Agg.Reducer' (IBatchReducer<TIn, Agg>); use a struct that holds the pointer, or an 'nint'")]
    [InlineData("void", "the input type 'void' has no values, so there are no rows to add; name the row type")]
    [InlineData("Statics", "the input type 'Statics' is a static class, which has no instances to add and cannot be a type argument of the generated 'Agg.Reducer' (IBatchReducer<TIn, Agg>); name the row type")]
    public async Task Input_types_that_cannot_be_a_type_argument_are_HOT004(string input, string reason)
    {
        var source = $$"""
            using Hotpath;
            namespace Metrics
            {
                public ref struct RefIn { public long T; }
                public static class Statics { public static long T; }

                [BatchReducer({|HOT004:typeof({{input}})|})]
                public partial struct Agg
                {
                    [Count] public long Rows;
                    [Max(nameof(RefIn.T))] public long T;
                }
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, s_analyzer, s_options);

        var plain = source.Replace("{|HOT004:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(plain, s_analyzer, s_options);
        Assert.Equal("[BatchReducer] of 'Agg': " + reason, Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        // No generated code, so no compiler error inside it: the user's build shows the HOT004 and nothing else.
        var run = GeneratorRunner.Run(new BatchReducerGenerator(), BatchReducerGeneratorTests.Input, plain);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT004", Assert.Single(run.Result.Diagnostics).Id);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Theory]
    [InlineData("T", "CS0416", "the input type 'T' is a type parameter of 'Outer<T>', which an attribute argument cannot use (CS0416); name a concrete row type")]
    [InlineData("System.Collections.Generic.List<T>", "CS0416", "the input type 'List<T>' uses the type parameter 'T' of 'Outer<T>', which an attribute argument cannot use (CS0416); name a concrete row type")]
    [InlineData("T[]", "CS0416", "the input type 'T[]' uses the type parameter 'T' of 'Outer<T>', which an attribute argument cannot use (CS0416); name a concrete row type")]
    [InlineData("dynamic", "CS1962", "the input type 'dynamic' cannot be named by typeof (CS1962) nor implemented in IBatchReducer<dynamic, Agg>; use 'object', or name the row type")]
    public async Task Input_types_the_compiler_rejects_are_HOT004_and_get_no_code(string input, string compilerError, string reason)
    {
        var source = $$"""
            using Hotpath;
            namespace Metrics
            {
                public partial class Outer<T>
                {
                    [BatchReducer({|HOT004:typeof({{input}})|})]
                    public partial struct Agg
                    {
                        [Count] public long Rows;
                    }
                }
            }
            """;
        var options = s_options with { AllowCompilerErrors = true };
        await AnalyzerVerifier.VerifyAsync(source, s_analyzer, options);

        var plain = source.Replace("{|HOT004:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(plain, s_analyzer, options);
        Assert.Equal("[BatchReducer] of 'Agg': " + reason, Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.Run(new BatchReducerGenerator(), BatchReducerGeneratorTests.Input, plain);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT004", Assert.Single(run.Result.Diagnostics).Id);
        Assert.Equal([compilerError], run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id).ToArray()); // the user's own, none from generated code
    }

    [Fact]
    public async Task A_ref_struct_reducer_is_HOT001_and_gets_no_code()
    {
        const string Source = """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public ref partial struct {|HOT001:Agg|}
                {
                    [Count] public long Rows;
                }
            }
            """;
        await AnalyzerVerifier.VerifyAsync(Source, s_analyzer, s_options);

        var plain = Source.Replace("{|HOT001:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(plain, s_analyzer, s_options);
        Assert.Equal(
            "'Agg' is marked [BatchReducer] but it is a ref struct, and the generated 'Agg.Reducer' keeps its partials in an 'Agg[]' and implements IBatchReducer<NodeMetric, Agg>: a ref struct can be neither an array element nor a type argument; remove 'ref'",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.Run(new BatchReducerGenerator(), BatchReducerGeneratorTests.Input, plain);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT001", Assert.Single(run.Result.Diagnostics).Id);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public async Task Pointer_members_are_HOT004()
    {
        const string Source = """
            using Hotpath;
            namespace Metrics
            {
                public unsafe struct Raw { public int* P; public long T; }

                [BatchReducer(typeof(Raw))]
                public unsafe partial struct Agg
                {
                    [Count] public long Rows;
                    [{|HOT004:First(nameof(Raw.P))|}] public int* P;
                }
            }
            """;
        await AnalyzerVerifier.VerifyAsync(Source, s_analyzer, s_options);

        var plain = Source.Replace("{|HOT004:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(plain, s_analyzer, s_options);
        Assert.Equal(
            "Member 'P' of 'Agg': its type 'int*' is a pointer type, which the generated code (outside an unsafe context, comparing and hashing members through generic helpers) cannot use; declare it 'nint'",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.Run(new BatchReducerGenerator(), BatchReducerGeneratorTests.Input, plain);
        Assert.Empty(run.GeneratedSources);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    private const string WideInput = """
        namespace Metrics
        {
            public record struct Quote(string Symbol, long Size, int Lots, System.Half H, System.Int128 Big, System.UInt128 Huge, double Px, decimal Notional, PodPhase Phase);
        }
        """;

    private static readonly AnalyzerTestOptions s_wideOptions = s_options with { AdditionalSources = [BatchReducerGeneratorTests.Input, WideInput] };

    [Fact]
    public async Task Quiet_on_Int128_UInt128_and_Half_members_and_sources()
    {
        await AnalyzerVerifier.VerifyAsync(WideReducer, s_analyzer, s_wideOptions);
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), BatchReducerGeneratorTests.Input, WideInput, WideReducer); // and the code compiles
        Assert.Single(run.GeneratedSources);
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private const string WideReducer = """
        using System;
        using Hotpath;
        namespace Metrics
        {
            [BatchReducer(typeof(Quote))]
            public partial struct Q
            {
                [GroupKey(nameof(Quote.Big))] public Int128 Key;
                [Count] public Int128 Rows;
                [Count] public UInt128 URows;
                [Sum(nameof(Quote.Size))] public Int128 A;
                [Sum(nameof(Quote.Big))] public Int128 B;
                [Sum(nameof(Quote.Huge))] public UInt128 C;
                [Sum(nameof(Quote.Lots))] public Int128 D;
                [Min(nameof(Quote.Big))] public Int128 BigMin;
                [Max(nameof(Quote.Size))] public Int128 SizeMax;
                [Mean(nameof(Quote.Big))] public double BigMean;
                [Mean(nameof(Quote.Huge))] public decimal HugeMean;
                [Sum(nameof(Quote.H))] public double HSum;
                [Sum(nameof(Quote.H))] public float HSumF;
                [Mean(nameof(Quote.H))] public double M;
                [Mean(nameof(Quote.H))] public float MF;
                [Min(nameof(Quote.H))] public Half HMin;
                [Max(nameof(Quote.H))] public Half HMax;
                [Min(nameof(Quote.H))] public float HMinF;
                [Max(nameof(Quote.H))] public double HMaxD;
                [Last(nameof(Quote.H))] public double HLast;
                [First(nameof(Quote.Size))] public Int128 FirstSize;
            }
        }
        """;

    [Theory]
    [InlineData("[Sum(nameof(Quote.Symbol))] public double X;", "[Sum] reads 'Symbol' of type 'string', which is not a number")]
    [InlineData("[Sum(nameof(Quote.Size))] public string X;", "[Sum] needs a numeric member (an integer type, 'float', 'double' or 'decimal'), not 'string'")]
    [InlineData("[Sum(nameof(Quote.Px))] public long X;", "[Sum] reads 'Px' of type 'double', which does not widen implicitly to 'long' (the sum is added in the member's type); declare the member 'double'")]
    [InlineData("[Sum(nameof(Quote.Big))] public double X;", "[Sum] reads 'Big' of type 'Int128', which does not widen implicitly to 'double' (the sum is added in the member's type); declare the member 'Int128'")]
    [InlineData("[Sum(nameof(Quote.Size))] public UInt128 X;", "[Sum] reads 'Size' of type 'long', which does not widen implicitly to 'UInt128' (the sum is added in the member's type); declare the member 'long' or 'Int128'")]
    [InlineData("[Sum(nameof(Quote.H))] public Half X;", "[Sum] into a 'Half' member would round at every row (11 significant bits); declare the member 'float' or 'double', which a 'Half' converts to exactly")]
    [InlineData("[Sum(nameof(Quote.H))] public decimal X;", "[Sum] reads 'H' of type 'Half', which does not widen implicitly to 'decimal' (the sum is added in the member's type); declare the member 'float' or 'double'")]
    [InlineData("[Mean(nameof(Quote.H))] public Half X;", "[Mean] needs a 'double', 'float' or 'decimal' member, not 'Half'")]
    [InlineData("[Mean(nameof(Quote.Size))] public long X;", "[Mean] needs a 'double', 'float' or 'decimal' member, not 'long'")]
    [InlineData("[Mean(nameof(Quote.Phase))] public double X;", "[Mean] reads 'Phase' of type 'PodPhase', which is not a number")]
    [InlineData("[Mean(nameof(Quote.Notional))] public double X;", "[Mean] of 'Notional' (decimal) needs a 'decimal' member: its running sum is kept in the member's kind of number, and a 'double' would round a 'decimal'; declare the member 'decimal'")]
    [InlineData("[Mean(nameof(Quote.Px))] public decimal X;", "[Mean] of 'Px' (double) into a 'decimal' member: a 'decimal' mean keeps a 'decimal' running sum, which takes integer and 'decimal' sources only; declare the member 'double' or 'float'")]
    [InlineData("[Mean(nameof(Quote.H))] public decimal X;", "[Mean] of 'H' (Half) into a 'decimal' member: a 'decimal' mean keeps a 'decimal' running sum, which takes integer and 'decimal' sources only; declare the member 'double' or 'float'")]
    [InlineData("[Window(60, nameof(Quote.Big))] public long X;", "[Window] reads 'Big' of type 'Int128', but a window needs a timestamp of a built-in integer type up to 64 bits ('long' Unix milliseconds)")]
    [InlineData("[Window(60, nameof(Quote.Px))] public long X;", "[Window] reads 'Px' of type 'double', but a window needs a timestamp of a built-in integer type up to 64 bits ('long' Unix milliseconds)")]
    [InlineData("[Min(nameof(Quote.Big))] public long X;", "[Min] reads 'Big' of type 'Int128', which does not convert implicitly to 'long'")]
    public async Task Sum_Mean_and_Window_messages_state_the_real_reason(string member, string reason)
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            $$"""
            using System;
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(Quote))]
                public partial struct Q
                {
                    {{member}}
                }
            }
            """,
            s_analyzer,
            s_wideOptions);
        Assert.Equal("Member 'X' of 'Q': " + reason, Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Native_integers_are_integers_for_Count_Sum_Mean_and_Window()
    {
        const string Source = """
            using Hotpath;
            namespace Metrics
            {
                public struct Tick { public nint Time; public int Size; public nuint Bytes; public uint Lots; }

                [BatchReducer(typeof(Tick))]
                public partial struct Native
                {
                    [Window(1, nameof(Tick.Time))] public long Start;
                    [Count] public nint Rows;
                    [Sum(nameof(Tick.Size))] public nint Size;
                    [Sum(nameof(Tick.Bytes))] public nuint Bytes;
                    [Sum(nameof(Tick.Lots))] public nuint Lots;
                    [Sum(nameof(Tick.Time))] public long TimeSum;
                    [Mean(nameof(Tick.Bytes))] public double MeanBytes;
                    [Max(nameof(Tick.Time))] public nint Last;
                }

                public static class NativeProbe
                {
                    public static string Run()
                    {
                        var reducer = new Native.Reducer();
                        reducer.Add(new Tick { Time = 1500, Size = 3, Bytes = 10, Lots = 1 });
                        reducer.Add(new Tick { Time = 1900, Size = -1, Bytes = 20, Lots = 2 });
                        var p = reducer.ToArray()[0];
                        var overflow = "no exception";
                        try
                        {
                            var big = new Native.Reducer();
                            big.Add(new Tick { Time = 0, Bytes = nuint.MaxValue });
                            big.Add(new Tick { Time = 0, Bytes = 1 });
                        }
                        catch (System.OverflowException)
                        {
                            overflow = "OverflowException";
                        }

                        return string.Join(",", reducer.Count, p.Start, p.Rows, p.Size, p.Bytes, p.Lots, p.TimeSum, p.MeanBytes, p.Last, overflow);
                    }
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Source);
        var probe = TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Metrics.NativeProbe")!;
        Assert.Equal("1,1000,2,2,30,3,3400,15,1900,OverflowException", (string)probe.GetMethod("Run")!.Invoke(null, null)!);
    }

    [Fact]
    public async Task Static_and_const_members_with_an_aggregate_attribute_are_HOT004()
    {
        const string Source = """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Agg
                {
                    [{|HOT004:Count|}] public static long Rows;
                    [{|HOT004:GroupKey|}] public const string NodeId = "";
                    [{|HOT004:Sum(nameof(NodeMetric.Cpu))|}] public static double Cpu { get; set; }
                    [Count] public long Samples;
                }
            }
            """;
        await AnalyzerVerifier.VerifyAsync(Source, s_analyzer, s_options);

        var plain = Source.Replace("{|HOT004:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(plain, s_analyzer, s_options);
        Assert.Equal(
            [
                "Member 'Rows' of 'Agg': it is static, so every partial would share it and the reducer would never set it; make it an instance field or property",
                "Member 'NodeId' of 'Agg': it is a constant, so every partial would share it and the reducer would never set it; make it an instance field or property",
                "Member 'Cpu' of 'Agg': it is static, so every partial would share it and the reducer would never set it; make it an instance field or property",
            ],
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public async Task A_readonly_field_of_a_readonly_struct_is_HOT004_that_names_the_struct()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public readonly partial struct Agg
                {
                    [Count] public readonly long Rows;
                }
            }
            """,
            s_analyzer,
            s_options);
        Assert.Equal(
            "Member 'Rows' of 'Agg': the reducer must assign it, and 'Agg' is a readonly struct, whose fields must all be readonly; remove 'readonly' from 'Agg' and from the member",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("[Mean(nameof(Quote.Maybe))] public double X;", "[Mean] reads 'Maybe' of type 'int?', which may be null, and a group whose every 'Maybe' is null has no mean (LINQ's Average is then null); declare the member 'double?'")]
    [InlineData("[Mean(nameof(Quote.Maybe))] public decimal X;", "[Mean] reads 'Maybe' of type 'int?', which may be null, and a group whose every 'Maybe' is null has no mean (LINQ's Average is then null); declare the member 'decimal?'")]
    [InlineData("[Min(nameof(Quote.Maybe))] public int X;", "[Min] reads 'Maybe' of type 'int?', which may be null, and a group whose every 'Maybe' is null has no minimum (LINQ's Min is then null); declare the member 'int?'")]
    [InlineData("[Max(nameof(Quote.Maybe))] public long X;", "[Max] reads 'Maybe' of type 'int?', which may be null, and a group whose every 'Maybe' is null has no maximum (LINQ's Max is then null); declare the member 'long?'")]
    [InlineData("[Max(nameof(Quote.Maybe))] public short? X;", "[Max] reads 'Maybe' of type 'int?', which does not convert implicitly to 'short?'")]
    [InlineData("[Sum(nameof(Quote.Maybe))] public short X;", "[Sum] reads 'Maybe' of type 'int?', which does not widen implicitly to 'short' (the sum is added in the member's type); declare the member 'int' or 'Int128'")]
    [InlineData("[Max(nameof(Quote.Sure))] public double? X;", "[Max] reads 'Sure' of type 'double', which is never null: declare the member 'double'")]
    [InlineData("[Min(nameof(Quote.Day))] public int? X;", "[Min] reads 'Day' of type 'DayOfWeek?', which does not convert implicitly to 'int?'")]
    public async Task Nullable_number_sources_say_they_may_be_null(string member, string reason)
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            $$"""
            using Hotpath;
            namespace Metrics
            {
                public struct Quote { public int? Maybe; public double Sure; public System.DayOfWeek? Day; }

                [BatchReducer(typeof(Quote))]
                public partial struct Q
                {
                    {{member}}
                }
            }
            """,
            s_analyzer,
            s_options);
        Assert.Equal("Member 'X' of 'Q': " + reason, Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("public long Rows { get; init; }", "the reducer must assign it after the struct is created, which an 'init' accessor does not allow; make it 'set'")]
    [InlineData("public long Rows { get; }", "the reducer must assign it; make it a non-readonly field or a property with a setter")]
    [InlineData("public readonly long Rows;", "the reducer must assign it; make it a non-readonly field or a property with a setter")]
    public async Task Members_the_reducer_cannot_assign_say_why(string member, string reason)
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            $$"""
            using Hotpath;
            namespace Metrics
            {
                [BatchReducer(typeof(NodeMetric))]
                public partial struct Agg
                {
                    [Count] {{member}}
                }
            }
            """,
            s_analyzer,
            s_options);
        Assert.Equal("Member 'Rows' of 'Agg': " + reason, Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
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
