using System.Globalization;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>
/// Primary-constructor parameters that members capture live in fields the compiler names and the generated reset
/// cannot reach: HOT006 at the parameter, unless the parameter is only read by initializers or is an immutable value
/// no member writes (it then never changes, like a readonly field of an immutable type).
/// </summary>
public sealed class PooledPrimaryConstructorTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new PooledDiagnosticsAnalyzer() };

    [Fact]
    public async Task Primary_constructor_parameters_without_names_while_typing_do_not_throw()
    {
        // 'List<int()' parses as two parameters, both named "": the captures' lookup by name threw (CS8785, AD0001).
        const string source = """
            [Hotpath.Pooled]
            public sealed partial class Items(System.Collections.Generic.List<int()) { }
            """;

        GeneratorRunner.Run(new PooledGenerator(), source); // fails if the generator threw
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(source, s_analyzer, new AnalyzerTestOptions { AllowCompilerErrors = true });
        Assert.DoesNotContain(diagnostics, static d => d.Id == "AD0001");
    }

    [Fact]
    public async Task HOT006_on_a_captured_parameter_of_a_mutable_type_or_one_a_member_writes()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System.Collections.Generic;

            [Hotpath.Pooled]
            public sealed partial class Items(List<int> {|HOT006:items|})
            {
                public Items() : this(new()) { }
                public int Count => items.Count;
            }

            [Hotpath.Pooled]
            public sealed partial class Counter(int {|HOT006:count|})
            {
                public Counter() : this(0) { }
                public void Increment() => count++;
                public int Value => count;
            }

            [Hotpath.Pooled]
            public sealed partial class Assigned(string {|HOT006:name|})
            {
                public Assigned() : this("") { }
                public void Rename(string to) { name = to; }
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task Quiet_on_parameters_only_read_by_initializers_or_immutable_and_never_written()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System.Collections.Generic;

            public class Base(int size) { public int Size = size; }

            [Hotpath.Pooled]
            public sealed partial class Initialized(List<int> seed, int size) : Base(size)
            {
                public Initialized() : this(new(), 4) { }
                public List<int> Items { get; } = new(seed);
                private readonly int _limit = size * 2;
                public System.Func<int> Later = () => seed.Count;
                public string Name() => nameof(seed);
            }

            [Hotpath.Pooled]
            public sealed partial class ReadOnlyUse(int capacity, string label)
            {
                public ReadOnlyUse() : this(8, "x") { }
                public int Capacity => capacity;
                public string Describe() => label + capacity;
            }

            [Hotpath.Pooled]
            public sealed partial class Shadowed(List<int> items)
            {
                public Shadowed() : this(new()) { }
                private readonly List<int> items = items;
                public int Count => items.Count;
            }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT006_message_says_why_and_how_to_fix()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class Items(System.Collections.Generic.List<int> items)
            {
                public Items() : this(new()) { }
                public int Count => items.Count;
            }
            """,
            s_analyzer);

        Assert.Equal(
            "Primary-constructor parameter 'items' of 'Items' cannot be reset: members capture it, so the compiler keeps it in a hidden field the generated reset cannot reach; copy it into a field or property (mark that [NoReset] to keep it across resets) and use that instead",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal("HOT006", diagnostics[0].Id);
    }

    [Fact]
    public void The_generator_reports_it_too_and_emits_nothing_for_the_type()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            [Hotpath.Pooled]
            public sealed partial class Items(System.Collections.Generic.List<int> items)
            {
                public Items() : this(new()) { }
                public int Count => items.Count;
            }

            [Hotpath.Pooled]
            public sealed partial class Fine(int size)
            {
                public Fine() : this(1) { }
                public int[] Buffer = new int[size];
            }
            """);

        Assert.Equal("HOT006", Assert.Single(run.Result.Diagnostics).Id);
        Assert.Equal("Fine.Pooled.g.cs", Assert.Single(run.GeneratedSources).HintName);
    }

    [Fact]
    public async Task HOT006_at_NoReset_on_a_positional_parameter_without_the_property_target_and_quiet_with_it()
    {
        // [NoReset] on a positional parameter goes to the parameter (CS0592): the property was reset, silently.
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Pooled]
            public sealed partial record Pod([Hotpath.NoReset] long Generation, string Name) { public Pod() : this(0, "") { } }

            [Hotpath.Pooled]
            public sealed partial record Kept([property: Hotpath.NoReset] long Generation, string Name) { public Kept() : this(0, "") { } }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AllowCompilerErrors = true });

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("HOT006", diagnostic.Id);
        Assert.Equal(
            "Record parameter 'Generation' of 'Pod' cannot be reset: [Hotpath.NoReset] on the record parameter 'Generation' is on the parameter (CS0592: it is for fields and properties), not on the property the record makes of it; write [property: Hotpath.NoReset]",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }
}
