using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// HOT207: blocking while holding a lock (<c>lock</c>, <c>Lock.EnterScope</c>, or a manual Monitor/Lock/SpinLock/
/// reader-writer acquisition): <c>Thread.Sleep</c>, <c>Task.Wait</c>, <c>.Result</c>,
/// <c>GetAwaiter().GetResult()</c>, wait handles and the other waiting primitives, <c>Parallel</c> loops,
/// <c>CancellationTokenRegistration.Dispose</c> (called, or by a using whose scope ends under the lock; and an awaited
/// <c>DisposeAsync</c> or an <c>await using</c> under a SemaphoreSlim held as an async lock),
/// <c>CancellationTokenSource.Cancel</c> (runs the callbacks), synchronous file and network I/O, console input and output, invoking a delegate or
/// raising an event (foreign code under the lock); and <c>await</c> between a manual thread-affine
/// acquisition and its exit. <c>Monitor.Wait</c> is not reported: it releases the lock while it waits.
/// A <c>SemaphoreSlim</c> counts as held in the async-lock shape (a wait, then a try whose finally releases it); an
/// <c>await</c> under it is fine (it is not thread-affine). A call under the lock
/// into a method of the same compilation (also a property, indexer or event accessor, a constructor, a user-defined
/// operator or conversion, and what a foreach, using, deconstruction, range, list pattern, with or await calls: the
/// calls HOT111 follows, one <see cref="CalledMethods"/>) that blocks, directly or through its own calls (at most
/// <see cref="BlockingCallees.MaxDepth"/> deep), is reported at the call; each method's own blocking operation and
/// callees are worked out once per compilation. A local holding one lambda or method group of the method, or a
/// readonly field written once from one, is judged by that body or method.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingUnderLockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BlockingUnderLock);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = LockSymbols.Create(start.Compilation);
            var callees = new BlockingCallees(start.Compilation, symbols);
            start.RegisterOperationBlockAction(c =>
            {
                var walker = new Walker(symbols, c.ReportDiagnostic, callees, c.CancellationToken);
                foreach (var block in c.OperationBlocks)
                {
                    if (!MayHoldLock(block))
                    {
                        continue; // cheap syntactic pre-check: most bodies never lock
                    }

                    walker.Walk(block, c.CancellationToken);
                }
            });
        });
    }

    private static bool MayHoldLock(IOperation block)
    {
        foreach (var node in block.Syntax.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.LockStatementSyntax:
                    return true;
                case Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name }
                    when name.StartsWith("Enter", StringComparison.Ordinal) || name.StartsWith("TryEnter", StringComparison.Ordinal) ||
                        name is "Wait" or "WaitAsync":
                    return true;
            }
        }

        return false;
    }

    private sealed class Walker : LockRegionWalker
    {
        // CancellationTokenRegistration.Dispose waits for a callback that is running on another thread (Unregister does not).
        private const string RegistrationDispose = "CancellationTokenRegistration.Dispose";
        private const string RegistrationWaits = "(waits for a callback already running)";
        private const string RegistrationWhy = "a callback that takes the same lock deadlocks with it; call Unregister() under the lock, or dispose after releasing it";

        private readonly Action<Diagnostic> _report;
        private readonly BlockingCallees? _callees;
        private readonly CancellationToken _cancellationToken;
        private readonly List<IMethodSymbol> _called = new();

        // Each held semaphore's async-lock region (null: none), by the wait that acquired it: worked out once per wait,
        // not again for every operation under it.
        private Dictionary<IOperation, ITryOperation?>? _semaphoreRegions;

        public Walker(LockSymbols symbols, Action<Diagnostic> report, BlockingCallees? callees, CancellationToken cancellationToken)
            : base(symbols)
        {
            _report = report;
            _callees = callees;
            _cancellationToken = cancellationToken;
        }

        protected override void OnAcquire(IOperation target, IOperation site, ImmutableStack<HeldLock> held)
        {
        }

        protected override void OnOperation(IOperation operation, ImmutableStack<HeldLock> held)
        {
            if (!HoldsBlockingLock(operation is IUsingOperation or IUsingDeclarationOperation ? HeldWhenDisposed(operation, held) : held, operation, out var manual))
            {
                return;
            }

            var (what, why) = Classify(operation, manual);
            if (what is null && _callees is not null)
            {
                _called.Clear();
                CalledMethods.Add(operation, _called, _cancellationToken);
                for (var i = 0; what is null && i < _called.Count; i++)
                {
                    (what, why) = CallBlocks(_called[i]);
                }
            }

            if (what is not null)
            {
                _report(Diagnostic.Create(DiagnosticDescriptors.BlockingUnderLock, ReportedSyntax(operation).GetLocation(), what, why));
            }
        }

        /// <summary>"Calling 'C.M' (what blocks in it)" and why, when <paramref name="called"/> is ours and blocks; nulls otherwise.</summary>
        private (string? What, string? Why) CallBlocks(IMethodSymbol called) =>
            _callees?.Followed(called) is { } callee && _callees.FindBlocking(callee, _cancellationToken) is { } found
                ? ($"Calling '{MethodNames.Display(callee)}' ({found.What})", found.Why)
                : (null, null);

        /// <summary>
        /// `Changed?.Invoke(...)` is reported as a whole, not just its `.Invoke(...)` part; a foreach at its collection, a
        /// using at its resources (<see cref="CalledMethods.Site"/>).
        /// </summary>
        private static SyntaxNode ReportedSyntax(IOperation operation)
        {
            if (operation is IInvocationOperation { Instance: IConditionalAccessInstanceOperation })
            {
                for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
                {
                    if (parent is IConditionalAccessOperation access && access.WhenNotNull.Syntax.Span.Contains(operation.Syntax.Span))
                    {
                        return access.Syntax;
                    }
                }
            }

            return CalledMethods.Site(operation);
        }

        /// <summary>
        /// The locks still held where a using's Dispose runs: at the end of its body, or of the block a using declaration
        /// stands in. A <c>lock</c> or scope held at the using encloses that end. A manual acquisition held at the using,
        /// or taken after it in that body or block, is held there unless a release of it runs on every path to the end
        /// after it (<see cref="LockRegionWalker.ReleasesOnEveryPath"/>: a statement of the body or block, a nested
        /// block's, a lock or using statement's body, a try's finally, or both branches of an if/else; not one under an if
        /// alone, some sections of a switch only or a loop), and no statement before it can leave the scope without
        /// releasing it (a return, a throw, a break: the using is disposed on the way out). A lock statement, or a scope of
        /// a using, after the using is released before that end: a using declared later is disposed first.
        /// </summary>
        private IEnumerable<HeldLock> HeldWhenDisposed(IOperation @using, ImmutableStack<HeldLock> held)
        {
            ImmutableArray<IOperation> rest;
            switch (@using)
            {
                case IUsingOperation { Body: IBlockOperation body }:
                    rest = body.Operations;
                    break;
                case IUsingOperation { Body: var body }:
                    rest = ImmutableArray.Create(body);
                    break;
                case IUsingDeclarationOperation { Parent: IBlockOperation block } declaration:
                    var index = LockOperations.IndexIn(block, declaration);
                    rest = block.Operations.RemoveRange(0, index + 1);
                    break;
                default:
                    return held;
            }

            var atEnd = held.ToList();
            List<HeldLock>? leftHolding = null;
            foreach (var statement in rest)
            {
                // A lock statement's or a using's own lock or scope is released before that end, and its body is where a
                // release of an earlier lock would be.
                var releasing = statement switch
                {
                    ILockOperation { Body: var body } => body,
                    IUsingOperation { Body: var body } => body,
                    IUsingDeclarationOperation => null,
                    _ => statement,
                };

                // A statement that can leave the scope (a return, a throw, a break) without releasing disposes the using on
                // the way out with the lock held, whatever releases it after that statement.
                foreach (var item in atEnd)
                {
                    if (releasing is not null && item.Kind is not (null or LockKind.Semaphore) && !(leftHolding?.Contains(item) ?? false) &&
                        MayLeaveWithoutReleasing(releasing, item.Target))
                    {
                        (leftHolding ??= new List<HeldLock>()).Add(item);
                    }
                }

                // The latest acquisition of that object is the one released (a Monitor entered twice is held until exited twice);
                // a statement that enters it again and exits (a try-acquire and its finally) leaves the earlier one held.
                var released = releasing is null ? -1 : atEnd.FindLastIndex(item => item.Kind is not (null or LockKind.Semaphore) &&
                    ReleasesOnEveryPath(releasing, item.Target) && !IsAcquiredIn(releasing, item.Target));
                if (released >= 0)
                {
                    atEnd.RemoveAt(released);
                }

                if (releasing != statement)
                {
                    continue;
                }

                foreach (var operation in LockOperations.DescendantsInSameFunction(statement))
                {
                    if (operation is IInvocationOperation invocation && LockOperations.TryGetAcquisition(invocation, Symbols, out var acquisition) &&
                        acquisition.Kind != LockKind.Semaphore && !ReleasesIn(statement, acquisition.Target))
                    {
                        atEnd.Add(new HeldLock(acquisition.Target, acquisition.Kind, invocation));
                    }
                }
            }

            return leftHolding is null ? atEnd : atEnd.Union(leftHolding);
        }

        private bool HoldsBlockingLock(IEnumerable<HeldLock> held, IOperation operation, out bool manualThreadAffine)
        {
            var any = false;
            manualThreadAffine = false;
            foreach (var item in held)
            {
                if (item.Kind == LockKind.Semaphore)
                {
                    // Not thread-affine (an await under it is fine), and a lock only in the async-lock shape.
                    any |= SemaphoreHeldAt(item, operation);
                    continue;
                }

                any = true;
                manualThreadAffine |= item.Kind is not null;
            }

            return any;
        }

        /// <summary>Whether a SemaphoreSlim wait holds a lock where <paramref name="operation"/> runs (see <see cref="SemaphoreRegion"/>).</summary>
        private bool SemaphoreHeldAt(HeldLock semaphore, IOperation operation)
        {
            _semaphoreRegions ??= new Dictionary<IOperation, ITryOperation?>();
            if (!_semaphoreRegions.TryGetValue(semaphore.Site, out var region))
            {
                _semaphoreRegions.Add(semaphore.Site, region = SemaphoreRegion(semaphore));
            }

            return region is not null && region.Syntax.Span.Contains(operation.Syntax.Span);
        }

        /// <summary>
        /// The try in which a SemaphoreSlim wait holds a lock, or null: only in the shape of an async lock, a try whose
        /// finally releases the same semaphore, entered by <c>Wait()</c>/<c>await WaitAsync()</c> as the statement just
        /// before it or inside its body, or by a try-acquire (<c>Wait(0)</c>, <c>WaitAsync(0)</c>,
        /// a timeout) only where it returned true: the try in <c>if (sem.Wait(0)) { try … }</c>, or the try just after
        /// <c>if (!sem.Wait(0)) return;</c>. A semaphore waited on as a signal, or a try-acquire whose result is kept
        /// for later, is not treated as held.
        /// </summary>
        private ITryOperation? SemaphoreRegion(HeldLock semaphore)
        {
            if (semaphore.Site is not IInvocationOperation wait || !LockOperations.TryGetAcquisition(wait, Symbols, out var acquisition) ||
                LockOperations.ContainingStatement(wait, out var block) is not { } statement || block is null)
            {
                return null;
            }

            var index = LockOperations.IndexIn(block, statement);
            var next = index + 1 < block.Operations.Length ? block.Operations[index + 1] as ITryOperation : null;
            ITryOperation? region = null;
            if (!acquisition.ReturnsSuccess)
            {
                if (statement is IExpressionStatementOperation)
                {
                    region = next ?? (block.Parent is ITryOperation enclosing && enclosing.Body == block ? enclosing : null);
                }
            }
            else if (statement is IConditionalOperation { WhenFalse: null } test && test.Condition.Syntax.Span.Contains(wait.Syntax.Span))
            {
                if (LockRegionWalker.IsNegated(wait, test.Condition))
                {
                    region = EndsInJump(test.WhenTrue) ? next : null;
                }
                else
                {
                    region = FirstTry(test.WhenTrue);
                }
            }
            else if (StoredIn(statement, wait) is { } flag && index + 1 < block.Operations.Length &&
                block.Operations[index + 1] is IConditionalOperation guard && LockOperations.FlagOf(guard.Condition) is { } tested &&
                SymbolEqualityComparer.Default.Equals(tested.Local, flag))
            {
                // var got = sem.Wait(10); then if (!got) return; (or continue) and the try after it, or if (got) { try … }.
                region = tested.Negated
                    ? (guard.WhenFalse is null && EndsInJump(guard.WhenTrue) && index + 2 < block.Operations.Length ? block.Operations[index + 2] as ITryOperation : null)
                    : FirstTry(guard.WhenTrue);
            }

            return region is { Finally: { } release } && ReleasesIn(release, acquisition.Target, LockKind.Semaphore) ? region : null;
        }

        private static ITryOperation? FirstTry(IOperation branch) =>
            branch as ITryOperation ?? (branch is IBlockOperation { Operations.Length: > 0 } body ? body.Operations[0] as ITryOperation : null);

        /// <summary>The local <paramref name="statement"/> stores <paramref name="wait"/>'s result in (<c>var got = sem.Wait(10);</c>, <c>got = sem.Wait(10);</c>), or null.</summary>
        private static ILocalSymbol? StoredIn(IOperation statement, IOperation wait) => statement switch
        {
            IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
                when group.Declarations[0].Declarators.Length == 1 && group.Declarations[0].Declarators[0] is { Initializer.Value: var value } declarator &&
                    IsResultOf(value, wait) => declarator.Symbol,
            IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var local }, Value: var value } }
                when IsResultOf(value, wait) => local,
            _ => null,
        };

        // The wait's own result, or the awaited result of a WaitAsync (var got = await sem.WaitAsync(10);).
        private static bool IsResultOf(IOperation value, IOperation wait) =>
            LockOperations.WithoutConversions(value) is var result &&
            (result == wait || (result is IAwaitOperation { Operation: var awaited } && awaited.Syntax.Span.Contains(wait.Syntax.Span)));

        /// <summary>What in <paramref name="operation"/> blocks and why that matters under a lock; nulls when nothing does.</summary>
        internal (string? What, string? Why) Classify(IOperation operation, bool manualThreadAffine)
        {
            const string Waiters = "every thread waiting for the lock waits too";
            switch (operation)
            {
                case IAwaitOperation when manualThreadAffine:
                    return ("'await'", "the continuation may run on another thread, which cannot exit a thread-affine lock, and the lock stays held across the wait");
                case IPropertyReferenceOperation { Property.Name: "Result", Instance: { Type: var taskType } task }
                    when LockSymbols.Is(taskType, Symbols.TaskOfT) || LockSymbols.Is(taskType, Symbols.ValueTaskOfT):
                    return Completes(operation, task) ? (null, null) : ("Task.Result", Waiters);
                case IInvocationOperation invocation:
                    return ClassifyCall(invocation, Waiters);
                case IUsingOperation { Resources: var resources } @using when DisposesRegistration(resources):
                    return RegistrationUsing(@using.IsAsynchronous);
                case IUsingDeclarationOperation { DeclarationGroup: var group } declaration when DisposesRegistration(group):
                    return RegistrationUsing(declaration.IsAsynchronous);
                default:
                    return (null, null);
            }
        }

        /// <summary>A using that disposes a registration where the lock is held (an await using: under a SemaphoreSlim held as an async lock, the only lock an await may stand in).</summary>
        private static (string What, string Why) RegistrationUsing(bool isAsynchronous) => isAsynchronous
            ? (RegistrationDispose + "Async at the end of the await using " + RegistrationWaits, RegistrationWhy)
            : (RegistrationDispose + " at the end of the using " + RegistrationWaits, RegistrationWhy);

        /// <summary>Whether a using's resources include a <c>CancellationTokenRegistration</c> (declared, or an expression).</summary>
        private bool DisposesRegistration(IOperation resources)
        {
            if (resources is IVariableDeclarationGroupOperation or IVariableDeclarationOperation)
            {
                foreach (var operation in resources.DescendantsAndSelf())
                {
                    if (operation is IVariableDeclaratorOperation { Symbol.Type: var type } && LockSymbols.Is(type, Symbols.CancellationTokenRegistration))
                    {
                        return true;
                    }
                }

                return false;
            }

            return LockSymbols.Is(LockOperations.WithoutConversions(resources).Type, Symbols.CancellationTokenRegistration);
        }

        /// <summary>Whether <paramref name="call"/>'s result is awaited where it is made: <c>await x</c> or <c>await x.ConfigureAwait(…)</c>.</summary>
        private static bool IsAwaited(IOperation call)
        {
            var parent = call.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && configured.Instance is not null &&
                LockOperations.WithoutConversions(configured.Instance) == call)
            {
                parent = configured.Parent;
            }

            return parent is IAwaitOperation;
        }

        private (string? What, string? Why) ClassifyCall(IInvocationOperation invocation, string waiters)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            var name = method.Name;
            if (method.MethodKind == MethodKind.DelegateInvoke && invocation.Instance is { } instance)
            {
                // `Changed?.Invoke(...)`: the receiver is the conditional access's operand.
                var receiver = LockOperations.Unwrap(instance);
                for (var parent = invocation.Parent; receiver is IConditionalAccessInstanceOperation && parent is not null; parent = parent.Parent)
                {
                    if (parent is IConditionalAccessOperation access)
                    {
                        receiver = LockOperations.Unwrap(access.Operation);
                    }
                }

                if (receiver is IEventReferenceOperation @event)
                {
                    return ($"Raising event '{@event.Event.Name}'", "its handlers are unknown code that may block or take other locks");
                }

                // A local assigned only where declared, or a readonly field assigned only once, from a lambda or a method
                // group: its target is known, judge it like a call of a local function or method.
                if (_callees is not null && _callees.Targets.Of(receiver, _cancellationToken) is { } target)
                {
                    var holder = receiver is ILocalReferenceOperation { Local: var local } ? local.Name : ((IFieldReferenceOperation)receiver).Field.Name;
                    switch (target)
                    {
                        case IAnonymousFunctionOperation { Symbol.IsAsync: true }:
                        case IMethodReferenceOperation { Method.IsAsync: true }:
                            return (null, null); // like an async method: not followed
                        case IAnonymousFunctionOperation lambda:
                            return _callees.FindBlocking(lambda, holder, _cancellationToken) is { } found
                                ? ($"Invoking '{holder}' ({found.What})", found.Why)
                                : (null, null);
                        case IMethodReferenceOperation { Method: var group } when _callees.Followed(group) is { } callee:
                            return _callees.FindBlocking(callee, _cancellationToken) is { } inCallee
                                ? ($"Invoking '{holder}' ({inCallee.What})", inCallee.Why)
                                : (null, null);
                    }
                }

                return ($"Invoking delegate '{receiver.Syntax}'", "it is unknown code that may block or take other locks");
            }

            // Awaited, DisposeAsync waits for a running callback as Dispose does (a callback that waits for the semaphore
            // held here never completes, nor does the await); not awaited, it waits for nothing here.
            if (name is "Dispose" or "DisposeAsync" && method.Parameters.IsEmpty && invocation.Instance is { } disposed &&
                LockSymbols.Is(LockOperations.WithoutConversions(disposed).Type, Symbols.CancellationTokenRegistration) &&
                (name == "Dispose" || IsAwaited(invocation)))
            {
                return ("CancellationTokenRegistration." + name + " " + RegistrationWaits, RegistrationWhy);
            }

            // Cancel runs the token's callbacks on this thread before it returns (CancelAsync elsewhere, CancelAfter from a timer).
            if (name == "Cancel" && LockSymbols.InheritsFrom(type, Symbols.CancellationTokenSource))
            {
                return ("CancellationTokenSource.Cancel (runs the token's callbacks before it returns)", "they are unknown code that may block or take other locks");
            }

            if (LockSymbols.Is(type, Symbols.Thread) && name is "Sleep" or "Join")
            {
                return ($"Thread.{name}", waiters);
            }

            if ((LockSymbols.Is(type, Symbols.Task) || LockSymbols.Is(type, Symbols.TaskOfT)) && name is "Wait" or "WaitAll" or "WaitAny")
            {
                // Waiting on a task known to be complete returns at once: WaitAll when every listed task is, WaitAny when one is.
                var returnsAtOnce = name switch
                {
                    "Wait" => invocation.Instance is { } waited && Completes(invocation, waited),
                    _ => ListedTasks(invocation) is { } tasks &&
                        (name == "WaitAll" ? tasks.All(task => Completes(invocation, task)) : tasks.Any(task => Completes(invocation, task))),
                };
                return returnsAtOnce ? (null, null) : ($"Task.{name}", waiters);
            }

            if (name == "GetResult" && method.Parameters.Length == 0 && type.Name.EndsWith("Awaiter", StringComparison.Ordinal) &&
                type.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices")
            {
                return AwaitedTask(invocation) is { } awaited && Completes(invocation, awaited)
                    ? (null, null)
                    : ("GetAwaiter().GetResult()", waiters);
            }

            // A zero timeout only polls (`WaitOne(0)`, `Wait(TimeSpan.Zero)`): it returns at once.
            if (LockSymbols.InheritsFrom(type, Symbols.WaitHandle) && name.StartsWith("Wait", StringComparison.Ordinal))
            {
                return LockOperations.HasZeroTimeout(invocation, Symbols) ? (null, null) : ($"WaitHandle.{name}", waiters);
            }

            if (LockSymbols.Is(type, Symbols.SemaphoreSlim) && name == "Wait")
            {
                return LockOperations.HasZeroTimeout(invocation, Symbols) ? (null, null) : ("SemaphoreSlim.Wait", waiters);
            }

            if (WaitingPrimitive(invocation, type, name) is { } primitive)
            {
                return (primitive, waiters);
            }

            // Before the async exclusion: the console's writers finish their *Async writes before returning the task.
            if (ConsoleIo(invocation, type, name) is { } console)
            {
                return (console, waiters);
            }

            if (name.EndsWith("Async", StringComparison.Ordinal))
            {
                return (null, null);
            }

            if (LockSymbols.Is(type, Symbols.File))
            {
                return ($"Synchronous file I/O 'File.{name}'", waiters);
            }

            if (LockSymbols.InheritsFrom(type, Symbols.Stream) && name is "Read" or "Write" or "Flush" or "CopyTo" or "ReadByte" or "WriteByte" or "ReadExactly" or "ReadAtLeast" &&
                !IsInMemoryStream(invocation.Instance?.Type))
            {
                return ($"Synchronous I/O '{invocation.Instance?.Type?.Name ?? type.Name}.{name}'", waiters);
            }

            if ((LockSymbols.InheritsFrom(type, Symbols.StreamReader) || LockSymbols.InheritsFrom(type, Symbols.StreamWriter)) &&
                (name.StartsWith("Read", StringComparison.Ordinal) || name.StartsWith("Write", StringComparison.Ordinal) || name is "Flush" or "Peek"))
            {
                return ($"Synchronous I/O '{type.Name}.{name}'", waiters);
            }

            if ((LockSymbols.Is(type, Symbols.Socket) && (name.StartsWith("Send", StringComparison.Ordinal) || name.StartsWith("Receive", StringComparison.Ordinal) || name is "Connect" or "Accept" or "Disconnect")) ||
                (LockSymbols.Is(type, Symbols.TcpClient) && name == "Connect") ||
                (LockSymbols.Is(type, Symbols.Dns) && name.StartsWith("GetHost", StringComparison.Ordinal)) ||
                (LockSymbols.InheritsFrom(type, Symbols.HttpClient) && name == "Send") ||
                (LockSymbols.InheritsFrom(type, Symbols.WebClient) && (name.StartsWith("Download", StringComparison.Ordinal) || name.StartsWith("Upload", StringComparison.Ordinal) || name.StartsWith("Open", StringComparison.Ordinal))))
            {
                return ($"Synchronous network I/O '{type.Name}.{name}'", waiters);
            }

            return (null, null);
        }

        /// <summary>
        /// The name of a wait on a primitive that is not a wait handle, or null: <c>ManualResetEventSlim.Wait</c>,
        /// <c>CountdownEvent.Wait</c>, <c>Barrier.SignalAndWait</c>, <c>SpinWait.SpinUntil</c>,
        /// <c>BlockingCollection&lt;T&gt;.Take</c>/<c>TakeFromAny</c> (and <c>TryTake</c>/<c>TryTakeFromAny</c> given a
        /// timeout), and <c>Parallel.For</c>/<c>ForEach</c>/<c>Invoke</c>, which wait for their workers. A zero timeout
        /// only polls and is not a wait.
        /// </summary>
        private string? WaitingPrimitive(IInvocationOperation invocation, INamedTypeSymbol type, string name)
        {
            var (space, timeoutRequired) = (type.Name, name) switch
            {
                ("ManualResetEventSlim", "Wait") or ("CountdownEvent", "Wait") or ("Barrier", "SignalAndWait") or ("SpinWait", "SpinUntil") =>
                    ("System.Threading", false),
                ("BlockingCollection", "Take" or "TakeFromAny") => ("System.Collections.Concurrent", false),
                ("BlockingCollection", "TryTake" or "TryTakeFromAny") => ("System.Collections.Concurrent", true),
                ("Parallel", "For" or "ForEach" or "Invoke") => ("System.Threading.Tasks", false),
                _ => (null, false),
            };
            if (space is null || type.ContainingNamespace?.ToDisplayString() != space)
            {
                return null;
            }

            if (type.Name == "Parallel")
            {
                return type.Name + "." + name + " (waits for its workers)"; // no timeout: an int argument is a loop bound
            }

            if (LockOperations.HasZeroTimeout(invocation, Symbols))
            {
                return null;
            }

            if (timeoutRequired && !invocation.TargetMethod.Parameters.Any(static p => p.Name == "millisecondsTimeout" || p.Type.Name == "TimeSpan"))
            {
                return null; // TryTake(out item) without a timeout returns at once
            }

            return type.Name + "." + name;
        }

        /// <summary>
        /// What a call does on the console, or null: waits for input (<c>Console.ReadLine</c>/<c>Read</c>/<c>ReadKey</c>,
        /// <c>Console.In.Read*</c>/<c>Peek</c>), or writes synchronously (<c>Console.Write</c>/<c>WriteLine</c>,
        /// <c>Console.Out</c>/<c>Console.Error</c> <c>Write*</c>/<c>Flush</c>), which blocks while a redirected pipe is
        /// full or the terminal is slow. The console's writers are <c>TextWriter.Synchronized</c> ones, whose
        /// <c>WriteAsync</c>/<c>WriteLineAsync</c>/<c>FlushAsync</c> write before they return the task: those block too.
        /// </summary>
        private string? ConsoleIo(IInvocationOperation invocation, INamedTypeSymbol type, string name)
        {
            if (LockSymbols.Is(type, Symbols.Console))
            {
                return name switch
                {
                    "ReadLine" or "Read" or "ReadKey" => $"Console.{name} (waits for input)",
                    "Write" or "WriteLine" => $"Synchronous console output 'Console.{name}'",
                    _ => null,
                };
            }

            if (invocation.Instance is not { } instance ||
                LockOperations.Unwrap(instance) is not IPropertyReferenceOperation { Property: { IsStatic: true, Name: var stream } property } ||
                !LockSymbols.Is(property.ContainingType, Symbols.Console))
            {
                return null;
            }

            return stream switch
            {
                "In" when (name.StartsWith("Read", StringComparison.Ordinal) && !name.EndsWith("Async", StringComparison.Ordinal)) || name == "Peek" =>
                    $"Console.In.{name} (waits for input)",
                "Out" or "Error" when name.StartsWith("Write", StringComparison.Ordinal) || name is "Flush" or "FlushAsync" => $"Synchronous console output 'Console.{stream}.{name}'",
                _ => null,
            };
        }

        /// <summary>The task of <c>task.GetAwaiter().GetResult()</c> (also through <c>ConfigureAwait(...)</c>).</summary>
        private static IOperation? AwaitedTask(IInvocationOperation getResult)
        {
            if (getResult.Instance is not IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaitable })
            {
                return null;
            }

            return awaitable is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } ? configured : awaitable;
        }

        /// <summary>
        /// Whether <paramref name="task"/> is known to be complete where <paramref name="operation"/> runs: a task
        /// tested for completion (<see cref="KnownCompleted"/>), <c>Task.WhenAll(…)</c> of tasks that all are, or
        /// <c>Task.WhenAny(…)</c> of tasks one of which is.
        /// </summary>
        private bool Completes(IOperation operation, IOperation task)
        {
            if (LockOperations.Unwrap(task) is IInvocationOperation { TargetMethod: { Name: "WhenAll" or "WhenAny", IsStatic: true } combinator } whenCall &&
                (LockSymbols.Is(combinator.ContainingType, Symbols.Task) || LockSymbols.Is(combinator.ContainingType, Symbols.TaskOfT)))
            {
                return ListedTasks(whenCall) is { } tasks &&
                    (combinator.Name == "WhenAll" ? tasks.All(listed => KnownCompleted(operation, listed)) : tasks.Any(listed => KnownCompleted(operation, listed)));
            }

            return KnownCompleted(operation, task);
        }

        /// <summary>
        /// The tasks written out in a call of <c>Task.WaitAll</c>, <c>WaitAny</c>, <c>WhenAll</c> or <c>WhenAny</c>
        /// (<c>Task.WaitAll(t, u)</c>, as a params array, a params span or <c>new[] { t, u }</c>); null when they come in
        /// an array or a sequence built elsewhere, which says nothing about which tasks they are.
        /// </summary>
        private static List<IOperation>? ListedTasks(IInvocationOperation call)
        {
            List<IOperation>? tasks = null;
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Type is not { } parameterType || parameterType.SpecialType == SpecialType.System_Int32 ||
                    parameterType.Name is "TimeSpan" or "CancellationToken")
                {
                    continue;
                }

                var value = LockOperations.Unwrap(argument.Value);
                if (value is IArrayCreationOperation { Initializer: { } initializer })
                {
                    (tasks ??= new()).AddRange(initializer.ElementValues);
                }
                else if (value.Kind.ToString() == "CollectionExpression")
                {
                    (tasks ??= new()).AddRange(value.ChildOperations); // a params span (matched by name: newer than the 4.8 compiler API)
                }
                else if (parameterType is IArrayTypeSymbol || parameterType.Name is "IEnumerable" or "ReadOnlySpan")
                {
                    return null; // an array or a sequence from elsewhere
                }
                else
                {
                    (tasks ??= new()).Add(value); // WhenAll(Task, Task) style overloads
                }
            }

            return tasks is { Count: > 0 } ? tasks : null;
        }

        /// <summary>
        /// Whether <paramref name="task"/> is known to be complete where <paramref name="operation"/> runs, so reading
        /// its result cannot block: it sits in the true branch of an if (or ?:) whose condition requires
        /// <c>task.IsCompleted</c> or <c>task.IsCompletedSuccessfully</c>, or after an
        /// <c>if (!task.IsCompleted) return;</c> (continue, break, throw) in an enclosing block.
        /// </summary>
        private static bool KnownCompleted(IOperation operation, IOperation task)
        {
            var child = operation;
            for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return false;
                    case IConditionalOperation conditional when child == conditional.WhenTrue && Requires(conditional.Condition, task, completed: true):
                        return !AssignedBetween(conditional.WhenTrue, conditional.Condition.Syntax.Span.End, operation.Syntax.SpanStart, task);
                    case IBlockOperation block:
                        var index = LockOperations.IndexIn(block, child);
                        for (var i = index - 1; i >= 0; i--)
                        {
                            if (block.Operations[i] is IConditionalOperation { WhenFalse: null } guard && EndsInJump(guard.WhenTrue) &&
                                Requires(guard.Condition, task, completed: false))
                            {
                                return !AssignedBetween(block, guard.Syntax.Span.End, operation.Syntax.SpanStart, task);
                            }
                        }

                        break;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether something in <paramref name="scope"/> between <paramref name="start"/> and <paramref name="end"/>
        /// assigns the task (<c>t = …</c>, a compound or deconstructing assignment, an <c>out</c> or <c>ref</c>
        /// argument): the completion test before it says nothing about the task read after it.
        /// </summary>
        private static bool AssignedBetween(IOperation scope, int start, int end, IOperation task) =>
            AssignedBetween(scope, start, end, task, calledLocalFunctions: null);

        // A call of a local function that assigns the task (`void Renew() => t = Other();`) assigns it there too.
        private static bool AssignedBetween(IOperation scope, int start, int end, IOperation task, HashSet<IMethodSymbol>? calledLocalFunctions)
        {
            foreach (var descendant in scope.Descendants())
            {
                if (descendant.Syntax.SpanStart < start || descendant.Syntax.SpanStart >= end)
                {
                    continue;
                }

                var assigned = descendant switch
                {
                    IAssignmentOperation { Target: ITupleOperation tuple } => tuple.Elements.Any(element => LockOperations.SameTarget(element, task)),
                    IAssignmentOperation assignment => LockOperations.SameTarget(assignment.Target, task),
                    IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument => LockOperations.SameTarget(argument.Value, task),
                    IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction } localFunction } call =>
                        LocalFunctionAssigns(call, localFunction.OriginalDefinition, task, calledLocalFunctions ??= new(SymbolEqualityComparer.Default)),
                    _ => false,
                };
                if (assigned)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether the body of the local function a call runs (or a local function it calls) assigns the task.</summary>
        private static bool LocalFunctionAssigns(IOperation call, IMethodSymbol localFunction, IOperation task, HashSet<IMethodSymbol> visited)
        {
            if (!visited.Add(localFunction))
            {
                return false;
            }

            var root = call;
            while (root.Parent is { } parent)
            {
                root = parent;
            }

            foreach (var descendant in root.Descendants())
            {
                if (descendant is ILocalFunctionOperation declared && SymbolEqualityComparer.Default.Equals(declared.Symbol, localFunction))
                {
                    return AssignedBetween(declared, 0, int.MaxValue, task, visited);
                }
            }

            return false;
        }

        /// <summary>
        /// With <paramref name="completed"/>: whether <paramref name="condition"/> is true only when the task is complete
        /// (<c>t.IsCompleted</c>, possibly among other <c>&amp;&amp;</c> terms); without: whether it is true whenever the task
        /// is not complete (<c>!t.IsCompleted</c>, possibly among other <c>||</c> terms).
        /// </summary>
        private static bool Requires(IOperation condition, IOperation task, bool completed)
        {
            condition = LockOperations.Unwrap(condition);
            if (condition is IBinaryOperation { OperatorKind: var kind } binary &&
                kind == (completed ? BinaryOperatorKind.ConditionalAnd : BinaryOperatorKind.ConditionalOr))
            {
                return Requires(binary.LeftOperand, task, completed) || Requires(binary.RightOperand, task, completed);
            }

            return Implies(condition, task, completed);
        }

        /// <summary>
        /// Whether <paramref name="condition"/> having the value <paramref name="value"/> proves the task complete:
        /// <c>t.IsCompleted</c> / <c>t.IsCompletedSuccessfully</c> (also <c>== true</c>, <c>is true</c>, negated),
        /// <c>t is { IsCompleted: true }</c>, or <c>t.Status == TaskStatus.RanToCompletion</c> (<c>Canceled</c>,
        /// <c>Faulted</c>; also <c>is</c>, and <c>!=</c> when false).
        /// </summary>
        private static bool Implies(IOperation condition, IOperation task, bool value)
        {
            condition = LockOperations.Unwrap(condition);
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return Implies(not.Operand, task, !value);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                    when binary.RightOperand.ConstantValue is { HasValue: true, Value: bool constant }:
                    return Implies(binary.LeftOperand, task, (binary.OperatorKind == BinaryOperatorKind.Equals) == (constant == value));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary when IsStatusOf(binary.LeftOperand, task):
                    return IsFinalStatus(binary.RightOperand) && (binary.OperatorKind == BinaryOperatorKind.Equals) == value;
                case IIsPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: bool constant } } } isConstant:
                    return Implies(isConstant.Value, task, constant == value);
                case IIsPatternOperation { Pattern: IConstantPatternOperation { Value: var status } } isStatus when IsStatusOf(isStatus.Value, task):
                    return value && IsFinalStatus(status);
                case IIsPatternOperation { Pattern: IRecursivePatternOperation recursive } isRecursive when value && LockOperations.SameTarget(isRecursive.Value, task):
                    return recursive.PropertySubpatterns.Any(static property =>
                        property.Member is IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" } &&
                        property.Pattern is IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: true } });
                default:
                    return value && IsCompletedTest(condition, task);
            }
        }

        private static bool IsStatusOf(IOperation operation, IOperation task) =>
            LockOperations.Unwrap(operation) is IPropertyReferenceOperation { Property.Name: "Status", Instance: { } instance } &&
            LockOperations.SameTarget(instance, task);

        // TaskStatus.RanToCompletion = 5, Canceled = 6, Faulted = 7: the states a completed task is in.
        private static bool IsFinalStatus(IOperation status) =>
            LockOperations.Unwrap(status).ConstantValue is { HasValue: true, Value: int value } && value is 5 or 6 or 7;

        private static bool IsCompletedTest(IOperation operation, IOperation task) =>
            LockOperations.Unwrap(operation) is IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully", Instance: { } instance } &&
            LockOperations.SameTarget(instance, task);

        private static bool EndsInJump(IOperation operation)
        {
            while (operation is IBlockOperation { Operations.Length: > 0 } block)
            {
                operation = block.Operations[block.Operations.Length - 1];
            }

            return operation is IReturnOperation or IThrowOperation or IBranchOperation ||
                operation is IExpressionStatementOperation { Operation: IThrowOperation };
        }

        private bool IsInMemoryStream(ITypeSymbol? type) =>
            LockSymbols.InheritsFrom(type, Symbols.MemoryStream) || LockSymbols.InheritsFrom(type, Symbols.UnmanagedMemoryStream);
    }
    /// <summary>
    /// HOT207 through calls, with HOT111's reach: a method or local function of the same compilation (not generated
    /// code, not async, not an iterator, not a lambda) blocks when its own body does (outside its lambdas and local
    /// functions, by the same classification, so an IsCompleted test in it still counts) or a method it calls does,
    /// at most <see cref="MaxDepth"/> calls down. Delegates and events invoked in a callee are not followed. Each
    /// method's own summary and its answer are computed once per compilation.
    /// </summary>
    internal sealed class BlockingCallees
    {
        /// <summary>How many calls deep from the call under the lock the search goes.</summary>
        public const int MaxDepth = 4;

        private readonly Compilation _compilation;
        private readonly Walker _classifier;
        private readonly ConcurrentDictionary<IMethodSymbol, Summary> _direct = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, Finding?> _found = new(SymbolEqualityComparer.Default);
        private readonly SourceMethods _sources;

        public BlockingCallees(Compilation compilation, LockSymbols symbols)
        {
            _compilation = compilation;
            _sources = new SourceMethods(compilation);
            Targets = new DelegateTargets(compilation);
            _classifier = new Walker(symbols, static _ => { }, callees: null, CancellationToken.None);
        }

        /// <summary>The known targets of the delegates invoked (shared with HOT111).</summary>
        public DelegateTargets Targets { get; }

        /// <summary>The method a call runs, when it is one of ours to follow; null otherwise.</summary>
        public IMethodSymbol? Followed(IMethodSymbol method)
        {
            return _sources.Definition(method) is { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.DelegateInvoke), IsAsync: false } definition
                ? definition
                : null;
        }

        /// <summary>What blocks in <paramref name="callee"/> or the methods it calls (nearest first), or null.</summary>
        public Finding? FindBlocking(IMethodSymbol callee, CancellationToken cancellationToken)
        {
            if (_found.TryGetValue(callee, out var known))
            {
                return known;
            }

            var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { callee };
            var level = new List<(IMethodSymbol Method, ImmutableList<IMethodSymbol> Path)> { (callee, ImmutableList<IMethodSymbol>.Empty) };
            return _found.GetOrAdd(callee, Search(level, 1, visited, cancellationToken));
        }

        /// <summary>
        /// What blocks in the body of a lambda invoked under the lock (held by the local <paramref name="name"/>) or in
        /// the methods it calls, the lambda counting as the first call down; null when nothing does.
        /// </summary>
        public Finding? FindBlocking(IAnonymousFunctionOperation lambda, string name, CancellationToken cancellationToken)
        {
            var summary = SummariseBody(lambda.Body, lambda.Symbol, cancellationToken);
            if (summary.What is not null)
            {
                return new Finding(summary.What + " in the lambda assigned to '" + name + "' line " + summary.Line, summary.Why!);
            }

            var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var level = new List<(IMethodSymbol Method, ImmutableList<IMethodSymbol> Path)>();
            foreach (var inner in summary.Callees)
            {
                if (visited.Add(inner))
                {
                    level.Add((inner, ImmutableList.Create(inner)));
                }
            }

            return Search(level, 2, visited, cancellationToken);
        }

        // Breadth first, so the blocking call reported is the nearest one; each path remembers how it got there.
        private Finding? Search(List<(IMethodSymbol Method, ImmutableList<IMethodSymbol> Path)> level, int firstDepth, HashSet<IMethodSymbol> visited, CancellationToken cancellationToken)
        {
            Finding? found = null;
            for (var depth = firstDepth; found is null && level.Count > 0 && depth <= MaxDepth; depth++)
            {
                var next = new List<(IMethodSymbol, ImmutableList<IMethodSymbol>)>();
                foreach (var (method, path) in level)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var summary = _direct.GetOrAdd(method, m => Summarise(m, cancellationToken));
                    if (summary.What is not null)
                    {
                        var through = path.IsEmpty ? "" : ", through " + string.Join(" -> ", path.Select(static m => "'" + MethodNames.Display(m) + "'"));
                        found = new Finding(summary.What + " in '" + MethodNames.Display(method) + "' line " + summary.Line + through, summary.Why!);
                        break;
                    }

                    foreach (var inner in summary.Callees)
                    {
                        if (visited.Add(inner))
                        {
                            next.Add((inner, path.Add(inner)));
                        }
                    }
                }

                level = next;
            }

            return found;
        }

        private Summary Summarise(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var callees = ImmutableArray.CreateBuilder<IMethodSymbol>();
            foreach (var syntax in SourceMethods.Bodies(method, cancellationToken))
            {
                // An iterator runs its body as it is enumerated, not when called. Only its own body decides: a yield in
                // a local function declared in it makes that local function an iterator, not the method.
                if (syntax.DescendantNodes(node => node == syntax || node is not (Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax))
                    .Any(static n => n is Microsoft.CodeAnalysis.CSharp.Syntax.YieldStatementSyntax))
                {
                    return Summary.None;
                }

                // The callee lives in another member (often another tree); the driver caches semantic models.
#pragma warning disable RS1030
                var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
                if (model.GetOperation(syntax, cancellationToken) is not { } body)
                {
                    continue;
                }

                var work = new Stack<IOperation>();
                if (body is ILocalFunctionOperation localFunction)
                {
                    // A local function called: its own body runs (the local functions declared in it only when called).
                    foreach (var part in localFunction.ChildOperations)
                    {
                        work.Push(part);
                    }
                }
                else
                {
                    work.Push(body);
                }

                if (Scan(work, method, callees, cancellationToken) is { } blocking)
                {
                    return blocking;
                }
            }

            return new Summary(null, null, 0, callees.ToImmutable());
        }

        /// <summary>The summary of a lambda's body, as <see cref="Summarise"/> makes one of a method's.</summary>
        private Summary SummariseBody(IOperation body, IMethodSymbol self, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var callees = ImmutableArray.CreateBuilder<IMethodSymbol>();
            var work = new Stack<IOperation>();
            work.Push(body);
            return Scan(work, self, callees, cancellationToken) ?? new Summary(null, null, 0, callees.ToImmutable());
        }

        /// <summary>
        /// Goes through what runs in the queued operations (not their lambdas and local functions): the first blocking
        /// operation's summary, or null after adding the methods of ours called to <paramref name="callees"/>.
        /// </summary>
        private Summary? Scan(Stack<IOperation> work, IMethodSymbol self, ImmutableArray<IMethodSymbol>.Builder callees, CancellationToken cancellationToken)
        {
            var called = new List<IMethodSymbol>();
            while (work.Count > 0)
            {
                var operation = work.Pop();
                if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    continue; // runs later, if at all
                }

                if (operation is not IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } &&
                    _classifier.Classify(operation, manualThreadAffine: false) is ({ } what, { } why))
                {
                    return new Summary(what, why, operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1, ImmutableArray<IMethodSymbol>.Empty);
                }

                called.Clear();
                CalledMethods.Add(operation, called, cancellationToken);
                foreach (var method in called)
                {
                    if (Followed(method) is { } callee && !SymbolEqualityComparer.Default.Equals(callee, self))
                    {
                        callees.Add(callee);
                    }
                }

                var children = operation.ChildOperations.ToList();
                for (var i = children.Count - 1; i >= 0; i--)
                {
                    work.Push(children[i]);
                }
            }

            return null;
        }

        /// <summary>What blocks, where (and through which calls), and why that matters under a lock.</summary>
        public sealed class Finding
        {
            public Finding(string what, string why)
            {
                What = what;
                Why = why;
            }

            public string What { get; }

            public string Why { get; }
        }

        /// <summary>A method's own first blocking operation (its line), or the methods of ours it calls.</summary>
        private sealed class Summary
        {
            public static readonly Summary None = new(null, null, 0, ImmutableArray<IMethodSymbol>.Empty);

            public Summary(string? what, string? why, int line, ImmutableArray<IMethodSymbol> callees)
            {
                What = what;
                Why = why;
                Line = line;
                Callees = callees;
            }

            public string? What { get; }

            public string? Why { get; }

            public int Line { get; }

            public ImmutableArray<IMethodSymbol> Callees { get; }
        }
    }
}
