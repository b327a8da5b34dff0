using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>Builds <see cref="TypeTarget"/> models and checks the partial-ness every generator needs (HOT001).</summary>
internal static class TypeTargetParser
{
    private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The model of where <paramref name="type"/>'s generated members go.</summary>
    public static TypeTarget Create(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var containing = new List<ContainingType>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            cancellationToken.ThrowIfCancellationRequested();
            containing.Insert(0, new ContainingType(Keyword(outer), Identifiers.Escape(outer.Name) + TypeParameterList(outer)));
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        return new TypeTarget(
            ns,
            type.Name,
            Keyword(type),
            TypeParameterList(type),
            type.ToDisplayString(FullyQualified),
            containing.ToEquatableArray(),
            HintName(type),
            type.IsValueType,
            type.IsSealed || type.IsValueType);
    }

    /// <summary>
    /// HOT001 when <paramref name="type"/> or a type it nests in is not declared partial; <see langword="null"/> otherwise.
    /// The location is the attributed type's name.
    /// </summary>
    public static Diagnostic? CheckPartial(INamedTypeSymbol type, string attributeMetadataName, CancellationToken cancellationToken)
    {
        var location = NameLocation(type, cancellationToken);
        if (!IsPartial(type, cancellationToken))
        {
            return Diagnostic.Create(DiagnosticDescriptors.NotPartial, location, type.Name, AttributeNames.ShortName(attributeMetadataName), "it is");
        }

        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer, cancellationToken))
            {
                return Diagnostic.Create(DiagnosticDescriptors.NotPartial, location, type.Name, AttributeNames.ShortName(attributeMetadataName), $"its containing type '{outer.Name}' is");
            }
        }

        return null;
    }

    /// <summary>The location of the type's name in its first declaration (where diagnostics about the type go).</summary>
    public static Location NameLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is BaseTypeDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.FirstOrDefault() ?? Location.None;
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration &&
                declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    private static string Keyword(INamedTypeSymbol type) => (type.IsRecord, type.TypeKind) switch
    {
        (true, TypeKind.Struct) => "record struct",
        (true, _) => "record",
        (false, TypeKind.Struct) => "struct",
        (false, TypeKind.Interface) => "interface",
        _ => "class",
    };

    private static string TypeParameterList(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", type.TypeParameters.Select(static p => Identifiers.Escape(p.Name))) + ">";

    private static string HintName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (ISymbol? current = type; current is INamedTypeSymbol named; current = named.ContainingType)
        {
            parts.Insert(0, named.Arity > 0 ? named.Name + "`" + named.Arity.ToString(System.Globalization.CultureInfo.InvariantCulture) : named.Name);
        }

        if (type.ContainingNamespace is { IsGlobalNamespace: false } ns)
        {
            parts.Insert(0, ns.ToDisplayString().Replace("@", string.Empty)); // `namespace App.@event`: '@' is not allowed in a hint name
        }

        return string.Join(".", parts);
    }
}
