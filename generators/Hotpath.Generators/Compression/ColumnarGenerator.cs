using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Compression;

/// <summary>
/// Emits <c>public static IColumnarCodec&lt;T&gt; Codec { get; }</c> for every [Columnar] partial type: a codec
/// that copies each member straight from the rows into pooled column buffers and the bit-level encoders of
/// Hotpath.Compression (no reflection, no boxing, no per-row allocation). Never reports diagnostics: the
/// companion <see cref="ColumnarDiagnosticsAnalyzer"/> does, from the same parser.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ColumnarGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.Columnar,
                static (node, _) => node is TypeDeclarationSyntax,
                static (syntaxContext, cancellationToken) => ColumnarParser.ParseForGenerator((INamedTypeSymbol)syntaxContext.TargetSymbol, cancellationToken))
            .WithTrackingName(TrackingNames.ColumnarModels);

        var valid = models
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.ColumnarValidModels);

        context.RegisterSourceOutput(valid, static (production, model) =>
            production.AddSource(model.Target.HintName + ".Columnar.g.cs", ColumnarEmitter.Emit(model)));
    }
}
