using Hotpath.Generators.Compression;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Compression;

/// <summary>HOT002 (unsupported member type or encoding) and HOT007 ([Quantize] out of range) for [Columnar].</summary>
public sealed class ColumnarDiagnosticsTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzers = [new ColumnarDiagnosticsAnalyzer()];

    [Fact]
    public async Task Reports_unsupported_member_types()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System.Collections.Generic;
            using Hotpath;

            public struct Point { public int X; }

            [Columnar]
            public partial struct Row
            {
                public int Fine;
                public object {|HOT002:Payload|};
                public List<int> {|HOT002:Items|};
                public int[] {|HOT002:Array|};
                public System.Index {|HOT002:Position|};
                public Point {|HOT002:Nested|};
                public Point? {|HOT002:MaybeNested|};
                public string? Text;
                public int? MaybeInt;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Reports_encodings_that_do_not_fit_the_type()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System;
            using Hotpath;

            [Columnar]
            public partial struct Row
            {
                [{|HOT002:Quantize(2)|}] public int Count;
                [{|HOT002:Quantize(2)|}] public decimal Money;
                [{|HOT002:DeltaOfDelta|}] public string Name;
                [{|HOT002:DeltaOfDelta|}] public double Value;
                [{|HOT002:DeltaOfDelta|}] public bool Flag;
                [{|HOT002:Dictionary|}] public int Code;
                [{|HOT002:RunLength|}] public double Level;
                [DeltaOfDelta] public DateTime Time;
                [DeltaOfDelta] public long? UnixMs;
                [Dictionary] public string? Node;
                [RunLength] public bool Up;
                [Quantize(3)] public float? Ratio;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task DateOnly_TimeOnly_and_Half_members_are_supported_with_the_encodings_that_fit()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System;
            using Hotpath;

            [Columnar]
            public partial struct Row
            {
                public DateOnly Date;
                public TimeOnly Time;
                public Half Level;
                public DateOnly? MaybeDate { get; set; }
                public TimeOnly? MaybeTime { get; set; }
                public Half? MaybeLevel { get; set; }
                [DeltaOfDelta] public DateOnly Day;
                [DeltaOfDelta] public TimeOnly? At;
                [RunLength] public Half Setting;
                [RunLength] public DateOnly Since;
                [{|HOT002:DeltaOfDelta|}] public Half Drift;
                [{|HOT002:Quantize(2)|}] public Half Rounded;
                [{|HOT002:Dictionary|}] public DateOnly Keyed;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Reports_members_decode_cannot_set()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using Hotpath;

            [Columnar]
            public sealed partial class Row
            {
                public readonly int {|HOT002:Fixed|};
                public int {|HOT002:GetOnly|} { get; }
                public int {|HOT002:InitOnly|} { get; init; }
                public int Settable { get; set; }
                public int Computed => Settable * 2;
                public static int Shared;
                public const int Constant = 1;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Reports_two_encodings_on_one_member_and_quantize_out_of_range()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using Hotpath;

            [Columnar]
            public partial struct Row
            {
                [DeltaOfDelta, RunLength] public long {|HOT002:Both|};
                [{|HOT007:Quantize(16)|}] public double TooFine;
                [{|HOT007:Quantize(-1)|}] public double Negative;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Encodings_on_an_auto_propertys_backing_field_are_checked_as_the_propertys()
    {
        // [field: X] puts the attribute on the backing field, which the parser skipped as compiler-generated: the encoding
        // was silently dropped (a misfit one too). It is the property's column's, as [Pooled] reads [field: NoReset]. An
        // event is no column: an encoding on its field is reported, not dropped.
        await AnalyzerVerifier.VerifyAsync(
            """
            using System;
            using Hotpath;

            [Columnar]
            public partial struct Row
            {
                [field: Quantize(2)] public double Memory { get; set; }
                [field: DeltaOfDelta] public long UnixMs { get; set; }
                [field: {|HOT002:Quantize(2)|}] public int Count { get; set; }
                [field: {|HOT002:Dictionary|}] public int Code { get; set; }
                [field: {|HOT007:Quantize(16)|}] public double TooFine { get; set; }
                [DeltaOfDelta] [field: RunLength] public long {|HOT002:Both|} { get; set; }
                [field: {|HOT002:Quantize(2)|}] public event Action? Changed;
                [field: NonSerialized] public event Action? Unrelated;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Encodings_on_members_that_are_not_columns_are_reported()
    {
        // Static members, constants and computed properties are not stored: an encoding on one was silently dropped,
        // though it says the user meant the member to be a column.
        await AnalyzerVerifier.VerifyAsync(
            """
            using Hotpath;

            public interface IHasTotal { double Total { get; } }

            [Columnar]
            public partial struct Row : IHasTotal
            {
                public double Value;
                [{|HOT002:Quantize(2)|}] public static double Shared;
                [{|HOT002:DeltaOfDelta|}] public static long Clock { get; set; }
                [{|HOT002:RunLength|}] public const int Limit = 4;
                [{|HOT002:Quantize(1)|}] public double Doubled => Value * 2;
                [{|HOT002:Quantize(1)|}] double IHasTotal.Total => Value;
                public static double Unmarked;
                public double Computed => Value + 1;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Reports_a_class_without_a_parameterless_constructor()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Columnar]
            public sealed partial class {|HOT002:Row|}
            {
                public Row(int x) { X = x; }
                public int X;
            }

            [Hotpath.Columnar]
            public abstract partial class {|HOT002:Base|}
            {
                public int X;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Reports_inherited_members_the_generated_code_cannot_reach_on_the_type()
    {
        // Inherited state the codec cannot read or set would be lost silently: HOT002 on the [Columnar] type, naming it.
        await AnalyzerVerifier.VerifyAsync(
            """
            using Hotpath;

            public class Base
            {
                private int _hidden;
                public int PrivateSetter { get; private set; }
                public int Fine;
                protected long Guarded { get; set; }
                private protected int SameAssembly;
                public int Peek() => _hidden;
            }

            [Columnar]
            public sealed partial class {|HOT002:{|HOT002:Derived|}|} : Base
            {
                public int Own;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Reports_an_inherited_member_of_an_unsupported_type_on_the_type()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using Hotpath;

            public class Base { public object? Payload; public int Fine; }

            [Columnar]
            public sealed partial class {|HOT002:Derived|} : Base { public int Own; }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Inherited_message_names_the_declaring_type_and_the_reason()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "public class ColBase { private int _count; public int Count => _count; } [Hotpath.Columnar] public sealed partial class ColDerived : ColBase { public int Own; }",
            s_analyzers);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "HOT002");
        Assert.Equal(
            "Member 'ColBase._count' of type 'int' cannot be encoded by [Columnar]: it is inherited and private to 'ColBase', so the generated codec of 'ColDerived' cannot read or set it (its value would be lost); make it protected or internal, or move it into 'ColDerived'",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Reports_explicit_interface_implementations_that_hold_state()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using Hotpath;

            public interface IHasX { int X { get; set; } }
            public interface IHasY { int Y { get; } }
            public interface IHasZ { int Z { get; } }

            [Columnar]
            public partial struct ExplCol : IHasX, IHasY, IHasZ
            {
                int IHasX.{|HOT002:X|} { get; set; }
                int IHasY.{|HOT002:Y|} { get; }
                int IHasZ.Z => Y * 2;
                public int Y;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Reports_a_class_with_required_members_unless_its_constructor_sets_them()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System.Diagnostics.CodeAnalysis;
            using Hotpath;

            [Columnar]
            public sealed partial class {|HOT002:ReqCol|}
            {
                public required int A { get; set; }
                public int B { get; set; }
            }

            public class ReqBase { public required int A; }

            [Columnar]
            public sealed partial class {|HOT002:ReqDerived|} : ReqBase { public int B; }

            [Columnar]
            public sealed partial class ReqSet
            {
                [SetsRequiredMembers] public ReqSet() { }
                public required int A { get; set; }
            }

            [Columnar]
            public partial struct ReqStruct
            {
                public required int A { get; set; }
                public required int B;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Required_message_gives_the_SetsRequiredMembers_hint()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "[Hotpath.Columnar] public sealed partial class ReqCol { public required int A { get; set; } }",
            s_analyzers);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "HOT002");
        Assert.Contains("required members", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("[SetsRequiredMembers]", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_ref_struct_on_the_type()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Columnar]
            public ref partial struct {|HOT002:RefCol|}
            {
                public int A;
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Quiet_on_every_supported_type()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System;
            using Hotpath;

            public enum Phase : byte { A, B }

            [Columnar]
            public partial struct Row
            {
                public sbyte A; public byte B; public short C; public ushort D; public int E; public uint F; public long G; public ulong H;
                public nint I; public nuint J; public Int128 K; public UInt128 L; public char M; public bool N; public Phase O;
                public DateTime P; public DateTimeOffset Q; public TimeSpan R; public Guid S; public decimal T; public double U; public float V; public string W;
                public int? A2; public Phase? O2; public DateTime? P2; public Guid? S2; public decimal? T2; public double? U2;
                public int Property { get; set; }
            }
            """,
            s_analyzers);
    }

    [Fact]
    public async Task Message_names_member_type_and_reason_with_a_help_link()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "[Hotpath.Columnar] public partial struct Row { [Hotpath.Quantize(2)] public int Count; }",
            s_analyzers);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "HOT002");
        Assert.Equal(
            "Member 'Count' of type 'int' cannot be encoded by [Columnar]: [Quantize] applies only to float and double members (it is the only lossy encoding)",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.EndsWith("docs/rules/HOT002.md", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pragma_suppresses_HOT002()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Columnar]
            public partial struct Row
            {
            #pragma warning disable HOT002
                public object Payload;
            #pragma warning restore HOT002
            }
            """,
            s_analyzers);
        Assert.DoesNotContain(diagnostics, d => d.Id == "HOT002" && !d.IsSuppressed);
    }
}
