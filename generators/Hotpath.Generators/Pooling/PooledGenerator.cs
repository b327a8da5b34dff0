using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Pooling;

/// <summary>
/// Generates <c>Reset()</c>, the explicit <c>IResettable.TryReset()</c> and the static <c>Pool</c> of every
/// [Pooled] partial class. Reports nothing: <see cref="PooledDiagnosticsAnalyzer"/> reports the mistakes
/// from the same parser, and types with mistakes get no code.
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
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.PooledValidModels);

        context.RegisterSourceOutput(valid, static (output, model) => output.AddSource(PooledEmitter.HintName(model), PooledEmitter.Emit(model)));
    }

    private static PooledModel? Transform(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0)
        {
            return null;
        }

        if (TypeTargetParser.CheckPartial(type, AttributeNames.Pooled, cancellationToken) is not null)
        {
            return null;
        }

        var semanticModel = context.SemanticModel;
        return PooledParser.Parse(
            type,
            context.Attributes[0],
            tree => tree == semanticModel.SyntaxTree ? semanticModel : semanticModel.Compilation.GetSemanticModel(tree),
            diagnostics: null,
            cancellationToken);
    }
}
