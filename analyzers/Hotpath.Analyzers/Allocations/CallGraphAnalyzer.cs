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
        OperationKind.Loop, OperationKind.DeconstructionAssignment, OperationKind.Using, OperationKind.UsingDeclaration, OperationKind.Await);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.AllocatingCallee);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override Summaries? CreateState(KnownTypes types) => new(types);

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, Summaries summaries)
    {
        var (callee, written) = Callee(operation, summaries);
        var length = LengthCallee(operation, summaries);
        var implicitCallees = ImplicitCallees(operation, summaries, context.CancellationToken);
        if ((callee is null && written is null && length is null && implicitCallees.IsEmpty) || summaries.IsReportedAtTheCall(operation))
        {
            return;
        }

        // A compound write also runs the setter, a range, an index from the end or a list pattern also reads the
        // length, a foreach calls the enumerator's members: the first callee that allocates is reported.
        var finding = callee is null ? null : summaries.FindAllocation(callee, context.CancellationToken);
        if (finding is null && written is not null)
        {
            callee = written;
            finding = summaries.FindAllocation(callee, context.CancellationToken);
        }

        if (finding is null && length is not null)
        {
            callee = length;
            finding = summaries.FindAllocation(callee, context.CancellationToken);
        }

        for (var i = 0; finding is null && i < implicitCallees.Length; i++)
        {
            callee = implicitCallees[i];
            finding = summaries.FindAllocation(callee, context.CancellationToken);
        }

        if (finding is null || callee is null || CodeContext.Of(operation).IsCold)
        {
            return;
        }

        var location = operation switch
        {
            IForEachLoopOperation loop => loop.Collection.Syntax.GetLocation(),
            IUsingOperation @using => @using.Resources.Syntax.GetLocation(),
            IUsingDeclarationOperation { DeclarationGroup.Declarations: { Length: > 0 } declarations } => declarations[0].Syntax.GetLocation(),
            _ => operation.Syntax.GetLocation(),
        };
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AllocatingCallee, location, MethodNames.Display(callee), finding));
    }

    /// <summary>
    /// The methods of ours a <c>foreach</c> calls without naming them (its enumerator's <c>GetEnumerator</c>,
    /// <c>MoveNext</c>, <c>Current</c> and <c>Dispose</c>), the <c>Deconstruct</c> a deconstruction calls, the
    /// <c>Dispose</c> (<c>DisposeAsync</c>) a <c>using</c> calls on its resources, the <c>GetAwaiter</c>,
    /// <c>IsCompleted</c> and <c>GetResult</c> an <c>await</c> calls, and the known target of a delegate invoked.
    /// </summary>
    private static ImmutableArray<IMethodSymbol> ImplicitCallees(IOperation operation, Summaries summaries, CancellationToken cancellationToken)
    {
        if (operation.SemanticModel is not { } model)
        {
            return ImmutableArray<IMethodSymbol>.Empty;
        }

        switch (operation)
        {
            case IForEachLoopOperation { Syntax: CommonForEachStatementSyntax statement }:
                var info = model.GetForEachStatementInfo(statement);
                return Analyzable(summaries, info.GetEnumeratorMethod, info.MoveNextMethod, info.CurrentProperty?.GetMethod, info.DisposeMethod);
            case IDeconstructionAssignmentOperation { Syntax: AssignmentExpressionSyntax assignment }:
                cancellationToken.ThrowIfCancellationRequested();
                return model.GetDeconstructionInfo(assignment).Method is { } deconstruct && summaries.AsAnalyzable(deconstruct) is { } ours
                    ? ImmutableArray.Create(ours)
                    : ImmutableArray<IMethodSymbol>.Empty;
            case IUsingOperation @using:
                return summaries.DisposeCallees(@using.Resources, @using.IsAsynchronous);
            case IUsingDeclarationOperation declaration:
                return summaries.DisposeCallees(declaration.DeclarationGroup, declaration.IsAsynchronous);
            case IAwaitOperation { Syntax: AwaitExpressionSyntax awaitSyntax }:
                var awaitInfo = model.GetAwaitExpressionInfo(awaitSyntax);
                return Analyzable(summaries, awaitInfo.GetAwaiterMethod, awaitInfo.IsCompletedProperty?.GetMethod, awaitInfo.GetResultMethod);
            case IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: { } instance }:
                return summaries.DelegateTarget(instance, cancellationToken) is { } target && summaries.AsAnalyzable(target) is { } followed
                    ? ImmutableArray.Create(followed)
                    : ImmutableArray<IMethodSymbol>.Empty;
            default:
                return ImmutableArray<IMethodSymbol>.Empty;
        }
    }

    /// <summary>Those of <paramref name="methods"/> that are there and ours to follow.</summary>
    private static ImmutableArray<IMethodSymbol> Analyzable(Summaries summaries, params IMethodSymbol?[] methods)
    {
        var analyzable = ImmutableArray.CreateBuilder<IMethodSymbol>();
        foreach (var method in methods)
        {
            if (method is not null && summaries.AsAnalyzable(method) is { } ours)
            {
                analyzable.Add(ours);
            }
        }

        return analyzable.ToImmutable();
    }

    /// <summary>
    /// The Length or Count getter a range or an index from the end (<c>rope[1..]</c>, <c>rope[^1]</c>) or a list
    /// pattern (<c>rope is [var first, ..]</c>) of a user type reads, when it is ours to follow.
    /// </summary>
    private static IMethodSymbol? LengthCallee(IOperation operation, Summaries summaries)
    {
        var length = operation switch
        {
            IImplicitIndexerReferenceOperation range => range.LengthSymbol,
            IListPatternOperation list => list.LengthSymbol,
            _ => null,
        };
        return length is IPropertySymbol { GetMethod: { } getter } ? summaries.AsAnalyzable(getter) : null;
    }

    /// <summary>
    /// The same-compilation, non-hot methods with a body that the operation calls (second only for a read and write):
    /// a method, a property's or indexer's accessors (<see cref="CalledMethods.Accessors"/>: the getter, the setter
    /// where it is assigned, both under <c>+=</c>, <c>??=</c>, <c>++</c>), a constructor, a user-defined operator or
    /// conversion, the Slice of a range (<c>rope[1..]</c>) or of a designated list-pattern slice
    /// (<c>rope is [_, .. var rest]</c>), the indexer of an index from the end (<c>rope[^1]</c>).
    /// </summary>
    private static (IMethodSymbol? First, IMethodSymbol? Second) Callee(IOperation operation, Summaries summaries)
    {
        var (first, second) = operation switch
        {
            IInvocationOperation invocation => (invocation.TargetMethod, null),
            IPropertyReferenceOperation property => CalledMethods.Accessors(property, property.Property),
            IObjectCreationOperation creation => (creation.Constructor, null),
            IBinaryOperation binary => (binary.OperatorMethod, null),
            IUnaryOperation unary => (unary.OperatorMethod, null),
            IConversionOperation conversion => (conversion.OperatorMethod, null),
            IIncrementOrDecrementOperation step => (step.OperatorMethod, null),
            ICompoundAssignmentOperation compound => (compound.OperatorMethod, null),
            IImplicitIndexerReferenceOperation { IndexerSymbol: IMethodSymbol slice } => (slice, null),
            IImplicitIndexerReferenceOperation { IndexerSymbol: IPropertySymbol indexer } implicitIndexer => CalledMethods.Accessors(implicitIndexer, indexer),
            ISlicePatternOperation { SliceSymbol: IMethodSymbol slice } pattern when ArrayAllocationAnalyzer.IsDesignatedSlice(pattern) => (slice, null),
            // 'tape is [var first, ..]' reads its indexer (and length, see LengthCallee) for each element subpattern.
            IListPatternOperation { IndexerSymbol: IPropertySymbol indexer } list when list.Patterns.Any(static p => p is not (ISlicePatternOperation or IDiscardPatternOperation)) =>
                (indexer.GetMethod, null),
            _ => ((IMethodSymbol?)null, (IMethodSymbol?)null),
        };

        return (first is null ? null : summaries.AsAnalyzable(first), second is null ? null : summaries.AsAnalyzable(second));
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
        /// The <c>Dispose</c> (<c>DisposeAsync</c> for <c>await using</c>) of ours that a using calls on each resource: the
        /// resource type's implementation of <c>IDisposable.Dispose</c>, or a ref struct's own <c>Dispose()</c>. Through a
        /// resource of an interface type it is the interface's method, not followed (the struct was boxed where it was
        /// converted to it).
        /// </summary>
        public ImmutableArray<IMethodSymbol> DisposeCallees(IOperation resources, bool isAsynchronous)
        {
            var types = new List<ITypeSymbol>();
            if (resources is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        types.Add(declarator.Symbol.Type);
                    }
                }
            }
            else if (resources.Type is { } type)
            {
                types.Add(type);
            }

            var interfaceName = isAsynchronous ? "System.IAsyncDisposable" : "System.IDisposable";
            var methodName = isAsynchronous ? "DisposeAsync" : "Dispose";
            var callees = ImmutableArray.CreateBuilder<IMethodSymbol>();
            foreach (var type in types.Distinct<ITypeSymbol>(SymbolEqualityComparer.Default))
            {
                IMethodSymbol? dispose = null;
                if (type.TypeKind != TypeKind.Interface && _types.Compilation.GetTypeByMetadataName(interfaceName)?.GetMembers(methodName).FirstOrDefault() is IMethodSymbol member)
                {
                    dispose = type.FindImplementationForInterfaceMember(member) as IMethodSymbol;
                }

                if (dispose is null && type.IsRefLikeType)
                {
                    dispose = type.GetMembers(methodName).OfType<IMethodSymbol>().FirstOrDefault(static m => !m.IsStatic && m.Parameters.All(static p => p.IsOptional || p.IsParams));
                }

                if (dispose is not null && AsAnalyzable(dispose) is { } ours)
                {
                    callees.Add(ours);
                }
            }

            return callees.ToImmutable();
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
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                if (syntax is PropertyDeclarationSyntax { ExpressionBody: { } arrow })
                {
                    syntax = arrow; // an expression-bodied property's getter
                }

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
                    if (first is null && Allocation(operation) is { } found && !CodeContext.Of(operation).IsCold)
                    {
                        var line = operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        first = found + " in '" + MethodNames.Display(method) + "' line " + line;
                    }

                    // A slow path handed back (HOT109's recommended split) is not followed: its state machine is the caller's choice.
                    var (callee, written) = Callee(operation, this);
                    if (callee is not null && !SymbolEqualityComparer.Default.Equals(callee, method)
                        && !(operation is IInvocationOperation call && StateMachineAnalyzer.IsChosenSlowPath(call, _stateMachines)))
                    {
                        callees.Add(callee);
                    }

                    if (written is not null && !SymbolEqualityComparer.Default.Equals(written, method))
                    {
                        callees.Add(written);
                    }

                    if (LengthCallee(operation, this) is { } length && !SymbolEqualityComparer.Default.Equals(length, method))
                    {
                        callees.Add(length);
                    }

                    foreach (var implicitCallee in ImplicitCallees(operation, this, cancellationToken))
                    {
                        if (!SymbolEqualityComparer.Default.Equals(implicitCallee, method))
                        {
                            callees.Add(implicitCallee);
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
                case IConversionOperation or IPatternOperation or IIsTypeOperation:
                    return Boxed(operation);
                case IDelegateCreationOperation creation:
                    if (ClosureAnalyzer.Describe(operation, out var descriptor, out var what, out var captured, out _) is null
                        || (descriptor == DiagnosticDescriptors.DelegateAllocation && creation.Target is IAnonymousFunctionOperation && creation.Syntax is not ObjectCreationExpressionSyntax))
                    {
                        return null; // a non-capturing lambda is cached by the compiler
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
                        ? "foreach over '" + collection + "' (" + enumerator + ")" : null, "HOT108");
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
