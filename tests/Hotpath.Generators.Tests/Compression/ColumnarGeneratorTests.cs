using Hotpath.Generators.Compression;
using Hotpath.Generators.Shared;
using Hotpath.TestSources;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.Generators.Tests.Compression;

/// <summary>Snapshots, compile-and-run and incremental caching of the [Columnar] generator.</summary>
public sealed class ColumnarGeneratorTests
{
    internal const string MetricSampleSource = DesignExampleSources.ColumnarMetricSample;

    private const string ClassSource = """
        using System;
        using Hotpath;

        namespace Shop.Orders
        {
            public static partial class Outer
            {
                [Columnar]
                internal sealed partial class Order
                {
                    public Guid Id { get; set; }
                    public decimal? Total { get; set; }
                    public DateTimeOffset Placed;
                    public string? @class;
                    [Quantize(1)] public float? Weight { get; set; }
                    public int Derived => 42;
                }
            }
        }
        """;

    private const string CalendarSource = """
        using System;
        using Hotpath;

        namespace Calendar
        {
            [Columnar]
            public partial struct Reading
            {
                [DeltaOfDelta] public DateOnly Day;
                public TimeOnly At;
                public Half Level;
                public DateOnly? Since { get; set; }
                [RunLength] public TimeOnly? Opens { get; set; }
                public Half? Offset { get; set; }
            }
        }
        """;

    private const string Probe = """
        using System;
        using Hotpath.Compression;

        public static class Probe
        {
            public static string Run()
            {
                var rows = new Metrics.MetricSample[2000];
                for (var i = 0; i < rows.Length; i++)
                {
                    rows[i] = new Metrics.MetricSample { UnixMs = 1_700_000_000_000 + (i * 1000L), Node = "n" + (i % 3), Cpu = i * 0.5, Memory = i / 3.0, Restarts = i % 2, Phase = Metrics.PodPhase.Running };
                }

                rows[7].Cpu = -0.0;
                rows[8].Cpu = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0BAD);
                var block = Metrics.MetricSample.Codec.Encode(rows);
                var back = Metrics.MetricSample.Codec.Decode(block);
                for (var i = 0; i < rows.Length; i++)
                {
                    if (rows[i].UnixMs != back[i].UnixMs || rows[i].Node != back[i].Node || BitConverter.DoubleToInt64Bits(rows[i].Cpu) != BitConverter.DoubleToInt64Bits(back[i].Cpu)
                        || Math.Abs(rows[i].Memory - back[i].Memory) > 0.005 || rows[i].Restarts != back[i].Restarts || rows[i].Phase != back[i].Phase)
                    {
                        return "row " + i + " differs";
                    }
                }

                var orders = new Shop.Orders.Outer.OrderProbe();
                return "ok " + block.Length + " " + orders.RoundTrip();
            }
        }
        """;

    private const string OrderProbe = """
        using Hotpath.Compression;

        namespace Shop.Orders
        {
            public static partial class Outer
            {
                public sealed class OrderProbe
                {
                    public string RoundTrip()
                    {
                        var rows = new[] { new Order { Id = System.Guid.NewGuid(), Total = 12.50m, Placed = System.DateTimeOffset.UnixEpoch, @class = "a", Weight = 1.26f }, new Order() };
                        var back = Order.Codec.Decode(Order.Codec.Encode(rows));
                        return back[0].Id == rows[0].Id && back[0].Total == 12.50m && back[1].Total is null && back[0].@class == "a" && back[0].Weight == 1.3f && back[1].Weight is null ? "orders ok" : "orders differ";
                    }
                }
            }
        }
        """;

