using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
/// <c>Enter*Lock</c>) and a release that runs on every path to them. A lock released only on some paths (under an if
/// without an else that releases too, a switch without a default section or with a section that does not release, a
/// loop or a catch, or in a try's body) is held on the others, and is held for what follows; a path that leaves (a
/// return, a throw, a break out of a loop) never reaches what follows. A lock a loop's body acquires and still holds
/// at a <c>continue</c> or at the body's end is held for the whole loop (its next round, its condition and increment)
/// and after it, and one held at a <c>break</c> after it. Lambdas and local functions start with nothing held: they
/// run later.
/// </summary>
internal abstract class LockRegionWalker
{
    // Loops deeper than this in one another are not followed round (their locks are held as before: one pass).
    private const int MaxProbedLoopDepth = 4;

    // Statements nested deeper than this in a try body are not run in order for its finally (the lock stays held after it).
    private const int MaxInOrderDepth = 8;

    private int _nestedFunctionDepth;

    // Set while a loop's body is walked silently to learn what its continues, breaks and end hold (LoopExits).
    private LoopProbe? _probe;
    private int _probeDepth;
    private Dictionary<ILoopOperation, LoopExits>? _loopExits;

    // IsTakenFlag and OnlyStoresWhetherTaken go through every mention or write of the flag: FlaggedLocks asks them for every
    // flag a condition reads and every held lock, so a method of thousands of ifs over a few flags was quadratic without these.
    private Dictionary<(ILocalSymbol Flag, IOperation Function, IOperation Target), bool>? _takenFlags;
    private Dictionary<(ILocalSymbol Flag, IOperation Function, IOperation Target), bool>? _onlyStoresTaken;
    private CancellationToken _cancellationToken;

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
        _cancellationToken = cancellationToken;
        var work = new Stack<Work>();
        work.Push(Work.Visit(root, ImmutableStack<HeldLock>.Empty));
        Run(work, cancellationToken);
    }

    private void Run(Stack<Work> work, CancellationToken cancellationToken)
    {
        while (work.Count > 0)
        {
            var item = work.Pop();
            switch (item.Kind)
            {
                case WorkKind.Visit:
                    Visit(item.Operation!, item.Held, work, cancellationToken);
                    break;
                case WorkKind.Acquire:
                    if (_probe is null)
                    {
                        OnAcquire(item.Operation!, item.Site!, item.Held);
                    }

                    break;
                case WorkKind.AfterInvocation when _probe is not null:
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
                    else if (_probe is not null && _probe.IsBodyEnd(item.Statements) &&
                        !(item.Statements.Length > 0 && Leaves(item.Statements[item.Statements.Length - 1], _probe.Loop.Body)))
                    {
                        // A body that ends in a break, continue, return or throw never reaches its end: nothing goes round from there.
                        _probe.Record(item.Held, next: true, branch: null);
                    }

                    break;
            }
        }
    }

    // One operation: report it, then queue what runs inside it (pushed last = done first).
    private void Visit(IOperation operation, ImmutableStack<HeldLock> held, Stack<Work> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_probe is null)
        {
            OnOperation(operation, held);
        }
        else if (operation is IBranchOperation branch)
        {
            _probe.Record(held, next: SymbolEqualityComparer.Default.Equals(branch.Target, _probe.Loop.ContinueLabel), branch);
        }

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

            case ISwitchCaseOperation section:
                // A section's statements run in order, like a block's (case 0: Monitor.Exit(g); continue; holds nothing at the continue).
                work.Push(Work.StatementsFrom(section.Body, 0, held));
                foreach (var child in section.ChildOperations.Reverse())
                {
                    if (!section.Body.Contains(child))
                    {
                        work.Push(Work.Visit(child, held));
                    }
                }

                return;

            case IConditionalOperation conditional when TestedAcquisition(conditional.Condition) is { } acquisition:
                // if (Monitor.TryEnter(x)) { …held… }, if (!Monitor.TryEnter(x)) { … } else { …held… }, if (!ok ||
                // !Monitor.TryEnter(x)) … else { …held… }: a branch holds the lock when the condition can come out its way with
                // the lock taken (after Monitor.TryEnter(x) && ready, the else may run holding it too).
                var outcomes = LockOperations.OutcomesOf(conditional.Condition, (IInvocationOperation)acquisition.Site!);
                if (conditional.WhenFalse is { } whenFalse)
                {
                    work.Push(Work.Visit(whenFalse, (outcomes & ConditionOutcomes.FalseHeld) != 0 ? held.Push(acquisition) : held));
                }

                work.Push(Work.Visit(conditional.WhenTrue, (outcomes & ConditionOutcomes.TrueHeld) != 0 ? held.Push(acquisition) : held));
                work.Push(Work.Visit(conditional.Condition, held));
                return;

            case IConditionalOperation conditional when FlaggedLocks(conditional, held) is { } flagged:
                // var got = Monitor.TryEnter(g, 100); if (!got) { Thread.Sleep(10); continue; }: a branch the condition can only
                // take with the flag false runs without the lock (if (!a && !b) { … } without either, the else of
                // if (got || fallback) without g).
                var whenTrueHeld = held;
                var whenFalseHeld = held;
                foreach (var (item, ways) in flagged)
                {
                    whenTrueHeld = (ways & ConditionOutcomes.TrueHeld) == 0 ? Remove(whenTrueHeld, item.Target) : whenTrueHeld;
                    whenFalseHeld = (ways & ConditionOutcomes.FalseHeld) == 0 ? Remove(whenFalseHeld, item.Target) : whenFalseHeld;
                }

                if (conditional.WhenFalse is { } otherwise)
                {
                    work.Push(Work.Visit(otherwise, whenFalseHeld));
                }

                work.Push(Work.Visit(conditional.WhenTrue, whenTrueHeld));
                work.Push(Work.Visit(conditional.Condition, held));
                return;

            case IInvocationOperation invocation:
                work.Push(Work.AfterInvocation(invocation, held));
                PushChildren(invocation, held, work);
                return;

            case ILoopOperation loop when ExitsOf(loop, cancellationToken).Next is { IsEmpty: false } carried:
                // What a round may leave held is held in every round but the first (say: in all of them), in the condition
                // and the increment; what runs once (a for's initialisers, a foreach's collection) runs before any round. A lock
                // already held before the loop is held once: the round that kept it had released the one from before
                // (Monitor.Exit(g); Thread.Sleep(1); Monitor.Enter(g); in the body) or the count is not what this follows.
                var eachRound = held;
                foreach (var kept in carried)
                {
                    if (!IsHeld(eachRound, kept.Target))
                    {
                        eachRound = eachRound.Push(kept);
                    }
                }

                foreach (var child in loop.ChildOperations.Reverse())
                {
                    var once = (loop is IForLoopOperation forLoop && forLoop.Before.Contains(child)) ||
                        (loop is IForEachLoopOperation forEach && forEach.Collection == child);
                    work.Push(Work.Visit(child, once ? held : eachRound));
                }

                return;
        }

        if (operation is IWhileLoopOperation { Condition: { } loopCondition, Body: var loopBody } && TestedAcquisition(loopCondition) is { } roundLock &&
            (LockOperations.OutcomesOf(loopCondition, (IInvocationOperation)roundLock.Site!) & ConditionOutcomes.TrueHeld) != 0)
        {
            // while (Monitor.TryEnter(x, 10)) { … }: a round runs holding what the condition took.
            work.Push(Work.Visit(loopBody, held.Push(roundLock)));
            work.Push(Work.Visit(loopCondition, held));
            return;
        }

        PushChildren(operation, held, work);
    }

    /// <summary>
    /// The manual locks <paramref name="loop"/>'s body acquires and may still hold where it goes round again (a
    /// <c>continue</c>, the body's end) and where it leaves the loop (a <c>break</c>): its body walked once, silently,
    /// with nothing held before it. Worked out once per loop, and only for loops that acquire.
    /// </summary>
    private LoopExits ExitsOf(ILoopOperation loop, CancellationToken cancellationToken)
    {
        _loopExits ??= new Dictionary<ILoopOperation, LoopExits>();
        if (_loopExits.TryGetValue(loop, out var exits))
        {
            return exits;
        }

        exits = LoopExits.None;
        if (_probeDepth < MaxProbedLoopDepth && IsAcquiredIn(loop))
        {
            var saved = _probe;
            var probe = new LoopProbe(loop, this);
            _probe = probe;
            _probeDepth++;
            try
            {
                var work = new Stack<Work>();
                work.Push(Work.Visit(loop.Body, ImmutableStack<HeldLock>.Empty));
                Run(work, cancellationToken);
                if (loop.Body is not IBlockOperation)
                {
                    probe.Record(HeldAfter(loop.Body, ImmutableStack<HeldLock>.Empty), next: true, branch: null);
                }
            }
            finally
            {
                _probe = saved;
                _probeDepth--;
            }

            exits = probe.Exits;
        }

        _loopExits[loop] = exits;
        return exits;
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

        // A lock or using statement's own lock or scope is released when it ends; what its body acquires is not followed
        // past it, but a release on every path of its body (it runs once when reached) frees an earlier lock.
        var releasesOnly = statement is ILockOperation or IUsingOperation;
        var current = held;
        var invocations = StatementLocks.Of(statement, Symbols).Invocations;

        // Acquisitions first, then releases, whatever order the walk met them in: a release the statement runs on every
        // path (its finally's) frees what its loops kept as well as what was held before it.
        foreach (var invocation in invocations)
        {
            // An acquisition the statement also releases (a try-acquire and its finally, the lockTaken pattern's guarded
            // Exit) is over when it ends. A loop that releases it may also go round or break out still holding it (held
            // once, as in a round: not when held before the statement). A try-acquire is held once: a retry round does not
            // stack on what the same call took in the round before (do { got = Monitor.TryEnter(g, 10); if (!got)
            // Thread.Sleep(1); } while (!got);). A plain Enter a round runs again while the one before still holds the
            // lock (a continue before its Exit) takes it again: held twice.
            if (LockOperations.TryGetAcquisition(invocation, Symbols, out var acquisition) &&
                !releasesOnly && !NeverReachesEnd(invocation, statement) && !LeavesWhenTaken(invocation, statement) &&
                !CountedOnceElsewhere(invocation) &&
                !(IsTryAcquire(acquisition) && HeldFrom(current, invocation)) &&
                (!ReleasesIn(statement, acquisition.Target) || (EscapesALoop(invocation, statement) && !IsHeld(held, acquisition.Target))))
            {
                current = current.Push(new HeldLock(acquisition.Target, acquisition.Kind, invocation));
            }
        }

        var acquired = current;
        List<IOperation>? releasedTargets = null;
        foreach (var invocation in invocations)
        {
            if (LockOperations.TryGetRelease(invocation, Symbols, out var releasedKind, out var released) &&
                (!IsAcquiredIn(statement, released, releasedKind) || FinallyReleasesAfterABalancedBody(statement, invocation, released, releasedKind, held, acquired)) &&
                (releasedTargets is null || !releasedTargets.Exists(t => LockOperations.SameTarget(t, released))) &&
                ReleasesBeforeWhatFollows(statement, HeldTargetOf(acquired, released)))
            {
                // Once per object, however many of the statement's paths release it (an Exit in each branch of an if/else).
                (releasedTargets ??= new List<IOperation>()).Add(released);
                current = Remove(current, released, onlyThisRoundsElement: IsThisRoundsElement(released, statement));
            }
        }

        return current;
    }

    /// <summary>
    /// The held element of a collection that <paramref name="released"/>, an element of it, gives back: the one the
    /// taking loop took, so that a release loop's count is compared with how many that loop took (IsCount). Otherwise
    /// <paramref name="released"/> itself.
    /// </summary>
    private static IOperation HeldTargetOf(ImmutableStack<HeldLock> held, IOperation released)
    {
        if (LockOperations.LoopElement(released) is not null)
        {
            foreach (var item in held)
            {
                if (LockOperations.LoopElement(item.Target) is not null && LockOperations.SameTarget(item.Target, released))
                {
                    return item.Target;
                }
            }
        }

        return released;
    }

    /// <summary>
    /// Whether every path from <paramref name="acquisition"/> leaves <paramref name="statement"/> before its end: a block
    /// around it, inside the statement, goes on from it to a return, a throw, or a break or continue out of the statement
    /// (<c>if (found) { Monitor.Enter(g); break; }</c> holds <c>g</c> at the break, not after the if).
    /// </summary>
    private static bool NeverReachesEnd(IOperation acquisition, IOperation statement)
    {
        for (var current = acquisition; current != statement && current.Parent is { } parent; current = parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (parent is IBlockOperation block && LockOperations.IndexIn(block, current) is var index and >= 0 &&
                SuffixLeaves.Of(block).LeavesAfter(index, statement))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the statements of a block after a given one end by leaving a region (<see cref="LeavesInSequence"/> of the
    /// rest of the block), worked out once per block and region: NeverReachesEnd asks it for every acquisition in a
    /// statement, and following the rest of a long block each time made a block with hundreds of acquisitions quadratic.
    /// </summary>
    private sealed class SuffixLeaves
    {
        private static readonly ConditionalWeakTable<IBlockOperation, SuffixLeaves> Cache = new();

        private readonly ImmutableArray<IOperation> _statements;

        // Per region: the index after which a suffix may leave (the last statement but one that jumps past the region, or
        // -1), or null when the block's last statement does not leave the region (no suffix does).
        private readonly Dictionary<IOperation, int?> _byRegion = new();

        private SuffixLeaves(IBlockOperation block) => _statements = block.Operations;

        public static SuffixLeaves Of(IBlockOperation block) => Cache.GetValue(block, static b => new SuffixLeaves(b));

        /// <summary>LeavesInSequence(statements after <paramref name="index"/>, <paramref name="region"/>).</summary>
        public bool LeavesAfter(int index, IOperation region)
        {
            int? lastJump;
            lock (_byRegion)
            {
                if (!_byRegion.TryGetValue(region, out lastJump))
                {
                    lastJump = null;
                    if (_statements.Length > 0 && Leaves(_statements[_statements.Length - 1], region))
                    {
                        lastJump = -1;
                        for (var i = _statements.Length - 2; i >= 0; i--)
                        {
                            if (JumpsPast(_statements[i], region))
                            {
                                lastJump = i;
                                break;
                            }
                        }
                    }

                    _byRegion[region] = lastJump;
                }
            }

            // The suffix starts at index + 1: not empty, its last statement leaves, and none before that jumps past.
            return lastJump is { } jump && index + 1 < _statements.Length && index + 1 > jump;
        }
    }

    /// <summary>
    /// Whether <paramref name="acquisition"/> is a try-acquire that is the whole condition of an if whose true branch leaves
    /// <paramref name="statement"/>: <c>if (Monitor.TryEnter(g, 10)) break;</c> holds <c>g</c> at the break only, and what
    /// follows the if runs when it was not taken.
    /// </summary>
    private static bool LeavesWhenTaken(IOperation acquisition, IOperation statement) =>
        acquisition.Parent is IConditionalOperation conditional && conditional.Condition == acquisition && Leaves(conditional.WhenTrue, statement);

    /// <summary>
    /// The held manual locks whose taken flags <paramref name="conditional"/> tests (the flag a try-acquire's result was
    /// stored in, or the lockTaken flag passed by ref), each with how the condition can come out
    /// (<see cref="LockOperations.OutcomesOf"/>), or null when it tests none.
    /// </summary>
    private List<(HeldLock Lock, ConditionOutcomes Outcomes)>? FlaggedLocks(IConditionalOperation conditional, ImmutableStack<HeldLock> held)
    {
        if (held.IsEmpty)
        {
            return null;
        }

        List<(HeldLock, ConditionOutcomes)>? flagged = null;
        foreach (var operation in LockOperations.DescendantsInSameFunction(conditional.Condition))
        {
            if (operation is not ILocalReferenceOperation { Local: { Type.SpecialType: SpecialType.System_Boolean } flag })
            {
                continue;
            }

            foreach (var item in held)
            {
                // After "try, then block" with the try-acquire kept in the flag (var got = Monitor.TryEnter(g); if (!got) { …;
                // Monitor.Enter(g); }) the lock is held whatever the flag says: only that if's own test runs without it.
                if (item.Kind is not null && (flagged is null || !flagged.Exists(known => known.Item1.Equals(item))) &&
                    IsTakenFlag(flag, conditional, item.Target) && OnlyStoresWhetherTaken(flag, conditional, item.Target) &&
                    !(item.Site is IInvocationOperation site && LockOperations.TryThenBlock(site, Symbols) is { } idiom && idiom != conditional))
                {
                    (flagged ??= new List<(HeldLock, ConditionOutcomes)>()).Add((item, LockOperations.OutcomesOf(conditional.Condition, null, flag)));
                    break;
                }
            }
        }

        return flagged;
    }

    /// <summary>
    /// Whether every write of <paramref name="flag"/> in the function holding <paramref name="within"/> says whether
    /// <paramref name="target"/> was taken: a try-acquire's result, the lockTaken flag passed by ref to an acquisition of it,
    /// or a <c>false</c> written before all of those (<c>var taken = false;</c>), or the <c>got = true;</c> that follows
    /// the Enter of a "try, then block" branch. After <c>got = false;</c> or
    /// <c>got = n > 0;</c> the flag no longer tells, and a branch it guards may run holding the lock.
    /// </summary>
    private bool OnlyStoresWhetherTaken(ILocalSymbol flag, IOperation within, IOperation target) =>
        Remembered(ref _onlyStoresTaken, flag, within, target, OnlyStoresWhetherTakenIn);

    // The answer of ask for one flag, function and held lock, worked out once.
    private static bool Remembered(
        ref Dictionary<(ILocalSymbol Flag, IOperation Function, IOperation Target), bool>? answers, ILocalSymbol flag, IOperation within, IOperation target,
        Func<ILocalSymbol, IOperation, IOperation, bool> ask)
    {
        var key = (flag, LockOperations.FunctionRoot(within), target);
        if (!(answers ??= new()).TryGetValue(key, out var result))
        {
            answers[key] = result = ask(flag, key.Item2, target);
        }

        return result;
    }

    private bool OnlyStoresWhetherTakenIn(ILocalSymbol flag, IOperation within, IOperation target)
    {
        // What the flag's writes store is worked out once per flag (FlagWrites); only their targets are compared here.
        var writes = LocalMentions.Of(within).Cached(flag, f => new FlagWrites(f, LocalMentions.Of(within), Symbols));
        if (writes.Other || writes.Taken.Count == 0)
        {
            return false;
        }

        if (writes.Uniform is not { } uniform || SimpleField(target) is not { } asked || !SameSimpleField(uniform, asked))
        {
            foreach (var (_, taken) in writes.Taken)
            {
                if (!LockOperations.SameTarget(taken, target))
                {
                    return false;
                }
            }
        }

        return writes.LastFalse < writes.FirstTaken;
    }

    // A field read on no receiver or on this (_gate, this._gate, s_gate): two such reads of one field, on the same kind of
    // receiver, are the same target (LockOperations.SameTarget), whatever else they are compared with.
    private static (IFieldSymbol Field, bool Static)? SimpleField(IOperation target) =>
        LockOperations.Unwrap(target) is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field
            ? (field.Field, field.Instance is null)
            : null;

    private static bool SameSimpleField((IFieldSymbol Field, bool Static) a, (IFieldSymbol Field, bool Static) b) =>
        a.Static == b.Static && SymbolEqualityComparer.Default.Equals(a.Field, b.Field);

    /// <summary>
    /// What a flag's writes (anywhere in the function, its lambdas included) store: a try-acquire's result or the lockTaken
    /// pattern's ref (<see cref="Taken"/>, with the lock taken), a <c>false</c>, or anything else (<see cref="Other"/>).
    /// OnlyStoresWhetherTaken asks at every if testing the flag: a flag reused by hundreds of idioms was quadratic.
    /// </summary>
    private sealed class FlagWrites
    {
        public FlagWrites(ILocalSymbol flag, LocalMentions mentions, LockSymbols symbols)
        {
            var uniform = true;
            foreach (var operation in mentions.All(flag))
            {
                IOperation? value;
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer.Value: var initial }:
                        value = initial;
                        break;
                    case ILocalReferenceOperation reference:
                        value = reference.Parent switch
                        {
                            ISimpleAssignmentOperation { Value: var assigned } assignment when assignment.Target == reference => assigned,
                            IAssignmentOperation assignment when assignment.Target == reference => assignment,
                            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Parent: var call } => call,
                            ITupleOperation or IDeclarationExpressionOperation => reference.Parent,
                            _ => null,
                        };
                        if (value is null)
                        {
                            continue;
                        }

                        break;
                    default:
                        continue;
                }

                var position = operation.Syntax.SpanStart;
                if (LockOperations.WithoutConversions(value) is IInvocationOperation acquiring && LockOperations.TryGetAcquisition(acquiring, symbols, out var acquisition))
                {
                    Taken.Add((position, acquisition.Target));
                    FirstTaken = Math.Min(FirstTaken, position);
                    var field = SimpleField(acquisition.Target);
                    uniform = uniform && field is { } known && (Uniform is not { } first || SameSimpleField(first, known));
                    Uniform = uniform ? field : null;
                }
                else if (value.ConstantValue is { HasValue: true, Value: false })
                {
                    LastFalse = Math.Max(LastFalse, position);
                }
                else if (value.Parent is { } assignment && LockOperations.SetsTheIdiomFlag(assignment, symbols))
                {
                    // if (!got) { Monitor.Enter(g); got = true; }: written only once the lock is taken again.
                    continue;
                }
                else
                {
                    Other = true;
                }
            }

            if (!uniform)
            {
                Uniform = null;
            }
        }

        /// <summary>The acquisitions stored, with where and what they take.</summary>
        public List<(int Position, IOperation Target)> Taken { get; } = new();

        public int FirstTaken { get; private set; } = int.MaxValue;

        public int LastFalse { get; private set; } = -1;

        /// <summary>A write that is neither: the flag no longer tells.</summary>
        public bool Other { get; private set; }

        /// <summary>The one field every acquisition stored takes, read as <see cref="SimpleField"/>; null otherwise.</summary>
        public (IFieldSymbol Field, bool Static)? Uniform { get; private set; }
    }

    /// <summary>
    /// Whether a loop around <paramref name="acquisition"/>, inside <paramref name="statement"/> or the statement itself,
    /// may hold the lock it takes where that loop goes round or breaks out (<see cref="ExitsOf"/>).
    /// </summary>
    private bool EscapesALoop(IOperation acquisition, IOperation statement)
    {
        for (var current = acquisition.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation loop)
            {
                var exits = ExitsOf(loop, _cancellationToken);
                if (exits.Next.Any(held => held.Site == acquisition) || exits.Out.Any(held => held.Site == acquisition))
                {
                    return true;
                }
            }

            if (current == statement || current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="statement"/> releases <paramref name="target"/> whichever way it runs to its end: a release
    /// as the statement itself, in a nested block (before any jump out of it that stays in the statement, a switch
    /// section's break before its Exit) or the body of a lock, using or fixed statement, in a try's finally, in both
    /// branches of an if/else, in every section of a switch with a default section, under an if testing that the lock
    /// was taken (its try-acquire's flag, <c>Monitor.IsEntered</c>), or in a try's body when each of its catches releases
    /// too or ends in a throw or return (or the body's first statement releases, so a catch runs after it). A release
    /// under an if without such an else, a switch without a default or with a section that does not release, or a loop
    /// may not run, nor one in a try's body that a catch can swallow a throw before, or in a catch alone (the body's path
    /// skips it).
    /// </summary>
    /// <remarks>
    /// A path that leaves the function (a return, a throw) or the statement (a break or continue of a loop around it)
    /// without releasing counts as holding the lock: a using's Dispose at the end of its scope runs on it. For the
    /// statements after it, use <see cref="ReleasesBeforeWhatFollows"/>.
    /// </remarks>
    protected bool ReleasesOnEveryPath(IOperation statement, IOperation target) => ReleasesOnEveryPath(statement, target, region: statement, leavingSkips: false);

    /// <summary>
    /// Whether every path from <paramref name="statement"/> to the statements after it releases <paramref name="target"/>
    /// (<see cref="ReleasesOnEveryPath(IOperation, IOperation)"/>), where a branch that leaves without releasing (a return
    /// or throw, a break or continue of a loop around the statement) does not count: it never reaches them
    /// (<c>if (c) return; else Monitor.Exit(g);</c>). It may still leave with the lock held, which HOT204 is about.
    /// </summary>
    private bool ReleasesBeforeWhatFollows(IOperation statement, IOperation target) => ReleasesOnEveryPath(statement, target, region: statement, leavingSkips: true);

    // region: the statement asked about, whose end the paths run to; a jump to a label inside it lands before that end.
    // leavingSkips: whether a path that leaves the region (a return, a throw, a break or continue out of it) skips that end.
    private bool ReleasesOnEveryPath(IOperation statement, IOperation target, IOperation region, bool leavingSkips)
    {
        switch (statement)
        {
            case IExpressionStatementOperation { Operation: var expression }:
                return LockOperations.WithoutConversions(expression) is IInvocationOperation invocation &&
                    LockOperations.TryGetRelease(invocation, Symbols, out _, out var released) && LockOperations.SameTarget(released, target);
            case IBlockOperation block:
                return ReleasesInSequence(block.Operations, target, region, leavingSkips);
            case ILockOperation or IUsingOperation or { Syntax: FixedStatementSyntax }:
                // Its body runs once when the statement is reached.
                return StatementBody(statement) is { } statementBody && ReleasesOnEveryPath(statementBody, target, region, leavingSkips);
            case IForEachLoopOperation or IForLoopOperation when LockOperations.LoopElement(target) is { } element && LockOperations.IteratesOver((ILoopOperation)statement, element):
                // foreach (var l in locks) Monitor.Exit(l); (or for (var i = 0; i < locks.Length; i++) Monitor.Exit(locks[i]);)
                // releases every lock a loop over the same collection took (and runs no round exactly when that one took
                // none), unless a break or goto may end it before the last round.
                return ReleasesOnEveryPath(((ILoopOperation)statement).Body, target, region, leavingSkips) && !EndsEarly((ILoopOperation)statement);
            case ISwitchOperation { Cases: var sections }:
                // A value no case matches skips every section unless one is the default.
                return sections.Any(section => section.Clauses.Any(clause => clause is IDefaultCaseClauseOperation)) &&
                    sections.All(section => ReleasesInSequence(section.Body, target, region, leavingSkips) ||
                        (leavingSkips && LeavesInSequence(section.Body, region)));
            case ITryOperation { Finally: { } release } when ReleasesOnEveryPath(release, target, region, leavingSkips):
                return true;
            case ITryOperation { Body: var body } tryOperation:
                // Without a finally that releases, the body's release counts when no catch can reach what follows with the
                // lock held: each releases too or leaves (a throw, a return), or the body released first (its first statement,
                // a try that releases in its finally) so a catch runs after the release.
                return ReleasesOnEveryPath(body, target, region, leavingSkips) &&
                    ((body.Operations.Length > 0 && ReleasesOnEveryPath(body.Operations[0], target, region, leavingSkips)) ||
                     tryOperation.Catches.All(@catch => ReleasesOnEveryPath(@catch.Handler, target, region, leavingSkips) || EndsInThrowOrReturn(@catch.Handler)));
            case IConditionalOperation { Condition: var test } conditional when LockOperations.FlagOf(test) is var (flag, negated) && IsTakenFlag(flag, conditional, target) &&
                !IsTryThenBlockFlag(flag, conditional):
                // if (taken) Monitor.Exit(g), if (got) { try … finally { Monitor.Exit(g); } } else { … }: the flag says whether the
                // lock was taken, so the branch where it is true exits whenever the lock is held. Not the flag of "try, then
                // block" (var got = Monitor.TryEnter(g); if (!got) { …; Monitor.Enter(g); }): after that if the lock is held
                // whatever got says (unless the branch sets it again: got = true).
                return (negated ? conditional.WhenFalse : conditional.WhenTrue) is { } whenTaken && ReleasesOnEveryPath(whenTaken, target, region, leavingSkips);
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                // A branch that leaves without releasing (if (c) return; else Monitor.Exit(g);) does not reach the end.
                return (ReleasesOnEveryPath(conditional.WhenTrue, target, region, leavingSkips) || (leavingSkips && Leaves(conditional.WhenTrue, region))) &&
                    (ReleasesOnEveryPath(whenFalse, target, region, leavingSkips) || (leavingSkips && Leaves(whenFalse, region)));
            case IConditionalOperation { WhenFalse: null, Condition: IInvocationOperation { TargetMethod.Name: "IsEntered", Arguments.Length: 1 } test } conditional
                when SymbolEqualityComparer.Default.Equals(test.TargetMethod.ContainingType, Symbols.Monitor) && LockOperations.SameTarget(test.Arguments[0].Value, target):
                // if (Monitor.IsEntered(g)) Monitor.Exit(g): exits whenever this thread holds it.
                return ReleasesOnEveryPath(conditional.WhenTrue, target, region, leavingSkips);
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether statements run in order (a block's, a switch section's) release <paramref name="target"/>: one of them does
    /// on every path, and none before it can jump past it to a place inside <paramref name="region"/> (a break out of the
    /// switch, a goto), from where the region's end is reached with the lock held, nor (unless
    /// <paramref name="leavingSkips"/>) leave without releasing (<c>if (c) return; Monitor.Exit(g);</c>).
    /// </summary>
    private bool ReleasesInSequence(ImmutableArray<IOperation> statements, IOperation target, IOperation region, bool leavingSkips)
    {
        foreach (var statement in statements)
        {
            if (ReleasesOnEveryPath(statement, target, region, leavingSkips))
            {
                return true;
            }

            // Where leaving skips nothing that matters (a using's Dispose runs on the way out), a statement that can leave
            // before the release without releasing itself leaves with the lock held.
            if (JumpsPast(statement, region) || (!leavingSkips && MayLeaveWithoutReleasing(statement, target)))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="statement"/> holds a way out of it (a return or yield break, a throw no catch inside it can
    /// take, a break, continue or goto to a label outside it) and no release of <paramref name="target"/>.
    /// </summary>
    protected bool MayLeaveWithoutReleasing(IOperation statement, IOperation target)
    {
        var leaves = false;
        foreach (var operation in LockOperations.DescendantsInSameFunction(statement))
        {
            switch (operation)
            {
                case IInvocationOperation invocation when LockOperations.TryGetRelease(invocation, Symbols, out _, out var released) && LockOperations.SameTarget(released, target):
                    return false;
                case IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak }:
                case IThrowOperation when !MayBeCaughtWithin(operation, statement):
                case IBranchOperation { Target: var label } when !DeclaresLabel(statement, label):
                    leaves = true;
                    break;
            }
        }

        return leaves;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> ends by leaving <paramref name="region"/> on every path, never reaching its end:
    /// a return (not a yield return), a throw no catch inside the region can take, a break or continue of a loop or switch
    /// around the region, or an if/else both of whose branches leave.
    /// </summary>
    private static bool Leaves(IOperation operation, IOperation region) => operation switch
    {
        IBlockOperation { Operations: var statements } => LeavesInSequence(statements, region),
        IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak } => true,
        IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } => !MayBeCaughtWithin(operation, region),
        IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue, Target: var label } => !DeclaresLabel(region, label),
        IConditionalOperation { WhenFalse: { } whenFalse } conditional => Leaves(conditional.WhenTrue, region) && Leaves(whenFalse, region),
        _ => false,
    };

    /// <summary>
    /// Whether a throw at <paramref name="operation"/> may land in a catch of a try inside <paramref name="region"/> (or of
    /// the region itself) whose body holds it and that does not end in a throw or return, from where the region's end is
    /// reached: it does not leave the region.
    /// </summary>
    private static bool MayBeCaughtWithin(IOperation operation, IOperation region)
    {
        for (var current = operation; current != region && current.Parent is { } parent; current = parent)
        {
            // A catch that ends in a throw or return passes the throw on (to a try further out) or leaves.
            if (parent is ITryOperation tryOperation && tryOperation.Body == current && tryOperation.Catches.Any(@catch => !EndsInThrowOrReturn(@catch.Handler)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a break or goto in <paramref name="loop"/>'s body may leave it before its last round.</summary>
    private static bool EndsEarly(ILoopOperation loop)
    {
        foreach (var operation in LockOperations.DescendantsInSameFunction(loop.Body))
        {
            if (operation is IBranchOperation { Target: var label } branch &&
                ((branch.BranchKind == BranchKind.Break && SymbolEqualityComparer.Default.Equals(label, loop.ExitLabel)) ||
                 (branch.BranchKind == BranchKind.GoTo && !DeclaresLabel(loop.Body, label))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether statements run in order end by leaving <paramref name="region"/>, none before the last jumping past it.</summary>
    private static bool LeavesInSequence(ImmutableArray<IOperation> statements, IOperation region)
    {
        for (var i = 0; i < statements.Length - 1; i++)
        {
            if (JumpsPast(statements[i], region))
            {
                return false;
            }
        }

        return statements.Length > 0 && Leaves(statements[statements.Length - 1], region);
    }

    /// <summary>
    /// Whether <paramref name="statement"/> holds a jump that lands outside it but inside <paramref name="region"/>: a break
    /// or continue of a loop or switch of the region around it, or a goto (whose label may be anywhere).
    /// </summary>
    private static bool JumpsPast(IOperation statement, IOperation region)
    {
        foreach (var operation in LockOperations.DescendantsInSameFunction(statement))
        {
            if (operation is IBranchOperation { Target: var label } branch && !DeclaresLabel(statement, label) &&
                (branch.BranchKind == BranchKind.GoTo || DeclaresLabel(region, label)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="label"/> belongs to a loop, a switch or a labeled statement inside <paramref name="root"/>.</summary>
    private static bool DeclaresLabel(IOperation root, ILabelSymbol label)
    {
        foreach (var operation in LockOperations.DescendantsInSameFunction(root))
        {
            var declares = operation switch
            {
                ILoopOperation loop => SymbolEqualityComparer.Default.Equals(loop.ContinueLabel, label) || SymbolEqualityComparer.Default.Equals(loop.ExitLabel, label),
                ISwitchOperation @switch => SymbolEqualityComparer.Default.Equals(@switch.ExitLabel, label),
                ILabeledOperation labeled => SymbolEqualityComparer.Default.Equals(labeled.Label, label),
                _ => false,
            };
            if (declares)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="flag"/> says whether <paramref name="target"/> was taken: the function holding
    /// <paramref name="within"/> passes it by ref to an acquisition of it (<c>Monitor.Enter(g, ref taken)</c>) or stores a
    /// try-acquire's result in it (<c>var got = Monitor.TryEnter(g)</c>).
    /// </summary>
    /// <summary>Whether <paramref name="flag"/> keeps the try-acquire of a "try, then block" idiom (<see cref="LockOperations.TryThenBlock"/>).</summary>
    private bool IsTryThenBlockFlag(ILocalSymbol flag, IOperation within) =>
        LocalMentions.Of(within).FirstDeclarator(flag) is { Initializer.Value: var initial } &&
        LockOperations.WithoutAwait(initial) is IInvocationOperation tried &&
        LockOperations.TryThenBlock(tried, Symbols) is { } idiom && !LockOperations.SetsTheFlagAgain(idiom);

    private bool IsTakenFlag(ILocalSymbol flag, IOperation within, IOperation target) =>
        Remembered(ref _takenFlags, flag, within, target, IsTakenFlagIn);

    private bool IsTakenFlagIn(ILocalSymbol flag, IOperation within, IOperation target)
    {
        // The flag's own declarator, an assignment to it, or a call it is passed to by ref.
        foreach (var operation in LocalMentions.Of(within).InSameFunction(flag))
        {
            var value = operation switch
            {
                IVariableDeclaratorOperation { Initializer.Value: var initial } => initial,
                ILocalReferenceOperation { Parent: ISimpleAssignmentOperation { Value: var assigned } assignment } reference when assignment.Target == reference => assigned,
                ILocalReferenceOperation { Parent: IArgumentOperation { Parameter.RefKind: RefKind.Ref, Parent: IInvocationOperation invocation } argument } reference
                    when argument.Value == reference => invocation,
                _ => null,
            };
            if (value is not null && LockOperations.WithoutConversions(value) is IInvocationOperation acquiring &&
                LockOperations.TryGetAcquisition(acquiring, Symbols, out var acquisition) && LockOperations.SameTarget(acquisition.Target, target))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The body of a <c>lock</c>, <c>using</c> or <c>fixed</c> statement (whose operation is not public in Roslyn 4.8).</summary>
    private static IOperation? StatementBody(IOperation statement) => statement switch
    {
        ILockOperation { Body: var body } => body,
        IUsingOperation { Body: var body } => body,
        { Syntax: FixedStatementSyntax { Statement: var body } } => statement.ChildOperations.FirstOrDefault(child => child.Syntax == body),
        _ => null,
    };

    private static bool EndsInThrowOrReturn(IBlockOperation block) =>
        block.Operations.Length > 0 && block.Operations[block.Operations.Length - 1] is
            IThrowOperation or IReturnOperation or IExpressionStatementOperation { Operation: IThrowOperation };

    /// <summary>
    /// Whether <paramref name="release"/> is in the finally of the try <paramref name="statement"/> whose body, run in order
    /// from <paramref name="held"/> (what was held before the try), leaves no more of <paramref name="target"/> held than
    /// <paramref name="acquired"/> (what the statement is taken to hold before its releases): the finally then releases the
    /// one lock held when the body ends, taken before the try (<c>Monitor.Enter(g); try { while (!ready) { Monitor.Exit(g);
    /// Thread.Sleep(1); Monitor.Enter(g); } } finally { Monitor.Exit(g); }</c>) or kept by a loop of the body. A body that may
    /// end holding more (<c>Monitor.Enter(g); if (c) Monitor.Exit(g);</c>, a re-entry the lockTaken pattern's finally gives
    /// back) keeps what was held before the try.
    /// </summary>
    private bool FinallyReleasesAfterABalancedBody(
        IOperation statement, IOperation release, IOperation target, LockKind kind, ImmutableStack<HeldLock> held, ImmutableStack<HeldLock> acquired)
    {
        if (statement is not ITryOperation { Finally: { } @finally, Body: var body } ||
            !@finally.Syntax.Span.Contains(release.Syntax.Span))
        {
            return false;
        }

        return RunInOrder(body, target, kind, held, depth: 0) is { } afterBody &&
            CountHeld(afterBody, target, kind) <= CountHeld(acquired, target, kind);
    }

    /// <summary>
    /// What is held after <paramref name="statement"/> of a try body, run in order from <paramref name="held"/>, or null when
    /// that is not known. A statement that does not both take and give back <paramref name="target"/> is summed up as the
    /// walk does. One that does is followed: a block statement by statement, an if branch by branch (both branches must
    /// end holding the lock as often: <c>if (busy) { Monitor.Exit(g); Thread.Sleep(1); Monitor.Enter(g); }</c>), a try
    /// without catches through its body then its finally, and a loop of the known shape (its rounds are followed: one not
    /// holding the lock before it, or one whose rounds first give it back and then take it again). Anything else
    /// (<c>try { Monitor.Enter(g); if (c) Monitor.Exit(g); } finally { }</c> ends holding it once more or not) is unknown.
    /// </summary>
    private ImmutableStack<HeldLock>? RunInOrder(IOperation statement, IOperation target, LockKind kind, ImmutableStack<HeldLock> held, int depth)
    {
        if (!IsAcquiredIn(statement, target, kind) || !ReleasesIn(statement, target))
        {
            return HeldAfter(statement, held);
        }

        if (depth > MaxInOrderDepth)
        {
            return null;
        }

        switch (statement)
        {
            case IBlockOperation block:
                ImmutableStack<HeldLock>? current = held;
                for (var i = 0; i < block.Operations.Length && current is not null; i++)
                {
                    current = RunInOrder(block.Operations[i], target, kind, current, depth + 1);
                }

                return current;

            case IConditionalOperation { Condition: var condition, WhenTrue: var whenTrue, WhenFalse: var whenFalse } when !IsAcquiredIn(condition) && !ReleasesIn(condition, target):
                var afterTrue = RunInOrder(whenTrue, target, kind, held, depth + 1);
                var afterFalse = whenFalse is null ? held : RunInOrder(whenFalse, target, kind, held, depth + 1);
                return afterTrue is not null && afterFalse is not null && CountHeld(afterTrue, target, kind) == CountHeld(afterFalse, target, kind)
                    ? afterTrue
                    : null;

            case ISwitchOperation { Value: var value, Cases: var sections } when !IsAcquiredIn(value) && !ReleasesIn(value, target):
                return RunSectionsInOrder(sections, target, kind, held, depth);

            case ITryOperation { Catches.Length: 0, Body: var tryBody, Finally: { } @finally }:
                return RunInOrder(tryBody, target, kind, held, depth + 1) is { } afterTryBody
                    ? RunInOrder(@finally, target, kind, afterTryBody, depth + 1)
                    : null;

            case ILoopOperation loop when !IsHeld(held, target) ||
                (loop.Body is IBlockOperation { Operations: { Length: > 0 } round } && ReleasesOnEveryPath(round[0], target)):
                return HeldAfter(loop, held);

            default:
                return null;
        }
    }

    // A switch's sections, each run in order up to the break that ends it (case 1: Monitor.Exit(g); Thread.Sleep(1);
    // Monitor.Enter(g); break;): they must all end holding the lock equally often, and as often as before the switch when
    // no default section may skip them all. A section left any other way (a return, a goto, a nested break) is not followed.
    private ImmutableStack<HeldLock>? RunSectionsInOrder(ImmutableArray<ISwitchCaseOperation> sections, IOperation target, LockKind kind, ImmutableStack<HeldLock> held, int depth)
    {
        ImmutableStack<HeldLock>? after = null;
        var hasDefault = false;
        foreach (var section in sections)
        {
            hasDefault |= section.Clauses.Any(clause => clause.CaseKind == CaseKind.Default);
            var body = section.Body;
            if (body.Length == 0 || body[body.Length - 1] is not IBranchOperation { BranchKind: BranchKind.Break } ||
                body.Take(body.Length - 1).Any(statement => LockOperations.DescendantsInSameFunction(statement).Any(operation =>
                    operation is IBranchOperation or IReturnOperation or IThrowOperation)))
            {
                return null;
            }

            ImmutableStack<HeldLock>? current = held;
            for (var i = 0; i < body.Length - 1 && current is not null; i++)
            {
                current = RunInOrder(body[i], target, kind, current, depth + 1);
            }

            if (current is null || (after is not null && CountHeld(after, target, kind) != CountHeld(current, target, kind)))
            {
                return null;
            }

            after ??= current;
        }

        return after is null ? held
            : hasDefault || CountHeld(after, target, kind) == CountHeld(held, target, kind) ? after
            : null;
    }

    /// <summary>
    /// Whether <paramref name="scope"/> (this function's part of it) releases <paramref name="target"/>, by a release of
    /// <paramref name="kind"/> if one is given.
    /// </summary>
    protected bool ReleasesIn(IOperation scope, IOperation target, LockKind? kind = null)
    {
        foreach (var (releasedKind, released) in StatementLocks.Of(scope, Symbols).Releases)
        {
            if ((kind is null || releasedKind == kind) && LockOperations.SameTarget(released, target))
            {
                return true;
            }
        }

        return false;
    }

    private static int CountHeld(ImmutableStack<HeldLock> held, IOperation target, LockKind kind)
    {
        var count = 0;
        foreach (var item in held)
        {
            if (item.Kind == kind && LockOperations.SameTarget(item.Target, target))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Whether <paramref name="acquisition"/> may fail and says so (<c>TryEnter</c>, <c>Wait(timeout)</c>).</summary>
    private static bool IsTryAcquire(Acquisition acquisition) =>
        acquisition.ReturnsSuccess || acquisition.Invocation.TargetMethod.Name.StartsWith("Try", StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="statement"/> (this function's part of it) acquires a lock by hand: <paramref name="target"/>
    /// if one is given, as a lock of <paramref name="kind"/> if one is given (a reader-writer lock's write lock taken and
    /// given back inside an upgradeable read lock's try is not the read lock its finally exits).
    /// </summary>
    protected bool IsAcquiredIn(IOperation statement, IOperation? target = null, LockKind? kind = null)
    {
        foreach (var acquisition in StatementLocks.Of(statement, Symbols).Acquisitions)
        {
            if ((kind is null || acquisition.Kind == kind) && (target is null || LockOperations.SameTarget(target, acquisition.Target)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HeldFrom(ImmutableStack<HeldLock> held, IOperation site)
    {
        foreach (var item in held)
        {
            if (item.Site == site)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsHeld(ImmutableStack<HeldLock> held, IOperation target)
    {
        foreach (var item in held)
        {
            if (LockOperations.SameTarget(item.Target, target))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="released"/> is an element picked by the variable of a loop whose body holds
    /// <paramref name="statement"/>: there it is this round's element only (<c>foreach (var x in locks) { Monitor.Exit(x);
    /// Thread.Sleep(1); }</c> still holds the others another loop over <c>locks</c> took).
    /// </summary>
    private static bool IsThisRoundsElement(IOperation released, IOperation statement) =>
        LockOperations.LoopElement(released) is { Loop: var loop } && statement.Parent is { } parent && LockOperations.IsWithin(parent, loop);

    private static ImmutableStack<HeldLock> Remove(ImmutableStack<HeldLock> held, IOperation target, bool onlyThisRoundsElement = false)
    {
        var kept = new List<HeldLock>();
        var removed = false;
        foreach (var item in held)
        {
            // This round's element is the one picked by the same variable in the same collection (_a[i], not _b[i]).
            if (!removed && LockOperations.SameTarget(item.Target, target) && (!onlyThisRoundsElement ||
                    (LockOperations.LoopElement(item.Target) is { Variable: var heldVariable } && LockOperations.LoopElement(target) is { Variable: var releasedVariable } &&
                        SymbolEqualityComparer.Default.Equals(heldVariable, releasedVariable))))
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

    /// <summary>The first acquisition in an if's condition (a try-acquire: <c>Monitor.TryEnter(x)</c>, <c>await s.WaitAsync(10)</c>), or null.</summary>
    private HeldLock? TestedAcquisition(IOperation condition)
    {
        foreach (var operation in LockOperations.DescendantsInSameFunction(condition))
        {
            if (operation is IInvocationOperation invocation && LockOperations.TryGetAcquisition(invocation, Symbols, out var acquisition))
            {
                return new HeldLock(acquisition.Target, acquisition.Kind, invocation);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> is the half of a "try, then block" idiom that is not counted: the idiom holds
    /// the lock once. In <c>if (!Monitor.TryEnter(g)) { contended++; Monitor.Enter(g); }</c> the branch's Enter counts
    /// (the try-acquire of the same statement failed when it runs); with the try kept in a flag (<c>var got =
    /// Monitor.TryEnter(g); if (!got) { …; Monitor.Enter(g); }</c>) the try-acquire's own statement counted it, and the
    /// branch, where the flag says it failed, takes it back.
    /// </summary>
    private bool CountedOnceElsewhere(IInvocationOperation invocation)
    {
        if (LockOperations.TryThenBlock(invocation, Symbols) is not { } idiom || LockOperations.FailedTry(idiom, Symbols) is not { } attempt)
        {
            return false;
        }

        return idiom.Condition.Syntax.Span.Contains(attempt.Syntax.Span) ? invocation == attempt : invocation != attempt;
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

    /// <summary>The manual locks a loop's body may hold where it goes round again (<see cref="Next"/>) and where it breaks out (<see cref="Out"/>).</summary>
    private sealed class LoopExits
    {
        public static readonly LoopExits None = new(ImmutableArray<HeldLock>.Empty, ImmutableArray<HeldLock>.Empty);

        public LoopExits(ImmutableArray<HeldLock> next, ImmutableArray<HeldLock> @out)
        {
            Next = next;
            Out = @out;
        }

        public ImmutableArray<HeldLock> Next { get; }

        public ImmutableArray<HeldLock> Out { get; }
    }

    /// <summary>Collects, during a loop's silent walk, what its continues, breaks and end hold.</summary>
    private sealed class LoopProbe
    {
        private readonly LockRegionWalker _walker;
        private readonly ImmutableArray<IOperation> _bodyStatements;
        private readonly List<HeldLock> _next = new();
        private readonly List<HeldLock> _out = new();

        public LoopProbe(ILoopOperation loop, LockRegionWalker walker)
        {
            Loop = loop;
            _walker = walker;
            _bodyStatements = loop.Body is IBlockOperation block ? block.Operations : default;
        }

        public ILoopOperation Loop { get; }

        public LoopExits Exits => _next.Count == 0 && _out.Count == 0 ? LoopExits.None : new LoopExits(_next.ToImmutableArray(), _out.ToImmutableArray());

        public bool IsBodyEnd(ImmutableArray<IOperation> statements) => !_bodyStatements.IsDefault && statements == _bodyStatements;

        /// <summary>
        /// Keeps the manual locks of <paramref name="held"/> taken in the loop's body that <paramref name="branch"/> (null:
        /// the body's end) carries round again (<paramref name="next"/>) or out of the loop. A branch to another loop's or
        /// a switch's label is not this loop's; a lock a finally between the branch and the loop releases is not carried.
        /// </summary>
        public void Record(ImmutableStack<HeldLock> held, bool next, IBranchOperation? branch)
        {
            if (branch is not null && !next && !SymbolEqualityComparer.Default.Equals(branch.Target, Loop.ExitLabel))
            {
                return;
            }

            var into = next ? _next : _out;
            foreach (var lockHeld in held)
            {
                if (lockHeld.Kind is not null && LockOperations.IsWithin(lockHeld.Site, Loop.Body) && !into.Exists(known => known.Site == lockHeld.Site) &&
                    (branch is null || !_walker.ReleasedByFinallyBetween(branch, Loop.Body, lockHeld.Target)))
                {
                    into.Add(lockHeld);
                }
            }
        }
    }

    /// <summary>Whether a finally of a try between <paramref name="branch"/> and <paramref name="root"/> releases <paramref name="target"/>.</summary>
    private bool ReleasedByFinallyBetween(IOperation branch, IOperation root, IOperation target)
    {
        for (var current = branch; current != root && current.Parent is { } parent; current = parent)
        {
            if (parent is ITryOperation { Finally: { } release } && release != current && ReleasesOnEveryPath(release, target))
            {
                return true;
            }
        }

        return false;
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
