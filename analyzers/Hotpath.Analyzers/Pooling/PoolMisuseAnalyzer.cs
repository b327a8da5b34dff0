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
public sealed partial class PoolMisuseAnalyzer : DiagnosticAnalyzer
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
            // A field or property initializer holds no statements of its own, but its lambdas do.
            if (root.Kind is not (OperationKind.MethodBody or OperationKind.ConstructorBody or OperationKind.Block or
                    OperationKind.FieldInitializer or OperationKind.PropertyInitializer))
            {
                continue;
            }

            var facts = new BodyFacts();
            List<IInvocationOperation>? localFunctionCalls = null;
            List<ILocalFunctionOperation>? localFunctions = null;
            foreach (var operation in root.Descendants())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case IInvocationOperation invocation when pools.IsRent(invocation.TargetMethod):
                        facts.Rents.Add(invocation);
                        break;
                    case IInvocationOperation invocation when pools.IsLease(invocation.TargetMethod):
                        if (LeasedLocal(invocation) is ({ } leased, { } scope))
                        {
                            facts.Leases.Add((leased, invocation, scope));
                        }
                        else if (UsingScope(invocation) is null)
                        {
                            facts.OpenLeases.Add(invocation);
                        }

                        break;
                    case IInvocationOperation invocation when pools.IsReturn(invocation.TargetMethod):
                        if (invocation.Arguments.Length > 0 && Unwrap(invocation.Arguments[0].Value) is { } returned)
                        {
                            if (TrackedSymbol(returned) is { } symbol)
                            {
                                facts.Returns.Add((symbol, invocation, returned));
                            }
                            else if (TupleElementOf(returned) is ({ } tuple, { } elementPath))
                            {
                                facts.ElementReturns.Add((tuple, elementPath, invocation, returned));
                            }
                            else if (returned is IFieldReferenceOperation field && IsOwnField(field))
                            {
                                facts.FieldReturns.Add((field.Field, invocation, field));
                            }
                        }

                        break;
                    case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } invocation:
                        (localFunctionCalls ??= new()).Add(invocation);
                        break;
                    case ILocalFunctionOperation localFunction:
                        (localFunctions ??= new()).Add(localFunction);
                        break;
                    case ILocalReferenceOperation or IParameterReferenceOperation:
                        facts.References.Add(operation);
                        break;
                }
            }

            if (localFunctions is not null && localFunctionCalls is not null && facts.Returns.Count > 0)
            {
                AddLocalFunctionReturns(facts, localFunctions, localFunctionCalls);
            }

            ReportFieldsAfterReturn(context, root, facts, pools);
            if (facts.Rents.Count == 0 && facts.Returns.Count == 0 && facts.Leases.Count == 0 && facts.OpenLeases.Count == 0)
            {
                continue;
            }

            AddPatternSourceReturns(facts);

            ReportAfterReturn(context, facts);
            ReportLeaks(context, facts, pools);
            ReportLeaseLeaks(context, facts, pools);
            ReportAroundLeaseDispose(context, facts);
        }
    }

    /// <summary>
    /// A call of a local function that returns a variable of the method on every path (<c>void Give() =&gt;
    /// pool.Return(b);</c>), and does not write it, is a return of that variable where it is called: two calls on one path
    /// return it twice (HOT302), a use after one is HOT301. So is one that returns its parameter (<c>void Give(byte[] a) =&gt;
    /// pool.Return(a);</c>), for the variable passed to it. Only direct calls, from outside that local function.
    /// </summary>
    private static void AddLocalFunctionReturns(BodyFacts facts, List<ILocalFunctionOperation> localFunctions, List<IInvocationOperation> calls)
    {
        // The returns directly in each local function, and the calls of each (gathered once: a method may hold hundreds).
        var returnsIn = new Dictionary<SyntaxNode, List<ISymbol>>();
        foreach (var (symbol, call, _) in facts.Returns)
        {
            if (Flow.Function(call.Syntax) is LocalFunctionStatementSyntax function)
            {
                if (!returnsIn.TryGetValue(function, out var symbols))
                {
                    returnsIn[function] = symbols = new List<ISymbol>();
                }

                if (!symbols.Contains(symbol, SymbolEqualityComparer.Default))
                {
                    symbols.Add(symbol);
                }
            }
        }

        if (returnsIn.Count == 0)
        {
            return;
        }

        var callsOf = new Dictionary<IMethodSymbol, List<IInvocationOperation>>(SymbolEqualityComparer.Default);
        foreach (var call in calls)
        {
            if (!callsOf.TryGetValue(call.TargetMethod.OriginalDefinition, out var list))
            {
                callsOf[call.TargetMethod.OriginalDefinition] = list = new List<IInvocationOperation>();
            }

            list.Add(call);
        }

        List<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)>? added = null;
        var writtenInNested = new Dictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
        foreach (var localFunction in localFunctions)
        {
            if (!returnsIn.TryGetValue(localFunction.Syntax, out var candidates) || !callsOf.TryGetValue(localFunction.Symbol, out var callsOfThis))
            {
                continue;
            }

            var span = localFunction.Syntax.Span;
            foreach (var symbol in candidates)
            {
                // A variable of the method, or a parameter of the local function (the argument passed for it).
                var parameter = symbol is IParameterSymbol { RefKind: RefKind.None or RefKind.In } p &&
                    SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, localFunction.Symbol) ? p : null;
                if ((parameter is null && (symbol.DeclaringSyntaxReferences.Any(r => span.Contains(r.Span)) || WrittenInNestedFunction(facts, symbol, writtenInNested))) ||
                    facts.FirstWriteAfter(symbol, span.Start - 1) < span.End ||
                    !Flow.AlwaysReturnsBody((LocalFunctionStatementSyntax)localFunction.Syntax, symbol, facts))
                {
                    continue;
                }

                foreach (var call in callsOfThis)
                {
                    if (span.Contains(call.Syntax.Span))
                    {
                        continue; // a recursive call
                    }

                    if (parameter is null)
                    {
                        (added ??= new()).Add((symbol, call, call));
                    }
                    else if (call.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter, parameter)) is { ArgumentKind: ArgumentKind.Explicit } argument &&
                        Unwrap(argument.Value) is { } passed && TrackedSymbol(passed) is { } passedSymbol)
                    {
                        (added ??= new()).Add((passedSymbol, call, passed));
                    }
                }
            }
        }

        if (added is not null)
        {
            facts.AddReturns(added);
        }
    }

    /// <summary>
    /// Whether a lambda or local function writes the variable of the method, or takes it by <c>ref</c>: a local function
    /// that returns it may call that one after (<c>void Give() { pool.Return(b); Renew(); }</c> with <c>void Renew() =&gt;
    /// b = pool.Rent(8);</c>), and then it holds a new object.
    /// </summary>
    private static bool WrittenInNestedFunction(BodyFacts facts, ISymbol symbol, Dictionary<ISymbol, bool> known)
    {
        if (!known.TryGetValue(symbol, out var written))
        {
            var declaredIn = symbol.DeclaringSyntaxReferences.Length == 1 ? Flow.Function(symbol.DeclaringSyntaxReferences[0].GetSyntax()) : null;
            written = declaredIn is null || facts.ReferencesTo(symbol).Any(reference => Flags.MayWrite(reference) && Flow.Function(reference.Syntax) != declaredIn);
            known[symbol] = written;
        }

        return written;
    }

    /// <summary>
    /// A return of a local bound by a pattern from another local (<c>if (x is { } p) pool.Return(p);</c>, also
    /// <c>is T p</c>, <c>is not { } p</c>) returns that local's object too, while neither was written since the test:
    /// adds it as a return of the tested local, so a use or a return of <c>x</c> after it is HOT301 or HOT302.
    /// </summary>
    private static void AddPatternSourceReturns(BodyFacts facts)
    {
        List<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)>? added = null;
        foreach (var (symbol, call, returned) in facts.Returns)
        {
            if (symbol is not ILocalSymbol bound ||
                !bound.DeclaringSyntaxReferences.Any(static d => d.GetSyntax() is SingleVariableDesignationSyntax { Parent: DeclarationPatternSyntax or RecursivePatternSyntax }))
            {
                continue; // not a pattern variable
            }

            foreach (var reference in facts.References)
            {
                if (reference.Syntax.SpanStart < call.Syntax.SpanStart && TrackedSymbol(reference) is ILocalSymbol source &&
                    !SymbolEqualityComparer.Default.Equals(source, bound) &&
                    TransparentParent(reference, out var tested) is IIsPatternOperation isPattern && isPattern.Value == tested &&
                    SymbolEqualityComparer.Default.Equals(DeclaredLocal(isPattern.Pattern), bound) &&
                    facts.FirstWriteAfter(source, reference.Syntax.Span.End) > call.Syntax.SpanStart &&
                    facts.FirstWriteAfter(bound, reference.Syntax.Span.End) > call.Syntax.SpanStart)
                {
                    (added ??= new()).Add((source, call, returned));
                }
            }
        }

        if (added is not null)
        {
            facts.Returns.AddRange(added);
            facts.Returns.Sort(static (a, b) => a.Call.Syntax.SpanStart.CompareTo(b.Call.Syntax.SpanStart));
        }
    }

    // HOT301 and HOT302.
    private static void ReportAfterReturn(OperationBlockAnalysisContext context, BodyFacts facts)
    {
        var reportedDouble = new HashSet<SyntaxNode>();
        var reportedUse = new HashSet<SyntaxNode>();
        foreach (var (symbol, returnCall, returnedReference) in facts.Returns)
        {
            // Only what starts after the return and no later than the next write of the symbol can be reached from
            // it without a reassignment; the checks below are the whole rule, applied in the original order.
            // (Reassigned is checked before Flow.Reaches: both are pure, and it is the cheap one.)
            var after = returnCall.Syntax.Span.End;
            var until = facts.FirstWriteAfter(symbol, after);

            // A flag set right after the return (`pool.Return(b); returned = true;`, or a rented flag cleared: `rented = false;`)
            // keeps what runs only while it has the other value (`if (!returned) pool.Return(b);`) off every path from it.
            var flag = facts.Flags.SetAfter(returnCall, symbol);
            foreach (var (_, otherCall, _) in facts.ReturnsBetween(symbol, after, until))
            {
                if (ReferenceEquals(otherCall, returnCall) || Reassigned(facts, symbol, returnCall.Syntax, otherCall.Syntax) ||
                    !Flow.Reaches(returnCall.Syntax, otherCall.Syntax) ||
                    (flag is { } set && facts.Flags.Excludes(set, otherCall, returnCall.Syntax, loop: null)) ||
                    !reportedDouble.Add(otherCall.Syntax))
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, otherCall.Syntax.GetLocation(), symbol.Name));
            }

            var used = false;
            foreach (var reference in facts.ReferencesBetween(symbol, after, until))
            {
                if (!IsUse(facts, reference) ||
                    Reassigned(facts, symbol, returnCall.Syntax, reference.Syntax) || !Flow.Reaches(returnCall.Syntax, reference.Syntax) ||
                    (flag is { } set && facts.Flags.Excludes(set, reference, returnCall.Syntax, loop: null)))
                {
                    continue;
                }

                if (reportedUse.Add(reference.Syntax))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterReturn, reference.Syntax.GetLocation(), symbol.Name, UsedAfterReturn));
                }

                used = true;
                break; // the first use after each return is enough
            }

            ReportThroughLoops(context, facts, symbol, returnCall, flag, used, reportedDouble, reportedUse);
        }

        ReportViewsAfterReturn(context, facts, reportedUse);

        // A lease disposed by a using returns its object on every way out of the using: an explicit Return of that
        // object after the lease (and before the variable is written again) is a second return.
        foreach (var (leased, leaseCall, scope) in facts.Leases)
        {
            ReportOutlivingLease(context, facts, leased, leaseCall, scope, reportedUse);
            var after = leaseCall.Syntax.Span.End;
            foreach (var (_, returnCall, _) in facts.ReturnsBetween(leased, after, facts.FirstWriteAfter(leased, after)))
            {
                if (Flow.Reaches(leaseCall.Syntax, returnCall.Syntax) && reportedDouble.Add(returnCall.Syntax))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, returnCall.Syntax.GetLocation(), leased.Name));
                }
            }
        }
    }

    /// <summary>
    /// HOT301 for a span or memory local made from an array before the array was returned (<c>var span =
    /// buffer.AsSpan(0, n);</c>, <c>Span&lt;byte&gt; span = buffer;</c>, <c>new Memory&lt;byte&gt;(buffer)</c>, sliced or not):
    /// it views the same memory, so a use of it on a path after the <c>Return</c> reads or writes the pool's array. Only a
    /// view declared once (never written again, nor passed by <c>ref</c>) from the array as it was returned (not written in
    /// between) is followed.
    /// </summary>
    private static void ReportViewsAfterReturn(OperationBlockAnalysisContext context, BodyFacts facts, HashSet<SyntaxNode> reportedUse)
    {
        // The views of each array, with where each is first written otherwise than by a slice of itself (`span = span.Slice(1);`,
        // `span = span[1..];` keep it on the array; any other write ends it there: before the return it no longer views the
        // array, after it the uses that follow it are left alone). Found once per view, not per return.
        Dictionary<ISymbol, List<(IVariableDeclaratorOperation View, int OtherWrite)>>? viewsOf = null;
        foreach (var reference in facts.References)
        {
            if (reference.Type is IArrayTypeSymbol && TrackedSymbol(reference) is { } array && !IsWrite(reference) && ViewDeclaredFrom(reference) is { } view)
            {
                viewsOf ??= new Dictionary<ISymbol, List<(IVariableDeclaratorOperation, int)>>(SymbolEqualityComparer.Default);
                if (!viewsOf.TryGetValue(array, out var list))
                {
                    viewsOf[array] = list = new List<(IVariableDeclaratorOperation, int)>();
                }

                list.Add((view, view.Symbol.IsRef ? int.MaxValue : FirstWriteOtherThanSlice(facts, view.Symbol, view.Syntax.Span.End)));
            }
        }

        if (viewsOf is null)
        {
            return;
        }

        foreach (var (symbol, returnCall, _) in facts.Returns)
        {
            if (!viewsOf.TryGetValue(symbol, out var views))
            {
                continue;
            }

            (ILocalSymbol Flag, bool Value)? flag = null;
            var flagFound = false;
            foreach (var (view, otherWrite) in views)
            {
                var declared = view.Syntax.FirstAncestorOrSelf<StatementSyntax>();
                if (declared is null ||
                    facts.FirstWriteAfter(symbol, view.Syntax.Span.End) < returnCall.Syntax.SpanStart ||
                    (view.Symbol.IsRef
                        ? facts.ReferencesTo(view.Symbol).Any(static r => r.Parent is ISimpleAssignmentOperation { IsRef: true } rebind && rebind.Target == r)
                        : otherWrite < returnCall.Syntax.SpanStart) ||
                    facts.ReferencesTo(view.Symbol).Any(static r => r.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Ref }) ||
                    !Flow.Reaches(declared, returnCall.Syntax))
                {
                    continue;
                }

                if (!flagFound)
                {
                    flag = facts.Flags.SetAfter(returnCall, symbol);
                    flagFound = true;
                }

                foreach (var reference in facts.ReferencesBetween(view.Symbol, returnCall.Syntax.Span.End, otherWrite))
                {
                    if (IsInNameof(reference) || IsWrite(reference) || !Flow.Reaches(returnCall.Syntax, reference.Syntax) ||
                        (flag is { } set && facts.Flags.Excludes(set, reference, returnCall.Syntax, loop: null)))
                    {
                        continue;
                    }

                    if (reportedUse.Add(reference.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterReturn, reference.Syntax.GetLocation(), view.Symbol.Name,
                            "views '" + symbol.Name + "', which was returned to the pool"));
                    }

                    break; // the first use after each return is enough
                }
            }
        }
    }

    /// <summary>
    /// Where the first write of a view local after <paramref name="after"/> starts that does not slice the view itself
    /// (<c>span = span.Slice(1)</c>, <c>span = span[1..]</c>, <c>memory = memory.Slice(0, n)</c>), or <see cref="int.MaxValue"/>.
    /// </summary>
    private static int FirstWriteOtherThanSlice(BodyFacts facts, ISymbol view, int after)
    {
        for (var write = facts.FirstWriteAfter(view, after); write != int.MaxValue; write = facts.FirstWriteAfter(view, write))
        {
            var slicesItself = false;
            foreach (var reference in facts.ReferencesBetween(view, write, write))
            {
                slicesItself = reference.Parent is ISimpleAssignmentOperation { IsRef: false } assignment && assignment.Target == reference &&
                    IsSliceOf(Unwrap(assignment.Value), view);
            }

            if (!slicesItself)
            {
                return write;
            }
        }

        return int.MaxValue;
    }

    // `view.Slice(…)` or `view[range]` of the view local, as a view.
    private static bool IsSliceOf(IOperation value, ISymbol view) => value switch
    {
        IInvocationOperation { TargetMethod.Name: "Slice", Instance: { } instance } slice =>
            IsView(slice.Type) && TrackedSymbol(instance) is { } sliced && SymbolEqualityComparer.Default.Equals(sliced, view),
        IImplicitIndexerReferenceOperation { Instance: var instance, Argument.Type.Name: "Range" } indexer =>
            IsView(indexer.Type) && TrackedSymbol(instance) is { } sliced && SymbolEqualityComparer.Default.Equals(sliced, view),
        _ => false,
    };

    /// <summary>
    /// The declarator of a span, memory or array segment local whose initializer views the array read by
    /// <paramref name="reference"/>: the array converted, <c>AsSpan</c>/<c>AsMemory</c> of it, <c>new Span&lt;T&gt;(array, …)</c>,
    /// any of them sliced; or of a ref local to one of its elements (<c>ref byte first = ref array[0];</c>); null otherwise.
    /// </summary>
    private static IVariableDeclaratorOperation? ViewDeclaredFrom(IOperation reference)
    {
        var current = reference;
        var parent = reference.Parent;
        while (parent is not null)
        {
            switch (parent)
            {
                case IConversionOperation or IParenthesizedOperation:
                    break;
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } extension } argument
                        when argument.Parameter?.Ordinal == 0 && IsView(extension.Type):
                    parent = extension; // buffer.AsSpan(0, n)
                    break;
                case IArgumentOperation { Parent: IObjectCreationOperation creation } argument
                        when argument.Parameter?.Ordinal == 0 && IsView(creation.Type):
                    parent = creation; // new Span<byte>(buffer, 0, n)
                    break;
                case IInvocationOperation slice when slice.Instance == current && IsView(slice.Type) && IsView(current.Type):
                    break; // span.Slice(1)
                case IImplicitIndexerReferenceOperation { Argument.Type.Name: "Range" } range when range.Instance == current && IsView(range.Type) && IsView(current.Type):
                    break; // span[1..]
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } when IsView(declarator.Symbol.Type):
                    return declarator;
                case IArrayElementReferenceOperation element when element.ArrayReference == current:
                    // ref byte first = ref buffer[0];
                    return element.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None } refLocal }
                        ? refLocal
                        : null;
                default:
                    return null;
            }

            current = parent;
            parent = parent.Parent;
        }

        return null;
    }

    /// <summary>Whether a value of this type views an array's memory: <c>Span&lt;T&gt;</c>, <c>ReadOnlySpan&lt;T&gt;</c>, <c>Memory&lt;T&gt;</c>, <c>ReadOnlyMemory&lt;T&gt;</c>, <c>ArraySegment&lt;T&gt;</c>.</summary>
    private static bool IsView(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } named &&
        named.Name is "Span" or "ReadOnlySpan" or "Memory" or "ReadOnlyMemory" or "ArraySegment";

    /// <summary>HOT301's usual reason.</summary>
    private const string UsedAfterReturn = "is used after it was returned to the pool";

    /// <summary>
    /// HOT301 for a reference to a leased object that outlives the lease: a use after the using statement that
    /// disposes it (not written again on the way), and, within the lease, a <c>return x</c> (the lease returns it as
    /// the method returns) or a store into anything but a local (a field, a property, an array element).
    /// </summary>
    private static void ReportOutlivingLease(
        OperationBlockAnalysisContext context, BodyFacts facts, ILocalSymbol leased, IInvocationOperation leaseCall, SyntaxNode scope, HashSet<SyntaxNode> reportedUse)
    {
        var function = Flow.Function(leaseCall.Syntax);
        var leaseEnd = leaseCall.Syntax.Span.End;
        var scopeEnd = scope.Span.End;
        foreach (var reference in facts.ReferencesBetween(leased, leaseEnd, facts.FirstWriteAfter(leased, leaseEnd)))
        {
            if (!IsUse(facts, reference) || Flow.Function(reference.Syntax) != function)
            {
                continue;
            }

            string? reason = null;
            if (reference.Syntax.SpanStart >= scopeEnd)
            {
                // After the using statement: only a statement holds the lease's whole scope (a using declaration's
                // block is the variable's scope too, and its end leaves the method or the loop iteration).
                if (scope is UsingStatementSyntax && Flow.Reaches(scope, reference.Syntax))
                {
                    reason = UsedAfterReturn;
                }
            }
            else
            {
                reason = OutlivingReason(reference);
            }

            if (reason is not null && reportedUse.Add(reference.Syntax))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterReturn, reference.Syntax.GetLocation(), leased.Name, reason));
                if (reference.Syntax.SpanStart >= scopeEnd)
                {
                    break; // the first use after the lease is enough
                }
            }
        }
    }

    /// <summary>
    /// Why a reference to a leased object inside the lease outlives it, or null: the object itself, or a part that goes
    /// back to the pool with it read straight from it (<c>x.Items</c>, <c>x.Buffer</c>: a member of a kind the generated
    /// <c>Reset</c> resets in place, not <c>[NoReset]</c>), returned or stored anywhere but a local,
    /// also through a reference conversion, <c>?:</c> or <c>??</c>. A value read or computed from the object (a count,
    /// a string, a user-defined conversion) is not the object.
    /// </summary>
    private static string? OutlivingReason(IOperation reference)
    {
        IOperation current = reference;
        string? part = null;
        if (reference.Parent is IMemberReferenceOperation { Instance: var instance } member && instance == reference &&
            member is IFieldReferenceOperation or IPropertyReferenceOperation && IsResetInPlace(member.Type) &&
            !member.Member.GetAttributes().Any(static a => a.AttributeClass is { Name: "NoResetAttribute", ContainingNamespace.Name: "Hotpath" }))
        {
            current = member;
            part = "hands out '" + member.Syntax + "', which goes back to the pool with it, ";
        }

        var parent = current.Parent;
        while (parent is IConversionOperation { OperatorMethod: null } or IParenthesizedOperation ||
            parent is IConditionalOperation conditional && conditional.Condition != current ||
            parent is ICoalesceOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        var target = parent switch
        {
            ISimpleAssignmentOperation assignment when assignment.Value == current => assignment.Target,
            ICoalesceAssignmentOperation assignment when assignment.Value == current => assignment.Target,
            _ => null,
        };
        if (parent is IReturnOperation)
        {
            return part is null
                ? "is returned, but its lease returns it to the pool when the method ends"
                : part + "as the return value, but its lease returns it to the pool when the method ends";
        }

        if (target is null || Unwrap(target) is ILocalReferenceOperation or IDiscardOperation)
        {
            return null;
        }

        return part is null
            ? "is stored in '" + target.Syntax + "', which outlives the lease that returns it to the pool"
            : part + "to '" + target.Syntax + "', which outlives the lease that returns it to the pool";
    }

    /// <summary>
    /// Whether a pooled object's member of this type is reset in place when the object is returned (the generated
    /// <c>Reset</c> clears collections and builders, clears arrays and resets nested pooled objects): an array, a
    /// <c>StringBuilder</c>, an <c>ICollection&lt;T&gt;</c> (dictionaries included), an <c>IResettable</c>.
    /// </summary>
    private static bool IsResetInPlace(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (type is IArrayTypeSymbol || type is { Name: "StringBuilder", ContainingNamespace: { Name: "Text", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } })
        {
            return true;
        }

        if (type is INamedTypeSymbol named && IsResetInterface(named))
        {
            return true;
        }

        foreach (var candidate in type.AllInterfaces)
        {
            if (IsResetInterface(candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsResetInterface(INamedTypeSymbol type) =>
        type.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.ICollection<T>" or "Microsoft.Extensions.ObjectPool.IResettable";

    /// <summary>
    /// The local a <c>Pool&lt;T&gt;.Lease(out x)</c> call hands out, when the lease it returns is disposed by a
    /// <c>using</c> (<c>using var lease = …</c>, <c>using (pool.Lease(out var x))</c>), with the lease's scope (the
    /// using statement, or the block that holds the using declaration); nulls otherwise.
    /// </summary>
    private static (ILocalSymbol? Local, SyntaxNode? Scope) LeasedLocal(IInvocationOperation lease)
    {
        if (lease.Arguments.Length != 1 || Unwrap(lease.Arguments[0].Value) is not { } argument)
        {
            return default;
        }

        var local = argument switch
        {
            IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared } => declared.Local,
            ILocalReferenceOperation reference => reference.Local,
            _ => null,
        };
        return local is not null && UsingScope(lease) is { } scope ? (local, scope) : default;
    }

    /// <summary>
    /// The scope of the using that disposes the lease a <c>Pool&lt;T&gt;.Lease</c> call returns (the using statement,
    /// or the block that holds the using declaration); null when no using disposes it.
    /// </summary>
    private static SyntaxNode? UsingScope(IInvocationOperation lease)
    {
        for (var parent = lease.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IUsingOperation @using:
                    return @using.Syntax;
                case IUsingDeclarationOperation declaration:
                    return declaration.Syntax.Parent is GlobalStatementSyntax global ? global.Parent : declaration.Syntax.Parent;
                case IConversionOperation or IParenthesizedOperation or IVariableInitializerOperation or IVariableDeclaratorOperation or
                    IVariableDeclarationOperation or IVariableDeclarationGroupOperation:
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    // HOT301 and HOT302 through a loop's back edge: a return in a loop body that runs again reaches the returns
    // and uses of the next iteration. Only when the variable outlives an iteration and nothing in the loop writes
    // it (a write may be the new rent), and the return can get to the next iteration without leaving the loop.
    private static void ReportThroughLoops(
        OperationBlockAnalysisContext context,
        BodyFacts facts,
        ISymbol symbol,
        IInvocationOperation returnCall,
        (ILocalSymbol Flag, bool Value)? flag,
        bool used,
        HashSet<SyntaxNode> reportedDouble,
        HashSet<SyntaxNode> reportedUse)
    {
        SyntaxNode? function = null;
        foreach (var loop in Flow.LoopsRepeating(returnCall.Syntax))
        {
            if (DeclaredWithin(symbol, loop) || facts.FirstWriteAfter(symbol, loop.SpanStart - 1) < loop.Span.End ||
                !Flow.ReachesNextIteration(returnCall.Syntax, loop))
            {
                continue;
            }

            function ??= Flow.Function(returnCall.Syntax);

            // A flag set after the return and declared outside the loop keeps its value on the next iteration.
            var loopFlag = flag is { } set && !DeclaredWithin(set.Flag, loop) ? flag : null;
            foreach (var (_, otherCall, _) in facts.ReturnsBetween(symbol, loop.SpanStart, loop.Span.End))
            {
                // The return itself included: run twice, it returns the same object twice.
                if (OnNextIteration(loop, otherCall.Syntax, function) &&
                    (loopFlag is not { } loopSet || !facts.Flags.Excludes(loopSet, otherCall, returnCall.Syntax, loop)) && reportedDouble.Add(otherCall.Syntax))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, otherCall.Syntax.GetLocation(), symbol.Name));
                }
            }

            if (used)
            {
                continue; // the first use after each return is enough, and one came before the back edge
            }

            foreach (var reference in facts.ReferencesBetween(symbol, loop.SpanStart, loop.Span.End))
            {
                if (!IsUse(facts, reference) || !OnNextIteration(loop, reference.Syntax, function) ||
                    (loopFlag is { } loopSet && facts.Flags.Excludes(loopSet, reference, returnCall.Syntax, loop)))
                {
                    continue;
                }

                if (reportedUse.Add(reference.Syntax))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterReturn, reference.Syntax.GetLocation(), symbol.Name, UsedAfterReturn));
                }

                used = true;
                break;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="node"/> runs on the loop's next iteration in the same function, other than in a
    /// catch (exception paths are not considered).
    /// </summary>
    private static bool OnNextIteration(StatementSyntax loop, SyntaxNode node, SyntaxNode? function) =>
        Flow.InRepeatedPart(loop, node) && Flow.Function(node) == function &&
        !node.Ancestors().TakeWhile(a => a != loop).Any(static a => a is CatchClauseSyntax);

    /// <summary>Whether <paramref name="symbol"/> is a local declared inside <paramref name="loop"/> (a new variable on each iteration).</summary>
    private static bool DeclaredWithin(ISymbol symbol, StatementSyntax loop) =>
        symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Any(r => loop.Span.Contains(r.Span));

    /// <summary>HOT303's usual reason; an overwrite names the assignment instead.</summary>
    private const string SomePath = "on some path neither returned nor handed on";

    // HOT303.
    private static void ReportLeaks(OperationBlockAnalysisContext context, BodyFacts facts, PoolMethods pools)
    {
        var handedOn = new Dictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default);
        foreach (var rent in facts.Rents)
        {
            if (DroppedByPattern(rent) is { } dropped)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), dropped, SomePath));
                continue;
            }

            if (PatternTargets(rent) is { Count: > 0 } bound)
            {
                foreach (var (boundLocal, scope) in bound)
                {
                    if (!handedOn.TryGetValue(boundLocal, out var isBoundHandedOn))
                    {
                        handedOn[boundLocal] = isBoundHandedOn = HandedOn(facts, boundLocal, pools);
                    }

                    var returned = isBoundHandedOn || scope switch
                    {
                        SwitchSectionSyntax section => Flow.AlwaysReturnedIn(section, boundLocal, facts),
                        StatementSyntax holder => Flow.AlwaysReturnedAfter(holder, boundLocal, facts, inHeader: true, context.CancellationToken),
                        _ => facts.ReturnsBetween(boundLocal, scope.SpanStart, scope.Span.End).Count > 0, // a switch expression arm
                    };
                    if (!returned)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), boundLocal.Name, SomePath));
                        break; // one report per rent
                    }
                }

                continue;
            }

            var tupleFate = InTuple(rent, out var tupleLocal, out var tupleStatement, out var path);
            if (tupleFate == TupleFate.HandedOn)
            {
                continue; // the tuple is returned, passed or stored
            }

            if (tupleFate == TupleFate.Dropped)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), rent.Syntax.ToString(), SomePath));
                continue;
            }

            if (tupleFate == TupleFate.Stored)
            {
                // Handed on anywhere (itself or with its tuple), as for a local, it is quiet; never returned, it leaks.
                // Only returned, it must be returned on every path after the tuple is stored, as a local must; while
                // the tuple local is written elsewhere too, paths are not followed (one return anywhere keeps it quiet).
                var kept = TupleElementKept(facts, tupleLocal!, path, pools);
                if (kept == ElementKept.No ||
                    (kept == ElementKept.Returned && tupleStatement is not null && !TupleWrittenElsewhere(facts, tupleLocal!, path, tupleStatement) &&
                        !Flow.AlwaysReturnedAfter(tupleStatement, tupleLocal!, facts.ForTupleElement(tupleLocal!, path), inHeader: false, context.CancellationToken)))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), TupleElementName(tupleLocal!, path), SomePath));
                }

                continue;
            }

            var (target, statement, onBranch, inExpression) = tupleFate == TupleFate.Deconstructed
                ? (tupleLocal, tupleStatement, false, false)
                : RentTarget(rent);
            if (target is null)
            {
                if (IsDiscarded(rent))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), rent.Syntax.ToString(), SomePath));
                }

                continue; // handed straight on: an argument, a return value, a field, an initializer
            }

            if (target is not ILocalSymbol local || statement is null)
            {
                continue;
            }

            // Before the per-local hand-over test: an overwritten rent is lost even when the variable is handed on later.
            if (!onBranch && OverwriteBeforeReturn(rent, local, facts, pools) is { } overwrite)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), local.Name,
                    "overwritten by '" + overwrite + "' before it was returned or handed on"));
                continue;
            }

            if (!handedOn.TryGetValue(local, out var isHandedOn))
            {
                handedOn[local] = isHandedOn = HandedOn(facts, local, pools);
            }

            if (isHandedOn)
            {
                continue;
            }

            // Rented on one branch of ?:, ?? or a switch expression: conditions are not evaluated, and its Return
            // is usually under the same condition (`if (n > 0) pool.Return(b)`), so only a local never returned leaks.
            if (onBranch ? facts.ReturnsBetween(local, 0, int.MaxValue).Count == 0
                    : !Flow.AlwaysReturnedAfter(statement, local, facts, inExpression, context.CancellationToken))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, rent.Syntax.GetLocation(), local.Name, SomePath));
            }
        }
    }

    /// <summary>
    /// The local a rent is stored in, the statement that stores it, whether the rent is one branch of a
    /// <c>?:</c>, <c>??</c> or switch expression, and whether it is stored by an assignment inside a larger
    /// expression that only looks at it (<c>if ((b = pool.Rent(n)).Length &gt; 0)</c>,
    /// <c>while ((x = pool.Rent()) != null)</c>); (null, null) when it is not stored in a local, or the
    /// assignment's value is handed on too (<c>Use(x = pool.Rent())</c>).
    /// </summary>
    private static (ISymbol? Target, StatementSyntax? Statement, bool OnBranch, bool InExpression) RentTarget(IInvocationOperation rent)
    {
        IOperation current = rent;
        var parent = rent.Parent;
        var onBranch = false;
        while (true)
        {
            switch (parent)
            {
                case IConversionOperation { OperatorMethod: null } or IParenthesizedOperation:
                    break;
                case IConditionalOperation conditional when current != conditional.Condition:
                case ICoalesceOperation:
                case ISwitchExpressionArmOperation arm when current == arm.Value:
                    onBranch = true;
                    break;
                case ISwitchExpressionOperation switchExpression when current != switchExpression.Value:
                    break;
                default:
                    return parent switch
                    {
                        IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } =>
                            (declarator.Symbol, declarator.Syntax.FirstAncestorOrSelf<StatementSyntax>(), onBranch, false),
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Parent is IExpressionStatementOperation =>
                            (local.Local, assignment.Syntax.FirstAncestorOrSelf<StatementSyntax>(), onBranch, false),
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when OnlyInspected(assignment) =>
                            (local.Local, assignment.Syntax.FirstAncestorOrSelf<StatementSyntax>(), onBranch, true),
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when OnlyAsSpan(assignment, out var spanBranch) =>
                            (local.Local, assignment.Syntax.FirstAncestorOrSelf<StatementSyntax>(), onBranch || spanBranch, true),
                        _ => (null, null, false, false),
                    };
            }

            current = parent;
            parent = parent.Parent;
        }
    }

    /// <summary>What becomes of a rent that is an element of a tuple literal.</summary>
    private enum TupleFate
    {
        /// <summary>Not an element of a tuple literal.</summary>
        NotInTuple,

        /// <summary>The tuple is returned, passed, stored in a field, or its element deconstructed into one.</summary>
        HandedOn,

        /// <summary>The tuple is discarded (<c>_ = (pool.Rent(), 1)</c>), or its element deconstructed into a discard.</summary>
        Dropped,

        /// <summary>The element is deconstructed into a local by a statement (<c>(x, n) = (pool.Rent(), 0);</c>, <c>var (x, n) = …</c>).</summary>
        Deconstructed,

        /// <summary>The tuple is stored in a local (<c>var t = (pool.Rent(), 1);</c>).</summary>
        Stored,
    }

    /// <summary>
    /// Whether the rent is an element (through nested tuple literals, at <paramref name="path"/>) of a tuple literal, and
    /// what becomes of it: deconstructed into <paramref name="local"/> by <paramref name="statement"/>, or in a tuple
    /// stored in <paramref name="local"/>.
    /// </summary>
    private static TupleFate InTuple(IInvocationOperation rent, out ILocalSymbol? local, out StatementSyntax? statement, out int[] path)
    {
        local = null;
        statement = null;
        path = Array.Empty<int>();
        var parent = TransparentParent(rent, out var current);
        if (parent is not ITupleOperation)
        {
            return TupleFate.NotInTuple;
        }

        var indexes = new List<int>();
        while (parent is ITupleOperation tuple)
        {
            indexes.Insert(0, tuple.Elements.IndexOf(current));
            parent = TransparentParent(tuple, out current);
        }

        path = indexes.ToArray();
        switch (parent)
        {
            case IDeconstructionAssignmentOperation deconstruction when deconstruction.Value == current:
                var target = deconstruction.Target;
                foreach (var index in path)
                {
                    while (target is IConversionOperation or IParenthesizedOperation or IDeclarationExpressionOperation)
                    {
                        target = target switch
                        {
                            IConversionOperation conversion => conversion.Operand,
                            IParenthesizedOperation parenthesized => parenthesized.Operand,
                            _ => ((IDeclarationExpressionOperation)target).Expression,
                        };
                    }

                    if (target is not ITupleOperation targetTuple || index >= targetTuple.Elements.Length)
                    {
                        return TupleFate.HandedOn;
                    }

                    target = targetTuple.Elements[index];
                }

                if (target is IDeclarationExpressionOperation declaration)
                {
                    target = declaration.Expression;
                }

                switch (target)
                {
                    case IDiscardOperation:
                        return TupleFate.Dropped;
                    case ILocalReferenceOperation targetLocal when deconstruction.Parent is IExpressionStatementOperation:
                        local = targetLocal.Local;
                        statement = deconstruction.Syntax.FirstAncestorOrSelf<StatementSyntax>();
                        return statement is null ? TupleFate.HandedOn : TupleFate.Deconstructed;
                    default:
                        return TupleFate.HandedOn;
                }

            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                local = declarator.Symbol;
                statement = declarator.Syntax.FirstAncestorOrSelf<StatementSyntax>();
                return TupleFate.Stored;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } assignment when assignment.Parent is IExpressionStatementOperation:
                local = assigned.Local;
                statement = assignment.Syntax.FirstAncestorOrSelf<StatementSyntax>();
                return TupleFate.Stored;
            case ISimpleAssignmentOperation { Target: IDiscardOperation }:
                return TupleFate.Dropped;
            default:
                return TupleFate.HandedOn;
        }
    }

    /// <summary>What becomes of a tuple local's element somewhere in the body.</summary>
    private enum ElementKept
    {
        /// <summary>Neither returned nor handed on anywhere.</summary>
        No,

        /// <summary>Returned to a pool (<c>pool.Return(t.Item1)</c>), never handed on.</summary>
        Returned,

        /// <summary>Handed on, itself (<c>Keep(t.Item1)</c>) or with the tuple that holds it (<c>return t;</c>, <c>var (item, _) = t;</c>).</summary>
        HandedOn,
    }

    /// <summary>
    /// Whether the element at <paramref name="path"/> of the tuple held by <paramref name="tuple"/> is, somewhere in
    /// the body, handed on, itself or with the tuple that holds it, or else returned to a pool.
    /// </summary>
    private static ElementKept TupleElementKept(BodyFacts facts, ILocalSymbol tuple, int[] path, PoolMethods pools)
    {
        var kept = ElementKept.No;
        foreach (var reference in facts.ReferencesTo(tuple))
        {
            if (IsWrite(reference) || AlongElementPath(reference, path) is not { } current)
            {
                continue;
            }

            var parent = TransparentParent(current, out var below);
            if (HandsOn(current, pools) || parent is IDeconstructionAssignmentOperation deconstruction && deconstruction.Value == below)
            {
                return ElementKept.HandedOn;
            }

            if (parent is IArgumentOperation { Parent: IInvocationOperation call } && pools.IsReturn(call.TargetMethod))
            {
                kept = ElementKept.Returned;
            }
        }

        return kept;
    }

    /// <summary>
    /// Whether the tuple local, or its element at <paramref name="path"/> (or an element holding that one), is written
    /// other than by <paramref name="statement"/>, the statement that stored the rent in it (assigned, deconstructed
    /// into, passed by <c>ref</c>/<c>out</c>).
    /// </summary>
    private static bool TupleWrittenElsewhere(BodyFacts facts, ILocalSymbol tuple, int[] path, StatementSyntax statement)
    {
        foreach (var reference in facts.ReferencesTo(tuple))
        {
            if (statement.Span.Contains(reference.Syntax.Span))
            {
                continue;
            }

            if (AlongElementPath(reference, path) is not { } current ||
                TransparentParent(current, out var below) is IFieldReferenceOperation inner && inner.Instance == below && TupleElementIndex(inner.Field) is not null)
            {
                continue; // another element, or one inside that element
            }

            var parent = TransparentParent(current, out below);
            if (IsWrite(current) || IsWrite(reference) || parent is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } ||
                parent is ICompoundAssignmentOperation compound && compound.Target == below ||
                parent is IIncrementOrDecrementOperation || current.Syntax.Parent is RefExpressionSyntax)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// From a reference to a tuple local up through the element reads that follow <paramref name="path"/>: the
    /// element read (<c>t.Item1</c> for [0]), or the farthest read on its way (<c>t</c> itself, <c>t.Item2</c> for [1, 0]);
    /// null when the reference reads another element (<c>t.Item2</c> for [0]).
    /// </summary>
    private static IOperation? AlongElementPath(IOperation reference, int[] path)
    {
        var current = reference;
        for (var depth = 0; depth < path.Length && TransparentParent(current, out var child) is IFieldReferenceOperation field && field.Instance == child &&
            TupleElementIndex(field.Field) is { } index; depth++)
        {
            if (index != path[depth])
            {
                return null;
            }

            current = field;
        }

        return current;
    }

    /// <summary>The tuple local and the element path of <c>t.Item1</c>, <c>t.Name</c>, <c>t.Item2.Item1</c>; (null, null) for anything else.</summary>
    private static (ILocalSymbol? Tuple, int[]? Path) TupleElementOf(IOperation operation)
    {
        var path = new List<int>();
        while (operation is IFieldReferenceOperation { Instance: { } instance } field && TupleElementIndex(field.Field) is { } index)
        {
            path.Insert(0, index);
            operation = Unwrap(instance);
        }

        return path.Count > 0 && operation is ILocalReferenceOperation local ? (local.Local, path.ToArray()) : (null, null);
    }

    /// <summary>The position of a tuple element field (<c>Item1</c> or its name) in its tuple type; null for any other field.</summary>
    private static int? TupleElementIndex(IFieldSymbol field)
    {
        if (!field.ContainingType.IsTupleType)
        {
            return null;
        }

        // By name: an element is read by its own name or as ItemN, whichever field symbol the compiler hands out.
        var elements = field.ContainingType.TupleElements;
        for (var i = 0; i < elements.Length; i++)
        {
            if (field.Name == elements[i].Name || field.Name == "Item" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>How the element at <paramref name="path"/> of the tuple in <paramref name="tuple"/> is read: <c>t.Item1</c>, <c>t.Name</c>, <c>t.Item2.Item1</c>.</summary>
    private static string TupleElementName(ILocalSymbol tuple, int[] path)
    {
        var name = tuple.Name;
        var type = tuple.Type;
        foreach (var index in path)
        {
            if (type is INamedTypeSymbol { IsTupleType: true } named && index < named.TupleElements.Length)
            {
                name += "." + named.TupleElements[index].Name;
                type = named.TupleElements[index].Type;
            }
            else
            {
                name += ".Item" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                type = null!;
            }
        }

        return name;
    }

    /// <summary>
    /// The locals a pattern binds the rent to, each with where it must be returned: the statement holding
    /// <c>pool.Rent() is { } s</c> (<c>is var s</c>, <c>is T s</c>, <c>is not T s</c>), each switch section of
    /// <c>switch (pool.Rent())</c> that binds one, or each switch expression arm that does. Empty otherwise.
    /// </summary>
    private static List<(ILocalSymbol Local, SyntaxNode Scope)>? PatternTargets(IInvocationOperation rent)
    {
        var parent = TransparentParent(rent, out var current);

        List<(ILocalSymbol, SyntaxNode)>? bound = null;
        switch (parent)
        {
            case IIsPatternOperation isPattern when isPattern.Value == current:
                if (DeclaredLocal(isPattern.Pattern) is { } local && isPattern.Syntax.FirstAncestorOrSelf<StatementSyntax>() is { } statement)
                {
                    (bound = new()).Add((local, statement));
                }

                break;
            case ISwitchOperation @switch when @switch.Value == current:
                foreach (var section in @switch.Cases)
                {
                    foreach (var clause in section.Clauses)
                    {
                        if (clause is IPatternCaseClauseOperation patternClause && DeclaredLocal(patternClause.Pattern) is { } sectionLocal)
                        {
                            (bound ??= new()).Add((sectionLocal, section.Syntax));
                        }
                    }
                }

                break;
            case ISwitchExpressionOperation switchExpression when switchExpression.Value == current:
                foreach (var arm in switchExpression.Arms)
                {
                    if (DeclaredLocal(arm.Pattern) is { } armLocal)
                    {
                        (bound ??= new()).Add((armLocal, arm.Syntax));
                    }
                }

                break;
        }

        return bound;
    }

    /// <summary>
    /// The name to report when a pattern test of the rent can leave the rented object with nothing holding it
    /// (the bound local's name, or the rent's text when nothing is bound); null when it cannot, or the rent is not
    /// tested. A test that binds nothing (<c>is Item</c>, <c>is not null</c>, <c>is { Value: 0 }</c>) always drops
    /// it; one that binds a local drops it when it can fail on a rented object (sub-patterns, a type the rent may
    /// not be). In <c>switch (pool.Rent())</c> a section whose label binds nothing (other than <c>case null:</c>)
    /// or <c>default:</c> drops it, and so does the lack of an unguarded section that binds every object; in a
    /// switch expression an arm that binds nothing drops it (no arm matching throws).
    /// </summary>
    private static string? DroppedByPattern(IInvocationOperation rent)
    {
        var parent = TransparentParent(rent, out var current);

        var text = rent.Syntax.ToString();
        switch (parent)
        {
            case IIsTypeOperation isType when isType.ValueOperand == current:
                return text;
            case IIsPatternOperation isPattern when isPattern.Value == current:
            {
                var pattern = isPattern.Pattern is INegatedPatternOperation { Pattern: var negated } ? negated : isPattern.Pattern;
                return DeclaredLocal(pattern) is not { } local ? text : BindsEveryObject(pattern) ? null : local.Name;
            }

            case ISwitchOperation @switch when @switch.Value == current:
            {
                var catchAll = false;
                foreach (var clause in @switch.Cases.SelectMany(static c => c.Clauses))
                {
                    switch (clause)
                    {
                        case ISingleValueCaseClauseOperation { Value.ConstantValue: { HasValue: true, Value: null } }:
                        case IPatternCaseClauseOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } }:
                            break; // nothing was rented
                        case IPatternCaseClauseOperation { Pattern: var pattern } patternClause when DeclaredLocal(pattern) is not null:
                            catchAll |= patternClause.Guard is null && BindsEveryObject(pattern);
                            break;
                        default:
                            return text; // binds nothing: default, a constant, a type or a property pattern without a variable
                    }
                }

                return catchAll ? null : text;
            }

            case ISwitchExpressionOperation switchExpression when switchExpression.Value == current:
                return switchExpression.Arms.Any(static arm => DeclaredLocal(arm.Pattern) is null && !IsNullConstant(arm.Pattern)) ? text : null;
        }

        return null;
    }

    /// <summary>
    /// Whether a binding pattern matches every non-null value of its input: <c>var x</c>, <c>{ } x</c>, <c>T x</c> or
    /// <c>T { } x</c> where the input is always a <c>T</c>.
    /// </summary>
    private static bool BindsEveryObject(IPatternOperation pattern)
    {
        switch (pattern)
        {
            case IDeclarationPatternOperation { MatchesNull: true }:
                return true; // var x
            case IDeclarationPatternOperation declaration:
                return IsAlways(declaration.InputType, declaration.MatchedType);
            case IRecursivePatternOperation recursive:
                return recursive.DeconstructionSubpatterns.IsEmpty && recursive.PropertySubpatterns.IsEmpty && recursive.DeconstructSymbol is null &&
                    IsAlways(recursive.InputType, recursive.MatchedType);
            default:
                return false;
        }

        static bool IsAlways(ITypeSymbol input, ITypeSymbol? matched)
        {
            if (matched is null || SymbolEqualityComparer.Default.Equals(input, matched))
            {
                return true;
            }

            for (var type = input.BaseType; type is not null; type = type.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(type, matched))
                {
                    return true;
                }
            }

            return matched is INamedTypeSymbol named && input.AllInterfaces.Contains(named, SymbolEqualityComparer.Default);
        }
    }

    /// <summary>The local a top-level pattern (<c>T x</c>, <c>var x</c>, <c>{ … } x</c>, <c>not T x</c>) declares.</summary>
    private static ILocalSymbol? DeclaredLocal(IPatternOperation pattern) => pattern switch
    {
        IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol local } => local,
        IRecursivePatternOperation { DeclaredSymbol: ILocalSymbol local } => local,
        INegatedPatternOperation { Pattern: var negated } => DeclaredLocal(negated),
        _ => null,
    };

    /// <summary>
    /// Whether the value of an assignment is only looked at (compared, tested, dereferenced, switched on), so the
    /// assigned local alone holds the object afterwards.
    /// </summary>
    private static bool OnlyInspected(IOperation assignment)
    {
        var parent = TransparentParent(assignment, out var current);

        return parent switch
        {
            IBinaryOperation { OperatorMethod: null } or IIsPatternOperation or IIsTypeOperation => true,
            IMemberReferenceOperation member => member.Instance == current,
            IInvocationOperation invocation => invocation.Instance == current,
            IArrayElementReferenceOperation element => element.ArrayReference == current,
            IConditionalAccessOperation access => access.Operation == current,
            ISwitchOperation @switch => @switch.Value == current,
            ISwitchExpressionOperation @switch => @switch.Value == current,
            _ => false,
        };
    }

    /// <summary>
    /// Whether the value of an assignment goes on only as a span (a span cannot keep the array), other than returned:
    /// <c>Span&lt;byte&gt; s = n &lt;= 256 ? stackalloc byte[256] : (rented = pool.Rent(n));</c>, also through
    /// <c>(rented = pool.Rent(n)).AsSpan(0, n)</c>. In <paramref name="onBranch"/>, whether the assignment is one branch
    /// of a <c>?:</c> (it runs only under its condition).
    /// </summary>
    private static bool OnlyAsSpan(IOperation assignment, out bool onBranch)
    {
        onBranch = false;
        var asSpan = false;
        var current = assignment;
        var parent = assignment.Parent;
        while (true)
        {
            switch (parent)
            {
                case IConversionOperation conversion:
                    asSpan |= conversion.Type?.IsRefLikeType == true;
                    break;
                case IParenthesizedOperation:
                    break;
                case IConditionalOperation conditional when current != conditional.Condition:
                    onBranch = true;
                    break;
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } extension } receiver
                        when receiver.Parameter?.Ordinal == 0 && IsView(extension.Type):
                    parent = extension; // (rented = pool.Rent(n)).AsSpan(0, n)
                    asSpan |= extension.Type!.IsRefLikeType;
                    break;
                case IInvocationOperation slice when slice.Instance == current && IsView(slice.Type):
                    asSpan |= slice.Type!.IsRefLikeType;
                    break;
                default:
                    return asSpan && parent is not IReturnOperation;
            }

            current = parent;
            parent = parent.Parent;
        }
    }

    /// <summary>
    /// The first parent of <paramref name="operation"/> above implicit or built-in conversions and parentheses (which
    /// pass the same object on), and in <paramref name="child"/> the operation directly below it.
    /// </summary>
    private static IOperation? TransparentParent(IOperation operation, out IOperation child)
    {
        child = operation;
        var parent = operation.Parent;
        while (parent is IConversionOperation { OperatorMethod: null } or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        return parent;
    }

    /// <summary>A rent whose result is thrown away or only dereferenced (<c>pool.Rent();</c>, <c>_ = pool.Rent();</c>, <c>pool.Rent().X = 1;</c>).</summary>
    private static bool IsDiscarded(IInvocationOperation rent)
    {
        var parent = TransparentParent(rent, out _);

        return parent is IExpressionStatementOperation or IMemberReferenceOperation or IArrayElementReferenceOperation ||
            parent is ISimpleAssignmentOperation { Target: IDiscardOperation } ||
            parent is IInvocationOperation { Instance: { } instance } && Unwrap(instance) == rent;
    }

    /// <summary>
    /// The text of the first write of <paramref name="local"/> that a path from <paramref name="rent"/> reaches before
    /// the rented object was returned (<c>var a = pool.Rent(); a = pool.Rent();</c>, also the first iteration of a
    /// loop that rents into it): the object it held is lost. Null when every path to each such write returns it first,
    /// or a reference before the write (or in the value written) hands it on; writes in a catch the rent is not in
    /// are exception paths and left alone.
    /// </summary>
    private static string? OverwriteBeforeReturn(IInvocationOperation rent, ILocalSymbol local, BodyFacts facts, PoolMethods pools)
    {
        var rentEnd = rent.Syntax.Span.End;
        if (facts.FirstWriteAfter(local, rentEnd) == int.MaxValue)
        {
            return null;
        }

        // In the usual case the references come in the order of the code, and the walk can stop early (below).
        var inOrder = facts.ReferencesInPositionOrder(local);
        var references = inOrder ? facts.ReferencesFrom(local, rentEnd) : facts.ReferencesBetween(local, rentEnd, int.MaxValue);
        var firstHandedOn = facts.FirstReadFrom(local, rentEnd, r => HandsOn(r, pools)); // a read, so never the write itself
        var returnedBy = int.MaxValue;
        foreach (var write in references)
        {
            if (!IsWrite(write) || write.Syntax.SpanStart < rentEnd)
            {
                continue;
            }

            // Everything evaluated before the write stores: `a = Replace(a)` hands the old object on first.
            var written = write.Parent is IArgumentOperation { Parent: { } call } ? call : DeconstructionWriting(write) ?? write.Parent ?? write;
            if (firstHandedOn < written.Syntax.Span.End)
            {
                return null; // handed on before this write, so before every later one
            }

            // Past a statement after the rent that always returns it, every write is "returned on every path before it"
            // (ReturnedOnEveryPathBetween finds that statement again): skip what cannot change the answer. With the same
            // variable rented and returned hundreds of times, following every later write's paths was cubic.
            if (write.Syntax.SpanStart >= returnedBy)
            {
                if (inOrder)
                {
                    return null; // every later write starts later still: each is handed on before or skipped likewise
                }

                continue;
            }

            // A value written that reads the variable may be the same object again (`a = keep ? a : pool.Rent()`).
            StatementSyntax? returning = null;
            // (The tests are pure: the cheap ones go first, Flow.Reaches, which follows the statements between, last.)
            if ((written is IAssignmentOperation { Value: var value } &&
                    facts.ReferencesBetween(local, Math.Max(rentEnd, value.Syntax.SpanStart), value.Syntax.Span.End).Any(r => value.Syntax.Span.Contains(r.Syntax.Span))) ||
                write.Syntax.Ancestors().Any(a => a is CatchClauseSyntax && !a.Span.Contains(rent.Syntax.Span)) ||
                Flow.ReturnedOnEveryPathBetween(rent.Syntax, write.Syntax, local, facts, out returning) ||
                !Flow.Reaches(rent.Syntax, write.Syntax))
            {
                if (returning is not null)
                {
                    returnedBy = Math.Min(returnedBy, returning.Span.End);
                }

                continue;
            }

            return written.Syntax.ToString();
        }

        return null;
    }

    /// <summary>Whether any reference hands the local on: stores, returns, passes (except to Return) or captures it.</summary>
    private static bool HandedOn(BodyFacts facts, ILocalSymbol local, PoolMethods pools)
    {
        foreach (var reference in facts.ReferencesTo(local))
        {
            if (!IsWrite(reference) && HandsOn(reference, pools))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a reference that reads the local hands the object on: stores, returns, passes (except to Return) or captures it.</summary>
    private static bool HandsOn(IOperation reference, PoolMethods pools)
    {
        if (Captured(reference))
        {
            return true; // captured: whoever runs the lambda owns it now
        }

        // User-defined conversions too: an array returned or passed as Memory<T>/ArraySegment<T> is handed on.
        // A span over it cannot be kept, though: through one, only returning it hands the array on. (Before
        // C# 14 array-to-span is a user-defined operator; from C# 14 it is a built-in span conversion.)
        // A view made by an extension (buffer.AsMemory(0, n), buffer.AsSpan(), sliced or not) goes on as that conversion
        // would, except as an argument: passing buffer.AsMemory() stays a use, as passing buffer.AsSpan() is.
        IOperation current = reference;
        var parent = current.Parent;
        var asSpan = false;
        var viaExtension = false;
        while (true)
        {
            if (parent is IConversionOperation or IParenthesizedOperation)
            {
                asSpan |= parent is IConversionOperation { Type.IsRefLikeType: true };
            }
            else if (parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } extension } receiver &&
                receiver.Parameter?.Ordinal == 0 && IsView(extension.Type))
            {
                parent = extension;
                asSpan |= extension.Type!.IsRefLikeType;
                viaExtension = true;
            }
            else if (viaExtension && parent is IInvocationOperation slice && slice.Instance == current && IsView(slice.Type))
            {
                asSpan |= slice.Type!.IsRefLikeType;
            }
            else
            {
                break;
            }

            current = parent;
            parent = parent.Parent;
        }

        if (asSpan)
        {
            return parent is IReturnOperation;
        }

        if (viaExtension && parent is IArgumentOperation)
        {
            return false;
        }

        switch (parent)
        {
            case IArgumentOperation argument:
                if (argument.Parent is IInvocationOperation invocation)
                {
                    if (pools.IsReturn(invocation.TargetMethod))
                    {
                        return false; // returned, not handed on
                    }

                    if (invocation.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0)
                    {
                        return false; // buffer.AsSpan(): a use, not a hand-over
                    }
                }

                return true;
            case IIsPatternOperation isPattern when DeclaredLocal(isPattern.Pattern) is not null:
                return true; // bound to another local (`x is { } b`, `x is T b`), as `var b = x;` stores it in one
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
                // Newer operation kinds, matched by name so the 4.8 compiler API suffices.
                return parent?.Kind.ToString() == "CollectionExpression" || parent?.Kind.ToString() == "Spread";
        }
    }

    /// <summary>
    /// Whether a reference sits in a lambda or local function that the variable is declared outside of (captured); a
    /// local declared in the lambda itself is that lambda's own and is followed there like a method's.
    /// </summary>
    private static bool Captured(IOperation reference)
    {
        var function = reference.Syntax.Ancestors().FirstOrDefault(static a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
        if (function is null)
        {
            return false;
        }

        var symbol = TrackedSymbol(reference);
        return symbol is null || !symbol.DeclaringSyntaxReferences.Any(d => function.Span.Contains(d.Span));
    }

    /// <summary>
    /// Whether <paramref name="symbol"/> is written after <paramref name="from"/> ends and before <paramref name="to"/>
    /// starts, or on the way there around the back edge of a loop (see <see cref="RenewedByLoop"/>).
    /// </summary>
    private static bool Reassigned(BodyFacts facts, ISymbol symbol, SyntaxNode from, SyntaxNode to) =>
        facts.FirstWriteAfter(symbol, from.Span.End) < to.SpanStart || RenewedByLoop(facts, symbol, from, to);

    /// <summary>
    /// Whether <paramref name="from"/> sits in the body of a loop that does not hold <paramref name="to"/>, which it
    /// can only leave through a condition (or a for's incrementors) that writes <paramref name="symbol"/>: no break
    /// of that loop or goto follows it in the body. (<c>while ((b = pool.Rent(8)).Length == 0) { pool.Return(b); }</c>
    /// then <c>pool.Return(b);</c> returns the fresh rent.)
    /// </summary>
    private static bool RenewedByLoop(BodyFacts facts, ISymbol symbol, SyntaxNode from, SyntaxNode to)
    {
        foreach (var loop in Flow.LoopsRepeating(from))
        {
            if (loop.Span.Contains(to.Span))
            {
                return false; // this loop and the ones around it hold both
            }

            var (body, condition, incrementors) = loop switch
            {
                WhileStatementSyntax @while => (@while.Statement, @while.Condition, default(SeparatedSyntaxList<ExpressionSyntax>)),
                DoStatementSyntax @do => (@do.Statement, @do.Condition, default),
                ForStatementSyntax @for => (@for.Statement, @for.Condition, @for.Incrementors),
                _ => (null, null, default),
            };
            if (body is null || !body.Span.Contains(from.Span) || Flow.MayLeaveBodyAfter(from, loop, body))
            {
                return false;
            }

            if (WritesWithin(facts, symbol, condition) || incrementors.Any(incrementor => WritesWithin(facts, symbol, incrementor)))
            {
                return true;
            }

            // A loop left only by a break (`while (true)`, `do { } while (true)`, `for (;;)`) whose body writes the
            // variable before any break: the back edge renews it before the way out.
            if ((condition is null || condition.IsKind(SyntaxKind.TrueLiteralExpression)) && body is BlockSyntax block &&
                block.Statements.FirstOrDefault(statement => statement is ExpressionStatementSyntax && WritesWithin(facts, symbol, statement)) is { } write &&
                !Flow.MayLeaveBodyBefore(write, loop, body))
            {
                return true;
            }
        }

        return false;
    }

    private static bool WritesWithin(BodyFacts facts, ISymbol symbol, SyntaxNode? node) =>
        node is not null && facts.FirstWriteAfter(symbol, node.SpanStart - 1) < node.Span.End;

    private static bool IsWrite(IOperation reference)
    {
        var parent = reference.Parent;
        return parent is ISimpleAssignmentOperation assignment && assignment.Target == reference ||
            parent is IDeconstructionAssignmentOperation { Target: var target } && target == reference ||
            parent is IArgumentOperation { Parameter.RefKind: RefKind.Out } ||
            DeconstructionWriting(reference) is not null;
    }

    /// <summary>
    /// The deconstruction that writes <paramref name="reference"/> as an element of its target (<c>(x, n) = …</c>,
    /// <c>var (x, n) = …</c>, nested <c>((x, n), m) = …</c>); null when it is not one.
    /// </summary>
    private static IDeconstructionAssignmentOperation? DeconstructionWriting(IOperation reference)
    {
        var node = reference;
        while (node.Parent is ITupleOperation or IDeclarationExpressionOperation)
        {
            node = node.Parent;
        }

        return node != reference && node.Parent is IDeconstructionAssignmentOperation deconstruction && deconstruction.Target == node ? deconstruction : null;
    }

    /// <summary>A reference that reads the object: not a write of the variable, not the value passed to a return, not in <c>nameof</c>.</summary>
    private static bool IsUse(BodyFacts facts, IOperation reference) =>
        !IsWrite(reference) && !facts.IsReturnedValue(reference) && !IsInNameof(reference) && !IsReferenceComparison(reference);

    /// <summary>
    /// Whether the reference is only compared as a reference, which does not touch the object: an argument of
    /// <c>object.ReferenceEquals</c>, <c>x is null</c> / <c>x is not null</c>, or <c>==</c> / <c>!=</c> without a
    /// user-defined operator (one that has it may read the object).
    /// </summary>
    private static bool IsReferenceComparison(IOperation reference)
    {
        var parent = TransparentParent(reference, out var current);

        return parent switch
        {
            IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "ReferenceEquals", ContainingType.SpecialType: SpecialType.System_Object } } } => true,
            IIsPatternOperation { Pattern: var pattern } isPattern when isPattern.Value == current =>
                IsNullConstant(pattern is INegatedPatternOperation { Pattern: var negated } ? negated : pattern),
            IBinaryOperation { OperatorMethod: null, OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary =>
                current.Type?.IsReferenceType == true && binary.LeftOperand.Type?.IsReferenceType != false && binary.RightOperand.Type?.IsReferenceType != false,
            _ => false,
        };
    }

    /// <summary>Whether a pattern is the constant <c>null</c>.</summary>
    private static bool IsNullConstant(IPatternOperation pattern) =>
        pattern is IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } };

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
    /// <remarks>
    /// The rules ask about pairs (each return against each reference or return of the same symbol), so once the
    /// facts are gathered they are indexed by symbol, by call and by write position: a method with hundreds of
    /// rents and returns costs a lookup per question rather than a scan of the whole body.
    /// </remarks>
    internal sealed class BodyFacts
    {
        private static readonly List<IOperation> NoReferences = new();
        private static readonly List<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)> NoReturns = new();

        private Dictionary<ISymbol, List<IOperation>>? _referencesBySymbol;
        private Dictionary<ISymbol, List<int>>? _writesBySymbol;
        private Dictionary<ISymbol, List<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)>>? _returnsBySymbol;
        private Dictionary<SyntaxNode, List<ISymbol>>? _returnsByCall;
        private HashSet<IOperation>? _returnedValues;
        private Dictionary<ISymbol, ByPosition<IOperation>>? _referencesByPosition;
        private Dictionary<ISymbol, ByPosition<(ISymbol, IInvocationOperation, IOperation)>>? _returnsByPosition;

        public List<IInvocationOperation> Rents { get; } = new();

        /// <summary>The locals handed out by leases a using disposes, with the Lease call.</summary>
        public List<(ILocalSymbol Local, IInvocationOperation Call, SyntaxNode Scope)> Leases { get; } = new();

        /// <summary>The Lease calls whose lease no using disposes: rents whose release is disposing the lease.</summary>
        public List<IInvocationOperation> OpenLeases { get; } = new();

        public List<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)> Returns { get; } = new();

        /// <summary>The returns of a tuple local's element (<c>pool.Return(t.Item1)</c>), with the element's path.</summary>
        public List<(ILocalSymbol Tuple, int[] Path, IInvocationOperation Call, IOperation Returned)> ElementReturns { get; } = new();

        public List<IOperation> References { get; } = new();

        /// <summary>The returns of a field of this instance or a static field (<c>pool.Return(_buffer)</c>).</summary>
        public List<(IFieldSymbol Field, IInvocationOperation Call, IFieldReferenceOperation Returned)> FieldReturns { get; } = new();

        /// <summary>The return that passes <paramref name="reference"/>, a field reference, or null.</summary>
        public IInvocationOperation? FieldReturnOf(IOperation reference)
        {
            if (_fieldReturnOf is null)
            {
                _fieldReturnOf = new Dictionary<IOperation, IInvocationOperation>();
                foreach (var (_, call, returned) in FieldReturns)
                {
                    _fieldReturnOf[returned] = call;
                }
            }

            return _fieldReturnOf.TryGetValue(reference, out var found) ? found : null;
        }

        private Dictionary<IOperation, IInvocationOperation>? _fieldReturnOf;

        /// <summary>Adds returns to <see cref="Returns"/>, kept in the order of the code, and forgets what was built from it.</summary>
        public void AddReturns(IEnumerable<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)> returns)
        {
            Returns.AddRange(returns);
            Returns.Sort(static (a, b) => a.Call.Syntax.SpanStart.CompareTo(b.Call.Syntax.SpanStart));
            _returnsBySymbol = null;
            _returnsByCall = null;
            _returnedValues = null;
            _returnsByPosition = null;
            _flags = null;
        }

        /// <summary>The bool locals that record a return or a rent of a variable (built on first use).</summary>
        public Flags Flags => _flags ??= new Flags(this);

        private Flags? _flags;

        /// <summary>In a view made by <see cref="ForTupleElement"/>, the tuple local and its element's path; null otherwise.</summary>
        private (ILocalSymbol Tuple, int[] Path)? _element;

        /// <summary>
        /// These facts as the path engine should see the element at <paramref name="path"/> of <paramref name="tuple"/>:
        /// the returns of that element as returns of the tuple local (and no other returns), and a null test of the
        /// element (<c>t.Item1 != null</c>) as one of the local (<see cref="IsElement"/>).
        /// </summary>
        public BodyFacts ForTupleElement(ILocalSymbol tuple, int[] path)
        {
            var view = WithReleases(tuple, ElementReturns
                .Where(r => SymbolEqualityComparer.Default.Equals(r.Tuple, tuple) && r.Path.SequenceEqual(path))
                .Select(static r => (r.Call, r.Returned)));
            view._element = (tuple, path);
            return view;
        }

        /// <summary>
        /// These facts' references with <paramref name="releases"/> (each call that gives back what <paramref name="symbol"/>
        /// holds, with the value it passes) as the only returns, returns of <paramref name="symbol"/> in the order of the
        /// code: how the path engine sees a release that is not a <c>Return</c> of the symbol itself.
        /// </summary>
        public BodyFacts WithReleases(ISymbol symbol, IEnumerable<(IInvocationOperation Call, IOperation Returned)> releases)
        {
            var view = new BodyFacts();
            view.References.AddRange(References);
            foreach (var (call, returned) in releases)
            {
                view.Returns.Add((symbol, call, returned));
            }

            view.Returns.Sort(static (a, b) => a.Call.Syntax.SpanStart.CompareTo(b.Call.Syntax.SpanStart));
            return view;
        }

        /// <summary>
        /// In a view made by <see cref="ForTupleElement"/>, whether <paramref name="expression"/> reads that element of
        /// <paramref name="symbol"/> (<c>t.Item1</c>, or the element's name); false otherwise.
        /// </summary>
        public bool IsElement(ExpressionSyntax expression, ISymbol symbol)
        {
            if (_element is not var (tuple, path) || !SymbolEqualityComparer.Default.Equals(tuple, symbol))
            {
                return false;
            }

            var names = new List<string>();
            while (expression is MemberAccessExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.SimpleMemberAccessExpression } access)
            {
                names.Insert(0, access.Name.Identifier.ValueText);
                expression = access.Expression;
            }

            if (expression is not IdentifierNameSyntax { Identifier.ValueText: var root } || root != tuple.Name || names.Count != path.Length)
            {
                return false;
            }

            ITypeSymbol type = tuple.Type;
            for (var i = 0; i < path.Length; i++)
            {
                if (type is not INamedTypeSymbol { IsTupleType: true } named || path[i] >= named.TupleElements.Length)
                {
                    return false;
                }

                var element = named.TupleElements[path[i]];
                if (names[i] != element.Name && names[i] != "Item" + (path[i] + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    return false;
                }

                type = element.Type;
            }

            return true;
        }

        /// <summary>The references to <paramref name="symbol"/>, in the order of <see cref="References"/>.</summary>
        public List<IOperation> ReferencesTo(ISymbol symbol) =>
            IndexReferences().TryGetValue(symbol, out var references) ? references : NoReferences;

        /// <summary>
        /// Where the first reference that reads <paramref name="symbol"/> (not <see cref="IsWrite"/>) and satisfies
        /// <paramref name="test"/> starts from <paramref name="first"/> on, or <see cref="int.MaxValue"/>. The positions are
        /// gathered once per symbol (the test must be the same at every call): OverwriteBeforeReturn asks it per rent, and
        /// testing every reference after the rent per write made a variable rented and returned hundreds of times cubic.
        /// </summary>
        public int FirstReadFrom(ISymbol symbol, int first, Func<IOperation, bool> test)
        {
            _readsPassing ??= new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);
            if (!_readsPassing.TryGetValue(symbol, out var starts))
            {
                starts = new List<int>();
                foreach (var reference in ReferencesTo(symbol))
                {
                    if (!IsWrite(reference) && test(reference))
                    {
                        starts.Add(reference.Syntax.SpanStart);
                    }
                }

                starts.Sort();
                _readsPassing[symbol] = starts;
            }

            var index = SortedPositions.FirstAtLeast(starts, first);
            return index < starts.Count ? starts[index] : int.MaxValue;
        }

        private Dictionary<ISymbol, List<int>>? _readsPassing;

        /// <summary>Whether <see cref="ReferencesTo"/> lists <paramref name="symbol"/>'s references in the order they start in the code.</summary>
        public bool ReferencesInPositionOrder(ISymbol symbol)
        {
            _inPositionOrder ??= new Dictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
            if (!_inPositionOrder.TryGetValue(symbol, out var inOrder))
            {
                var references = ReferencesTo(symbol);
                inOrder = true;
                for (var i = 1; i < references.Count && inOrder; i++)
                {
                    inOrder = references[i - 1].Syntax.SpanStart <= references[i].Syntax.SpanStart;
                }

                _inPositionOrder[symbol] = inOrder;
            }

            return inOrder;
        }

        private Dictionary<ISymbol, bool>? _inPositionOrder;

        /// <summary>
        /// The references of <paramref name="symbol"/> that start from <paramref name="first"/> on, in order, as
        /// <see cref="ReferencesBetween"/> to the end; only when <see cref="ReferencesInPositionOrder"/>. Found by a binary
        /// search and read as needed: OverwriteBeforeReturn asks per rent, and usually stops at the first few.
        /// </summary>
        public IEnumerable<IOperation> ReferencesFrom(ISymbol symbol, int first)
        {
            var references = ReferencesTo(symbol);
            for (var i = SortedPositions.FirstOperationAtLeast(references, first); i < references.Count; i++)
            {
                yield return references[i];
            }
        }

        /// <summary>Where the first reference that writes <paramref name="symbol"/> after <paramref name="after"/> starts, or <see cref="int.MaxValue"/>.</summary>
        public int FirstWriteAfter(ISymbol symbol, int after)
        {
            IndexReferences();
            if (!_writesBySymbol!.TryGetValue(symbol, out var writes))
            {
                return int.MaxValue;
            }

            var index = SortedPositions.FirstAtLeast(writes, after + 1);
            return index < writes.Count ? writes[index] : int.MaxValue;
        }

        /// <summary>The references by symbol, and the sorted start positions of each symbol's writes, built on first use.</summary>
        private Dictionary<ISymbol, List<IOperation>> IndexReferences()
        {
            if (_referencesBySymbol is null)
            {
                _referencesBySymbol = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
                _writesBySymbol = new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);
                foreach (var reference in References)
                {
                    if (TrackedSymbol(reference) is not { } tracked)
                    {
                        continue;
                    }

                    Add(_referencesBySymbol, tracked, reference);
                    if (IsWrite(reference))
                    {
                        Add(_writesBySymbol, tracked, reference.Syntax.SpanStart);
                    }
                }

                foreach (var writes in _writesBySymbol.Values)
                {
                    writes.Sort();
                }
            }

            return _referencesBySymbol;
        }

        /// <summary>The references to <paramref name="symbol"/> that start from <paramref name="first"/> to <paramref name="last"/>, in the order of <see cref="References"/>.</summary>
        public List<IOperation> ReferencesBetween(ISymbol symbol, int first, int last)
        {
            _referencesByPosition ??= new Dictionary<ISymbol, ByPosition<IOperation>>(SymbolEqualityComparer.Default);
            if (!_referencesByPosition.TryGetValue(symbol, out var index))
            {
                _referencesByPosition[symbol] = index = new ByPosition<IOperation>(ReferencesTo(symbol), static r => r.Syntax.SpanStart);
            }

            return index.Between(first, last);
        }

        /// <summary>The returns of <paramref name="symbol"/> whose call starts from <paramref name="first"/> to <paramref name="last"/>, in the order of <see cref="Returns"/>.</summary>
        public List<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)> ReturnsBetween(ISymbol symbol, int first, int last)
        {
            _returnsByPosition ??= new Dictionary<ISymbol, ByPosition<(ISymbol, IInvocationOperation, IOperation)>>(SymbolEqualityComparer.Default);
            if (!_returnsByPosition.TryGetValue(symbol, out var index))
            {
                _returnsByPosition[symbol] = index = new ByPosition<(ISymbol, IInvocationOperation, IOperation)>(ReturnsOf(symbol), static r => r.Item2.Syntax.SpanStart);
            }

            return index.Between(first, last);
        }

        /// <summary>The returns of <paramref name="symbol"/>, in the order of <see cref="Returns"/>.</summary>
        private List<(ISymbol Symbol, IInvocationOperation Call, IOperation Returned)> ReturnsOf(ISymbol symbol)
        {
            if (_returnsBySymbol is null)
            {
                _returnsBySymbol = new Dictionary<ISymbol, List<(ISymbol, IInvocationOperation, IOperation)>>(SymbolEqualityComparer.Default);
                foreach (var entry in Returns)
                {
                    Add(_returnsBySymbol, entry.Symbol, entry);
                }
            }

            return _returnsBySymbol.TryGetValue(symbol, out var returns) ? returns : NoReturns;
        }

        /// <summary>Whether <paramref name="reference"/> is the value passed to a return.</summary>
        public bool IsReturnedValue(IOperation reference)
        {
            if (_returnedValues is null)
            {
                _returnedValues = new HashSet<IOperation>();
                foreach (var (_, _, returned) in Returns)
                {
                    _returnedValues.Add(returned);
                }
            }

            return _returnedValues.Contains(reference);
        }

        /// <summary>Whether <paramref name="node"/> is the syntax of a return of <paramref name="symbol"/>.</summary>
        public bool IsReturnOf(SyntaxNode node, ISymbol symbol)
        {
            if (_returnsByCall is null)
            {
                _returnsByCall = new Dictionary<SyntaxNode, List<ISymbol>>();
                foreach (var (returnedSymbol, call, _) in Returns)
                {
                    Add(_returnsByCall, call.Syntax, returnedSymbol);
                }

                foreach (var (field, call, _) in FieldReturns)
                {
                    Add(_returnsByCall, call.Syntax, (ISymbol)field);
                }
            }

            if (_returnsByCall.TryGetValue(node, out var symbols))
            {
                foreach (var returnedSymbol in symbols)
                {
                    if (SymbolEqualityComparer.Default.Equals(returnedSymbol, symbol))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>A list's items sorted by where they start, to find those in a range without a scan.</summary>
        private sealed class ByPosition<T>
        {
            private readonly List<T> _items;
            private readonly int[] _starts;
            private readonly int[] _indexes;

            public ByPosition(List<T> items, Func<T, int> start)
            {
                _items = items;
                _starts = new int[items.Count];
                _indexes = new int[items.Count];
                for (var i = 0; i < items.Count; i++)
                {
                    _starts[i] = start(items[i]);
                    _indexes[i] = i;
                }

                Array.Sort(_starts, _indexes);
            }

            /// <summary>The items starting from <paramref name="first"/> to <paramref name="last"/>, in their list order.</summary>
            public List<T> Between(int first, int last)
            {
                var indexes = new List<int>();
                for (var i = SortedPositions.FirstAtLeast(_starts, first); i < _starts.Length && _starts[i] <= last; i++)
                {
                    indexes.Add(_indexes[i]);
                }

                indexes.Sort();
                var result = new List<T>(indexes.Count);
                foreach (var index in indexes)
                {
                    result.Add(_items[index]);
                }

                return result;
            }
        }

        private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = new List<TValue>();
            }

            list.Add(value);
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

        /// <summary>Whether the type is one of the pools (<c>ArrayPool&lt;T&gt;</c>, <c>Pool&lt;T&gt;</c>, <c>ObjectPool&lt;T&gt;</c>).</summary>
        public bool IsPoolType(ITypeSymbol? type) =>
            type is INamedTypeSymbol { OriginalDefinition: var definition } &&
            (SymbolEqualityComparer.Default.Equals(definition, _hotpathPool) || SymbolEqualityComparer.Default.Equals(definition, _objectPool) ||
             SymbolEqualityComparer.Default.Equals(definition, _arrayPool));

        public bool IsReturn(IMethodSymbol method) => Matches(method, "Return", "Return");

        /// <summary><c>Hotpath.Pool&lt;T&gt;.Lease(out T)</c>: the lease returns the object when disposed.</summary>
        public bool IsLease(IMethodSymbol method) =>
            method.Name == "Lease" && SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, _hotpathPool);

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
