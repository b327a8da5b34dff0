using System;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>The kinds of lock the analyzers recognise in manual acquire/release calls.</summary>
internal enum LockKind
{
    Monitor,
    Lock,
    SpinLock,
    Semaphore,
    ReadLock,
    WriteLock,
    UpgradeableReadLock,
}

/// <summary>A manual lock acquisition: <c>Monitor.Enter</c>, <c>Lock.Enter</c>, <c>SemaphoreSlim.Wait</c>, ...</summary>
internal readonly struct Acquisition
{
    public Acquisition(IInvocationOperation invocation, LockKind kind, IOperation target, IArgumentOperation? takenFlag, bool returnsSuccess, bool isZeroTimeout)
    {
        Invocation = invocation;
        Kind = kind;
        Target = target;
        TakenFlag = takenFlag;
        ReturnsSuccess = returnsSuccess;
        IsZeroTimeout = isZeroTimeout;
    }

    public IInvocationOperation Invocation { get; }
    public LockKind Kind { get; }

    /// <summary>The lock object: Monitor's first argument, otherwise the receiver.</summary>
    public IOperation Target { get; }

    /// <summary>The <c>ref bool lockTaken</c> argument, when the overload has one.</summary>
    public IArgumentOperation? TakenFlag { get; }

    /// <summary>The call returns whether it acquired (<c>TryEnter</c>, <c>Wait(timeout)</c>).</summary>
    public bool ReturnsSuccess { get; }

    /// <summary>A try-acquire with a zero timeout (<c>WaitAsync(0)</c>).</summary>
    public bool IsZeroTimeout { get; }
}

/// <summary>How a condition around a try-acquire can come out: true or false, with the lock held or free.</summary>
[Flags]
internal enum ConditionOutcomes
{
    None = 0,
    TrueHeld = 1,
    TrueFree = 2,
    FalseHeld = 4,
    FalseFree = 8,
}

/// <summary>Shared recognition of lock acquisitions, releases and lock targets.</summary>
internal static class LockOperations
{
    public static bool TryGetAcquisition(IInvocationOperation invocation, LockSymbols symbols, out Acquisition acquisition)
    {
        acquisition = default;
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        var returnsBool = method.ReturnType.SpecialType == SpecialType.System_Boolean;
        if (LockSymbols.Is(type, symbols.Monitor))
        {
            if ((method.Name is "Enter" or "TryEnter") && invocation.Arguments.Length > 0)
            {
                acquisition = new Acquisition(invocation, LockKind.Monitor, ArgumentAt(invocation, 0)!.Value, TakenFlag(invocation), returnsBool, false);
                return true;
            }

            return false;
        }

        if (invocation.Instance is null)
        {
            return false;
        }

        if (LockSymbols.Is(type, symbols.Lock))
        {
            // EnterScope hands back a disposable scope: the using statement guarantees the release.
            if (method.Name is "Enter" or "TryEnter")
            {
                acquisition = new Acquisition(invocation, LockKind.Lock, invocation.Instance, null, returnsBool, false);
                return true;
            }

            return false;
        }

        if (LockSymbols.Is(type, symbols.SpinLock))
        {
            if (method.Name is "Enter" or "TryEnter")
            {
                acquisition = new Acquisition(invocation, LockKind.SpinLock, invocation.Instance, TakenFlag(invocation), false, false);
                return true;
            }

            return false;
        }

        if (LockSymbols.Is(type, symbols.SemaphoreSlim))
        {
            if (method.Name is "Wait" or "WaitAsync")
            {
                var returnsSuccess = returnsBool ||
                    (method.ReturnType is INamedTypeSymbol { IsGenericType: true } task && task.TypeArguments[0].SpecialType == SpecialType.System_Boolean);
                acquisition = new Acquisition(invocation, LockKind.Semaphore, invocation.Instance, null, returnsSuccess, HasZeroTimeout(invocation, symbols));
                return true;
            }

            return false;
        }

        if (LockSymbols.Is(type, symbols.ReaderWriterLockSlim))
        {
            var kind = method.Name switch
            {
                "EnterReadLock" or "TryEnterReadLock" => LockKind.ReadLock,
                "EnterWriteLock" or "TryEnterWriteLock" => LockKind.WriteLock,
                "EnterUpgradeableReadLock" or "TryEnterUpgradeableReadLock" => LockKind.UpgradeableReadLock,
                _ => (LockKind?)null,
            };
            if (kind is { } k)
            {
                acquisition = new Acquisition(invocation, k, invocation.Instance, null, returnsBool, HasZeroTimeout(invocation, symbols));
                return true;
            }
        }

        return false;
    }

    /// <summary>Recognises <c>Monitor.Exit</c>, <c>Lock.Exit</c>, <c>SpinLock.Exit</c>, <c>SemaphoreSlim.Release</c>, <c>Exit*Lock</c>.</summary>
    public static bool TryGetRelease(IInvocationOperation invocation, LockSymbols symbols, out LockKind kind, out IOperation target)
    {
        kind = default;
        target = null!;
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (LockSymbols.Is(type, symbols.Monitor))
        {
            if (method.Name == "Exit" && invocation.Arguments.Length == 1)
            {
                kind = LockKind.Monitor;
                target = invocation.Arguments[0].Value;
                return true;
            }

            return false;
        }

        if (invocation.Instance is null)
        {
            return false;
        }

        LockKind? found = null;
        if (LockSymbols.Is(type, symbols.Lock) && method.Name == "Exit")
        {
            found = LockKind.Lock;
        }
        else if (LockSymbols.Is(type, symbols.SpinLock) && method.Name == "Exit")
        {
            found = LockKind.SpinLock;
        }
        else if (LockSymbols.Is(type, symbols.SemaphoreSlim) && method.Name == "Release")
        {
            found = LockKind.Semaphore;
        }
        else if (LockSymbols.Is(type, symbols.ReaderWriterLockSlim))
        {
            found = method.Name switch
            {
                "ExitReadLock" => LockKind.ReadLock,
                "ExitWriteLock" => LockKind.WriteLock,
                "ExitUpgradeableReadLock" => LockKind.UpgradeableReadLock,
                _ => null,
            };
        }

        if (found is { } k)
        {
            kind = k;
            target = invocation.Instance;
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="invocation"/> is <c>Lock.EnterScope()</c>; returns the lock.</summary>
    public static bool IsEnterScope(IInvocationOperation invocation, LockSymbols symbols, out IOperation target)
    {
        target = invocation.Instance!;
        return invocation.Instance is not null && invocation.TargetMethod.Name == "EnterScope" &&
               LockSymbols.Is(invocation.TargetMethod.ContainingType, symbols.Lock);
    }

    public static IArgumentOperation? ArgumentAt(IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument;
            }
        }

        return null;
    }

