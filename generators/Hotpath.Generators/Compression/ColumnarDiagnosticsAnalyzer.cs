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
        var diagnostics = new List<Diagnostic>();
        ColumnarParser.Parse(type, diagnostics, cancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            report(diagnostic);
        }
    }
}
