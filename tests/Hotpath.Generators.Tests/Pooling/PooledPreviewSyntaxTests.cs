using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>
/// C# 14 member shapes (the <c>field</c> keyword, custom and partial events), compiled with the preview language version
/// the test Roslyn needs for them. Compiled and run.
/// </summary>
public sealed class PooledPreviewSyntaxTests
{
    private static readonly CSharpParseOptions s_preview = new(LanguageVersion.Preview);

    [Fact]
    public void A_field_keyword_property_is_reset_through_its_setter_and_the_setter_runs()
    {
        var run = Run("""
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Observed
            {
                [Hotpath.NoReset] public int Changes;
                public int Count { get; set { field = value; Changes++; } } = 3;
                public string Name { get => field ?? ""; set => field = value.Trim(); } = "";

                public static string Probe()
                {
                    var item = new Observed { Count = 7, Name = " n " };
                    item.Reset();
                    return item.Count + ":" + item.Name + ":" + item.Changes;
                }
            }
            """);

        var generated = run.Source("App.Observed.Pooled.g.cs");
        Assert.Contains("this.Count = 3;", generated, StringComparison.Ordinal);
        Assert.Contains("this.Name = \"\";", generated, StringComparison.Ordinal);
        Assert.Equal("3::2", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Observed", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void Custom_events_are_left_to_their_backing_field_and_field_like_events_are_unsubscribed()
    {
        var run = Run("""
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Notifier
            {
                private System.Action? _custom;
                public event System.Action Custom { add => _custom += value; remove => _custom -= value; }
                public event System.Action? FieldLike;

                public static string Probe()
                {
                    var item = new Notifier();
                    item.Custom += static () => { };
                    item.FieldLike += static () => { };
                    item.Reset();
                    return (item._custom is null) + ":" + (item.FieldLike is null);
                }
            }
            """);

        var generated = run.Source("App.Notifier.Pooled.g.cs");
        Assert.DoesNotContain("this.Custom", generated, StringComparison.Ordinal);
        Assert.Equal("True:True", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Notifier", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void Partial_events_are_skipped_like_custom_events()
    {
        var run = Run("""
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Partial
            {
                private System.Action? _changed;
                public partial event System.Action Changed;
                public partial event System.Action Changed { add => _changed += value; remove => _changed -= value; }

                public static bool Probe()
                {
                    var item = new Partial();
                    item.Changed += static () => { };
                    item.Reset();
                    return item._changed is null;
                }
            }
            """);

        Assert.DoesNotContain("this.Changed", run.Source("App.Partial.Pooled.g.cs"), StringComparison.Ordinal);
        Assert.Equal(true, TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Partial", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    private static GeneratorRun Run(string source)
    {
        var compilation = TestCompilation.Create(source);
        compilation = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees[0], CSharpSyntaxTree.ParseText(source, s_preview, TestCompilation.SourcePath(0)));
        var driver = CSharpGeneratorDriver.Create(new[] { new PooledGenerator().AsSourceGenerator() }, parseOptions: s_preview);
        var run = GeneratorRunner.Run(driver, compilation);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
        return run;
    }
}
