using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace Hotpath.Generators.Tests.Harness;

/// <summary>Tests of the incremental-caching and model-purity helpers (the generator is a test double).</summary>
public sealed class IncrementalHarnessTests
{
    private const string Source = "[Tests.Greeting] public partial class Basket { }";

    [Fact]
    public void Unrelated_edit_leaves_the_model_step_cached()
    {
        var (_, second) = IncrementalAssert.RunTwice(new GreetingGenerator(), new[] { GreetingGenerator.AttributeSource, Source }, CompilationEdits.AddUnrelatedFile);

        IncrementalAssert.CachedOrUnchanged(second, GreetingGenerator.ModelStep);
        IncrementalAssert.SourceOutputsCachedOrUnchanged(second);
    }

    [Fact]
    public void Relevant_edit_is_modified_and_the_cached_assertion_catches_it()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new GreetingGenerator(),
            new[] { GreetingGenerator.AttributeSource, Source },
            c => CompilationEdits.ReplaceSource(c, 1, "[Tests.Greeting(Salutation = \"Hey\")] public partial class Basket { }"));

        IncrementalAssert.HasReason(second, GreetingGenerator.ModelStep, IncrementalStepRunReason.Modified);
        Assert.Throws<XunitException>(() => IncrementalAssert.CachedOrUnchanged(second, GreetingGenerator.ModelStep));
    }

    [Fact]
    public void A_new_annotated_type_is_new()
    {
        var (_, second) = IncrementalAssert.RunTwice(
            new GreetingGenerator(),
            new[] { GreetingGenerator.AttributeSource, Source },
            c => CompilationEdits.AddSource(c, "[Tests.Greeting] public partial class Order { }"));

        IncrementalAssert.HasReason(second, GreetingGenerator.ModelStep, IncrementalStepRunReason.New);
    }

    [Fact]
    public void A_misspelt_step_name_fails_instead_of_passing_vacuously()
    {
        var run = GeneratorRunner.Run(new GreetingGenerator(), GreetingGenerator.AttributeSource, Source);

        var failure = Assert.Throws<XunitException>(() => IncrementalAssert.CachedOrUnchanged(run, "Greeting.Modles"));

        Assert.Contains("No step named 'Greeting.Modles'", failure.Message);
    }

    [Fact]
    public void Model_purity_accepts_records_of_strings()
    {
        var run = GeneratorRunner.Run(new GreetingGenerator(), GreetingGenerator.AttributeSource, Source);

        IncrementalAssert.ModelsArePure(run, GreetingGenerator.ModelStep);
    }

    [Fact]
    public void Model_purity_rejects_a_model_holding_a_symbol()
    {
        var run = GeneratorRunner.Run(new ImpureGenerator(), GreetingGenerator.AttributeSource, Source);

        var failure = Assert.Throws<XunitException>(() => IncrementalAssert.ModelsArePure(run, ImpureGenerator.ModelStep));

        Assert.Contains("Symbol", failure.Message);
    }
}
