using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT109: declaring or calling an async method or an iterator on a hot path. Iterators allocate their state
/// machine class per call; async methods box their state machine (and allocate a Task) whenever an await
/// does not complete synchronously, which no analyzer can prove for a <c>ValueTask</c> method either.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class StateMachineAnalyzer : HotPathOperationAnalyzer<StateMachineAnalyzer.State>
{
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
        OperationKind.MethodBody, OperationKind.LocalFunction, OperationKind.AnonymousFunction, OperationKind.Invocation);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.StateMachine);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override State? CreateState(KnownTypes types) => new(types);

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, State state)
    {
        string? what;
        Location location;
        switch (operation)
        {
            case IMethodBodyOperation when context.ContainingSymbol is IMethodSymbol method:
                what = DescribeDeclaration(method, state);
                location = method.Locations.FirstOrDefault() ?? operation.Syntax.GetLocation();
                break;
            case ILocalFunctionOperation local:
                what = DescribeDeclaration(local.Symbol, state);
                location = local.Symbol.Locations.FirstOrDefault() ?? operation.Syntax.GetLocation();
                break;
            case IAnonymousFunctionOperation { Symbol.IsAsync: true } lambda:
                what = "The async lambda (its state machine is boxed, with a Task, whenever an await does not complete synchronously)";
                location = lambda.Syntax.GetLocation();
                break;
            case IInvocationOperation invocation:
                what = DescribeHotCall(invocation, state);
                location = operation.Syntax.GetLocation();
                break;
            default:
                return;
        }

        if (what is null)
        {
            return;
        }

        var where = CodeContext.Of(operation);
        if (!where.IsCold)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateMachine, location, what, where.LoopSuffix));
        }
    }

    /// <summary>What a call to an async method or iterator allocates, or <see langword="null"/> (shared with HOT111).</summary>
    internal static string? DescribeCall(IInvocationOperation invocation, State state)
    {
        var method = invocation.TargetMethod.OriginalDefinition;
        return state.Kind(method) switch
        {
            StateMachineKind.Async => "Calling the async method '" + method.Name + "'",
            StateMachineKind.Iterator => "Calling the iterator '" + method.Name + "'",
            _ => null,
        };
    }

    /// <summary>
    /// <see cref="DescribeCall"/>, except for an async call that is the slow path of a fast-path/slow-path split
    /// (the fix this rule's page recommends): its task is handed straight back by a non-async task-returning
    /// function that has another, non-async way to complete, so the state machine runs only when that function
    /// chose the slow path. Used by HOT109 and by HOT111's summaries.
    /// </summary>
    internal static string? DescribeHotCall(IInvocationOperation invocation, State state) =>
        DescribeCall(invocation, state) is { } what && !IsChosenSlowPath(invocation, state) ? what : null;

    /// <summary>Whether <paramref name="invocation"/> is an async call handed back as a slow path its caller chose.</summary>
    internal static bool IsChosenSlowPath(IInvocationOperation invocation, State state)
    {
        if (state.Kind(invocation.TargetMethod.OriginalDefinition) != StateMachineKind.Async)
        {
            return false;
        }

        // Up through what hands the value on unchanged, or picks it as one branch.
        IOperation current = invocation;
        while (current.Parent is { } parent && HandsOn(parent, current))
        {
            current = parent is ISwitchExpressionArmOperation ? parent.Parent! : parent;
        }

        if (current.Parent is not IReturnOperation { Kind: OperationKind.Return } handedBack
            || handedBack.ReturnedValue is not { Type: { } returned }
            || !IsTaskLike(returned)
            || handedBack.SemanticModel?.GetEnclosingSymbol(handedBack.Syntax.SpanStart) is not IMethodSymbol { IsAsync: false })
        {
            return false;
        }

        // The function's fast path: some value it returns that is not an async call.
        var function = handedBack.Parent;
        while (function is not (null or IAnonymousFunctionOperation or ILocalFunctionOperation) && function.Parent is not null)
        {
            function = function.Parent;
        }

        return function is not null && Returns(function).Any(r => r.ReturnedValue is { } value && Leaves(value).Any(l => !IsAsyncCall(l, state)));
    }

    private static bool HandsOn(IOperation parent, IOperation child) => parent switch
    {
        IConversionOperation or IParenthesizedOperation or ISwitchExpressionArmOperation => true,
        IConditionalOperation conditional => child != conditional.Condition,
        ICoalesceOperation coalesce => child == coalesce.WhenNull,
        _ => false,
    };

    /// <summary>The values <paramref name="value"/> may be, through conversions and branches.</summary>
    private static IEnumerable<IOperation> Leaves(IOperation value) => value switch
    {
        IConversionOperation conversion => Leaves(conversion.Operand),
        IParenthesizedOperation parenthesized => Leaves(parenthesized.Operand),
        IConditionalOperation { WhenFalse: { } whenFalse } conditional => Leaves(conditional.WhenTrue).Concat(Leaves(whenFalse)),
        ISwitchExpressionOperation switchExpression => switchExpression.Arms.SelectMany(a => Leaves(a.Value)),
        ICoalesceOperation coalesce => Leaves(coalesce.Value).Concat(Leaves(coalesce.WhenNull)),
        _ => new[] { value },
    };

    private static bool IsAsyncCall(IOperation leaf, State state) =>
        leaf is IInvocationOperation call && state.Kind(call.TargetMethod.OriginalDefinition) == StateMachineKind.Async;

    /// <summary>The return statements of <paramref name="function"/>, not of functions nested in it.</summary>
    private static IEnumerable<IReturnOperation> Returns(IOperation function)
    {
        var stack = new Stack<IOperation>(function.ChildOperations);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (operation is IReturnOperation { Kind: OperationKind.Return } found)
            {
                yield return found;
            }

            if (operation is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
            {
                foreach (var child in operation.ChildOperations)
                {
                    stack.Push(child);
                }
            }
        }
    }

    private static bool IsTaskLike(ITypeSymbol type) =>
        (type.Name is "Task" or "ValueTask" && type.ContainingNamespace is { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } })
        || type.GetAttributes().Any(a => a.AttributeClass is { Name: "AsyncMethodBuilderAttribute" });

    private static string? DescribeDeclaration(IMethodSymbol method, State state) => state.Kind(method) switch
    {
        // An async iterator (async IAsyncEnumerable<T>) has no Task: its state machine is the enumerable, made per call.
        StateMachineKind.Async when IsAsyncIteratorType(method.ReturnType) =>
            "The async iterator '" + method.Name + "' (its state machine class '<" + method.Name + ">d__' is allocated per call)",
        StateMachineKind.Async when IsValueTask(method.ReturnType) =>
            "The async ValueTask method '" + method.Name + "' (its state machine '<" + method.Name + ">d__' is boxed whenever an await does not complete synchronously, which cannot be proven)",
        StateMachineKind.Async =>
            "The async method '" + method.Name + "' (its state machine '<" + method.Name + ">d__' is boxed, with a Task, whenever an await does not complete synchronously)",
        StateMachineKind.Iterator =>
            "The iterator '" + method.Name + "' (its state machine class '<" + method.Name + ">d__' is allocated per call)",
        _ => null,
    };

    private static bool IsAsyncIteratorType(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "IAsyncEnumerable" or "IAsyncEnumerator", Arity: 1, ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace.Name: "System" } } };

    private static bool IsValueTask(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace.Name: "Threading" } };

    internal enum StateMachineKind
    {
        None,
        Async,
        Iterator,
    }

    /// <summary>Per-compilation cache of which methods are async or iterators (iterator detection reads syntax).</summary>
    internal sealed class State
    {
        private readonly KnownTypes _types;
        private readonly ConcurrentDictionary<IMethodSymbol, StateMachineKind> _kinds = new(SymbolEqualityComparer.Default);

        public State(KnownTypes types) => _types = types;

        public StateMachineKind Kind(IMethodSymbol method)
        {
            if (method.IsAsync)
            {
                return StateMachineKind.Async;
            }

            if (!MayBeIterator(method.ReturnType))
            {
                // Metadata methods carry [AsyncStateMachine] when built from async code (not in reference assemblies).
                return method.ReturnType.Name is "Task" or "ValueTask" && method.Locations.FirstOrDefault()?.IsInSource != true
                    ? FromAttributes(method)
                    : StateMachineKind.None;
            }

            return _kinds.GetOrAdd(method, m => m.Locations.FirstOrDefault()?.IsInSource == true ? FromSyntax(m) : FromAttributes(m));
        }

        private StateMachineKind FromAttributes(IMethodSymbol method)
        {
            foreach (var attribute in method.GetAttributes())
            {
                var type = attribute.AttributeClass;
                if (TypeNames.Is(type, "System.Runtime.CompilerServices.AsyncStateMachineAttribute"))
                {
                    return StateMachineKind.Async;
                }

                if (TypeNames.Is(type, "System.Runtime.CompilerServices.IteratorStateMachineAttribute")
                    || TypeNames.Is(type, "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute"))
                {
                    return StateMachineKind.Iterator;
                }
            }

            return StateMachineKind.None;
        }

        private static StateMachineKind FromSyntax(IMethodSymbol method)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                SyntaxNode? body = reference.GetSyntax() switch
                {
                    BaseMethodDeclarationSyntax declaration => (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody,
                    LocalFunctionStatementSyntax local => (SyntaxNode?)local.Body ?? local.ExpressionBody,
                    AccessorDeclarationSyntax accessor => (SyntaxNode?)accessor.Body ?? accessor.ExpressionBody,
                    _ => null,
                };

                // yield inside a nested lambda or local function belongs to that function.
                if (body is not null && body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                        .Any(n => n is YieldStatementSyntax))
                {
                    return StateMachineKind.Iterator;
                }
            }

            return StateMachineKind.None;
        }

        private bool MayBeIterator(ITypeSymbol returnType) => returnType.OriginalDefinition.SpecialType switch
        {
            SpecialType.System_Collections_IEnumerable or SpecialType.System_Collections_IEnumerator
                or SpecialType.System_Collections_Generic_IEnumerable_T or SpecialType.System_Collections_Generic_IEnumerator_T => true,
            _ => _types.IsAsyncEnumerable(returnType),
        };
    }
}
