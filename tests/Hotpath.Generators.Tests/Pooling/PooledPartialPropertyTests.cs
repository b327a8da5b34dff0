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
    public void Implemented_in_the_type_over_fields_of_the_type_each_field_is_reset_once_by_its_own_rules_and_the_property_not_at_all()
    {
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), Declarations, Implementation);

        var generated = run.Source("App.Observable.Pooled.g.cs");
        Assert.Contains("this._count = default;", generated, StringComparison.Ordinal);
        Assert.Contains("this._name = \"\";", generated, StringComparison.Ordinal);
        Assert.Contains("this._items?.Clear();", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("this.Count", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("this.Name", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("this.Items", generated, StringComparison.Ordinal);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("0::0:2:0", assembly.GetType("App.Observable", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void A_storage_field_declared_before_its_partial_property_keeps_its_constant_and_the_setter_does_not_run()
    {
        // Reset twice (field, then property), '_name' ended null and the setter ran on every reset.
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), """
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Labelled
            {
                private string _name = "unnamed";
                private int _size = 3;
                [Hotpath.NoReset] public int Sets;
                public partial string Name { get; set; }
                public partial int Size { get; set; }
                public partial int Twice { get; }

                public static string Probe()
                {
                    var item = new Labelled { Name = "n", Size = 8 };
                    item.Reset();
                    return item.Name + ":" + item.Size + ":" + item.Twice + ":" + item.Sets;
                }
            }

            partial class Labelled
            {
                public partial string Name { get { return this._name; } set { _name = value; Sets++; } }
                public partial int Size { get => _size; set { _size = value; Sets++; } }
                public partial int Twice => _size * 2;
            }
            """);

        var generated = run.Source("App.Labelled.Pooled.g.cs");
        Assert.Equal(1, Count(generated, "this._name = \"unnamed\";"));
        Assert.Equal(1, Count(generated, "this._size = 3;"));
        Assert.DoesNotContain("this.Name", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("this.Size", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("this.Twice", generated, StringComparison.Ordinal); // get-only and computed: nothing to reset

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("unnamed:3:6:2", assembly.GetType("App.Labelled", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void NoReset_on_either_the_property_or_its_storage_field_leaves_the_storage_alone()
    {
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), """
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Marked
            {
                private int _kept;
                [Hotpath.NoReset] private int _pinned;
                [Hotpath.NoReset] public partial int Kept { get; set; }
                public partial int Pinned { get; set; }

                public static string Probe()
                {
                    var item = new Marked { Kept = 4, Pinned = 5 };
                    item.Reset();
                    return item.Kept + ":" + item.Pinned;
                }
            }

            partial class Marked
            {
                public partial int Kept { get => _kept; set => _kept = value; }
                public partial int Pinned { get => _pinned; set => _pinned = value; }
            }
            """);

        var generated = run.Source("App.Marked.Pooled.g.cs");
        Assert.DoesNotContain("_kept", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Pinned", generated, StringComparison.OrdinalIgnoreCase);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("4:5", assembly.GetType("App.Marked", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void Implemented_over_its_own_field_keyword_storage_it_is_reset_through_the_property_once()
    {
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), """
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Keyworded
            {
                [Hotpath.NoReset] public int Sets;
                public partial int Count { get; set; }

                public static string Probe()
                {
                    var item = new Keyworded { Count = 5 };
                    item.Reset();
                    return item.Count + ":" + item.Sets;
                }
            }

            partial class Keyworded
            {
                public partial int Count { get => field; set { field = value; Sets++; } }
            }
            """);

        Assert.Equal(1, Count(run.Source("App.Keyworded.Pooled.g.cs"), "this.Count = default;"));
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("0:2", assembly.GetType("App.Keyworded", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
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

    [Fact]
    public async Task HOT006_once_on_a_get_only_partial_property_of_a_mutable_type_over_a_readonly_field_and_none_when_the_field_is_NoReset()
    {
        // On the property, as when the implementation is out of sight (the generator and its analyzer agree), not again on the field.
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class Session
            {
                private readonly System.Random _random = new();
                [Hotpath.NoReset] private readonly System.Random _pinned = new();
                public partial System.Random {|HOT006:Random|} { get; }
                public partial System.Random Pinned { get; }
            }

            partial class Session
            {
                public partial System.Random Random => _random;
                public partial System.Random Pinned => _pinned;
            }
            """,
            new DiagnosticAnalyzer[] { new PooledDiagnosticsAnalyzer() });
    }

    [Fact]
    public void A_partial_property_exposing_its_storage_field_as_an_interface_is_reset_once_through_the_field()
    {
        // 'IList<int> Items { get => _items; … }' over a List<int>: the list is the storage, cleared once (it was
        // cleared twice, through the property and through the field).
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), """
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Exposed
            {
                private System.Collections.Generic.List<int> _items = new();
                public partial System.Collections.Generic.IList<int> Items { get; set; }

                public static int Probe()
                {
                    var item = new Exposed();
                    item.Items.Add(1);
                    item.Reset();
                    return item.Items.Count;
                }
            }

            partial class Exposed
            {
                public partial System.Collections.Generic.IList<int> Items { get => _items; set => _items = (System.Collections.Generic.List<int>)value; }
            }
            """);

        var generated = run.Source("App.Exposed.Pooled.g.cs");
        Assert.Contains("this._items?.Clear();", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("this.Items", generated, StringComparison.Ordinal);
        Assert.Equal(0, TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Exposed", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    /// <summary>A source output (post-initialization output would be seen by every generator).</summary>
    private sealed class ImplementingGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterSourceOutput(context.CompilationProvider, static (output, _) => output.AddSource("App.Observable.Impl.g.cs", Implementation));
    }
}
