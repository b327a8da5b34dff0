using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Hotpath.Analyzers.Pooling;

public sealed partial class PoolMisuseAnalyzer
{
    /// <summary>
    /// Bool locals that record what happened to a pooled variable, read where a condition tests them. A "returned" flag
    /// (<c>var returned = false; … pool.Return(b); returned = true; … if (!returned) pool.Return(b);</c>) is true only
    /// after a return of the variable; a "rented" flag (<c>var rented = false; … b = pool.Rent(n); rented = true; …
    /// if (rented) pool.Return(b);</c>, also cleared right after a return: <c>pool.Return(b); rented = false;</c>) is true
    /// whenever the variable holds a rent. A flag is read only when it is declared <c>= false</c> and every other write of
    /// it is <c>flag = true;</c> (or, for a rented flag, <c>flag = false;</c>) right after (in the same block) the statement
    /// it records; any other write (a second meaning, a <c>ref</c>, a write or a read in a lambda) leaves it unread, and
    /// the rules as they were.
    /// </summary>
    internal sealed class Flags
    {
        private static readonly List<ILocalSymbol> None = new();

        private readonly BodyFacts _facts;
        private Dictionary<SyntaxNode, IOperation>? _referenceAt;
        private readonly Dictionary<ILocalSymbol, List<(ExpressionStatementSyntax Statement, bool Value)>?> _sets = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<(ILocalSymbol Flag, ISymbol Local), bool> _returnedFlag = new();
        private readonly Dictionary<(ILocalSymbol Flag, ISymbol Local), bool> _rentedFlag = new();
        private Dictionary<StatementSyntax, ISymbol>? _rentStatements;
        private readonly Dictionary<ISymbol, List<ILocalSymbol>> _strictReturnedFlags = new(SymbolEqualityComparer.Default);
        private Dictionary<ISymbol, List<ILocalSymbol>>? _rentedFlags;
        private readonly Dictionary<(SyntaxNode If, ISymbol Local, bool WhenTrue), bool> _nothingToReturn = new();
        private readonly Dictionary<(ILocalSymbol Flag, bool LeavesWhen), Dictionary<SyntaxNode, List<IfStatementSyntax>>> _guardClauses = new();
        private readonly Dictionary<ILocalSymbol, Dictionary<IfStatementSyntax, IOperation>> _conditions = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<SyntaxNode, bool> _hasLabels = new();

        public Flags(BodyFacts facts) => _facts = facts;

        /// <summary>
        /// The flag of <paramref name="local"/> set right after <paramref name="returnCall"/>, with the value it is set to: a
        /// returned flag set true (<c>pool.Return(b); returned = true;</c>) or a rented flag cleared (<c>pool.Return(b);
        /// rented = false;</c>); null otherwise. The flag keeps that value on every path from there until the variable is
        /// written again.
        /// </summary>
        public (ILocalSymbol Flag, bool Value)? SetAfter(IInvocationOperation returnCall, ISymbol local) =>
            returnCall.Syntax.Parent is ExpressionStatementSyntax statement && FlagSetBy(Flow.NextStatement(statement), out var value) is { } flag &&
            (value ? IsReturnedFlag(flag, local) : IsRentedFlag(flag, local))
                ? (flag, value)
                : null;

