using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Pooling;

/// <summary>
/// Primary-constructor parameters of a [Pooled] type that its members capture: the compiler keeps each in a field it
/// names itself, which the generated reset cannot reach, so a captured list is never cleared and a captured counter
/// never starts over (HOT006 at the parameter). A parameter only read by initializers and the base-type arguments is
/// not captured; a captured one of an immutable type that no member writes never changes, like a readonly field.
/// </summary>
internal static class PooledPrimaryConstructor
{
    /// <summary>Reports every captured primary-constructor parameter of <paramref name="type"/> the reset would miss.</summary>
    public static void Check(
        INamedTypeSymbol type,
        Func<SyntaxTree, SemanticModel?> semanticModels,
        List<Diagnostic> errors,
        CancellationToken cancellationToken)
    {
        var parameters = PrimaryConstructorParameters(type, cancellationToken);
        if (parameters.Count == 0)
        {
            return;
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

        foreach (var parameter in parameters.Values)
        {
            if (captured.TryGetValue(parameter, out var written) && (written || !PooledParser.IsImmutable(parameter.Type)))
            {
                var location = parameter.Locations.FirstOrDefault() ?? Location.None;
                errors.Add(Diagnostic.Create(DiagnosticDescriptors.MemberCannotBeReset, location, "Primary-constructor parameter '" + parameter.Name + "'", type.Name,
                    "members capture it, so the compiler keeps it in a hidden field the generated reset cannot reach; copy it into a field or property (mark that [NoReset] to keep it across resets) and use that instead"));
            }
        }
    }

    /// <summary>The primary constructor's parameters by name (its declaration is the type declaration itself).</summary>
    private static Dictionary<string, IParameterSymbol> PrimaryConstructorParameters(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, IParameterSymbol>(StringComparer.Ordinal);
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.Parameters.Length == 0)
            {
                continue;
            }

            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax)
                {
                    foreach (var parameter in constructor.Parameters)
                    {
                        parameters[parameter.Name] = parameter;
                    }

                    return parameters;
                }
            }
        }

        return parameters;
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
