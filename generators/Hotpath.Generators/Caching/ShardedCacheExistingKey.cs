using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Caching;

/// <summary>
/// The generated key is <c>{public|internal} readonly partial record struct {TValue}Key(parts)</c> in the value type's
/// namespace, with <c>From</c>, <c>Equals</c> and <c>GetHashCode</c>. A type of that name the user already has there
/// would make the generated code fail to compile, unless it is a part the generated one merges with: a
/// <c>partial record struct</c> without a parameter list, of the same accessibility (or none written), that does
/// not declare those members or the key parts, and has no mutable instance field (the key is readonly). Such a part
/// may add members (a <c>ToString</c>, an interface).
/// </summary>
internal static class ShardedCacheExistingKey
{
    /// <summary>
    /// Why the generated key <paramref name="keyName"/> cannot be added beside an existing type of that name in
    /// <paramref name="valueType"/>'s namespace (the HOT003 reason), or <see langword="null"/> when there is none or it merges.
    /// <paramref name="hotpathKeys"/>: the keys of that name Hotpath generated in referenced assemblies this compilation
    /// can see, which are no collision here (<see cref="ShardedCacheImportedKey"/> uses one or says why not).
    /// </summary>
    public static string? Problem(INamedTypeSymbol valueType, INamedTypeSymbol cacheType, string keyName, bool isPublic, IReadOnlyCollection<string> partNames, CancellationToken cancellationToken,
        out List<(IAssemblySymbol Assembly, INamedTypeSymbol Key)> hotpathKeys)
    {
        hotpathKeys = [];
        var path = NamespacePath(valueType);

        var display = string.Join(".", path.Concat([keyName]));
        var keyword = isPublic ? "public" : "internal";
        var prefix = "the generated key type '" + display + "' collides with the existing '" + display + "', which is ";
        var merge = "; rename that type, or declare it '" + keyword + " partial record struct " + keyName + "' with no parameter list so the generated key merges with it";

        var local = Find(cacheType.ContainingAssembly, path, keyName);
        if (local is { IsFileLocal: false } existing &&
            WhyNotMergeable(existing, isPublic, partNames, cancellationToken) is { } why)
        {
            return prefix + why + merge;
        }

        foreach (var reference in cacheType.ContainingModule.ReferencedAssemblySymbols)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Find(reference, path, keyName) is { } imported &&
                (imported.DeclaredAccessibility == Accessibility.Public || reference.GivesAccessTo(cacheType.ContainingAssembly)))
            {
                if (local is null or { IsFileLocal: true } && imported.GetAttributes().Any(GeneratedCodeMarker.IsMarker))
                {
                    hotpathKeys.Add((reference, imported)); // Hotpath's key for a cache over there
                    continue;
                }

                return prefix + "in the referenced assembly '" + reference.Name + "'; rename that type, or cache a type of another name";
            }
        }

        return null;
    }

    /// <summary>The namespaces around <paramref name="valueType"/>, outermost first (empty: the global namespace).</summary>
    public static List<string> NamespacePath(INamedTypeSymbol valueType)
    {
        var path = new List<string>();
        for (var ns = valueType.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            path.Insert(0, ns.Name);
        }

        return path;
    }

    /// <summary>The non-generic type <paramref name="name"/> of <paramref name="assembly"/> in the namespace <paramref name="path"/>, or null.</summary>
    private static INamedTypeSymbol? Find(IAssemblySymbol assembly, List<string> path, string name)
    {
        INamespaceSymbol? current = assembly.GlobalNamespace;
        foreach (var part in path)
        {
            current = current.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
            if (current is null)
            {
                return null;
            }
        }

        return current.GetTypeMembers(name, 0).FirstOrDefault();
    }

    private static string? WhyNotMergeable(INamedTypeSymbol existing, bool isPublic, IReadOnlyCollection<string> partNames, CancellationToken cancellationToken)
    {
        var declarations = new List<TypeDeclarationSyntax>();
        var userTrees = new HashSet<SyntaxTree>();
        var generatedParts = GeneratedParts(existing, cancellationToken);
        var generated = false;
        foreach (var reference in existing.DeclaringSyntaxReferences)
        {
            if (generatedParts.Contains(reference.GetSyntax(cancellationToken)))
            {
                generated = true; // this generator's own key, as the analyzer sees it in a build
            }
            else if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration)
            {
                declarations.Add(declaration);
                userTrees.Add(reference.SyntaxTree);
            }
            else
            {
                return Kind(existing); // an enum or a delegate
            }
        }

        if (declarations.Count == 0)
        {
            return generated ? null : "in this assembly";
        }

        if (existing.TypeKind != TypeKind.Struct || !existing.IsRecord)
        {
            return Kind(existing);
        }

        if (declarations.Any(static d => !d.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            return "not declared partial";
        }

        if (declarations.Any(static d => d.ParameterList is not null))
        {
            return "declared with a parameter list, which the generated part has";
        }

        var accessibility = isPublic ? Accessibility.Public : Accessibility.Internal;
        if (existing.DeclaredAccessibility != accessibility && declarations.Any(static d => d.Modifiers.Any(static m => SyntaxFacts.IsAccessibilityModifier(m.Kind()))))
        {
            return Text(existing.DeclaredAccessibility) + ", and the generated part is " + Text(accessibility);
        }

        foreach (var member in existing.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared && member is not IFieldSymbol { AssociatedSymbol: not null })
            {
                continue;
            }

            if (!member.Locations.Any(l => l.SourceTree is { } tree && userTrees.Contains(tree)))
            {
                continue; // the generated part's
            }

            var name = member is IFieldSymbol { AssociatedSymbol: { } property } ? property.Name : member.Name;
            if (name is "From" or "Equals" or "GetHashCode" || partNames.Contains(name))
            {
                return "declares '" + name + "', which the generated part declares";
            }

            if (member is IFieldSymbol { IsStatic: false, IsReadOnly: false, IsConst: false })
            {
                return "declares the mutable '" + name + "', and the generated key is a readonly struct";
            }
        }

        return null;
    }

    /// <summary>
    /// The declarations of <paramref name="existing"/> that carry <c>[GeneratedCode("Hotpath.Generators", …)]</c>: the
    /// parts this generator emitted (found by the attribute it writes on each, not by a file name).
    /// </summary>
    private static HashSet<SyntaxNode> GeneratedParts(INamedTypeSymbol existing, CancellationToken cancellationToken) =>
        GeneratedCodeMarker.MarkedDeclarations([existing], cancellationToken);

    private static string Kind(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Class => type.IsRecord ? "a record class" : "a class",
        TypeKind.Enum => "an enum",
        TypeKind.Interface => "an interface",
        TypeKind.Delegate => "a delegate",
        TypeKind.Struct => "a struct, not a record struct",
        _ => "a type of another kind",
    };

    private static string Text(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        _ => accessibility.ToString().ToLowerInvariant(),
    };
}
