using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>The named types a type is written with: itself, the types it nests in, its element and type arguments.</summary>
internal static class TypeParts
{
    /// <summary>
    /// The first part of <paramref name="type"/> (itself and its containing types outward, then an array's or pointer's
    /// element and type arguments, depth first) that <paramref name="matches"/>, or <see langword="null"/>.
    /// </summary>
    public static INamedTypeSymbol? First(ITypeSymbol type, Func<INamedTypeSymbol, bool> matches)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return First(array.ElementType, matches);
            case IPointerTypeSymbol pointer:
                return First(pointer.PointedAtType, matches);
            case INamedTypeSymbol named:
                for (var current = named; current is not null; current = current.ContainingType)
                {
                    if (matches(current))
                    {
                        return current;
                    }
                }

                foreach (var argument in named.TypeArguments)
                {
                    if (First(argument, matches) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