    private static IArgumentOperation? TakenFlag(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { RefKind: RefKind.Ref, Type.SpecialType: SpecialType.System_Boolean })
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="reference"/> (a field's, a local's) is written: assigned (also as an element of a
    /// deconstruction's target, or by a compound assignment), stepped, passed by <c>ref</c>/<c>out</c>, or taken by
    /// writable reference (<c>&amp;x</c>, <c>ref var r = ref x;</c>, <c>r = ref x;</c>, <c>return ref x;</c> from a
    /// <c>ref</c>-returning member, local function or lambda), also as a branch of a ref conditional
    /// (<c>ref c ? ref x : ref y</c>). Taken by <c>ref readonly</c> reference it is only read: a <c>ref readonly</c> local
    /// or ref field bound or ref-assigned to it, an <c>in</c>/<c>ref readonly</c> parameter ref-assigned to it, a
    /// <c>return ref x;</c> from a member, local function or lambda returning <c>ref readonly</c>
    /// (<see cref="IsTakenByReadOnlyReference"/>, which the code fixes' <c>Writes.IsWritten</c> asks too, so both agree on
    /// a <c>ref</c> taken of a variable; that one is stricter elsewhere on purpose, counting a struct written through its
    /// field and a dynamic call's <c>ref</c>/<c>out</c> argument, since a fix errs towards not being offered).
    /// </summary>
    public static bool IsWritten(IOperation reference)
    {
        if (IsTakenByReadOnlyReference(reference))
        {
            return false;
        }

        var current = reference;
        while (current.Parent is ITupleOperation || current.Parent is IConditionalOperation { IsRef: true } conditional && conditional.Condition != current)
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            IAssignmentOperation assignment => assignment.Target == current || assignment is ISimpleAssignmentOperation { IsRef: true },
            IForEachLoopOperation => current != reference,
            IIncrementOrDecrementOperation or IAddressOfOperation or IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
            _ => IsTakenByReference(current.Syntax),
        };
    }

