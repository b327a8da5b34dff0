using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Whether generated code inside an attributed type can use a member: the one accessibility check every generator
/// makes (an inherited member for [Pooled] and [Columnar], a value or input type's member for [ShardedCache] and
/// [BatchReducer]). It is C#'s rule, from symbols alone so the generators and their analyzers share it (the
/// equivalent of <c>Compilation.IsSymbolAccessibleWithin</c>, which needs a Compilation the analyzers' symbol
/// actions and the parsers do not carry): internal access needs the same assembly or the declaring assembly's
/// InternalsVisibleTo; protected access needs code in a type derived from the declaring one, through a receiver of
/// that derived type; private access needs code inside the declaring type.
/// </summary>
internal static class InheritedAccess
{
    /// <summary>Whether code in <paramref name="within"/> (or a type nested in it) can use <paramref name="member"/> through a <paramref name="receiver"/> (null: <c>this</c>/<c>base</c> or static).</summary>
    public static bool IsAccessible(ISymbol member, INamedTypeSymbol within, ITypeSymbol? receiver) =>
        member.ContainingType is { } declaring && IsAccessible(member.DeclaredAccessibility, declaring, within, receiver);

    /// <summary>The same, for a member (or accessor) with <paramref name="accessibility"/> declared in <paramref name="declaring"/>.</summary>
    public static bool IsAccessible(Accessibility accessibility, INamedTypeSymbol declaring, INamedTypeSymbol within, ITypeSymbol? receiver) => accessibility switch
    {
        Accessibility.Public => true,
        Accessibility.Internal => InAssembly(declaring, within),
        Accessibility.Protected => InDerived(declaring, within, receiver),
        Accessibility.ProtectedOrInternal => InAssembly(declaring, within) || InDerived(declaring, within, receiver),
        Accessibility.ProtectedAndInternal => InAssembly(declaring, within) && InDerived(declaring, within, receiver),
        Accessibility.Private => Inside(declaring, within),
        _ => false,
    };

    /// <summary>
    /// Whether code at namespace level in <paramref name="inAssemblyOf"/>'s assembly (a generated top-level type, like
    /// [ShardedCache]'s key struct) can use <paramref name="member"/>: public, or internal to this assembly or a friend.
    /// </summary>
    public static bool IsAccessibleAtNamespaceLevel(ISymbol member, INamedTypeSymbol inAssemblyOf) =>
        member.ContainingType is { } declaring && member.DeclaredAccessibility switch
        {
            Accessibility.Public => true,
            Accessibility.Internal or Accessibility.ProtectedOrInternal => InAssembly(declaring, inAssemblyOf),
            _ => false,
        };

    /// <summary>Whether <paramref name="within"/>'s assembly is <paramref name="declaring"/>'s or a friend of it.</summary>
    public static bool InAssembly(INamedTypeSymbol declaring, INamedTypeSymbol within) =>
        SymbolEqualityComparer.Default.Equals(declaring.ContainingAssembly, within.ContainingAssembly) ||
        declaring.ContainingAssembly.GivesAccessTo(within.ContainingAssembly);

    private static bool Inside(INamedTypeSymbol declaring, INamedTypeSymbol within)
    {
        for (INamedTypeSymbol? current = within; current is not null; current = current.ContainingType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, declaring.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InDerived(INamedTypeSymbol declaring, INamedTypeSymbol within, ITypeSymbol? receiver)
    {
        if (Inside(declaring, within))
        {
            return true;
        }

        for (INamedTypeSymbol? current = within; current is not null; current = current.ContainingType)
        {
            if (DerivesFrom(current, declaring) && (receiver is null || DerivesFrom(receiver, current)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool DerivesFrom(ITypeSymbol type, INamedTypeSymbol ancestor)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, ancestor.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
