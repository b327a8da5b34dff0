using System.Collections.Immutable;
using System.Composition;
using Hotpath.Analyzers.Locks;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Hotpath.CodeFixes.Locks;

/// <summary>
/// HOT205: replaces a lock around one numeric update with the matching <c>Interlocked</c> call. A field's locks are
/// rewritten together: the diagnostic lists the field's other single-update locks as additional locations, since
/// a lock left around one update would no longer exclude the lock-free <c>Interlocked</c> calls, and the two would
/// lose each other's updates.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInterlockedCodeFixProvider)), Shared]
public sealed class UseInterlockedCodeFixProvider : CodeFixProvider
{
    private const string Title = "Use Interlocked instead of the lock";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT205");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => FixAll.Instance;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent is not LockStatementSyntax)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(InterlockedAnalyzer.MethodKey, out var method) || method is null)
            {
                continue;
            }

            var solution = context.Document.Project.Solution;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => RewriteAsync(solution, new[] { diagnostic }, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    /// <summary>Every lock a diagnostic names (its own and the field's others), with the call that replaces it.</summary>
    private static IEnumerable<(Location Location, string Method, bool Negate)> Sites(Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(InterlockedAnalyzer.MethodKey, out var method) || method is null)
        {
            yield break;
        }

        yield return (diagnostic.Location, method, diagnostic.Properties.ContainsKey(InterlockedAnalyzer.NegateKey));
        if (!diagnostic.Properties.TryGetValue(InterlockedAnalyzer.OthersKey, out var others) || others is null)
        {
            yield break;
        }

        var encoded = others.Split(',');
        for (var i = 0; i < encoded.Length && i < diagnostic.AdditionalLocations.Count; i++)
        {
            var negate = encoded[i].EndsWith("-", StringComparison.Ordinal);
            yield return (diagnostic.AdditionalLocations[i], negate ? encoded[i].Substring(0, encoded[i].Length - 1) : encoded[i], negate);
        }
    }

    /// <summary>Rewrites every lock the diagnostics name, across documents, each once.</summary>
    private static async Task<Solution> RewriteAsync(Solution solution, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var byTree = new Dictionary<SyntaxTree, Dictionary<int, (string Method, bool Negate)>>();
        foreach (var diagnostic in diagnostics)
        {
            foreach (var (location, method, negate) in Sites(diagnostic))
            {
                if (location.SourceTree is not { } tree)
                {
                    continue;
                }

                if (!byTree.TryGetValue(tree, out var sites))
                {
                    byTree.Add(tree, sites = new Dictionary<int, (string, bool)>());
                }

                sites[location.SourceSpan.Start] = (method, negate);
            }
        }

        foreach (var pair in byTree)
        {
            if (solution.GetDocument(pair.Key) is not { } document ||
                await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } root)
            {
                continue;
            }

            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var site in pair.Value)
            {
                if (root.FindToken(site.Key).Parent is LockStatementSyntax lockStatement &&
                    Rewrite(lockStatement, site.Value.Method, site.Value.Negate) is { } replacement)
                {
                    replacements[lockStatement] = replacement;
                }
            }

