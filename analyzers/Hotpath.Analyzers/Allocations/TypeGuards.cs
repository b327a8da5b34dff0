using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// Tests of a type parameter that the code around an operation has made. Inside <c>if (typeof(T) == typeof(string))</c>
/// (or <c>!typeof(T).IsValueType</c>, the other side of <c>!=</c>, <c>?:</c>, <c>&amp;&amp;</c>, <c>||</c>) a value of
/// <c>T</c> is a reference at run time, so converting it to <c>object</c> or an interface boxes nothing, and for a
/// value type the branch never runs (ZString's <c>Unsafe.As&lt;string&gt;(arg)</c> in a <c>typeof(T) == typeof(string)</c>
/// branch). Inside <c>if (typeof(T) == typeof(byte))</c> <c>T</c> is a value type, so <c>(T)(object)b</c> unboxes at once
/// what it boxed, which the JIT folds (System.Runtime.Intrinsics.Scalar&lt;T&gt;).
/// </summary>
internal static class TypeGuards
{
    /// <summary>Whether <paramref name="type"/> is a type parameter that an enclosing condition proves a reference type at <paramref name="operation"/>.</summary>
    public static bool IsReferenceHere(IOperation operation, ITypeSymbol? type) =>
        type is ITypeParameterSymbol parameter && Holds(operation, parameter, valueType: false);

    /// <summary>Whether <paramref name="type"/> is a type parameter that an enclosing condition proves a value type at <paramref name="operation"/>.</summary>
    public static bool IsValueTypeHere(IOperation operation, ITypeSymbol? type) =>
        type is ITypeParameterSymbol parameter && Holds(operation, parameter, valueType: true);

    /// <summary>
    /// Whether a condition around <paramref name="operation"/> proves <paramref name="parameter"/> a value type
    /// (<paramref name="valueType"/>) or a reference type.
    /// </summary>
    private static bool Holds(IOperation operation, ITypeParameterSymbol parameter, bool valueType)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when child == conditional.WhenTrue && Proves(conditional.Condition, true, parameter, valueType):
                case IConditionalOperation conditional2 when child == conditional2.WhenFalse && Proves(conditional2.Condition, false, parameter, valueType):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when child == both.RightOperand && Proves(both.LeftOperand, true, parameter, valueType):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when child == either.RightOperand && Proves(either.LeftOperand, false, parameter, valueType):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="condition"/> having the value <paramref name="value"/> proves what <see cref="Holds"/> asks.</summary>
    private static bool Proves(IOperation condition, bool value, ITypeParameterSymbol parameter, bool valueType)
    {
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation:
                return Proves(negation.Operand, !value, parameter, valueType);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when value:
                return Proves(both.LeftOperand, true, parameter, valueType) || Proves(both.RightOperand, true, parameter, valueType);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when !value:
                return Proves(either.LeftOperand, false, parameter, valueType) || Proves(either.RightOperand, false, parameter, valueType);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when value:
                // typeof(T) == typeof(string) || typeof(T) == typeof(Uri): true only when one of them is.
                return Proves(either.LeftOperand, true, parameter, valueType) && Proves(either.RightOperand, true, parameter, valueType);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when !value:
                return Proves(both.LeftOperand, false, parameter, valueType) && Proves(both.RightOperand, false, parameter, valueType);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } equality
                when IsEqualTest(equality, value):
                // typeof(T) == typeof(string): T is string, a reference type; typeof(T) == typeof(byte): a value type.
                return (IsTypeOf(equality.LeftOperand, parameter) && IsTypeOfKind(equality.RightOperand, valueType))
                    || (IsTypeOf(equality.RightOperand, parameter) && IsTypeOfKind(equality.LeftOperand, valueType));
            case IPropertyReferenceOperation { Property.Name: "IsValueType", Instance: { } instance } when value == valueType:
                // typeof(T).IsValueType, !typeof(T).IsValueType
                return IsTypeOf(instance, parameter);
            default:
                return false;
        }
    }

    /// <summary>Whether <paramref name="equality"/> with the value <paramref name="value"/> says its sides are equal.</summary>
    private static bool IsEqualTest(IBinaryOperation equality, bool value) =>
        value ? equality.OperatorKind == BinaryOperatorKind.Equals : equality.OperatorKind == BinaryOperatorKind.NotEquals;

    private static bool IsTypeOf(IOperation operation, ITypeParameterSymbol parameter) =>
        Unwrap(operation) is ITypeOfOperation { TypeOperand: var operand } && SymbolEqualityComparer.Default.Equals(operand, parameter);

    /// <summary>Whether <paramref name="operation"/> is <c>typeof</c> of a value type (<paramref name="valueType"/>) or of a reference type.</summary>
    private static bool IsTypeOfKind(IOperation operation, bool valueType) =>
        Unwrap(operation) is ITypeOfOperation { TypeOperand: var operand } && (valueType ? operand.IsValueType : operand.IsReferenceType);

    private static IOperation Unwrap(IOperation operation) =>
        operation is IConversionOperation { IsImplicit: true, Operand: var operand } ? Unwrap(operand) : operation;
}
