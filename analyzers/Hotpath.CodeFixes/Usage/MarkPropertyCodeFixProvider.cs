using System.Collections.Immutable;
using System.Composition;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.CodeFixes.Usage;

/// <summary>
/// HOT003 and HOT006 about a role (<c>[field: CacheKey]</c>, <c>[field: NoReset]</c>) on a backing field other assemblies
/// cannot see: puts the attribute on the property instead, which the generators read alike. The <c>field:</c> target is
/// dropped (on a positional record's parameter, where a bare attribute would go to the parameter, it becomes
/// <c>property:</c>); the attribute keeps its arguments, and the other attributes of its list stay on the field, in a
/// list of their own. The rules' other reasons are not offered this fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MarkPropertyCodeFixProvider)), Shared]
public sealed class MarkPropertyCodeFixProvider : CodeFixProvider
{
    private const string Title = "Put the attribute on the property";

    // Hotpath.Generators' DiagnosticDescriptors.HiddenBackingFieldReason (this assembly does not reference it).
    private const string HiddenBackingFieldReason = "HiddenBackingField";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT003", "HOT006");

    /// <inheritdoc />
    /// <remarks>Sequential: two roles of one list (<c>[field: CacheKey(0), NoReset]</c>) each rewrite that list.</remarks>
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Create(Plan, Locate);

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
        SequentialFixAll.RegisterAsync(context, Title, Plan, Locate);

    /// <summary>The attribute, in a <c>field:</c> list, that a HOT003 or HOT006 about a hidden backing field is on; null for the rules' other reasons.</summary>
    private static SyntaxNode? Locate(SyntaxNode root, Diagnostic diagnostic) =>
        GeneratorReasons.Is(diagnostic, HiddenBackingFieldReason)
            && SequentialFixAll.Innermost(root, diagnostic).FirstAncestorOrSelf<AttributeSyntax>() is { Parent: AttributeListSyntax { Target: { } target } } attribute
            && attribute.Span == diagnostic.Location.SourceSpan
            && target.Identifier.ValueText == "field"
            ? attribute
            : null;

    private static Func<CancellationToken, Task<Document>>? Plan(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) =>
        node is AttributeSyntax attribute ? ct => MarkPropertyAsync(document, attribute, ct) : null;

    private static async Task<Document> MarkPropertyAsync(Document document, AttributeSyntax attribute, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || attribute.Parent is not AttributeListSyntax { Target: { } target } list)
        {
            return document;
        }

        // On a positional record's parameter a bare attribute goes to the parameter (CS0592): name the property.
        var onProperty = list.Parent is ParameterSyntax
            ? target.WithIdentifier(SyntaxFactory.Identifier(target.Identifier.LeadingTrivia, "property", target.Identifier.TrailingTrivia))
            : null;
        if (list.Attributes.Count == 1)
        {
            return document.WithSyntaxRoot(root.ReplaceNode(list, list.WithTarget(onProperty)));
        }

        // Only this attribute moves: it gets a list of its own (the old list's brackets, so no formatting is asked for), in
        // the place of the old one, which follows it on the same line.
        var moved = list.WithAttributes(SyntaxFactory.SingletonSeparatedList(attribute.WithoutTrivia()))
            .WithTarget(onProperty)
            .WithTrailingTrivia(SyntaxFactory.Space);
        var rest = list.WithAttributes(list.Attributes.Remove(attribute)).WithLeadingTrivia(SyntaxTriviaList.Empty);
        return document.WithSyntaxRoot(root.ReplaceNode(list, new SyntaxNode[] { moved, rest }));
    }
}
