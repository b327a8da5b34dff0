using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Pooling;

/// <summary>
/// HOT301 and HOT302 for a field of the instance (<c>_buffer</c>, <c>this._buffer</c>) or a static field returned to a pool:
/// a use or a second return of it later in the same method, on a path from the return, with nothing in between that could
/// change the field: no write of it (through another instance too: it may be this one), no lock taken or released (another
/// thread may have written it), and no code of someone else (a call, a property, a constructor, an operator, an await; a
/// static pool property such as <c>ArrayPool&lt;T&gt;.Shared</c> aside). A field taken by <c>ref</c> anywhere in the method
/// is left alone, and so are loops' back edges.
/// </summary>
public sealed partial class PoolMisuseAnalyzer
{
    private static void ReportFieldsAfterReturn(OperationBlockAnalysisContext context, IOperation root, BodyFacts facts, PoolMethods pools)
    {
        if (facts.FieldReturns.Count == 0)
        {
            return;
        }

        var fields = new HashSet<IFieldSymbol>(facts.FieldReturns.Select(static r => r.Field), SymbolEqualityComparer.Default);
        var references = new Dictionary<IFieldSymbol, List<IFieldReferenceOperation>>(SymbolEqualityComparer.Default);
        var byRef = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        var opaqueEnds = new List<int>(); // where code that may write the field runs: at the end of the operation
        List<(IFieldSymbol Field, int End)>? aliasWrites = null; // writes of the field through another reference, where they end
        foreach (var operation in root.Descendants())
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (operation is IFieldReferenceOperation field && fields.Contains(field.Field) && IsOwnField(field))
            {
                if (!references.TryGetValue(field.Field, out var list))
                {
                    references[field.Field] = list = new List<IFieldReferenceOperation>();
                }

                list.Add(field);
                if (TakenByRef(field))
                {
                    byRef.Add(field.Field);
                }
            }
            else if (operation is IFieldReferenceOperation other && fields.Contains(other.Field) && (IsWrite(other) || TakenByRef(other)))
            {
                // other._buffer = b;: other may be this instance.
                (aliasWrites ??= new List<(IFieldSymbol, int)>()).Add((other.Field, (IsWrite(other) && other.Parent is { } write ? write : other).Syntax.Span.End));
            }

            if (MayRunOtherCode(operation, pools))
            {
                opaqueEnds.Add(operation.Syntax.Span.End);
            }

            if (operation is ILockOperation)
            {
                // Taking a lock sees what other threads wrote under it; once it is released they may write again.
                opaqueEnds.Add(operation.Syntax.SpanStart + 1);
                opaqueEnds.Add(operation.Syntax.Span.End);
            }

            if (operation is IAssignmentOperation { Target: IInstanceReferenceOperation })
            {
                opaqueEnds.Add(operation.Syntax.Span.End); // this = other; in a struct writes every field
            }

            if (operation is IUsingDeclarationOperation && operation.Syntax.Parent is { } scope)
            {
                opaqueEnds.Add(scope.Span.End); // using var x = …;: x.Dispose() runs at the end of its block
            }
        }

