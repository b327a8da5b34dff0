using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT101: creation of a reference-type object (classes, records, anonymous types, <c>with</c> on a record
/// class, <c>new T()</c> where T may be a class). Structs, value tuples and <c>Nullable&lt;T&gt;</c> live on
/// the stack; delegates are HOT104/HOT105; table constructors (<c>new Regex</c>, also through a derived type) are HOT110.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ObjectAllocationAnalyzer : HotPathOperationAnalyzer<KnownTypes>
{
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
        OperationKind.ObjectCreation, OperationKind.AnonymousObjectCreation,
        OperationKind.TypeParameterObjectCreation, OperationKind.With, OperationKind.Conversion);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ObjectAllocation);

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
            var reported = operation is IConversionOperation { Operand: var lambda } ? lambda : operation;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ObjectAllocation, reported.Syntax.GetLocation(), what, where.LoopSuffix));
        }
    }

    /// <summary>What the operation allocates, or <see langword="null"/> when it does not allocate an object (shared with HOT111).</summary>
    internal static string? Describe(IOperation operation, KnownTypes types) => operation switch
    {
        // A table constructor (its type's or a base type's: 'new Regex', 'new MyRegex()') is HOT110's.
        IObjectCreationOperation { Type: { IsReferenceType: true, TypeKind: not TypeKind.Delegate } type } creation
            when creation.Constructor is null || types.Apis.Find(creation.Constructor) is null
            => "'new " + type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "'",
        IAnonymousObjectCreationOperation => "The anonymous type 'new { ... }'",
        ITypeParameterObjectCreationOperation { Type: ITypeParameterSymbol { HasValueTypeConstraint: false, HasUnmanagedTypeConstraint: false } type } =>
            "'new " + type.Name + "()' (" + type.Name + " may be a class)",
        IWithOperation { Type.IsReferenceType: true } with =>
            "'with' on the record class '" + with.Type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "' (a copy)",
        // 'Expression<Func<int, bool>> e = x => x > 1' (and IQueryable operators' arguments): the compiler emits calls that
        // build a new tree of Expression objects (parameters, nodes, the lambda) on every evaluation, static or not.
        IConversionOperation { Operand: IAnonymousFunctionOperation, Type: { } tree } when IsExpressionTree(tree) =>
            "The lambda converted to the expression tree '" + tree.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "' (a new tree of Expression objects)",
        _ => null,
    };

    private static bool IsExpressionTree(ITypeSymbol type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (TypeNames.Is(current, "System.Linq.Expressions.LambdaExpression"))
            {
                return true;
            }
        }

        return false;
    }
}
