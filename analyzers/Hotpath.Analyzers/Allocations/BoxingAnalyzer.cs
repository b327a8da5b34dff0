using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT103: boxing. A value converted to <c>object</c>, an interface, <c>Enum</c> or <c>ValueType</c>
/// (arguments, assignments, returns, <c>params object[]</c> elements, tuple components), a type pattern
/// on a generic or struct value that needs a box, and <c>ToString</c>/<c>GetHashCode</c>/<c>Equals</c>/
/// <c>GetType</c> on a struct that does not override them. Not boxing: constrained calls on a generic
/// <c>T</c>, calls the struct overrides, interpolation holes (the handler takes <c>T</c>),
/// <c>"text" + value</c> (lowered to <c>value.ToString()</c>: HOT106), <c>Enum.HasFlag</c> (a JIT
/// intrinsic), null tests on a generic value, and <c>lock</c> targets (HOT211).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class BoxingAnalyzer : HotPathOperationAnalyzer<KnownTypes>
{
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
        OperationKind.Conversion, OperationKind.Invocation,
        OperationKind.DeclarationPattern, OperationKind.TypePattern, OperationKind.RecursivePattern, OperationKind.IsType);

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
            case IConversionOperation conversion when IsBoxing(conversion):
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

            case IPatternOperation pattern when TypeTestBoxes(pattern.InputType, MatchedType(pattern)):
                value = "The " + (pattern.InputType is ITypeParameterSymbol ? "generic " : string.Empty) + "value of type '" + Display(pattern.InputType) + "'";
                how = "for the type test against '" + Display(MatchedType(pattern)) + "'";
                return pattern.Syntax;

            case IIsTypeOperation isType when TypeTestBoxes(isType.ValueOperand.Type, isType.TypeOperand):
                value = "The " + (isType.ValueOperand.Type is ITypeParameterSymbol ? "generic " : string.Empty) + "value of type '" + Display(isType.ValueOperand.Type) + "'";
                how = "for the type test against '" + Display(isType.TypeOperand) + "'";
                return isType.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax binary ? binary.Right : isType.Syntax;

            default:
                return null;
        }
    }

    private static bool IsBoxing(IConversionOperation conversion)
    {
        if (conversion.Operand.Type is not { } from || conversion.Type is not { IsReferenceType: true } || !conversion.GetConversion().IsBoxing)
        {
            return false;
        }

        if (from.IsReferenceType)
        {
            return false; // T : class
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
            _ => true,
        };
    }

    private static ITypeSymbol? MatchedType(IPatternOperation pattern) => pattern switch
    {
        IDeclarationPatternOperation declaration => declaration.MatchedType,
        ITypePatternOperation type => type.MatchedType,
        IRecursivePatternOperation recursive => recursive.MatchedType,
        _ => null,
    };

    private static bool TypeTestBoxes(ITypeSymbol? input, ITypeSymbol? matched)
    {
        if (matched is null || input is null || SymbolEqualityComparer.Default.Equals(matched, input))
        {
            return false;
        }

        return input switch
        {
            ITypeParameterSymbol { IsReferenceType: false } => true, // box T, then test
            { IsValueType: true, OriginalDefinition.SpecialType: not SpecialType.System_Nullable_T } => matched.IsReferenceType,
            _ => false,
        };
    }

    private static bool IsNullConstant(IOperation operation) =>
        operation is IConversionOperation { Operand: var operand } ? IsNullConstant(operand) : operation.ConstantValue is { HasValue: true, Value: null };

    private static string Display(ITypeSymbol? type) => type?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "?";

    private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 37) + "...";
}