        opaqueEnds.Sort();
        foreach (var list in references.Values)
        {
            list.Sort(static (a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        }

        var writesOf = new Dictionary<IFieldSymbol, List<int>>(SymbolEqualityComparer.Default);
        var reportedDouble = new HashSet<SyntaxNode>();
        var reportedUse = new HashSet<SyntaxNode>();
        foreach (var (field, returnCall, returned) in facts.FieldReturns)
        {
            if (byRef.Contains(field) || !references.TryGetValue(field, out var list))
            {
                continue;
            }

            var after = returnCall.Syntax.Span.End;
            var function = Flow.Function(returnCall.Syntax);
            if (!writesOf.TryGetValue(field, out var writes))
            {
                writesOf[field] = writes = list.Where(static r => IsWrite(r)).Select(static r => r.Syntax.SpanStart).ToList(); // in order, as the list
                if (aliasWrites is not null && aliasWrites.Any(w => SymbolEqualityComparer.Default.Equals(w.Field, field)))
                {
                    writes.AddRange(aliasWrites.Where(w => SymbolEqualityComparer.Default.Equals(w.Field, field)).Select(static w => w.End));
                    writes.Sort();
                }
            }

            var loops = Flow.LoopsRepeating(returnCall.Syntax).ToList();
            var flag = facts.Flags.SetAfter(returnCall, field); // `pool.Return(_buffer); returned = true;`
            var reportedDoubleHere = false;
            var usedHere = false;
            for (var i = SortedPositions.FirstOperationAtLeast(list, after); i < list.Count; i++)
            {
                var reference = list[i];
                var start = reference.Syntax.SpanStart;
                if (reference == returned)
                {
                    continue;
                }

                // From the return, or from the top of a loop around it that the reference is after (its condition runs on
                // the way out), nothing may write the field or run code that could.
                var from = after;
                foreach (var loop in loops)
                {
                    if (!loop.Span.Contains(reference.Syntax.Span))
                    {
                        from = loop.SpanStart;
                    }
                }

                if (Within(writes, from, start) || Within(opaqueEnds, from + 1, start))
                {
                    if (loops.Count == 0 || !loops[loops.Count - 1].Span.Contains(reference.Syntax.Span))
                    {
                        break; // and so for every later reference: they are all after the loops too
                    }

                    continue;
                }

                if (Flow.Function(reference.Syntax) != function || !Flow.Reaches(returnCall.Syntax, reference.Syntax) ||
                    (flag is { } set && facts.Flags.Excludes(set, reference, returnCall.Syntax, loop: null)))
                {
                    continue;
                }

                if (facts.FieldReturnOf(reference) is { } otherCall)
                {
                    if (!reportedDoubleHere && reportedDouble.Add(otherCall.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, otherCall.Syntax.GetLocation(), field.Name));
                    }

                    reportedDoubleHere = true;
                }
                else if (!usedHere && !IsWrite(reference) && !IsInNameof(reference) && !IsReferenceComparison(reference))
                {
                    if (reportedUse.Add(reference.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterReturn, reference.Syntax.GetLocation(), field.Name, UsedAfterReturn));
                    }

                    usedHere = true;
                }

                if (reportedDoubleHere && usedHere)
                {
                    break;
                }
            }
        }
    }

    /// <summary>A field of this instance (<c>_f</c>, <c>this._f</c>) or a static field: the same storage wherever the method names it.</summary>
    private static bool IsOwnField(IFieldReferenceOperation field) =>
        field.Field.IsStatic ? field.Instance is null : field.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    // `ref _f`, `out _f`, `ref var r = ref _f`, `&_f`: written where the method cannot see it.
    internal static bool TakenByRef(IOperation reference) => reference.Parent switch
    {
        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
        IArgumentOperation { Parameter: null } => true,
        IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None } } => true,
        ISimpleAssignmentOperation { IsRef: true } => true,
        IAddressOfOperation => true,
        _ => reference.Syntax.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.RefExpressionSyntax,
    };

    /// <summary>
    /// Whether <paramref name="operation"/> may run code of someone else (which could write the field): a call other than a
    /// pool's Return, a property or indexer (but a static pool property and an array's or a string's Length), a constructor, a user-defined operator or
    /// conversion, an await, a foreach (its enumerator), an interpolation (ToString), a delegate or dynamic call, a
    /// recursive pattern (its getters and Deconstruct), a deconstruction of anything but a tuple literal (its Deconstruct), an
    /// event, a yield return (the caller runs in between).
    /// </summary>
    private static bool MayRunOtherCode(IOperation operation, PoolMethods pools) => operation switch
    {
        IInvocationOperation invocation => !pools.IsReturn(invocation.TargetMethod),
        IPropertyReferenceOperation property => !(property.Instance is null && pools.IsPoolType(property.Type)) &&
            property.Property.ContainingType.SpecialType is not (SpecialType.System_Array or SpecialType.System_String), // an array's or a string's Length
        IObjectCreationOperation or IAwaitOperation or IForEachLoopOperation or IInterpolatedStringOperation or IDynamicInvocationOperation or
            IDynamicMemberReferenceOperation or IDynamicIndexerAccessOperation or IDynamicObjectCreationOperation or IRecursivePatternOperation or
            IEventReferenceOperation or IEventAssignmentOperation or IUsingOperation or IUsingDeclarationOperation or IImplicitIndexerReferenceOperation or
            IInvalidOperation or IFunctionPointerInvocationOperation or ITypeParameterObjectCreationOperation or IWithOperation => true,
        IReturnOperation { Kind: OperationKind.YieldReturn } => true,
        IDeconstructionAssignmentOperation { Value: var value } => value is not ITupleOperation, // var (a, b) = x; calls x.Deconstruct
        IUnaryOperation { OperatorMethod: not null } or IBinaryOperation { OperatorMethod: not null } or IConversionOperation { OperatorMethod: not null } or
            ICompoundAssignmentOperation { OperatorMethod: not null } or IIncrementOrDecrementOperation { OperatorMethod: not null } => true,
        _ => false,
    };

    // Whether a position of the sorted list lies in [first, end).
    private static bool Within(List<int> sorted, int first, int end) => SortedPositions.FirstAtLeast(sorted, first) is var index && index < sorted.Count && sorted[index] < end;
}
