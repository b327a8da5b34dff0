using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// Tests of a type parameter that the code around an operation has made: inside <c>if (typeof(T) == typeof(string))</c>
/// (or <c>!typeof(T).IsValueType</c>, the other side of <c>!=</c>, <c>?:</c>, <c>&amp;&amp;</c>, <c>||</c>) a value of
/// <c>T</c> is a reference at run time, so converting it to <c>object</c> or an interface boxes nothing, and for a
/// value type the branch never runs (ZString's <c>Unsafe.As&lt;string&gt;(arg)</c> in a <c>typeof(T) == typeof(string)</c> branch).
/// </summary>
internal static class TypeGuards
{
    /// <summary>Whether <paramref name="type"/> is a type parameter that an enclosing condition proves a reference type at <paramref name="operation"/>.</summary>
    public static bool IsReferenceHere(IOperation operation, ITypeSymbol? type)
    {
        if (type is not ITypeParameterSymbol parameter)
        {
            return false;
        }

        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when child == conditional.WhenTrue && Proves(conditional.Condition, true, parameter):
                case IConditionalOperation conditional2 when child == conditional2.WhenFalse && Proves(conditional2.Condition, false, parameter):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when child == both.RightOperand && Proves(both.LeftOperand, true, parameter):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when child == either.RightOperand && Proves(either.LeftOperand, false, parameter):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="condition"/> having the value <paramref name="value"/> proves <paramref name="parameter"/> a reference type.</summary>
    private static bool Proves(IOperation condition, bool value, ITypeParameterSymbol parameter)
    {
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation:
                return Proves(negation.Operand, !value, parameter);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when value:
                return Proves(both.LeftOperand, true, parameter) || Proves(both.RightOperand, true, parameter);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when !value:
                return Proves(either.LeftOperand, false, parameter) || Proves(either.RightOperand, false, parameter);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } equality
                when IsEqualTest(equality, value):
                // typeof(T) == typeof(string): T is string.
                return (IsTypeOf(equality.LeftOperand, parameter) && IsReferenceTypeOf(equality.RightOperand))
                    || (IsTypeOf(equality.RightOperand, parameter) && IsReferenceTypeOf(equality.LeftOperand));
            case IPropertyReferenceOperation { Property.Name: "IsValueType", Instance: { } instance } when !value:
                // !typeof(T).IsValueType
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

    private static bool IsReferenceTypeOf(IOperation operation) =>
        Unwrap(operation) is ITypeOfOperation { TypeOperand: { IsReferenceType: true } };

    private static IOperation Unwrap(IOperation operation) =>
        operation is IConversionOperation { IsImplicit: true, Operand: var operand } ? Unwrap(operand) : operation;
}
