using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>
/// The primary-constructor parameters of a type that its members capture: the compiler keeps each in a field it names
/// itself, which generated code can neither name nor reach. Found from the language's rule, not from that field's
/// name: a parameter referenced (through the semantic model) in a member of the type other than a field or property
/// initializer, the base-type arguments or <c>nameof</c> is captured. Nested types cannot use them.
/// </summary>
internal static class PrimaryConstructorCaptures
{
    /// <summary>
    /// The captured parameters of <paramref name="type"/>'s primary constructor declared in source, in declaration
    /// order, each with whether a member assigns it; empty without one (a type from metadata has no syntax to read).
    /// </summary>
    public static IReadOnlyList<(IParameterSymbol Parameter, bool Written)> Find(
        INamedTypeSymbol type,
        Func<SyntaxTree, SemanticModel?> semanticModels,
        CancellationToken cancellationToken)
    {
        if (Construction.PrimaryConstructor(type, cancellationToken) is not { Parameters.Length: > 0 } primaryConstructor)
        {
            return Array.Empty<(IParameterSymbol, bool)>();
        }

        // Two parameters can share a name while the user types ('List<int()' is two nameless ones): the first one keeps it.
        var parameters = new Dictionary<string, IParameterSymbol>(StringComparer.Ordinal);
        foreach (var parameter in primaryConstructor.Parameters)
        {
            if (!parameters.ContainsKey(parameter.Name))
            {
                parameters.Add(parameter.Name, parameter);
            }
        }

        var captured = new Dictionary<IParameterSymbol, bool>(SymbolEqualityComparer.Default); // parameter -> written
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            SemanticModel? model = null;
            foreach (var member in declaration.Members)
            {
                if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
                {
                    continue; // a nested type cannot use them
                }

                foreach (var identifier in member.DescendantNodes(static node => !IsInitializer(node)).OfType<IdentifierNameSyntax>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!parameters.ContainsKey(identifier.Identifier.ValueText) || IsInNameof(identifier))
                    {
                        continue;
                    }

                    model ??= semanticModels(declaration.SyntaxTree);
                    if (model?.GetSymbolInfo(identifier, cancellationToken).Symbol is IParameterSymbol parameter &&
                        parameters.TryGetValue(parameter.Name, out var primary) &&
                        SymbolEqualityComparer.Default.Equals(parameter, primary))
                    {
                        captured[primary] = (captured.TryGetValue(primary, out var written) && written) || IsWritten(identifier);
                    }
                }
            }
        }

        var found = new List<(IParameterSymbol, bool)>(captured.Count);
        foreach (var parameter in primaryConstructor.Parameters)
        {
            if (captured.TryGetValue(parameter, out var written))
            {
                found.Add((parameter, written));
            }
        }

        return found;
    }

    /// <summary>Code that runs in the constructor, where the parameter is read directly: initializers and the base-type arguments.</summary>
    private static bool IsInitializer(SyntaxNode node) =>
        node is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax or PropertyDeclarationSyntax } or AttributeListSyntax;

    private static bool IsInNameof(IdentifierNameSyntax identifier)
    {
        for (SyntaxNode? node = identifier.Parent; node is not null and not StatementSyntax and not MemberDeclarationSyntax; node = node.Parent)
        {
            if (node is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether this use assigns the parameter (<c>=</c>, compound assignment, <c>++</c>/<c>--</c>, <c>ref</c>/<c>out</c>).</summary>
    private static bool IsWritten(IdentifierNameSyntax identifier)
    {
        SyntaxNode node = identifier;
        while (node.Parent is ParenthesizedExpressionSyntax)
        {
            node = node.Parent;
        }

        return node.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == node,
            PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
            PostfixUnaryExpressionSyntax postfix => postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression),
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword),
            _ => false,
        };
    }
}
