using System.Collections.Immutable;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Compression;

/// <summary>
/// Reports mistakes in [Columnar] types at their source locations: HOT001 (not partial), HOT002 (member type or
/// encoding not supported) and HOT007 (a [Quantize] argument out of range), from the generator's own parser.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ColumnarDiagnosticsAnalyzer : GeneratorDiagnosticsAnalyzer
{
    private protected override string AttributeMetadataName => AttributeNames.Columnar;

    private protected override ImmutableArray<DiagnosticDescriptor> CapabilityDiagnostics =>
        ImmutableArray.Create(DiagnosticDescriptors.UnsupportedColumnarMember, DiagnosticDescriptors.ArgumentOutOfRange);

    private protected override void AnalyzeTarget(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, object? compilationState, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        // A symbol action has no semantic model; the parser asks for one only for a type (or base) with a primary
        // constructor, to find the parameters its members capture, and to bind a field-like event's [field: …]
        // attributes, as the generator does.
        var diagnostics = new List<Diagnostic>();
#pragma warning disable RS1030
        ColumnarParser.Parse(type, attribute, diagnostics, cancellationToken, semanticModels: tree => compilation.GetSemanticModel(tree));
#pragma warning restore RS1030
        foreach (var diagnostic in diagnostics)
        {
            report(diagnostic);
        }
    }
}
