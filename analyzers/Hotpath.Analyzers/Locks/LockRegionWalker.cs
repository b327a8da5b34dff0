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

    public void Walk(IOperation root, CancellationToken cancellationToken) =>
        Visit(root, ImmutableStack<HeldLock>.Empty, cancellationToken);

    private void Visit(IOperation operation, ImmutableStack<HeldLock> held, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        OnOperation(operation, held);
        switch (operation)
        {
            case ILockOperation lockOperation:
                Visit(lockOperation.LockedValue, held, cancellationToken);
                OnAcquire(lockOperation.LockedValue, lockOperation, held);
                Visit(lockOperation.Body, held.Push(new HeldLock(lockOperation.LockedValue, null, lockOperation)), cancellationToken);
                return;

            case IAnonymousFunctionOperation or ILocalFunctionOperation:
                _nestedFunctionDepth++;
                foreach (var child in operation.ChildOperations)
                {
                    Visit(child, ImmutableStack<HeldLock>.Empty, cancellationToken);
                }

                _nestedFunctionDepth--;
                return;

            case IUsingOperation { Body: var body } usingOperation when FindScope(usingOperation.Resources) is { } scope:
                Visit(usingOperation.Resources, held, cancellationToken);
                Visit(body, held.Push(scope), cancellationToken);
                return;

            case IBlockOperation block:
                VisitStatements(block.Operations, held, cancellationToken);
                return;

            case IConditionalOperation { WhenTrue: var whenTrue } conditional when FindAcquisition(conditional.Condition) is { } acquisition:
                // if (Monitor.TryEnter(x)) { ...held... }
                Visit(conditional.Condition, held, cancellationToken);
                Visit(whenTrue, held.Push(acquisition), cancellationToken);
                if (conditional.WhenFalse is { } whenFalse)
                {
                    Visit(whenFalse, held, cancellationToken);
                }

                return;

            case IInvocationOperation invocation:
                foreach (var child in invocation.ChildOperations)
                {
                    Visit(child, held, cancellationToken);
                }

                if (LockOperations.TryGetAcquisition(invocation, Symbols, out var manual))
                {
                    OnAcquire(manual.Target, invocation, held);
                }
                else if (LockOperations.IsEnterScope(invocation, Symbols, out var scopeTarget))
                {
                    OnAcquire(scopeTarget, invocation, held);
                }

                return;
        }

        foreach (var child in operation.ChildOperations)
        {
            Visit(child, held, cancellationToken);
        }
    }

    private void VisitStatements(ImmutableArray<IOperation> statements, ImmutableStack<HeldLock> held, CancellationToken cancellationToken)
    {
        var current = held;
        foreach (var statement in statements)
        {
            Visit(statement, current, cancellationToken);

            // What the statement leaves held for the statements after it.
            if (statement is IUsingDeclarationOperation declaration && FindScope(declaration.DeclarationGroup) is { } scope)
            {
                current = current.Push(scope);
                continue;
            }

            if (statement is ILockOperation or IUsingOperation)
            {
                continue;
            }

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
        }
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

    private static bool IsNegated(IOperation operation, IOperation condition)
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
}
