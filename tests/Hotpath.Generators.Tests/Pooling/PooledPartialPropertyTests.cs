using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>
/// C# 13 partial properties are reset through the property, by the rules of an auto-property, wherever they are
/// implemented: the [Pooled] generator does not see an implementation another generator adds (an MVVM
/// [ObservableProperty]), while its companion analyzer does, and both must decide alike.
/// </summary>
public sealed class PooledPartialPropertyTests
{
    private const string Declarations = """
        namespace App;

        [Hotpath.Pooled]
        public sealed partial class Observable
        {
            public partial int Count { get; set; }
            public partial string Name { get; set; }
            public partial System.Collections.Generic.List<int> Items { get; }
            public int Plain = 2;

            public static string Probe()
            {
                var item = new Observable { Count = 5, Name = "n", Plain = 9 };
                item.Items.Add(1);
                item.Reset();
                return item.Count + ":" + (item.Name is null ? "null" : item.Name) + ":" + item.Items.Count + ":" + item.Plain + ":" + item.Sets;
            }
        }
        """;

    /// <summary>What another generator would add (the [Pooled] generator never sees it): implementations that count their sets.</summary>
    private const string Implementation = """
        namespace App;

        partial class Observable
        {
            private int _count;
            private string _name = "";
            private readonly System.Collections.Generic.List<int> _items = new();
            public int Sets;
            public partial int Count { get => _count; set { _count = value; Sets++; } }
            public partial string Name { get => _name; set { _name = value; Sets++; } }
            public partial System.Collections.Generic.List<int> Items { get => _items; }
        }
        """;

    [Fact]
    public void Implemented_out_of_sight_they_are_reset_through_the_property()
    {
        var driver = GeneratorRunner.CreateDriver(new PooledGenerator(), new ImplementingGenerator());
        var run = GeneratorRunner.Run(driver, TestCompilation.Create(Declarations));
        TestCompilation.AssertNoErrors(run.OutputCompilation);

        var generated = run.Source("App.Observable.Pooled.g.cs");
        Assert.Contains("this.Count = default;", generated, StringComparison.Ordinal);
        Assert.Contains("this.Name = default!;", generated, StringComparison.Ordinal);
        Assert.Contains("this.Items?.Clear();", generated, StringComparison.Ordinal);

        // Sets: the probe's two, then the reset's two (through the implementing setters).
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("0:null:0:2:4", assembly.GetType("App.Observable", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void Implemented_in_the_type_they_are_reset_through_the_property_and_their_backing_fields_by_their_own_rules()
    {
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), Declarations, Implementation);

        var generated = run.Source("App.Observable.Pooled.g.cs");
        Assert.Contains("this.Count = default;", generated, StringComparison.Ordinal);
        Assert.Contains("this.Items?.Clear();", generated, StringComparison.Ordinal);
        Assert.Contains("this._count = default;", generated, StringComparison.Ordinal);
        Assert.Contains("this._name = \"\";", generated, StringComparison.Ordinal);

        // The fields are declared after the properties, so they end as their own rules say.
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("0::0:2:0", assembly.GetType("App.Observable", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public async Task HOT006_on_a_get_only_partial_property_of_a_mutable_type_implemented_out_of_sight()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class Session
            {
                public partial System.Random {|HOT006:Random|} { get; }
                public partial string Label { get; }
                public partial int this[int index] { get; set; }
            }

            partial class Session
            {
                public partial System.Random Random => new();
                public partial string Label => "x";
                public partial int this[int index] { get => index; set { } }
            }
            """,
            new DiagnosticAnalyzer[] { new PooledDiagnosticsAnalyzer() });
    }

    /// <summary>A source output (post-initialization output would be seen by every generator).</summary>
    private sealed class ImplementingGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterSourceOutput(context.CompilationProvider, static (output, _) => output.AddSource("App.Observable.Impl.g.cs", Implementation));
    }
}
