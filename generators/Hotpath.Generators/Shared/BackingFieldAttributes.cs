using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// The attributes a user put on a member, counting those an auto-property's <c>[field: …]</c> puts on its backing field
/// (<c>[field: Quantize(2)] public double Memory { get; set; }</c>): the compiler keeps those on the field, which the
/// generators otherwise skip as compiler-generated, so the user's request would be lost.
/// </summary>
internal static class BackingFieldAttributes
{
    /// <summary>
    /// The attributes of <paramref name="member"/>, then, for a property with a backing field (an auto-property, or one
    /// using the <c>field</c> keyword), those of the field.
    /// </summary>
    public static IEnumerable<AttributeData> Of(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            yield return attribute;
        }

        if (member is IPropertySymbol property && BackingField(property) is { } field)
        {
            foreach (var attribute in field.GetAttributes())
            {
                yield return attribute;
            }
        }
    }

    /// <summary>
    /// The role attributes of <paramref name="member"/> (those whose metadata name <paramref name="isRole"/> accepts), as
    /// <see cref="Of"/> reads them; for an override that has none, those of the property it overrides, the nearest that
    /// has any. Overriding a property (to validate its setter, say) does not change what it is: without this the
    /// override hid its base's <c>[NoReset]</c> or encoding, which was dropped without a word. An override's own role wins.
    /// </summary>
    public static IReadOnlyList<AttributeData> Roles(ISymbol member, Func<string, bool> isRole)
    {
        for (var current = member; current is not null; current = (current as IPropertySymbol)?.OverriddenProperty)
        {
            var found = Of(current).Where(a => a.AttributeClass?.ToDisplayString() is { } name && isRole(name)).ToList();
            if (found.Count > 0)
            {
                return found;
            }
        }

        return [];
    }

    /// <summary>
    /// Whether <paramref name="property"/> of a type from another assembly is an auto-property, whose backing field is not
    /// imported with the compiler's default options: <paramref name="getter"/> (its own, or the one it inherits) is
    /// <c>[CompilerGenerated]</c> (a computed property's is not). A record's <c>EqualityContract</c> getter is too, and holds no state.
    /// </summary>
    public static bool IsMetadataAutoProperty(IPropertySymbol property, IMethodSymbol getter) =>
        !property.ContainingType.Locations.Any(static l => l.IsInSource) &&
        !(property.ContainingType.IsRecord && property.Name == "EqualityContract") &&
        getter.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == "System.Runtime.CompilerServices.CompilerGeneratedAttribute");

    /// <summary>
    /// The backing field of <paramref name="property"/>, or null. A field in source names its property
    /// (<see cref="IFieldSymbol.AssociatedSymbol"/>); one loaded from metadata does not, and is found by the name the
    /// compiler gives it, <c>&lt;Name&gt;k__BackingField</c> (imported only with private members; no source field can take that name).
    /// </summary>
    public static IFieldSymbol? BackingField(IPropertySymbol property)
    {
        var backingName = "<" + property.Name + ">k__BackingField";
        foreach (var member in property.ContainingType.GetMembers())
        {
            if (member is IFieldSymbol field &&
                (SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property) ||
                 (field.AssociatedSymbol is null && field.Name == backingName)))
            {
                return field;
            }
        }

        return null;
    }
}
