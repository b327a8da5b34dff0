using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// HOT210 (suggestion): any lock acquisition in <c>[HotPath]</c> code: <c>lock</c>, <c>Monitor.Enter</c>/<c>TryEnter</c>,
/// <c>SpinLock.Enter</c>, <c>SemaphoreSlim.Wait[Async]</c>,
/// <c>ReaderWriterLockSlim.Enter*Lock</c>. A lock inside a loop says so: it is taken on every iteration.
/// Hotness comes from <see cref="HotPathScope"/>; a lambda or local function marked itself counts on its own.
/// </summary>
/// <remarks>
/// A <see cref="System.Threading.Lock"/> is not reported (a trap in DESIGN.md): it is the lock the other lock
/// rules' fixes introduce when a lock has to stay, the cheapest the runtime has (no monitor, no sync block), so
/// a hot path that kept a lock on purpose and moved it to <c>Lock</c> is left alone.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HotPathLockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LockOnHotPath);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scope = HotPathScope.Create(start.Compilation);
            if (scope is null)
            {
                return; // Hotpath.dll not referenced: nothing is [HotPath]
            }

            var symbols = LockSymbols.Create(start.Compilation);
            start.RegisterOperationAction(c =>
            {
                if (!LockSymbols.Is(((ILockOperation)c.Operation).LockedValue.Type, symbols.Lock))
                {
                    Analyze(c, scope, "lock statement");
                }
            }, OperationKind.Lock);
            start.RegisterOperationAction(c =>
            {
                var invocation = (IInvocationOperation)c.Operation;
                if (LockSymbols.Is(invocation.TargetMethod.ContainingType, symbols.Lock))
                {
                    return; // System.Threading.Lock is DESIGN.md's trap: see the class remarks
                }

                if (LockOperations.TryGetAcquisition(invocation, symbols, out _))
                {
                    Analyze(c, scope, invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name);
                }
            }, OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, HotPathScope scope, string what)
    {
        ISymbol? function = null;
        var inLoop = false;
        for (var parent = context.Operation.Parent; parent is not null && function is null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation lambda:
                    function = lambda.Symbol;
                    break;
                case ILocalFunctionOperation localFunction:
                    function = localFunction.Symbol;
                    break;
                case ILoopOperation:
                    inLoop = true;
                    break;
            }
        }

        if (!scope.IsHot(function ?? context.ContainingSymbol))
        {
            return;
        }

        var detail = inLoop
            ? $" ({what} inside a loop: it is taken on every iteration; take it once outside the loop or partition the state)"
            : $" ({what}: contended threads queue here; consider Interlocked, thread-local or sharded state)";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LockOnHotPath, LockOperations.HeaderLocation(context.Operation), detail));
    }
}
