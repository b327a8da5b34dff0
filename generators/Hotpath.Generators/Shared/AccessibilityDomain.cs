using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Where a type or member can be named from: everywhere, anywhere in its assembly, only inside the body of one type,
/// or nowhere. Generators use it to give generated members the widest accessibility whose signature types can
/// follow (CS0050/CS0051/CS0053/CS0061 otherwise), and to see that a namespace-level generated type cannot name a
/// private nested type (CS0122).
/// </summary>
/// <remarks>
/// <c>protected</c> access is approximated on the safe side: a type that is <em>referenced</em> (<see cref="OfReferenced"/>)
/// is taken to be visible only inside its containing type (a subset of the truth), a type whose members are
/// <em>declared</em> (<see cref="OfDeclared"/>) to be visible everywhere (a superset). So "the referenced domain contains
/// the declared domain" never accepts code the compiler would reject.
/// </remarks>
internal readonly struct AccessibilityDomain
{
    private enum Kind
    {
        Nowhere,
        Within,
        Assembly,
        Everywhere,
    }

    private readonly Kind _kind;
    private readonly INamedTypeSymbol? _within;

    private AccessibilityDomain(Kind kind, INamedTypeSymbol? within)
    {
        _kind = kind;
        _within = within;
    }

    public static AccessibilityDomain Everywhere => new(Kind.Everywhere, null);

    public static AccessibilityDomain Assembly => new(Kind.Assembly, null);

    /// <summary>Whether code anywhere in the assembly (a namespace-level type, say) can name it.</summary>
    public bool IsAssemblyWide => _kind >= Kind.Assembly;

    /// <summary>Whether it can be named outside its assembly.</summary>
    public bool IsEverywhere => _kind == Kind.Everywhere;

    /// <summary>The domain of a public member of a type with <paramref name="declaringType"/>'s domain (an upper bound).</summary>
    public static AccessibilityDomain OfDeclared(INamedTypeSymbol declaringType) => Of(declaringType, lowerBound: false);

    /// <summary>Where <paramref name="type"/> (with its containing types, element and type arguments) can surely be named from.</summary>
    public static AccessibilityDomain OfReferenced(ITypeSymbol type) => Of(type, lowerBound: true);

    /// <summary>The first type (itself, a containing type, an element or a type argument) that keeps <paramref name="type"/> from being named assembly-wide, or null.</summary>
    public static INamedTypeSymbol? NarrowestPart(ITypeSymbol type) =>
        TypeParts.First(type, static part => !Level(part.DeclaredAccessibility, part.ContainingType, lowerBound: true).IsAssemblyWide);

    /// <summary>The part of both.</summary>
    public AccessibilityDomain Intersect(AccessibilityDomain other)
    {
        if (Contains(other))
        {
            return other;
        }

        return other.Contains(this) ? this : new AccessibilityDomain(Kind.Nowhere, null);
    }

    /// <summary>Whether everything in <paramref name="other"/> is also in this domain.</summary>
    public bool Contains(AccessibilityDomain other)
    {
        if (other._kind == Kind.Nowhere || _kind == Kind.Everywhere)
        {
            return true;
        }

        if (_kind == Kind.Nowhere || other._kind == Kind.Everywhere)
        {
            return false;
        }

        if (_kind == Kind.Assembly)
        {
            return true; // other is Assembly or Within a type of it
        }

        if (other._kind == Kind.Assembly)
        {
            return false;
        }

        // Both Within: the other's type must be this type or nested in it.
        for (var current = other._within; current is not null; current = current.ContainingType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, _within!.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The intersection of the parts' domains; everywhere for a type without parts (type parameters, dynamic, error types).</summary>
    private static AccessibilityDomain Of(ITypeSymbol type, bool lowerBound)
    {
        var domain = Everywhere;
        foreach (var part in TypeParts.All(type))
        {
            domain = domain.Intersect(Level(part.DeclaredAccessibility, part.ContainingType, lowerBound));
        }

        return domain;
    }

    private static AccessibilityDomain Level(Accessibility accessibility, INamedTypeSymbol? container, bool lowerBound) => accessibility switch
    {
        Accessibility.Internal => Assembly,
        Accessibility.ProtectedOrInternal => lowerBound ? Assembly : Everywhere,
        Accessibility.Protected => lowerBound ? WithinOrAssembly(container) : Everywhere,
        Accessibility.ProtectedAndInternal => lowerBound ? WithinOrAssembly(container) : Assembly,
        Accessibility.Private => WithinOrAssembly(container),
        _ => Everywhere,
    };

    private static AccessibilityDomain WithinOrAssembly(INamedTypeSymbol? container) =>
        container is null ? Assembly : new AccessibilityDomain(Kind.Within, container);
}
