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
        DiagnosticDescriptors.ArgumentOutOfRange);

    private protected override void AnalyzeTarget(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, object? compilationState, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        // A symbol action has no semantic model; the parser asks for one only for a type with a primary constructor
        // or a member initializer, to find captured parameters and constants as the generator does.
#pragma warning disable RS1030
        var diagnostics = new List<Diagnostic>();
        PooledParser.Parse(type, attribute, tree => compilation.GetSemanticModel(tree), diagnostics, cancellationToken);
#pragma warning restore RS1030
        foreach (var diagnostic in diagnostics)
        {
            report(diagnostic);
        }
    }
}