    [Fact]
    public void Generates_the_codec_for_DESIGNs_MetricSample()
    {
        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), MetricSampleSource);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Generates_a_class_codec_with_nullable_multi_column_members_inside_nested_types()
    {
        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), ClassSource);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Generates_a_codec_for_DateOnly_TimeOnly_and_Half_members()
    {
        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), CalendarSource);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Generated_code_compiles_and_round_trips()
    {
        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), MetricSampleSource, ClassSource, Probe, OrderProbe);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        var result = (string)assembly.GetType("Probe")!.GetMethod("Run")!.Invoke(null, null)!;
        Assert.StartsWith("ok ", result, StringComparison.Ordinal);
        Assert.EndsWith("orders ok", result, StringComparison.Ordinal);
    }

    [Fact]
    public void The_array_helpers_need_only_using_Hotpath()
    {
        // DESIGN.md's helpers byte[] Encode(ReadOnlySpan<T>) and T[] Decode(ReadOnlySpan<byte>) are also interface
        // members, so code that imports only the attributes' namespace can call them on T.Codec.
        const string Source = """
            using Hotpath;

            [Columnar]
            public partial struct Reading { public long UnixMs; public double Value; }

            public static class OnlyHotpath
            {
                public static string Run()
                {
                    var rows = new[] { new Reading { UnixMs = 1, Value = 0.5 }, new Reading { UnixMs = 2, Value = -0.0 } };
                    byte[] block = Reading.Codec.Encode(rows);
                    Reading[] back = Reading.Codec.Decode(block);
                    return back.Length == 2 && back[1].UnixMs == 2 && double.IsNegative(back[1].Value) && Reading.Codec.GetRowCount(block) == 2 ? "ok" : "wrong";
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), Source);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("ok", assembly.GetType("OnlyHotpath")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void An_encoding_on_an_auto_propertys_backing_field_is_the_propertys_column()
    {
        // [field: Quantize(2)] was dropped with the compiler-generated backing field: the column was stored losslessly.
        var onField = Model("[Hotpath.Columnar] public partial struct A { [field: Hotpath.Quantize(2)] public double Memory { get; set; } [field: Hotpath.DeltaOfDelta] public long UnixMs { get; set; } }");
        var onProperty = Model("[Hotpath.Columnar] public partial struct A { [Hotpath.Quantize(2)] public double Memory { get; set; } [Hotpath.DeltaOfDelta] public long UnixMs { get; set; } }");
        Assert.Equal(onProperty.Members, onField.Members);
        Assert.Equal(onProperty.Fingerprint, onField.Fingerprint);
        var fieldKeyword = Model("[Hotpath.Columnar] public partial struct A { [field: Hotpath.Quantize(2)] public double Memory { get => field; set => field = value; } [field: Hotpath.DeltaOfDelta] public long UnixMs { get; set => field = value; } }");
        Assert.Equal(onProperty.Members, fieldKeyword.Members); // C# 14: a property using the field keyword has a backing field too

        const string Source = """
            using Hotpath;

            [Columnar]
            public partial struct Reading
            {
                [field: Quantize(2)] public double Memory { get; set; }

                public static string Probe()
                {
                    var back = Codec.Decode(Codec.Encode(new[] { new Reading { Memory = 1.23456 } }));
                    return back[0].Memory.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            """;
        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), Source);
        Assert.Equal("1.23", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Reading", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void An_override_keeps_the_encoding_of_the_property_it_overrides_unless_it_has_its_own()
    {
        // The override, without an encoding of its own, hid the base property's: [Quantize(2)] was dropped.
        var overridden = Model("""
            public class RowBase { [Hotpath.Quantize(2)] public virtual double Memory { get; set; } [field: Hotpath.DeltaOfDelta] public virtual long UnixMs { get; set; } [Hotpath.Quantize(2)] public virtual double Own { get; set; } }
            [Hotpath.Columnar] public partial class Row : RowBase { public override double Memory { get; set; } public override long UnixMs { get => base.UnixMs; set => base.UnixMs = value; } [Hotpath.Quantize(1)] public override double Own { get; set; } }
            """);
        var restated = Model("""
            public class RowBase { public virtual double Memory { get; set; } public virtual long UnixMs { get; set; } public virtual double Own { get; set; } }
            [Hotpath.Columnar] public partial class Row : RowBase { [Hotpath.Quantize(2)] public override double Memory { get; set; } [Hotpath.DeltaOfDelta] public override long UnixMs { get => base.UnixMs; set => base.UnixMs = value; } [Hotpath.Quantize(1)] public override double Own { get; set; } }
            """);
        Assert.Equal(restated.Members, overridden.Members);
        Assert.Equal(restated.Fingerprint, overridden.Fingerprint);
    }

    [Fact]
    public void Nothing_is_generated_for_an_invalid_type()
    {
        var run = GeneratorRunner.Run(new ColumnarGenerator(), "[Hotpath.Columnar] public partial struct Bad { public object Payload; }", "[Hotpath.Columnar] public struct NotPartial { public int X; }");
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Shapes_the_codec_cannot_handle_get_HOT002_and_no_code_that_would_not_compile()
    {
        // Each of these once produced generated code that failed to build (CS1061, CS9035, CS9244).
        var run = GeneratorRunner.Run(
            new ColumnarGenerator(),
            "public interface IHasX { int X { get; set; } } [Hotpath.Columnar] public partial struct ExplCol : IHasX { int IHasX.X { get; set; } public int Y; }",
            "[Hotpath.Columnar] public sealed partial class ReqCol { public required int A { get; set; } public int B { get; set; } }",
            "[Hotpath.Columnar] public ref partial struct RefCol { public int A; }");
        Assert.Empty(run.GeneratedSources);
        var messages = run.Result.Diagnostics.Select(d => (d.Id, Message: d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        Assert.Equal(3, messages.Length);
        Assert.All(messages, m => Assert.Equal("HOT002", m.Id));
        Assert.Contains(messages, m => m.Message.Contains("explicit interface implementation", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Message.Contains("[SetsRequiredMembers]", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Message.Contains("ref struct", StringComparison.Ordinal));
    }

    private const string InheritanceSource = """
        using System.Diagnostics.CodeAnalysis;
        using Hotpath;

        namespace Inherit
        {
            public class ColRoot { public long RootT; }

            public class ColBase : ColRoot
            {
                public int BaseA;
                public string? BaseS { get; set; }
                [DeltaOfDelta] public long Stamp;
                protected int Prot { get; set; }
                public virtual int V { get; set; }
                public int Hidden;
                public int Computed => BaseA * 2;
            }

            [Columnar]
            public sealed partial class ColDerived : ColBase
            {
                public int Own;
                public new long Hidden;
                public override int V { get; set; }
                public void SetProt(int value) => Prot = value;
                public int GetProt() => Prot;
            }

            public class GenBase<T> { public T Value = default!; }

            [Columnar]
            public sealed partial class GenDerived : GenBase<int> { public int Own; }

            [Columnar]
            public partial class ColumnarParent { public int A; }

            [Columnar]
            public sealed partial class ColumnarChild : ColumnarParent { public int B; }

            [Columnar]
            public sealed partial class ReqSet
            {
                [SetsRequiredMembers] public ReqSet() { }
                public required int A { get; set; }
                public string? S { get; set; }
            }

            public static class InheritProbe
            {
                public static string Run()
                {
                    var row = new ColDerived { RootT = 1_700_000_000_000, BaseA = 5, BaseS = "base", Stamp = 77, V = 9, Hidden = 10, Own = 6 };
                    ((ColBase)row).Hidden = 11; // hidden by 'new': only the most derived Hidden is a column (documented)
                    row.SetProt(12);
                    var back = ColDerived.Codec.Decode(ColDerived.Codec.Encode(new[] { row, new ColDerived() }));
                    if (back[0].RootT != 1_700_000_000_000 || back[0].BaseA != 5 || back[0].BaseS != "base" || back[0].Stamp != 77 || back[0].V != 9
                        || back[0].Hidden != 10 || ((ColBase)back[0]).Hidden != 0 || back[0].GetProt() != 12 || back[0].Own != 6 || back[1].BaseS is not null)
                    {
                        return "derived differs";
                    }

                    var generic = GenDerived.Codec.Decode(GenDerived.Codec.Encode(new[] { new GenDerived { Value = 3, Own = 4 } }));
                    if (generic[0].Value != 3 || generic[0].Own != 4)
                    {
                        return "generic differs";
                    }

                    var child = ColumnarChild.Codec.Decode(ColumnarChild.Codec.Encode(new[] { new ColumnarChild { A = 1, B = 2 } }));
                    var parent = ColumnarParent.Codec.Decode(ColumnarParent.Codec.Encode(new[] { new ColumnarParent { A = 3 } }));
                    if (child[0].A != 1 || child[0].B != 2 || parent[0].A != 3)
                    {
                        return "columnar parent or child differs";
                    }

                    var required = ReqSet.Codec.Decode(ReqSet.Codec.Encode(new[] { new ReqSet { A = 8, S = "s" } }));
                    return required[0].A == 8 && required[0].S == "s" ? "ok" : "required differs";
                }
            }
        }
        """;

    [Fact]
    public void Inherited_members_round_trip_with_the_types_own()
    {
        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), InheritanceSource);
        var warnings = run.OutputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning).ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings)); // warnings are errors in user builds (CS0108 on a hidden Codec)
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("ok", assembly.GetType("Inherit.InheritProbe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void Inherited_members_come_first_in_declaration_order_and_a_hidden_one_counts_once()
    {
        var model = Model("""
            public class ColRoot { public long RootT; }
            public class ColBase : ColRoot { public int BaseA; public string? BaseS { get; set; } public virtual int V { get; set; } public int Hidden; public int Computed => BaseA; }
            [Hotpath.Columnar] public sealed partial class ColDerived : ColBase { public int Own; public new long Hidden; public override int V { get; set; } }
            """);
        Assert.Equal(["RootT", "BaseA", "BaseS", "Own", "Hidden", "V"], model.Members.Select(m => m.Name).ToArray());

        var ownOnly = Model("[Hotpath.Columnar] public sealed partial class ColDerived { public int Own; }");
        var withBase = Model("public class ColBase { public int BaseA; } [Hotpath.Columnar] public sealed partial class ColDerived : ColBase { public int Own; }");
        Assert.NotEqual(ownOnly.Fingerprint, withBase.Fingerprint); // blocks written before the fix do not decode into rows that lose data
    }

    private const string LibrarySource = """
        [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Friend")]
        public class LibBase
        {
            public int Open;
            public int Auto { get; set; }
            internal int Secret;
            protected int Guarded;
            private int _private;
            public int Peek() => _private;
        }
        """;

    private const string LibraryUser = "[Hotpath.Columnar] public sealed partial class Derived : LibBase { public int Own; }";

    [Fact]
    public void Editing_the_base_class_in_another_file_modifies_the_model()
    {
        const string Derived = "[Hotpath.Columnar] public sealed partial class ColDerived : ColBase { public int Own; }";
        var (_, second) = IncrementalAssert.RunTwice(
            new ColumnarGenerator(),
            [Derived, "public class ColBase { public int BaseA; }"],
            c => CompilationEdits.ReplaceSource(c, 1, "public class ColBase { public int BaseA; public long BaseB; }"));
        IncrementalAssert.HasReason(second, TrackingNames.ColumnarModels, IncrementalStepRunReason.Modified);
        var model = (ColumnarModel)Assert.Single(IncrementalAssert.Outputs(second, TrackingNames.ColumnarValidModels)).Value;
        Assert.Equal(["BaseA", "BaseB", "Own"], model.Members.Select(m => m.Name).ToArray());
    }

    [Fact]
    public void Members_of_a_base_in_another_assembly_that_the_codec_cannot_reach_are_HOT002()
    {
        // The compiler imports another assembly's private and internal members only when asked to (an IDE may),
        // and then they must be reported, not dropped.
        var options = TestCompilation.Options().WithMetadataImportOptions(MetadataImportOptions.All);
        var user = TestCompilation.Create([LibraryUser], OutputKind.DynamicallyLinkedLibrary, [LibraryImage()]).WithOptions(options);
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ColumnarGenerator()), user);
        Assert.Empty(run.GeneratedSources);
        var messages = run.Result.Diagnostics.Select(d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).OrderBy(m => m, StringComparer.Ordinal).ToArray();
        Assert.Equal(2, messages.Length); // not the backing field of Auto, which is a column
        Assert.StartsWith("HOT002 Member 'LibBase._private' of type 'int' cannot be encoded by [Columnar]: it is inherited and private to 'LibBase'", messages[1], StringComparison.Ordinal);
        Assert.StartsWith("HOT002 Member 'LibBase.Secret' of type 'int' cannot be encoded by [Columnar]: it is inherited and internal to another assembly ('Lib')", messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Members_of_a_base_in_another_assembly_are_columns_when_accessible()
    {
        // A friend assembly (InternalsVisibleTo) sees and stores the internal member; the private one is not imported.
        var friend = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ColumnarGenerator()), TestCompilation.Create([LibraryUser], OutputKind.DynamicallyLinkedLibrary, [LibraryImage()], assemblyName: "Friend"));
        Assert.Empty(friend.Result.Diagnostics);
        TestCompilation.AssertNoErrors(friend.OutputCompilation);
        var model = (ColumnarModel)Assert.Single(IncrementalAssert.Outputs(friend, TrackingNames.ColumnarValidModels)).Value;
        Assert.Equal(["Open", "Secret", "Guarded", "Auto", "Own"], model.Members.Select(m => m.Name).ToArray()); // metadata order: fields, then properties

        // Known limit (docs/compression.md): with the compiler's default import options, members another assembly
        // does not share (private, internal without InternalsVisibleTo) are invisible, so neither stored nor reported.
        var stranger = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ColumnarGenerator()), TestCompilation.Create([LibraryUser], OutputKind.DynamicallyLinkedLibrary, [LibraryImage()]));
        Assert.Empty(stranger.Result.Diagnostics);
        var strangerModel = (ColumnarModel)Assert.Single(IncrementalAssert.Outputs(stranger, TrackingNames.ColumnarValidModels)).Value;
        Assert.Equal(["Open", "Guarded", "Auto", "Own"], strangerModel.Members.Select(m => m.Name).ToArray());
    }

    [Fact]
    public void Auto_properties_of_a_base_in_another_assembly_are_told_from_other_compiler_declared_fields_by_their_backing_field_name()
    {
        // Imported with its private members (an IDE may), a metadata base shows its auto-properties' backing fields. Roslyn
        // sets IFieldSymbol.AssociatedSymbol only for a source field (and a metadata event's): for a metadata backing field
        // it is null, asserted here, so the field's name (<Name>k__BackingField, the compiler's) is the only link to its
        // property. With it, a get-only auto-property is stored state Decode cannot set (HOT002, as in source) rather
        // than a computed property to skip, and its field is not taken for a captured primary-constructor parameter's.
        const string Library = """
            public class MetaBase
            {
                public int Auto { get; set; }
                public int ReadOnly { get; } = 3;
                public int Computed => Auto * 2;
            }
            """;
        using var stream = new MemoryStream();
        Assert.True(TestCompilation.Create([Library], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Meta").Emit(stream).Success);
        var options = TestCompilation.Options().WithMetadataImportOptions(MetadataImportOptions.All);
        var user = TestCompilation.Create(["[Hotpath.Columnar] public sealed partial class Row : MetaBase { public long Own; }"], OutputKind.DynamicallyLinkedLibrary,
            [MetadataReference.CreateFromImage(stream.ToArray())]).WithOptions(options);

        var backingField = user.GetTypeByMetadataName("MetaBase")!.GetMembers().OfType<IFieldSymbol>().Single(static f => f.Name == "<ReadOnly>k__BackingField");
        Assert.Null(backingField.AssociatedSymbol);

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ColumnarGenerator()), user);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal(
            "HOT002 Member 'MetaBase.ReadOnly' of type 'int' cannot be encoded by [Columnar]: get-only properties cannot be set by Decode; add a setter",
            Assert.Single(run.Result.Diagnostics).Id + " " + run.Result.Diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_get_only_auto_property_of_a_base_in_another_assembly_is_HOT002_with_the_default_import_options_too()
    {
        // Without its private backing field (not imported by default), a get-only auto-property looked computed and was
        // silently not stored. Its getter is [CompilerGenerated] (a computed property's is not): that says it holds state.
        // A record's EqualityContract, whose getter is [CompilerGenerated] too, is not state.
        const string Library = """
            public class MetaBase
            {
                public int Auto { get; set; }
                public int ReadOnly { get; } = 3;
                public int Computed => Auto * 2;
            }

            public record MetaRecord { public int Value { get; set; } }
            """;
        using var stream = new MemoryStream();
        Assert.True(TestCompilation.Create([Library], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Meta").Emit(stream).Success);
        var user = TestCompilation.Create(
            ["[Hotpath.Columnar] public sealed partial class Row : MetaBase { public long Own; }", "[Hotpath.Columnar] public sealed partial record Rec : MetaRecord { public long Own { get; set; } }"],
            OutputKind.DynamicallyLinkedLibrary,
            [MetadataReference.CreateFromImage(stream.ToArray())]);

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ColumnarGenerator()), user);
        Assert.Equal(
            "HOT002 Member 'MetaBase.ReadOnly' of type 'int' cannot be encoded by [Columnar]: get-only properties cannot be set by Decode; add a setter",
            Assert.Single(run.Result.Diagnostics).Id + " " + run.Result.Diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["Rec.Columnar.g.cs"], run.GeneratedSources.Select(static s => s.HintName));
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public void An_encoding_on_the_backing_field_of_a_base_in_another_assembly_is_seen_where_its_private_members_are_imported()
    {
        // A metadata backing field does not name its property (AssociatedSymbol is null): it is found by the compiler's
        // name for it. Not imported by default, where the column is lossless (docs/compression.md, Traps).
        const string Library = """
            public class MetaBase
            {
                [field: Hotpath.Quantize(1)] public double Level { get; set; }
            }
            """;
        using var stream = new MemoryStream();
        Assert.True(TestCompilation.Create([Library], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Meta").Emit(stream).Success);
        ColumnarMember Level(MetadataImportOptions import)
        {
            var user = TestCompilation.Create(["[Hotpath.Columnar] public sealed partial class Row : MetaBase { public long Own; }"], OutputKind.DynamicallyLinkedLibrary,
                [MetadataReference.CreateFromImage(stream.ToArray())]).WithOptions(TestCompilation.Options().WithMetadataImportOptions(import));
            var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ColumnarGenerator()), user);
            var model = (ColumnarModel)Assert.Single(IncrementalAssert.Outputs(run, TrackingNames.ColumnarValidModels)).Value;
            return model.Members.Single(static m => m.Name == "Level");
        }

        Assert.Equal(1, Level(MetadataImportOptions.All).QuantizeDecimals);
        Assert.Equal(-1, Level(MetadataImportOptions.Public).QuantizeDecimals);
    }

    private static MetadataReference LibraryImage()
    {
        using var stream = new MemoryStream();
        Assert.True(TestCompilation.Create([LibrarySource], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Lib").Emit(stream).Success);
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private const string LanguageVersionSource = """
        using Hotpath;

        [Columnar]
        public partial struct PropRow
        {
            public int A { get; set; }
            public long? B { get; set; }
            public string? S { get; set; }
            public System.Guid G { get; set; }
            public double D;
        }

        public static class PropProbe
        {
            public static string Run()
            {
                var rows = new[] { new PropRow { A = 1, B = 2, S = "s", G = new System.Guid(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), D = -0.0 }, new PropRow { A = -1 } };
                var back = PropRow.Codec.Decode(PropRow.Codec.Encode(rows));
                return back[0].A == 1 && back[0].B == 2 && back[0].S == "s" && back[0].G == rows[0].G && double.IsNegative(back[0].D)
                    && back[1].A == -1 && back[1].B is null && back[1].S is null ? "ok" : "differs";
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp10)]
    [InlineData(LanguageVersion.CSharp11)]
    public void Struct_property_members_compile_and_round_trip_below_CSharp_12(LanguageVersion version)
    {
        // Unsafe.AsRef(in …) binds to a 'ref readonly' parameter since .NET 8, a C# 12 feature (CS8936 before).
        var run = RunWithLanguageVersion(version, LanguageVersionSource);
        Assert.DoesNotContain("AsRef", run.Source(".Columnar.g.cs"), StringComparison.Ordinal);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("ok", assembly.GetType("PropProbe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public void Struct_property_members_are_read_through_a_ref_from_CSharp_12()
    {
        var run = RunWithLanguageVersion(LanguageVersion.CSharp12, LanguageVersionSource);
        Assert.Contains("global::System.Runtime.CompilerServices.Unsafe.AsRef(in rows[i]).A", run.Source(".Columnar.g.cs"), StringComparison.Ordinal);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("ok", assembly.GetType("PropProbe")!.GetMethod("Run")!.Invoke(null, null));
    }

    private static GeneratorRun RunWithLanguageVersion(LanguageVersion version, params string[] sources)
    {
        var parseOptions = new CSharpParseOptions(version);
        var trees = sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, parseOptions, TestCompilation.SourcePath(i)));
        var compilation = CSharpCompilation.Create("TestAssembly", trees, ReferenceAssemblies.WithHotpath, TestCompilation.Options());
        var driver = CSharpGeneratorDriver.Create(
            [new ColumnarGenerator().AsSourceGenerator()],
            parseOptions: parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var run = GeneratorRunner.Run(driver, compilation);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
        return run;
    }

    [Fact]
    public void Unrelated_edit_keeps_every_step_cached()
    {
        var (_, second) = IncrementalAssert.RunTwice(new ColumnarGenerator(), [MetricSampleSource], CompilationEdits.AddUnrelatedFile);
        IncrementalAssert.CachedOrUnchanged(second, TrackingNames.ColumnarModels, TrackingNames.ColumnarValidModels);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
    }

    [Fact]
    public void Changing_an_encoding_attribute_modifies_the_model()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new ColumnarGenerator(),
            [MetricSampleSource],
            c => CompilationEdits.ReplaceSource(c, 0, MetricSampleSource.Replace("[Quantize(2)]", "[Quantize(3)]", StringComparison.Ordinal)));
        IncrementalAssert.HasReason(second, TrackingNames.ColumnarModels, IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void A_new_columnar_type_is_new()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new ColumnarGenerator(),
            [MetricSampleSource],
            c => CompilationEdits.AddSource(c, "[Hotpath.Columnar] public partial struct Other { public int X; }"));
        IncrementalAssert.HasReason(second, TrackingNames.ColumnarModels, IncrementalStepRunReason.New);
    }

    [Fact]
    public void Models_hold_no_symbols_or_syntax()
    {
        var run = GeneratorRunner.Run(new ColumnarGenerator(), MetricSampleSource, ClassSource);
        IncrementalAssert.ModelsArePure(run, TrackingNames.ColumnarModels, TrackingNames.ColumnarValidModels);
    }

    [Fact]
    public void Fingerprint_follows_the_schema_not_the_type_name()
    {
        var a = Model("[Hotpath.Columnar] public partial struct A { public int X; public double Y; }");
        var renamed = Model("[Hotpath.Columnar] public partial struct B { public int X; public double Y; }");
        var reordered = Model("[Hotpath.Columnar] public partial struct A { public double Y; public int X; }");
        var retyped = Model("[Hotpath.Columnar] public partial struct A { public long X; public double Y; }");
        Assert.Equal(a.Fingerprint, renamed.Fingerprint);
        Assert.NotEqual(a.Fingerprint, reordered.Fingerprint);
        Assert.NotEqual(a.Fingerprint, retyped.Fingerprint);

        // DateOnly is stored as an int's column, TimeOnly as a long's, Half as a 16-bit one: the schema still tells them apart.
        Assert.NotEqual(Model("[Hotpath.Columnar] public partial struct A { public int X; }").Fingerprint, Model("[Hotpath.Columnar] public partial struct A { public System.DateOnly X; }").Fingerprint);
        Assert.NotEqual(Model("[Hotpath.Columnar] public partial struct A { public long X; }").Fingerprint, Model("[Hotpath.Columnar] public partial struct A { public System.TimeOnly X; }").Fingerprint);
        Assert.NotEqual(Model("[Hotpath.Columnar] public partial struct A { public short X; }").Fingerprint, Model("[Hotpath.Columnar] public partial struct A { public System.Half X; }").Fingerprint);
        Assert.NotEqual(Model("[Hotpath.Columnar] public partial struct A { public ushort X; }").Fingerprint, Model("[Hotpath.Columnar] public partial struct A { public System.Half X; }").Fingerprint);
        Assert.NotEqual(Model("[Hotpath.Columnar] public partial struct A { public System.TimeSpan X; }").Fingerprint, Model("[Hotpath.Columnar] public partial struct A { public System.TimeOnly X; }").Fingerprint);
    }

    /// <summary>
    /// The hint names and every generated file as one text snapshot. Kept as .txt rather than .verified.cs:
    /// this project compiles every *.cs under it, and generated code for test-only types would not compile there.
    /// </summary>
    private static ColumnarModel Model(string source)
    {
        var run = GeneratorRunner.Run(new ColumnarGenerator(), source);
        return (ColumnarModel)Assert.Single(IncrementalAssert.Outputs(run, TrackingNames.ColumnarValidModels)).Value;
    }
}
