using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>A lock held at some point of a method body.</summary>
internal sealed class HeldLock
{
    public HeldLock(IOperation target, LockKind? kind, IOperation site)
    {
        Target = target;
        Kind = kind;
        Site = site;
    }

    /// <summary>The lock object expression.</summary>
    public IOperation Target { get; }

    /// <summary>Null for a <c>lock</c> statement or a <c>Lock.EnterScope()</c> scope.</summary>
    public LockKind? Kind { get; }

    /// <summary>Where it was acquired.</summary>
    public IOperation Site { get; }
}

/// <summary>
/// Walks an operation tree once and knows, at every operation, which locks are held: <c>lock</c> bodies,
/// <c>using (x.EnterScope())</c> bodies and <c>using var</c> scopes, and the statements between a manual
/// acquisition (<c>Monitor.Enter</c>, <c>Lock.Enter</c>, <c>SpinLock.Enter</c>, <c>SemaphoreSlim.Wait</c>,
/// <c>Enter*Lock</c>) and its release. Lambdas and local functions start with nothing held: they run later.
/// </summary>
internal abstract class LockRegionWalker
{
    private int _nestedFunctionDepth;

    protected LockRegionWalker(LockSymbols symbols) => Symbols = symbols;

    protected LockSymbols Symbols { get; }

    /// <summary>Whether the current operation sits in a lambda or local function of the walked body.</summary>
    protected bool InNestedFunction => _nestedFunctionDepth > 0;

    /// <summary>Called for every operation with the locks held when it runs.</summary>
    protected abstract void OnOperation(IOperation operation, ImmutableStack<HeldLock> held);

    /// <summary>Called when a lock is acquired, with the locks already held.</summary>
    protected abstract void OnAcquire(IOperation target, IOperation site, ImmutableStack<HeldLock> held);

    /// <summary>
    /// Visits <paramref name="root"/> and its descendants in pre-order. The walk keeps its own stack of work rather
    /// than recursing, so an expression thousands of operations deep (a long string concatenation, a generated
    /// initialiser) cannot overflow the compiler's stack.
    /// </summary>
    public void Walk(IOperation root, CancellationToken cancellationToken)
    {
        var work = new Stack<Work>();
        work.Push(Work.Visit(root, ImmutableStack<HeldLock>.Empty));
        while (work.Count > 0)
        {
            var item = work.Pop();
            switch (item.Kind)
            {
                case WorkKind.Visit:
                    Visit(item.Operation!, item.Held, work, cancellationToken);
                    break;
                case WorkKind.Acquire:
                    OnAcquire(item.Operation!, item.Site!, item.Held);
                    break;
                case WorkKind.AfterInvocation:
                    var invocation = (IInvocationOperation)item.Operation!;
                    if (LockOperations.TryGetAcquisition(invocation, Symbols, out var manual))
                    {
                        OnAcquire(manual.Target, invocation, item.Held);
                    }
                    else if (LockOperations.IsEnterScope(invocation, Symbols, out var scopeTarget))
                    {
                        OnAcquire(scopeTarget, invocation, item.Held);
                    }

                    break;
                case WorkKind.LeaveFunction:
                    _nestedFunctionDepth--;
                    break;
                case WorkKind.Statements:
                    if (item.Index < item.Statements.Length)
                    {
                        var statement = item.Statements[item.Index];
                        work.Push(Work.StatementsFrom(item.Statements, item.Index + 1, HeldAfter(statement, item.Held)));
                        work.Push(Work.Visit(statement, item.Held));
                    }

                    break;
            }
        }
    }

    // One operation: report it, then queue what runs inside it (pushed last = done first).
    private void Visit(IOperation operation, ImmutableStack<HeldLock> held, Stack<Work> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        OnOperation(operation, held);
        switch (operation)
        {
            case ILockOperation lockOperation:
                work.Push(Work.Visit(lockOperation.Body, held.Push(new HeldLock(lockOperation.LockedValue, null, lockOperation))));
                work.Push(Work.Acquire(lockOperation.LockedValue, lockOperation, held));
                work.Push(Work.Visit(lockOperation.LockedValue, held));
                return;

            case IAnonymousFunctionOperation or ILocalFunctionOperation:
                _nestedFunctionDepth++;
                work.Push(Work.LeaveFunction());
                PushChildren(operation, ImmutableStack<HeldLock>.Empty, work);
                return;

            case IUsingOperation { Body: var body } usingOperation when FindScope(usingOperation.Resources) is { } scope:
                work.Push(Work.Visit(body, held.Push(scope)));
                work.Push(Work.Visit(usingOperation.Resources, held));
                return;

            case IBlockOperation block:
                work.Push(Work.StatementsFrom(block.Operations, 0, held));
                return;

            case IConditionalOperation { WhenTrue: var whenTrue } conditional when FindAcquisition(conditional.Condition) is { } acquisition:
                // if (Monitor.TryEnter(x)) { ...held... }
                if (conditional.WhenFalse is { } whenFalse)
                {
                    work.Push(Work.Visit(whenFalse, held));
                }

                work.Push(Work.Visit(whenTrue, held.Push(acquisition)));
                work.Push(Work.Visit(conditional.Condition, held));
                return;

            case IInvocationOperation invocation:
                work.Push(Work.AfterInvocation(invocation, held));
                PushChildren(invocation, held, work);
                return;
        }

        PushChildren(operation, held, work);
    }