            if (replacements.Count > 0)
            {
                solution = solution.WithDocumentSyntaxRoot(document.Id, root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]));
            }
        }

        return solution;
    }

    private static ExpressionSyntax StripParentheses(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    /// <summary>The same field spelled alike, ignoring parentheses and a <c>this.</c> qualifier.</summary>
    private static bool SameText(ExpressionSyntax a, ExpressionSyntax b) =>
        SyntaxFactory.AreEquivalent(WithoutThis(StripParentheses(a)), WithoutThis(StripParentheses(b)));

    private static ExpressionSyntax WithoutThis(ExpressionSyntax expression) =>
        expression is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access ? access.Name : expression;

    /// <summary>The Interlocked statement that does what the lock body does, or null when the body is not one update.</summary>
    private static StatementSyntax? Rewrite(LockStatementSyntax lockStatement, string method, bool negate)
    {
        var body = lockStatement.Statement;
        while (body is BlockSyntax { Statements.Count: 1 } block)
        {
            body = block.Statements[0];
        }

        if (body is not ExpressionStatementSyntax { Expression: var expression })
        {
            return null;
        }

        ExpressionSyntax target;
        ExpressionSyntax? value = null;
        switch (expression)
        {
            case PostfixUnaryExpressionSyntax postfix:
                target = postfix.Operand;
                break;
            case PrefixUnaryExpressionSyntax prefix:
                target = prefix.Operand;
                break;
            case AssignmentExpressionSyntax assignment:
                target = assignment.Left;
                if (method is "Add" or "Exchange")
                {
                    value = assignment.Right.WithoutTrivia();
                    if (method == "Add" && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
                    {
                        // `x = x + n`, `x = n + x`, `x = x - n`: the operand is the side that is not the field.
                        if (StripParentheses(assignment.Right) is not BinaryExpressionSyntax binary)
                        {
                            return null;
                        }

                        value = (SameText(binary.Left, assignment.Left) ? binary.Right : binary.Left).WithoutTrivia();
                    }

                    if (negate)
                    {
                        value = SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression,
                            value is IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax or ParenthesizedExpressionSyntax ? value : SyntaxFactory.ParenthesizedExpression(value));
                    }
                }

                break;
            default:
                return null;
        }

        var arguments = SyntaxFactory.SeparatedList(new[]
        {
            SyntaxFactory.Argument(target.WithoutTrivia()).WithRefKindKeyword(SyntaxFactory.Token(SyntaxKind.RefKeyword).WithTrailingTrivia(SyntaxFactory.Space)),
        });
        if (value is not null)
        {
            arguments = arguments.Add(SyntaxFactory.Argument(value));
        }

        var interlocked = SyntaxFactory.ParseExpression("global::System.Threading.Interlocked").WithAdditionalAnnotations(Simplifier.Annotation);
        var call = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, interlocked, SyntaxFactory.IdentifierName(method)),
            SyntaxFactory.ArgumentList(arguments).NormalizeWhitespace());
        return KeepComments(SyntaxFactory.ExpressionStatement(call), lockStatement, expression);
    }

    /// <summary>
    /// <paramref name="replacement"/> with the lock's own trivia and the comments inside the lock: those before the
    /// update on lines of their own above it, the first one after it at the end of its line (the others above).
    /// </summary>
    private static StatementSyntax KeepComments(StatementSyntax replacement, LockStatementSyntax lockStatement, ExpressionSyntax update)
    {
        var before = new List<SyntaxTrivia>();
        var after = new List<SyntaxTrivia>();
        var first = lockStatement.GetFirstToken();
        var last = lockStatement.GetLastToken();
        foreach (var token in lockStatement.DescendantTokens())
        {
            var inner = token == first ? token.TrailingTrivia : token == last ? token.LeadingTrivia : (IEnumerable<SyntaxTrivia>)token.LeadingTrivia.Concat(token.TrailingTrivia);
            foreach (var trivia in inner)
            {
                if (Trivia.IsComment(trivia))
                {
                    (trivia.SpanStart < update.SpanStart ? before : after).Add(trivia);
                }
            }
        }

        var trailing = lockStatement.GetTrailingTrivia();
        if (after.Count > 0 && !trailing.Any(Trivia.IsComment))
        {
            trailing = SyntaxFactory.TriviaList(SyntaxFactory.Space, after[0]).AddRange(trailing);
            after.RemoveAt(0);
        }

        var leading = lockStatement.GetLeadingTrivia();
        if (before.Count + after.Count > 0)
        {
            var indentation = Trivia.Indentation(leading);
            var endOfLine = Trivia.EndOfLine(lockStatement);
            foreach (var comment in before.Concat(after))
            {
                leading = leading.Add(comment).Add(endOfLine).AddRange(indentation);
            }
        }

        return replacement.WithLeadingTrivia(leading).WithTrailingTrivia(trailing);
    }

    /// <summary>
    /// Fix all: the union of the locks every diagnostic in scope names, rewritten once each (the batch fixer would
    /// apply one diagnostic's fix per field and drop the overlapping rewrites of the others).
    /// </summary>
    private sealed class FixAll : FixAllProvider
    {
        public static readonly FixAll Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var diagnostics = new List<Diagnostic>();
            switch (fixAllContext.Scope)
            {
                case FixAllScope.Document when fixAllContext.Document is { } document:
                    diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false));
                    break;
                case FixAllScope.Project:
                    diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in fixAllContext.Solution.Projects)
                    {
                        diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                    }

                    break;
                default:
                    return null;
            }

            if (diagnostics.Count == 0)
            {
                return null;
            }

            var solution = fixAllContext.Solution;
            return CodeAction.Create(Title, ct => RewriteAsync(solution, diagnostics, ct), equivalenceKey: Title);
        }
    }
}
