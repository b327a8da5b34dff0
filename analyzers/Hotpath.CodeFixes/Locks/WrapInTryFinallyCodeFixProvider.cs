using System.Collections.Immutable;
using System.Composition;
using Hotpath.Analyzers.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Hotpath.CodeFixes.Locks;

/// <summary>
/// HOT204 for <c>Monitor.Enter(x);</c>: the statements after it, up to the matching <c>Monitor.Exit(x);</c>
/// (or the end of the block), move into a <c>try</c> whose <c>finally</c> exits. The Enter stays right
/// before the <c>try</c>, the canonical shape the analyzer accepts.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WrapInTryFinallyCodeFixProvider)), Shared]
public sealed class WrapInTryFinallyCodeFixProvider : CodeFixProvider
{
    private const string Title = "Release the lock in a finally block";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT204");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(LockReleaseAnalyzer.WrapKey) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } enter ||
                enter.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } statement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => WrapAsync(context.Document, block, statement, enter, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> WrapAsync(Document document, BlockSyntax block, ExpressionStatementSyntax enterStatement, InvocationExpressionSyntax enter, CancellationToken cancellationToken)
    {
        var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var lockText = enter.ArgumentList.Arguments[0].Expression.ToString();
        var statements = block.Statements;
        var start = statements.IndexOf(enterStatement) + 1;

        // The matching Exit ends the guarded region; without one, the rest of the block is guarded.
        var end = statements.Count;
        ExpressionStatementSyntax? exit = null;
        for (var i = start; i < statements.Count; i++)
        {
            if (IsExit(statements[i], lockText))
            {
                end = i;
                exit = (ExpressionStatementSyntax)statements[i];
                break;
            }
        }

        var guarded = new List<StatementSyntax>();
        for (var i = start; i < end; i++)
        {
            guarded.Add(statements[i]);
        }

        // Without an Exit, call it the way the Enter was called (same qualification).
        var exitStatement = exit ?? SyntaxFactory.ExpressionStatement(enter
            .WithExpression(enter.Expression is MemberAccessExpressionSyntax access
                ? access.WithName(SyntaxFactory.IdentifierName("Exit"))
                : SyntaxFactory.IdentifierName("Exit"))
            .WithoutTrivia());
        var tryStatement = SyntaxFactory.TryStatement(
                SyntaxFactory.Block(guarded),
                default,
                SyntaxFactory.FinallyClause(SyntaxFactory.Block(exitStatement.WithoutTrivia())))
            .WithAdditionalAnnotations(Formatter.Annotation);

        var rebuilt = new List<StatementSyntax>();
        for (var i = 0; i < start; i++)
        {
            rebuilt.Add(statements[i]);
        }

        rebuilt.Add(tryStatement);
        for (var i = exit is null ? end : end + 1; i < statements.Count; i++)
        {
            rebuilt.Add(statements[i]);
        }

        return document.WithSyntaxRoot(root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(rebuilt))));
    }

    private static bool IsExit(StatementSyntax statement, string lockText) =>
        statement is ExpressionStatementSyntax
        {
            Expression: InvocationExpressionSyntax
            {
                Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Exit" },
                ArgumentList.Arguments.Count: 1,
            } invocation,
        } && invocation.ArgumentList.Arguments[0].Expression.ToString() == lockText;
}
