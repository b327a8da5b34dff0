using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT106: string building. Concatenation with a non-constant operand (<c>+</c>, <c>+=</c>), interpolation
/// materialised to <c>string</c>, <c>FormattableString</c> or <c>IFormattable</c>. Constant strings (folded
/// by the compiler) and interpolations consumed by an interpolated-string handler are fine.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class StringAnalyzer : HotPathOperationAnalyzer<KnownTypes>
{
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
        OperationKind.Binary, OperationKind.CompoundAssignment, OperationKind.InterpolatedString);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.StringBuilding);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override KnownTypes? CreateState(KnownTypes types) => types;

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, KnownTypes types)
    {
        if (Describe(operation, types) is not { } what)
        {
            return;
        }

        var where = CodeContext.Of(operation);
        if (!where.IsCold)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StringBuilding, operation.Syntax.GetLocation(), what, where.LoopSuffix));
        }
    }

    /// <summary>What string the operation builds, or <see langword="null"/> (shared with HOT111).</summary>
    internal static string? Describe(IOperation operation, KnownTypes types)
    {
        switch (operation)
        {
            case IBinaryOperation binary when IsStringConcat(binary):
                // Report a chain a + b + c once, at its outermost operator.
                return binary.ConstantValue.HasValue || (binary.Parent is IBinaryOperation parent && IsStringConcat(parent)) || IsOneStringAlone(binary)
                    ? null
                    : "String concatenation";

            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String }:
                return "'+=' on a string";

            case IInterpolatedStringOperation interpolated when !interpolated.ConstantValue.HasValue:
                switch (interpolated.Parent)
                {
                    case IInterpolatedStringHandlerCreationOperation creation when IsStringCreateArgument(creation):
                        return "The interpolated string passed to string.Create";
                    case IInterpolatedStringHandlerCreationOperation:
                        return null; // formatted straight into the handler's buffer
                    case IBinaryOperation concat when IsStringConcat(concat):
                        return null; // the concatenation is reported
                    case IConversionOperation { Type: { } target } when types.IsFormattable(target):
                        return "The interpolated string converted to '" + target.Name + "' (an object plus a boxed array of its holes)";
                    default:
                        return interpolated.Type?.SpecialType == SpecialType.System_String && !IsOneStringAlone(interpolated) ? "The interpolated string" : null;
                }

            default:
                return null;
        }
    }

    /// <summary>
    /// <c>string.Create(provider, $"…")</c> (and its overload with a scratch buffer): the handler's text becomes a new
    /// string, exactly as a plain <c>$"…"</c> does, only with another culture.
    /// </summary>
    private static bool IsStringCreateArgument(IInterpolatedStringHandlerCreationOperation creation) =>
        creation.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Create", ContainingType.SpecialType: SpecialType.System_String } } };

    /// <summary>
    /// <c>"" + s</c>, <c>s + null</c> or <c>$"{s}"</c> with a string <c>s</c>: one string and nothing else, which the compiler
    /// lowers to <c>s ?? ""</c> (no new string; measured 0 bytes on .NET 10).
    /// </summary>
    private static bool IsOneStringAlone(IOperation operation)
    {
        var strings = 0;
        return CountsOneString(operation, ref strings) && strings == 1;
    }

    private static bool CountsOneString(IOperation operation, ref int strings)
    {
        switch (operation)
        {
            case IBinaryOperation binary when IsStringConcat(binary) && !binary.ConstantValue.HasValue:
                return CountsOneString(binary.LeftOperand, ref strings) && CountsOneString(binary.RightOperand, ref strings);
            case IInterpolatedStringOperation interpolated:
                foreach (var part in interpolated.Parts)
                {
                    var alone = part switch
                    {
                        IInterpolatedStringTextOperation text => text.Text.ConstantValue.Value is "",
                        IInterpolationOperation { Alignment: null, FormatString: null } hole => CountsOneString(hole.Expression, ref strings),
                        _ => false,
                    };
                    if (!alone)
                    {
                        return false;
                    }
                }

                return true;
            case { ConstantValue: { HasValue: true, Value: null or "" } }:
                return true; // "" or null adds nothing
            case IConversionOperation { Operand.ConstantValue: { HasValue: true, Value: null } }:
                return true;
            case { Type.SpecialType: SpecialType.System_String, ConstantValue.HasValue: false } when operation is not IConversionOperation:
                strings++;
                return true;
            default:
                return false;
        }
    }

    private static bool IsStringConcat(IBinaryOperation binary) =>
        binary is { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String };
}
