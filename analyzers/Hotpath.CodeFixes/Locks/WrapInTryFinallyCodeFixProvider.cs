using System.Collections.Immutable;
using System.Composition;
using Hotpath.Analyzers.Locks;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;

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

    /// <summary>Marks what the fix lays out: the Enter, the declarations moved before it, the try (or the whole one-line block).</summary>
    private static readonly SyntaxAnnotation s_layout = new("Hotpath.WrapInTryFinally.Layout");

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT204");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() =>
        SequentialFixAll.Create(Plan, Locate); // two Enters may share a block

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
        SequentialFixAll.RegisterAsync(context, Title, Plan, Locate);

    /// <summary>The <c>Monitor.Enter</c> call of a diagnostic the analyzer marked as wrappable; null for the others.</summary>
    private static SyntaxNode? Locate(SyntaxNode root, Diagnostic diagnostic) =>
        diagnostic.Properties.ContainsKey(LockReleaseAnalyzer.WrapKey) ? SequentialFixAll.Innermost(root, diagnostic) : null;

    /// <summary>The wrap of the statements after the <c>Monitor.Enter</c> call <paramref name="node"/>; null when it cannot be done.</summary>
    private static Func<CancellationToken, Task<Document>>? Plan(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } enter ||
            enter.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } statement)
        {
            return null;
        }

        var lockObject = enter.ArgumentList.Arguments[0].Expression;
        var (start, end, exit) = Region(model, block, statement, lockObject, cancellationToken);
        if (EarlyExits(model, block, start, end, lockObject, cancellationToken) is not { } earlyExits)
        {
            return null; // a release the finally cannot stand in for: wrapped, the lock would be released twice
        }

        if (JumpsAcrossTheRegion(block, start, end))
        {
            return null; // a goto into the try does not compile; one out of it carried the lock along and now releases it
        }

        if (exit is not null && CarriesTheLockOut(block, start, end, earlyExits))
        {
            return null; // a path that skips the Exit holds the lock on (next iteration, after the loop, the caller): released, a later Exit would throw
        }

        if (exit is null && earlyExits.Count > 0 &&
            (CarriesTheLockOut(block, start, end, earlyExits) || model.AnalyzeControlFlow(block.Statements[start], block.Statements[end - 1]) is not { Succeeded: true, EndPointIsReachable: false }))
        {
            return null; // some paths release before leaving, so one that leaves without releasing (a TryAcquire's return true) hands the lock on
        }

        if (IsReleasedOutside(model, block, start, lockObject, cancellationToken))
        {
            return null; // held past the block (or released by a catch around it): the finally would release it early, and the other Exit again
        }

        if (exit is null && !NamesTheSameObjectAtTheEnd(model, block, start, end, lockObject, cancellationToken))
        {
            return null; // the Exit the fix writes evaluates the expression again: it could release another object
        }

        if (exit is null && IsReleasedByOtherMembers(model, block, lockObject, cancellationToken))
        {
            return null; // an Acquire whose Release is another member: released at the block's end, the Release would throw
        }

        if (exit is not null && Enumerable.Range(start, end - start).Any(i => IsUsingDeclaration(block.Statements[i])))
        {
            return null; // disposed at the block's end, after the Exit and the code after it: in the try, before them and under the lock
        }

        if (Awaits(block, start, end))
        {
            return null; // Monitor is held by a thread: after an await the finally may run on another, and its Exit throw
        }

        if (PlanScope(model, block, start, end, exit, cancellationToken) is not { } hoisted)
        {
            return null; // a variable the statements declare for later code could not stay in scope
        }

        return ct => WrapAsync(document, block, enter, start, end, exit, hoisted, earlyExits, ct);
    }

    /// <summary>The guarded statements [start, end) after the Enter: up to the matching Exit, or to the end of the block.</summary>
    private static (int Start, int End, ExpressionStatementSyntax? Exit) Region(SemanticModel model, BlockSyntax block, ExpressionStatementSyntax enterStatement, ExpressionSyntax lockObject, CancellationToken cancellationToken)
    {
        var statements = block.Statements;
        var start = statements.IndexOf(enterStatement) + 1;
        for (var i = start; i < statements.Count; i++)
        {
            if (statements[i] is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } exit &&
                IsExitOf(model, invocation, lockObject, cancellationToken))
            {
                return (start, i, exit);
            }
        }

        return (start, statements.Count, null);
    }

    /// <summary>
    /// The releases of the lock inside the guarded statements, each right before a <c>return</c>, <c>throw</c>,
    /// <c>continue</c> or <c>break</c> that leaves the region through nothing but blocks, ifs and switches: the finally releases there instead, so they go
    /// (kept, the lock would be released twice). Null when some other release of the lock is there (in a lambda, a
    /// local function, a loop, a try or catch, a using, or not right before leaving): the finally cannot stand in for it.
    /// </summary>
    private static HashSet<ExpressionStatementSyntax>? EarlyExits(SemanticModel model, BlockSyntax block, int start, int end, ExpressionSyntax lockObject, CancellationToken cancellationToken)
    {
        var exits = new HashSet<ExpressionStatementSyntax>();
        for (var i = start; i < end; i++)
        {
            foreach (var invocation in block.Statements[i].DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!IsExitOf(model, invocation, lockObject, cancellationToken))
                {
                    continue;
                }

                if (invocation.Parent is not ExpressionStatementSyntax exit || !OnlyBranchesUpTo(exit, block) || !LeavesRightAfter(exit, block))
                {
                    return null;
                }

                exits.Add(exit);
            }
        }

        return exits;
    }

    /// <summary>
    /// Whether the statement after <paramref name="exit"/> in its block or switch section leaves the region: a
    /// <c>return</c>, <c>throw</c>, <c>yield break</c>, or a <c>continue</c> or <c>break</c> of a loop around the region
    /// (a <c>break</c> with a switch between it and the region's block leaves only that switch).
    /// </summary>
    private static bool LeavesRightAfter(ExpressionStatementSyntax exit, BlockSyntax block)
    {
        var siblings = Siblings(exit);
        var index = siblings.IndexOf(exit);
        if (index < 0 || index + 1 >= siblings.Count)
        {
            return false;
        }

        return siblings[index + 1] switch
        {
            ReturnStatementSyntax or ThrowStatementSyntax or ContinueStatementSyntax => true,
            YieldStatementSyntax yield => yield.IsKind(SyntaxKind.YieldBreakStatement),
            BreakStatementSyntax => !exit.Ancestors().TakeWhile(a => a != block).OfType<SwitchStatementSyntax>().Any(),
            _ => false,
        };
    }

    /// <summary>
    /// Whether a <c>return</c>, <c>yield break</c>, <c>continue</c>, <c>break</c> or <c>goto case</c> among the guarded
    /// statements [start, end) leaves them without releasing the lock right before (as an early exit the finally replaces):
    /// the original holds the lock on past the Exit on that path. (A plain <c>goto</c> is <see cref="JumpsAcrossTheRegion"/>'s;
    /// a <c>throw</c> is what the finally is for.)
    /// </summary>
    private static bool CarriesTheLockOut(BlockSyntax block, int start, int end, HashSet<ExpressionStatementSyntax> earlyExits)
    {
        var region = Span(block, start, end);
        foreach (var jump in GuardedNodes(block, start, end).OfType<StatementSyntax>())
        {
            SyntaxNode? target = jump switch
            {
                ReturnStatementSyntax => block, // leaves the function, hence the region
                YieldStatementSyntax yield when yield.IsKind(SyntaxKind.YieldBreakStatement) => block,
                ContinueStatementSyntax => jump.Ancestors().FirstOrDefault(IsLoop),
                BreakStatementSyntax => jump.Ancestors().FirstOrDefault(static a => IsLoop(a) || a is SwitchStatementSyntax),
                GotoStatementSyntax @goto when !@goto.IsKind(SyntaxKind.GotoStatement) => jump.Ancestors().FirstOrDefault(static a => a is SwitchStatementSyntax),
                _ => null,
            };
            if (target is null || region.Contains(target.Span))
            {
                continue; // not a jump, or one that stays among the statements (a loop or switch of their own)
            }

            var siblings = Siblings(jump);
            var index = siblings.IndexOf(jump);
            if (index <= 0 || siblings[index - 1] is not ExpressionStatementSyntax previous || !earlyExits.Contains(previous))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLoop(SyntaxNode node) =>
        node is CommonForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax;

    /// <summary>The statements of the block or switch section <paramref name="statement"/> stands in; none elsewhere.</summary>
    private static SyntaxList<StatementSyntax> Siblings(StatementSyntax statement) => statement.Parent switch
    {
        BlockSyntax parent => parent.Statements,
        SwitchSectionSyntax section => section.Statements,
        _ => default,
    };

    /// <summary>The nodes of the guarded statements [start, end), outside lambdas and local functions.</summary>
    private static IEnumerable<SyntaxNode> GuardedNodes(BlockSyntax block, int start, int end) =>
        Enumerable.Range(start, end - start).SelectMany(i =>
            block.Statements[i].DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)));

    /// <summary>Whether <paramref name="statement"/> is a <c>using</c> declaration (<c>using var x = …;</c>), labelled or not.</summary>
    private static bool IsUsingDeclaration(StatementSyntax statement)
    {
        while (statement is LabeledStatementSyntax labeled)
        {
            statement = labeled.Statement;
        }

        return statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword };
    }

    /// <summary>Whether the guarded statements [start, end) await (<c>await</c>, <c>await foreach</c>, <c>await using</c>), outside lambdas and local functions.</summary>
    private static bool Awaits(BlockSyntax block, int start, int end) =>
        GuardedNodes(block, start, end).Any(static n =>
            n is AwaitExpressionSyntax ||
            n is CommonForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } ||
            n is UsingStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } ||
            n is LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword });

    /// <summary>
    /// Whether a plain <c>goto</c> crosses the edge of the guarded statements [start, end): one outside them to a label
    /// among them, or one among them to a label outside (labels matched by name, which errs on the side of no fix).
    /// </summary>
    private static bool JumpsAcrossTheRegion(BlockSyntax block, int start, int end)
    {
        if (start >= end)
        {
            return false;
        }

        var region = Span(block, start, end);
        var function = Function(block) ?? block;
        var labelsInside = new HashSet<string>(function.DescendantNodes().OfType<LabeledStatementSyntax>()
            .Where(l => region.Contains(l.Span)).Select(static l => l.Identifier.ValueText), StringComparer.Ordinal);
        foreach (var jump in function.DescendantNodes().OfType<GotoStatementSyntax>())
        {
            if (jump.IsKind(SyntaxKind.GotoStatement) && jump.Expression is IdentifierNameSyntax label &&
                region.Contains(jump.Span) != labelsInside.Contains(label.Identifier.ValueText))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the function around the block releases the lock somewhere other than the statements after the Enter, in
    /// an Exit that is not the end of a region of its own (an Enter of the lock earlier in the same block).
    /// </summary>
    private static bool IsReleasedOutside(SemanticModel model, BlockSyntax block, int start, ExpressionSyntax lockObject, CancellationToken cancellationToken)
    {
        if (Function(block) is not { } function)
        {
            return false;
        }

        var region = Span(block, start, block.Statements.Count);
        return function.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Any(invocation => !region.Contains(invocation.Span) && IsExitOf(model, invocation, lockObject, cancellationToken) &&
                               !IsEnteredBefore(model, invocation, lockObject, cancellationToken));
    }

    /// <summary>
    /// Whether the Enter's expression, evaluated again after the guarded statements [start, end) (the Exit the fix writes
    /// when there is none), names the object it entered: <c>this</c>, a <c>typeof</c>, a constant, or a local, parameter
    /// or field (plain or <c>this.</c>/type-qualified) that those statements do not write (a readonly field in any case).
    /// Not a call, an element or another object's member, which may give another object the second time.
    /// </summary>
    private static bool NamesTheSameObjectAtTheEnd(SemanticModel model, BlockSyntax block, int start, int end, ExpressionSyntax lockObject, CancellationToken cancellationToken)
    {
        var expression = lockObject;
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        if (expression is ThisExpressionSyntax or TypeOfExpressionSyntax || model.GetConstantValue(expression, cancellationToken).HasValue)
        {
            return true;
        }

        if (expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax or QualifiedNameSyntax or AliasQualifiedNameSyntax }) ||
            model.GetSymbolInfo(expression, cancellationToken).Symbol is not { } symbol ||
            expression is MemberAccessExpressionSyntax { Expression: not ThisExpressionSyntax } access && model.GetSymbolInfo(access.Expression, cancellationToken).Symbol is not INamedTypeSymbol)
        {
            return false;
        }

        return symbol switch
        {
            IFieldSymbol { IsReadOnly: true } => true,
            IFieldSymbol or ILocalSymbol or IParameterSymbol => !Enumerable.Range(start, end - start).Any(i =>
                Writes.References(block.Statements[i], symbol, model, cancellationToken).Any(Writes.IsWritten)),
            _ => false,
        };
    }

    /// <summary>
    /// Whether another member of the type (in any of its parts) releases the lock in an <c>Exit</c> that does not close an
    /// <c>Enter</c> of its own block: the function around <paramref name="block"/> hands the lock on to it (an
    /// <c>Acquire</c> with its <c>Release</c>). Named alike (the same text, or the same field or property with or without
    /// <c>this.</c>), which errs on the side of no fix.
    /// </summary>
    private static bool IsReleasedByOtherMembers(SemanticModel model, BlockSyntax block, ExpressionSyntax lockObject, CancellationToken cancellationToken)
    {
        if (Function(block) is not { } function ||
            block.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type ||
            model.GetDeclaredSymbol(type, cancellationToken) is not { } typeSymbol)
        {
            return false;
        }

        var text = lockObject.ToString();
        var symbol = IsPlainName(lockObject) ? model.GetSymbolInfo(lockObject, cancellationToken).Symbol : null;
        foreach (var reference in typeSymbol.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            var declarationModel = declaration.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(declaration.SyntaxTree);
            foreach (var invocation in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (invocation.SyntaxTree == function.SyntaxTree && function.Span.Contains(invocation.Span) ||
                    !IsMonitorExit(declarationModel, invocation, cancellationToken))
                {
                    continue; // the function's own Exits are IsReleasedOutside's
                }

                var argument = invocation.ArgumentList.Arguments[0].Expression;
                if ((argument.ToString() == text ||
                     symbol is not null && IsPlainName(argument) && SymbolEqualityComparer.Default.Equals(declarationModel.GetSymbolInfo(argument, cancellationToken).Symbol, symbol)) &&
                    !IsEnteredBefore(declarationModel, invocation, argument, cancellationToken))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The lambda, local function or member <paramref name="block"/> is the code of.</summary>
    private static SyntaxNode? Function(BlockSyntax block) =>
        block.Ancestors().FirstOrDefault(static n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax);

    /// <summary>The text of the statements [start, end) of <paramref name="block"/>; empty when there are none.</summary>
    private static TextSpan Span(BlockSyntax block, int start, int end) =>
        start < end ? TextSpan.FromBounds(block.Statements[start].SpanStart, block.Statements[end - 1].Span.End) : default;

    /// <summary>
    /// Whether the statement of the Exit <paramref name="exit"/> (or the try whose finally it is in) follows a
    /// <c>Monitor.Enter</c> of the lock in its block.
    /// </summary>
    private static bool IsEnteredBefore(SemanticModel model, InvocationExpressionSyntax exit, ExpressionSyntax lockObject, CancellationToken cancellationToken)
    {
        if (exit.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax } exitStatement)
        {
            return false;
        }

        StatementSyntax statement = exitStatement;
        if (statement.Parent is BlockSyntax { Parent: FinallyClauseSyntax { Parent: TryStatementSyntax tryStatement } })
        {
            statement = tryStatement;
        }

        if (statement.Parent is not BlockSyntax block)
        {
            return false;
        }

        return block.Statements.TakeWhile(s => s != statement).Any(s =>
            s is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } enter } &&
            enter.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Enter" } or IdentifierNameSyntax { Identifier.ValueText: "Enter" } &&
            model.GetSymbolInfo(enter, cancellationToken).Symbol is IMethodSymbol { ContainingType.Name: "Monitor" } &&
            SameLock(model, enter.ArgumentList.Arguments[0].Expression, lockObject, cancellationToken));
    }

    /// <summary>Whether only blocks, ifs and switches lie between <paramref name="exit"/> and the block of the Enter.</summary>
    private static bool OnlyBranchesUpTo(ExpressionStatementSyntax exit, BlockSyntax block)
    {
        for (var node = exit.Parent; node is not null && node != block; node = node.Parent)
        {
            if (node is not (BlockSyntax or IfStatementSyntax or ElseClauseSyntax or SwitchSectionSyntax or SwitchStatementSyntax))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="invocation"/> is <c>Monitor.Exit</c> of the object <paramref name="lockObject"/> names (same text, or the same field, local or parameter with or without <c>this.</c>).</summary>
    private static bool IsExitOf(SemanticModel model, InvocationExpressionSyntax invocation, ExpressionSyntax lockObject, CancellationToken cancellationToken) =>
        IsMonitorExit(model, invocation, cancellationToken) &&
        SameLock(model, invocation.ArgumentList.Arguments[0].Expression, lockObject, cancellationToken);

    /// <summary>Whether <paramref name="invocation"/> is <c>System.Threading.Monitor.Exit(x)</c>.</summary>
    private static bool IsMonitorExit(SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken) =>
        invocation is { ArgumentList.Arguments.Count: 1 } &&
        invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Exit" } or IdentifierNameSyntax { Identifier.ValueText: "Exit" } &&
        model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { Name: "Exit", ContainingType: { Name: "Monitor", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } };

    /// <summary>Whether the two expressions name the same lock: the same text, or the same field, local or parameter with or without <c>this.</c>.</summary>
    private static bool SameLock(SemanticModel model, ExpressionSyntax a, ExpressionSyntax b, CancellationToken cancellationToken) =>
        a.ToString() == b.ToString() ||
        IsPlainName(a) && IsPlainName(b) &&
        model.GetSymbolInfo(a, cancellationToken).Symbol is { } symbol &&
        SymbolEqualityComparer.Default.Equals(symbol, model.GetSymbolInfo(b, cancellationToken).Symbol);

    /// <summary>A name that denotes one object wherever it is written in the member: <c>x</c> or <c>this.x</c>.</summary>
    private static bool IsPlainName(ExpressionSyntax expression) =>
        expression is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax };

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

        var region = Span(block, start, end);
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
        HashSet<ExpressionStatementSyntax> earlyExits,
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
                guarded.Add(WithoutEarlyExits(statements[i], earlyExits));
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

            var ahead = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                    type,
                    SyntaxFactory.SeparatedList(declaration.Declaration.Variables.Select(static v => v.WithInitializer(null)))))
                .WithLeadingTrivia(declaration.GetLeadingTrivia())
                .WithAdditionalAnnotations(s_layout);
            var assignments = new List<StatementSyntax>();
            foreach (var variable in declaration.Declaration.Variables)
            {
                if (variable.Initializer is { } initializer)
                {
                    assignments.Add(SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                            SyntaxKind.SimpleAssignmentExpression,
                            SyntaxFactory.IdentifierName(variable.Identifier.WithoutTrivia()),
                            initializer.Value.WithoutTrivia()))
                        .WithAdditionalAnnotations(s_layout));
                }
            }

            // The comment at the end of the declaration's line stays at the end of the line that does its work.
            if (declaration.GetTrailingTrivia().Any(Trivia.IsComment))
            {
                if (assignments.Count > 0)
                {
                    assignments[assignments.Count - 1] = assignments[assignments.Count - 1].WithTrailingTrivia(declaration.GetTrailingTrivia());
                }
                else
                {
                    ahead = ahead.WithTrailingTrivia(declaration.GetTrailingTrivia());
                }
            }

            declaredAhead.Add(ahead);
            guarded.AddRange(assignments);
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
                SyntaxFactory.FinallyClause(SyntaxFactory.Block(Trivia.HasComments(exitStatement) ? exitStatement : exitStatement.WithoutTrivia())))
            .WithAdditionalAnnotations(s_layout);

        var rebuilt = new List<StatementSyntax>();
        for (var i = 0; i < start; i++)
        {
            if (i == start - 1)
            {
                rebuilt.AddRange(declaredAhead); // before the Enter, which stays right before the try
            }

            rebuilt.Add(i == start - 1 ? statements[i].WithAdditionalAnnotations(s_layout) : statements[i]);
        }

        rebuilt.Add(tryStatement);
        for (var i = exit is null ? end : end + 1; i < statements.Count; i++)
        {
            rebuilt.Add(statements[i]);
        }

        var newBlock = block.WithStatements(SyntaxFactory.List(rebuilt));
        var sharesLines = SharesLines(block);
        if (sharesLines)
        {
            // `{ Monitor.Enter(x); ...; }` on one line: the whole block is laid out afresh, on lines of its own.
            newBlock = Elastic(newBlock).WithAdditionalAnnotations(s_layout);
        }

        var newRoot = root.ReplaceNode(block, newBlock);
        if (sharesLines && newRoot.GetAnnotatedNodes(s_layout).OfType<BlockSyntax>().FirstOrDefault() is { } laidOut &&
            laidOut.OpenBraceToken.GetPreviousToken() is { RawKind: not 0 } before)
        {
            // The brace leaves the method header's line as well (the formatter decides only where trivia is elastic).
            newRoot = newRoot.ReplaceToken(before, before.WithTrailingTrivia(SyntaxFactory.ElasticMarker));
        }

        var changed = document.WithSyntaxRoot(newRoot);
        var options = await IndentationOfAsync(document, block, cancellationToken).ConfigureAwait(false);
        var formatted = await Formatter.FormatAsync(changed, s_layout, options, cancellationToken).ConfigureAwait(false);

        // Laid out with the file's own indentation: nothing is left for the code action's clean-up to format again
        // with the default options (it would re-indent the edges of the try with spaces in a file of tabs).
        var formattedRoot = (await formatted.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        formattedRoot = formattedRoot.ReplaceTrivia(
            formattedRoot.DescendantTrivia().Where(static t => t.HasAnnotation(SyntaxAnnotation.ElasticAnnotation)),
            static (original, _) => original.WithoutAnnotations(SyntaxAnnotation.ElasticAnnotation));
        formattedRoot = formattedRoot.ReplaceNodes(formattedRoot.GetAnnotatedNodes(s_layout), static (_, node) => node.WithoutAnnotations(s_layout));
        return formatted.WithSyntaxRoot(formattedRoot);
    }

    /// <summary><paramref name="statement"/> without the early releases in it; a comment on one stays where it was.</summary>
    private static StatementSyntax WithoutEarlyExits(StatementSyntax statement, HashSet<ExpressionStatementSyntax> earlyExits)
    {
        var inside = statement.DescendantNodes().OfType<ExpressionStatementSyntax>().Where(earlyExits.Contains).ToList();
        if (inside.Count == 0)
        {
            return statement;
        }

        var commented = inside.Where(static e => Trivia.HasComments(e)).ToList();
        var tracked = statement.TrackNodes(inside);
        var plain = inside.Except(commented).Select(e => tracked.GetCurrentNode(e)!).ToList();
        tracked = tracked.RemoveNodes(plain, SyntaxRemoveOptions.KeepNoTrivia)!;
        var withComments = commented.Select(e => tracked.GetCurrentNode(e)!).ToList();
        return tracked.RemoveNodes(withComments, SyntaxRemoveOptions.KeepExteriorTrivia)!;
    }

    /// <summary>Whether a statement of the block starts on the line of its <c>{</c> or ends on the line of its <c>}</c>.</summary>
    private static bool SharesLines(BlockSyntax block)
    {
        if (block.Statements.Count == 0)
        {
            return false;
        }

        var tree = block.SyntaxTree;
        int Line(int position) => tree.GetLineSpan(new TextSpan(position, 0)).StartLinePosition.Line;
        return Line(block.OpenBraceToken.SpanStart) == Line(block.Statements[0].SpanStart) ||
               Line(block.CloseBraceToken.SpanStart) == Line(block.Statements[block.Statements.Count - 1].Span.End);
    }

    /// <summary>The block with its whitespace and line breaks made elastic (comments kept), except after its <c>}</c>.</summary>
    private static BlockSyntax Elastic(BlockSyntax block)
    {
        var keep = block.CloseBraceToken.TrailingTrivia.Span;
        return block.ReplaceTrivia(
            block.DescendantTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia) || t.IsKind(SyntaxKind.EndOfLineTrivia)).Where(t => !keep.Contains(t.Span)),
            static (_, _) => SyntaxFactory.ElasticMarker);
    }

    /// <summary>
    /// The document's formatting options with the indentation the file itself uses around the block: tabs when the
    /// block's lines are indented with tabs, otherwise spaces, one level being what separates the statements from
    /// the <c>{</c>'s line (4 when that cannot be seen).
    /// </summary>
    private static async Task<Microsoft.CodeAnalysis.Options.OptionSet> IndentationOfAsync(Document document, BlockSyntax block, CancellationToken cancellationToken)
    {
        var options = (Microsoft.CodeAnalysis.Options.OptionSet)await document.GetOptionsAsync(cancellationToken).ConfigureAwait(false);
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var braceIndent = LeadingWhitespace(text, block.OpenBraceToken.SpanStart);
        var statementIndent = block.Statements.Count > 0 ? LeadingWhitespace(text, block.Statements[0].SpanStart) : braceIndent;
        var useTabs = (braceIndent + statementIndent).IndexOf('\t') >= 0;
        options = options.WithChangedOption(FormattingOptions.UseTabs, LanguageNames.CSharp, useTabs);
        if (useTabs)
        {
            var tabSize = options.GetOption(FormattingOptions.TabSize, LanguageNames.CSharp);
            return options.WithChangedOption(FormattingOptions.IndentationSize, LanguageNames.CSharp, tabSize);
        }

        var unit = statementIndent.Length - braceIndent.Length;
        return options.WithChangedOption(FormattingOptions.IndentationSize, LanguageNames.CSharp, unit > 0 && unit <= 8 ? unit : 4);
    }

    private static string LeadingWhitespace(SourceText text, int position)
    {
        var line = text.Lines.GetLineFromPosition(position);
        var end = line.Start;
        while (end < line.End && text[end] is ' ' or '\t')
        {
            end++;
        }

        return text.ToString(TextSpan.FromBounds(line.Start, end));
    }
}
