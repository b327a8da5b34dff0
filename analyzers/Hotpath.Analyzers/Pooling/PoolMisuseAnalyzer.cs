using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Pooling;

/// <summary>
/// Pool misuse within one method: HOT301 (used after it was returned), HOT302 (returned twice on one path),
/// HOT303 (rented, then on some path neither returned nor handed on). Understands <c>Hotpath.Pool&lt;T&gt;</c>
/// (and so every generated <c>T.Pool</c>), <c>Microsoft.Extensions.ObjectPool.ObjectPool&lt;T&gt;</c> and
/// <c>System.Buffers.ArrayPool&lt;T&gt;</c>.
/// </summary>
/// <remarks>
/// The flow model is syntactic and deliberately conservative: a value that escapes (stored, returned, passed as
/// an argument, captured by a lambda, aliased) is the receiver's business and is never reported; exception
/// paths are not considered (a leak on a throw costs one GC'd object, not a bug); mutually exclusive branches
/// (if/else, switch sections) and branches that end in a jump never flow into each other.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PoolMisuseAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UseAfterReturn, DiagnosticDescriptors.DoubleReturn, DiagnosticDescriptors.RentLeak);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var pools = PoolMethods.Create(start.Compilation);
            if (pools is null)
            {
                return;
            }

            start.RegisterOperationBlockAction(block => AnalyzeBlock(block, pools));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, PoolMethods pools)
    {
        foreach (var root in context.OperationBlocks)
        {
            if (root.Kind is not (OperationKind.MethodBody or OperationKind.ConstructorBody or OperationKind.Block))
            {
                continue;
            }

            var facts = new BodyFacts();
            foreach (var operation in root.Descendants())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case IInvocationOperation invocation when pools.IsRent(invocation.TargetMethod):
                        facts.Rents.Add(invocation);
                        break;
                    case IInvocationOperation invocation when pools.IsReturn(invocation.TargetMethod):
                        if (invocation.Arguments.Length > 0 && Unwrap(invocation.Arguments[0].Value) is { } returned && TrackedSymbol(returned) is { } symbol)
                        {
                            facts.Returns.Add((symbol, invocation, returned));
                        }

                        break;
                    case ILocalReferenceOperation or IParameterReferenceOperation:
                        facts.References.Add(operation);
                        break;
                }
            }

            if (facts.Rents.Count == 0 && facts.Returns.Count == 0)
            {
                continue;
            }

            ReportAfterReturn(context, facts);
            ReportLeaks(context, facts, pools);
        }
    }

    // HOT301 and HOT302.
    private static void ReportAfterReturn(OperationBlockAnalysisContext context, BodyFacts facts)
    {
        var reportedDouble = new HashSet<SyntaxNode>();
        var reportedUse = new HashSet<SyntaxNode>();
        foreach (var (symbol, returnCall, returnedReference) in facts.Returns)
        {
            foreach (var (otherSymbol, otherCall, _) in facts.Returns)
            {
                if (ReferenceEquals(otherCall, returnCall) || !SymbolEqualityComparer.Default.Equals(symbol, otherSymbol) ||
                    !Flow.Reaches(returnCall.Syntax, otherCall.Syntax) || Reassigned(facts, symbol, returnCall.Syntax, otherCall.Syntax) ||
                    !reportedDouble.Add(otherCall.Syntax))
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, otherCall.Syntax.GetLocation(), symbol.Name));
            }

            foreach (var reference in facts.References)
            {
                if (!SymbolEqualityComparer.Default.Equals(TrackedSymbol(reference), symbol) || IsWrite(reference) ||
                    IsArgumentOfReturn(facts, reference) || IsInNameof(reference) ||
                    !Flow.Reaches(returnCall.Syntax, reference.Syntax) || Reassigned(facts, symbol, returnCall.Syntax, reference.Syntax))
                {
                    continue;
                }

                if (reportedUse.Add(reference.Syntax))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterReturn, reference.Syntax.GetLocation(), symbol.Name));
                }

                break; // the first use after each return is enough
            }
        }
    }

    // HOT303.
    private static void ReportLeaks(OperationBlockAnalysisContext context, BodyFacts facts, PoolMethods pools)
    {
        foreach (var rent in facts.Rents)
        {
            var (target, statement) = RentTarget(rent);
            if (target is null)
            {
                if (IsDiscarded(rent))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), rent.Syntax.ToString()));
                }

                continue; // handed straight on: an argument, a return value, a field, an initializer
            }

            if (target is not ILocalSymbol local || statement is null || HandedOn(facts, local, pools))
            {
                continue;
            }

            if (!Flow.AlwaysReturnedAfter(statement, local, facts, context.CancellationToken))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), local.Name));
            }
        }
    }

    /// <summary>The local a rent is stored in and the statement that stores it, or (null, null) when it is not stored in a local.</summary>
    private static (ISymbol? Target, StatementSyntax? Statement) RentTarget(IInvocationOperation rent)
    {
        var parent = rent.Parent;
        while (parent is IConversionOperation { OperatorMethod: null } or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return (declarator.Symbol, declarator.Syntax.FirstAncestorOrSelf<StatementSyntax>());
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Parent is IExpressionStatementOperation:
                return (local.Local, assignment.Syntax.FirstAncestorOrSelf<StatementSyntax>());
            default:
                return (null, null);
        }
    }

    /// <summary>A rent whose result is thrown away or only dereferenced (<c>pool.Rent();</c>, <c>pool.Rent().X = 1;</c>).</summary>
    private static bool IsDiscarded(IInvocationOperation rent)
    {
        var parent = rent.Parent;
        while (parent is IConversionOperation { OperatorMethod: null } or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent is IExpressionStatementOperation or IMemberReferenceOperation or IArrayElementReferenceOperation ||
            parent is IInvocationOperation { Instance: { } instance } && Unwrap(instance) == rent;
    }

    /// <summary>Whether any reference hands the local on: stores, returns, passes (except to Return) or captures it.</summary>
    private static bool HandedOn(BodyFacts facts, ILocalSymbol local, PoolMethods pools)
    {
        foreach (var reference in facts.References)
        {
            if (reference is not ILocalReferenceOperation { Local: var referenced } || !SymbolEqualityComparer.Default.Equals(referenced, local) || IsWrite(reference))
            {
                continue;
            }

            if (reference.Syntax.Ancestors().Any(static a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                return true; // captured: whoever runs the lambda owns it now
            }

            IOperation current = reference;
            var parent = current.Parent;
            while (parent is IConversionOperation { OperatorMethod: null } or IParenthesizedOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IArgumentOperation argument:
                    if (argument.Parent is IInvocationOperation invocation)
                    {
                        if (pools.IsReturn(invocation.TargetMethod))
                        {
                            continue; // returned, not handed on
                        }

                        if (invocation.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0)
                        {
                            continue; // buffer.AsSpan(): a use, not a hand-over
                        }
                    }

                    return true;
                case ISimpleAssignmentOperation assignment when assignment.Value == current:
                case IVariableInitializerOperation:
                case IReturnOperation:
                case ITupleOperation:
                case IArrayInitializerOperation:
                case IPropertyInitializerOperation:
                case IFieldInitializerOperation:
                case IAnonymousObjectCreationOperation:
                case ICoalesceAssignmentOperation:
                    return true;
                default:
                    if (parent?.Kind.ToString() == "CollectionExpression" || parent?.Kind.ToString() == "Spread")
                    {
                        return true; // newer operation kinds, matched by name so the 4.8 compiler API suffices
                    }

                    break;
            }
        }

        return false;
    }

    private static bool Reassigned(BodyFacts facts, ISymbol symbol, SyntaxNode from, SyntaxNode to)
    {
        foreach (var reference in facts.References)
        {
            if (IsWrite(reference) && SymbolEqualityComparer.Default.Equals(TrackedSymbol(reference), symbol) &&
                reference.Syntax.SpanStart > from.Span.End && reference.Syntax.SpanStart < to.SpanStart)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsArgumentOfReturn(BodyFacts facts, IOperation reference)
    {
        foreach (var (_, _, returned) in facts.Returns)
        {
            if (returned == reference)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWrite(IOperation reference)
    {
        var parent = reference.Parent;
        return parent is ISimpleAssignmentOperation assignment && assignment.Target == reference ||
            parent is IDeconstructionAssignmentOperation ||
            parent is IArgumentOperation { Parameter.RefKind: RefKind.Out };
    }

    private static bool IsInNameof(IOperation reference) =>
        reference.Syntax.Ancestors().OfType<InvocationExpressionSyntax>().Any(static i => i.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" });

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { OperatorMethod: null } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static ISymbol? TrackedSymbol(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary>What one operation block contains that matters here.</summary>
    internal sealed class BodyFacts
    {
        public List<IInvocationOperation> Rents { get; } = new();

        public List<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)> Returns { get; } = new();

        public List<IOperation> References { get; } = new();

        public bool IsReturnOf(SyntaxNode node, ISymbol symbol)
        {
            foreach (var (returnedSymbol, call, _) in Returns)
            {
                if (call.Syntax == node && SymbolEqualityComparer.Default.Equals(returnedSymbol, symbol))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The rent and return methods of the pools this analyzer knows, resolved once per compilation.</summary>
    private sealed class PoolMethods
    {
        private readonly INamedTypeSymbol? _hotpathPool;
        private readonly INamedTypeSymbol? _objectPool;
        private readonly INamedTypeSymbol? _arrayPool;

        private PoolMethods(INamedTypeSymbol? hotpathPool, INamedTypeSymbol? objectPool, INamedTypeSymbol? arrayPool)
        {
            _hotpathPool = hotpathPool;
            _objectPool = objectPool;
            _arrayPool = arrayPool;
        }

        public static PoolMethods? Create(Compilation compilation)
        {
            var hotpath = compilation.GetTypeByMetadataName("Hotpath.Pool`1");
            var objectPool = compilation.GetTypeByMetadataName("Microsoft.Extensions.ObjectPool.ObjectPool`1");
            var arrayPool = compilation.GetTypeByMetadataName("System.Buffers.ArrayPool`1");
            return hotpath is null && objectPool is null && arrayPool is null ? null : new PoolMethods(hotpath, objectPool, arrayPool);
        }

        public bool IsRent(IMethodSymbol method) => Matches(method, "Rent", "Get");

        public bool IsReturn(IMethodSymbol method) => Matches(method, "Return", "Return");

        private bool Matches(IMethodSymbol method, string poolName, string objectPoolName)
        {
            for (IMethodSymbol? current = method; current is not null; current = current.OverriddenMethod)
            {
                var type = current.ContainingType.OriginalDefinition;
                if ((SymbolEqualityComparer.Default.Equals(type, _hotpathPool) || SymbolEqualityComparer.Default.Equals(type, _arrayPool)) && current.Name == poolName)
                {
                    return true;
                }

                if (SymbolEqualityComparer.Default.Equals(type, _objectPool) && current.Name == objectPoolName)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
