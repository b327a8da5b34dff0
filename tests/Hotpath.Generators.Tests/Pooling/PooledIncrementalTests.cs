using Hotpath.Generators.Pooling;
using Hotpath.Generators.Shared;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>The [Pooled] pipeline caches: unrelated edits reuse every step; relevant edits re-run only what changed.</summary>
public sealed class PooledIncrementalTests
{
    private const string Source = """
        using System.Collections.Generic;
        namespace App;

        [Hotpath.Pooled(MaxRetained = 64)]
        public sealed partial class PodState
        {
            public string Namespace = "";
            public List<int> Items { get; } = new();
        }
        """;

    private static readonly string[] s_steps = { TrackingNames.PooledModels, TrackingNames.PooledValidModels };

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached()
    {
        var (_, second) = IncrementalAssert.RunTwice(new PooledGenerator(), new[] { Source }, CompilationEdits.AddUnrelatedFile);

        IncrementalAssert.CachedOrUnchanged(second, s_steps);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
    }

    [Fact]
    public void Editing_a_method_body_of_the_type_leaves_the_model_unchanged()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new PooledGenerator(),
            new[] { Source },
            c => CompilationEdits.ReplaceSource(c, 0, Source.Replace("public List<int> Items { get; } = new();", "public List<int> Items { get; } = new();\n    public int Sum() => Items.Count + 1;", StringComparison.Ordinal)));

        IncrementalAssert.CachedOrUnchanged(second, TrackingNames.PooledValidModels);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
    }

    [Fact]
    public void Changed_attribute_argument_is_modified()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new PooledGenerator(),
            new[] { Source },
            c => CompilationEdits.ReplaceSource(c, 0, Source.Replace("MaxRetained = 64", "MaxRetained = 128", StringComparison.Ordinal)));

        IncrementalAssert.HasReason(second, TrackingNames.PooledModels, IncrementalStepRunReason.Modified);
        IncrementalAssert.HasReason(second, TrackingNames.PooledValidModels, IncrementalStepRunReason.Modified);
        Assert.Contains("MaxRetained = 128,", second.Source("PodState.Pooled.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Added_member_is_modified()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new PooledGenerator(),
            new[] { Source },
            c => CompilationEdits.ReplaceSource(c, 0, Source.Replace("public string Namespace = \"\";", "public string Namespace = \"\";\n    public int Restarts = 3;", StringComparison.Ordinal)));

        IncrementalAssert.HasReason(second, TrackingNames.PooledModels, IncrementalStepRunReason.Modified);
        Assert.Contains("this.Restarts = 3;", second.Source("PodState.Pooled.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void New_pooled_type_is_new_and_the_existing_one_stays_cached()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new PooledGenerator(),
            new[] { Source },
            c => CompilationEdits.AddSource(c, "namespace App; [Hotpath.Pooled] public sealed partial class NodeState { public int Cpu; }"));

        IncrementalAssert.HasReason(second, TrackingNames.PooledModels, IncrementalStepRunReason.New);
        Assert.Contains(IncrementalAssert.Outputs(second, TrackingNames.PooledModels), o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Equal(2, second.GeneratedSources.Length);
    }

    [Fact]
    public void Models_hold_no_Roslyn_objects()
    {
        var run = GeneratorRunner.Run(new PooledGenerator(), Source, "[Hotpath.Pooled] public partial class Base { public int X = 1; } [Hotpath.Pooled] public sealed partial class Derived : Base { }");
        IncrementalAssert.ModelsArePure(run, s_steps);
    }

    [Fact]
    public void Emitter_is_a_pure_function_of_the_model()
    {
        var model = new PooledModel(
            new TypeTarget("App", "Hand", "class", "", "global::App.Hand", EquatableArray<ContainingType>.Empty, "App.Hand", IsValueType: false, IsSealed: true),
            MaxRetained: 8,
            Preallocate: 2,
            PooledShape.SealedRoot,
            EmitPool: true,
            HidesBasePool: false,
            BaseReset.None,
            new[] { new ResetStep(ResetKind.Assign, "Count", "7"), new ResetStep(ResetKind.ClearReference, "Items", null) }.ToEquatableArray());

        var first = PooledEmitter.Emit(model);
        Assert.Equal(first, PooledEmitter.Emit(model with { }));
        Assert.Equal("App.Hand.Pooled.g.cs", PooledEmitter.HintName(model));
        Snapshot.VerifyText(first);
    }
}
