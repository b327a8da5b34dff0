using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT104: a lambda or local function turned into a delegate captures locals, parameters or <c>this</c>
/// (the closure object is allocated when the captured variables' scope is entered). HOT105: other delegate
/// allocations: non-static lambdas, method groups of instance methods (struct ones box the receiver),
/// explicit <c>new Func&lt;…&gt;(Method)</c> (of a lambda, the lambda's conversion: as the lambda alone), event <c>+=</c>/<c>-=</c>. Static lambdas and static method groups
/// (cached by the compiler from C# 11) are fine, and so is a local function that is only called directly.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ClosureAnalyzer : HotPathOperationAnalyzer<KnownTypes>
{
    private static readonly ImmutableArray<OperationKind> Kinds =
        ImmutableArray.Create(OperationKind.DelegateCreation, OperationKind.EventAssignment);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.Closure, DiagnosticDescriptors.DelegateAllocation);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override KnownTypes? CreateState(KnownTypes types) => types;

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, KnownTypes types)
    {
        if (Describe(operation, out var descriptor, out var what, out var captured, out var cost) is not { } reported)
        {
            return;
        }

        var where = CodeContext.Of(operation);
        if (where.IsCold)
        {
            // A lambda in a throw or a catch that captures a variable declared before it: the closure object is
            // allocated where that variable's scope begins, on every call (24 bytes measured), not in the throw.
            if (descriptor != DiagnosticDescriptors.Closure || ColdRegion(operation) is not { } region
                || !CapturesFromOutside(operation, region.Syntax.Span))
            {
                return;
            }

            cost = ClosureObject + ", before the " + (region is ICatchClauseOperation ? "catch" : region is ILocalFunctionOperation ? "throw helper" : "throw") + " the " + what + " is in";
        }

        context.ReportDiagnostic(descriptor == DiagnosticDescriptors.Closure
            ? Diagnostic.Create(descriptor, reported.GetLocation(), what, captured, cost, where.LoopSuffix)
            : Diagnostic.Create(descriptor, reported.GetLocation(), what, where.LoopSuffix));
    }

    /// <summary>Whether a capturing function in a cold region still allocates its closure on the hot path (shared with HOT111).</summary>
    internal static bool AllocatesBeforeColdRegion(IOperation operation) =>
        operation is IDelegateCreationOperation && Describe(operation, out var descriptor, out _, out _, out _) is not null
        && descriptor == DiagnosticDescriptors.Closure && ColdRegion(operation) is { } region && CapturesFromOutside(operation, region.Syntax.Span);

    /// <summary>
    /// The throw, catch clause, call to a [DoesNotReturn] throw helper or body of a local throw helper around a function
    /// (a [Conditional] call is left out by the compiler, its lambda with it).
    /// </summary>
    private static IOperation? ColdRegion(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IThrowOperation or ICatchClauseOperation:
                case IInvocationOperation invocation when CodeContext.DoesNotReturn(invocation.TargetMethod):
                case ILocalFunctionOperation { Symbol: var local } when CodeContext.DoesNotReturn(local):
                    return parent;
                case IInvocationOperation { TargetMethod.IsConditional: true } or INameOfOperation:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Whether the delegate's function uses a local or parameter declared outside <paramref name="region"/>.</summary>
    private static bool CapturesFromOutside(IOperation operation, Microsoft.CodeAnalysis.Text.TextSpan region)
    {
        if (operation is not IDelegateCreationOperation creation)
        {
            return false;
        }

        var (function, body) = creation.Target switch
        {
            IAnonymousFunctionOperation lambda => (lambda.Symbol, (IOperation?)lambda.Body),
            IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction } method } reference =>
                (method, FindLocalFunction(reference, method) is { } local ? local.Body ?? local.IgnoredBody : null),
            _ => (null, null),
        };
        if (function is null || body is null || function.IsStatic)
        {
            return false;
        }

        foreach (var used in DescendantsOutsideNameof(body))
        {
            ISymbol? variable = used switch
            {
                ILocalReferenceOperation { Local: { IsConst: false } local } when !IsWithin(local.ContainingSymbol, function) => local,
                IParameterReferenceOperation { Parameter: var parameter } when !IsWithin(parameter.ContainingSymbol, function) => parameter,
                _ => null,
            };
            if (variable is null)
            {
                continue;
            }

            var declared = variable.DeclaringSyntaxReferences;
            if (declared.IsEmpty || (!region.Contains(declared[0].Span) && !DeclaredInABlockThatThrows(declared[0].GetSyntax())))
            {
                return true; // a parameter, or a local declared before the cold region
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a local is declared in a block that only ends by throwing (<c>if (x &lt; 0) { var m = x * 2; throw …; }</c>):
    /// its closure object is allocated when that block is entered, on the throwing path only (0 bytes measured on the
    /// path that does not throw). A return, break, continue, goto or yield in the block may leave it without throwing.
    /// </summary>
    private static bool DeclaredInABlockThatThrows(SyntaxNode declarator)
    {
        if (declarator.Parent?.Parent is not LocalDeclarationStatementSyntax { Parent: BlockSyntax block } ||
            block.Statements.LastOrDefault() is not ThrowStatementSyntax)
        {
            return false;
        }

        return !block.DescendantNodes(node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).Any(node =>
            node is ReturnStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax or GotoStatementSyntax or YieldStatementSyntax);
    }

    private const string ThisName = "'this'";
    private const string ClosureObject = "a closure object is allocated when its scope is entered";

    // Capturing only 'this', the compiler makes the function an instance method: no display class, just the delegate.
    private const string BoundToThis = "a new delegate bound to 'this' is allocated each time it is created (no closure object)";

    /// <summary>
    /// The syntax to report when the operation allocates a closure (HOT104) or a delegate (HOT105); shared with HOT111.
    /// For HOT104, <paramref name="cost"/> says what the capture allocates.
    /// </summary>
    internal static SyntaxNode? Describe(IOperation operation, out DiagnosticDescriptor descriptor, out string what, out string captured, out string cost)
    {
        descriptor = DiagnosticDescriptors.DelegateAllocation;
        what = captured = cost = string.Empty;
        switch (operation)
        {
            case IEventAssignmentOperation assignment:
                what = (assignment.Adds ? "Subscribing to" : "Unsubscribing from") + " the event '"
                    + ((assignment.EventReference as IEventReferenceOperation)?.Event.Name ?? "?") + "' allocates a combined delegate";
                return assignment.Syntax;

            case IDelegateCreationOperation creation:
                var explicitNew = creation.Syntax is ObjectCreationExpressionSyntax;
                switch (creation.Target)
                {
                    case IAnonymousFunctionOperation lambda:
                        var names = Captures(lambda.Symbol, lambda.Body);
                        if (names.Count > 0)
                        {
                            descriptor = DiagnosticDescriptors.Closure;
                            what = "lambda";
                            captured = Join(names, out cost);
                            return lambda.Syntax;
                        }

                        // new Func<int>(lambda) is compiled as the lambda's conversion (cached when it captures nothing),
                        // unlike new Func<int>(Method): described as the lambda alone.
                        if (lambda.Symbol.IsStatic || lambda.IsImplicit)
                        {
                            return null; // cached by the compiler (query-clause lambdas cannot be marked static)
                        }

                        what = "The lambda is not 'static': mark it 'static' so the compiler guarantees a cached, capture-free delegate";
                        return lambda.Syntax;

                    case IMethodReferenceOperation reference:
                        return DescribeMethodGroup(creation, reference, explicitNew, ref descriptor, out what, out captured, out cost);

                    default:
                        what = "'" + Shorten(creation.Syntax.ToString()) + "' allocates a delegate";
                        return creation.Syntax;
                }

            default:
                return null;
        }
    }

    private static SyntaxNode? DescribeMethodGroup(
        IDelegateCreationOperation creation, IMethodReferenceOperation reference, bool explicitNew,
        ref DiagnosticDescriptor descriptor, out string what, out string captured, out string cost)
    {
        captured = what = cost = string.Empty;
        var method = reference.Method;
        if (method.MethodKind == MethodKind.LocalFunction && FindLocalFunction(reference, method) is { } local)
        {
            var names = Captures(method, local.Body ?? local.IgnoredBody);
            if (names.Count > 0)
            {
                descriptor = DiagnosticDescriptors.Closure;
                what = "local function '" + method.Name + "'";
                captured = Join(names, out cost);
                return reference.Syntax;
            }
        }

        if (explicitNew)
        {
            what = "'" + Shorten(creation.Syntax.ToString()) + "' allocates a delegate";
            return creation.Syntax;
        }

        var boundToInstance = !method.IsStatic || (method.IsExtensionMethod && reference.Instance is not null) || method.ReducedFrom is not null;
        if (boundToInstance && method.MethodKind != MethodKind.LocalFunction)
        {
            var receiver = reference.Instance;
            what = receiver?.Type is { IsValueType: true }
                ? "The method group '" + method.Name + "' on the struct value '" + Shorten(receiver.Syntax.ToString()) + "' boxes it and allocates a delegate"
                : "The method group '" + method.Name + "' of an instance allocates a delegate";
            return reference.Syntax;
        }

        if (method.MethodKind == MethodKind.LocalFunction && !method.IsStatic)
        {
            what = "The method group of the non-static local function '" + method.Name + "' allocates a delegate: mark the local function 'static'";
            return reference.Syntax;
        }

        if (((CSharpParseOptions)creation.Syntax.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp11)
        {
            what = "The method group '" + method.Name + "' allocates a delegate (static method groups are cached only from C# 11)";
            return reference.Syntax;
        }

        return null; // static method group: cached by the compiler
    }

    /// <summary>Names of the variables (and <c>this</c>) a function body uses from outside the function.</summary>
    internal static List<string> Captures(IMethodSymbol function, IOperation? body)
    {
        var names = new List<string>();
        if (body is not null && !function.IsStatic) // a static lambda or local function cannot capture
        {
            CollectCaptures(function, body, names, visited: null);
        }

        return names;
    }

    private static void CollectCaptures(IMethodSymbol function, IOperation body, List<string> names, HashSet<IMethodSymbol>? visited)
    {
        foreach (var operation in DescendantsOutsideNameof(body))
        {
            if (operation is IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction, IsStatic: false } callee } && !IsWithin(callee, function))
            {
                // Calling a capturing local function from here captures what it captures.
                visited ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                if (visited.Add(callee) && FindLocalFunction(operation, callee) is { } declaration && (declaration.Body ?? declaration.IgnoredBody) is { } calleeBody)
                {
                    if (OutsideLocalFunctions(function) && KnownCaptures(function, declaration, calleeBody, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default)) is { } known)
                    {
                        foreach (var name in known)
                        {
                            Add(names, name);
                        }
                    }
                    else
                    {
                        CollectCaptures(function, calleeBody, names, visited);
                    }
                }
            }
            else
            {
                AddCapture(function, operation, names);
            }
        }
    }

    /// <summary>
    /// What <paramref name="operation"/> itself uses from outside <paramref name="function"/>: a local, a parameter,
    /// <c>this</c>. Only a variable of a function around <paramref name="function"/> can be captured by it: one a local
    /// function it calls declares (<c>int Twice(int v) { var w = v * 2; return w; }</c>) is that function's own.
    /// </summary>
    private static void AddCapture(IMethodSymbol function, IOperation operation, List<string> names)
    {
        switch (operation)
        {
            case ILocalReferenceOperation local when !Encloses(local.Local.ContainingSymbol, function):
            case IParameterReferenceOperation parameter when !IsPrimaryConstructorParameterInMember(parameter.Parameter, function) && !Encloses(parameter.Parameter.ContainingSymbol, function):
                break;
            case ILocalReferenceOperation local when !local.Local.IsConst && !IsWithin(local.Local.ContainingSymbol, function):
                Add(names, "'" + local.Local.Name + "'");
                break;
            case IParameterReferenceOperation parameter when IsPrimaryConstructorParameterInMember(parameter.Parameter, function):
                // Outside the constructor, a primary-constructor parameter is a field: the function reads it through 'this'.
                Add(names, ThisName);
                Add(names, PrimaryPrefix + parameter.Parameter.Name + "'");
                break;
            case IParameterReferenceOperation parameter when !IsWithin(parameter.Parameter.ContainingSymbol, function):
                Add(names, "'" + parameter.Parameter.Name + "'");
                break;
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } when !function.IsStatic && !IsStaticContext(operation):
                Add(names, ThisName);
                break;
        }
    }

    /// <summary>
    /// Whether <paramref name="function"/> is a lambda in no local function. From such a lambda, what a local function it
    /// calls captures (with what that one calls) is the same as from any other: none of those bodies declares anything of
    /// the lambda's, and the local functions they call are never the lambda's own.
    /// </summary>
    private static bool OutsideLocalFunctions(IMethodSymbol function)
    {
        if (function.MethodKind != MethodKind.AnonymousFunction)
        {
            return false;
        }

        for (var symbol = function.ContainingSymbol; symbol is IMethodSymbol method; symbol = method.ContainingSymbol)
        {
            if (method.MethodKind == MethodKind.LocalFunction)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// What <paramref name="callee"/> captures for a lambda outside local functions (<see cref="OutsideLocalFunctions"/>),
    /// in the order CollectCaptures meets it, the local functions it calls followed the same way; worked out once per local
    /// function (each lambda of a chain of local functions calling one another once followed the whole chain: quadratic).
    /// Null when a call leads back to one being worked out (recursion): the order then depends on where the walk started,
    /// and the caller follows the calls itself.
    /// </summary>
    private static List<string>? KnownCaptures(IMethodSymbol function, ILocalFunctionOperation callee, IOperation body, HashSet<IMethodSymbol> inProgress)
    {
        if (LocalFunctionDeclarations.Captures.TryGetValue(callee, out var known))
        {
            return known.Names;
        }

        if (!inProgress.Add(callee.Symbol))
        {
            return null;
        }

        var names = new List<string>();
        var complete = true;
        foreach (var operation in DescendantsOutsideNameof(body))
        {
            if (operation is IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction, IsStatic: false } next } && !IsWithin(next, function))
            {
                // A later call of one already followed adds nothing new: its names are all in already.
                if (FindLocalFunction(operation, next) is { } declaration && (declaration.Body ?? declaration.IgnoredBody) is { } nextBody)
                {
                    if (KnownCaptures(function, declaration, nextBody, inProgress) is not { } nextNames)
                    {
                        complete = false;
                        break;
                    }

                    foreach (var name in nextNames)
                    {
                        Add(names, name);
                    }
                }
            }
            else
            {
                AddCapture(function, operation, names);
            }
        }

        inProgress.Remove(callee.Symbol);
        var result = complete ? names : null;
        return LocalFunctionDeclarations.Captures.GetValue(callee, _ => new LocalFunctionDeclarations.CaptureList(result)).Names;
    }

    /// <summary>The descendants of <paramref name="body"/>, except inside <c>nameof(…)</c>, which reads no variable.</summary>
    private static IEnumerable<IOperation> DescendantsOutsideNameof(IOperation body)
    {
        var stack = new Stack<IOperation>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (operation != body)
            {
                yield return operation;
            }

            if (operation is not INameOfOperation)
            {
                foreach (var child in operation.ChildOperations.Reverse()) // source order, for the message
                {
                    stack.Push(child);
                }
            }
        }
    }

    /// <summary>An implicit receiver of a local-function call in a lambda is not a use of 'this' by itself.</summary>
    private static bool IsStaticContext(IOperation operation) =>
        operation.Parent is IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } or IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction };

    // Whether function is declared in the function (method, accessor, lambda or local function) that declares a variable
    // of declarer, so it can capture it. A declarer that is no function, or a constructor (a primary constructor's
    // parameter is read by lambdas in the type's initialisers, outside it), is taken as enclosing.
    private static bool Encloses(ISymbol? declarer, IMethodSymbol function) =>
        declarer is not IMethodSymbol { MethodKind: not MethodKind.Constructor } method || IsWithin(function, method);

    private static bool IsWithin(ISymbol? symbol, IMethodSymbol function)
    {
        for (; symbol is not null and not INamedTypeSymbol; symbol = symbol.ContainingSymbol)
        {
            if (SymbolEqualityComparer.Default.Equals(symbol, function))
            {
                return true;
            }
        }

        return false;
    }

    private static ILocalFunctionOperation? FindLocalFunction(IOperation from, IMethodSymbol localFunction) =>
        LocalFunctionDeclarations.Find(from, localFunction);

    private static void Add(List<string> names, string name)
    {
        if (!names.Contains(name))
        {
            names.Add(name);
        }
    }

    /// <summary>
    /// The message text of the captures, <c>'x', 'y' and 'this'</c>, with the primary-constructor parameters read
    /// through <c>this</c> named beside it; <paramref name="cost"/>: a closure object, or only a delegate bound to <c>this</c>.
    /// </summary>
    private static string Join(List<string> names, out string cost)
    {
        var shown = new List<string>(names.Count);
        var primary = new List<string>();
        foreach (var name in names)
        {
            if (name.StartsWith(PrimaryPrefix, StringComparison.Ordinal))
            {
                primary.Add(name.Substring(PrimaryPrefix.Length - 1));
            }
            else
            {
                shown.Add(name);
            }
        }

        cost = shown.Count == 1 && shown[0] == ThisName ? BoundToThis : ClosureObject;
        if (primary.Count > 0)
        {
            var index = shown.IndexOf(ThisName);
            shown[index] = primary.Count == 1
                ? ThisName + " (the primary-constructor parameter " + primary[0] + " is stored in a field of it)"
                : ThisName + " (the primary-constructor parameters " + Join(primary) + " are stored in fields of it)";
        }

        return Join(shown);
    }

    private static string Join(List<string> names) => names.Count switch
    {
        1 => names[0],
        _ => string.Join(", ", names.GetRange(0, names.Count - 1)) + " and " + names[names.Count - 1],
    };

    /// <summary>Marks a primary-constructor parameter in the capture list (the list holds 'this' for it too).</summary>
    private const string PrimaryPrefix = "primary:'";

    /// <summary>
    /// A parameter of a constructor, used in a function whose member is not that constructor: only a primary-constructor
    /// parameter is in scope there, and the compiler stores it in a field.
    /// </summary>
    private static bool IsPrimaryConstructorParameterInMember(IParameterSymbol parameter, IMethodSymbol function)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
        {
            return false;
        }

        ISymbol? member = function;
        while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            member = member.ContainingSymbol;
        }

        // In the primary constructor's own scope (field initialisers, base arguments) it is a real parameter.
        return member is IMethodSymbol && !SymbolEqualityComparer.Default.Equals(member, constructor);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 37) + "...";
}

