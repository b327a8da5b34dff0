using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Analyzers.Pooling;

/// <summary>
/// The small syntactic flow model behind the pool-misuse rules: textual order within one function, mutually
/// exclusive branches, statements that end a path (return, break, continue, goto, throw), and a loop's back
/// edge (from a point in the body to the body's next run).
/// </summary>
internal static class Flow
{
    /// <summary>
    /// Whether execution can go from <paramref name="from"/> to <paramref name="to"/> in the same function
    /// without leaving it or taking the other arm of a branch.
    /// </summary>
    public static bool Reaches(SyntaxNode from, SyntaxNode to)
    {
        if (to.SpanStart < from.Span.End || Function(from) != Function(to))
        {
            return false;
        }

        var common = from.Ancestors().First(a => a.Span.Contains(to.Span));
        if (Exclusive(common, from, to))
        {
            return false;
        }

        // A jump after `from`, before control gets back to the level that holds `to`, ends the path, unless it is
        // a break or continue of a loop or switch that does not hold `to`: then the path goes on after that
        // statement (a continue once the loop ends).
        var node = from;
        while (node != common && node.Parent is { } parent)
        {
            if (node is StatementSyntax statement && StatementsOf(parent) is { } siblings && FirstJumpBefore(siblings, statement, to) is { } jump)
            {
                if (jump is not (BreakStatementSyntax or ContinueStatementSyntax) || JumpTarget(jump) is not { } target || target.Span.Contains(to.Span))
                {
                    // A jump out of a try runs its finally on the way; so does a throw, which leaves the try (or is
                    // caught inside it and carries on to the end of the try) either way through that finally.
                    return common is TryStatementSyntax { Finally: { } @finally }
                        && @finally.Span.Contains(to.Span) && !@finally.Span.Contains(from.Span);
                }

                node = target;
                continue;
            }

            node = parent;
        }

        return true;
    }

