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
        DiagnosticDescriptors.NoResetOnHiddenBackingField);

    /// <summary>
    /// HOT006 for a <c>[field: NoReset]</c> on a property that a [Pooled] type in another assembly can
    /// override: the override takes its base's [NoReset], but there the backing field, so the attribute, is not seen.
    /// </summary>
    private protected override void AnalyzeAnyType(INamedTypeSymbol type, Compilation compilation, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        if (type.TypeKind != TypeKind.Class || type.IsSealed)
        {
            return;
        }

        foreach (var (property, attribute) in HiddenBackingFieldRoles.Find(type, AttributeNames.NoReset, cancellationToken))
        {
            if ((property.IsVirtual || (property.IsOverride && !property.IsSealed)) && HiddenBackingFieldRoles.VisibleOutside(property, compilation))
            {
                report(Diagnostic.Create(DiagnosticDescriptors.NoResetOnHiddenBackingField, HiddenBackingFieldRoles.Location(attribute, cancellationToken), DiagnosticDescriptors.HiddenBackingFieldProperties,
                    type.Name, property.Name, HiddenBackingFieldRoles.OnProperty(property, "NoReset", cancellationToken)));
            }
        }
    }

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
