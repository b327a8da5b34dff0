using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Batching;

/// <summary>
/// Emits <c>Combine</c> and the nested <c>Reducer</c> for every <c>[BatchReducer]</c> partial struct. An invalid struct
/// gets no generated code; its diagnostics come from <see cref="BatchReducerDiagnosticsAnalyzer"/> in a build, or from
/// here when run on its own (see <see cref="GeneratorDiagnostics"/>).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BatchReducerGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.BatchReducer,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Transform(ctx, ct))
            .WithTrackingName(TrackingNames.BatchReducerModels);

        var valid = models
            .Where(static target => target.Model is not null)
            .Select(static (target, _) => target.Model!)
            .WithTrackingName(TrackingNames.BatchReducerValidModels);

        var named = HintNames.Unique(valid, static model => model.Target.HintName, TrackingNames.BatchReducerHintClashes);
        context.RegisterSourceOutput(named, static (spc, item) =>
            spc.AddSource(item.Stem + BatchReducerEmitter.HintSuffix, BatchReducerEmitter.Emit(item.Model)));
        GeneratorDiagnostics.Register(context, models, TrackingNames.BatchReducerDiagnostics);
    }

    private static ParsedTarget<BatchReducerModel> Transform(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        ParsedTarget<BatchReducerModel>.Parse(context, AttributeNames.BatchReducer, (type, attribute) =>
            BatchReducerParser.Parse(type, attribute, SemanticModels.Around(context.SemanticModel), cancellationToken), cancellationToken);
}
