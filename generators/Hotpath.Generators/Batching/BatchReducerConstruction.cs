using System.Collections.Immutable;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Batching;

/// <summary>
/// State of a [BatchReducer] struct that only a constructor would set. The reducer makes each partial as
/// <c>default</c> and sets only the [GroupKey], [Window] and aggregate members, never calling a constructor, so a
/// primary-constructor parameter (captured in a hidden field, or read by an initializer) and an instance member's
/// initializer would be 0 or null in every partial it makes: HOT004 at the parameter and at the initializer. A record
/// struct's positional parameter that becomes a property of the record is that property, which the reducer sets.
/// </summary>
internal static class BatchReducerConstruction
{
    private const string Why = "the reducer makes each partial as 'default' and sets only its [GroupKey], [Window] and aggregate members, without calling a constructor, so ";

    /// <summary>Reports every primary-constructor parameter and instance member initializer of <paramref name="type"/>.</summary>
    public static void Check(INamedTypeSymbol type, ImmutableArray<Diagnostic>.Builder diagnostics, CancellationToken cancellationToken)
    {
        if (Construction.PrimaryConstructor(type, cancellationToken) is { } primary)
        {
            foreach (var parameter in primary.Parameters)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!BecomesRecordProperty(type, parameter, cancellationToken))
                {
                    diagnostics.Add(Diagnostic.Create(
                        DiagnosticDescriptors.InvalidReducerInput,
                        parameter.Locations.FirstOrDefault() ?? Location.None,
                        "Primary-constructor parameter '" + parameter.Name + "'",
                        type.Name,
                        Why + "'" + parameter.Name + "' would be 0 or null in every partial it makes; remove the parameter (a setting the reducer does not aggregate belongs outside the struct)"));
                }
            }
        }

        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsStatic || member.IsImplicitlyDeclared || member is not (IFieldSymbol or IPropertySymbol))
            {
                continue;
            }

            foreach (var initializer in MemberInitializers.Of(member, cancellationToken))
            {
                diagnostics.Add(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidReducerInput,
                    initializer.GetLocation(),
                    "Member '" + member.Name + "'",
                    type.Name,
                    Why + "this initializer never runs and '" + member.Name + "' would be 0 or null in every partial it makes; remove the initializer"));
            }
        }
    }

    /// <summary>Whether <paramref name="parameter"/> is a record's positional parameter the compiler made a property of (declared by the parameter itself).</summary>
    private static bool BecomesRecordProperty(INamedTypeSymbol type, IParameterSymbol parameter, CancellationToken cancellationToken)
    {
        if (!type.IsRecord)
        {
            return false;
        }

        foreach (var member in type.GetMembers(parameter.Name))
        {
            if (member is IPropertySymbol property &&
                property.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax(cancellationToken) is ParameterSyntax))
            {
                return true;
            }
        }

        return false;
    }
}
