using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>The named types a type is written with: itself, the types it nests in, its element and type arguments.</summary>
internal static class TypeParts
{
    /// <summary>
    /// The parts of <paramref name="type"/>: itself and its containing types outward, then an array's or pointer's
    /// element and type arguments, depth first. None for a type parameter, <c>dynamic</c> or an error type.
    /// </summary>
    public static IEnumerable<INamedTypeSymbol> All(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return All(array.ElementType);
            case IPointerTypeSymbol pointer:
                return All(pointer.PointedAtType);
            case INamedTypeSymbol named:
                return Named(named);
            default:
                return [];
        }
    }

    /// <summary>The first part of <paramref name="type"/> (in the order of <see cref="All"/>) that <paramref name="matches"/>, or <see langword="null"/>.</summary>
    public static INamedTypeSymbol? First(ITypeSymbol type, Func<INamedTypeSymbol, bool> matches)
    {
        foreach (var part in All(type))
        {
            if (matches(part))
            {
                return part;
            }
        }

        return null;
    }

    private static IEnumerable<INamedTypeSymbol> Named(INamedTypeSymbol named)
    {
        for (var current = named; current is not null; current = current.ContainingType)
        {
            yield return current;
        }

        foreach (var argument in named.TypeArguments)
        {
            foreach (var part in All(argument))
            {
                yield return part;
            }
        }
    }
}