    /// <summary>
    /// Whether <paramref name="reference"/> is taken by a reference that cannot write it, also as a branch of a ref
    /// conditional: a <c>ref readonly</c> local bound to it, a <c>ref readonly</c> local, ref field or an <c>in</c> /
    /// <c>ref readonly</c> parameter ref-assigned to it, a <c>return ref</c> of it from a member, local function or lambda
    /// returning <c>ref readonly</c>. The one answer both <see cref="IsWritten"/> and the code fixes' stricter
    /// <c>Writes.IsWritten</c> give a <c>ref</c> taken of a variable.
    /// </summary>
    public static bool IsTakenByReadOnlyReference(IOperation reference)
    {
        var current = reference;
        while (current.Parent is IConditionalOperation { IsRef: true } conditional && conditional.Condition != current)
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            ISimpleAssignmentOperation { IsRef: true } assignment when assignment.Value == current => IsReadOnlyReference(assignment.Target),
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.RefKind: RefKind.RefReadOnly } } => true,
            IReturnOperation { SemanticModel: { } model } @return => model.GetEnclosingSymbol(@return.Syntax.SpanStart) is IMethodSymbol { RefKind: RefKind.RefReadOnly },
            _ => false,
        };
    }

    /// <summary>Whether a ref assignment to <paramref name="target"/> makes it an alias that cannot write.</summary>
    private static bool IsReadOnlyReference(IOperation target) => target switch
    {
        ILocalReferenceOperation local => local.Local.RefKind == RefKind.RefReadOnly,
        IParameterReferenceOperation parameter => parameter.Parameter.RefKind is RefKind.In or RefKind.RefReadOnlyParameter,
        IFieldReferenceOperation field => field.Field.RefKind == RefKind.RefReadOnly,
        _ => false,
    };

    /// <summary>Whether <paramref name="syntax"/> is the operand of <c>ref</c> (<c>ref x</c>, <c>ref (x)</c>).</summary>
    private static bool IsTakenByReference(SyntaxNode syntax)
    {
        var parent = syntax.Parent;
        while (parent is ParenthesizedExpressionSyntax)
        {
            parent = parent.Parent;
        }

        return parent is RefExpressionSyntax;
    }

    /// <summary>Whether a call passes a zero timeout (a constant <c>0</c> <c>int</c>, or <c>TimeSpan.Zero</c>): a wait that only polls.</summary>
    public static bool HasZeroTimeout(IInvocationOperation invocation, LockSymbols symbols)
    {
        foreach (var argument in invocation.Arguments)
        {
            var value = Unwrap(argument.Value);
            if (argument.Parameter?.Type.SpecialType == SpecialType.System_Int32 &&
                value.ConstantValue is { HasValue: true, Value: 0 })
            {
                return true;
            }

            if (LockSymbols.Is(argument.Parameter?.Type, symbols.TimeSpan) &&
                value is IFieldReferenceOperation { Field.Name: "Zero" })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="acquisition"/> gives up instead of waiting for good: a try-acquire (<c>Monitor.TryEnter(x)</c>,
    /// <c>TryEnter(x, 100)</c>, <c>SemaphoreSlim.Wait(timeout)</c>, <c>TryEnterWriteLock(50)</c>) whose timeout is not
    /// <c>Timeout.Infinite</c> (a constant -1, <c>Timeout.InfiniteTimeSpan</c>). Such a call cannot deadlock: taking
    /// locks out of order with it is how code backs off. Not one tried again until it succeeds
    /// (<see cref="RetriedUntilTaken"/>: <c>while (!Monitor.TryEnter(x, 10)) Thread.Yield();</c> waits as long as an Enter).
    /// </summary>
    public static bool GivesUp(Acquisition acquisition)
    {
        if ((!acquisition.ReturnsSuccess && !acquisition.Invocation.TargetMethod.Name.StartsWith("Try", StringComparison.Ordinal)) ||
            RetriedUntilTaken(acquisition.Invocation))
        {
            return false;
        }

        foreach (var argument in acquisition.Invocation.Arguments)
        {
            var value = Unwrap(argument.Value);
            if (value.ConstantValue is { HasValue: true, Value: -1 } ||
                value is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", ContainingType.Name: "Timeout" } })
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="tryAcquire"/> is tried again until it takes the lock, which waits for good as a blocking
    /// acquire does: it is the condition of a loop that goes round only while it failed (<c>while (!Monitor.TryEnter(x, 10))
    /// Thread.Yield();</c>, <c>do … while (!sem.Wait(10));</c>), the flag such a loop tests keeps only its result
    /// (<c>do { got = Monitor.TryEnter(x, 10); } while (!got);</c>, or the <c>ref</c> flag of <c>Monitor.TryEnter(x, 10, ref
    /// taken)</c>), or it is the <c>if (Monitor.TryEnter(x, 10)) break;</c>
    /// that is the only way out of an endless loop (<see cref="SpinsUntilTaken"/>).
    /// </summary>
    public static bool RetriedUntilTaken(IInvocationOperation tryAcquire)
    {
        var flag = ResultFlag(tryAcquire);
        if (flag is not null && !(WritesOf(flag, tryAcquire) is { Count: > 0 } writes &&
            writes.All(write => write.Parent is ISimpleAssignmentOperation { Value: var value } &&
                (IsWithin(tryAcquire, value) || value.ConstantValue is { HasValue: true, Value: false }))))
        {
            flag = null; // got = n > 0; elsewhere: the flag does not say the lock was taken
        }

        flag ??= RefFlag(tryAcquire); // do { Monitor.TryEnter(x, 10, ref taken); } while (!taken);

        for (var current = tryAcquire.Parent; current is not null and not (IAnonymousFunctionOperation or ILocalFunctionOperation); current = current.Parent)
        {
            if (current is IConditionalOperation && SpinsUntilTaken(tryAcquire, current) is not null)
            {
                return true;
            }

            var condition = current switch
            {
                IWhileLoopOperation loop => loop.Condition,
                IForLoopOperation loop => loop.Condition,
                _ => null,
            };
            if (condition is null)
            {
                continue;
            }

            // A loop left otherwise (if (++tries > 3) break;, return false;) may give up.
            var tested = IsWithin(tryAcquire, condition);
            if ((tested || flag is not null) && HeldWhen(condition, tested ? tryAcquire : null, tested ? null : flag) == -1 &&
                LeftOnlyByItsCondition((ILoopOperation)current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether nothing in the loop's body leaves it: no return, no break out of it, no goto.</summary>
    public static bool LeftOnlyByItsCondition(ILoopOperation loop) =>
        !DescendantsInSameFunction(loop.Body).Any(operation => operation is IReturnOperation ||
            (operation is IBranchOperation { BranchKind: BranchKind.Break or BranchKind.GoTo } jump &&
             (jump.BranchKind == BranchKind.GoTo || SymbolEqualityComparer.Default.Equals(jump.Target, loop.ExitLabel))));

    /// <summary>
    /// The endless loop (<c>while (true)</c>, <c>for (;;)</c>, <c>do … while (true)</c>) that <paramref name="statement"/>,
    /// <c>if (Monitor.TryEnter(x, 10)) break;</c>, leaves by the only break out of it, with the try-acquire holding the lock;
    /// null otherwise.
    /// </summary>
    public static ILoopOperation? SpinsUntilTaken(IInvocationOperation tryAcquire, IOperation statement)
    {
        if (statement is not IConditionalOperation { WhenFalse: null } test || !IsWithin(tryAcquire, test.Condition) ||
            HeldWhen(test.Condition, tryAcquire) != 1 ||
            FirstStatementOf(test.WhenTrue) is not IBranchOperation { BranchKind: BranchKind.Break } leave ||
            test.Parent is not IBlockOperation { Parent: ILoopOperation loop } ||
            !SymbolEqualityComparer.Default.Equals(leave.Target, loop.ExitLabel))
        {
            return null;
        }

        var endless = loop switch
        {
            IWhileLoopOperation { Condition: { } condition } => condition.ConstantValue is { HasValue: true, Value: true },
            IForLoopOperation { Condition: var condition } => condition is null || condition.ConstantValue is { HasValue: true, Value: true },
            _ => false,
        };
        return endless && !DescendantsInSameFunction(loop.Body).Any(operation =>
            operation is IBranchOperation { BranchKind: BranchKind.Break } other && other != leave && SymbolEqualityComparer.Default.Equals(other.Target, loop.ExitLabel))
            ? loop
            : null;
    }

    /// <summary>The local a try-acquire's result is kept in (<c>var got = Monitor.TryEnter(x, 10);</c>, <c>got = await s.WaitAsync(100);</c>), or null.</summary>
    public static ILocalSymbol? ResultFlag(IInvocationOperation tryAcquire)
    {
        IOperation current = tryAcquire;
        while (current.Parent is IConversionOperation or IParenthesizedOperation or IAwaitOperation ||
            (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && configured.Instance == current))
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var local } } assignment when assignment.Value == current => local,
            _ => null,
        };
    }

    /// <summary>
    /// The local a try-acquire sets by <c>ref</c> (<c>Monitor.TryEnter(x, 10, ref taken)</c>, <c>spinLock.TryEnter(ref
    /// taken)</c>) when nothing but that call and a false (<c>bool taken = false;</c>) writes it, a lambda or local function
    /// neither, so it says whether the lock was taken; null otherwise, and for the blocking <c>Enter(x, ref taken)</c>.
    /// </summary>
    public static ILocalSymbol? RefFlag(IInvocationOperation tryAcquire)
    {
        if (!tryAcquire.TargetMethod.Name.StartsWith("Try", StringComparison.Ordinal) || TakenFlag(tryAcquire) is not { } argument ||
            Unwrap(argument.Value) is not ILocalReferenceOperation { Local: var flag })
        {
            return null;
        }

        var mentions = LocalMentions.Of(tryAcquire);
        var initial = mentions.FirstDeclarator(flag)?.GetVariableInitializer()?.Value;
        return (initial is null || initial.ConstantValue is { HasValue: true, Value: false }) && !mentions.IsWrittenInNestedFunction(flag) &&
            WritesOf(flag, tryAcquire).All(write => write.Parent == argument || IsSetToFalse(write))
            ? flag
            : null;
    }

    private static bool IsSetToFalse(ILocalReferenceOperation write) =>
        write.Parent is ISimpleAssignmentOperation { Value.ConstantValue: { HasValue: true, Value: false } } assignment && assignment.Target == write;

    /// <summary>A branch's first statement, through nested blocks (<c>else { { try … } }</c>); null for an empty one.</summary>
    public static IOperation? FirstStatementOf(IOperation? operation)
    {
        while (operation is IBlockOperation block)
        {
            operation = block.Operations.Length > 0 ? block.Operations[0] : null;
        }

        return operation;
    }

    /// <summary>
    /// How a condition that holds a try-acquire (or tests the flag its result was kept in) can come out: which of true and
    /// false it can be with the lock held, and with it free (<see cref="ConditionOutcomes"/>). && and || evaluate their
    /// right side only when the left did not decide: in <c>ready &amp;&amp; Monitor.TryEnter(x)</c> a false ready never
    /// takes the lock, in <c>Monitor.TryEnter(x) &amp;&amp; ready</c> the lock may be held with the condition false. A flag
    /// says whether the lock was taken before the condition runs, whatever else it tests.
    /// </summary>
    public static ConditionOutcomes OutcomesOf(IOperation condition, IInvocationOperation? tryAcquire, ILocalSymbol? flag = null) =>
        flag is null
            ? Outcomes(condition, tryAcquire, null, heldBefore: false)
            : Outcomes(condition, tryAcquire, flag, heldBefore: true) | Outcomes(condition, tryAcquire, flag, heldBefore: false);

    /// <summary>
    /// 1 when the condition is true exactly when the lock is held (<c>Monitor.TryEnter(x)</c>, <c>ready &amp;&amp;
    /// Monitor.TryEnter(x)</c>, <c>got</c>), -1 when it is false exactly then (<c>!Monitor.TryEnter(x)</c>,
    /// <c>!ok || !Monitor.TryEnter(x)</c>, <c>!got</c>), 0 otherwise (<c>Monitor.TryEnter(x) &amp;&amp; ready</c>,
    /// <c>!got || bad</c>).
    /// </summary>
    public static int HeldWhen(IOperation condition, IInvocationOperation? tryAcquire, ILocalSymbol? flag = null)
    {
        var outcomes = OutcomesOf(condition, tryAcquire, flag);
        return (outcomes & ~(ConditionOutcomes.TrueHeld | ConditionOutcomes.FalseFree)) == 0 ? 1
            : (outcomes & ~(ConditionOutcomes.FalseHeld | ConditionOutcomes.TrueFree)) == 0 ? -1
            : 0;
    }

    private static ConditionOutcomes Outcomes(IOperation condition, IInvocationOperation? tryAcquire, ILocalSymbol? flag, bool heldBefore)
    {
        var held = heldBefore ? ConditionOutcomes.TrueHeld | ConditionOutcomes.FalseHeld : ConditionOutcomes.TrueFree | ConditionOutcomes.FalseFree;
        switch (WithoutConversions(condition))
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand }:
                return Negated(Outcomes(operand, tryAcquire, flag, heldBefore));
            case var comparison when ComparedWithConstant(comparison) is var (operand, same):
                // got == false, Monitor.TryEnter(x, 10) is false, true != got: the operand, negated or not.
                var compared = Outcomes(operand, tryAcquire, flag, heldBefore);
                return same ? compared : Negated(compared);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr, LeftOperand: var left, RightOperand: var right } binary:
                // The left side's outcome that decides is kept; the other runs the right side in the state it left.
                var and = binary.OperatorKind == BinaryOperatorKind.ConditionalAnd;
                var first = Outcomes(left, tryAcquire, flag, heldBefore);
                var decided = first & (and ? ConditionOutcomes.FalseHeld | ConditionOutcomes.FalseFree : ConditionOutcomes.TrueHeld | ConditionOutcomes.TrueFree);
                var goOn = first & ~decided;
                if ((goOn & (ConditionOutcomes.TrueHeld | ConditionOutcomes.FalseHeld)) != 0)
                {
                    decided |= Outcomes(right, tryAcquire, flag, heldBefore: true);
                }

                if ((goOn & (ConditionOutcomes.TrueFree | ConditionOutcomes.FalseFree)) != 0)
                {
                    decided |= Outcomes(right, tryAcquire, flag, heldBefore: false);
                }

                return decided;
            case ILocalReferenceOperation { Local: var local } when flag is not null && SymbolEqualityComparer.Default.Equals(local, flag):
                return heldBefore ? ConditionOutcomes.TrueHeld : ConditionOutcomes.FalseFree;
            case var tested when tryAcquire is not null && WithoutAwait(tested) == tryAcquire:
                return heldBefore ? held : ConditionOutcomes.TrueHeld | ConditionOutcomes.FalseFree;
            case var other when tryAcquire is not null && IsWithin(tryAcquire, other):
                // Foo(Monitor.TryEnter(x)): taken or not, whatever Foo says.
                return ConditionOutcomes.TrueHeld | ConditionOutcomes.TrueFree | ConditionOutcomes.FalseHeld | ConditionOutcomes.FalseFree;
            default:
                return held;
        }
    }

    // True and false swapped, held or free kept.
    private static ConditionOutcomes Negated(ConditionOutcomes outcomes) =>
        (ConditionOutcomes)((((int)outcomes & 3) << 2) | (((int)outcomes >> 2) & 3));

    // A bool compared with a constant true or false (got == false, false != x, x is true, x is not false): the bool, and
    // whether the comparison is true when it is.
    private static (IOperation Operand, bool Same)? ComparedWithConstant(IOperation condition)
    {
        switch (condition)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals, IsLifted: false, LeftOperand: var left, RightOperand: var right } binary:
                var equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                return right.ConstantValue is { HasValue: true, Value: bool onRight } && left.Type?.SpecialType == SpecialType.System_Boolean ? (left, onRight == equals)
                    : left.ConstantValue is { HasValue: true, Value: bool onLeft } && right.Type?.SpecialType == SpecialType.System_Boolean ? (right, onLeft == equals)
                    : null;
            case IIsPatternOperation { Value: var value, Pattern: var pattern } when value.Type?.SpecialType == SpecialType.System_Boolean:
                var negated = false;
                while (pattern is INegatedPatternOperation { Pattern: var inner })
                {
                    (pattern, negated) = (inner, !negated);
                }

                return pattern is IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: bool constant } } ? (value, constant != negated) : null;
            default:
                return null;
        }
    }

    /// <summary>Strips conversions and parentheses that do not change which object is referred to.</summary>
    public static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion when !IsBoxing(conversion):
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>
    /// Strips every conversion and parenthesis, boxing included, unlike <see cref="Unwrap"/>: for what an expression
    /// calls or what type it had (<c>((IDisposable)registration).Dispose()</c> disposes the registration).
    /// </summary>
    public static IOperation WithoutConversions(IOperation operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }

    public static bool IsBoxing(IConversionOperation conversion) =>
        conversion.Operand.Type is { IsValueType: true } && conversion.Type is { IsReferenceType: true };

    /// <summary>Whether two expressions denote the same lock (same symbol on the same receiver, or the same text).</summary>
    public static bool SameTarget(IOperation? a, IOperation? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        a = Unwrap(a);
        b = Unwrap(b);
        var elementA = LoopElement(a);
        var elementB = LoopElement(b);
        if (elementA is not null && elementB is not null)
        {
            // The elements of one collection, each picked by a loop's own variable (foreach (var l in locks) Monitor.Enter(l);
            // … finally { foreach (var l in locks) Monitor.Exit(l); }, or for (var i = 0; i < locks.Length; i++) with
            // locks[i]), are one lock: all of them. One variable does not make one collection: _reads[i] and _writes[i]
            // are two locks (and _totals[i] = 0 does not assign _stripes[i]).
            return SameTarget(elementA.Collection, elementB.Collection);
        }

        if ((elementA is null) != (elementB is null) && IsElementAccess(elementA is null ? a : b))
        {
            // All the elements a loop picks are not the one element of another index, even one spelled the same: locks[i]
            // of for (var i = 0; i < n; i += 2) gives back every other lock of the loop that took each locks[i].
            return false;
        }

        switch (a, b)
        {
            case (IFieldReferenceOperation fa, IFieldReferenceOperation fb):
                return SymbolEqualityComparer.Default.Equals(fa.Field, fb.Field) && SameReceiver(fa.Instance, fb.Instance);
            case (IPropertyReferenceOperation pa, IPropertyReferenceOperation pb):
                return SymbolEqualityComparer.Default.Equals(pa.Property, pb.Property) && SameReceiver(pa.Instance, pb.Instance);
            case (ILocalReferenceOperation la, ILocalReferenceOperation lb):
                return SymbolEqualityComparer.Default.Equals(la.Local, lb.Local);
            case (IParameterReferenceOperation qa, IParameterReferenceOperation qb):
                return SymbolEqualityComparer.Default.Equals(qa.Parameter, qb.Parameter);
            case (IInstanceReferenceOperation, IInstanceReferenceOperation):
                return true;
            default:
                return Normalize(a.Syntax) == Normalize(b.Syntax);
        }
    }

    private static bool IsElementAccess(IOperation operation) =>
        operation is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true };

    /// <summary>Whether <paramref name="operation"/> is <paramref name="root"/> or inside it.</summary>
    public static bool IsWithin(IOperation operation, IOperation root)
    {
        for (IOperation? current = operation; current is not null; current = current.Parent)
        {
            if (current == root)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An element of a collection that a loop's own variable picks, as a lock target: a foreach's iteration variable (the
    /// collection is the foreach's), or an element of an array or list at a for loop's variable (<c>locks[i]</c> in
    /// <c>for (var i = 0; …; i++)</c>). Null for anything else.
    /// </summary>
    public static LoopElementTarget? LoopElement(IOperation target)
    {
        switch (Unwrap(target))
        {
            case ILocalReferenceOperation reference when DeclaringForEach(reference) is { } forEach:
                return new LoopElementTarget(forEach.Collection, forEach, reference.Local);
            case IArrayElementReferenceOperation { ArrayReference: var array, Indices: { Length: 1 } indices }
                when Unwrap(indices[0]) is ILocalReferenceOperation index && DeclaringFor(index) is { } forLoop && StepsOneByOne(forLoop, index.Local):
                return new LoopElementTarget(array, forLoop, index.Local);
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list, Arguments: { Length: 1 } arguments }
                when Unwrap(arguments[0].Value) is ILocalReferenceOperation index && DeclaringFor(index) is { } forLoop && StepsOneByOne(forLoop, index.Local):
                return new LoopElementTarget(list, forLoop, index.Local);
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="conditional"/> is the "try, then block" idiom for <paramref name="invocation"/>: its whole
    /// condition says that try-acquire failed (<see cref="FailedTry"/>), and its true branch ends by taking the same lock
    /// again (<c>if (!Monitor.TryEnter(g)) { contended++; Monitor.Enter(g); }</c>, or then sets the flag it tested:
    /// <c>if (!got) { Monitor.Enter(g); got = true; }</c>): the statement holds the lock once
    /// after it, whichever way it went.
    /// </summary>
    public static bool TakesAgainWhenTryFails(IConditionalOperation conditional, IInvocationOperation invocation, LockSymbols symbols)
    {
        if (FailedTry(conditional, symbols) != invocation ||
            !TryGetAcquisition(invocation, symbols, out var attempt) || !attempt.ReturnsSuccess || attempt.TakenFlag is not null ||
            !KeepsTheHold(conditional.WhenFalse, attempt, symbols))
        {
            return false;
        }

        return RetryOf(conditional) is IExpressionStatementOperation { Operation: var expression } &&
            WithoutAwait(expression) is IInvocationOperation retry &&
            TryGetAcquisition(retry, symbols, out var again) && !again.ReturnsSuccess && again.TakenFlag is null &&
            again.Kind == attempt.Kind && SameTarget(again.Target, attempt.Target);
    }

    /// <summary>
    /// The call whose failure an if's whole condition tests: <c>!Monitor.TryEnter(g)</c>, <c>!await s.WaitAsync(0)</c>,
    /// or <c>!got</c> right after <c>var got = Monitor.TryEnter(g);</c> (the statement before the if, and got written
    /// nowhere else in the function). Null otherwise; the caller checks it is a try-acquire.
    /// </summary>
    public static IInvocationOperation? FailedTry(IConditionalOperation conditional, LockSymbols symbols)
    {
        if (WithoutConversions(conditional.Condition) is not IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand })
        {
            return null;
        }

        if (WithoutAwait(operand) is IInvocationOperation direct)
        {
            return direct;
        }

        if (WithoutConversions(operand) is not ILocalReferenceOperation { Local: var flag } ||
            conditional.Parent is not IBlockOperation { Operations: var statements } parentBlock || IndexIn(parentBlock, conditional) is not (var index and > 0) ||
            statements[index - 1] is not IVariableDeclarationGroupOperation declaration)
        {
            return null;
        }

        foreach (var declarator in declaration.DescendantsAndSelf().OfType<IVariableDeclaratorOperation>())
        {
            if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, flag) && declarator.GetVariableInitializer() is { Value: var value } &&
                WithoutAwait(value) is IInvocationOperation stored && TryGetAcquisition(stored, symbols, out _) &&
                (!IsWrittenAgain(flag, conditional) || OnlySetTrueIn(flag, conditional)))
            {
                return stored;
            }
        }

        return null;
    }

    // Whether a local is written anywhere in the function holding within but its declaration (IsWritten: an assignment,
    // ++/--, a ref or out argument, a deconstruction, a writable reference taken). FailedTry runs for every if and
    // acquisition the walkers meet, so the writes come from the function's LocalMentions, gathered once.
    private static bool IsWrittenAgain(ILocalSymbol local, IOperation within) => WritesOf(local, within).Count > 0;

    /// <summary>The references to <paramref name="local"/> that write it (<see cref="IsWritten"/>) in the function holding <paramref name="within"/>, its lambdas left out.</summary>
    public static IReadOnlyList<ILocalReferenceOperation> WritesOf(ILocalSymbol local, IOperation within) => LocalMentions.Of(within).WritesInSameFunction(local);

    // var got = Monitor.TryEnter(g); if (!got) { …; Monitor.Enter(g); got = true; }: every other write of the flag is a
    // got = true of the if's own branch, so after the if the flag says again that the lock is held.
    private static bool OnlySetTrueIn(ILocalSymbol flag, IConditionalOperation conditional) =>
        WritesOf(flag, conditional) is { Count: > 0 } writes &&
        writes.All(write => write.Parent?.Parent is { } statement && statement.Parent == conditional.WhenTrue && SetsTrue(statement, flag));

    // got = true; as a statement of its own.
    private static bool SetsTrue(IOperation statement, ILocalSymbol flag) =>
        statement is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation target, Value: var value } } &&
        SymbolEqualityComparer.Default.Equals(target.Local, flag) && value.ConstantValue is { HasValue: true, Value: true };

    /// <summary>
    /// Whether the true branch of a "try, then block" idiom kept in a flag sets the flag again
    /// (<c>if (!got) { Monitor.Enter(g); got = true; }</c>): then the flag says whether the lock is held after the if, and
    /// a finally may test it.
    /// </summary>
    public static bool SetsTheFlagAgain(IConditionalOperation idiom) =>
        FlagOf(idiom.Condition) is (var flag, true) && idiom.WhenTrue is IBlockOperation { Operations: var statements } && statements.Any(statement => SetsTrue(statement, flag));

    /// <summary>
    /// Whether <paramref name="assignment"/> is the <c>got = true;</c> of a "try, then block" idiom's branch
    /// (<see cref="SetsTheFlagAgain"/>): it runs only once the branch has the lock.
    /// </summary>
    public static bool SetsTheIdiomFlag(IOperation assignment, LockSymbols symbols) =>
        assignment is ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var flag }, Parent: IExpressionStatementOperation statement } &&
        statement.Parent is IBlockOperation { Parent: IConditionalOperation conditional } branch && conditional.WhenTrue == branch &&
        SetsTrue(statement, flag) && FailedTry(conditional, symbols) is { } attempt && TakesAgainWhenTryFails(conditional, attempt, symbols);

    /// <summary>The local a condition tests, alone or negated (<c>got</c>, <c>!got</c>), or null.</summary>
    public static (ILocalSymbol Local, bool Negated)? FlagOf(IOperation condition) => WithoutConversions(condition) switch
    {
        ILocalReferenceOperation { Local: var local } => (local, false),
        IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand } when WithoutConversions(operand) is ILocalReferenceOperation { Local: var local } => (local, true),
        _ => null,
    };

    // The statement of the idiom's branch that takes the lock again: its last, but for a got = true of the tested flag
    // after it, which cannot throw between the Enter and the try.
    private static IOperation? RetryOf(IConditionalOperation conditional)
    {
        if (conditional.WhenTrue is not IBlockOperation { Operations: var statements })
        {
            return conditional.WhenTrue;
        }

        var flag = FlagOf(conditional.Condition) is (var tested, true) ? tested : null;
        var last = statements.Length - 1;
        while (last >= 0 && flag is not null && SetsTrue(statements[last], flag))
        {
            last--;
        }

        return last >= 0 ? statements[last] : null;
    }

    /// <summary>
    /// The if statement of the "try, then block" idiom (<see cref="TakesAgainWhenTryFails"/>) that
    /// <paramref name="acquisition"/> is part of: its condition's try-acquire (or the declaration of the flag it tests,
    /// the statement before it), or the branch's last statement that takes the lock again. Null otherwise.
    /// </summary>
    public static IConditionalOperation? TryThenBlock(IInvocationOperation acquisition, LockSymbols symbols)
    {
        var current = acquisition.Parent;
        while (current is IUnaryOperation or IConversionOperation or IParenthesizedOperation or IAwaitOperation or IExpressionStatementOperation or IBlockOperation or
            IInvocationOperation { TargetMethod.Name: "ConfigureAwait" })
        {
            current = current.Parent;
        }

        if (current is IVariableInitializerOperation)
        {
            // var got = Monitor.TryEnter(g); if (!got) { …; Monitor.Enter(g); }
            var statement = ContainingStatement(acquisition, out var block);
            var index = statement is null || block is null ? -1 : IndexIn(block, statement);
            return index >= 0 && index + 1 < block!.Operations.Length && block.Operations[index + 1] is IConditionalOperation next &&
                TakesAgainWhenTryFails(next, acquisition, symbols)
                ? next
                : null;
        }

        if (current is not IConditionalOperation conditional)
        {
            return null;
        }

        if (conditional.Condition.Syntax.Span.Contains(acquisition.Syntax.Span))
        {
            return TakesAgainWhenTryFails(conditional, acquisition, symbols) ? conditional : null;
        }

        return FailedTry(conditional, symbols) is { } attempt && TakesAgainWhenTryFails(conditional, attempt, symbols) &&
            RetryOf(conditional) is { } retry && retry.Syntax.Span.Contains(acquisition.Syntax.Span)
            ? conditional
            : null;
    }

    /// <summary>
    /// <see cref="WithoutConversions"/>, then through one await: the call a condition or statement makes, awaited or not
    /// (<c>Monitor.TryEnter(g)</c>, <c>sem.WaitAsync(0)</c> of <c>await sem.WaitAsync(0)</c> or <c>await sem.WaitAsync(0).ConfigureAwait(false)</c>).
    /// </summary>
    public static IOperation WithoutAwait(IOperation operation)
    {
        var inner = WithoutConversions(operation);
        return inner is IAwaitOperation { Operation: var awaited } ? WithoutConfigureAwait(WithoutConversions(awaited)) : inner;
    }

    // s.WaitAsync(100) of s.WaitAsync(100).ConfigureAwait(false): the awaited call whose result the await gives.
    private static IOperation WithoutConfigureAwait(IOperation awaited) =>
        awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } task } ? WithoutConversions(task) : awaited;

    // An else branch runs holding what the try-acquire took: it must go on to the statement after the if with it, neither
    // leaving (a return, throw, break, continue or goto: else { return; } leaks the lock) nor taking or giving back the same
    // lock itself (else { Monitor.Enter(g); } holds it twice). Otherwise the if is no "try, then block".
    private static bool KeepsTheHold(IOperation? whenFalse, Acquisition attempt, LockSymbols symbols) =>
        whenFalse is null || !DescendantsInSameFunction(whenFalse).Any(operation =>
            operation is IReturnOperation or IThrowOperation ||
            (operation is IBranchOperation jump && !EndsInside(jump, whenFalse)) ||
            (operation is IInvocationOperation invocation &&
             ((TryGetAcquisition(invocation, symbols, out var other) && SameTarget(other.Target, attempt.Target)) ||
              (TryGetRelease(invocation, symbols, out _, out var released) && SameTarget(released, attempt.Target)))));

    // Whether a break or continue ends a loop (or a break a switch) inside branch: else { foreach (…) { if (x) break; } }
    // goes on after the if.
    private static bool EndsInside(IBranchOperation jump, IOperation branch)
    {
        if (jump.BranchKind is not (BranchKind.Break or BranchKind.Continue))
        {
            return false;
        }

        for (var current = jump.Parent; current is not null && current != branch; current = current.Parent)
        {
            if (current is ILoopOperation || (current is ISwitchOperation && jump.BranchKind == BranchKind.Break))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="loop"/> picks, with its own variable, every element of the collection <paramref name="taken"/>
    /// was taken from: a foreach over it, or a for loop whose body takes or gives back its element at the loop's variable
    /// over every element (<see cref="CoversEveryElement"/>: <c>for (var j = 1; …; j++)</c> never gives back
    /// <c>locks[0]</c>). The walker's releases and HOT204's finally both ask it.
    /// </summary>
    public static bool IteratesOver(ILoopOperation loop, LoopElementTarget taken)
    {
        var collection = taken.Collection;
        if (loop is IForEachLoopOperation forEach)
        {
            return SameTarget(forEach.Collection, collection);
        }

        foreach (var operation in DescendantsInSameFunction(loop.Body))
        {
            if (LoopElement(operation) is { } element && element.Loop == loop && SameTarget(element.Collection, collection) &&
                CoversEveryElement((IForLoopOperation)loop, element.Variable, taken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="loop"/>'s <paramref name="variable"/> goes over every element taken: it starts at 0 and counts
    /// up while below a count (<c>j &lt; locks.Length</c>, <c>.Count</c>, or a local, parameter or field such as how many
    /// were taken; <c>j &lt;= locks.Length - 1</c> too), or starts one below such a count and counts down while it is at
    /// least 0 (<c>j &gt;= 0</c>, <c>j &gt; -1</c>). <c>j &lt; locks.Length - 1</c> or <c>j = locks.Length - 2</c> leaves the
    /// last lock held, and so does the Length or Count of another collection than the one <paramref name="taken"/> took
    /// from, or a number that is not how many its loop took.
    /// </summary>
    private static bool CoversEveryElement(IForLoopOperation loop, ILocalSymbol variable, LoopElementTarget taken)
    {
        var up = StepOf(loop, variable) == 1;
        var start = loop.Before.SelectMany(before => before.DescendantsAndSelf())
            .OfType<IVariableDeclaratorOperation>()
            .FirstOrDefault(declarator => SymbolEqualityComparer.Default.Equals(declarator.Symbol, variable))?.GetVariableInitializer()?.Value;
        if (start is not null && CountsDownInCondition(loop, variable))
        {
            // for (var j = locks.Length; j-- > 0;): the body sees one below the count down to 0.
            return IsCount(start, taken);
        }

        if (start is null || Unwrap(loop.Condition ?? loop) is not IBinaryOperation { LeftOperand: var left, RightOperand: var right } condition ||
            Unwrap(left) is not ILocalReferenceOperation { Local: var tested } || !SymbolEqualityComparer.Default.Equals(tested, variable))
        {
            return false;
        }

        if (up)
        {
            return start.ConstantValue is { HasValue: true, Value: 0 } &&
                ((condition.OperatorKind == BinaryOperatorKind.LessThan && IsCount(right, taken)) ||
                 (condition.OperatorKind == BinaryOperatorKind.LessThanOrEqual && IsOneBelowACount(right, taken)));
        }

        return IsOneBelowACount(start, taken) && right.ConstantValue is { HasValue: true, Value: int bound } &&
            ((condition.OperatorKind == BinaryOperatorKind.GreaterThanOrEqual && bound == 0) || (condition.OperatorKind == BinaryOperatorKind.GreaterThan && bound == -1));
    }

    // How many locks the loop of taken took: its collection's own Length or Count, or the bound of that for loop (i < count,
    // or i < _reads.Length taking _reads[i] and _writes[i]), or a local, parameter or field that its body counts up
    // (taken++), or a local set once to such a count (for (int j = 0, n = locks.Length; j < n; j++)). Another collection's
    // (j < _other.Length) or an unrelated number (j < n) may stop short.
    private static bool IsCount(IOperation operation, LoopElementTarget taken) => Unwrap(operation) switch
    {
        IPropertyReferenceOperation { Property.Name: "Length" or "Count", Instance: { } instance } count =>
            SameTarget(instance, taken.Collection) || CountsWhatWasTaken(count, taken.Loop),
        ILocalReferenceOperation { Local: var local } reference =>
            CountsWhatWasTaken(reference, taken.Loop) || (OnlyValue(local, reference) is { } value && IsCount(value, taken)),
        IParameterReferenceOperation or IFieldReferenceOperation => CountsWhatWasTaken(Unwrap(operation), taken.Loop),
        _ => false,
    };

    // The initializer of a local written nowhere else in the function holding within (var n = locks.Length;), or null.
    private static IOperation? OnlyValue(ILocalSymbol local, IOperation within) =>
        IsWrittenAgain(local, within)
            ? null
            : LocalMentions.Of(within).FirstDeclarator(local)?.GetVariableInitializer()?.Value;

    private static bool CountsWhatWasTaken(IOperation count, ILoopOperation taking) =>
        (taking is IForLoopOperation { Condition: { } condition } &&
         Unwrap(condition) is IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan, RightOperand: var bound } &&
         SameTarget(bound, count)) ||
        DescendantsInSameFunction(taking.Body).Any(operation =>
            (operation is IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: var counted } && SameTarget(counted, count)) ||
            (operation is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: var added } && SameTarget(added, count)));

    // count - 1, for a count as IsCount takes it.
    private static bool IsOneBelowACount(IOperation operation, LoopElementTarget taken) =>
        Unwrap(operation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract, LeftOperand: var count, RightOperand.ConstantValue: { HasValue: true, Value: 1 } } &&
        IsCount(count, taken);

    /// <summary>The for loop that declares the variable <paramref name="reference"/> reads (in its initializer), or null.</summary>
    public static IForLoopOperation? DeclaringFor(ILocalReferenceOperation reference)
    {
        for (var current = reference.Parent; current is not null; current = current.Parent)
        {
            if (current is IForLoopOperation loop && loop.Locals.Contains(reference.Local, SymbolEqualityComparer.Default))
            {
                return loop;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="loop"/>'s <paramref name="variable"/> moves one element a round: its increment steps it
    /// (<c>i++</c>, <c>i--</c>), or its condition counts it down (<c>j-- &gt; 0</c>), and its body never writes it. Another variable of the initializer (<c>n</c> in
    /// <c>for (int i = 0, n = locks.Length - 1; …; i++)</c>), or one the body steps as well (<c>{ Monitor.Exit(locks[i]); i++; }</c>
    /// gives back every other lock), does not pick every element.
    /// </summary>
    private static bool StepsOneByOne(IForLoopOperation loop, ILocalSymbol variable)
    {
        if ((StepOf(loop, variable) != 0) == CountsDownInCondition(loop, variable))
        {
            return false; // not stepped by one, or stepped twice a round
        }

        foreach (var operation in DescendantsInSameFunction(loop.Body))
        {
            if (operation is ILocalReferenceOperation { Local: var local } reference && SymbolEqualityComparer.Default.Equals(local, variable) &&
                IsWritten(reference))
            {
                return false;
            }
        }

        return true;
    }

    // What the increment of a for loop adds to variable each round: 1 (i++, ++i, i += 1, i = i + 1), -1 (i--, i -= 1,
    // i = i - 1), or 0 when it does not step it by exactly one (no step, i += 2, i = i + 2, i++, i++).
    private static int StepOf(IForLoopOperation loop, ILocalSymbol variable)
    {
        var total = 0;
        var steps = 0;
        foreach (var step in loop.AtLoopBottom)
        {
            foreach (var operation in step.DescendantsAndSelf())
            {
                if (operation is not ILocalReferenceOperation { Local: var local } reference || !SymbolEqualityComparer.Default.Equals(local, variable) || !IsWritten(reference))
                {
                    continue;
                }

                steps++;
                total += reference.Parent switch
                {
                    IIncrementOrDecrementOperation { Kind: var kind } => kind == OperationKind.Increment ? 1 : -1,
                    ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Value.ConstantValue: { HasValue: true, Value: 1 } } => 1,
                    ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract, Value.ConstantValue: { HasValue: true, Value: 1 } } => -1,
                    ISimpleAssignmentOperation { Value: var value } assignment when assignment.Target == reference => SelfPlusOrMinusOne(value, variable),
                    _ => 0,
                };
            }
        }

        return steps == 1 ? total : 0;
    }

    // i = i + 1 (or 1 + i): 1; i = i - 1: -1; anything else: 0.
    private static int SelfPlusOrMinusOne(IOperation value, ILocalSymbol variable)
    {
        if (Unwrap(value) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, LeftOperand: var left, RightOperand: var right } sum)
        {
            return 0;
        }

        bool IsVariable(IOperation operand) => Unwrap(operand) is ILocalReferenceOperation { Local: var local } && SymbolEqualityComparer.Default.Equals(local, variable);
        bool IsOne(IOperation operand) => operand.ConstantValue is { HasValue: true, Value: 1 };
        return sum.OperatorKind == BinaryOperatorKind.Add
            ? (IsVariable(left) && IsOne(right)) || (IsOne(left) && IsVariable(right)) ? 1 : 0
            : IsVariable(left) && IsOne(right) ? -1 : 0;
    }

    // for (var j = n; j-- > 0;), or --j >= 0 (or > -1): the condition steps the variable down, and the body sees n - 1 to 0.
    private static bool CountsDownInCondition(IForLoopOperation loop, ILocalSymbol variable) =>
        loop.Condition is { } condition &&
        Unwrap(condition) is IBinaryOperation { LeftOperand: var left, RightOperand.ConstantValue: { HasValue: true, Value: int bound } } test &&
        Unwrap(left) is IIncrementOrDecrementOperation { Kind: OperationKind.Decrement, Target: ILocalReferenceOperation { Local: var local } } step &&
        SymbolEqualityComparer.Default.Equals(local, variable) &&
        (step.IsPostfix
            ? test.OperatorKind == BinaryOperatorKind.GreaterThan && bound == 0
            : (test.OperatorKind == BinaryOperatorKind.GreaterThanOrEqual && bound == 0) || (test.OperatorKind == BinaryOperatorKind.GreaterThan && bound == -1));

    /// <summary>The foreach whose iteration variable <paramref name="reference"/> reads, or null.</summary>
    public static IForEachLoopOperation? DeclaringForEach(ILocalReferenceOperation reference)
    {
        for (var current = reference.Parent; current is not null; current = current.Parent)
        {
            if (current is IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation { Symbol: var variable } } loop &&
                SymbolEqualityComparer.Default.Equals(variable, reference.Local))
            {
                return loop;
            }
        }

        return null;
    }

    private static bool SameReceiver(IOperation? a, IOperation? b) =>
        (a is null && b is null) || (a is not null && b is not null && SameTarget(a, b));

    private static string Normalize(SyntaxNode syntax)
    {
        var text = syntax.ToString();
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The outermost operation of the function <paramref name="operation"/> runs in: the lambda or local function around
    /// it, or the member body's root; with <see cref="DescendantsInSameFunction"/>, everything that function runs.
    /// </summary>
    public static IOperation FunctionRoot(IOperation operation)
    {
        var root = operation;
        while (root.Parent is { } parent && root is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            root = parent;
        }

        return root;
    }

    /// <summary>Descendants of <paramref name="root"/> that run when it runs (not inside lambdas or local functions).</summary>
    public static IEnumerable<IOperation> DescendantsInSameFunction(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in current.ChildOperations)
            {
                if (child is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    continue;
                }

                stack.Push(child);
            }
        }
    }

    /// <summary>A short readable name for a lock target (the expression text).</summary>
    public static string Describe(IOperation target)
    {
        var unwrapped = Unwrap(target);
        return unwrapped.Syntax.ToString();
    }

    /// <summary>The location of a <c>lock (x)</c> header, or of the whole operation otherwise.</summary>
    public static Location HeaderLocation(IOperation operation)
    {
        if (operation.Syntax is LockStatementSyntax lockStatement)
        {
            return Location.Create(lockStatement.SyntaxTree,
                Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(lockStatement.LockKeyword.SpanStart, lockStatement.CloseParenToken.Span.End));
        }

        return operation.Syntax.GetLocation();
    }

    /// <summary>
    /// <paramref name="statement"/>'s index in <paramref name="block"/>'s statements, or -1. A long block's indexes are
    /// kept: the analyzers look statements up per acquisition, release and if, and a search of a block with hundreds of
    /// statements each time made it quadratic.
    /// </summary>
    public static int IndexIn(IBlockOperation block, IOperation statement)
    {
        var statements = block.Operations;
        if (statements.Length <= 16)
        {
            return statements.IndexOf(statement);
        }

        return StatementIndexes.GetValue(block, static b =>
        {
            var indexes = new Dictionary<IOperation, int>(b.Operations.Length);
            for (var i = b.Operations.Length - 1; i >= 0; i--)
            {
                indexes[b.Operations[i]] = i; // the first index wins, as with IndexOf
            }

            return indexes;
        }).TryGetValue(statement, out var index) ? index : -1;
    }

    private static readonly ConditionalWeakTable<IBlockOperation, Dictionary<IOperation, int>> StatementIndexes = new();

    /// <summary>The innermost statement containing <paramref name="operation"/> whose parent is a block.</summary>
    public static IOperation? ContainingStatement(IOperation operation, out IBlockOperation? block)
    {
        for (var current = operation; current.Parent is not null; current = current.Parent)
        {
            if (current.Parent is IBlockOperation parentBlock)
            {
                block = parentBlock;
                return current;
            }

            if (current.Parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                break;
            }
        }

        block = null;
        return null;
    }
}

