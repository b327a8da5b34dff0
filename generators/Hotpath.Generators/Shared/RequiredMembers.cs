using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Whether generated code may write <c>new T()</c>: with <c>required</c> members (the type's or a base's), only when
/// the constructor is marked <c>[SetsRequiredMembers]</c> (CS9035 otherwise). [Pooled]'s factory and [Columnar]'s
/// Decode both create instances this way.
/// </summary>
internal static class RequiredMembers
{
    private const string SetsRequiredMembersName = "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute";

    /// <summary>Whether <c>new T()</c> through <paramref name="constructor"/> fails to compile because of required members.</summary>
    public static bool BlockNew(INamedTypeSymbol type, IMethodSymbol constructor) =>
        Any(type) && !constructor.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == SetsRequiredMembersName);

    /// <summary>The names of the required fields and properties of <paramref name="type"/> and its bases (its own first), each once.</summary>
    public static List<string> Names(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IFieldSymbol { IsRequired: true } or IPropertySymbol { IsRequired: true } && !names.Contains(member.Name))
                {
                    names.Add(member.Name);
                }
            }
        }

        return names;
    }

    private static bool Any(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IFieldSymbol { IsRequired: true } or IPropertySymbol { IsRequired: true })
                {
                    return true;
                }
            }
        }

        return false;
    }
}
