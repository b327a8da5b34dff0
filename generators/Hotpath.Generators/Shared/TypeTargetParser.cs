using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>Builds <see cref="TypeTarget"/> models and checks what every generator needs of its target (HOT001).</summary>
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
    /// HOT001 when generated code in another file cannot add members to <paramref name="type"/>: it or a type it nests
    /// in is file-local, or is not declared partial, or it has the name of a generated member (see
    /// <see cref="GeneratedMembers"/>); <see langword="null"/> otherwise. The location is the attributed
    /// type's name. Only the not-partial reason carries <see cref="DiagnosticDescriptors.NotPartialReason"/> (the one
    /// the make-partial code fix repairs).
    /// </summary>
    public static Diagnostic? CheckTarget(INamedTypeSymbol type, string attributeMetadataName, CancellationToken cancellationToken)
    {
        var location = NameLocation(type, cancellationToken);
        var attribute = AttributeNames.ShortName(attributeMetadataName);
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
            {
                var subject = ReferenceEquals(current, type) ? "it is" : $"its containing type '{current.Name}' is";
                return Diagnostic.Create(DiagnosticDescriptors.NotPartial, location, type.Name, attribute,
                    subject + " file-local, and the generated members are added in another file, which cannot extend a file-local type; remove 'file' (an internal type, or a private nested one, keeps it out of sight)");
            }
        }

        if (!IsPartial(type, cancellationToken))
        {
            return NotPartial(location, type, attribute, "it is");
        }

        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer, cancellationToken))
            {
                return NotPartial(location, type, attribute, $"its containing type '{outer.Name}' is");
            }
        }

        return GeneratedMembers.CheckName(type, attributeMetadataName, location);
    }

    /// <summary>
    /// Whether the attribute's <c>[AttributeUsage]</c> allows it on a type of <paramref name="type"/>'s kind. Where it does
    /// not ([ShardedCache] on an interface, [BatchReducer] on a class, any of them on an enum or a delegate) the compiler
    /// reports CS0592, and the generators and their analyzers leave the type alone: no code (an interface cannot hold the
    /// generated fields and constructors) and no HOT0xx on top of the compiler's error.
    /// </summary>
    public static bool AttributeAllows(INamedTypeSymbol type, AttributeData attribute)
    {
        var target = type.TypeKind switch
        {
            TypeKind.Class => AttributeTargets.Class,
            TypeKind.Struct => AttributeTargets.Struct,
            TypeKind.Interface => AttributeTargets.Interface,
            TypeKind.Enum => AttributeTargets.Enum,
            TypeKind.Delegate => AttributeTargets.Delegate,
            _ => (AttributeTargets)0,
        };

        if (target == 0 || attribute.AttributeClass is not { } attributeClass)
        {
            return true;
        }

        foreach (var usage in attributeClass.GetAttributes())
        {
            if (usage.AttributeClass?.ToDisplayString() == "System.AttributeUsageAttribute" &&
                usage.ConstructorArguments.Length == 1 && usage.ConstructorArguments[0].Value is int validOn)
            {
                return ((AttributeTargets)validOn & target) != 0;
            }
        }

        return true; // no [AttributeUsage]: valid on every target
    }

    private static Diagnostic NotPartial(Location location, INamedTypeSymbol type, string attribute, string subject) =>
        Diagnostic.Create(DiagnosticDescriptors.NotPartial, location, DiagnosticDescriptors.NotPartialProperties, type.Name, attribute,
            subject + " not partial; declare it 'partial' so the generated members can be added");

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
