using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>
/// DESIGN: <c>OnReset()</c> is called last. Across a [Pooled] hierarchy that means after every level's members are
/// reset, base level's hook first, each level's hook once, however the hooks are declared.
/// </summary>
public sealed class PooledHookOrderTests
{
    private const string Hierarchy = """
        namespace App;

        [Hotpath.Pooled]
        public abstract partial class Event
        {
            [Hotpath.NoReset] public System.Collections.Generic.List<string> Log = new();
            public int A = 1;
            public virtual string State() => "a=" + A;
            partial void OnReset() => Log.Add("Event " + State());
        }

        // A level with no hook of its own, and a plain (not [Pooled]) level between two [Pooled] ones.
        [Hotpath.Pooled]
        public partial class PodEvent : Event
        {
            public int B = 2;
            public override string State() => base.State() + " b=" + B;
        }

        public class Plain : PodEvent
        {
        }

        [Hotpath.Pooled]
        public sealed partial class DeletedPodEvent : Plain
        {
            public int C = 3;
            public override string State() => base.State() + " c=" + C;
            partial void OnReset() => Log.Add("Deleted " + State());

            public static string Probe()
            {
                var item = new DeletedPodEvent { A = 7, B = 8, C = 9 };
                item.Reset();
                ((Microsoft.Extensions.ObjectPool.IResettable)item).TryReset();
                return string.Join(" | ", item.Log);
            }
        }
        """;

    [Fact]
    public void Every_level_is_reset_before_any_hook_runs_and_each_hook_runs_once_base_first()
    {
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), Hierarchy);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal(
            "Event a=1 b=2 c=3 | Deleted a=1 b=2 c=3 | Event a=1 b=2 c=3 | Deleted a=1 b=2 c=3",
            assembly.GetType("App.DeletedPodEvent", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void A_virtual_hook_and_its_override_run_once_after_every_level_is_reset()
    {
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), """
            namespace App;

            [Hotpath.Pooled]
            public partial class Root
            {
                [Hotpath.NoReset] public System.Collections.Generic.List<string> Log = new();
                public int A = 1;
                public virtual string State() => "a=" + A;
                protected virtual void OnReset() => Log.Add("Root " + State());
            }

            [Hotpath.Pooled]
            public sealed partial class Leaf : Root
            {
                public int B = 2;
                public override string State() => base.State() + " b=" + B;
                protected override void OnReset()
                {
                    base.OnReset();
                    Log.Add("Leaf " + State());
                }

                public static string Probe()
                {
                    var item = new Leaf { A = 7, B = 8 };
                    item.Reset();
                    return string.Join(" | ", item.Log);
                }
            }
            """);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        Assert.Equal("Root a=1 b=2 | Leaf a=1 b=2", assembly.GetType("App.Leaf", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_base_in_another_assembly_is_overridden_through_its_hook_chain_or_by_the_older_shape_without_one(bool builtWithTheChain)
    {
        // A [Pooled] base compiled by this generator has OnResetCore(); one compiled by an older Hotpath (its Reset() only
        // calls ResetCore()) has not: the derived type's hook then runs at the end of its ResetCore(), as it did.
        const string Library = """
            namespace Lib;
            [Hotpath.Pooled]
            public partial class Base
            {
                public int A = 1;
            }
            """;
        const string Older = """
            namespace Lib;
            partial class Base : Microsoft.Extensions.ObjectPool.IResettable
            {
                public void Reset() => ResetCore();
                protected virtual void ResetCore() => A = 1;
                bool Microsoft.Extensions.ObjectPool.IResettable.TryReset() { Reset(); return true; }
                public static Hotpath.Pool<Base> Pool { get; } = new(static () => new Base(), static item => item.Reset(), new Hotpath.PoolOptions());
            }
            """;
        var library = builtWithTheChain
            ? GeneratorRunner.RunAndCompile(new PooledGenerator(), Library).OutputCompilation
            : TestCompilation.Create([Library, Older], OutputKind.DynamicallyLinkedLibrary, assemblyName: "Lib");
        using var image = new MemoryStream();
        Assert.True(library.WithAssemblyName("Lib").Emit(image).Success);

        var user = TestCompilation.Create(
            ["namespace App; [Hotpath.Pooled] public sealed partial class Derived : Lib.Base { public int B = 2; [Hotpath.NoReset] public int Hooks; partial void OnReset() => Hooks++; }"],
            OutputKind.DynamicallyLinkedLibrary,
            [MetadataReference.CreateFromImage(image.ToArray())]);
        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new PooledGenerator()), user);
        TestCompilation.AssertNoErrors(run.OutputCompilation);

        var generated = run.Source("App.Derived.Pooled.g.cs").ReplaceLineEndings("\n");
        Assert.Equal(builtWithTheChain, generated.Contains("protected override void OnResetCore()\n        {\n            base.OnResetCore();\n            OnReset();", StringComparison.Ordinal));
        Assert.Equal(!builtWithTheChain, generated.Contains("this.B = 2;\n            OnReset();\n        }", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HOT001_on_a_user_OnResetCore_of_a_type_open_to_inheritance()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.Pooled] public partial class Open { protected virtual void {|HOT001:OnResetCore|}() { } }
            [Hotpath.Pooled] public sealed partial class Closed { void OnResetCore() { } }
            """,
            new DiagnosticAnalyzer[] { new PooledDiagnosticsAnalyzer() });
    }

    [Fact]
    public void ResetCore_and_OnResetCore_of_a_plain_base_are_hidden_without_a_warning_and_left_alone()
    {
        // A generated 'protected virtual' member of a name a plain base already has would be CS0114 in generated code,
        // an error under TreatWarningsAsErrors; it is declared 'new', as the generated Reset() and Pool are.
        var run = GeneratorRunner.RunAndCompile(new PooledGenerator(), """
            namespace App;
            public class Plain
            {
                public int Calls;
                protected virtual void ResetCore() => Calls++;
                protected virtual void OnResetCore() => Calls += 10;
            }

            [Hotpath.Pooled]
            public partial class Open : Plain
            {
                public int X = 1;

                public static string Probe()
                {
                    var item = new Open { X = 5 };
                    item.Reset();
                    return item.X + ":" + item.Calls;
                }
            }
            """);

        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Warning && d.Id != "CS1701"));
        var generated = run.Source("App.Open.Pooled.g.cs");
        Assert.Contains("protected new virtual void ResetCore()", generated, StringComparison.Ordinal);
        Assert.Contains("protected new virtual void OnResetCore()", generated, StringComparison.Ordinal);
        Assert.Equal("1:0", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Open", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }
}
