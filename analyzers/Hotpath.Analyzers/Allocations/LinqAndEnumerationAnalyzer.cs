using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT107: a <c>System.Linq.Enumerable</c> operator (the materialising ones, <c>ToArray</c>/<c>ToList</c>/…,
/// are HOT110). HOT108: <c>foreach</c> whose enumerator is reached through an interface or is a class.
/// Arrays and strings are lowered to index loops; <c>List&lt;T&gt;</c>, spans, <c>ImmutableArray&lt;T&gt;</c>,
/// <c>Dictionary&lt;,&gt;</c> and <c>HashSet&lt;T&gt;</c> have struct enumerators.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class LinqAndEnumerationAnalyzer : HotPathOperationAnalyzer<KnownTypes>
{
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(OperationKind.Invocation, OperationKind.Loop);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.Linq, DiagnosticDescriptors.InterfaceEnumeration);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override KnownTypes? CreateState(KnownTypes types) => types;

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, KnownTypes types)
    {
        switch (operation)
        {
            case IInvocationOperation invocation when DescribeLinq(invocation, types) is { } name:
                var where = CodeContext.Of(operation);
                if (!where.IsCold)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.Linq, LinqLocation(invocation), name, where.LoopSuffix));
                }

                break;

            case IForEachLoopOperation loop when DescribeEnumeration(loop, out var collectionType) is { } enumerator:
                var loopContext = CodeContext.Of(operation);
                if (!loopContext.IsCold)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InterfaceEnumeration, loop.Collection.Syntax.GetLocation(),
                        collectionType, enumerator, loopContext.LoopSuffix));
                }

                break;
        }
    }

    /// <summary>The LINQ operator's name when the call is a <c>System.Linq.Enumerable</c> operator (shared with HOT111).</summary>
    internal static string? DescribeLinq(IInvocationOperation invocation, KnownTypes types)
    {
        var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
        if (IsLazyImmutableArrayOperator(method))
        {
            return method.Name;
        }

        if (TypeNames.Is(method.ContainingType, "System.Linq.Queryable"))
        {
            return method.Name; // every operator builds a new query expression, and running it asks the provider
        }

        return types.IsEnumerable(method.ContainingType) && types.Apis.Find(method) is null && !NeitherAllocatesNorEnumerates(invocation, types)
            ? method.Name
            : null;
    }

    /// <summary>
    /// <c>ImmutableArrayExtensions.Select</c>/<c>Where</c>/<c>SelectMany</c> (what <c>items.Select(…)</c> binds to on an
    /// <c>ImmutableArray&lt;T&gt;</c>) return an Enumerable iterator over the array. Its other operators (<c>Any</c>,
    /// <c>First</c>, <c>Aggregate</c>, …) loop over the array in place and allocate nothing themselves.
    /// </summary>
    private static bool IsLazyImmutableArrayOperator(IMethodSymbol method) =>
        method.Name is "Select" or "Where" or "SelectMany" && TypeNames.Is(method.ContainingType, "System.Linq.ImmutableArrayExtensions");

    /// <summary>
    /// The <c>Enumerable</c> members that allocate nothing and enumerate nothing (docs/rules/HOT107.md lists them):
    /// <c>Empty</c> (a cached singleton), <c>AsEnumerable</c> (returns its source), <c>TryGetNonEnumeratedCount</c>
    /// (type tests of the source), and <c>Cast&lt;T&gt;</c> of a source that already is an <c>IEnumerable&lt;T&gt;</c>
    /// (returns it).
    /// </summary>
    private static bool NeitherAllocatesNorEnumerates(IInvocationOperation invocation, KnownTypes types)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "Empty":
            case "AsEnumerable":
            case "TryGetNonEnumeratedCount":
                return true;
            case "Cast" when invocation.TargetMethod.TypeArguments.Length == 1 && invocation.Arguments.Length == 1:
                var element = invocation.TargetMethod.TypeArguments[0];
                var source = invocation.Arguments[0].Value;
                while (source is IConversionOperation { IsImplicit: true } conversion)
                {
                    source = conversion.Operand;
                }

                var typed = types.Compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T).Construct(element);
                return source.Type is { } sourceType
                    && types.Compilation.ClassifyConversion(sourceType, typed) is { IsImplicit: true } sourceConversion
                    && (sourceConversion.IsIdentity || sourceConversion.IsReference);
            default:
                return false;
        }
    }

    /// <summary>What a foreach allocates for its enumerator, or <see langword="null"/> for struct enumerators and index loops.</summary>
    internal static string? DescribeEnumeration(IForEachLoopOperation loop, out string collectionType)
    {
        collectionType = string.Empty;
        var collection = loop.Collection;
        while (collection is IConversionOperation { IsImplicit: true } conversion)
        {
            collection = conversion.Operand;
        }

        var type = collection.Type;
        if (type is null or IArrayTypeSymbol || type.SpecialType == SpecialType.System_String
            || loop.SemanticModel is not { } model || loop.Syntax is not CommonForEachStatementSyntax syntax)
        {
            return null; // arrays and strings: index loops
        }

        var getEnumerator = model.GetForEachStatementInfo(syntax).GetEnumeratorMethod;
        if (getEnumerator is not null && getEnumerator.ReturnType.IsValueType
            && TypeNames.Is(type.OriginalDefinition, "System.Runtime.CompilerServices.ConfiguredCancelableAsyncEnumerable`1")
            && type is INamedTypeSymbol { TypeArguments.Length: 1 } configured
            && loop.SemanticModel.Compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1") is { } asyncEnumerable)
        {
            // 'source.WithCancellation(ct)' / 'ConfigureAwait(false)': the struct enumerator wraps the source's
            // IAsyncEnumerable<T>.GetAsyncEnumerator(), a heap enumerator all the same.
            collectionType = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            return "an enumerator through '" + asyncEnumerable.Construct(configured.TypeArguments[0]).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)
                + ".GetAsyncEnumerator()', which it wraps (a boxed or heap enumerator)";
        }

        if (getEnumerator is null || getEnumerator.ReturnType.IsValueType)
        {
            return null; // struct or ref struct enumerator
        }

        collectionType = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        return getEnumerator.ContainingType.TypeKind == TypeKind.Interface
            ? "an enumerator through '" + getEnumerator.ContainingType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "." + getEnumerator.Name + "()' (a boxed or heap enumerator)"
            : getEnumerator.ReturnType.TypeKind == TypeKind.Interface
                ? "its enumerator as '" + getEnumerator.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "' (a heap enumerator)" // ConcurrentDictionary<,>
                : "its enumerator '" + getEnumerator.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "', a class";
    }

    /// <summary>Point at the operator name of <c>xs.Where(...)</c>, not at the whole chain before it.</summary>
    private static Location LinqLocation(IInvocationOperation invocation) =>
        invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } invocationSyntax
            ? Location.Create(invocationSyntax.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(member.Name.SpanStart, invocationSyntax.Span.End))
            : invocation.Syntax.GetLocation();
}
