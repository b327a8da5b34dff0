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

            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            var (start, end, exit) = Region(block, statement, enter);
            if (model is null || PlanScope(model, block, start, end, exit, context.CancellationToken) is not { } hoisted)
            {
                continue; // a variable the statements declare for later code could not stay in scope
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => WrapAsync(context.Document, block, enter, start, end, exit, hoisted, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    /// <summary>The guarded statements [start, end) after the Enter: up to the matching Exit, or to the end of the block.</summary>
    private static (int Start, int End, ExpressionStatementSyntax? Exit) Region(BlockSyntax block, ExpressionStatementSyntax enterStatement, InvocationExpressionSyntax enter)
    {
        var lockText = enter.ArgumentList.Arguments[0].Expression.ToString();
        var statements = block.Statements;
        var start = statements.IndexOf(enterStatement) + 1;
        for (var i = start; i < statements.Count; i++)
        {
            if (IsExit(statements[i], lockText))
            {
                return (start, i, (ExpressionStatementSyntax)statements[i]);
            }
        }

        return (start, statements.Count, null);
    }

    /// <summary>
    /// The local declarations among the guarded statements whose variables the statements after the region use:
    /// moved into the try they would go out of scope (CS0103), so they are declared before it and assigned in it.
    /// Null when such a variable is declared some other way (an out or pattern variable, a local function, a
    /// using declaration) or cannot be declared ahead (an anonymous or ref struct type, an array initializer).
    /// </summary>
    private static HashSet<LocalDeclarationStatementSyntax>? PlanScope(SemanticModel model, BlockSyntax block, int start, int end, ExpressionStatementSyntax? exit, CancellationToken cancellationToken)
    {
        var statements = block.Statements;
        var hoisted = new HashSet<LocalDeclarationStatementSyntax>();
        if (start >= end)
        {
            return hoisted;
        }

        var region = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(statements[start].SpanStart, statements[end - 1].Span.End);
        for (var i = exit is null ? end : end + 1; i < statements.Count; i++)
        {
            foreach (var identifier in statements[i].DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
                if (symbol is not (ILocalSymbol or IMethodSymbol { MethodKind: MethodKind.LocalFunction }) ||
                    symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not { } declaration ||
                    !region.Contains(declaration.Span))
                {
                    continue;
                }

                if (symbol is not ILocalSymbol { RefKind: RefKind.None } local || local.Type.IsRefLikeType || ContainsAnonymousType(local.Type) ||
                    declaration is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax statement } } declarator ||
                    statement.Parent != block || statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) ||
                    declarator.Initializer?.Value is InitializerExpressionSyntax)
                {
                    return null;
                }

                hoisted.Add(statement);
            }
        }

        return hoisted;
    }

    private static bool ContainsAnonymousType(ITypeSymbol type) => type switch
    {
        { IsAnonymousType: true } => true,
        IArrayTypeSymbol array => ContainsAnonymousType(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsAnonymousType),
        _ => false,
    };

    private static async Task<Document> WrapAsync(
        Document document,
        BlockSyntax block,
        InvocationExpressionSyntax enter,
        int start,
        int end,
        ExpressionStatementSyntax? exit,
        HashSet<LocalDeclarationStatementSyntax> hoisted,
        CancellationToken cancellationToken)
    {
        var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var model = hoisted.Count == 0 ? null : await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var statements = block.Statements;

        // Declarations later code needs are declared before the Enter (a const moves whole) and assigned in the try.
        var declaredAhead = new List<StatementSyntax>();
        var guarded = new List<StatementSyntax>();
        for (var i = start; i < end; i++)
        {
            if (statements[i] is not LocalDeclarationStatementSyntax declaration || !hoisted.Contains(declaration))
            {
                guarded.Add(statements[i]);
                continue;
            }

            if (declaration.IsConst)
            {
                declaredAhead.Add(declaration);
                continue;
            }

            var type = declaration.Declaration.Type;
            if (type.IsVar && model?.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) is ILocalSymbol local)
            {
                type = SyntaxFactory.ParseTypeName(local.Type.ToMinimalDisplayString(model, declaration.SpanStart)).WithTriviaFrom(type);
            }

            declaredAhead.Add(SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                    type,
                    SyntaxFactory.SeparatedList(declaration.Declaration.Variables.Select(static v => v.WithInitializer(null)))))
                .WithLeadingTrivia(declaration.GetLeadingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation));
            foreach (var variable in declaration.Declaration.Variables)
            {
                if (variable.Initializer is { } initializer)
                {
                    guarded.Add(SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                            SyntaxKind.SimpleAssignmentExpression,
                            SyntaxFactory.IdentifierName(variable.Identifier.WithoutTrivia()),
                            initializer.Value.WithoutTrivia()))
                        .WithAdditionalAnnotations(Formatter.Annotation));
                }
            }
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
            if (i == start - 1)
            {
                rebuilt.AddRange(declaredAhead); // before the Enter, which stays right before the try
            }

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