/// <summary>
/// The local functions of each body, found in one walk: the closure rules look a local function up per delegate and per
/// local function call its captures follow, and a search of the whole body each time made hundreds of local functions cubic.
/// </summary>
internal static class LocalFunctionDeclarations
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, Dictionary<IMethodSymbol, ILocalFunctionOperation>> Cache = new();

    /// <summary>What each local function captures for a lambda outside local functions (ClosureAnalyzer.KnownCaptures).</summary>
    public static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ILocalFunctionOperation, CaptureList> Captures = new();

    /// <summary>The declaration of <paramref name="localFunction"/> in the operation tree holding <paramref name="from"/>, or null.</summary>
    public static ILocalFunctionOperation? Find(IOperation from, IMethodSymbol localFunction)
    {
        var root = from;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return Cache.GetValue(root, static r =>
        {
            var found = new Dictionary<IMethodSymbol, ILocalFunctionOperation>(SymbolEqualityComparer.Default);
            foreach (var operation in r.Descendants())
            {
                if (operation is ILocalFunctionOperation local && !found.ContainsKey(local.Symbol))
                {
                    found.Add(local.Symbol, local); // the first in the walk, as a search would find
                }
            }

            return found;
        }).TryGetValue(localFunction, out var declaration) ? declaration : null;
    }

    /// <summary>A capture list, or null when it is not known.</summary>
    public sealed class CaptureList
    {
        public CaptureList(List<string>? names) => Names = names;

        public List<string>? Names { get; }
    }
}