/// <summary>
/// The calls a statement runs itself (not in its lambdas or local functions), and which of them take or give back a lock
/// by hand, found once per statement: the walkers ask whether a statement takes or releases a lock for every acquisition
/// and release in it, and a scan of the whole statement each time made one with hundreds of them quadratic.
/// </summary>
internal sealed class StatementLocks
{
    private static readonly ConditionalWeakTable<IOperation, StatementLocks> Cache = new();

    private StatementLocks(IOperation statement, LockSymbols symbols)
    {
        var invocations = ImmutableArray.CreateBuilder<IInvocationOperation>();
        var acquisitions = ImmutableArray.CreateBuilder<Acquisition>();
        var releases = ImmutableArray.CreateBuilder<(LockKind, IOperation)>();
        foreach (var operation in LockOperations.DescendantsInSameFunction(statement))
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            invocations.Add(invocation);
            if (LockOperations.TryGetAcquisition(invocation, symbols, out var acquisition))
            {
                acquisitions.Add(acquisition);
            }

            if (LockOperations.TryGetRelease(invocation, symbols, out var kind, out var target))
            {
                releases.Add((kind, target));
            }
        }

        Invocations = invocations.ToImmutable();
        Acquisitions = acquisitions.ToImmutable();
        Releases = releases.ToImmutable();
    }

    /// <summary>Every call, in the order of <see cref="LockOperations.DescendantsInSameFunction"/>.</summary>
    public ImmutableArray<IInvocationOperation> Invocations { get; }

    /// <summary>The calls that acquire (<see cref="LockOperations.TryGetAcquisition"/>), in the same order.</summary>
    public ImmutableArray<Acquisition> Acquisitions { get; }

    /// <summary>The calls that release (<see cref="LockOperations.TryGetRelease"/>), in the same order.</summary>
    public ImmutableArray<(LockKind Kind, IOperation Target)> Releases { get; }

    // The lock symbols are the compilation's, as are the operations: the first caller's are everyone's.
    public static StatementLocks Of(IOperation statement, LockSymbols symbols) => Cache.GetValue(statement, s => new StatementLocks(s, symbols));
}