        /// <summary>
        /// Whether <paramref name="node"/> runs only when the flag does not hold the value <paramref name="set"/> gave it,
        /// by a condition evaluated after <paramref name="after"/> (the return it follows): an <c>if</c> or <c>?:</c>
        /// branch, or the right of <c>&amp;&amp;</c> or <c>||</c>, whose condition can take it only then, or a guard clause
        /// before it that leaves while the flag holds that value; with <paramref name="loop"/>, only a condition inside that
        /// loop, evaluated again on its next iteration.
        /// </summary>
        public bool Excludes((ILocalSymbol Flag, bool Value) set, IOperation node, SyntaxNode after, StatementSyntax? loop)
        {
            var (flag, value) = set;
            if (RunsOnlyWhenByCondition(node, flag, !value, after, loop))
            {
                return true;
            }

            // `if (returned) return;` before the node in a block that holds it (no label in that block: a goto could skip
            // the guard), reached after the return (or, with the loop, inside it: tested again on its next iteration).
            var guards = GuardClauses(flag, leavesWhen: value);
            if (guards.Count > 0)
            {
                var lowest = loop is null ? after.Span.End : loop.SpanStart;
                foreach (var list in node.Syntax.Ancestors())
                {
                    if (loop is not null ? !loop.Span.Contains(list.Span) : list.Span.End <= lowest)
                    {
                        break;
                    }

                    // The guards of that list before the node, from the return on: all but the last end before the next one,
                    // and the last must not hold the node (`if (returned) return b[0];` runs while the flag is true).
                    if (guards.TryGetValue(list, out var starts) && !HasLabels(list))
                    {
                        var first = SortedPositions.FirstNodeAtLeast(starts, lowest);
                        var last = SortedPositions.FirstNodeAtLeast(starts, node.Syntax.SpanStart) - 1;
                        if (first < last || (first == last && starts[last].Span.End <= node.Syntax.SpanStart))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        // An if or ?: branch, or the right of && or ||, whose condition (evaluated after the return) takes it only while the flag is `value`.
        private static bool RunsOnlyWhenByCondition(IOperation node, ILocalSymbol flag, bool value, SyntaxNode after, StatementSyntax? loop)
        {
            for (var child = node; child.Parent is { } parent; child = parent)
            {
                IOperation? test = null;
                var whenTrue = true;
                switch (parent)
                {
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return false;
                    case IConditionalOperation conditional when child != conditional.Condition:
                        test = conditional.Condition;
                        whenTrue = child == conditional.WhenTrue;
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary when child == binary.RightOperand:
                        test = binary.LeftOperand;
                        whenTrue = binary.OperatorKind == BinaryOperatorKind.ConditionalAnd;
                        break;
                }

                if (test is not null &&
                    (loop is null ? !parent.Syntax.Span.Contains(after.Span) : loop.Span.Contains(parent.Syntax.Span)) &&
                    Implies(test, whenTrue, flag, flagValue: value))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The guard clauses that leave when the flag is <paramref name="leavesWhen"/>: an <c>if</c> without <c>else</c> whose
        /// condition is true only when the flag has that value, and whose branch is a jump (<c>return</c>, <c>throw</c>, <c>break</c>, <c>continue</c>) or a block
        /// that ends in one, with no <c>goto</c> in it; each in a block or switch section.
        /// </summary>
        private Dictionary<SyntaxNode, List<IfStatementSyntax>> GuardClauses(ILocalSymbol flag, bool leavesWhen)
        {
            if (_guardClauses.TryGetValue((flag, leavesWhen), out var guards))
            {
                return guards;
            }

            guards = new Dictionary<SyntaxNode, List<IfStatementSyntax>>(); // by the block or section that holds them, in order
            foreach (var pair in ConditionsOf(flag))
            {
                if (pair.Key is { Else: null, Parent: BlockSyntax or SwitchSectionSyntax } @if && Leaves(@if.Statement) &&
                    Implies(pair.Value, true, flag, flagValue: leavesWhen))
                {
                    if (!guards.TryGetValue(@if.Parent, out var starts))
                    {
                        guards[@if.Parent] = starts = new List<IfStatementSyntax>();
                    }

                    starts.Add(@if);
                }
            }

            foreach (var starts in guards.Values)
            {
                starts.Sort(static (a, b) => a.SpanStart.CompareTo(b.SpanStart));
            }

            _guardClauses[(flag, leavesWhen)] = guards;
            return guards;

            static bool Leaves(StatementSyntax statement) =>
                Flow.IsJump(statement) && statement is not GotoStatementSyntax ||
                statement is BlockSyntax { Statements: { Count: > 0 } statements } block && Flow.IsJump(statements[statements.Count - 1]) &&
                !block.DescendantNodes().OfType<GotoStatementSyntax>().Any();
        }


        private bool HasLabels(SyntaxNode list)
        {
            if (!_hasLabels.TryGetValue(list, out var has))
            {
                has = list.ChildNodes().Any(static n => n is LabeledStatementSyntax);
                _hasLabels[list] = has;
            }

            return has;
        }

        /// <summary>
        /// Whether the branch of <paramref name="if"/> taken when its condition is <paramref name="whenTrue"/> runs only
        /// when <paramref name="local"/> holds nothing to return: a returned flag of it is true there (it went back
        /// already), or a rented flag false (nothing was rented).
        /// </summary>
        public bool NothingToReturn(IfStatementSyntax @if, ISymbol local, bool whenTrue)
        {
            var returnedFlags = StrictReturnedFlags(local);
            var rentedFlags = RentedFlags(local);
            if (returnedFlags.Count == 0 && rentedFlags.Count == 0)
            {
                return false;
            }

            var key = (@if, local, whenTrue);
            if (!_nothingToReturn.TryGetValue(key, out var nothing))
            {
                nothing = ConditionOf(@if, returnedFlags, rentedFlags) is { } condition &&
                    (returnedFlags.Any(flag => Implies(condition, whenTrue, flag, flagValue: true)) ||
                     rentedFlags.Any(flag => Implies(condition, whenTrue, flag, flagValue: false)));
                _nothingToReturn[key] = nothing;
            }

            return nothing;
        }

        // The if's condition, when it reads one of the flags.
        private IOperation? ConditionOf(IfStatementSyntax @if, List<ILocalSymbol> returnedFlags, List<ILocalSymbol> rentedFlags)
        {
            foreach (var flag in returnedFlags.Concat(rentedFlags))
            {
                if (ConditionsOf(flag).TryGetValue(@if, out var condition))
                {
                    return condition;
                }
            }

            return null;
        }

        // The conditions of the if statements that read the flag in their condition, by if (gathered once per flag).
        private Dictionary<IfStatementSyntax, IOperation> ConditionsOf(ILocalSymbol flag)
        {
            if (_conditions.TryGetValue(flag, out var conditions))
            {
                return conditions;
            }

            conditions = new Dictionary<IfStatementSyntax, IOperation>();
            foreach (var reference in _facts.ReferencesTo(flag))
            {
                for (var operation = reference.Parent; operation is not null; operation = operation.Parent)
                {
                    if (operation is IConditionalOperation { Syntax: IfStatementSyntax @if } conditional)
                    {
                        if (@if.Condition.Span.Contains(reference.Syntax.Span))
                        {
                            conditions[@if] = conditional.Condition;
                        }

                        break;
                    }

                    if (operation is IBlockOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                    {
                        break; // not in a condition
                    }
                }
            }

            _conditions[flag] = conditions;
            return conditions;
        }

        /// <summary>
        /// Whether <paramref name="condition"/> evaluating to <paramref name="value"/> means <paramref name="flag"/> is
        /// <paramref name="flagValue"/>: the flag itself, <c>!</c>, a comparison with <c>true</c> or <c>false</c>
        /// (<c>==</c>, <c>!=</c>, <c>is</c>, <c>is not</c>), and <c>&amp;&amp;</c>, <c>||</c>, <c>&amp;</c>, <c>|</c> of those.
        /// </summary>
        private static bool Implies(IOperation condition, bool value, ILocalSymbol flag, bool flagValue)
        {
            while (condition is IConversionOperation { OperatorMethod: null } conversion)
            {
                condition = conversion.Operand;
            }

            switch (condition)
            {
                case ILocalReferenceOperation { Local: var local }:
                    return SymbolEqualityComparer.Default.Equals(local, flag) && value == flagValue;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null, Operand: var operand }:
                    return Implies(operand, !value, flag, flagValue);
                case IBinaryOperation { OperatorMethod: null, IsLifted: false, Type.SpecialType: SpecialType.System_Boolean } binary:
                    var (left, right) = (binary.LeftOperand, binary.RightOperand);
                    switch (binary.OperatorKind)
                    {
                        case BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And:
                            return value
                                ? Implies(left, true, flag, flagValue) || Implies(right, true, flag, flagValue)
                                : Implies(left, false, flag, flagValue) && Implies(right, false, flag, flagValue);
                        case BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or:
                            return value
                                ? Implies(left, true, flag, flagValue) && Implies(right, true, flag, flagValue)
                                : Implies(left, false, flag, flagValue) || Implies(right, false, flag, flagValue);
                        case BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals:
                            // `e == c` true means e is c, false means it is !c; `e != c` the other way round.
                            var equal = binary.OperatorKind == BinaryOperatorKind.Equals;
                            return BoolConstant(right) is bool c
                                ? Implies(left, value == equal ? c : !c, flag, flagValue)
                                : BoolConstant(left) is bool d && Implies(right, value == equal ? d : !d, flag, flagValue);
                        default:
                            return false;
                    }

                case IIsPatternOperation { Value: var tested, Pattern: var pattern }:
                    return pattern switch
                    {
                        IConstantPatternOperation { Value: var constant } when BoolConstant(constant) is bool c =>
                            Implies(tested, value ? c : !c, flag, flagValue),
                        INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } when BoolConstant(constant) is bool c =>
                            Implies(tested, value ? !c : c, flag, flagValue),
                        _ => false,
                    };
                default:
                    return false;
            }
        }

        private static bool? BoolConstant(IOperation operation) =>
            operation.ConstantValue is { HasValue: true, Value: bool constant } && operation.Type?.SpecialType == SpecialType.System_Boolean ? constant : null;

        // A returned flag of the local after which the local is not written again, so a true flag means the object it
        // holds went back (not an earlier one): the local is not declared again after the flag, nor written after it.
        private List<ILocalSymbol> StrictReturnedFlags(ISymbol local)
        {
            if (_strictReturnedFlags.TryGetValue(local, out var flags))
            {
                return flags;
            }

            flags = None;
            foreach (var (_, call, _) in _facts.ReturnsBetween(local, 0, int.MaxValue))
            {
                if (SetAfter(call, local) is (var flag, true) && !flags.Contains(flag, SymbolEqualityComparer.Default) &&
                    Declarator(flag) is { } declarator && DeclaredBefore(local, declarator) && !MayBeWrittenAfter(local, declarator.Span.End))
                {
                    if (flags == None)
                    {
                        flags = new List<ILocalSymbol>();
                    }

                    flags.Add(flag);
                }
            }

            _strictReturnedFlags[local] = flags;
            return flags;
        }

        // Declared before the flag, or after it but never again without the flag (every loop that repeats the local's
        // declaration repeats the flag's): a flag true from an earlier object's return cannot meet a new one.
        private static bool DeclaredBefore(ISymbol local, SyntaxNode flagDeclarator) => local switch
        {
            IParameterSymbol => true,
            ILocalSymbol => local.DeclaringSyntaxReferences.Length == 1 &&
                (local.DeclaringSyntaxReferences[0].Span.End <= flagDeclarator.SpanStart ||
                 (Flow.LoopsRepeating(local.DeclaringSyntaxReferences[0].GetSyntax()).All(loop => loop.Span.Contains(flagDeclarator.Span)) &&
                  Flow.Function(flagDeclarator) is { } function &&
                  !function.DescendantNodes(TextSpan.FromBounds(flagDeclarator.Span.End, local.DeclaringSyntaxReferences[0].Span.Start))
                      .Any(static n => n is LabeledStatementSyntax))), // nor by a goto back between the two
            _ => false,
        };

        private bool MayBeWrittenAfter(ISymbol local, int position)
        {
            foreach (var reference in _facts.ReferencesTo(local))
            {
                if (reference.Syntax.SpanStart >= position && MayWrite(reference))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The rented flags of the local: each rent of it is a statement <c>local = pool.Rent(…);</c> with <c>flag = true;</c>
        /// right after, and every loop that holds the flag's declaration holds the local's too (a flag declared again would
        /// forget a rent still held).
        /// </summary>
        private List<ILocalSymbol> RentedFlags(ISymbol local)
        {
            if (_rentedFlags is null)
            {
                _rentedFlags = new Dictionary<ISymbol, List<ILocalSymbol>>(SymbolEqualityComparer.Default);
                var flagsOf = new Dictionary<ISymbol, List<ILocalSymbol>?>(SymbolEqualityComparer.Default); // null: a rent of it has no flag
                foreach (var rent in _facts.Rents)
                {
                    // A rent deconstructed into the local (`(b, n) = (pool.Rent(8), 0);`) has no flag after it.
                    if ((InTuple(rent, out var deconstructed, out _, out _) == TupleFate.Deconstructed ? deconstructed : RentTarget(rent).Target) is not ILocalSymbol target)
                    {
                        continue;
                    }

                    var flag = RentStatement(rent) is { } statement && FlagSetBy(Flow.NextStatement(statement), out var value) is { } set && value ? set : null;
                    if (!flagsOf.TryGetValue(target, out var flags))
                    {
                        flagsOf[target] = flags = new List<ILocalSymbol>();
                    }

                    if (flag is null)
                    {
                        flagsOf[target] = null;
                    }
                    else if (flags is not null && !flags.Contains(flag, SymbolEqualityComparer.Default))
                    {
                        flags.Add(flag);
                    }
                }

                foreach (var pair in flagsOf)
                {
                    if (pair.Value is not { Count: 1 } flags || !IsRentedFlag(flags[0], pair.Key) || Declarator(flags[0]) is not { } declarator ||
                        pair.Key.DeclaringSyntaxReferences.Length != 1 ||
                        !Flow.LoopsRepeating(declarator).All(loop => loop.Span.Contains(pair.Key.DeclaringSyntaxReferences[0].Span)))
                    {
                        continue;
                    }

                    _rentedFlags[pair.Key] = flags;
                }
            }

            return _rentedFlags.TryGetValue(local, out var found) ? found : None;
        }

        // Every set is `flag = true;` right after a return of the local.
        private bool IsReturnedFlag(ILocalSymbol flag, ISymbol local)
        {
            var key = (flag, local);
            if (!_returnedFlag.TryGetValue(key, out var isFlag))
            {
                isFlag = SetsOf(flag) is { } sets && sets.All(set => set.Value && IsReturnStatement(Flow.PreviousStatement(set.Statement), local));
                _returnedFlag[key] = isFlag;
            }

            return isFlag;
        }

        // Every set is `flag = true;` right after a statement `local = pool.Rent(…);`, or `flag = false;` right after a return of it.
        private bool IsRentedFlag(ILocalSymbol flag, ISymbol local)
        {
            var key = (flag, local);
            if (!_rentedFlag.TryGetValue(key, out var isFlag))
            {
                isFlag = SetsOf(flag) is { } sets && sets.All(set => Flow.PreviousStatement(set.Statement) is { } previous &&
                    (set.Value
                        ? RentStatements().TryGetValue(previous, out var rented) && SymbolEqualityComparer.Default.Equals(rented, local)
                        : IsReturnStatement(previous, local)));
                _rentedFlag[key] = isFlag;
            }

            return isFlag;
        }

        private bool IsReturnStatement(StatementSyntax? statement, ISymbol local) =>
            statement is ExpressionStatementSyntax { Expression: var expression } && _facts.IsReturnOf(expression, local);

        // `local = pool.Rent(…);`: the statement, or null.
        private static StatementSyntax? RentStatement(IInvocationOperation rent) =>
            rent.Parent is ISimpleAssignmentOperation { Target: ILocalReferenceOperation, Parent: IExpressionStatementOperation } &&
            rent.Syntax.Parent is AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax statement }
                ? statement
                : null;

        // The statements `local = pool.Rent(…);` of the body, with the local.
        private Dictionary<StatementSyntax, ISymbol> RentStatements()
        {
            if (_rentStatements is null)
            {
                _rentStatements = new Dictionary<StatementSyntax, ISymbol>();
                foreach (var rent in _facts.Rents)
                {
                    if (RentStatement(rent) is { } statement && rent.Parent is ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var local } })
                    {
                        _rentStatements[statement] = local;
                    }
                }
            }

            return _rentStatements;
        }

        // `flag = true;` or `flag = false;`: the local it sets and the value, or null.
        private ILocalSymbol? FlagSetBy(StatementSyntax? statement, out bool value)
        {
            value = false;
            if (statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax name, Right: var assigned } assignment } &&
                assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                (assigned.IsKind(SyntaxKind.TrueLiteralExpression) || assigned.IsKind(SyntaxKind.FalseLiteralExpression)) &&
                ReferenceAt(name) is ILocalReferenceOperation { Local: { Type.SpecialType: SpecialType.System_Boolean } flag })
            {
                value = assigned.IsKind(SyntaxKind.TrueLiteralExpression);
                return flag;
            }

            return null;
        }

        /// <summary>
        /// The <c>flag = true;</c> and <c>flag = false;</c> statements of a bool local declared <c>= false</c> and written
        /// nowhere else, nor read in another function than its own, with the value each sets; null when it is not such a flag.
        /// </summary>
        private List<(ExpressionStatementSyntax Statement, bool Value)>? SetsOf(ILocalSymbol flag)
        {
            if (_sets.TryGetValue(flag, out var sets))
            {
                return sets;
            }

            sets = null;
            if (Declarator(flag) is { } declarator && Flow.Function(declarator) is { } function)
            {
                sets = new List<(ExpressionStatementSyntax, bool)>();
                foreach (var reference in _facts.ReferencesTo(flag))
                {
                    if (Flow.Function(reference.Syntax) != function)
                    {
                        sets = null;
                        break;
                    }

                    if (reference.Parent is ISimpleAssignmentOperation { IsRef: false, Value.ConstantValue: { HasValue: true, Value: bool value } } set &&
                        set.Target == reference && set.Syntax.Parent is ExpressionStatementSyntax statement)
                    {
                        sets.Add((statement, value));
                    }
                    else if (MayWrite(reference))
                    {
                        sets = null;
                        break;
                    }
                }
            }

            _sets[flag] = sets;
            return sets;
        }

        // `bool flag = false;` (or var): its declarator, or null.
        private static VariableDeclaratorSyntax? Declarator(ILocalSymbol flag) =>
            flag.Type.SpecialType == SpecialType.System_Boolean && !flag.IsRef && !flag.IsConst && flag.DeclaringSyntaxReferences.Length == 1 &&
            flag.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: var initial, Parent.Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } } declarator &&
            initial.IsKind(SyntaxKind.FalseLiteralExpression)
                ? declarator
                : null;

        // A reference that writes the local or lets something else write it: an assignment, a compound one, ++/--, an out or
        // ref argument, a ref local or ref assignment to it, its address, a deconstruction into it.
        public static bool MayWrite(IOperation reference) =>
            IsWrite(reference) || TakenByRef(reference) ||
            reference.Parent is IAssignmentOperation assignment && assignment.Target == reference || reference.Parent is IIncrementOrDecrementOperation;

        private IOperation? ReferenceAt(SyntaxNode syntax)
        {
            if (_referenceAt is null)
            {
                _referenceAt = new Dictionary<SyntaxNode, IOperation>();
                foreach (var reference in _facts.References)
                {
                    _referenceAt[reference.Syntax] = reference;
                }
            }

            return _referenceAt.TryGetValue(syntax, out var found) ? found : null;
        }
    }
}
