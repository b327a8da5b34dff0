using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT102: array creation (<c>new T[n]</c>, initialisers, compiler-built <c>params</c> arrays), collection
/// expressions that materialise an array, list or interface, range copies of arrays (<c>array[1..]</c>), and
/// designated slices of arrays in list patterns (<c>array is [_, .. var rest]</c>). A range or slice of a string,
/// a list or an immutable array calls Substring / List&lt;T&gt;.Slice / ImmutableArray&lt;T&gt;.Slice: HOT110.
/// Not reported: empty <c>params</c> (Array.Empty), <c>params</c> spans, collection expressions into spans,
/// constant data converted to <c>ReadOnlySpan&lt;T&gt;</c> (lives in the binary), span slicing.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ArrayAllocationAnalyzer : HotPathOperationAnalyzer<KnownTypes>
{
    /// <summary>OperationKind.CollectionExpression / Spread: newer than the Roslyn 4.8 API we compile against.</summary>
    internal const OperationKind CollectionExpressionKind = (OperationKind)0x7F;
    internal const OperationKind SpreadKind = (OperationKind)0x80;

    /// <summary>ArgumentKind.ParamCollection (C# 13 <c>params</c> collections).</summary>
    private const ArgumentKind ParamCollectionKind = (ArgumentKind)4;

    private static readonly ImmutableArray<OperationKind> Kinds =
        ImmutableArray.Create(OperationKind.ArrayCreation, CollectionExpressionKind, OperationKind.Range, OperationKind.SlicePattern);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ArrayAllocation);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override KnownTypes? CreateState(KnownTypes types) => types;

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, KnownTypes types)
    {
        if (Describe(operation, types, out var reported) is not { } what)
        {
            return;
        }

        var where = CodeContext.Of(reported);
        if (!where.IsCold)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ArrayAllocation, LocationOf(reported), what, where.LoopSuffix));
        }
    }

    /// <summary>What the operation allocates (shared with HOT111); <paramref name="reported"/> is the operation to point at.</summary>
    internal static string? Describe(IOperation operation, KnownTypes types, out IOperation reported)
    {
        reported = operation;
        switch (operation)
        {
            case IArrayCreationOperation array:
                if (array.Parent is IArgumentOperation { ArgumentKind: ArgumentKind.ParamArray } argument && array.IsImplicit)
                {
                    return array.Initializer is { ElementValues.Length: > 0 }
                        ? "The params array of '" + MethodName(argument.Parameter) + "'"
                        : null; // empty params: Array.Empty<T>()
                }

                if (IsConstantSpanData(array, types))
                {
                    return null;
                }

                return array.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InitializerExpressionSyntax
                    ? "The array initialiser"
                    : "'" + Shorten(array.Syntax.ToString()) + "'";

            case { Kind: CollectionExpressionKind }:
                if (!CollectionExpressionAllocates(operation, types))
                {
                    return null;
                }

                return operation.IsImplicit && operation.Parent is IArgumentOperation paramsArgument
                    ? "The params collection of '" + MethodName(paramsArgument.Parameter) + "'"
                    : "The collection expression (" + operation.Type?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ")";

            case IRangeOperation { Parent: IArrayElementReferenceOperation element }:
                // 'array[1..]' copies into a new array (RuntimeHelpers.GetSubArray). Other ranges call a Slice or
                // Substring method (IImplicitIndexerReferenceOperation): HOT110's table decides, spans slice in place.
                reported = element;
                return "The range copy of an array";

            case ISlicePatternOperation slice when IsDesignatedSlice(slice) && slice.Pattern!.InputType is IArrayTypeSymbol:
                // 'array is [_, .. var rest]' copies the slice into a new array (RuntimeHelpers.GetSubArray).
                return "The slice '" + Shorten(slice.Syntax.ToString()) + "' of an array (a copy)";

            default:
                return null;
        }
    }

    /// <summary>
    /// Whether a list pattern's slice is materialised: <c>.. var rest</c> or <c>.. [..]</c> take the slice (a copy for
    /// arrays, strings and lists), a bare <c>..</c> or <c>.. _</c> only skips elements.
    /// </summary>
    internal static bool IsDesignatedSlice(ISlicePatternOperation slice) => slice.Pattern is not (null or IDiscardPatternOperation);

    private static bool CollectionExpressionAllocates(IOperation collection, KnownTypes types)
    {
        var type = collection.Type;
        var elements = 0;
        foreach (var element in collection.ChildOperations)
        {
            if (types.IsSpan(type) && element.Kind == SpreadKind)
            {
                return true; // a spread of unknown length into a span goes through a heap array
            }

            elements++;
        }

        if (types.IsSpan(type))
        {
            return false; // inline array on the stack, or constant data
        }

        if (elements == 0)
        {
            // [] is Array.Empty<T>() / ImmutableArray<T>.Empty for arrays, read-only interfaces and immutable arrays.
            return type is INamedTypeSymbol { TypeKind: TypeKind.Class } || types.IsCollectionOrListInterface(type);
        }

        return type is IArrayTypeSymbol
            || type is { TypeKind: TypeKind.Class or TypeKind.Interface }
            || types.IsImmutableArray(type);
    }

    /// <summary>Constant primitive data converted to ReadOnlySpan&lt;T&gt; is emitted into the assembly's data section.</summary>
    private static bool IsConstantSpanData(IArrayCreationOperation array, KnownTypes types)
    {
        if (array.Parent is not IConversionOperation conversion || !types.IsReadOnlySpan(conversion.Type) || array.Initializer is null)
        {
            return false;
        }

        var elementType = ((IArrayTypeSymbol)array.Type!).ElementType;
        var alwaysData = elementType.SpecialType is SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Boolean;
        var dataWithCreateSpan = elementType.TypeKind == TypeKind.Enum || elementType.SpecialType is SpecialType.System_Char
            or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
            or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double;
        if (!alwaysData && !(dataWithCreateSpan && types.HasCreateSpan))
        {
            return false;
        }

        foreach (var value in array.Initializer.ElementValues)
        {
            if (!value.ConstantValue.HasValue)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>For compiler-built params arrays and collections, point at the elements rather than the whole call.</summary>
    private static Location LocationOf(IOperation operation)
    {
        if (operation.IsImplicit && operation.Parent is IArgumentOperation)
        {
            var elements = operation is IArrayCreationOperation { Initializer: { } initializer }
                ? initializer.ElementValues
                : ImmutableArray.CreateRange(operation.ChildOperations);
            if (elements.Length > 0)
            {
                return Location.Create(operation.Syntax.SyntaxTree, TextSpan.FromBounds(elements[0].Syntax.SpanStart, elements[elements.Length - 1].Syntax.Span.End));
            }
        }

        return operation.Syntax.GetLocation();
    }

    private static string MethodName(IParameterSymbol? parameter) => parameter?.ContainingSymbol.Name ?? "?";

    internal static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 37) + "...";
}