    private static void PushChildren(IOperation operation, ImmutableStack<HeldLock> held, Stack<Work> work)
    {
        foreach (var child in operation.ChildOperations.Reverse())
        {
            work.Push(Work.Visit(child, held));
        }
    }

    /// <summary>What a statement of a block leaves held for the statements after it.</summary>
    private ImmutableStack<HeldLock> HeldAfter(IOperation statement, ImmutableStack<HeldLock> held)
    {
        if (statement is IUsingDeclarationOperation declaration && FindScope(declaration.DeclarationGroup) is { } scope)
        {
            return held.Push(scope);
        }

        if (statement is ILockOperation or IUsingOperation)
        {
            return held;
        }

        var current = held;
        foreach (var operation in LockOperations.DescendantsInSameFunction(statement))
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            if (LockOperations.TryGetAcquisition(invocation, Symbols, out var acquisition) && !IsReleasedIn(statement, acquisition))
            {
                current = current.Push(new HeldLock(acquisition.Target, acquisition.Kind, invocation));
            }
            else if (LockOperations.TryGetRelease(invocation, Symbols, out _, out var released) && !IsAcquiredIn(statement, released))
            {
                current = Remove(current, released);
            }
        }

        return current;
    }

    private bool IsReleasedIn(IOperation statement, Acquisition acquisition)
    {
        foreach (var operation in LockOperations.DescendantsInSameFunction(statement))
        {
            if (operation is IInvocationOperation invocation && LockOperations.TryGetRelease(invocation, Symbols, out _, out var target) &&
                LockOperations.SameTarget(target, acquisition.Target))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAcquiredIn(IOperation statement, IOperation target)
    {
        foreach (var operation in LockOperations.DescendantsInSameFunction(statement))
        {
            if (operation is IInvocationOperation invocation && LockOperations.TryGetAcquisition(invocation, Symbols, out var acquisition) &&
                LockOperations.SameTarget(target, acquisition.Target))
            {
                return true;
            }
        }

        return false;
    }

    private static ImmutableStack<HeldLock> Remove(ImmutableStack<HeldLock> held, IOperation target)
    {
        var kept = new List<HeldLock>();
        var removed = false;
        foreach (var item in held)
        {
            if (!removed && LockOperations.SameTarget(item.Target, target))
            {
                removed = true;
                continue;
            }

            kept.Add(item);
        }

        if (!removed)
        {
            return held;
        }

        var result = ImmutableStack<HeldLock>.Empty;
        for (var i = kept.Count - 1; i >= 0; i--)
        {
            result = result.Push(kept[i]);
        }

        return result;
    }

    private HeldLock? FindAcquisition(IOperation condition)
    {
        foreach (var operation in LockOperations.DescendantsInSameFunction(condition))
        {
            if (operation is IInvocationOperation invocation && LockOperations.TryGetAcquisition(invocation, Symbols, out var acquisition))
            {
                // `if (!Monitor.TryEnter(x)) return;` holds the lock after the if, not in it.
                return IsNegated(invocation, condition) ? null : new HeldLock(acquisition.Target, acquisition.Kind, invocation);
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="operation"/> sits under a <c>!</c> within <paramref name="condition"/> (a try-acquire tested for failure).</summary>
    internal static bool IsNegated(IOperation operation, IOperation condition)
    {
        for (var current = operation; current is not null && current != condition.Parent; current = current.Parent)
        {
            if (current is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not })
            {
                return true;
            }
        }

        return false;
    }

    private HeldLock? FindScope(IOperation resources)
    {
        foreach (var operation in LockOperations.DescendantsInSameFunction(resources))
        {
            if (operation is IInvocationOperation invocation && LockOperations.IsEnterScope(invocation, Symbols, out var target))
            {
                return new HeldLock(target, null, invocation);
            }
        }

        return null;
    }

    private enum WorkKind
    {
        Visit,
        Acquire,
        AfterInvocation,
        LeaveFunction,
        Statements,
    }

    /// <summary>A step of the walk: visit an operation, report an acquisition, or carry on with a block's statements.</summary>
    private readonly struct Work
    {
        private Work(WorkKind kind, IOperation? operation, IOperation? site, ImmutableStack<HeldLock> held, ImmutableArray<IOperation> statements, int index)
        {
            Kind = kind;
            Operation = operation;
            Site = site;
            Held = held;
            Statements = statements;
            Index = index;
        }

        public WorkKind Kind { get; }
        public IOperation? Operation { get; }
        public IOperation? Site { get; }
        public ImmutableStack<HeldLock> Held { get; }
        public ImmutableArray<IOperation> Statements { get; }
        public int Index { get; }

        public static Work Visit(IOperation operation, ImmutableStack<HeldLock> held) => new(WorkKind.Visit, operation, null, held, default, 0);

        public static Work Acquire(IOperation target, IOperation site, ImmutableStack<HeldLock> held) => new(WorkKind.Acquire, target, site, held, default, 0);

        public static Work AfterInvocation(IInvocationOperation invocation, ImmutableStack<HeldLock> held) => new(WorkKind.AfterInvocation, invocation, null, held, default, 0);

        public static Work LeaveFunction() => new(WorkKind.LeaveFunction, null, null, ImmutableStack<HeldLock>.Empty, default, 0);

        public static Work StatementsFrom(ImmutableArray<IOperation> statements, int index, ImmutableStack<HeldLock> held) => new(WorkKind.Statements, null, null, held, statements, index);
    }
}
