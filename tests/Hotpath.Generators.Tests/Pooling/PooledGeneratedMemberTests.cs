using System.Collections.Immutable;
using System.Globalization;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>
/// Members the user declares that the generator also emits (<c>Reset()</c>, <c>ResetCore()</c>, <c>Pool</c>, the explicit
/// <c>IResettable.TryReset()</c>, <c>OnReset()</c>): HOT001 at the user's member and no code, never a compile error in
/// generated code; a plain <c>void OnReset()</c> is taken as the hook.
/// </summary>
public sealed class PooledGeneratedMemberTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new PooledDiagnosticsAnalyzer() };

    private static readonly AnalyzerTestOptions s_withGenerator = new() { Generators = ImmutableArray.Create<IIncrementalGenerator>(new PooledGenerator()) };

    [Fact]
    public async Task HOT001_at_each_user_member_the_generator_also_emits()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using Microsoft.Extensions.ObjectPool;

            [Hotpath.Pooled] public sealed partial class OwnReset { public int X; public void {|HOT001:Reset|}() => X = 0; }
            [Hotpath.Pooled] public sealed partial class PoolProperty { public static object {|HOT001:Pool|} => new(); }
            [Hotpath.Pooled] public sealed partial class PoolField { public int {|HOT001:Pool|}; }
            [Hotpath.Pooled] public sealed partial class PoolMethod { public static int {|HOT001:Pool|}(int size) => size; }
            [Hotpath.Pooled] public sealed partial class PoolType { public sealed class {|HOT001:Pool|} { } }
            [Hotpath.Pooled] public sealed partial class OwnTryReset : IResettable { bool IResettable.{|HOT001:TryReset|}() => true; }
            [Hotpath.Pooled] public partial class OpenCore { protected virtual void {|HOT001:ResetCore|}() { } }
            [Hotpath.Pooled] public partial class Derived : OpenBase { protected void {|HOT001:ResetCore|}() { } }
            [Hotpath.Pooled] public partial class OpenBase { }
            [Hotpath.Pooled] public sealed partial class StaticHook { static void {|HOT001:OnReset|}() { } }
            [Hotpath.Pooled] public sealed partial class ValueHook { bool {|HOT001:OnReset|}() => true; }
            [Hotpath.Pooled] public sealed partial class FieldHook { public int {|HOT001:OnReset|}; }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT001_message_names_the_member_and_what_to_do()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.Pooled] public sealed partial class Session { public void Reset() { } }
            [Hotpath.Pooled] public sealed partial class Hook { static void OnReset() { } }
            """,
            s_analyzer);

        Assert.Equal(
            new[]
            {
                "'Hook' is marked [Pooled] but declares 'OnReset()' static, which the generated reset calls last as an instance 'void OnReset()'; make it an instance method returning void",
                "'Session' is marked [Pooled] but declares 'Reset()', which the generator emits; remove it and put what it does beyond the reset rules in 'void OnReset()', which the generated Reset() calls last",
            },
            diagnostics.Select(static d => d.GetMessage(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToArray());
        Assert.All(diagnostics, static d => Assert.Equal("HOT001", d.Id));
        Assert.All(diagnostics, static d => Assert.EndsWith("docs/rules/HOT001.md", d.Descriptor.HelpLinkUri, StringComparison.Ordinal));
    }

    [Fact]
    public void The_generator_emits_nothing_for_such_a_type_and_reports_why()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            [Hotpath.Pooled] public sealed partial class OwnReset { public void Reset() { } }
            [Hotpath.Pooled] public sealed partial class PoolType { public sealed class Pool { } }
            [Hotpath.Pooled] public sealed partial class OwnTryReset : Microsoft.Extensions.ObjectPool.IResettable { bool Microsoft.Extensions.ObjectPool.IResettable.TryReset() => true; }
            [Hotpath.Pooled] public sealed partial class Good { }
            """);

        Assert.Equal(["HOT001", "HOT001", "HOT001"], run.Result.Diagnostics.Select(static d => d.Id).ToArray());
        Assert.Equal("Good.Pooled.g.cs", Assert.Single(run.GeneratedSources).HintName);
    }

    [Fact]
    public async Task Quiet_on_overloads_and_members_that_do_not_collide_and_on_the_generated_members_themselves()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled]
            public sealed partial class Fine
            {
                public int X;
                public void Reset(int to) { Reset(); X = to; }
                public void Reset<T>() { }
                public bool TryReset() => true;
                void OnReset(int value) { }
                partial void OnReset() => X = 2;
            }

            [Hotpath.Pooled] public sealed partial class PlainHook { public int Calls; void OnReset() => Calls++; }
            [Hotpath.Pooled] public partial class Open { public int Y; }
            [Hotpath.Pooled] public sealed partial class Closed : Open { public int Z; }
            """,
            s_analyzer,
            s_withGenerator);
    }

    [Fact]
    public async Task The_generated_members_are_recognised_by_their_GeneratedCode_attribute_not_by_their_file_name()
    {
        // The analyzer runs on a compilation that holds the generated members: they are the generator's by the
        // [GeneratedCode("Hotpath.Generators", …)] on each, wherever the file is (a file of another name is quiet)...
        const string Source = "[Hotpath.Pooled] public partial class Open { public int X; partial void OnReset() => X = 2; }\n[Hotpath.Pooled] public sealed partial class Closed : Open { public int Y; }";
        var generated = GeneratorRunner.RunAndCompile(new PooledGenerator(), Source).GeneratedSources;
        var moved = TestCompilation.Create(Source).AddSyntaxTrees(generated.Select(static (g, i) =>
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(g.SourceText, TestCompilation.ParseOptions, "/obj/moved" + i + ".cs")));
        TestCompilation.AssertNoErrors(moved);
        Assert.Empty(await AnalyzerVerifier.RunAnalyzersAsync(moved, s_analyzer));

        // ...and a user's Reset() in a file named like the generator's output is still the user's: HOT001 and no code
        // (not CS0111 in generated code). (A build would not show it there, in a file the compiler takes for generated.)
        var named = TestCompilation.Create("[Hotpath.Pooled] public sealed partial class Session { }").AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "partial class Session { public void Reset() { } }", TestCompilation.ParseOptions, "/obj/Hotpath.Generators/Hotpath.Generators.Pooling.PooledGenerator/Session.Pooled.g.cs"));
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new PooledGenerator()), named);
        Assert.Equal("HOT001", Assert.Single(run.Result.Diagnostics).Id);
        Assert.Empty(run.GeneratedSources);
        TestCompilation.AssertNoErrors(run.OutputCompilation);
    }

    [Fact]
    public void A_plain_void_OnReset_is_the_hook_called_last_and_gets_no_partial_declaration()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Counter
            {
                public int Value = 1;
                [Hotpath.NoReset] public int Resets;
                private void OnReset() => Resets += Value;

                public static string Probe()
                {
                    var counter = new Counter { Value = 5 };
                    counter.Reset();
                    ((Microsoft.Extensions.ObjectPool.IResettable)counter).TryReset();
                    return counter.Value + ":" + counter.Resets;
                }
            }

            [Hotpath.Pooled]
            public partial class Base
            {
                public int Calls;
                protected void OnReset() => Calls++;
            }

            [Hotpath.Pooled]
            public sealed partial class Derived : Base
            {
                public int Own = 3;
                public int OwnCalls;
                public new void OnReset() => OwnCalls++;

                public static string Probe()
                {
                    var item = new Derived { Own = 9 };
                    item.Reset();
                    return item.Own + ":" + item.Calls + ":" + item.OwnCalls;
                }
            }
            """);

        var generated = run.Source("App.Counter.Pooled.g.cs");
        Assert.DoesNotContain("partial void OnReset();", generated, StringComparison.Ordinal);
        Assert.Contains("this.Value = 1;\n            OnReset();\n        }", generated.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("1:2", assembly.GetType("App.Counter", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
        Assert.Equal("3:1:1", assembly.GetType("App.Derived", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void An_inherited_OnReset_is_not_hidden_and_an_override_is_not_called_twice()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            namespace App;

            public class Plain
            {
                public int PlainCalls;
                protected void OnReset() => PlainCalls++;
            }

            [Hotpath.Pooled]
            public sealed partial class FromPlain : Plain
            {
                public int X = 1;
            }

            [Hotpath.Pooled]
            public partial class Root
            {
                [Hotpath.NoReset] public int Calls;
                public virtual void OnReset() => Calls++;
            }

            [Hotpath.Pooled]
            public sealed partial class Overriding : Root
            {
                public int Y = 2;
                public override void OnReset() => Calls += 10;

                public static string Probe()
                {
                    var item = new Overriding { Y = 5 };
                    item.Reset();
                    var plain = new FromPlain { X = 7 };
                    plain.Reset();
                    return item.Y + ":" + item.Calls + ":" + plain.X + ":" + plain.PlainCalls;
                }
            }
            """);

        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Warning && d.Id != "CS1701"));
        Assert.DoesNotContain("OnReset", run.Source("App.FromPlain.Pooled.g.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain("OnReset", run.Source("App.Overriding.Pooled.g.cs"), StringComparison.Ordinal);
        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("2:10:1:0", assembly.GetType("App.Overriding", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }
}
