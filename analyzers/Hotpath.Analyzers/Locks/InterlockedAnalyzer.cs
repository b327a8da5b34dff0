using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// HOT205: a <c>lock</c> whose body is a single read-modify-write of a numeric field (<c>++</c>, <c>--</c>,
/// <c>+=</c>, <c>-=</c>, <c>x = x + n</c>, <c>x = x - n</c>, or <c>=</c> of a constant). One <c>Interlocked</c> call does the same atomically
/// without a monitor. Reported only when the matching <c>Interlocked</c> overload exists for the field's type.
/// </summary>
/// <remarks>
/// A <c>lock</c> on a <c>System.Threading.Lock</c> is not reported: DESIGN.md lists it as a trap (no
/// false positives), and like HOT210 this rule is performance advice, while a <c>Lock</c> is the lock the
/// code already chose on purpose (the one the other lock fixes introduce).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InterlockedAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property naming the Interlocked method the fix calls.</summary>
    internal const string MethodKey = "HotpathInterlockedMethod";

    /// <summary>Property set when the Add operand must be negated (<c>x -= n</c>).</summary>
    internal const string NegateKey = "HotpathInterlockedNegate";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UseInterlocked);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var interlocked = start.Compilation.GetTypeByMetadataName("System.Threading.Interlocked");
            if (interlocked is null)
            {
                return;
            }

            var lockType = start.Compilation.GetTypeByMetadataName("System.Threading.Lock");
            start.RegisterOperationAction(c =>
            {
                var lockOperation = (ILockOperation)c.Operation;
                if (!LockSymbols.Is(lockOperation.LockedValue.Type, lockType))
                {
                    Analyze(c, lockOperation, interlocked);
                }
            }, OperationKind.Lock);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ILockOperation lockOperation, INamedTypeSymbol interlocked)
    {
        var body = lockOperation.Body;
        while (body is IBlockOperation { Operations.Length: 1 } block)
        {
            body = block.Operations[0];
        }

        if (body is not IExpressionStatementOperation { Operation: var expression })
        {
            return;
        }

        string method;
        IOperation target;
        var negate = false;
        switch (expression)
        {
            case IIncrementOrDecrementOperation { Target: var incremented, IsChecked: false } step:
                method = step.Kind == OperationKind.Increment ? "Increment" : "Decrement";
                target = incremented;
                break;
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, IsChecked: false } compound:
                target = compound.Target;
                (method, negate) = AddOrStep(compound.Value, compound.OperatorKind == BinaryOperatorKind.Subtract);
                break;
            case ISimpleAssignmentOperation { Value.ConstantValue.HasValue: true } assignment:
                method = "Exchange";
                target = assignment.Target;
                break;
            case ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, IsChecked: false } binary } assignment
                when SelfUpdateOperand(assignment.Target, binary) is { } operand:
                // `x = x + n`, `x = n + x`, `x = x - n`: the same read-modify-write as `x += n`.
                target = assignment.Target;
                (method, negate) = AddOrStep(operand, binary.OperatorKind == BinaryOperatorKind.Subtract);
                break;
            default:
                return;
        }

        if (target is not IFieldReferenceOperation { Field: { IsReadOnly: false } field } || !IsNumeric(field.Type))
        {
            return;
        }

        // Interlocked.Add(ref uint, -n) does not exist: only offer what compiles.
        if (negate && field.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
        {
            return;
        }

        if (!HasOverload(interlocked, method, field.Type))
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(MethodKey, method);
        if (negate)
        {
            properties = properties.Add(NegateKey, "true");
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseInterlocked, LockOperations.HeaderLocation(lockOperation),
            properties, field.Name, method));
    }

    /// <summary>
    /// Adding or subtracting <paramref name="amount"/>: <c>Increment</c>/<c>Decrement</c> for a constant 1, otherwise
    /// <c>Add</c>, of the negated amount when <paramref name="subtract"/>.
    /// </summary>
    private static (string Method, bool Negate) AddOrStep(IOperation amount, bool subtract) =>
        amount.ConstantValue is { HasValue: true } constant && IsOne(constant.Value)
            ? (subtract ? "Decrement" : "Increment", false)
            : ("Add", subtract);

    /// <summary>In <c>x = x + n</c>/<c>x = n + x</c>/<c>x = x - n</c>, the <c>n</c>; null when the other side is not the target field.</summary>
    private static IOperation? SelfUpdateOperand(IOperation target, IBinaryOperation binary)
    {
        if (target is not IFieldReferenceOperation)
        {
            return null;
        }

        if (IsSameField(binary.LeftOperand, target))
        {
            return binary.RightOperand;
        }

        return binary.OperatorKind == BinaryOperatorKind.Add && IsSameField(binary.RightOperand, target) ? binary.LeftOperand : null;
    }

    private static bool IsSameField(IOperation operand, IOperation target) =>
        LockOperations.Unwrap(operand) is IFieldReferenceOperation && LockOperations.SameTarget(operand, target);

    private static bool IsOne(object? value) => value switch
    {
        int i => i == 1,
        long l => l == 1,
        uint u => u == 1,
        ulong ul => ul == 1,
        _ => false,
    };

    private static bool IsNumeric(ITypeSymbol type) => type.SpecialType is
        SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64 or
        SpecialType.System_Single or SpecialType.System_Double;

    private static bool HasOverload(INamedTypeSymbol interlocked, string method, ITypeSymbol type)
    {
        foreach (var member in interlocked.GetMembers(method))
        {
            if (member is IMethodSymbol { Parameters.Length: > 0 } candidate &&
                candidate.Parameters[0].RefKind == RefKind.Ref &&
                SymbolEqualityComparer.Default.Equals(candidate.Parameters[0].Type, type))
            {
                return true;
            }
        }

        return false;
    }
}
