using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// HOT204: a manual acquisition (<c>Monitor.Enter</c>/<c>TryEnter</c>, <c>Lock.Enter</c>, <c>SpinLock.Enter</c>,
/// <c>SemaphoreSlim.Wait[Async]</c>, <c>ReaderWriterLockSlim.Enter*Lock</c>) whose release is not guaranteed by a
/// <c>finally</c>: no try/finally releasing it, a <c>lockTaken</c> flag the finally ignores, a semaphore wait
/// with a timeout or cancellation token inside the very try whose finally releases (a cancelled or timed-out
/// wait then releases a permit it never took), a reader-writer lock exited with the wrong Exit method, or a
/// <c>Lock.EnterScope()</c> scope that is discarded or not disposed by a using or finally. Methods that return a disposable releaser
/// are exempt (the caller's <c>using</c> releases), as are zero-timeout try-acquires, a wait returned to the caller
/// (<c>return s.WaitAsync(ct);</c>) and a <c>Monitor.Enter</c> reported to
/// the caller through a ref parameter (a lockTaken flag, or a count of locks taken) that no finally of its own releases.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockReleaseAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property set when the code fix can wrap the code after the acquisition in try/finally.</summary>
    internal const string WrapKey = "HotpathWrapInTryFinally";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnguardedLockRelease);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = LockSymbols.Create(start.Compilation);
            start.RegisterOperationAction(c => Analyze(c, (IInvocationOperation)c.Operation, symbols), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, LockSymbols symbols)
    {
        if (LockOperations.IsEnterScope(invocation, symbols, out var scopeTarget))
        {
            AnalyzeScope(context, invocation, scopeTarget, symbols);
            return;
        }

        if (!LockOperations.TryGetAcquisition(invocation, symbols, out var acquisition) || acquisition.IsZeroTimeout)
        {
            return;
        }

        // A semaphore waited here but released elsewhere is a counting signal (a bounded queue), not a lock here,
        // unless it is binary (1, 1): that can only be a lock, so a wait that is never released here leaks it.
        // So is one that another member releases without ever waiting on it (BlockingCollection gives a permit back
        // itself only when an add fails; the taker releases it on success).
        if (acquisition.Kind == LockKind.Semaphore && !IsBinarySemaphore(acquisition.Target) &&
            (!IsReleasedInSameFunction(acquisition, symbols) || IsReleasedByAnotherMember(acquisition, context.CancellationToken)))
        {
            return;
        }

        // A releaser handed to the caller (`return new Releaser(_gate)`): the caller's using releases it.
        if (context.ContainingSymbol is IMethodSymbol method && symbols.ReturnsDisposable(method))
        {
            return;
        }

        var problem = FindProblem(acquisition, symbols, out var canWrap, out var releasedInFinally);
        if (problem is null)
        {
            return;
        }

        // An acquisition helper that tells its caller what it took (ConcurrentDictionary's AcquireAllLocks, ConcurrentBag's
        // FreezeBag): the caller's finally releases what the ref parameter says was taken. A finally of this method that
        // releases it is judged like any other (it must still test the flag), and so is a method that exits the lock
        // itself outside a finally: it owns the release, which a throw before that Exit skips.
        if (acquisition.Kind == LockKind.Monitor && !releasedInFinally && IsHandedToCaller(acquisition) && !ExitsOutsideFinally(acquisition, symbols))
        {
            return;
        }

        // An acquisition helper that returns the wait itself (SignalR's WaitConnectionLockAsync: `return
        // _connectionLock.WaitAsync(token);`, `bool TryAcquire() => _gate.Wait(timeout);`): its task or bool tells the
        // caller what was taken, and the caller releases, as with a returned releaser.
        if (!releasedInFinally && IsReturnedToCaller(acquisition.Invocation))
        {
            return;
        }

        // A lock API of the type's own (void Lock() => Monitor.Enter(_sync); void Unlock() => Monitor.Exit(_sync);, Java's
        // lock()/unlock() ported): a member that is the acquisition alone, paired with one that is its release alone. Its
        // callers own the try/finally.
        if (!releasedInFinally && IsLockApiPair(acquisition, symbols, context.CancellationToken))
        {
            return;
        }

        var properties = canWrap
            ? ImmutableDictionary<string, string?>.Empty.Add(WrapKey, "true")
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnguardedLockRelease, invocation.Syntax.GetLocation(), properties,
            Describe(acquisition), problem));
    }

    /// <summary>
    /// <c>Monitor.Enter(x, ref taken)</c> whose flag is a ref parameter or a field of the locked object itself
    /// (<c>Monitor.Enter(queue, ref queue._frozen)</c>: it outlives the call, and whoever reads it releases), or a
    /// <c>Monitor.Enter(x)</c> whose very next statement counts it into a ref parameter (<c>acquired++</c>, <c>acquired = 1</c>).
    /// A flag in a field of the locking type (<c>Monitor.Enter(_gate, ref _taken)</c>) tells no caller anything.
    /// </summary>
    private static bool IsHandedToCaller(Acquisition acquisition)
    {
        if (acquisition.TakenFlag is { } flag)
        {
            return LockOperations.Unwrap(flag.Value) switch
            {
                IParameterReferenceOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
                IFieldReferenceOperation { Instance: { } owner } => LockOperations.SameTarget(owner, acquisition.Target),
                _ => TalliedInto(acquisition) is IParameterReferenceOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out },
            };
        }

        var statement = LockOperations.ContainingStatement(acquisition.Invocation, out var block);
        if (statement is not IExpressionStatementOperation { Operation: var call } || call != acquisition.Invocation || block is null)
        {
            return false;
        }

        var index = LockOperations.IndexIn(block, statement);
        if (index + 1 >= block.Operations.Length || block.Operations[index + 1] is not IExpressionStatementOperation { Operation: var next })
        {
            return false;
        }

        var written = next switch
        {
            IIncrementOrDecrementOperation increment => increment.Target,
            IAssignmentOperation assignment => assignment.Target,
            _ => null,
        };
        return written is IParameterReferenceOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out };
    }

    /// <summary>
    /// Whether the acquisition is the whole body of a method of its type (<c>void Lock() =&gt; Monitor.Enter(_sync);</c>,
    /// or <c>{ _rw.EnterReadLock(); }</c>) that takes a lock of the instance or type (a field, <c>this</c>), without a
    /// flag, and another method of the type is its release alone (<c>void Unlock() =&gt; Monitor.Exit(_sync);</c>). A
    /// method with no such partner, or one that does more, stays reported.
    /// </summary>
    private static bool IsLockApiPair(Acquisition acquisition, LockSymbols symbols, CancellationToken cancellationToken)
    {
        if (acquisition.TakenFlag is not null || acquisition.ReturnsSuccess ||
            LockOperations.Unwrap(acquisition.Target) is not (IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } or IInstanceReferenceOperation) ||
            SoleCall(acquisition.Invocation.Syntax.FirstAncestorOrSelf<MethodDeclarationSyntax>()) != acquisition.Invocation.Syntax ||
            acquisition.Invocation.SemanticModel is not { } model ||
            model.GetEnclosingSymbol(acquisition.Invocation.Syntax.SpanStart, cancellationToken) is not IMethodSymbol { MethodKind: MethodKind.Ordinary } acquirer)
        {
            return false;
        }

        foreach (var member in acquirer.ContainingType.GetMembers())
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } other || SymbolEqualityComparer.Default.Equals(other, acquirer))
            {
                continue;
            }

            foreach (var reference in other.DeclaringSyntaxReferences)
            {
                if (SoleCall(reference.GetSyntax(cancellationToken) as MethodDeclarationSyntax) is { } call &&
                    call.SyntaxTree == model.SyntaxTree && model.GetOperation(call, cancellationToken) is IInvocationOperation release &&
                    LockOperations.TryGetRelease(release, symbols, out var kind, out var target) && kind == acquisition.Kind &&
                    LockOperations.SameTarget(target, acquisition.Target))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // The invocation that is a method's whole body (=> Call(); or { Call(); }), or null.
    private static InvocationExpressionSyntax? SoleCall(MethodDeclarationSyntax? method) => method switch
    {
        { ExpressionBody.Expression: InvocationExpressionSyntax call } => call,
        { Body.Statements: { Count: 1 } statements } when statements[0] is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } => call,
        _ => null,
    };

    /// <summary>
    /// Whether the acquisition is the value its function returns (<c>return s.WaitAsync(ct);</c>, <c>=&gt; s.Wait(timeout)</c>,
    /// <c>return await s.WaitAsync(100).ConfigureAwait(false);</c>), not kept in a local first nor yielded.
    /// </summary>
    private static bool IsReturnedToCaller(IInvocationOperation acquire)
    {
        IOperation current = acquire;
        while (current.Parent is IConversionOperation or IParenthesizedOperation or IAwaitOperation ||
            (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && configured.Instance == current))
        {
            current = current.Parent;
        }

        return current.Parent is IReturnOperation { Kind: OperationKind.Return } returned && returned.ReturnedValue == current;
    }

    /// <summary>
    /// Whether the acquiring function (not its lambdas or local functions) exits the acquired lock anywhere but in a
    /// finally: in its straight-line code, under an if, or in a catch.
    /// </summary>
    private static bool ExitsOutsideFinally(Acquisition acquisition, LockSymbols symbols)
    {
        var root = LockOperations.FunctionRoot(acquisition.Invocation);

        foreach (var operation in LockOperations.DescendantsInSameFunction(root))
        {
            if (operation is IInvocationOperation invocation && LockOperations.TryGetRelease(invocation, symbols, out _, out var target) &&
                LockOperations.SameTarget(target, acquisition.Target) && !IsInFinally(invocation, root))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInFinally(IOperation operation, IOperation root)
    {
        for (var current = operation; current != root && current.Parent is { } parent; current = parent)
        {
            if (parent is ITryOperation { Finally: { } finallyBlock } && finallyBlock == current)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>Lock.EnterScope()</c>: the lock is released when the scope is disposed, so a scope thrown away
    /// (<c>_gate.EnterScope();</c>, <c>_ = _gate.EnterScope();</c>) never releases it, and one kept in a local
    /// must be disposed by a <c>using</c> or a <c>finally</c> right after, like <c>Monitor.Exit</c>.
    /// </summary>
    private static void AnalyzeScope(OperationAnalysisContext context, IInvocationOperation invocation, IOperation target, LockSymbols symbols)
    {
        var parent = invocation.Parent;
        IOperation current = invocation;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        ILocalSymbol? local = null;
        string? problem = null;
        switch (parent)
        {
            case IExpressionStatementOperation:
            case ISimpleAssignmentOperation { Target: IDiscardOperation } discard when discard.Value == current:
                problem = "the scope it returns is discarded, so the lock is never released";
                break;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                if (IsUsingDeclaration(declarator))
                {
                    return;
                }

                local = declarator.Symbol;
                break;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } assignment when assignment.Value == current:
                local = assigned.Local;
                break;
            default:
                return; // the using resource, a return, an argument: disposed or handed on
        }

        if (local is not null)
        {
            // A releaser handed to the caller (`var s = _gate.EnterScope(); ...; return s;`).
            if (context.ContainingSymbol is IMethodSymbol method && symbols.ReturnsDisposable(method))
            {
                return;
            }

            if (IsScopeDisposedInFinally(parent!, local))
            {
                return;
            }

            problem = $"'{local.Name}' is not disposed in a finally block right after (use 'using')";
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnguardedLockRelease, invocation.Syntax.GetLocation(),
            $"Lock '{LockOperations.Describe(target)}'", problem));
    }

    private static bool IsUsingDeclaration(IVariableDeclaratorOperation declarator)
    {
        for (var current = declarator.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IUsingDeclarationOperation:
                case IUsingOperation:
                    return true;
                case IVariableDeclarationOperation or IVariableDeclarationGroupOperation:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>Whether the statement storing the scope is followed by a try whose finally disposes <paramref name="local"/>.</summary>
    private static bool IsScopeDisposedInFinally(IOperation store, ILocalSymbol local)
    {
        var statement = LockOperations.ContainingStatement(store, out var block);
        if (statement is null || block is null)
        {
            return false;
        }

        var index = LockOperations.IndexIn(block, statement);
        if (index + 1 >= block.Operations.Length || block.Operations[index + 1] is not ITryOperation { Finally: { } finallyBlock })
        {
            return false;
        }

        foreach (var operation in LockOperations.DescendantsInSameFunction(finallyBlock))
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0, Instance: { } instance } &&
                LockOperations.Unwrap(instance) is ILocalReferenceOperation reference &&
                SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(Acquisition acquisition)
    {
        var target = LockOperations.Describe(acquisition.Target);
        return acquisition.Kind switch
        {
            LockKind.Monitor => $"The monitor of '{target}'",
            LockKind.Lock => $"Lock '{target}'",
            LockKind.SpinLock => $"SpinLock '{target}'",
            LockKind.Semaphore => $"SemaphoreSlim '{target}'",
            LockKind.ReadLock => $"The read lock of '{target}'",
            LockKind.WriteLock => $"The write lock of '{target}'",
            _ => $"The upgradeable read lock of '{target}'",
        };
    }

    /// <summary>
    /// Null when the release is guaranteed, otherwise why not; <paramref name="releasedInFinally"/> tells whether a
    /// finally around or right after the acquisition releases it at all.
    /// </summary>
    private static string? FindProblem(Acquisition acquisition, LockSymbols symbols, out bool canWrap, out bool releasedInFinally)
    {
        canWrap = false;
        releasedInFinally = false;
        string? mismatch = null;

        // 1. Inside a try whose finally releases it: the Enter(obj, ref taken) pattern.
        for (var current = acquisition.Invocation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                break;
            }

            if (current is ITryOperation { Finally: { } finallyBlock } tryOperation && IsWithin(acquisition.Invocation, tryOperation.Body))
            {
                var release = FindRelease(finallyBlock, acquisition, symbols, out var wrongKind);
                if (release is null)
                {
                    // An unrelated try/finally (or the outer lock of an upgradeable pair): keep looking.
                    mismatch ??= wrongKind;
                    continue;
                }

                releasedInFinally = true;
                if (acquisition.TakenFlag is { } flag)
                {
                    return IsGuardedBy(release, flag.Value, finallyBlock) || (TalliedInto(acquisition) is { } tally && IsCountedBy(release, tally))
                        ? null
                        : $"the finally ignores '{flag.Value.Syntax}' and exits even when the lock was not taken";
                }

                if (acquisition.Kind == LockKind.Semaphore)
                {
                    // Wait()/WaitAsync() without a timeout or token cannot fail: the release is guaranteed and
                    // never over-releases. Only a wait that can give up leaves the finally releasing nothing.
                    if (acquisition.Invocation.Arguments.Length == 0)
                    {
                        return null;
                    }

                    // `gotLock = _mutex.Wait(timeout)` with `if (gotLock) _mutex.Release();` in the finally
                    // (StackExchange.Redis' PhysicalBridge): a wait that gave up leaves the flag false.
                    if (LockOperations.ResultFlag(acquisition.Invocation) is { } result && IsGuardedBy(release, result, finallyBlock))
                    {
                        return null;
                    }

                    // bool acquired = false; try { await s.WaitAsync(ct); acquired = true; … } finally { if (acquired) s.Release(); }:
                    // a wait that cannot time out either returns with the permit or throws, and the flag is set only after it
                    // returned. (After a wait that can time out, acquired = true would be set without the permit.)
                    if (!acquisition.ReturnsSuccess && SetTrueRightAfter(acquisition.Invocation) is { } setFlag && IsGuardedBy(release, setFlag, finallyBlock))
                    {
                        return null;
                    }

                    return "the wait sits inside the try whose finally releases, so a cancelled or timed-out wait releases a permit it never took; wait before the try";
                }

                if (acquisition.ReturnsSuccess)
                {
                    return "the finally exits even when the try-acquire failed; test the result before the try";
                }

                return null;
            }
        }

        // 2. The statement after the acquisition is a try whose finally releases it.
        var statement = LockOperations.ContainingStatement(acquisition.Invocation, out var block);
        if (statement is null || block is null)
        {
            return mismatch ?? "it is never released in a finally block";
        }

        // if (!Monitor.TryEnter(g)) { contended++; Monitor.Enter(g); } (or var got = Monitor.TryEnter(g); if (!got) { … }):
        // the try-acquire and the branch's Enter both hold the lock after the if, so the try must follow the if.
        var tryThenBlock = LockOperations.TryThenBlock(acquisition.Invocation, symbols);
        if (tryThenBlock is not null && LockOperations.ContainingStatement(tryThenBlock, out var outer) is { } ifStatement && outer is not null)
        {
            (statement, block) = (ifStatement, outer);
        }

        // for (…) { Monitor.Enter(locks[i]); taken++; } try { … } finally { … }: an acquire-all whose round only counts
        // after the Enter holds every lock after the loop, so the try must follow the loop.
        if (AcquireAllLoop(acquisition, statement, block) is { } loop && LockOperations.ContainingStatement(loop, out var around) is { } loopStatement && around is not null)
        {
            (statement, block) = (loopStatement, around);
        }

        // while (true) { if (Monitor.TryEnter(x, 10)) break; Thread.Sleep(1); }: the loop ends only by that break, holding the
        // lock, so the try must follow the loop.
        if (LockOperations.SpinsUntilTaken(acquisition.Invocation, statement) is { } endless && LockOperations.ContainingStatement(endless, out var spinBlock) is { } spinStatement && spinBlock is not null)
        {
            (statement, block) = (spinStatement, spinBlock);
        }

        // do { got = Monitor.TryEnter(x, 10); } while (!got); (or Monitor.TryEnter(x, 10, ref taken) and while (!taken)): the loop
        // ends only with the lock taken, so the try must follow the loop.
        var flagDecided = false;
        if (SpinsOnItsFlag(acquisition.Invocation, statement, block) is { } flagSpin && LockOperations.ContainingStatement(flagSpin, out var flagSpinBlock) is { } flagSpinStatement && flagSpinBlock is not null)
        {
            (statement, block) = (flagSpinStatement, flagSpinBlock);
            flagDecided = true;
        }

        var index = LockOperations.IndexIn(block, statement);
        IOperation? next = null;
        var testedBy = tryThenBlock is null && statement is IConditionalOperation test && IsWithin(acquisition.Invocation, test.Condition) ? test : null;
        if (statement is IWhileLoopOperation { Condition: { } spinCondition } spin && IsWithin(acquisition.Invocation, spinCondition))
        {
            // while (!Monitor.TryEnter(x, 10)) Thread.Sleep(1); ends holding the lock, and the try follows the loop;
            // while (Monitor.TryEnter(x, 10)) { try { … } finally { Monitor.Exit(x); } } holds it in each round, and the try is
            // the body's. while (!stop && !Monitor.TryEnter(x, 10)) does neither.
            next = LockOperations.HeldWhen(spinCondition, acquisition.Invocation) switch
            {
                -1 => StatementAfter(block, index, acquisition, symbols, out _),
                1 when spin.ConditionIsTop => LockOperations.FirstStatementOf(spin.Body),
                _ => null,
            };
        }
        else if (testedBy is { } conditional && !IsGuardClause(conditional))
        {
            // if (Monitor.TryEnter(x)) { try { ... } finally { Monitor.Exit(x); } }, or the else of a test for failure:
            // if (!Monitor.TryEnter(x, 10)) { contended++; } else { try { ... } finally { Monitor.Exit(x); } }. Only when the whole
            // condition tests it for failure: the else of if (!Monitor.TryEnter(x) || stop) runs without the lock taken when stop
            // is true, and the else of if (!Monitor.TryEnter(x) && c) when it failed and c is false.
            // The true branch holds the lock only when the condition is the try-acquire or ends with it (if (ready &&
            // Monitor.TryEnter(x))): in if (Monitor.TryEnter(x) && ready) a false ready leaves the lock taken and the
            // branch skipped, and in if (Monitor.TryEnter(x) || force) the branch runs without it.
            next = LockOperations.HeldWhen(conditional.Condition, acquisition.Invocation) switch
            {
                1 => LockOperations.FirstStatementOf(conditional.WhenTrue),
                -1 when conditional.WhenFalse is { } acquired => LockOperations.FirstStatementOf(acquired),
                _ => null,
            };
        }
        else if (testedBy is null || LockOperations.HeldWhen(testedBy.Condition, acquisition.Invocation) == -1)
        {
            next = StatementAfter(block, index, acquisition, symbols, out var decided);
            flagDecided |= decided;
        }

        if (next is ITryOperation { Finally: { } nextFinally })
        {
            var release = FindRelease(nextFinally, acquisition, symbols, out var wrongKind);
            if (release is not null)
            {
                releasedInFinally = true;

                // var got = Monitor.TryEnter(g); if (!got) { …; Monitor.Enter(g); }: the lock is held after the if whatever got
                // says, so a release that tests it (finally { if (got) Monitor.Exit(g); }) leaks what the branch took, unless the
                // branch sets it again (got = true).
                if (tryThenBlock is not null && !LockOperations.SetsTheFlagAgain(tryThenBlock) && LockOperations.WithoutConversions(tryThenBlock.Condition) is IUnaryOperation { Operand: var tested } &&
                    LockOperations.WithoutConversions(tested) is ILocalReferenceOperation idiomFlag && IsGuardedBy(release, idiomFlag, nextFinally))
                {
                    return $"the finally tests '{idiomFlag.Syntax}', but the lock is held after the if whatever it says";
                }

                // Monitor.TryEnter(x, 10, ref taken); if (!taken) return; try { … } finally { Monitor.Exit(x); }: past the test of
                // the flag the lock is held, and the finally need not test it again.
                if (acquisition.TakenFlag is { } flag && !flagDecided && !IsGuardedBy(release, flag.Value, nextFinally))
                {
                    return $"the finally ignores '{flag.Value.Syntax}' and exits even when the lock was not taken";
                }

                return null;
            }

            mismatch ??= wrongKind;
        }

        if (mismatch is not null)
        {
            return mismatch;
        }

        canWrap = acquisition.Kind == LockKind.Monitor && acquisition.TakenFlag is null && !acquisition.ReturnsSuccess &&
                  statement is IExpressionStatementOperation;
        return acquisition.Kind == LockKind.Semaphore
            ? "Release() is not in a finally block right after the wait"
            : "the exit is not in a finally block right after the acquisition";
    }

    private static bool IsReleasedInSameFunction(Acquisition acquisition, LockSymbols symbols)
    {
        var root = LockOperations.FunctionRoot(acquisition.Invocation);

        // The function's releases are found once (StatementLocks), not per wait.
        foreach (var (kind, target) in StatementLocks.Of(root, symbols).Releases)
        {
            if (kind == LockKind.Semaphore && LockOperations.SameTarget(target, acquisition.Target))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A semaphore field or property of this type released (<c>_free.Release()</c>, <c>_free?.Release()</c>,
    /// <c>this._free.Release()</c>) in a member of the type other than the waiting one, a member that never waits on it.
    /// Read from syntax over every part of the type.
    /// </summary>
    private static bool IsReleasedByAnotherMember(Acquisition acquisition, CancellationToken cancellationToken)
    {
        ISymbol? symbol = LockOperations.Unwrap(acquisition.Target) switch
        {
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation } property => property.Property,
            _ => null,
        };
        if (symbol is null)
        {
            return false;
        }

        var waiting = acquisition.Invocation.Syntax.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax);
        foreach (var part in symbol.ContainingType.DeclaringSyntaxReferences)
        {
            if (SemaphoreReleasers.Of(part.GetSyntax(cancellationToken)).TryGetValue(symbol.Name, out var members) &&
                members.Exists(member => member != waiting))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A field, property or local initialised with <c>new SemaphoreSlim(1, 1)</c>: a mutex.</summary>
    private static bool IsBinarySemaphore(IOperation target)
    {
        ISymbol? symbol = LockOperations.Unwrap(target) switch
        {
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            ILocalReferenceOperation local => local.Local,
            _ => null,
        };

        foreach (var reference in symbol?.DeclaringSyntaxReferences ?? ImmutableArray<SyntaxReference>.Empty)
        {
            var initializer = reference.GetSyntax() switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };

            if (initializer is BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: 2 } arguments }
                && arguments.All(a => a.Expression is LiteralExpressionSyntax { Token.ValueText: "1" }))
            {
                return true;
            }
        }

        return false;
    }

    // The statement after the acquisition's: past guard clauses that leave only where the lock was not taken (if (!got)
    // return; after var got = Monitor.TryEnter(x, 10), or if (!Monitor.TryEnter(x, 10)) { contended++; return; } itself;
    // if (got) return; or if (bad) return; after Monitor.Enter(x) leave holding it), and into an if that tests the lock
    // was taken (if (got) { try … }, or if (!got) … else { try … }).
    // flagDecided tells that the way there went through a test of the flag a try-acquire sets by ref (Monitor.TryEnter(x, 10,
    // ref taken); if (!taken) return;), so the lock is held there.
    private static IOperation? StatementAfter(IBlockOperation block, int index, Acquisition acquired, LockSymbols symbols, out bool flagDecided)
    {
        var acquisition = acquired.Invocation;
        var flag = LockOperations.ResultFlag(acquisition) ?? LockOperations.RefFlag(acquisition);
        flagDecided = false;
        for (var i = index + 1; i < block.Operations.Length; i++)
        {
            var candidate = block.Operations[i];
            if (candidate is IConditionalOperation guard && IsGuardClause(guard))
            {
                if (LockOperations.HeldWhen(guard.Condition, acquisition, flag) == -1)
                {
                    flagDecided = true;
                    continue;
                }

                if (ReleasesBeforeLeaving(guard, acquired, symbols))
                {
                    continue;
                }
            }

            var next = candidate is IConditionalOperation check
                ? LockOperations.HeldWhen(check.Condition, acquisition, flag) switch
                {
                    1 => LockOperations.FirstStatementOf(check.WhenTrue),
                    -1 when check.WhenFalse is { } taken => LockOperations.FirstStatementOf(taken),
                    _ => candidate,
                }
                : candidate;
            flagDecided |= next != candidate;
            return next;
        }

        return null;
    }

    // The loop whose body holds the try-acquire's statement and goes round only while the try-acquire's flag says it failed,
    // left by nothing else (do { got = Monitor.TryEnter(x, 10); if (!got) Thread.Sleep(1); } while (!got);): what follows the
    // statement in the body must run only when the lock was not taken, since it may throw while it is. Null otherwise.
    private static ILoopOperation? SpinsOnItsFlag(IInvocationOperation tryAcquire, IOperation statement, IBlockOperation block)
    {
        if (block.Parent is not ILoopOperation loop ||
            (loop switch { IWhileLoopOperation whileLoop => whileLoop.Condition, IForLoopOperation forLoop => forLoop.Condition, _ => null }) is not { } condition ||
            (LockOperations.RefFlag(tryAcquire) ?? OnlyResult(tryAcquire)) is not { } flag ||
            LockOperations.HeldWhen(condition, null, flag) != -1 || !LockOperations.LeftOnlyByItsCondition(loop))
        {
            return null;
        }

        // A loop that tests the flag first may never take the lock: bool got = true; while (!got) { … }, or a flag declared
        // outside a loop around the spin, still true from the round before (foreach (…) { while (!got) { … } try … }),
        // unless each round clears it before the spin or in the finally after it (got = false; while (!got) …).
        if (loop is not IWhileLoopOperation { ConditionIsTop: false })
        {
            var declarator = LocalMentions.Of(tryAcquire).FirstDeclarator(flag);
            if (declarator?.GetVariableInitializer()?.Value is { } initial && initial.ConstantValue is not { HasValue: true, Value: false })
            {
                return null;
            }

            if (!ClearedInRound(loop, flag) && (declarator is null || EnclosingLoops(loop).Any(outer => !LockOperations.IsWithin(declarator, outer))))
            {
                return null;
            }
        }

        for (var i = LockOperations.IndexIn(block, statement) + 1; i < block.Operations.Length; i++)
        {
            if (block.Operations[i] is not IConditionalOperation { WhenFalse: null, Condition: var test } || LockOperations.HeldWhen(test, null, flag) != -1)
            {
                return null;
            }
        }

        return loop;
    }

    // flag = false; in every round before the spin: a statement of the spin's block before it (no label between, which a
    // goto could jump to past it), or a statement of the finally of a try after it in the block (no continue or goto
    // between, which could go round without it): foreach (…) { got = false; … while (!got) …; try … finally { Exit; got = false; } }.
    private static bool ClearedInRound(ILoopOperation loop, ILocalSymbol flag)
    {
        if (loop.Parent is not IBlockOperation block || LockOperations.IndexIn(block, loop) is not (var index and >= 0))
        {
            return false;
        }

        for (var i = index - 1; i >= 0; i--)
        {
            if (IsCleared(block.Operations[i], flag))
            {
                return true;
            }

            if (block.Operations[i] is ILabeledOperation)
            {
                break;
            }
        }

        for (var i = index + 1; i < block.Operations.Length; i++)
        {
            var statement = block.Operations[i];
            if (statement is ITryOperation { Finally: { } cleanup } && cleanup.Operations.Any(cleared => IsCleared(cleared, flag)))
            {
                return true;
            }

            if (statement is ILabeledOperation ||
                statement.Syntax.DescendantNodesAndSelf().Any(static node => node is ContinueStatementSyntax or GotoStatementSyntax))
            {
                return false;
            }
        }

        return false;
    }

    // flag = false; as a statement.
    private static bool IsCleared(IOperation statement, ILocalSymbol flag) =>
        statement is IExpressionStatementOperation
        {
            Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation target, Value.ConstantValue: { HasValue: true, Value: false } },
        } && SymbolEqualityComparer.Default.Equals(target.Local, flag);

    // The loops around loop in its function, innermost first.
    private static IEnumerable<ILoopOperation> EnclosingLoops(ILoopOperation loop)
    {
        for (var current = loop.Parent; current is not null and not (IAnonymousFunctionOperation or ILocalFunctionOperation); current = current.Parent)
        {
            if (current is ILoopOperation outer)
            {
                yield return outer;
            }
        }
    }

    // The local a try-acquire's result is kept in (got = Monitor.TryEnter(x, 10);) when it is written nowhere else but with a
    // false (by no lambda or local function either), so it says whether the lock was taken; null otherwise.
    private static ILocalSymbol? OnlyResult(IInvocationOperation tryAcquire) =>
        LockOperations.ResultFlag(tryAcquire) is { } flag && !LocalMentions.Of(tryAcquire).IsWrittenInNestedFunction(flag) &&
        LockOperations.WritesOf(flag, tryAcquire).All(write =>
            write.Parent is ISimpleAssignmentOperation { Value: var value } assignment && assignment.Target == write &&
            (LockOperations.WithoutAwait(value) == tryAcquire || value.ConstantValue is { HasValue: true, Value: false }))
            ? flag
            : null;

    // if (_disposed) { Monitor.Exit(x); throw new ObjectDisposedException(…); }: a guard whose branch gives the lock back,
    // as a statement of its own, before it leaves.
    private static bool ReleasesBeforeLeaving(IConditionalOperation guard, Acquisition taken, LockSymbols symbols) =>
        guard.WhenTrue is IBlockOperation { Operations: var statements } && statements.Take(statements.Length - 1).Any(statement =>
            statement is IExpressionStatementOperation { Operation: var expression } &&
            LockOperations.WithoutAwait(expression) is IInvocationOperation call &&
            LockOperations.TryGetRelease(call, symbols, out var kind, out var released) && kind == taken.Kind &&
            LockOperations.SameTarget(released, taken.Target));

    // if (…) return; or if (…) { contended++; throw new TimeoutException(); }: an if without else whose branch ends by leaving.
    private static bool IsGuardClause(IConditionalOperation conditional) =>
        conditional.WhenFalse is null && LastStatement(conditional.WhenTrue) is IReturnOperation or IThrowOperation or IBranchOperation or IExpressionStatementOperation { Operation: IThrowOperation };

    private static IOperation? LastStatement(IOperation operation) =>
        operation is IBlockOperation block ? (block.Operations.Length > 0 ? block.Operations[block.Operations.Length - 1] : null) : operation;

    private static bool IsWithin(IOperation operation, IOperation container) =>
        container.Syntax.Span.Contains(operation.Syntax.Span) && container.Syntax.SyntaxTree == operation.Syntax.SyntaxTree;

    /// <summary>The release of the acquired lock in a finally block; <paramref name="wrongKind"/> explains a mismatched Exit.</summary>
    private static IInvocationOperation? FindRelease(IBlockOperation finallyBlock, Acquisition acquisition, LockSymbols symbols, out string? wrongKind)
    {
        wrongKind = null;
        foreach (var operation in LockOperations.DescendantsInSameFunction(finallyBlock))
        {
            if (operation is IInvocationOperation invocation &&
                LockOperations.TryGetRelease(invocation, symbols, out var kind, out var target) &&
                LockOperations.SameTarget(target, acquisition.Target) && ReleasesEveryElementTaken(target, acquisition.Target))
            {
                if (kind == acquisition.Kind)
                {
                    return invocation;
                }

                wrongKind = $"it is released with {invocation.TargetMethod.Name}, which does not match {acquisition.Invocation.TargetMethod.Name}";
            }
        }

        return null;
    }

    /// <summary>
    /// The loop of an acquire-all whose acquisition is a statement of the loop's body followed only by counting (a local
    /// or parameter stepped or assigned: <c>{ Monitor.Enter(locks[i]); taken++; }</c>), which cannot throw between the
    /// Enter and the next round; null otherwise.
    /// </summary>
    private static ILoopOperation? AcquireAllLoop(Acquisition acquisition, IOperation statement, IBlockOperation block)
    {
        if (LockOperations.LoopElement(acquisition.Target) is not { Loop: var loop } || block.Parent != loop ||
            statement is not IExpressionStatementOperation { Operation: var call } || LockOperations.WithoutConversions(call) != acquisition.Invocation)
        {
            return null;
        }

        for (var i = LockOperations.IndexIn(block, statement) + 1; i < block.Operations.Length; i++)
        {
            if (block.Operations[i] is not IExpressionStatementOperation
                {
                    Operation: IIncrementOrDecrementOperation { Target: ILocalReferenceOperation or IParameterReferenceOperation } or
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation or IParameterReferenceOperation, Value.ConstantValue.HasValue: true },
                })
            {
                return null;
            }
        }

        return loop;
    }

    /// <summary>
    /// For locks taken in a loop (<c>for (var i = 0; i &lt; locks.Length; i++) Monitor.Enter(locks[i]);</c>), whether a
    /// release in another loop gives back every one of them: that loop goes over the same collection, from the first
    /// element up to how many were taken or down from one below (<see cref="LockOperations.IteratesOver"/>).
    /// <c>for (var j = 0; j &lt; n; j++) Monitor.Exit(locks[j]);</c> with an unrelated <c>n</c> may leave some held.
    /// </summary>
    private static bool ReleasesEveryElementTaken(IOperation released, IOperation taken) =>
        LockOperations.LoopElement(taken) is not { } takenElement || LockOperations.LoopElement(released) is not { } releasedElement ||
        releasedElement.Loop == takenElement.Loop || LockOperations.IteratesOver(releasedElement.Loop, takenElement);

    /// <summary>The local a wait's result is assigned to: <c>taken = s.Wait(t)</c>, <c>taken = await s.WaitAsync(t, ct)</c>.</summary>
    // The local the statement right after the wait's sets to true (await s.WaitAsync(ct); acquired = true;), when the
    // local's only other write is a false (bool acquired = false;).
    private static ILocalReferenceOperation? SetTrueRightAfter(IInvocationOperation wait)
    {
        if (LockOperations.ContainingStatement(wait, out var block) is not { } statement || block is null ||
            LockOperations.IndexIn(block, statement) is var index && (index < 0 || index + 1 >= block.Operations.Length) ||
            block.Operations[index + 1] is not IExpressionStatementOperation
            {
                Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var flag } target, Value.ConstantValue: { HasValue: true, Value: true } },
            })
        {
            return null;
        }

        var initial = LocalMentions.Of(wait).FirstDeclarator(flag)?.GetVariableInitializer()?.Value;
        return (initial is null || initial.ConstantValue is { HasValue: true, Value: false }) &&
            LockOperations.WritesOf(flag, wait).All(write => write == target ||
                (write.Parent is ISimpleAssignmentOperation { Value.ConstantValue: { HasValue: true, Value: false } } assignment && assignment.Target == write))
            ? target
            : null;
    }

    /// <summary>Whether the release runs only when <paramref name="flag"/> (the lockTaken flag, a wait's result) is true.</summary>
    /// <summary>
    /// The counter a local lockTaken flag is tallied into by the finally of the try around the acquisition
    /// (<c>try { Monitor.Enter(locks[i], ref taken); } finally { if (taken) acquired++; }</c>, ConcurrentDictionary's
    /// AcquireAllLocks), or null. The locks it counts are released by a loop up to that count, or by the caller it is
    /// handed to through a ref parameter.
    /// </summary>
    private static IOperation? TalliedInto(Acquisition acquisition)
    {
        if (acquisition.TakenFlag is not { } flag || LockOperations.Unwrap(flag.Value) is not ILocalReferenceOperation { Local: var taken })
        {
            return null;
        }

        for (var current = acquisition.Invocation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return null;
            }

            if (current is ITryOperation { Finally: { } finallyBlock, Body: var body } && IsWithin(acquisition.Invocation, body))
            {
                foreach (var statement in finallyBlock.Operations)
                {
                    if (statement is IConditionalOperation { WhenFalse: null, Condition: var condition, WhenTrue: var whenTrue } &&
                        LockOperations.Unwrap(condition) is ILocalReferenceOperation { Local: var tested } && SymbolEqualityComparer.Default.Equals(tested, taken) &&
                        LockOperations.FirstStatementOf(whenTrue) is IExpressionStatementOperation { Operation: IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: var counter } })
                    {
                        return counter;
                    }
                }

                return null;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="release"/> runs in a for loop that stops at <paramref name="count"/> (<c>for (var i = 0; i &lt; acquired; i++)</c>).</summary>
    private static bool IsCountedBy(IOperation release, IOperation count)
    {
        for (var current = release.Parent; current is not null; current = current.Parent)
        {
            if (current is IForLoopOperation { Condition: var condition } &&
                LockOperations.Unwrap(condition ?? current) is IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan, RightOperand: var bound } &&
                LockOperations.SameTarget(bound, count))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsGuardedBy(IOperation release, ILocalSymbol flag, IOperation finallyBlock) =>
        IsGuardedBy(release, finallyBlock, operation => operation is ILocalReferenceOperation { Local: var local } && SymbolEqualityComparer.Default.Equals(local, flag));

    private static bool IsGuardedBy(IOperation release, IOperation flag, IOperation finallyBlock) =>
        IsGuardedBy(release, finallyBlock, operation => LockOperations.SameTarget(operation, flag));

    // Whether an if between the release and the finally's top tests the flag.
    private static bool IsGuardedBy(IOperation release, IOperation finallyBlock, Func<IOperation, bool> testsFlag)
    {
        for (var current = release.Parent; current is not null && current != finallyBlock; current = current.Parent)
        {
            if (current is IConditionalOperation conditional && conditional.Condition.DescendantsAndSelf().Any(testsFlag))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Per part of a type: for each name, the methods and properties that call Release on it (<c>name.Release()</c>,
/// <c>name?.Release()</c>, <c>this.name.Release()</c>) and never Wait or WaitAsync. Worked out once per part: HOT204 asks
/// for every wait on a counting semaphore, and a walk of the whole type per wait made a type with hundreds of waits quadratic.
/// </summary>
internal static class SemaphoreReleasers
{
    private static readonly ConditionalWeakTable<SyntaxNode, Dictionary<string, List<MemberDeclarationSyntax>>> Cache = new();

    public static Dictionary<string, List<MemberDeclarationSyntax>> Of(SyntaxNode part) => Cache.GetValue(part, FindReleasingMembers);

    private static Dictionary<string, List<MemberDeclarationSyntax>> FindReleasingMembers(SyntaxNode part)
    {
        var byName = new Dictionary<string, List<MemberDeclarationSyntax>>(StringComparer.Ordinal);
        foreach (var member in part.DescendantNodes().OfType<MemberDeclarationSyntax>())
        {
            if (member is not (BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax))
            {
                continue;
            }

            var released = new HashSet<string>(StringComparer.Ordinal);
            var waited = new HashSet<string>(StringComparer.Ordinal);
            foreach (var invocation in member.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (CalledOn(invocation) is not var (name, method))
                {
                    continue;
                }

                if (method == "Release")
                {
                    released.Add(name);
                }
                else if (method is "Wait" or "WaitAsync")
                {
                    waited.Add(name);
                }
            }

            foreach (var name in released)
            {
                if (!waited.Contains(name))
                {
                    if (!byName.TryGetValue(name, out var members))
                    {
                        byName.Add(name, members = new List<MemberDeclarationSyntax>());
                    }

                    members.Add(member);
                }
            }
        }

        return byName;
    }

    /// <summary>The name and the method name of <c>name.M()</c>, <c>name?.M()</c> or <c>this.name.M()</c>; otherwise null.</summary>
    private static (string Name, string Method)? CalledOn(InvocationExpressionSyntax invocation)
    {
        static string? NameOf(ExpressionSyntax receiver) => receiver switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var member } => member.Identifier.ValueText,
            _ => null,
        };

        return invocation.Expression switch
        {
            MemberAccessExpressionSyntax { Name: var method, Expression: var receiver } when NameOf(receiver) is { } name => (name, method.Identifier.ValueText),
            MemberBindingExpressionSyntax { Name: var method } when invocation.Parent is ConditionalAccessExpressionSyntax { Expression: var receiver } access &&
                access.WhenNotNull == invocation && NameOf(receiver) is { } name => (name, method.Identifier.ValueText),
            _ => null,
        };
    }
}
