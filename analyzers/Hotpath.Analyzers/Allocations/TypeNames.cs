using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// Compares a symbol with a metadata name (<c>System.Collections.Immutable.ImmutableArray`1</c>) by walking its
/// names: no allocation, and no <see cref="Compilation.GetTypeByMetadataName"/>, whose first calls on a fresh
/// compilation scan every referenced assembly (it dominated the measured cost of these analyzers).
/// </summary>
internal static class TypeNames
{
    /// <summary>Whether <paramref name="symbol"/> is the type named; a nested type is named after its container's name and a '+'.</summary>
    public static bool Is(ISymbol? symbol, string metadataName)
    {
        var plus = metadataName.LastIndexOf('+');
        if (plus >= 0)
        {
            return symbol is INamedTypeSymbol { ContainingType: { } container } nested &&
                Segment(nested.MetadataName, metadataName, plus + 1, metadataName.Length) && Is(container, metadataName.Substring(0, plus));
        }

        if (symbol is not INamedTypeSymbol { ContainingType: null } type)
        {
            return false;
        }

        var dot = metadataName.LastIndexOf('.');
        if (!Segment(type.MetadataName, metadataName, dot + 1, metadataName.Length))
        {
            return false;
        }

        var ns = type.ContainingNamespace;
        for (var end = dot; end > 0; end = dot)
        {
            if (ns is null || ns.IsGlobalNamespace)
            {
                return false;
            }

            dot = metadataName.LastIndexOf('.', end - 1);
            if (!Segment(ns.Name, metadataName, dot + 1, end))
            {
                return false;
            }

            ns = ns.ContainingNamespace;
        }

        return ns is { IsGlobalNamespace: true };
    }

    private static bool Segment(string name, string full, int start, int end) =>
        name.Length == end - start && string.CompareOrdinal(name, 0, full, start, name.Length) == 0;
}
