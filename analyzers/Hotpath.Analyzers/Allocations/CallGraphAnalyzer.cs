using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT111 (suggestion): a hot-path call into a method of the same compilation that is not hot and allocates,
/// directly or through its own calls. Each method's direct summary (its first allocation and its callees) is
/// computed at most once per compilation, on demand, only for methods reachable from hot code; the
/// transitive answer is what a breadth-first search over those summaries finds, so recursion terminates and the
/// allocation reported is the one nearest the hot call. The search is not repeated per call: each method's
/// distance to the nearest allocation is computed once, and the answer walks down those distances, so the
/// whole analysis is linear in the size of the call graph. Hot callees stop the search: their own allocations
/// are reported where they are. Calls that HOT109 or HOT110 already report (an async method or iterator of
/// ours, a method of ours named like a table entry) are not reported again. Virtual and interface calls
/// follow the statically bound method only.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class CallGraphAnalyzer : HotPathOperationAnalyzer<CallGraphAnalyzer.Summaries>
{
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
        OperationKind.Invocation, OperationKind.PropertyReference, OperationKind.ObjectCreation,
        OperationKind.Binary, OperationKind.Unary, OperationKind.Conversion, OperationKind.Increment, OperationKind.Decrement,
        OperationKind.CompoundAssignment, OperationKind.ImplicitIndexerReference, OperationKind.SlicePattern, OperationKind.ListPattern,
        OperationKind.Loop, OperationKind.DeconstructionAssignment, OperationKind.Using, OperationKind.UsingDeclaration, OperationKind.Await,
        OperationKind.EventAssignment, OperationKind.With);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.AllocatingCallee);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override Summaries? CreateState(KnownTypes types) => new(types);

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, Summaries summaries)
    {
        var callees = new List<IMethodSymbol>();
        Callees(operation, summaries, callees, context.CancellationToken);
        if (callees.Count == 0 || summaries.IsReportedAtTheCall(operation))
        {
            return;
        }

        // A compound write also runs the setter, a range, an index from the end or a list pattern also reads the
        // length, a foreach calls the enumerator's members: the first callee that allocates is reported.
        IMethodSymbol? callee = null;
        string? finding = null;
        for (var i = 0; finding is null && i < callees.Count; i++)
        {
            callee = callees[i];
            finding = summaries.FindAllocation(callee, context.CancellationToken);
        }

        if (finding is null || callee is null || CodeContext.Of(operation).IsCold)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AllocatingCallee, CalledMethods.Site(operation).GetLocation(), MethodNames.Display(callee), finding));
    }

    /// <summary>
    /// Adds to <paramref name="callees"/> the same-compilation, non-hot methods with a body that the operation runs,
    /// in the order a finding is looked for: those <see cref="CalledMethods.Add"/> names (shared with HOT207: a method,
    /// accessors, a constructor, an operator or conversion, and the calls the compiler writes for a range, a list
    /// pattern, a foreach, a deconstruction, a using, an await, a with), and the known target of a delegate invoked.
    /// </summary>
    private static void Callees(IOperation operation, Summaries summaries, List<IMethodSymbol> callees, CancellationToken cancellationToken)
    {
        var start = callees.Count;
        CalledMethods.Add(operation, callees, cancellationToken);
        if (operation is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: { } instance } &&
            summaries.DelegateTarget(instance, cancellationToken) is { } target)
        {
            callees.Add(target);
        }

        var kept = start;
        for (var i = start; i < callees.Count; i++)
        {
            if (summaries.AsAnalyzable(callees[i]) is { } ours)
            {
                callees[kept++] = ours;
            }
        }

        callees.RemoveRange(kept, callees.Count - kept);
    }

    /// <summary>Per-compilation allocation summaries, computed lazily and at most once per method.</summary>
    internal sealed class Summaries
    {
        private const int Unreachable = int.MaxValue;

        private readonly KnownTypes _types;
        private readonly HotPathScope _scope;
        private readonly StateMachineAnalyzer.State _stateMachines;
        private readonly ConcurrentDictionary<IMethodSymbol, DirectSummary> _direct = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, Answer> _transitive = new(SymbolEqualityComparer.Default);
        private readonly SourceMethods _sources;
        private readonly DelegateTargets _targets;

        // Closed methods: their distance in calls to the nearest allocation, final once written (under _closing).
        private readonly ConcurrentDictionary<IMethodSymbol, int> _distance = new(SymbolEqualityComparer.Default);
        private readonly object _closing = new();

        public Summaries(KnownTypes types)
        {
            _types = types;
            _sources = new SourceMethods(types.Compilation);
            _targets = new DelegateTargets(types.Compilation);
            _scope = types.Scope!;
            _stateMachines = new StateMachineAnalyzer.State(types);
        }

        /// <summary>The method to summarise, or <see langword="null"/> when it is hot, not ours or has no body.</summary>
        public IMethodSymbol? AsAnalyzable(IMethodSymbol method)
        {
            // A lambda is followed only as a delegate's known target; one in hot code is hot itself.
            return _sources.Definition(method) is { MethodKind: not MethodKind.LocalFunction } definition && !_scope.IsHot(definition)
                ? definition
                : null;
        }

        /// <summary>
        /// The method a delegate runs when its target is known where it is invoked (<see cref="DelegateTargets"/>, shared
        /// with HOT207): the method of a method group, or the lambda. Null otherwise (a parameter, a settable field, a
        /// local written again, a delegate built elsewhere).
        /// </summary>
        public IMethodSymbol? DelegateTarget(IOperation instance, CancellationToken cancellationToken) => _targets.Of(instance, cancellationToken) switch
        {
            IMethodReferenceOperation reference => reference.Method,
            IAnonymousFunctionOperation lambda => lambda.Symbol,
            _ => null,
        };

        /// <summary>
        /// Whether the call itself is already reported for what the callee allocates: HOT109 (calling an async
        /// method or iterator allocates its state machine) or HOT110 (a method whose name is in the table, such as
        /// a <c>ToArray</c> of ours, or the constructor of a type derived from a table type, <c>new MyRegex()</c>).
        /// HOT111 would repeat that finding on the same call.
        /// </summary>
        public bool IsReportedAtTheCall(IOperation operation) =>
            (operation is IInvocationOperation invocation && StateMachineAnalyzer.DescribeCall(invocation, _stateMachines) is not null)
            || (operation is IForEachLoopOperation loop && LinqAndEnumerationAnalyzer.DescribeEnumeration(loop, out _) is not null)
            || AllocatingApiAnalyzer.Describe(operation, _types.Apis) is not null;

        /// <summary>"what (rule) in 'Type.Method' line N", with the call chain when it is indirect; or null.</summary>
        public string? FindAllocation(IMethodSymbol root, CancellationToken cancellationToken) =>
            _transitive.GetOrAdd(root, m => Search(m, cancellationToken)).Finding;

        /// <summary>
        /// The allocation a breadth-first search from <paramref name="root"/> finds first (callees in call order,
        /// recursion not entered twice), and the path to it. Rather than searching again from every hot call, which
        /// costs the reachable graph per call, it walks down the shared distances: from each method, the first
        /// callee that is one call nearer to an allocation. That is the same path: a breadth-first search reaches
        /// the nodes of each depth in the lexicographic order of their first shortest paths.
        /// </summary>
        private Answer Search(IMethodSymbol root, CancellationToken cancellationToken)
        {
            Close(root, cancellationToken);
            var distance = _distance[root];
            if (distance == Unreachable)
            {
                return Answer.None;
            }

            var path = new List<IMethodSymbol>();
            for (var method = root; ; distance--)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var direct = _direct[method];
                if (direct.FirstAllocation is { } allocation)
                {
                    return new Answer(allocation + Chain(path));
                }

                foreach (var callee in direct.Callees)
                {
                    if (_distance[callee] == distance - 1)
                    {
                        method = callee;
                        break;
                    }
                }

                path.Add(method);
            }
        }

        /// <summary>
        /// Summarises every method reachable from <paramref name="root"/> through methods that do not allocate,
        /// and records for each its distance in calls to the nearest allocation (<see cref="Unreachable"/> when
        /// none), so each method is searched through at most once per compilation.
        /// </summary>
        private void Close(IMethodSymbol root, CancellationToken cancellationToken)
        {
            // The methods not closed yet (summarised outside the lock: summaries are computed concurrently).
            var found = new List<IMethodSymbol>();
            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var stack = new Stack<IMethodSymbol>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var method = stack.Pop();
                if (_distance.ContainsKey(method) || !seen.Add(method))
                {
                    continue;
                }

                found.Add(method);
                var direct = _direct.GetOrAdd(method, m => Summarise(m, cancellationToken));
                if (direct.FirstAllocation is null)
                {
                    foreach (var callee in direct.Callees)
                    {
                        stack.Push(callee);
                    }
                }
            }

            if (found.Count == 0)
            {
                return;
            }

            // Their distances: a breadth-first search backwards from the allocations, also entered from the callees
            // closed before (whose distances are final). Found and closed methods together include every callee of
            // a found method that does not allocate, so the distances are exact.
            lock (_closing)
            {
                var distances = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
                foreach (var method in found)
                {
                    if (!_distance.ContainsKey(method))
                    {
                        distances[method] = Unreachable; // (another thread may have closed some meanwhile)
                    }
                }

                var callers = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
                var levels = new List<List<IMethodSymbol>>();
                foreach (var method in found)
                {
                    if (!distances.ContainsKey(method))
                    {
                        continue;
                    }

                    var direct = _direct[method];
                    var distance = Unreachable;
                    if (direct.FirstAllocation is not null)
                    {
                        distance = 0;
                    }
                    else
                    {
                        foreach (var callee in direct.Callees)
                        {
                            if (_distance.TryGetValue(callee, out var closed))
                            {
                                distance = closed == Unreachable ? distance : Math.Min(distance, closed + 1);
                            }
                            else
                            {
                                if (!callers.TryGetValue(callee, out var list))
                                {
                                    callers[callee] = list = new List<IMethodSymbol>();
                                }

                                list.Add(method);
                            }
                        }
                    }

                    distances[method] = distance;
                    Enter(levels, distance, method);
                }

                for (var level = 0; level < levels.Count; level++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach (var method in levels[level])
                    {
                        if (distances[method] != level || !callers.TryGetValue(method, out var list))
                        {
                            continue; // entered again at a shorter distance
                        }

                        foreach (var caller in list)
                        {
                            if (distances[caller] > level + 1)
                            {
                                distances[caller] = level + 1;
                                Enter(levels, level + 1, caller);
                            }
                        }
                    }
                }

                foreach (var pair in distances)
                {
                    _distance[pair.Key] = pair.Value;
                }
            }
        }

        private static void Enter(List<List<IMethodSymbol>> levels, int distance, IMethodSymbol method)
        {
            if (distance == Unreachable)
            {
                return;
            }

            while (levels.Count <= distance)
            {
                levels.Add(new List<IMethodSymbol>());
            }

            levels[distance].Add(method);
        }

        private static string Chain(List<IMethodSymbol> path)
        {
            if (path.Count == 0)
            {
                return string.Empty;
            }

            var names = new string[path.Count];
            for (var i = 0; i < path.Count; i++)
            {
                names[i] = "'" + MethodNames.Display(path[i]) + "'";
            }

            return " (through " + string.Join(" -> ", names) + ")";
        }

        private DirectSummary Summarise(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var kind = _stateMachines.Kind(method);
            if (kind != StateMachineAnalyzer.StateMachineKind.None)
            {
                return new DirectSummary((kind == StateMachineAnalyzer.StateMachineKind.Async ? "its async state machine" : "its iterator state machine")
                    + " (HOT109) in '" + MethodNames.Display(method) + "'", ImmutableArray<IMethodSymbol>.Empty);
            }

            string? first = null;
            var callees = ImmutableArray.CreateBuilder<IMethodSymbol>();
            var called = new List<IMethodSymbol>();
            foreach (var syntax in SourceMethods.Bodies(method, cancellationToken))
            {
                // The callee lives in another member (often another tree); the driver caches semantic models.
#pragma warning disable RS1030
                var model = _types.Compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
                if (model.GetOperation(syntax, cancellationToken) is not { } body)
                {
                    continue;
                }

                foreach (var operation in body.Descendants())
                {
                    if (first is null && Allocation(operation) is { } found
                        && (!CodeContext.Of(operation).IsCold || ClosureAnalyzer.AllocatesBeforeColdRegion(operation)))
                    {
                        var line = operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        first = found + " in '" + MethodNames.Display(method) + "' line " + line;
                    }

                    // A slow path handed back (HOT109's recommended split) is not followed: its state machine is the caller's choice.
                    if (operation is IInvocationOperation call && StateMachineAnalyzer.IsChosenSlowPath(call, _stateMachines))
                    {
                        continue;
                    }

                    called.Clear();
                    Callees(operation, this, called, cancellationToken);
                    if (called.Count > 0 && CodeContext.Of(operation).IsCold)
                    {
                        continue; // a call in a throw, a catch or a Debug.Assert runs on the failure path, as its allocations do
                    }

                    foreach (var callee in called)
                    {
                        if (!SymbolEqualityComparer.Default.Equals(callee, method))
                        {
                            callees.Add(callee);
                        }
                    }
                }
            }

            return new DirectSummary(first, callees.ToImmutable());
        }

        /// <summary>The same classification the HOT101–HOT110 analyzers use, as "what (rule)".</summary>
        private string? Allocation(IOperation operation)
        {
            switch (operation)
            {
                case IObjectCreationOperation or IAnonymousObjectCreationOperation or ITypeParameterObjectCreationOperation or IWithOperation:
                    return With(ObjectAllocationAnalyzer.Describe(operation, _types), "HOT101")
                        ?? With(AllocatingApiAnalyzer.Describe(operation, _types.Apis) is { } constructor ? "'" + constructor.DisplayName + "'" : null, "HOT110");
                case IArrayCreationOperation or IRangeOperation or { Kind: ArrayAllocationAnalyzer.CollectionExpressionKind }:
                    return With(ArrayAllocationAnalyzer.Describe(operation, _types, out _), "HOT102");
                case IImplicitIndexerReferenceOperation range:
                    return With(AllocatingApiAnalyzer.Describe(range, _types.Apis) is { } rangeApi ? "'" + rangeApi.DisplayName + "'" : null, "HOT110");
                case ISlicePatternOperation slice:
                    return With(ArrayAllocationAnalyzer.Describe(slice, _types, out _), "HOT102")
                        ?? With(AllocatingApiAnalyzer.Describe(slice, _types.Apis) is { } sliceApi ? "'" + sliceApi.DisplayName + "'" : null, "HOT110");
                case IConversionOperation:
                    return With(ObjectAllocationAnalyzer.Describe(operation, _types), "HOT101") ?? Boxed(operation); // an expression tree, or a box
                case IPatternOperation or IIsTypeOperation:
                    return Boxed(operation);
                case IDelegateCreationOperation creation:
                    if (ClosureAnalyzer.Describe(operation, out var descriptor, out var what, out var captured, out _) is null
                        || (descriptor == DiagnosticDescriptors.DelegateAllocation && creation.Target is IAnonymousFunctionOperation))
                    {
                        return null; // a non-capturing lambda is cached by the compiler, also in new Func<int>(lambda)
                    }

                    return descriptor == DiagnosticDescriptors.Closure ? "a closure: the " + what + " captures " + captured + " (HOT104)" : what + " (HOT105)";
                case IEventAssignmentOperation:
                    return ClosureAnalyzer.Describe(operation, out _, out var subscription, out _, out _) is null ? null : subscription + " (HOT105)";
                case IBinaryOperation or ICompoundAssignmentOperation or IInterpolatedStringOperation:
                    return With(StringAnalyzer.Describe(operation, _types), "HOT106");
                case IInvocationOperation invocation:
                    return With(AllocatingApiAnalyzer.Describe(invocation, _types.Apis) is { } api ? "'" + api.DisplayName + "'" : null, "HOT110")
                        ?? With(LinqAndEnumerationAnalyzer.DescribeLinq(invocation, _types) is { } linq ? "LINQ '" + linq + "'" : null, "HOT107")
                        ?? With(StateMachineAnalyzer.DescribeHotCall(invocation, _stateMachines), "HOT109")
                        ?? Boxed(invocation); // a struct's non-overridden Equals/GetHashCode/ToString/GetType, a default interface method
                case IPropertyReferenceOperation property:
                    return Boxed(property); // a default interface property or indexer on a generic value
                case IForEachLoopOperation loop:
                    return With(LinqAndEnumerationAnalyzer.DescribeEnumeration(loop, out var collection) is { } enumerator
                        ? "foreach over '" + collection + "' (" + enumerator + ")" : null, "HOT108")
                        ?? Boxed(loop); // each element boxed to the iteration variable's type
                default:
                    return null;
            }
        }

        private static string? With(string? what, string rule) => what is null ? null : what + " (" + rule + ")";

        private static string? Boxed(IOperation operation) =>
            BoxingAnalyzer.Describe(operation, out var value, out var how) is null ? null : value + " boxed " + how + " (HOT103)";

        private sealed record DirectSummary(string? FirstAllocation, ImmutableArray<IMethodSymbol> Callees);

        private sealed class Answer
        {
            public static readonly Answer None = new(null);

            public Answer(string? finding) => Finding = finding;

            public string? Finding { get; }
        }
    }
}
