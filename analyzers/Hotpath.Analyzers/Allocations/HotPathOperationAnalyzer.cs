using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// Shared plumbing of the HOT1xx analyzers. Per compilation: resolve well-known types once (and stop at once
/// when Hotpath.dll is not referenced). Per operation block: decide once whether the owning member is hot
/// and only then subscribe to the operation kinds the rule needs, so cold code costs one attribute lookup
/// per member. A <c>[HotPath]</c> lambda or local function inside a cold member is analysed by walking its
/// own operations.
/// </summary>
internal abstract class HotPathOperationAnalyzer<TState> : DiagnosticAnalyzer
    where TState : class
{
    private static readonly ImmutableArray<OperationKind> FunctionKinds =
        ImmutableArray.Create(OperationKind.LocalFunction, OperationKind.AnonymousFunction);

    /// <summary>The operation kinds <see cref="Analyze"/> handles.</summary>
    protected abstract ImmutableArray<OperationKind> OperationKinds { get; }

    /// <summary>Per-compilation state, or <see langword="null"/> to switch the analyzer off for this compilation.</summary>
    protected abstract TState? CreateState(KnownTypes types);

    /// <summary>Analyses one operation known to be in hot code (cold paths are still the rule's to check).</summary>
    protected abstract void Analyze(in OperationAnalysisContext context, IOperation operation, TState state);

    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Get(start.Compilation);
            if (types.Scope is not { } scope || CreateState(types) is not { } state)
            {
                return;
            }

            var kinds = OperationKinds;
            start.RegisterOperationBlockStartAction(block =>
            {
                if (scope.IsHot(block.OwningSymbol))
                {
                    block.RegisterOperationAction(c => Analyze(c, c.Operation, state), kinds);
                }
            });

            start.RegisterOperationAction(c => AnalyzeMarkedFunction(c, scope, kinds, state), FunctionKinds);
        });
    }

    private void AnalyzeMarkedFunction(OperationAnalysisContext context, HotPathScope scope, ImmutableArray<OperationKind> kinds, TState state)
    {
        if (FunctionSymbol(context.Operation) is not { } function || !scope.HasAttribute(function) || scope.IsHot(context.ContainingSymbol))
        {
            return; // unmarked, or already covered by the hot member's block
        }

        for (var parent = context.Operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (FunctionSymbol(parent) is { } outer && scope.HasAttribute(outer))
            {
                return; // the outermost marked function walks this one too
            }
        }

        foreach (var operation in context.Operation.DescendantsAndSelf())
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (kinds.Contains(operation.Kind))
            {
                Analyze(context, operation, state);
            }
        }
    }

    private static IMethodSymbol? FunctionSymbol(IOperation operation) => operation switch
    {
        ILocalFunctionOperation local => local.Symbol,
        IAnonymousFunctionOperation lambda => lambda.Symbol,
        _ => null,
    };
}
