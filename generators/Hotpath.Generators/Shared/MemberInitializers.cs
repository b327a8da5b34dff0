using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>The initializer expressions of a field or property (<c>= new()</c>, <c>= 4</c>), read from its declarations.</summary>
internal static class MemberInitializers
{
    /// <summary>The initializer of each declaration of <paramref name="member"/> that has one (one, but for a partial property).</summary>
    /// <param name="member">A field or property.</param>
    /// <param name="cancellationToken">Cancels the syntax lookups.</param>
    /// <returns>The initializer expressions; bind them through the semantic model of their own syntax tree.</returns>
    public static IEnumerable<ExpressionSyntax> Of(ISymbol member, CancellationToken cancellationToken)
    {
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            var initializer = reference.GetSyntax(cancellationToken) switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            if (initializer is not null)
            {
                yield return initializer;
            }
        }
    }
}
