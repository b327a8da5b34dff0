using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Batching;

/// <summary>
/// Emits <c>Combine</c> and the nested <c>Reducer</c> for every <c>[BatchReducer]</c> partial struct. Reports nothing:
/// <see cref="BatchReducerDiagnosticsAnalyzer"/> reports what the shared parser finds, and an invalid struct simply
/// gets no generated code.
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
                static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type
                    ? BatchReducerParser.Parse(type, ctx.Attributes[0], ct).Model
                    : null)
            .WithTrackingName(TrackingNames.BatchReducerModels);

        var valid = models
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.BatchReducerValidModels);

        context.RegisterSourceOutput(valid, static (spc, model) =>
            spc.AddSource(BatchReducerEmitter.HintName(model), BatchReducerEmitter.Emit(model)));
    }
}