    /// <summary>The first jump among the statements after <paramref name="statement"/> (those that come before <paramref name="to"/>, when given).</summary>
    private static StatementSyntax? FirstJumpBefore(IReadOnlyList<StatementSyntax> siblings, StatementSyntax statement, SyntaxNode? to)
    {
        for (var i = IndexOf(siblings, statement) + 1; i < siblings.Count; i++)
        {
            var sibling = siblings[i];
            if (to is not null && (sibling.Span.Contains(to.Span) || sibling.SpanStart >= to.SpanStart))
            {
                return null;
            }

            if (IsJump(sibling))
            {
                return sibling;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether, after <paramref name="rentStatement"/>, every path that leaves normally returns
    /// <paramref name="local"/> to a pool (or throws). Loops that rent without returning in the same
    /// iteration, and early returns, break and goto before the return, are leak paths. With
    /// <paramref name="inHeader"/> the rent is in the statement's own expression (an if or loop condition), so
    /// the statement's body runs after it: an if must return it on both branches or leave it to what follows, a
    /// loop's body must return it before the condition rents again.
    /// </summary>
    public static bool AlwaysReturnedAfter(StatementSyntax rentStatement, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, bool inHeader, CancellationToken cancellationToken)
    {
        if (inHeader)
        {
            if (LoopBody(rentStatement) is { } body)
            {
                // Rented by the condition: each true condition runs the body, then rents again. A break of the loop
                // leaves it to the code after the loop, like a false condition.
                if (!AlwaysReturns(body, local, facts, breaks: new LoopExits(rentStatement, continues: false)))
                {
                    return false;
                }

                if (LoopCondition(rentStatement) is { } condition && IsNotNullTest(condition, local, facts) && !MayExitWithout(body, local, facts))
                {
                    return true; // the loop ends when nothing was rented (and no break leaves it holding something)
                }
            }
            else if (rentStatement is IfStatementSyntax @if && IsNullTest(@if.Condition, local))
            {
                // `if (pool.Rent() is not T s) return;`: the if branch runs only when nothing was bound.
                if (@if.Else is { } @else)
                {
                    if (AlwaysReturns(@else.Statement, local, facts))
                    {
                        return true;
                    }

                    if (MayExitWithout(@else.Statement, local, facts))
                    {
                        return false;
                    }
                }
            }
            else
            {
                if (AlwaysReturns(rentStatement, local, facts))
                {
                    return true;
                }

                if (MayExitWithout(rentStatement, local, facts))
                {
                    return false;
                }
            }
        }

        if (CoveredByFinally(rentStatement, local, facts))
        {
            return true;
        }

        if (ReturnedLaterInFunction(rentStatement, local, facts, breaks: null, cancellationToken))
        {
            return true;
        }

        // A break of the loop around the rent leaves it to the code after that loop
        // (`while (true) { b = pool.Rent(8); if (b.Length > 0) break; pool.Return(b); } pool.Return(b);`), and when
        // the body returns it first thing on the next iteration, so does a continue of that loop
        // (`foreach (…) { pool.Return(a); a = pool.Rent(); if (skip) continue; … } pool.Return(a);`).
        if (inHeader || LoopsRepeating(rentStatement).FirstOrDefault() is not { } loop)
        {
            return false;
        }

        var exits = new LoopExits(loop, continues: ReturnedAtTopOfBody(loop, rentStatement, local, facts));
        return ReturnedLaterInFunction(rentStatement, local, facts, exits, cancellationToken) &&
            AlwaysReturnedAfter(loop, local, facts, inHeader: false, cancellationToken);
    }

    /// <summary>
    /// A loop whose <c>break</c> leaves the rented object to the code after it (which the caller checks); with
    /// <see cref="Continues"/>, a <c>continue</c> of it and the end of its body do too (the body returns the object
    /// first thing on the next iteration, and the code after the loop returns the last one).
    /// </summary>
    private sealed class LoopExits
    {
        public LoopExits(StatementSyntax loop, bool continues)
        {
            Loop = loop;
            Continues = continues;
        }

        public StatementSyntax Loop { get; }

        public bool Continues { get; }

        /// <summary>Whether <paramref name="jump"/> (a break or continue) leaves the object to what the caller checks.</summary>
        public bool Covers(StatementSyntax jump) =>
            (jump is BreakStatementSyntax || (Continues && jump is ContinueStatementSyntax)) && JumpTarget(jump) == Loop;
    }

    /// <summary>
    /// Whether every forward path from <paramref name="from"/> to <paramref name="to"/> (which it reaches, and which
    /// comes after it) goes through a statement that always returns <paramref name="local"/>: one that starts after
    /// <paramref name="from"/> and comes before <paramref name="to"/> in a block holding <paramref name="to"/>, or the
    /// body of a loop that runs before <paramref name="to"/> when it is a <c>for</c>'s incrementor or a <c>do</c>'s
    /// condition (from inside that <c>do</c>'s body, the rest of the body after <paramref name="from"/>).
    /// </summary>
    public static bool ReturnedOnEveryPathBetween(SyntaxNode from, SyntaxNode to, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts) =>
        ReturnedOnEveryPathBetween(from, to, local, facts, out _);

    /// <summary>
    /// <see cref="ReturnedOnEveryPathBetween(SyntaxNode, SyntaxNode, ISymbol, PoolMisuseAnalyzer.BodyFacts)"/>, with the
    /// statement after <paramref name="from"/> that always returns the local when that is why (null otherwise): it is
    /// then returned on every path to anything that starts after that statement's end, too.
    /// </summary>
    public static bool ReturnedOnEveryPathBetween(SyntaxNode from, SyntaxNode to, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, out StatementSyntax? returning)
    {
        // On the way out of the blocks that hold `from` (`if (grow) { b = pool.Rent(n); …; pool.Return(b); } b = …;`).
        var common = from.Ancestors().First(a => a.Span.Contains(to.Span));
        returning = FirstReturningLaterWithin(from, common, local, facts, before: to);
        if (returning is not null)
        {
            return true;
        }

        for (var node = to; node.Parent is { } parent && !IsFunction(parent); node = parent)
        {
            if (node is StatementSyntax child && StatementsOf(parent) is { } siblings)
            {
                for (var i = IndexOf(siblings, child) - 1; i >= 0 && siblings[i].SpanStart >= from.Span.End; i--)
                {
                    if (AlwaysReturns(siblings[i], local, facts))
                    {
                        return true;
                    }
                }
            }

            var bodyFirst = parent switch
            {
                ForStatementSyntax @for when node is ExpressionSyntax incrementor && @for.Incrementors.Contains(incrementor) => @for.Statement,
                DoStatementSyntax @do when node == @do.Condition => @do.Statement,
                _ => null,
            };
            if (bodyFirst is not null &&
                (bodyFirst.Span.Contains(from.Span) ? ReturnedLaterWithin(from, bodyFirst, local, facts) : AlwaysReturns(bodyFirst, local, facts)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a statement after <paramref name="from"/> (and wholly before <paramref name="before"/>, when given), in a
    /// block between it and <paramref name="container"/>, always returns the local.
    /// </summary>
    private static bool ReturnedLaterWithin(SyntaxNode from, SyntaxNode container, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, SyntaxNode? before = null) =>
        FirstReturningLaterWithin(from, container, local, facts, before) is not null;

    // The first such statement, or null.
    private static StatementSyntax? FirstReturningLaterWithin(SyntaxNode from, SyntaxNode container, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, SyntaxNode? before)
    {
        for (var node = from; node != container && node.Parent is { } parent; node = parent)
        {
            if (node is StatementSyntax child && StatementsOf(parent) is { } siblings)
            {
                for (var i = IndexOf(siblings, child) + 1; i < siblings.Count && (before is null || siblings[i].Span.End <= before.SpanStart); i++)
                {
                    if (AlwaysReturns(siblings[i], local, facts))
                    {
                        return siblings[i];
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the statements after <paramref name="rentStatement"/>, up its enclosing blocks to the end of the
    /// function or the first loop, always return <paramref name="local"/>; a break of <paramref name="breaks"/>
    /// counts as returning it (the caller checks what follows that loop).
    /// </summary>
    private static bool ReturnedLaterInFunction(StatementSyntax rentStatement, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, LoopExits? breaks, CancellationToken cancellationToken)
    {
        SyntaxNode current = rentStatement;
        SyntaxNode? previous = null;
        while (current.Parent is { } parent)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (StatementsOf(parent) is { } statements && current is StatementSyntax currentStatement)
            {
                for (var i = IndexOf(statements, currentStatement) + 1; i < statements.Count; i++)
                {
                    var statement = statements[i];
                    if (statement is BreakStatementSyntax && parent is SwitchSectionSyntax)
                    {
                        break; // leaves the switch, not the function: carry on after it
                    }

                    if (AlwaysReturns(statement, local, facts, breaks))
                    {
                        return true;
                    }

                    if (MayExitWithout(statement, local, facts, breaks))
                    {
                        return false;
                    }
                }
            }

            // (An enclosing try whose finally returns it was handled first, by CoveredByFinally.)
            switch (parent)
            {
                case WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax:
                    // Each iteration rents again: a leak, unless the body returns it first thing on the next
                    // iteration and the code after the loop returns the last one
                    // (`for (…) { pool.Return(a); a = pool.Rent(); } pool.Return(a);`).
                    if (breaks is not null)
                    {
                        return breaks.Continues && parent == breaks.Loop; // on to the next iteration, which returns it
                    }

                    return current is BlockSyntax body && previous is StatementSyntax rentInBody &&
                        ReturnedAtTopOfBody(body, rentInBody, rentStatement, (StatementSyntax)parent, local, facts) &&
                        AlwaysReturnedAfter((StatementSyntax)parent, local, facts, inHeader: false, cancellationToken);
                case MemberDeclarationSyntax or AccessorDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or ArrowExpressionClauseSyntax:
                    return false; // fell off the end of the function
            }

            previous = current;
            current = parent;
        }

        return false;
    }

    /// <summary>Whether <paramref name="rentStatement"/> sits in the block body of <paramref name="loop"/> after statements that always return the local (see the overload).</summary>
    private static bool ReturnedAtTopOfBody(StatementSyntax loop, StatementSyntax rentStatement, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts) =>
        LoopStatement(loop) is BlockSyntax body && rentStatement.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == body) is { } rentInBody &&
        ReturnedAtTopOfBody(body, rentInBody, rentStatement, loop, local, facts);

    /// <summary>
    /// Whether the statements of a loop's <paramref name="body"/> before <paramref name="rentInBody"/> (the statement
    /// of the body that holds <paramref name="rentStatement"/>) always return the local before anything leaves the loop
    /// other than by a <c>break</c> (which leaves it to the code after the loop) or a <c>continue</c> (which carries it
    /// to the next iteration), so the next iteration returns what this one rented. Inside <paramref name="rentInBody"/>,
    /// through <c>if</c>s and blocks, a statement before the rent in its block that always returns the local does too:
    /// the next iteration either returns it before renting again (<c>if (grow) { pool.Return(b); b = pool.Rent(n); }</c>)
    /// or keeps holding it, for the code after the loop.
    /// </summary>
    private static bool ReturnedAtTopOfBody(BlockSyntax body, StatementSyntax rentInBody, StatementSyntax rentStatement, StatementSyntax loop, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts)
    {
        // A continue before the return goes on to the next iteration still holding the object, as a break leaves it
        // to the code after the loop.
        var breaks = new LoopExits(loop, continues: true);
        foreach (var statement in body.Statements)
        {
            if (statement == rentInBody)
            {
                return ReturnedBeforeWithin(rentStatement, rentInBody, local, facts, breaks);
            }

            if (AlwaysReturns(statement, local, facts, breaks))
            {
                return true;
            }

            if (MayExitWithout(statement, local, facts, breaks))
            {
                return false;
            }
        }

        return false;
    }

    private enum Before
    {
        Neither,
        Returns,
        ExitsWithout,
    }

    // The statements of a block or switch section before node, in order, up to one that always returns the object
    // (Returns) or may leave without returning it (ExitsWithout).
    private static Before ScanBefore(SyntaxList<StatementSyntax> statements, SyntaxNode node, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, LoopExits breaks)
    {
        foreach (var statement in statements)
        {
            if (statement == node)
            {
                break;
            }

            if (AlwaysReturns(statement, local, facts, breaks))
            {
                return Before.Returns;
            }

            if (MayExitWithout(statement, local, facts, breaks))
            {
                return Before.ExitsWithout;
            }
        }

        return Before.Neither;
    }

    /// <summary>
    /// Whether, from <paramref name="outer"/> down to <paramref name="rentStatement"/> through blocks, <c>if</c>s and
    /// <c>switch</c> sections only, a statement before the way to the rent in its block (or section) always returns the
    /// local, with nothing before it there, nor in the other branch of those <c>if</c>s or the other sections of those
    /// <c>switch</c>es, that may leave the loop other than by a <c>break</c> or <c>continue</c>.
    /// </summary>
    private static bool ReturnedBeforeWithin(StatementSyntax rentStatement, StatementSyntax outer, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, LoopExits breaks)
    {
        var returned = false;
        for (SyntaxNode node = rentStatement; node != outer; node = node.Parent!)
        {
            switch (node.Parent)
            {
                case BlockSyntax or SwitchSectionSyntax:
                    var statements = node.Parent is BlockSyntax block ? block.Statements : ((SwitchSectionSyntax)node.Parent).Statements;
                    switch (ScanBefore(statements, node, local, facts, breaks))
                    {
                        case Before.Returns:
                            returned = true;
                            break;
                        case Before.ExitsWithout:
                            return false;
                    }

                    break;
                case IfStatementSyntax @if when node == @if.Statement:
                    if (@if.Else is { } @else && MayExitWithout(@else.Statement, local, facts, breaks))
                    {
                        return false;
                    }

                    break;
                case ElseClauseSyntax { Parent: IfStatementSyntax owner }:
                    if (MayExitWithout(owner.Statement, local, facts, breaks))
                    {
                        return false;
                    }

                    break;
                case SwitchStatementSyntax @switch:
                    // The other sections (a break of the switch stays in the loop); the rent's own section is checked
                    // before the rent here and after it by the caller.
                    if (MayExitWithout(@switch, local, facts, breaks))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        return returned;
    }

    /// <summary>
    /// Whether a try holding <paramref name="rentStatement"/> (in its block or a catch, in the same function and
    /// not across a loop that would rent again) has a finally that always returns <paramref name="local"/>:
    /// every exit from the try (return, break, goto, falling through) runs that finally.
    /// </summary>
    private static bool CoveredByFinally(StatementSyntax rentStatement, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts)
    {
        SyntaxNode child = rentStatement;
        foreach (var ancestor in rentStatement.Ancestors())
        {
            if (IsFunction(ancestor) || (ancestor is StatementSyntax loop && Repeats(loop, child)))
            {
                return false;
            }

            if (ancestor is TryStatementSyntax { Finally: { } @finally } @try && (child == @try.Block || child is CatchClauseSyntax)
                && AlwaysReturns(@finally.Block, local, facts))
            {
                return true;
            }

            child = ancestor;
        }

        return false;
    }

    /// <summary>
    /// The loops that run <paramref name="node"/> again on their next iteration (the body, a <c>for</c>'s
    /// condition and incrementors, a <c>while</c>'s or <c>do</c>'s condition; not a <c>for</c>'s initializer or a
    /// <c>foreach</c>'s collection, which run once), innermost first, within the function that holds it. A loop
    /// whose condition is the literal <c>false</c> never runs its body twice and is left out.
    /// </summary>
    public static IEnumerable<StatementSyntax> LoopsRepeating(SyntaxNode node)
    {
        var child = node;
        foreach (var ancestor in node.Ancestors())
        {
            if (IsFunction(ancestor))
            {
                yield break;
            }

            if (ancestor is StatementSyntax loop && Repeats(loop, child))
            {
                yield return loop;
            }

            child = ancestor;
        }
    }

    /// <summary>Whether <paramref name="node"/> is in the part of <paramref name="loop"/> that runs on every iteration.</summary>
    public static bool InRepeatedPart(StatementSyntax loop, SyntaxNode node)
    {
        for (var child = node; child.Parent is { } parent; child = parent)
        {
            if (parent == loop)
            {
                return Repeats(loop, child);
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a path goes from <paramref name="from"/> (inside <paramref name="loop"/>'s repeated part) to the
    /// loop's next iteration: to the end of its body or to a <c>continue</c> of it, without a statement that
    /// leaves the loop (<c>return</c>, <c>throw</c>, <c>goto</c>, <c>yield break</c>, a <c>break</c> of it)
    /// unconditionally first. A <c>break</c> or <c>continue</c> of an inner loop or switch carries on after it.
    /// </summary>
    public static bool ReachesNextIteration(SyntaxNode from, StatementSyntax loop)
    {
        var node = from;
        while (node.Parent is { } parent)
        {
            if (parent == loop)
            {
                return true;
            }

            if (node is StatementSyntax statement && StatementsOf(parent) is { } siblings && FirstJumpBefore(siblings, statement, to: null) is { } jump)
            {
                if (jump is not (BreakStatementSyntax or ContinueStatementSyntax) || JumpTarget(jump) is not { } target)
                {
                    return false; // return, throw, goto, yield break
                }

                if (target == loop)
                {
                    return jump is ContinueStatementSyntax;
                }

                node = target; // leaves an inner loop or switch (a continue once the inner loop ends): carry on after it
                continue;
            }

            node = parent;
        }

        return false;
    }

    private static StatementSyntax? LoopBody(StatementSyntax statement) => statement switch
    {
        WhileStatementSyntax @while => @while.Statement,
        DoStatementSyntax @do => @do.Statement,
        ForStatementSyntax @for => @for.Statement,
        _ => null,
    };

    private static StatementSyntax? LoopStatement(StatementSyntax statement) => statement switch
    {
        CommonForEachStatementSyntax forEach => forEach.Statement,
        _ => LoopBody(statement),
    };

    private static ExpressionSyntax? LoopCondition(StatementSyntax statement) => statement switch
    {
        WhileStatementSyntax @while => @while.Condition,
        DoStatementSyntax @do => @do.Condition,
        ForStatementSyntax @for => @for.Condition,
        _ => null,
    };

    /// <summary>
    /// Whether a <c>break</c> of <paramref name="loop"/> or a <c>goto</c> follows <paramref name="from"/> in the loop's
    /// <paramref name="body"/>: a way out of the loop that does not go through its condition.
    /// </summary>
    public static bool MayLeaveBodyAfter(SyntaxNode from, StatementSyntax loop, StatementSyntax body)
    {
        foreach (var node in body.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node.SpanStart >= from.Span.End &&
                (node is GotoStatementSyntax || (node is BreakStatementSyntax jump && JumpTarget(jump) == loop)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a <c>break</c> of <paramref name="loop"/> or a <c>goto</c> comes before <paramref name="until"/> in the
    /// loop's <paramref name="body"/>: a way out of the loop that does not get to it.
    /// </summary>
    public static bool MayLeaveBodyBefore(SyntaxNode until, StatementSyntax loop, StatementSyntax body)
    {
        foreach (var node in body.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node.SpanStart < until.SpanStart &&
                (node is GotoStatementSyntax || (node is BreakStatementSyntax jump && JumpTarget(jump) == loop)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The loop (or, for <c>break</c>, switch) a <c>break</c> or <c>continue</c> leaves.</summary>
    private static SyntaxNode? JumpTarget(StatementSyntax jump) =>
        jump.Ancestors().TakeWhile(static a => !IsFunction(a)).FirstOrDefault(a => IsLoop(a) || (jump is BreakStatementSyntax && a is SwitchStatementSyntax));

    private static bool Repeats(StatementSyntax loop, SyntaxNode child) => loop switch
    {
        WhileStatementSyntax @while => !IsFalse(@while.Condition) && (child == @while.Statement || child == @while.Condition),
        DoStatementSyntax @do => !IsFalse(@do.Condition) && (child == @do.Statement || child == @do.Condition),
        ForStatementSyntax @for => (@for.Condition is null || !IsFalse(@for.Condition)) &&
            (child == @for.Statement || child == @for.Condition || (child is ExpressionSyntax e && @for.Incrementors.Contains(e))),
        CommonForEachStatementSyntax forEach => child == forEach.Statement,
        _ => false,
    };

    private static bool IsFalse(ExpressionSyntax condition) => condition.IsKind(SyntaxKind.FalseLiteralExpression);

    private static bool IsTrue(ExpressionSyntax condition) => condition.IsKind(SyntaxKind.TrueLiteralExpression);

    private static bool IsLoop(SyntaxNode node) => node is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax;

    private static bool IsFunction(SyntaxNode node) =>
        node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax or CompilationUnitSyntax;

    private static bool AlwaysReturns(StatementSyntax statement, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, LoopExits? breaks = null)
    {
        switch (statement)
        {
            case ExpressionStatementSyntax expression:
                return facts.IsReturnOf(expression.Expression, local);
            case BreakStatementSyntax or ContinueStatementSyntax when breaks is not null && breaks.Covers(statement):
                return true; // leaves `breaks` holding it: the caller checks what follows that loop (and its next iteration)
            case ThrowStatementSyntax:
                return true; // exception paths are not leak paths here
            case BlockSyntax block:
                return AlwaysReturns(block.Statements, local, facts, breaks);
            case SwitchStatementSyntax @switch:
                // Every section returns it, and a default section exists (otherwise no section may run).
                return @switch.Sections.Any(static s => s.Labels.Any(static l => l is DefaultSwitchLabelSyntax)) &&
                    @switch.Sections.All(section => AlwaysReturns(section.Statements, local, facts, breaks));
            case IfStatementSyntax @if when IsNotNullTest(@if.Condition, local, facts):
                // `if (buffer != null) pool.Return(buffer);` in a finally: when it is null nothing was rented
                // (`if (pool.Rent() is { } s)`: nothing was bound), so an else branch has nothing to return.
                return AlwaysReturns(@if.Statement, local, facts, breaks);
            case IfStatementSyntax @if:
                // A branch taken only when a flag says the local holds nothing to return (`if (!returned) pool.Return(b);`,
                // `if (rented) pool.Return(b);`) has nothing to do.
                // (The else first: without one, the cheap flag test usually settles it.)
                return ((@if.Else is { } @else && AlwaysReturns(@else.Statement, local, facts, breaks)) || facts.Flags.NothingToReturn(@if, local, whenTrue: false)) &&
                    (AlwaysReturns(@if.Statement, local, facts, breaks) || facts.Flags.NothingToReturn(@if, local, whenTrue: true));
            case TryStatementSyntax @try:
                return (@try.Finally is { } @finally && AlwaysReturns(@finally.Block, local, facts, breaks)) || AlwaysReturns(@try.Block, local, facts, breaks);
            case UsingStatementSyntax @using:
                return AlwaysReturns(@using.Statement, local, facts, breaks);
            case LockStatementSyntax @lock:
                return AlwaysReturns(@lock.Statement, local, facts, breaks);
            case CheckedStatementSyntax @checked:
                return AlwaysReturns(@checked.Block, local, facts, breaks);
            case UnsafeStatementSyntax @unsafe:
                return AlwaysReturns(@unsafe.Block, local, facts, breaks);
            case FixedStatementSyntax @fixed:
                return AlwaysReturns(@fixed.Statement, local, facts, breaks);
            case LabeledStatementSyntax labeled:
                return AlwaysReturns(labeled.Statement, local, facts, breaks);
            case DoStatementSyntax @do:
                return AlwaysReturns(@do.Statement, local, facts, breaks); // a do body runs at least once
            case WhileStatementSyntax @while when IsTrue(@while.Condition):
                return AlwaysReturns(@while.Statement, local, facts, breaks); // so does the body of `while (true)`
            case ForStatementSyntax @for when @for.Condition is null || IsTrue(@for.Condition):
                return AlwaysReturns(@for.Statement, local, facts, breaks); // and of `for (;;)`
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>x != null</c>, <c>null != x</c>, <c>x is not null</c>, <c>x is { }</c> or <c>x is object</c> for the local,
    /// or a pattern that binds it (<c>… is { } x</c>, <c>… is T x</c>, and <c>… is var x</c>, which is never false):
    /// the condition is false only when the local holds nothing rented.
    /// </summary>
    private static bool IsNotNullTest(ExpressionSyntax condition, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts)
    {
        while (condition is ParenthesizedExpressionSyntax parenthesized)
        {
            condition = parenthesized.Expression;
        }

        if (condition is IsPatternExpressionSyntax { Pattern: var bindingPattern } && Binds(bindingPattern, local))
        {
            return true;
        }

        // The local itself, or an assignment of it (`(x = pool.Rent()) != null`); a tuple element followed as a local, itself.
        bool IsLocal(ExpressionSyntax e) => facts.IsElement(e, local) || e switch
        {
            IdentifierNameSyntax { Identifier.ValueText: var name } => name == local.Name,
            ParenthesizedExpressionSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: var name } } assignment } =>
                assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && name == local.Name,
            _ => false,
        };
        static bool IsNull(ExpressionSyntax e) => e is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.NullLiteralExpression);

        return condition switch
        {
            BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.NotEqualsExpression) =>
                (IsLocal(binary.Left) && IsNull(binary.Right)) || (IsNull(binary.Left) && IsLocal(binary.Right)),
            IsPatternExpressionSyntax { Pattern: UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: var constant } } notPattern } isPattern =>
                IsLocal(isPattern.Expression) && notPattern.IsKind(SyntaxKind.NotPattern) && IsNull(constant),
            IsPatternExpressionSyntax { Pattern: RecursivePatternSyntax { Type: null, PositionalPatternClause: null, PropertyPatternClause.Subpatterns.Count: 0, Designation: null } } isPattern =>
                IsLocal(isPattern.Expression),
            BinaryExpressionSyntax { Right: PredefinedTypeSyntax { Keyword.ValueText: "object" } } binary when binary.IsKind(SyntaxKind.IsExpression) =>
                IsLocal(binary.Left),
            _ => false,
        };
    }

    /// <summary><c>… is not T x</c> or <c>… is not { } x</c>: true only when nothing was bound to the local.</summary>
    private static bool IsNullTest(ExpressionSyntax condition, ISymbol local)
    {
        while (condition is ParenthesizedExpressionSyntax parenthesized)
        {
            condition = parenthesized.Expression;
        }

        return condition is IsPatternExpressionSyntax { Pattern: UnaryPatternSyntax { Pattern: var negated } not } &&
            not.IsKind(SyntaxKind.NotPattern) && negated is not VarPatternSyntax && Binds(negated, local);
    }

    /// <summary>A declaration, var, or property-less <c>{ }</c> pattern that declares the local.</summary>
    private static bool Binds(PatternSyntax pattern, ISymbol local)
    {
        var designation = pattern switch
        {
            DeclarationPatternSyntax declaration => declaration.Designation,
            VarPatternSyntax var => var.Designation,
            RecursivePatternSyntax { PositionalPatternClause: null, PropertyPatternClause: null or { Subpatterns.Count: 0 } } recursive => recursive.Designation,
            _ => null,
        };
        return designation is SingleVariableDesignationSyntax { Identifier.ValueText: var name } && name == local.Name;
    }

    /// <summary>Whether a local function's body returns the local on every path that leaves it normally.</summary>
    public static bool AlwaysReturnsBody(LocalFunctionStatementSyntax localFunction, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts) =>
        localFunction.ExpressionBody is { Expression: var expression } ? facts.IsReturnOf(expression, local) :
        localFunction.Body is { } body && AlwaysReturns(body.Statements, local, facts);

    /// <summary>Whether a switch section's statements always return the local (its pattern variable) before they leave the section.</summary>
    public static bool AlwaysReturnedIn(SwitchSectionSyntax section, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts) =>
        AlwaysReturns(section.Statements, local, facts);

    private static bool AlwaysReturns(SyntaxList<StatementSyntax> statements, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, LoopExits? breaks = null)
    {
        foreach (var inner in statements)
        {
            if (AlwaysReturns(inner, local, facts, breaks))
            {
                return true;
            }

            if (MayExitWithout(inner, local, facts, breaks))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="statement"/> can leave the enclosing block (other than by falling through or
    /// throwing) on a path where <paramref name="local"/> was not returned first.
    /// </summary>
    private static bool MayExitWithout(StatementSyntax statement, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, LoopExits? breaks = null)
    {
        foreach (var exit in Exits(statement, breaks))
        {
            if (!ReturnedBefore(exit, statement, local, facts, breaks) && !(exit is GotoStatementSyntax jump && LabelAheadReturns(jump, local, facts, breaks)) &&
                !InBranchWithNothingToReturn(exit, statement, local, facts))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="exit"/> sits, within <paramref name="boundary"/>, in an <c>if</c> branch taken only when a
    /// flag says the local holds nothing to return (<c>if (returned) return;</c>).
    /// </summary>
    private static bool InBranchWithNothingToReturn(SyntaxNode exit, StatementSyntax boundary, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts)
    {
        for (var node = exit; node != boundary && node.Parent is { } parent; node = parent)
        {
            if ((parent is IfStatementSyntax @if && node == @if.Statement && facts.Flags.NothingToReturn(@if, local, whenTrue: true)) ||
                (parent is ElseClauseSyntax { Parent: IfStatementSyntax owner } && facts.Flags.NothingToReturn(owner, local, whenTrue: false)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="jump"/> is a <c>goto label;</c> forward to a label in the same function from which
    /// the rest of the label's block always returns the local (only forward jumps: the scan terminates).
    /// </summary>
    private static bool LabelAheadReturns(GotoStatementSyntax jump, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, LoopExits? breaks = null)
    {
        if (!jump.IsKind(SyntaxKind.GotoStatement) || jump.Expression is not IdentifierNameSyntax { Identifier.ValueText: var name }
            || Function(jump) is not { } function)
        {
            return false;
        }

        var label = function.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<LabeledStatementSyntax>()
            .FirstOrDefault(l => l.Identifier.ValueText == name);
        if (label is null || label.SpanStart <= jump.SpanStart || label.Parent is not { } parent || StatementsOf(parent) is not { } statements)
        {
            return false;
        }

        for (var i = IndexOf(statements, label); i >= 0 && i < statements.Count; i++)
        {
            if (AlwaysReturns(statements[i], local, facts, breaks))
            {
                return true;
            }

            if (MayExitWithout(statements[i], local, facts, breaks))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Whether an earlier statement of a block enclosing <paramref name="exit"/> (up to <paramref name="boundary"/>) always returns the local.</summary>
    private static bool ReturnedBefore(SyntaxNode exit, StatementSyntax boundary, ISymbol local, PoolMisuseAnalyzer.BodyFacts facts, LoopExits? breaks = null)
    {
        for (var node = exit; node != boundary && node.Parent is { } parent; node = parent)
        {
            if (node is StatementSyntax child && StatementsOf(parent) is { } siblings)
            {
                for (var i = IndexOf(siblings, child) - 1; i >= 0; i--)
                {
                    if (AlwaysReturns(siblings[i], local, facts, breaks))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>The statements in <paramref name="statement"/> that leave it other than by falling through or throwing.</summary>
    private static IEnumerable<StatementSyntax> Exits(StatementSyntax statement, LoopExits? breaks)
    {
        foreach (var node in statement.DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            switch (node)
            {
                case ReturnStatementSyntax or GotoStatementSyntax:
                case YieldStatementSyntax { ReturnOrBreakKeyword.ValueText: "break" }:
                    yield return (StatementSyntax)node;
                    break;
                case BreakStatementSyntax or ContinueStatementSyntax:
                    var target = node.Ancestors().FirstOrDefault(a => a is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax ||
                        (node is BreakStatementSyntax && a is SwitchStatementSyntax));
                    if ((target is null || !statement.Span.Contains(target.Span)) && (breaks is null || !breaks.Covers((StatementSyntax)node)))
                    {
                        yield return (StatementSyntax)node;
                    }

                    break;
            }
        }
    }

    public static bool IsJump(StatementSyntax statement) =>
        statement is ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax or GotoStatementSyntax ||
        statement is YieldStatementSyntax { ReturnOrBreakKeyword.ValueText: "break" };

    private static bool Exclusive(SyntaxNode common, SyntaxNode from, SyntaxNode to) => common switch
    {
        IfStatementSyntax @if => @if.Else is { } @else && @if.Statement.Span.Contains(from.Span) && @else.Span.Contains(to.Span),
        SwitchStatementSyntax => true, // different sections (the common ancestor of one section's nodes is the section)
        SwitchExpressionSyntax => true,
        ConditionalExpressionSyntax conditional => conditional.WhenTrue.Span.Contains(from.Span) && conditional.WhenFalse.Span.Contains(to.Span),
        // A catch runs only on an exception, and exception paths are not considered: from the try body (or one
        // catch) into a catch is not a path (`try { ...; Return(x); } catch { Return(x); throw; }`).
        TryStatementSyntax @try => @try.Catches.Any(c => c.Span.Contains(to.Span)) &&
            (@try.Block.Span.Contains(from.Span) || @try.Catches.Any(c => c.Span.Contains(from.Span))),
        _ => false,
    };

    /// <summary>The statement list a child of <paramref name="node"/> sits in, in order; null when its parent holds no list.</summary>
    private static IReadOnlyList<StatementSyntax>? StatementsOf(SyntaxNode node) => node switch
    {
        BlockSyntax block => block.Statements,
        SwitchSectionSyntax section => section.Statements,
        // Top-level statements are one body: each is wrapped alone in a global statement, so its siblings are the
        // statements of the other global statements of the file.
        GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } => TopLevelStatements(unit),
        _ => null,
    };

    // Built once per file: the flow walks ask for a top-level statement's siblings at every step.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CompilationUnitSyntax, StatementSyntax[]> s_topLevelStatements = new();

    private static StatementSyntax[] TopLevelStatements(CompilationUnitSyntax unit) =>
        s_topLevelStatements.GetValue(unit, static u => u.Members.OfType<GlobalStatementSyntax>().Select(static g => g.Statement).ToArray());

    /// <summary>The statement right after <paramref name="statement"/> in its block or switch section, or null.</summary>
    public static StatementSyntax? NextStatement(StatementSyntax statement) => Sibling(statement, 1);

    /// <summary>The statement right before <paramref name="statement"/> in its block or switch section, or null.</summary>
    public static StatementSyntax? PreviousStatement(StatementSyntax statement) => Sibling(statement, -1);

    private static StatementSyntax? Sibling(StatementSyntax statement, int offset)
    {
        if (statement.Parent is not { } parent || StatementsOf(parent) is not { } statements)
        {
            return null;
        }

        var index = IndexOf(statements, statement);
        return index >= 0 && index + offset >= 0 && index + offset < statements.Count ? statements[index + offset] : null;
    }

    private static int IndexOf(IReadOnlyList<StatementSyntax> statements, StatementSyntax statement)
    {
        // A list's statements come in the order of the code: a binary search by position finds it (the flow walks look
        // statements up at every step, and a linear search made a block of hundreds of rents quadratic). Broken code's
        // zero-width statements may share a position: those are all looked at, then the whole list as before.
        var start = statement.SpanStart;
        for (var i = SortedPositions.FirstNodeAtLeast(statements, start); i < statements.Count && statements[i].SpanStart == start; i++)
        {
            if (statements[i] == statement)
            {
                return i;
            }
        }

        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i] == statement)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The function (method, accessor, lambda, local function, or the file's top-level statements) that holds <paramref name="node"/>.</summary>
    public static SyntaxNode? Function(SyntaxNode node) => node.Ancestors().FirstOrDefault(IsFunction);
}
