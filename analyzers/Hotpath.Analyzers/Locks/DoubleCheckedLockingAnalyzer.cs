using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// HOT209: double-checked locking whose unlocked check reads a field that is not <c>volatile</c> and not read
/// with <c>Volatile.Read</c> (or an <c>Interlocked</c> call). The pattern: a check of field F outside a
/// <c>lock</c> (an enclosing <c>if</c>, or an earlier guard clause <c>if (F != null) return F;</c>), then
/// inside the lock a second check of F and an assignment to F. Without acquire semantics on the first read,
/// another thread may see F published before the object's fields are written.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DoubleCheckedLockingAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DoubleCheckedLocking);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = LockSymbols.Create(start.Compilation);
            start.RegisterOperationAction(c => Analyze(c, (ILockOperation)c.Operation, symbols), OperationKind.Lock);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ILockOperation lockOperation, LockSymbols symbols)
    {
        var outerCondition = FindOuterCheck(lockOperation);
        if (outerCondition is null)
        {
            return;
        }

        var reported = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        foreach (var checkedOperation in outerCondition.DescendantsAndSelf())
        {
            // `var handlers = _copied; if (handlers == null) { lock … }`: the plain read into the local is the unlocked check.
            var operation = checkedOperation is ILocalReferenceOperation local ? ReadInto(local.Local, outerCondition) : checkedOperation;
            if (operation is not IFieldReferenceOperation { Field: { IsVolatile: false, IsConst: false, IsReadOnly: false } field } read ||
                IsVolatileAccess(read, symbols) || !IsCheckedAndAssignedInside(lockOperation.Body, field) || !reported.Add(field))
            {
                continue;
            }

            // The `field` keyword reads a property's backing field (`<Name>k__BackingField`): name the property, and
            // advise what works for it (a property cannot be volatile).
            var (what, advice) = field.AssociatedSymbol is IPropertySymbol property
                ? ($"the backing field of property '{property.Name}'",
                   "a property cannot be volatile: read and write 'field' with Volatile.Read/Volatile.Write, or use Lazy<T> or LazyInitializer.EnsureInitialized")
                : ($"'{field.Name}'", "mark the field volatile or read it with Volatile.Read");
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleCheckedLocking, read.Syntax.GetLocation(), what, advice));
        }
    }

    /// <summary>The condition checked before the lock: an enclosing if, or an earlier guard clause in the same block.</summary>
    private static IOperation? FindOuterCheck(ILockOperation lockOperation)
    {
        IOperation child = lockOperation;
        for (var parent = lockOperation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when conditional.WhenTrue == child:
                    return conditional.Condition;
                case IBlockOperation block:
                    var index = LockOperations.IndexIn(block, child);
                    for (var i = index - 1; i >= 0; i--)
                    {
                        // `if (F != null) return F;` publishes F. A value-less `if (_disposed) return;` publishes
                        // nothing: a stale read only means taking the lock and checking again (Dispose pattern).
                        if (block.Operations[i] is IConditionalOperation { WhenFalse: null } guard &&
                            (guard.WhenTrue is IReturnOperation { ReturnedValue: not null } ||
                             guard.WhenTrue is IBlockOperation { Operations.Length: 1 } only && only.Operations[0] is IReturnOperation { ReturnedValue: not null }))
                        {
                            return guard.Condition;
                        }
                    }

                    break;
                case IAnonymousFunctionOperation or ILocalFunctionOperation or ILoopOperation:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The field read that <paramref name="local"/> holds at the unlocked check: the statement right before the <c>if</c>
    /// whose condition <paramref name="check"/> is declares it with a plain field read (<c>var handlers =
    /// _copiedHandlers;</c>). Null otherwise (only that statement is looked at, so each lock costs the same).
    /// </summary>
    private static IOperation? ReadInto(ILocalSymbol local, IOperation check)
    {
        if (check.Parent is not IConditionalOperation { Parent: IBlockOperation block } conditional ||
            LockOperations.IndexIn(block, conditional) is var index && index < 1 ||
            block.Operations[index - 1] is not IVariableDeclarationGroupOperation group)
        {
            return null;
        }

        foreach (var declaration in group.Declarations)
        {
            foreach (var declarator in declaration.Declarators)
            {
                if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    return (declarator.Initializer ?? declaration.Initializer) is { Value: var value } &&
                        LockOperations.Unwrap(value) is IFieldReferenceOperation read ? read : null;
                }
            }
        }

        return null;
    }

    private static bool IsVolatileAccess(IFieldReferenceOperation read, LockSymbols symbols) =>
        read.Parent is IArgumentOperation { Parent: IInvocationOperation invocation } &&
        (LockSymbols.Is(invocation.TargetMethod.ContainingType, symbols.Volatile) ||
         LockSymbols.Is(invocation.TargetMethod.ContainingType, symbols.Interlocked));

    private static bool IsCheckedAndAssignedInside(IOperation body, IFieldSymbol field)
    {
        var checkedInside = false;
        var assignedInside = false;
        foreach (var operation in LockOperations.DescendantsInSameFunction(body))
        {
            switch (operation)
            {
                case ICoalesceAssignmentOperation { Target: IFieldReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Field, field):
                    return true; // `F ??= new T()` checks and assigns in one
                case IConditionalOperation conditional when ReadsField(conditional.Condition, field):
                    checkedInside = true;
                    break;
                case IAssignmentOperation { Target: IFieldReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Field, field):
                    assignedInside = true;
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: IFieldReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Field, field):
                    assignedInside = true; // Volatile.Write(ref F, ...) / Interlocked.Exchange(ref F, ...)
                    break;
            }
        }

        return checkedInside && assignedInside;
    }

    private static bool ReadsField(IOperation condition, IFieldSymbol field)
    {
        foreach (var operation in condition.DescendantsAndSelf())
        {
            if (operation is IFieldReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Field, field))
            {
                return true;
            }
        }

        return false;
    }
}