/// <summary>
/// Every declarator and reference of each local of one function (its lambdas and local functions included, and told
/// apart), gathered in one walk and kept per function: the walkers ask about a flag or count local at every if and
/// statement that may concern it, and a scan of the whole function each time made a method with hundreds of lock
/// idioms quadratic.
/// </summary>
internal sealed class LocalMentions
{
    private static readonly ConditionalWeakTable<IOperation, LocalMentions> Cache = new();

    private readonly Dictionary<ILocalSymbol, List<(IOperation Operation, bool Nested)>> _byLocal = new(SymbolEqualityComparer.Default);

    private LocalMentions(IOperation root)
    {
        // The same stack walk as LockOperations.DescendantsInSameFunction, so that the function's own mentions of a local
        // come in its order; a nested function's subtree is walked whole where it is met, which leaves that order alone.
        var stack = new Stack<(IOperation Operation, bool Nested)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (current, nested) = stack.Pop();
            var local = current switch
            {
                IVariableDeclaratorOperation declarator => declarator.Symbol,
                ILocalReferenceOperation reference => reference.Local,
                _ => null,
            };
            if (local is not null)
            {
                if (!_byLocal.TryGetValue(local, out var mentions))
                {
                    _byLocal[local] = mentions = new List<(IOperation, bool)>();
                }

                mentions.Add((current, nested));
                if (!nested && current is IVariableDeclaratorOperation first && !_firstDeclarators.ContainsKey(local))
                {
                    _firstDeclarators.Add(local, first);
                }
            }

            foreach (var child in current.ChildOperations)
            {
                stack.Push((child, nested || child is IAnonymousFunctionOperation or ILocalFunctionOperation));
            }
        }
    }

    private readonly Dictionary<ILocalSymbol, IVariableDeclaratorOperation> _firstDeclarators = new(SymbolEqualityComparer.Default);

    private readonly Dictionary<ILocalSymbol, object> _cached = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The first declarator of <paramref name="local"/> the function runs itself, in the order of
    /// <see cref="LockOperations.DescendantsInSameFunction"/> (the one a search would find), or null.
    /// </summary>
    public IVariableDeclaratorOperation? FirstDeclarator(ILocalSymbol local) => _firstDeclarators.TryGetValue(local, out var declarator) ? declarator : null;

    /// <summary>What <paramref name="create"/> makes of <paramref name="local"/>, made once (a walker's summary of a flag).</summary>
    public T Cached<T>(ILocalSymbol local, Func<ILocalSymbol, T> create)
        where T : class
    {
        lock (_cached)
        {
            if (!_cached.TryGetValue(local, out var known))
            {
                _cached[local] = known = create(local);
            }

            return (T)known;
        }
    }

    /// <summary>The mentions of the function holding <paramref name="within"/> (<see cref="LockOperations.FunctionRoot"/>).</summary>
    public static LocalMentions Of(IOperation within) => Cache.GetValue(LockOperations.FunctionRoot(within), root => new LocalMentions(root));

    /// <summary>
    /// The declarators of <paramref name="local"/> and references to it that the function runs itself, in the order of
    /// <see cref="LockOperations.DescendantsInSameFunction"/>.
    /// </summary>
    public IEnumerable<IOperation> InSameFunction(ILocalSymbol local)
    {
        if (_byLocal.TryGetValue(local, out var mentions))
        {
            foreach (var (operation, nested) in mentions)
            {
                if (!nested)
                {
                    yield return operation;
                }
            }
        }
    }

    private readonly Dictionary<ILocalSymbol, IReadOnlyList<ILocalReferenceOperation>> _writes = new(SymbolEqualityComparer.Default);

    /// <summary>The references to <paramref name="local"/> that write it (<see cref="LockOperations.IsWritten"/>) and that the function runs itself, gathered once.</summary>
    public IReadOnlyList<ILocalReferenceOperation> WritesInSameFunction(ILocalSymbol local)
    {
        lock (_writes)
        {
            if (!_writes.TryGetValue(local, out var writes))
            {
                _writes[local] = writes = InSameFunction(local).OfType<ILocalReferenceOperation>().Where(LockOperations.IsWritten).ToList();
            }

            return writes;
        }
    }

    /// <summary>Whether a lambda or local function of the function writes <paramref name="local"/> (<c>Action set = () =&gt; got = true;</c>).</summary>
    public bool IsWrittenInNestedFunction(ILocalSymbol local) =>
        _byLocal.TryGetValue(local, out var mentions) &&
        mentions.Any(mention => mention.Item2 && mention.Item1 is ILocalReferenceOperation reference && LockOperations.IsWritten(reference));

    /// <summary>The declarators of <paramref name="local"/> and references to it anywhere in the function, its lambdas and local functions included.</summary>
    public IEnumerable<IOperation> All(ILocalSymbol local)
    {
        if (_byLocal.TryGetValue(local, out var mentions))
        {
            foreach (var (operation, _) in mentions)
            {
                yield return operation;
            }
        }
    }
}

/// <summary>
/// A lock target that is an element of a collection picked by a loop's own variable (see
/// <see cref="LockOperations.LoopElement"/>).
/// </summary>
internal sealed class LoopElementTarget
{
    public LoopElementTarget(IOperation collection, ILoopOperation loop, ILocalSymbol variable)
    {
        Collection = collection;
        Loop = loop;
        Variable = variable;
    }

    public IOperation Collection { get; }

    public ILoopOperation Loop { get; }

    public ILocalSymbol Variable { get; }
}
