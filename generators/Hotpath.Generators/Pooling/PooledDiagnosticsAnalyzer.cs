using System.Collections.Immutable;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Pooling;

/// <summary>Reports mistakes in [Pooled] types (HOT001 and this capability's own rules) at their source locations.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PooledDiagnosticsAnalyzer : GeneratorDiagnosticsAnalyzer
{
    private protected override string AttributeMetadataName => AttributeNames.Pooled;

    private protected override ImmutableArray<DiagnosticDescriptor> CapabilityDiagnostics => ImmutableArray.Create(
        DiagnosticDescriptors.NoParameterlessConstructor,
        DiagnosticDescriptors.MemberCannotBeReset,
        DiagnosticDescriptors.ArgumentOutOfRange,
        PooledGeneratedMembers.Collision);

    private protected override void AnalyzeTarget(INamedTypeSymbol type, AttributeData attribute, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        var diagnostics = new List<Diagnostic>();
        PooledParser.Parse(type, attribute, semanticModels: null, diagnostics, cancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            report(diagnostic);
        }
    }
}
