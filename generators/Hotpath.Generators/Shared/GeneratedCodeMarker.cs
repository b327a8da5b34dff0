using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>
/// The <c>[GeneratedCode("Hotpath.Generators", …)]</c> attribute the generators write on what they declare, and how the
/// companion analyzers, which see the generated code in a build, tell it from the user's: by that attribute, never by a
/// file or hint name (the compiler's paths for generated files are not a contract, and a user may name a file anything).
/// </summary>
internal static class GeneratedCodeMarker
{
    /// <summary>The tool name the attribute carries.</summary>
    public const string Tool = "Hotpath.Generators";

    /// <summary>The attribute as the emitters write it.</summary>
    public const string Attribute = "[global::System.CodeDom.Compiler.GeneratedCode(\"" + Tool + "\", \"1.0\")]";

    /// <summary>Whether <paramref name="attribute"/> is the generators' <c>[GeneratedCode]</c>.</summary>
    public static bool IsMarker(AttributeData attribute) =>
        attribute.AttributeClass?.ToDisplayString() == "System.CodeDom.Compiler.GeneratedCodeAttribute" &&
        attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is Tool;

    /// <summary>
    /// The declarations the marker is applied to among <paramref name="symbols"/>' attributes (the member or type
    /// declaration each marker sits on).
    /// </summary>
    public static HashSet<SyntaxNode> MarkedDeclarations(IEnumerable<ISymbol> symbols, CancellationToken cancellationToken)
    {
        var declarations = new HashSet<SyntaxNode>();
        foreach (var symbol in symbols)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsMarker(attribute) && attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is { Parent.Parent: MemberDeclarationSyntax declaration })
                {
                    declarations.Add(declaration);
                }
            }
        }

        return declarations;
    }

    /// <summary>
    /// The type declarations (parts) holding a marked declaration among <paramref name="members"/>: the parts a generator
    /// emitted. Empty in a generator, which never sees its own output.
    /// </summary>
    public static HashSet<SyntaxNode> GeneratedParts(IEnumerable<ISymbol> members, CancellationToken cancellationToken)
    {
        var parts = new HashSet<SyntaxNode>();
        foreach (var declaration in MarkedDeclarations(members, cancellationToken))
        {
            if (declaration.Parent is TypeDeclarationSyntax part)
            {
                parts.Add(part);
            }
        }

        return parts;
    }

    /// <summary>Whether <paramref name="location"/> lies inside one of the <paramref name="generatedParts"/>.</summary>
    public static bool InGeneratedPart(Location location, HashSet<SyntaxNode> generatedParts, CancellationToken cancellationToken)
    {
        if (generatedParts.Count == 0)
        {
            return false;
        }

        var node = location.SourceTree!.GetRoot(cancellationToken).FindNode(location.SourceSpan, getInnermostNodeForTie: true);
        return node.AncestorsAndSelf().Any(generatedParts.Contains);
    }
}
