using System.Collections.Immutable;
using System.Composition;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.CodeFixes.Pooling;

/// <summary>
/// HOT303: turns <c>var x = T.Pool.Rent();</c> into <c>using var lease = T.Pool.Lease(out var x);</c>, so the
/// instance goes back on every path, and removes the explicit <c>Return(x)</c> calls the lease replaces
/// (also one embedded in an <c>if</c> or <c>else</c>, which would otherwise return it a second time).
/// Offered only for a <c>Hotpath.Pool&lt;T&gt;</c> rent that initialises a single local.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UsePoolLeaseCodeFixProvider)), Shared]
public sealed class UsePoolLeaseCodeFixProvider : CodeFixProvider
{
    private const string Title = "Rent through a lease ('using var lease = Pool.Lease(out var x)')";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT303");

    /// <inheritdoc />
    /// <remarks>
    /// Sequential: each lease takes a name free in the body as the earlier fixes left it (the batch fixer gave two rents
    /// of one method the same 'lease', CS0128, and dropped one of two rents in a switch section, both wrapping it).
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Create(Plan, Locate);

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
        SequentialFixAll.RegisterAsync(context, Title, Plan, Locate, equivalenceKey: nameof(UsePoolLeaseCodeFixProvider));

    /// <summary>The rent call a diagnostic is on.</summary>
    private static SyntaxNode? Locate(SyntaxNode root, Diagnostic diagnostic) =>
        SequentialFixAll.Innermost(root, diagnostic).FirstAncestorOrSelf<InvocationExpressionSyntax>();

    private static Func<CancellationToken, Task<Document>>? Plan(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) =>
        node is InvocationExpressionSyntax invocation && IsApplicable(invocation, model, cancellationToken, out var statement, out var pool)
            ? ct => UseLeaseAsync(document, statement!, pool!, ct)
            : null;

