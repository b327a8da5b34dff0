using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>
/// The <c>[field: …]</c> attributes of a field-like event (<c>[field: NoReset] public event Action? Changed;</c>). The
/// compiler puts them on the event's field, which the symbol API does not show (neither the event nor any member of
/// the type has them), so they are read from the declaration and bound.
/// </summary>
internal static class EventFieldAttributes
{
    /// <summary>Whether the field of <paramref name="event"/>, declared in source, carries the attribute <paramref name="attributeName"/> (a metadata name).</summary>
    public static bool Has(IEventSymbol @event, string attributeName, Func<SyntaxTree, SemanticModel?> semanticModels, CancellationToken cancellationToken)
    {
        foreach (var reference in @event.DeclaringSyntaxReferences)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reference.GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent.Parent: EventFieldDeclarationSyntax declaration })
            {
                continue;
            }

            foreach (var list in declaration.AttributeLists)
            {
                if (list.Target?.Identifier.IsKind(SyntaxKind.FieldKeyword) != true)
                {
                    continue;
                }

                var model = semanticModels(list.SyntaxTree);
                foreach (var attribute in list.Attributes)
                {
                    if (model?.GetSymbolInfo(attribute, cancellationToken).Symbol is IMethodSymbol { ContainingType: { } attributeType } &&
                        attributeType.ToDisplayString() == attributeName)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
