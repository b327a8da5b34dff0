using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
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
    /// Registers the single fix of each of the context's diagnostics that <paramref name="locate"/> finds a node for and
    /// <paramref name="plan"/> plans: the lightbulb's half of the pair whose Fix All is <see cref="Create"/>. The
    /// semantic model is asked for only once a node is found.
    /// </summary>
    public static Task RegisterAsync(CodeFixContext context, string title, Planner plan, Locator locate, string? equivalenceKey = null) =>
        RegisterAsync(context, locate, (document, node, model, cancellationToken) =>
            plan(document, node, model, cancellationToken) is { } fix ? CodeAction.Create(title, fix, equivalenceKey ?? title) : null);

    /// <summary><see cref="RegisterAsync(CodeFixContext, string, Planner, Locator, string?)"/> for a fix whose Fix All is <see cref="CreateAcrossDocuments"/>.</summary>
    public static Task RegisterAcrossDocumentsAsync(CodeFixContext context, string title, SolutionPlanner plan, Locator locate) =>
        RegisterAsync(context, locate, (document, node, model, cancellationToken) =>
            plan(document, node, model, cancellationToken) is { } fix ? CodeAction.Create(title, fix, title) : null);

    private static async Task RegisterAsync(CodeFixContext context, Locator locate, Func<Document, SyntaxNode, SemanticModel, CancellationToken, CodeAction?> action)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        SemanticModel? model = null;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (locate(root, diagnostic) is not { } node)
            {
                continue;
            }

            model ??= await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (model is not null && action(context.Document, node, model, context.CancellationToken) is { } codeAction)
            {
                context.RegisterCodeFix(codeAction, diagnostic);
            }
        }
    }

    /// <summary>
    /// A Fix All provider (document, project and solution scopes) that applies <paramref name="plan"/> in turn to the
    /// nodes <paramref name="locate"/> finds for the diagnostics, in the document as it was when they were reported: in
    /// text order, or with <paramref name="innermostFirst"/> from the end back, so a node inside another's span is fixed
    /// before it (the outer fix then rewrites the fixed text, where fixing it first would replace the inner node).
    /// </summary>
    public static FixAllProvider Create(Planner plan, Locator locate, bool innermostFirst = false) =>
        FixAllProvider.Create((context, document, diagnostics) => FixAsync(document, diagnostics, plan, locate, innermostFirst, context.CancellationToken));

    /// <summary>Plans the fix of one diagnostic's node in <paramref name="document"/>, which may change other documents too; null when none applies there.</summary>
    public delegate Func<CancellationToken, Task<Solution>>? SolutionPlanner(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken);

    /// <summary>
    /// A Fix All provider for fixes that change other documents as well (every part of a partial type): in each scope
    /// (document, project, solution) it applies <paramref name="plan"/> to the solution the previous fixes produced, in
    /// document order and then text order, exactly as the single fixes would one by one. A document-scope Fix All
    /// therefore changes the other documents a single fix changes, and a site an earlier fix already rewrote (in any
    /// document) is skipped.
    /// </summary>
    public static FixAllProvider CreateAcrossDocuments(SolutionPlanner plan, Locator locate) => new AcrossDocuments(plan, locate);

    private sealed class AcrossDocuments : FixAllProvider
    {
        private readonly SolutionPlanner _plan;
        private readonly Locator _locate;

        public AcrossDocuments(SolutionPlanner plan, Locator locate)
        {
            _plan = plan;
            _locate = locate;
        }

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext context)
        {
            var documents = context.Scope switch
            {
                FixAllScope.Document when context.Document is not null => new[] { context.Document },
                FixAllScope.Project => context.Project.Documents.ToArray(),
                FixAllScope.Solution => context.Solution.Projects.SelectMany(static p => p.Documents).ToArray(),
                _ => Array.Empty<Document>(),
            };
            var diagnostics = new List<(DocumentId Document, ImmutableArray<Diagnostic> Diagnostics)>();
            foreach (var document in documents)
            {
                var found = await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);
                if (!found.IsEmpty)
                {
                    diagnostics.Add((document.Id, found));
                }
            }

            return diagnostics.Count == 0
                ? null
                : CodeAction.Create("Fix all", ct => FixAsync(context.Solution, diagnostics, ct), context.CodeActionEquivalenceKey);
        }

        private async Task<Solution> FixAsync(Solution solution, List<(DocumentId Document, ImmutableArray<Diagnostic> Diagnostics)> diagnostics, CancellationToken cancellationToken)
        {
            // Every document's nodes are marked before any fix, while the diagnostics' spans still describe them.
            var order = new List<(DocumentId Document, SyntaxAnnotation Mark)>();
            foreach (var (id, found) in diagnostics)
            {
                if (solution.GetDocument(id) is not { } document || await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } root)
                {
                    continue;
                }

                var (marked, marks) = Mark(root, found, _locate, innermostFirst: false);
                order.AddRange(marks.Select(mark => (id, mark)));
                solution = solution.WithDocumentSyntaxRoot(id, marked);
            }

            foreach (var (id, mark) in order)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (solution.GetDocument(id) is not { } document ||
                    await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } current ||
                    current.GetAnnotatedNodes(mark).FirstOrDefault() is not { } node ||
                    await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model ||
                    _plan(document, node, model, cancellationToken) is not { } fix)
                {
                    continue; // fixed along with an earlier one, or no longer fixable
                }

                solution = await fix(cancellationToken).ConfigureAwait(false);
            }

            return solution;
        }
    }

    private static async Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, Planner plan, Locator locate, bool innermostFirst, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // Located (and marked) before any fix, while the diagnostics' spans still describe the document.
        var (marked, order) = Mark(root, diagnostics, locate, innermostFirst);
        document = document.WithSyntaxRoot(marked);
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

    /// <summary>
    /// <paramref name="root"/> with the node <paramref name="locate"/> finds for each of <paramref name="diagnostics"/>
    /// marked, and the marks in the order to fix them: text order, or with <paramref name="innermostFirst"/> from the end back.
    /// </summary>
    private static (SyntaxNode Root, SyntaxAnnotation[] Order) Mark(SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, Locator locate, bool innermostFirst)
    {
        var marks = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Location.SourceTree == root.SyntaxTree && locate(root, diagnostic) is { } node && !marks.ContainsKey(node))
            {
                marks.Add(node, new SyntaxAnnotation("Hotpath.FixAll"));
            }
        }

        var order = (innermostFirst
                ? marks.OrderByDescending(static pair => pair.Key.SpanStart).ThenBy(static pair => pair.Key.Span.Length)
                : marks.OrderBy(static pair => pair.Key.SpanStart))
            .Select(static pair => pair.Value).ToArray();
        return (root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original])), order);
    }
}
