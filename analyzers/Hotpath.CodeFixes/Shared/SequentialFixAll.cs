using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Hotpath.CodeFixes.Shared;

/// <summary>
/// Fix All for fixes that interact: each applies to the document the previous ones produced, as if the user had
/// fixed the diagnostics one by one. The batch fixer instead computes every fix against the original document and
/// merges the text changes, which is wrong when fixes share what they introduce (one lock object per type, a fresh
/// field name per hoisted array) and drops fixes that rewrite the same block (two <c>Monitor.Enter</c> in one body).
/// The diagnostics' nodes are marked with annotations first, so each is found again after the earlier fixes moved it.
/// </summary>
internal static class SequentialFixAll
{
    /// <summary>Plans the fix of one diagnostic's node in <paramref name="document"/>; null when none applies there.</summary>
    public delegate Func<CancellationToken, Task<Document>>? Planner(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken);

    /// <summary>
    /// The node of <paramref name="root"/> a diagnostic's fix applies to; null when there is none. A provider's single fix
    /// and its Fix All locate nodes with the same function, so Fix All fixes exactly what the single fixes would.
    /// </summary>
    public delegate SyntaxNode? Locator(SyntaxNode root, Diagnostic diagnostic);

    /// <summary>The innermost node around the diagnostic's span.</summary>
    public static SyntaxNode Innermost(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);

    /// <summary>The innermost node whose span is exactly the diagnostic's; null when the span is not one node's.</summary>
    public static SyntaxNode? Exact(SyntaxNode root, Diagnostic diagnostic) =>
        Innermost(root, diagnostic) is { } node && node.Span == diagnostic.Location.SourceSpan ? node : null;

    /// <summary>
    /// A Fix All provider (document, project and solution scopes) that applies <paramref name="plan"/> in turn to the
    /// nodes <paramref name="locate"/> finds for the diagnostics, in the document as it was when they were reported.
    /// </summary>
    public static FixAllProvider Create(Planner plan, Locator locate) =>
        FixAllProvider.Create((context, document, diagnostics) => FixAsync(document, diagnostics, plan, locate, context.CancellationToken));

    private static async Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, Planner plan, Locator locate, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // Located (and marked) before any fix, while the diagnostics' spans still describe the document.
        var marks = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Location.SourceTree == root.SyntaxTree && locate(root, diagnostic) is { } node && !marks.ContainsKey(node))
            {
                marks.Add(node, new SyntaxAnnotation("Hotpath.FixAll"));
            }
        }

        var order = marks.OrderBy(static pair => pair.Key.SpanStart).Select(static pair => pair.Value).ToArray();
        document = document.WithSyntaxRoot(root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original])));
        foreach (var mark in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (current?.GetAnnotatedNodes(mark).FirstOrDefault() is not { } node ||
                await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model ||
                plan(document, node, model, cancellationToken) is not { } fix)
            {
                continue; // fixed along with an earlier one, or no longer fixable
            }

            document = await fix(cancellationToken).ConfigureAwait(false);
        }

        return document;
    }
}
