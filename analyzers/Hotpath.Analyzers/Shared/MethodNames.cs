using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Analyzers;

/// <summary>How the rules that follow calls (HOT111, HOT207) name a method in their messages ('C.Flush').</summary>
internal static class MethodNames
{
    /// <summary>
    /// 'Type.Method'; 'Type.Property' for a getter (an indexer's: 'Type.this[]'), 'Type.Property (set)' for a setter,
    /// 'Type.Event (add)'/'(remove)' for an event accessor, 'Type.operator +', 'Type.implicit operator int',
    /// 'new Type()', 'Type copy constructor (with)' for a record class's copy constructor (what a <c>with</c> runs),
    /// 'Type.Member (lambda)'.
    /// </summary>
    public static string Display(IMethodSymbol method) => method.MethodKind switch
    {
        MethodKind.AnonymousFunction => TypeName(method.ContainingType) + "." + method.ContainingSymbol.Name + " (lambda)",
        MethodKind.PropertyGet => TypeName(method.ContainingType) + "." + ((IPropertySymbol)method.AssociatedSymbol!).Name,
        MethodKind.PropertySet => TypeName(method.ContainingType) + "." + ((IPropertySymbol)method.AssociatedSymbol!).Name + " (set)",
        MethodKind.EventAdd => TypeName(method.ContainingType) + "." + method.AssociatedSymbol!.Name + " (add)",
        MethodKind.EventRemove => TypeName(method.ContainingType) + "." + method.AssociatedSymbol!.Name + " (remove)",
        MethodKind.UserDefinedOperator when SyntaxFacts.GetOperatorKind(method.Name) is var kind && kind != SyntaxKind.None =>
            TypeName(method.ContainingType) + ".operator " + SyntaxFacts.GetText(kind),
        MethodKind.Conversion => TypeName(method.ContainingType) + "." + (method.Name == WellKnownMemberNames.ImplicitConversionName ? "implicit" : "explicit") +
            " operator " + method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
        MethodKind.Constructor when CalledMethods.IsCopyConstructor(method) => method.ContainingType.Name + " copy constructor (with)",
        MethodKind.Constructor => "new " + method.ContainingType.Name + "()",
        _ => TypeName(method.ContainingType) + "." + method.Name,
    };

    /// <summary>
    /// The type's name; for a C# 14 extension block (no name of its own) the receiver type, as the member is called
    /// (<c>order.Total</c>: 'Order.Total'). Read from the syntax: the Roslyn this assembly compiles against has no
    /// extension API.
    /// </summary>
    private static string TypeName(INamedTypeSymbol type)
    {
        if (type.Name.Length > 0)
        {
            return type.Name;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax { Keyword.ValueText: "extension", ParameterList.Parameters: { Count: > 0 } parameters }
                && parameters[0].Type is { } receiver)
            {
                return receiver.ToString();
            }
        }

        return type.ContainingType?.Name ?? type.Name;
    }
}
