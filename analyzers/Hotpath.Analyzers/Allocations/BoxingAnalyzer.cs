using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT103: boxing. A value converted to <c>object</c>, an interface, <c>Enum</c> or <c>ValueType</c>
/// (arguments, assignments, returns, <c>params object[]</c> elements, tuple components), a type pattern
/// on a generic or struct value that needs a box, and <c>ToString</c>/<c>GetHashCode</c>/<c>Equals</c>/
/// <c>GetType</c> on a struct that does not override them, and a default interface member called on a generic
/// value that may be a struct. Not boxing: constrained calls on a generic
/// <c>T</c>, calls the struct overrides, interpolation holes (the handler takes <c>T</c>),
/// <c>"text" + value</c> (lowered to <c>value.ToString()</c>: HOT106), <c>Enum.HasFlag</c> (a JIT
/// intrinsic), null tests on a generic value, <c>lock</c> targets (HOT211), and a generic value where a test of its
/// type parameter against a reference type guards it (<see cref="TypeGuards"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class BoxingAnalyzer : HotPathOperationAnalyzer<KnownTypes>
{
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
        OperationKind.Conversion, OperationKind.Invocation, OperationKind.PropertyReference,
        OperationKind.DeclarationPattern, OperationKind.TypePattern, OperationKind.RecursivePattern, OperationKind.IsType, OperationKind.Loop);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.Boxing);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override KnownTypes? CreateState(KnownTypes types) => types;

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, KnownTypes types)
    {
        if (Describe(operation, out var value, out var how) is not { } reported)
        {
            return;
        }

        var where = CodeContext.Of(operation);
        if (!where.IsCold)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.Boxing, reported.GetLocation(), value, how, where.LoopSuffix));
        }
    }

    /// <summary>The syntax to report when the operation boxes (shared with HOT111), with the boxed value and how.</summary>
    internal static SyntaxNode? Describe(IOperation operation, out string value, out string how)
    {
        value = how = string.Empty;
        switch (operation)
        {
            case IConversionOperation conversion when IsBoxing(conversion) && !TypeGuards.IsReferenceHere(conversion, conversion.Operand.Type):
                value = "'" + Shorten(conversion.Operand.Syntax.ToString()) + "' (" + Display(conversion.Operand.Type) + ")";
                how = "to '" + Display(conversion.Type) + "'";
                return conversion.Syntax;

            case IInvocationOperation { Instance: { Type: { IsValueType: true } receiverType } receiver, TargetMethod: { IsStatic: false } method }
                when method.ContainingType.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType
                    && receiverType.TypeKind is TypeKind.Struct or TypeKind.Enum:
                value = "'" + Shorten(receiver.Syntax.ToString()) + "' (" + Display(receiverType) + ")";
                how = method.Name == "GetType"
                    ? "to call GetType()"
                    : "to call " + Display(method.ContainingType) + "." + method.Name + "(), which '" + Display(receiverType) + "' does not override";
                return operation.Syntax;

            case IInvocationOperation { Instance: { } receiver, TargetMethod: var method } when IsDefaultInterfaceMember(receiver, method)
                && !TypeGuards.IsReferenceHere(operation, receiver.Type):
                value = "'" + Shorten(receiver.Syntax.ToString()) + "' (" + Display(receiver.Type) + ")";
                how = "to call the default interface method " + Display(method.ContainingType) + "." + method.Name + "() (when '"
                    + Display(receiver.Type) + "' is a struct that does not implement it)";
                return operation.Syntax;

            case IPropertyReferenceOperation { Instance: { } receiver, Property: var property } when IsDefaultInterfaceMember(receiver, property)
                && !TypeGuards.IsReferenceHere(operation, receiver.Type):
                value = "'" + Shorten(receiver.Syntax.ToString()) + "' (" + Display(receiver.Type) + ")";
                how = "to use the default interface " + (property.IsIndexer ? "indexer " : "property ") + Display(property.ContainingType) + "."
                    + (property.IsIndexer ? "this[]" : property.Name) + " (when '" + Display(receiver.Type) + "' is a struct that does not implement it)";
                return operation.Syntax;

            case IPatternOperation pattern when TypeTestBoxes(pattern.InputType, MatchedType(pattern), keepsValue: pattern is not ITypePatternOperation)
                && !TypeGuards.IsReferenceHere(pattern, pattern.InputType):
                value = "The " + (pattern.InputType is ITypeParameterSymbol ? "generic " : string.Empty) + "value of type '" + Display(pattern.InputType) + "'";
                how = "for the type test against '" + Display(MatchedType(pattern)) + "'";
                return pattern.Syntax;

            case IIsTypeOperation isType when TypeTestBoxes(isType.ValueOperand.Type, isType.TypeOperand, keepsValue: false)
                && !TypeGuards.IsReferenceHere(isType, isType.ValueOperand.Type):
                value = "The " + (isType.ValueOperand.Type is ITypeParameterSymbol ? "generic " : string.Empty) + "value of type '" + Display(isType.ValueOperand.Type) + "'";
                how = "for the type test against '" + Display(isType.TypeOperand) + "'";
                return isType.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax binary ? binary.Right : isType.Syntax;

            case IForEachLoopOperation { Syntax: ForEachStatementSyntax statement, SemanticModel: { } model } loop
                when model.GetForEachStatementInfo(statement) is { ElementType: { } element } info && !element.IsReferenceType
                    && loop.LoopControlVariable is IVariableDeclaratorOperation { Symbol.Type: { IsReferenceType: true } variableType }
                    && (info.ElementConversion.IsBoxing
                        || (element.TypeKind == TypeKind.TypeParameter && !info.ElementConversion.IsIdentity && !info.ElementConversion.IsUserDefined)):
                // 'foreach (IShape s in structs)': the loop converts each element to the variable's type, no conversion in the tree.
                value = "Each element of '" + Shorten(statement.Expression.ToString()) + "' (" + Display(element) + ")";
                how = "to '" + Display(variableType) + "', the type of the iteration variable (once per element)";
                return statement.Type;

            default:
                return null;
        }
    }

    private static bool IsBoxing(IConversionOperation conversion)
    {
        if (conversion.Operand.Type is not { } from || conversion.Type is not { IsReferenceType: true } || from.IsReferenceType)
        {
            return false; // not to a reference, or T : class / T : SomeClass (no box)
        }

        // Explicit conversions of a generic value to an interface or class ('(IFoo)t', 't as IFoo') are not
        // classified as boxing, but box exactly like the implicit ones when T is a value type at run time.
        var kind = conversion.GetConversion();
        if (!kind.IsBoxing && !(from.TypeKind == TypeKind.TypeParameter && !kind.IsIdentity && !kind.IsUserDefined))
        {
            return false;
        }

        return conversion.Parent switch
        {
            // "text" + value: lowered to value.ToString() on modern compilers (HOT106 reports the concatenation).
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } => false,
            // t == null on a generic value: the JIT folds the box away.
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary =>
                !IsNullConstant(binary.LeftOperand) && !IsNullConstant(binary.RightOperand),
            // Enum.HasFlag(boxed) is a JIT intrinsic.
            IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "HasFlag", ContainingType.SpecialType: SpecialType.System_Enum } } } => false,
            // lock (value): HOT211's business.
            ILockOperation => false,
            // (int)(object)value, (T)(object)b with T a value type ('where T : struct', or typeof(T) == typeof(byte) around it):
            // a box unboxed at once, which the JIT folds at every optimisation level when the unbox succeeds (and the
            // unbox throws when it does not). Scalar<T>'s arithmetic. To a T that may be a reference, the box is the result.
            IConversionOperation { Type: { } unboxed } unbox when conversion.Type.SpecialType == SpecialType.System_Object
                && (unboxed.IsValueType || TypeGuards.IsValueTypeHere(unbox, unboxed)) => false,
            _ => true,
        };
    }

    /// <summary>
    /// A member with a body declared in an interface, reached through a generic value that may be a struct: the
    /// constrained call finds no implementation in the struct and passes the interface body a box as 'this'.
    /// </summary>
    private static bool IsDefaultInterfaceMember(IOperation receiver, ISymbol member) =>
        receiver.Type is ITypeParameterSymbol { IsReferenceType: false }
        && member is { IsStatic: false, IsAbstract: false, ContainingType.TypeKind: TypeKind.Interface };

    private static ITypeSymbol? MatchedType(IPatternOperation pattern) => pattern switch
    {
        IDeclarationPatternOperation declaration => declaration.MatchedType,
        ITypePatternOperation type => type.MatchedType,
        IRecursivePatternOperation recursive => recursive.MatchedType,
        _ => null,
    };

    /// <summary>
    /// Whether testing a value of <paramref name="input"/> against <paramref name="matched"/> boxes.
    /// <paramref name="keepsValue"/>: the pattern binds or deconstructs the converted value (<c>is IFoo f</c>,
    /// <c>is IFoo { }</c>), so the box is needed after the test.
    /// </summary>
    private static bool TypeTestBoxes(ITypeSymbol? input, ITypeSymbol? matched, bool keepsValue)
    {
        if (matched is null || input is null || SymbolEqualityComparer.Default.Equals(matched, input))
        {
            return false;
        }

        if (!keepsValue && IsNonNullableValueType(input) && ImplementsOrDerives(input, matched))
        {
            return false; // always true (CS0183): the compiler emits the constant, no box
        }

        return input switch
        {
            ITypeParameterSymbol { IsReferenceType: false } => true, // box T, then test
            { IsValueType: true, OriginalDefinition.SpecialType: not SpecialType.System_Nullable_T } => matched.IsReferenceType,
            _ => false,
        };
    }

    private static bool IsNonNullableValueType(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol parameter => parameter.HasValueTypeConstraint,
        _ => type.IsValueType && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T,
    };

    /// <summary>Whether a value of <paramref name="type"/> converts implicitly to <paramref name="target"/> (an interface or base class it has).</summary>
    private static bool ImplementsOrDerives(ITypeSymbol type, ITypeSymbol target)
    {
        if (target.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType)
        {
            return true;
        }

        if (target.TypeKind == TypeKind.Interface)
        {
            var interfaces = type is ITypeParameterSymbol parameter ? AllConstraintInterfaces(parameter) : type.AllInterfaces;
            foreach (var candidate in interfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate, target))
                {
                    return true;
                }
            }

            return false;
        }

        return type.TypeKind == TypeKind.Enum && target.SpecialType == SpecialType.System_Enum;
    }

    private static IEnumerable<INamedTypeSymbol> AllConstraintInterfaces(ITypeParameterSymbol parameter)
    {
        foreach (var constraint in parameter.ConstraintTypes)
        {
            if (constraint is INamedTypeSymbol { TypeKind: TypeKind.Interface } direct)
            {
                yield return direct;
            }

            foreach (var inherited in constraint.AllInterfaces)
            {
                yield return inherited;
            }
        }
    }

    private static bool IsNullConstant(IOperation operation) =>
        operation is IConversionOperation { Operand: var operand } ? IsNullConstant(operand) : operation.ConstantValue is { HasValue: true, Value: null };

    // Without the flow-state '?' of a reference or generic type: 'T', not 'T?' ('int?' is a type of its own and stays).
    private static string Display(ITypeSymbol? type) =>
        type?.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "?";

    private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 37) + "...";
}
