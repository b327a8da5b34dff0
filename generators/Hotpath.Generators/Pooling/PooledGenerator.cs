using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Pooling;

/// <summary>
/// Generates <c>Reset()</c>, the explicit <c>IResettable.TryReset()</c> and the static <c>Pool</c> of every
/// [Pooled] partial class. Types with mistakes get no code; their diagnostics come from
/// <see cref="PooledDiagnosticsAnalyzer"/> in a build, or from here when run on its own (see <see cref="GeneratorDiagnostics"/>).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class PooledGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.Pooled,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (syntaxContext, cancellationToken) => Transform(syntaxContext, cancellationToken))
            .WithTrackingName(TrackingNames.PooledModels);

        var valid = models
            .Where(static target => target.Model is not null)
            .Select(static (target, _) => target.Model!)
            .WithTrackingName(TrackingNames.PooledValidModels);

        var named = HintNames.Unique(valid, static model => model.Target.HintName, TrackingNames.PooledHintClashes);
        context.RegisterSourceOutput(named, static (output, item) => output.AddSource(item.Stem + PooledEmitter.HintSuffix, PooledEmitter.Emit(item.Model)));
        GeneratorDiagnostics.Register(context, models, TrackingNames.PooledDiagnostics);
    }

    private static ParsedTarget<PooledModel> Transform(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        return ParsedTarget<PooledModel>.Parse(
            context,
            AttributeNames.Pooled,
            (type, attribute, found) => PooledParser.Parse(
                type,
                attribute,
                SemanticModels.Around(context.SemanticModel),
                found,
                cancellationToken),
            cancellationToken);
    }
}
