using Hotpath.Generators.Compression;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Compression;

/// <summary>
/// A primary-constructor parameter used outside initializers is captured in a hidden field the generated codec can
/// neither read nor set (a nested type cannot use it), so its value would come back as default after a round trip:
/// HOT002 at the parameter (on the type's name when a base class captures it). One only read by initializers stores
/// nothing and is fine.
/// </summary>
public sealed class ColumnarPrimaryConstructorTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzers = [new ColumnarDiagnosticsAnalyzer()];

    [Fact]
    public async Task HOT002_at_a_captured_primary_constructor_parameter()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Columnar]
            public partial struct Sample(long {|HOT002:t|}, double initial, int {|HOT002:scale|})
            {
                public long T => t;
                public double Cpu = initial;
                public int Scaled() => scale * 2;
            }
            """,
            s_analyzers);

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync("[Hotpath.Columnar] public partial struct Sample(long t) { public long T => t; }", s_analyzers);
        Assert.Equal(
            "Member 't' of type 'long' cannot be encoded by [Columnar]: it is a primary constructor parameter captured by the type's members, held in a hidden field that the generated codec can neither read nor set (its value would come back as 0 or null); copy it into a field or settable property ('public long T { get; set; } = t;') and use that",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), "[Hotpath.Columnar] public partial struct Sample(long t) { public long T => t; }");
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public async Task HOT002_on_the_type_when_a_base_class_captures_one()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            public class Base(int x) { public int X => x; }
            [Hotpath.Columnar] public sealed partial class Row : Base { public Row() : base(5) { } public long Value; }
            """,
            s_analyzers);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "Member 'Base.x' of type 'int' cannot be encoded by [Columnar]: it is a primary constructor parameter captured by the type's members, held in a hidden field that the generated codec can neither read nor set (its value would come back as 0 or null); copy it into a field or settable property ('public int X { get; set; } = x;') and use that",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Row", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    [Fact]
    public async Task Captures_are_found_from_the_parameters_uses_in_every_part_and_only_there()
    {
        // Captured: used in a method, an accessor, a lambda or local function in a member, in another partial part.
        // Not captured: read by an initializer or a base-type argument, named by nameof, or shadowed by a member.
        await AnalyzerVerifier.VerifyAsync(
            """
            public class Base(int seed) { public int Seed = seed; }
            [Hotpath.Columnar]
            public sealed partial class Row(int {|HOT002:a|}, int {|HOT002:b|}, int {|HOT002:c|}, int {|HOT002:d|}, int init, int arg, int named, int Shadowed) : Base(arg)
            {
                public Row() : this(0, 0, 0, 0, 0, 0, 0, 0) { }
                public long Value = init;
                public int A() => a;
                public int B { get { return b; } }
                public System.Func<int> C() => () => c;
                public string Name = nameof(named);
                public int Shadowed = Shadowed;
                public int Read() => Shadowed;
            }
            partial class Row
            {
                public int D() { return Local(); int Local() => d; }
            }
            """,
            s_analyzers);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_base_from_another_assembly_is_reported_only_when_its_private_fields_are_imported(bool importAll)
    {
        // No syntax to read there: the compiler's field for the captured parameter is one of the base's private
        // members, which a build does not import (Public); an IDE importing them (All) reports it as hidden state, by
        // what the compiler says of its name (unspeakable: compiler-declared), not by the name's pattern.
        var library = TestCompilation.Create(["public class Base(int x) { public int X => x; }"], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Lib");
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);

        var compilation = TestCompilation.Create(
                ["[Hotpath.Columnar] public sealed partial class Row : Base { public Row() : base(5) { } public long Value; }"],
                OutputKind.DynamicallyLinkedLibrary,
                [MetadataReference.CreateFromImage(image.ToArray())])
            .WithOptions(TestCompilation.Options().WithMetadataImportOptions(importAll ? MetadataImportOptions.All : MetadataImportOptions.Public));

        var diagnostics = await AnalyzerVerifier.RunAnalyzersAsync(compilation, s_analyzers);
        if (!importAll)
        {
            Assert.Empty(diagnostics);
            return;
        }

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("HOT002", diagnostic.Id);
        Assert.Contains(
            "of type 'int' cannot be encoded by [Columnar]: it is a field the compiler declared in 'Base' (for a primary constructor parameter its members capture), private to another assembly",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
        Assert.Equal("Row", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    [Fact]
    public void The_generator_finds_a_capture_in_a_base_declared_in_another_file()
    {
        var run = GeneratorRunner.Run(
            new ColumnarGenerator(),
            "[Hotpath.Columnar] public sealed partial class Row : Base { public Row() : base(5) { } public long Value; }",
            "public class Base(int x) { public int X => x; }");

        Assert.Empty(run.GeneratedSources);
        Assert.Contains("Member 'Base.x' of type 'int'", Assert.Single(run.Result.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_read_only_by_initializers_is_stored_through_its_member_and_round_trips()
    {
        var run = GeneratorRunner.RunAndCompile(new ColumnarGenerator(), """
            namespace App;
            [Hotpath.Columnar]
            public partial struct Sample(long t, double cpu)
            {
                public long T { get; set; } = t;
                public double Cpu = cpu;
            }
            public static class Probe
            {
                public static string Run()
                {
                    var rows = Sample.Codec.Decode(Sample.Codec.Encode([new Sample(42, 0.5)]));
                    return rows[0].T + ":" + rows[0].Cpu.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            """);

        Assert.Empty(run.Result.Diagnostics);
        Assert.Equal("42:0.5", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public async Task HOT002_at_an_encoding_on_a_positional_parameter_without_the_property_target_and_quiet_with_it()
    {
        // [Quantize(2)] on a positional parameter goes to the parameter (CS0592): the column was stored losslessly, silently.
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Columnar]
            public partial record struct Sample([{|HOT002:Hotpath.Quantize(2)|}] double Memory, [property: Hotpath.DeltaOfDelta] long UnixMs, [field: Hotpath.RunLength] int Phase);
            """,
            s_analyzers,
            new AnalyzerTestOptions { AllowCompilerErrors = true });

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "[Hotpath.Columnar] public partial record struct Sample([Hotpath.Quantize(2)] double Memory);", s_analyzers, new AnalyzerTestOptions { AllowCompilerErrors = true });
        Assert.Equal(
            "Member 'Memory' of type 'double' cannot be encoded by [Columnar]: [Hotpath.Quantize(2)] on the record parameter 'Memory' is on the parameter (CS0592: it is for fields and properties), not on the property the record makes of it; write [property: Hotpath.Quantize(2)]",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
