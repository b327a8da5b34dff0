using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.CodeFixes.Shared;

/// <summary>Names for the members a fix adds to a type.</summary>
internal static class MemberNames
{
    /// <summary>
    /// <paramref name="name"/>, numbered (<c>name2</c>, <c>name3</c>, …) when taken: by a member of <paramref name="type"/>
    /// in any of its parts or of a base type (a clash is CS0102, hiding an inherited one a warning), the type or a type
    /// parameter, or any name in <paramref name="scopes"/>, the members that will use the new one by its simple name (a
    /// local of that name would shadow it there).
    /// </summary>
    public static string Unique(INamedTypeSymbol type, IEnumerable<SyntaxNode> scopes, string name)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { type.Name };
        taken.UnionWith(type.TypeParameters.Select(static p => p.Name));
        for (var current = type; current is not null; current = current.BaseType)
        {
            taken.UnionWith(current.MemberNames);
        }

        foreach (var scope in scopes)
        {
            taken.UnionWith(scope.DescendantTokens().Where(static t => t.IsKind(SyntaxKind.IdentifierToken)).Select(static t => t.ValueText));
        }

        var candidate = name;
        for (var i = 2; taken.Contains(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
