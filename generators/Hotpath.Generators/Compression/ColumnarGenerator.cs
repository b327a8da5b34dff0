using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Compression;

/// <summary>
/// Emits <c>public static IColumnarCodec&lt;T&gt; Codec { get; }</c> for every [Columnar] partial type: a codec
/// that copies each member straight from the rows into pooled column buffers and the bit-level encoders of
/// Hotpath.Compression (no reflection, no boxing, no per-row allocation). Types with mistakes get no code; their
/// diagnostics come from <see cref="ColumnarDiagnosticsAnalyzer"/> in a build, or from here when run on its own
/// (see <see cref="GeneratorDiagnostics"/>).
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
                static (syntaxContext, cancellationToken) => ParsedTarget<ColumnarModel>.Parse(
                    syntaxContext,
                    AttributeNames.Columnar,
                    (type, attribute, found) => ColumnarParser.Parse(
                        type,
                        attribute,
                        found,
                        cancellationToken,
                        RefReadonlyArguments(syntaxContext.TargetNode.SyntaxTree),
                        SemanticModels.Around(syntaxContext.SemanticModel)),
                    cancellationToken))
            .WithTrackingName(TrackingNames.ColumnarModels);

        var valid = models
            .Where(static target => target.Model is not null)
            .Select(static (target, _) => target.Model!)
            .WithTrackingName(TrackingNames.ColumnarValidModels);

        var named = HintNames.Unique(valid, static model => model.Target.HintName, TrackingNames.ColumnarHintClashes);
        context.RegisterSourceOutput(named, static (production, item) =>
            production.AddSource(item.Stem + ".Columnar.g.cs", ColumnarEmitter.Emit(item.Model)));
        GeneratorDiagnostics.Register(context, models, TrackingNames.ColumnarDiagnostics);
    }

    /// <summary>Whether the code is C# 12 or later (a bool in the model, not the options: the model stays equatable).</summary>
    private static bool RefReadonlyArguments(SyntaxTree tree) =>
        tree.Options is not CSharpParseOptions options || options.LanguageVersion >= LanguageVersion.CSharp12;
}
