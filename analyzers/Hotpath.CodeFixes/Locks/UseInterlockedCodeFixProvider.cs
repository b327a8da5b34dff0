using System.Collections.Immutable;
using System.Composition;
using Hotpath.Analyzers.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Hotpath.CodeFixes.Locks;

/// <summary>HOT205: replaces a lock around one numeric update with the matching <c>Interlocked</c> call.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInterlockedCodeFixProvider)), Shared]
public sealed class UseInterlockedCodeFixProvider : CodeFixProvider
{
    private const string Title = "Use Interlocked instead of the lock";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT205");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent is not LockStatementSyntax lockStatement)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(InterlockedAnalyzer.MethodKey, out var method) || method is null ||
                Rewrite(lockStatement, method, diagnostic.Properties.ContainsKey(InterlockedAnalyzer.NegateKey)) is not { } replacement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ReplaceAsync(context.Document, lockStatement, replacement, ct), equivalenceKey: Title),
                diagnostic);
        }
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

    private static async Task<Document> ReplaceAsync(Document document, SyntaxNode lockStatement, StatementSyntax replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.ReplaceNode(lockStatement, replacement));
    }

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
        return SyntaxFactory.ExpressionStatement(call)
            .WithLeadingTrivia(lockStatement.GetLeadingTrivia())
            .WithTrailingTrivia(lockStatement.GetTrailingTrivia());
    }
}
