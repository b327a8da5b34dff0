using System.Collections.Immutable;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Batching;

/// <summary>
/// Reports mistakes in [BatchReducer] types at their source locations: HOT001 (not partial), HOT004 (an attribute
/// names a missing or incompatible input member, a role sits on an event's field, or the struct has a
/// primary-constructor parameter or an initializer its partials never get) and HOT007 (a window of 0 or fewer seconds).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BatchReducerDiagnosticsAnalyzer : GeneratorDiagnosticsAnalyzer
{
    private protected override string AttributeMetadataName => AttributeNames.BatchReducer;

    private protected override ImmutableArray<DiagnosticDescriptor> CapabilityDiagnostics =>
        ImmutableArray.Create(DiagnosticDescriptors.InvalidReducerInput, DiagnosticDescriptors.ArgumentOutOfRange);

    private protected override void AnalyzeTarget(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, object? compilationState, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        // A symbol action has no semantic model; the parser asks for one only to bind a field-like event's [field: …]
        // attributes, as the generator does.
#pragma warning disable RS1030
        var parsed = BatchReducerParser.Parse(type, attribute, tree => compilation.GetSemanticModel(tree), cancellationToken);
#pragma warning restore RS1030
        foreach (var diagnostic in parsed.Diagnostics)
        {
            report(diagnostic);
        }
    }
}
