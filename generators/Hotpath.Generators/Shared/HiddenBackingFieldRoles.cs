using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Role attributes that <c>[field: …]</c> puts on a property's compiler-made backing field (an auto-property, one using
/// <c>field</c>, a positional record's property), in a type other assemblies can see. The generators of this assembly
/// read them as the property's (<see cref="BackingFieldAttributes"/>), but a build imports no private member of a
/// referenced assembly (a reference assembly has none): another assembly's generator never sees them, and drops the
/// role without a word (a cache key loses that part, an override of a [NoReset] property is reset).
/// </summary>
internal static class HiddenBackingFieldRoles
{
    /// <summary>
    /// The instance properties of <paramref name="type"/> whose backing field has a <paramref name="roleMetadataName"/> attribute
    /// that the property itself has not, with that attribute (only those written in source, which have a location).
    /// </summary>
    public static IEnumerable<(IPropertySymbol Property, AttributeData Attribute)> Find(INamedTypeSymbol type, string roleMetadataName, CancellationToken cancellationToken)
    {
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IFieldSymbol { IsImplicitlyDeclared: true, IsStatic: false, AssociatedSymbol: IPropertySymbol property } field ||
                property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == roleMetadataName))
            {
                continue;
            }

            foreach (var attribute in field.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == roleMetadataName && attribute.ApplicationSyntaxReference is not null)
                {
                    yield return (property, attribute);
                }
            }
        }
    }

    /// <summary>
    /// Whether code in another assembly can name <paramref name="symbol"/>: it and every containing type public or
    /// protected (<c>protected internal</c> too), or internal while this assembly has <c>[InternalsVisibleTo]</c>.
    /// </summary>
    public static bool VisibleOutside(ISymbol symbol, Compilation compilation)
    {
        bool? grantsInternals = null;
        for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingType)
        {
            switch (current.DeclaredAccessibility)
            {
                case Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal:
                    break;
                case Accessibility.Internal:
                    grantsInternals ??= compilation.Assembly.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == "System.Runtime.CompilerServices.InternalsVisibleToAttribute");
                    if (!grantsInternals.Value)
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>The attribute's location (it has one: <see cref="Find"/> returns only those).</summary>
    public static Location Location(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference!.GetSyntax(cancellationToken).GetLocation();

    /// <summary>
    /// How to write the role on <paramref name="property"/> itself: <c>[CacheKey(1)]</c>, or for a positional record's
    /// property, declared by a parameter (where a bare attribute goes to the parameter), <c>[property: CacheKey(1)]</c>.
    /// </summary>
    public static string OnProperty(IPropertySymbol property, string attribute, CancellationToken cancellationToken) =>
        property.DeclaringSyntaxReferences.Length > 0 && property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is ParameterSyntax
            ? "[property: " + attribute + "]"
            : "[" + attribute + "] on the property itself";
}
