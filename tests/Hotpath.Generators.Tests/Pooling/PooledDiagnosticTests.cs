using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>HOT001, HOT005, HOT006 and HOT007 on [Pooled] types, reported by the companion analyzer.</summary>
public sealed class PooledDiagnosticTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new PooledDiagnosticsAnalyzer() };

    [Fact]
    public async Task HOT006_is_an_error_in_the_declaring_assembly_at_a_field_targeted_NoReset_that_an_override_elsewhere_cannot_see()
    {
        // An override keeps its base property's [NoReset], but another assembly imports no backing field: a [Pooled] type
        // there that overrides 'Epoch' reset it without a word. Only the assembly that declares the base can say so, and
        // as an error: one renter's state leaks into the next, and marking the property costs nothing.
        const string Lib = """
            namespace Lib;
            public class FeedBase { [field: Hotpath.NoReset] public virtual int Epoch { get; set; } }
            """;
        const string App = """
            namespace App;
            [Hotpath.Pooled] public sealed partial class Feed : Lib.FeedBase { public override int Epoch { get; set; } }
            """;
        Assert.Contains("this.Epoch = default;", ResetAcrossAssemblies(Lib, App), StringComparison.Ordinal);

        var error = Assert.Single(await AnalyzerVerifier.GetDiagnosticsAsync(Lib, s_analyzer));
        Assert.Equal(("HOT006", DiagnosticSeverity.Error), (error.Id, error.Severity));
        Assert.Equal(
            "'Epoch' of 'FeedBase' can be overridden in other assemblies but its [field: NoReset] is on the backing field, which they do not import: " +
            "a [Pooled] type there overriding 'Epoch' would reset it; write [NoReset] on the property itself",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        // As the error says: on the property, the override elsewhere keeps it.
        var marked = Lib.Replace("[field: Hotpath.NoReset]", "[Hotpath.NoReset]", StringComparison.Ordinal);
        Assert.DoesNotContain("Epoch", ResetAcrossAssemblies(marked, App), StringComparison.Ordinal);
        Assert.Empty(await AnalyzerVerifier.GetDiagnosticsAsync(marked, s_analyzer));
    }

    [Fact]
    public async Task HOT006_is_an_error_at_a_field_targeted_NoReset_only_where_other_assemblies_can_override_the_property()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            public class Open
            {
                [field: {|HOT006:Hotpath.NoReset|}] public virtual int Epoch { get; set; }
                [field: {|HOT006:Hotpath.NoReset|}] protected virtual int Guarded { get; set; }
                [field: Hotpath.NoReset] public int NotVirtual { get; set; }
                [Hotpath.NoReset] [field: Hotpath.NoReset] public virtual int OnBoth { get; set; }
                [field: Hotpath.NoReset] internal virtual int InternalOnly { get; set; }
            }
            public class Derived : Open { [field: {|HOT006:Hotpath.NoReset|}] public override int Epoch { get; set; } }
            public class Closed : Open { [field: Hotpath.NoReset] protected sealed override int Guarded { get; set; } }
            public sealed class Sealed { [field: Hotpath.NoReset] public int Epoch { get; set; } }
            internal class Internal { [field: Hotpath.NoReset] public virtual int Epoch { get; set; } }
            """,
            s_analyzer);
    }

    /// <summary>The generated <c>Reset</c> of <paramref name="app"/>'s [Pooled] type, built against <paramref name="lib"/> as the compiler reads it from disk.</summary>
    private static string ResetAcrossAssemblies(string lib, string app)
    {
        using var image = new MemoryStream();
        Assert.True(TestCompilation.Create([lib], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Lib").Emit(image).Success);
        var run = GeneratorRunner.Run(
            GeneratorRunner.CreateDriver(new PooledGenerator()),
            TestCompilation.Create([app], OutputKind.DynamicallyLinkedLibrary, [MetadataReference.CreateFromImage(image.ToArray())]));
        TestCompilation.AssertNoErrors(run.OutputCompilation);
        return Assert.Single(run.GeneratedSources).SourceText.ToString();
    }

    [Fact]
    public async Task HOT001_on_a_type_that_is_not_partial()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled]
            public sealed class {|HOT001:PodState|}
            {
                public int Value;
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT001_on_a_type_nested_in_a_type_that_is_not_partial()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            public class Outer
            {
                [Hotpath.Pooled]
                public sealed partial class {|HOT001:PodState|}
                {
                }
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT005_without_a_parameterless_constructor()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class {|HOT005:Connection|}
            {
                public Connection(string host) => Host = host;
                public string Host;
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT005_on_a_static_class()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled]
            public static partial class {|HOT005:Helpers|}
            {
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT005_with_required_members_and_no_SetsRequiredMembers()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class Order
            {
                public required string Id { get; set; }
            }
            """,
            s_analyzer);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("HOT005", diagnostic.Id);
        Assert.Equal(
            "'Order' is marked [Pooled] but has no parameterless constructor the pool can call: it has the required member 'Id', which 'new Order()' must set (CS9035), " +
            "and an implicit constructor cannot be marked [SetsRequiredMembers]; declare a parameterless constructor marked [SetsRequiredMembers] that sets it " +
            "('[SetsRequiredMembers] private Order() { ... }'; it may be private: the generated Pool is inside the type), or drop 'required'",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(
        "public PReq() { Name = \"\"; }",
        "it has the required member 'Name', which 'new PReq()' must set (CS9035); mark the constructor 'PReq()' [SetsRequiredMembers] (it sets every required member then), or drop 'required'")]
    [InlineData(
        "private PReq(int size = 4) { Name = \"\"; }",
        "it has the required member 'Name', which 'new PReq()' must set (CS9035); mark the constructor 'PReq(int)' [SetsRequiredMembers] (it sets every required member then), or drop 'required'")]
    [InlineData(
        "public required int Size { get; set; }",
        "it has the required members 'Name' and 'Size', which 'new PReq()' must set (CS9035), and an implicit constructor cannot be marked [SetsRequiredMembers]; declare a parameterless constructor marked [SetsRequiredMembers] that sets them ('[SetsRequiredMembers] private PReq() { ... }'; it may be private: the generated Pool is inside the type), or drop 'required'")]
    public async Task HOT005_for_required_members_says_what_to_declare_or_mark(string member, string reason)
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            $$"""
            [Hotpath.Pooled]
            public sealed partial class PReq
            {
                public required string Name { get; set; }
                {{member}}
            }
            """,
            s_analyzer);

        Assert.Equal(
            "'PReq' is marked [Pooled] but has no parameterless constructor the pool can call: " + reason,
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HOT005_for_required_members_and_a_primary_constructor_names_the_method_target()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class PReq(int size = 4)
            {
                public int Size = size;
                public required string Name { get; set; }
            }
            """,
            s_analyzer);

        Assert.Equal(
            "'PReq' is marked [Pooled] but has no parameterless constructor the pool can call: it has the required member 'Name', which 'new PReq()' must set (CS9035); " +
            "mark the primary constructor [SetsRequiredMembers] with '[method: SetsRequiredMembers]' on the declaration of 'PReq', or drop 'required'",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        // The advice, taken, compiles and gets its pool.
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            [Hotpath.Pooled]
            [method: System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
            public sealed partial class PReq(int size = 4)
            {
                public int Size = size;
                public required string Name { get; set; } = "";
            }
            """);
        Assert.Empty(run.Result.Diagnostics);
        Assert.Contains("Pool", run.Source("PReq.Pooled.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HOT005_quiet_for_private_optional_parameter_and_SetsRequiredMembers_constructors_and_abstract_types()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System.Diagnostics.CodeAnalysis;

            [Hotpath.Pooled] public sealed partial class Private { private Private() { } }
            [Hotpath.Pooled] public sealed partial class Optional { public Optional(int size = 4) { } }
            [Hotpath.Pooled] public sealed partial class Implicit { }
            [Hotpath.Pooled] public abstract partial class Abstract { protected Abstract(int x) { } }
            [Hotpath.Pooled]
            public sealed partial class Required
            {
                [SetsRequiredMembers] public Required() => Id = "";
                public required string Id { get; set; }
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT006_on_a_readonly_field_of_a_mutable_type()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class Session
            {
                public readonly System.Security.Cryptography.IncrementalHash {|HOT006:Hash|} = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                public System.Random {|HOT006:Random|} { get; } = new();
                public readonly System.IO.BufferedStream {|HOT006:Buffered|} = new(System.IO.Stream.Null);
                public System.Uri Endpoint { get; init; } = new("http://localhost");
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT006_message_names_member_type_and_how_to_fix()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "[Hotpath.Pooled] public sealed partial class Session { public readonly System.Random Jitter = new(); }",
            s_analyzer);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "Member 'Jitter' of 'Session' cannot be reset: it is a readonly field of type 'System.Random', which is neither a collection, an array, [Pooled] nor IResettable; mark it [NoReset] or make it resettable",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.EndsWith("docs/rules/HOT006.md", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HOT006_quiet_on_readonly_members_that_reset_in_place_or_never_change()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System.Collections.Generic;

            [Hotpath.Pooled] public sealed partial class Usage { public int Cpu; }

            [Hotpath.Pooled]
            public sealed partial class Fine
            {
                public readonly List<int> Items = new();
                public Dictionary<int, int> Map { get; } = new();
                public readonly int[] Buffer = new int[4];
                public readonly Usage Usage = new();
                public readonly int Capacity = 8;
                public readonly string Name = "n";
                public readonly System.DateTime Created = System.DateTime.UtcNow;
                public readonly object Gate = new();
                public readonly System.Action? Callback;
                [Hotpath.NoReset] public readonly System.IO.MemoryStream Stream = new();
                public System.IO.MemoryStream Settable { get; set; } = new();
                public readonly System.IO.MemoryStream Emptied = new();
                public System.IO.MemoryStream Image { get; } = new();
                public readonly System.Buffers.ArrayBufferWriter<byte> Written = new();
                public System.Buffers.ArrayBufferWriter<char> Chars { get; init; } = new();
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT006_quiet_on_a_System_Threading_Lock_readonly_settable_or_get_only()
    {
        // The field HOT201/HOT203's code fix inserts on C# 13: a lock holds no state once released, like a readonly object.
        await AnalyzerVerifier.VerifyAsync(
            """
            using System.Threading;

            [Hotpath.Pooled]
            public sealed partial class Conn
            {
                private readonly Lock _gate = new();
                private readonly System.Threading.Lock _other = new();
                public Lock Gate { get; } = new();
                public Lock? Settable = new();
                public int Value;

                public void Bump() { lock (_gate) { Value++; } }
            }
            """,
            s_analyzer);
    }

    [Theory]
    [InlineData("MaxRetained = 0", "MaxRetained = 0")]
    [InlineData("MaxRetained = -5", "MaxRetained = -5")]
    [InlineData("MaxRetained = 4, Preallocate = 5", "Preallocate = 5")]
    [InlineData("Preallocate = -1", "Preallocate = -1")]
    [InlineData("Preallocate = 2000", "Preallocate = 2000")]
    public async Task HOT007_on_out_of_range_arguments(string arguments, string flagged)
    {
        var markup = "[Hotpath.Pooled(" + arguments.Replace(flagged, "{|HOT007:" + flagged + "|}", StringComparison.Ordinal) + ")]\npublic sealed partial class Bounded { }";
        await AnalyzerVerifier.VerifyAsync(markup, s_analyzer);
    }

    [Fact]
    public async Task HOT007_message_says_what_is_wrong()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "[Hotpath.Pooled(MaxRetained = 10, Preallocate = 11)] public sealed partial class Bounded { }",
            s_analyzer);

        Assert.Equal(
            "[Pooled] argument 'Preallocate' is 11: it must not exceed MaxRetained (10)",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HOT007_quiet_on_valid_bounds()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled(MaxRetained = 1)] public sealed partial class One { }
            [Hotpath.Pooled(MaxRetained = 10, Preallocate = 10)] public sealed partial class Full { }
            [Hotpath.Pooled] public sealed partial class Defaults { }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task Every_mistake_is_reported_at_once()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled({|HOT007:MaxRetained = 0|})]
            public sealed class {|HOT001:{|HOT005:Broken|}|}
            {
                public Broken(int x) { }
                public readonly System.Random {|HOT006:Random|} = new();
            }
            """,
            s_analyzer);
    }

    [Fact]
    public void Types_with_mistakes_get_no_generated_code_and_the_generator_reports_why()
    {
        var run = GeneratorRunner.Run(
            new PooledGenerator(),
            """
            [Hotpath.Pooled(MaxRetained = 0)] public sealed partial class BadBounds { }
            [Hotpath.Pooled] public sealed class NotPartial { }
            [Hotpath.Pooled] public sealed partial class NoCtor { public NoCtor(int x) { } }
            [Hotpath.Pooled] public sealed partial class Unresettable { public readonly System.Random R = new(); }
            [Hotpath.Pooled] public sealed partial class Good { }
            """);

        Assert.Equal(["HOT001", "HOT005", "HOT006", "HOT007"], run.Result.Diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal).ToArray());
        var generated = Assert.Single(run.GeneratedSources);
        Assert.Equal("Good.Pooled.g.cs", generated.HintName);
    }

    [Fact]
    public void Generator_never_throws_on_broken_code()
    {
        var run = GeneratorRunner.Run(
            new PooledGenerator(),
            """
            [Hotpath.Pooled(MaxRetained = "x")] public sealed partial class A { public int = ; }
            [Hotpath.Pooled] public partial struct B { }
            [Hotpath.Pooled] public static partial class C { }
            [Hotpath.Pooled] public sealed partial class D : Missing { public Unknown U; }
            """);

        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.StartsWith("B.", StringComparison.Ordinal));
    }
}