    /// <summary>The shape the fix handles: <c>[var|T] x = pool.Rent();</c> where pool is a <c>Hotpath.Pool&lt;T&gt;</c>.</summary>
    private static bool IsApplicable(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken, out LocalDeclarationStatementSyntax? statement, out ExpressionSyntax? pool)
    {
        statement = null;
        pool = null;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Rent" } access ||
            invocation.ArgumentList.Arguments.Count != 0 ||
            invocation.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } } ||
            declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || declaration.IsConst)
        {
            return false;
        }

        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { ContainingType: { } type } ||
            type.OriginalDefinition.ToDisplayString() != "Hotpath.Pool<T>")
        {
            return false;
        }

        // A lease holds the first instance: a local assigned again would hold one the lease never returns (and the
        // explicit returns of it, which the fix removes, were returning that one).
        var variable = declaration.Declaration.Variables[0];
        var body = Body(declaration);
        if (body is null || model.GetDeclaredSymbol(variable, cancellationToken) is not { } local ||
            Writes.References(body, local, model, cancellationToken).Any(Writes.IsWritten))
        {
            return false;
        }

        // The lease gives the instance back to the pool it came from: a Return of it to another pool (which the fix
        // would remove) sends it elsewhere now.
        if (ReturnsElsewhere(body, local, access.Expression, model, cancellationToken))
        {
            return false;
        }

        // A goto may not jump back before a using declaration of its block (CS8649), nor forward past one (CS8648).
        if (JumpsOver(body, declaration))
        {
            return false;
        }

        // `using var` may not sit directly in a switch section (CS8647): the fix wraps the section in a block, which
        // would hide the section's locals from the other sections that use them.
        if (declaration.Parent is SwitchSectionSyntax section && SharesLocals(section))
        {
            return false;
        }

        statement = declaration;
        pool = access.Expression;
        return true;
    }

    /// <summary>
    /// Whether a <c>Return(x)</c> of <paramref name="local"/> in <paramref name="body"/> goes to a pool other than
    /// <paramref name="pool"/>, the one it was rented from (same symbol, or the same text when there is none).
    /// </summary>
    private static bool ReturnsElsewhere(SyntaxNode body, ISymbol local, ExpressionSyntax pool, SemanticModel model, CancellationToken cancellationToken)
    {
        var rentedFrom = model.GetSymbolInfo(pool, cancellationToken).Symbol;
        foreach (var invocation in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Return" } access &&
                invocation.ArgumentList.Arguments is { Count: 1 } arguments &&
                Uncast(arguments[0].Expression) is IdentifierNameSyntax argument &&
                SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(argument, cancellationToken).Symbol, local))
            {
                var returnedTo = model.GetSymbolInfo(access.Expression, cancellationToken).Symbol;
                if (rentedFrom is not null && returnedTo is not null
                        ? !SymbolEqualityComparer.Default.Equals(rentedFrom, returnedTo)
                        : !SyntaxFactory.AreEquivalent(pool, access.Expression))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The body the local of <paramref name="declaration"/> lives in: its method, accessor, local function or lambda (top-level
    /// statements are one body across the file's global statements: the compilation unit holds them).
    /// </summary>
    private static SyntaxNode? Body(LocalDeclarationStatementSyntax declaration) =>
        declaration.Parent?.FirstAncestorOrSelf<SyntaxNode>(static n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or CompilationUnitSyntax);

    /// <summary>
    /// Whether a <c>goto</c> would jump over the <c>using</c> declaration the fix writes (by label name and position, which
    /// errs on the side of no fix): one after <paramref name="declaration"/> back to a label at or before it (CS8649), or
    /// one before it forward to a label after it in its own block (CS8648).
    /// </summary>
    private static bool JumpsOver(SyntaxNode body, LocalDeclarationStatementSyntax declaration)
    {
        var labels = body.DescendantNodes().OfType<LabeledStatementSyntax>().ToList();
        if (labels.Count == 0)
        {
            return false;
        }

        var before = new HashSet<string>(
            labels.Where(l => l.SpanStart <= declaration.SpanStart).Select(static l => l.Identifier.ValueText),
            System.StringComparer.Ordinal);
        var scope = declaration.Parent is GlobalStatementSyntax global ? global.Parent : declaration.Parent;
        var after = new HashSet<string>(
            labels.Where(l => l.SpanStart > declaration.Span.End && scope is not null && scope.Span.Contains(l.Span)).Select(static l => l.Identifier.ValueText),
            System.StringComparer.Ordinal);
        return body.DescendantNodes().OfType<GotoStatementSyntax>().Any(jump =>
            jump.IsKind(SyntaxKind.GotoStatement) && jump.Expression is IdentifierNameSyntax label &&
            (jump.SpanStart > declaration.SpanStart ? before : after).Contains(label.Identifier.ValueText));
    }

    /// <summary>Whether a name the section declares (a local, a pattern or out variable) appears in another section of the switch.</summary>
    private static bool SharesLocals(SwitchSectionSyntax section)
    {
        var declared = new HashSet<string>();
        foreach (var node in section.Statements.SelectMany(static s => s.DescendantNodesAndSelf()))
        {
            var identifier = node switch
            {
                VariableDeclaratorSyntax declarator => declarator.Identifier,
                SingleVariableDesignationSyntax designation => designation.Identifier,
                LocalFunctionStatementSyntax function => function.Identifier,
                _ => default,
            };
            if (identifier != default)
            {
                declared.Add(identifier.ValueText);
            }
        }

        return section.Parent is SwitchStatementSyntax @switch && @switch.Sections.Any(other => other != section
            && other.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name => declared.Contains(name.Identifier.ValueText)));
    }

    private static async Task<Document> UseLeaseAsync(Document document, LocalDeclarationStatementSyntax statement, ExpressionSyntax pool, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var variable = statement.Declaration.Variables[0];
        var local = model?.GetDeclaredSymbol(variable, cancellationToken);
        var body = Body(statement)!;

        // The lease returns the instance: explicit returns of it would now be double returns.
        foreach (var expressionStatement in body.DescendantNodes().OfType<ExpressionStatementSyntax>())
        {
            if (expressionStatement.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Return" }, ArgumentList.Arguments: { Count: 1 } arguments } &&
                Uncast(arguments[0].Expression) is IdentifierNameSyntax argument &&
                local is not null && model is not null &&
                SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(argument, cancellationToken).Symbol, local))
            {
                RemoveReturn(editor, expressionStatement);
            }
        }

        var leaseName = UniqueName(body, "lease");

        // Lease(out T x) takes exactly T: a local of another type (IPodLike like = Pool.Rent()) keeps its type and takes
        // the leased instance from a variable of its own.
        var declaredType = statement.Declaration.Type;
        var rentedType = (model?.GetOperation(variable.Initializer!.Value, cancellationToken) as IInvocationOperation)?.TargetMethod.ReturnType;
        var converted = !declaredType.IsVar && model is not null && rentedType is not null
            && !SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(declaredType, cancellationToken).Type, rentedType);
        var outName = converted ? SyntaxFactory.Identifier(UniqueName(body, "rented", leaseName)) : variable.Identifier.WithoutTrivia();
        var outDeclaration = SyntaxFactory.DeclarationExpression(
            converted ? SyntaxFactory.IdentifierName("var") : declaredType.WithoutTrivia(),
            SyntaxFactory.SingleVariableDesignation(outName));
        var lease = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, pool.WithoutTrivia(), SyntaxFactory.IdentifierName("Lease")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Argument(null, SyntaxFactory.Token(SyntaxKind.OutKeyword), outDeclaration))));
        var replacement = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(
                    SyntaxFactory.IdentifierName("var"),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(leaseName))
                        .WithInitializer(SyntaxFactory.EqualsValueClause(lease)))))
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword))
            .NormalizeWhitespace()
            .WithTriviaFrom(statement);
        if (converted)
        {
            editor.InsertAfter(statement, statement
                .WithDeclaration(statement.Declaration.WithVariables(SyntaxFactory.SingletonSeparatedList(
                    variable.WithInitializer(variable.Initializer!.WithValue(SyntaxFactory.IdentifierName(outName).WithTriviaFrom(variable.Initializer.Value))))))
                .WithLeadingTrivia(statement.GetLeadingTrivia().Where(static t => t.IsKind(SyntaxKind.WhitespaceTrivia))));
            replacement = replacement.WithTrailingTrivia(statement.GetTrailingTrivia());
        }

        editor.ReplaceNode(statement, replacement);
        if (statement.Parent is SwitchSectionSyntax section)
        {
            // `using var` directly in a section is CS8647: the section's statements go into a block, one level deeper.
            // Written out here rather than by the formatter, which put its own line breaks into a CRLF file.
            var eol = Trivia.EndOfLine(section);
            var indent = Trivia.Indentation(section.Statements[0].GetLeadingTrivia()).ToFullString();
            var labelIndent = Trivia.Indentation(section.GetLeadingTrivia()).ToFullString();
            var unit = indent.Length > labelIndent.Length && indent.StartsWith(labelIndent, System.StringComparison.Ordinal)
                ? indent.Substring(labelIndent.Length)
                : "    ";
            editor.ReplaceNode(section, (current, _) =>
            {
                var statements = ((SwitchSectionSyntax)current).Statements;
                var block = SyntaxFactory.Block(
                    SyntaxFactory.Token(SyntaxKind.OpenBraceToken)
                        .WithLeadingTrivia(SyntaxFactory.Whitespace(indent))
                        .WithTrailingTrivia(eol),
                    SyntaxFactory.List(statements.Select(each => Indent(each, unit))),
                    SyntaxFactory.Token(SyntaxKind.CloseBraceToken)
                        .WithLeadingTrivia(SyntaxFactory.Whitespace(indent))
                        .WithTrailingTrivia(statements.Last().GetTrailingTrivia()));
                return ((SwitchSectionSyntax)current).WithStatements(SyntaxFactory.SingletonList<StatementSyntax>(block));
            });
        }

        return editor.GetChangedDocument();
    }

    /// <summary>
    /// Removes an explicit return the lease replaces: the statement in a block (at top level, its global statement),
    /// the whole <c>if (c) Return(x);</c> when <c>c</c> has no side effects, an <c>else Return(x);</c> clause; any other
    /// embedded one becomes <c>{ }</c>.
    /// </summary>
    private static void RemoveReturn(DocumentEditor editor, ExpressionStatementSyntax statement)
    {
        switch (statement.Parent)
        {
            case BlockSyntax or SwitchSectionSyntax:
                editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
                break;
            case GlobalStatementSyntax global:
                editor.RemoveNode(global, SyntaxRemoveOptions.KeepNoTrivia);
                break;
            case IfStatementSyntax { Else: null } @if when @if.Statement == statement && @if.Parent is BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax && !HasSideEffects(@if.Condition):
                editor.RemoveNode(@if.Parent is GlobalStatementSyntax topLevel ? topLevel : @if, SyntaxRemoveOptions.KeepNoTrivia);
                break;
            case ElseClauseSyntax { Parent: IfStatementSyntax owner } @else:
                editor.ReplaceNode(owner, owner.WithElse(null).WithStatement(owner.Statement.WithTrailingTrivia(@else.GetTrailingTrivia())));
                break;
            default:
                editor.ReplaceNode(statement, SyntaxFactory.ParseStatement("{ }").WithTriviaFrom(statement));
                break;
        }
    }

    /// <summary>The expression under casts, parentheses, <c>as</c> and <c>!</c>: <c>Return((PodState)boxed)</c> returns <c>boxed</c>.</summary>
    private static ExpressionSyntax Uncast(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    break;
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression } @as:
                    expression = @as.Left;
                    break;
                case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed:
                    expression = suppressed.Operand;
                    break;
                default:
                    return expression;
            }
        }
    }

    /// <summary><paramref name="statement"/> with every line it starts <paramref name="unit"/> deeper (text inside tokens, as a verbatim string's, untouched).</summary>
    private static StatementSyntax Indent(StatementSyntax statement, string unit)
    {
        var first = statement.GetFirstToken();
        return statement.ReplaceTokens(statement.DescendantTokens(), (original, rewritten) =>
        {
            var atLineStart = original == first || original.GetPreviousToken().TrailingTrivia.Any(static t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var leading = rewritten.LeadingTrivia;
            var result = new List<SyntaxTrivia>(leading.Count);
            for (var i = 0; i < leading.Count; i++)
            {
                // A directive (#if, #region, …) and the text an inactive #if branch holds end with their line.
                var lineStart = i == 0 ? atLineStart : leading[i - 1].IsKind(SyntaxKind.EndOfLineTrivia) || leading[i - 1].IsDirective || leading[i - 1].IsKind(SyntaxKind.DisabledTextTrivia);
                result.Add(
                    leading[i].IsKind(SyntaxKind.DisabledTextTrivia) ? SyntaxFactory.DisabledText(IndentLines(leading[i].ToString(), unit, lineStart))
                    : lineStart && leading[i].IsKind(SyntaxKind.WhitespaceTrivia) ? SyntaxFactory.Whitespace(unit + leading[i].ToString())
                    : leading[i]);
            }

            return rewritten.WithLeadingTrivia(result);
        });
    }

    /// <summary><paramref name="text"/> (an inactive #if branch's lines) with <paramref name="unit"/> before each line that has text.</summary>
    private static string IndentLines(string text, string unit, bool atLineStart)
    {
        var builder = new System.Text.StringBuilder(text.Length + unit.Length * 4);
        for (var i = 0; i < text.Length; i++)
        {
            if ((i == 0 ? atLineStart : text[i - 1] == '\n') && text[i] is not ('\r' or '\n'))
            {
                builder.Append(unit);
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }

    private static bool HasSideEffects(ExpressionSyntax condition) =>
        condition.DescendantNodesAndSelf().Any(static n =>
            n is InvocationExpressionSyntax or AssignmentExpressionSyntax or AwaitExpressionSyntax or BaseObjectCreationExpressionSyntax ||
            n.IsKind(SyntaxKind.PreIncrementExpression) || n.IsKind(SyntaxKind.PreDecrementExpression) ||
            n.IsKind(SyntaxKind.PostIncrementExpression) || n.IsKind(SyntaxKind.PostDecrementExpression));

    private static string UniqueName(SyntaxNode scope, string baseName, string? alsoTaken = null)
    {
        var taken = new HashSet<string>(scope.DescendantTokens().Where(static t => t.IsKind(SyntaxKind.IdentifierToken)).Select(static t => t.ValueText));
        if (alsoTaken is not null)
        {
            taken.Add(alsoTaken);
        }

        if (!taken.Contains(baseName))
        {
            return baseName;
        }

        for (var i = 2; ; i++)
        {
            var candidate = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
