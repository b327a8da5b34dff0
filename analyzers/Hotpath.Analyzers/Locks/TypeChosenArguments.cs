using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// Whether a parameter only ever holds an object its type chose, so that locking it is as private as locking that
/// object (HOT203 stays quiet): the parameter of a private method or local function whose every call, found in the
/// type's own syntax, passes a private field (or an element of one), a new object, a local only ever set to such
/// values, or another such parameter. Anything else keeps the report: no call found, the method used as a delegate, a
/// caller passing its own parameter or a non-private member, part of the type in another file.
/// </summary>
internal static class TypeChosenArguments
{
    /// <summary>How many parameters and locals deep a value is followed before it counts as unknown.</summary>
    private const int MaxDepth = 4;

    public static bool AlwaysPassed(IParameterSymbol parameter, SemanticModel? model, CancellationToken cancellationToken) =>
        model is not null && AlwaysPassed(parameter, model, 0, cancellationToken);

    private static bool AlwaysPassed(IParameterSymbol parameter, SemanticModel model, int depth, CancellationToken cancellationToken)
    {
        if (depth > MaxDepth || parameter.RefKind != RefKind.None || parameter.IsParams || parameter.ContainingSymbol is not IMethodSymbol method ||
            CallScopes(method, model, cancellationToken) is not { } scopes)
        {
            return false;
        }

        var calls = 0;
        foreach (var scope in scopes)
        {
            foreach (var name in scope.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Identifier.ValueText != method.Name)
                {
                    continue;
                }

                var info = model.GetSymbolInfo(name, cancellationToken);
                if (!IsMethod(info.Symbol, method))
                {
                    if (info.CandidateSymbols.Any(candidate => IsMethod(candidate, method)))
                    {
                        return false; // a call that does not bind: what it passes is unknown
                    }

                    continue;
                }

                // Only a direct call shows what it passes: a method group (a delegate) can be called with anything.
                ExpressionSyntax callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                if (callee.Parent is not InvocationExpressionSyntax invocation || invocation.Expression != callee ||
                    model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation ||
                    operation.Arguments.FirstOrDefault(argument => argument.Parameter?.Ordinal == parameter.Ordinal) is not { } passed ||
                    !IsChosen(passed.Value, model, depth, cancellationToken))
                {
                    return false;
                }

                calls++;
            }
        }

        return calls > 0; // no call seen: the caller, and so the object, is unknown
    }

    /// <summary>Where every call of <paramref name="method"/> can be: its member for a local function, the type for a private method.</summary>
    private static List<SyntaxNode>? CallScopes(IMethodSymbol method, SemanticModel model, CancellationToken cancellationToken)
    {
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            return method.DeclaringSyntaxReferences.Length == 1 && method.DeclaringSyntaxReferences[0] is var reference &&
                reference.SyntaxTree == model.SyntaxTree &&
                reference.GetSyntax(cancellationToken).Parent?.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member
                    ? [member]
                    : null;
        }

        if (method.MethodKind != MethodKind.Ordinary || method.DeclaredAccessibility != Accessibility.Private || method.ContainingType is not { } type)
        {
            return null;
        }

        // A private method is called from its type's own declarations (nested types included); they must all be in
        // this file, whose semantic model this analysis has.
        var scopes = new List<SyntaxNode>();
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                return null;
            }

            scopes.Add(reference.GetSyntax(cancellationToken));
        }

        return scopes;
    }

    private static bool IsMethod(ISymbol? symbol, IMethodSymbol method) =>
        symbol is IMethodSymbol called && SymbolEqualityComparer.Default.Equals(called.OriginalDefinition, method.OriginalDefinition);

    /// <summary>A value the type chose: a private field or an element of one, a new object, or a local or parameter only ever holding such.</summary>
    private static bool IsChosen(IOperation value, SemanticModel model, int depth, CancellationToken cancellationToken) =>
        LockOperations.Unwrap(value) switch
        {
            IFieldReferenceOperation { Field.DeclaredAccessibility: Accessibility.Private } => true,
            IObjectCreationOperation => true,
            IArrayElementReferenceOperation element => IsChosen(element.ArrayReference, model, depth, cancellationToken),
            IParameterReferenceOperation { Parameter: var parameter } => AlwaysPassed(parameter, model, depth + 1, cancellationToken),
            ILocalReferenceOperation local => IsChosenLocal(local, model, depth + 1, cancellationToken),
            _ => false,
        };

    /// <summary>
    /// A local declared with a chosen value (an initialiser, or <c>x is { } local</c>) and only ever assigned chosen
    /// values after. Writes are found as <see cref="LockOperations.IsWritten"/> finds them, over the whole body nested
    /// functions included; a write that is not a plain or <c>??=</c> assignment (a deconstruction, <c>ref</c>, <c>out</c>,
    /// <c>++</c>...) makes the value unknown.
    /// </summary>
    private static bool IsChosenLocal(ILocalReferenceOperation reference, SemanticModel model, int depth, CancellationToken cancellationToken)
    {
        var local = reference.Local;
        if (depth > MaxDepth || local.IsRef)
        {
            return false;
        }

        IOperation root = reference;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        var declared = false;
        var values = new List<IOperation>();
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    declared = true;
                    if (declarator.Initializer?.Value is { } initial)
                    {
                        values.Add(initial);
                    }

                    break;
                case IIsPatternOperation { Value: var matched, Pattern: var pattern } when DeclaresDirectly(pattern, local):
                    declared = true;
                    values.Add(matched); // `_state is { } state`: the matched value itself
                    break;
                case ILocalReferenceOperation written when SymbolEqualityComparer.Default.Equals(written.Local, local) && LockOperations.IsWritten(written):
                    switch (written.Parent)
                    {
                        case ISimpleAssignmentOperation { IsRef: false } assignment when assignment.Target == written:
                            values.Add(assignment.Value);
                            break;
                        case ICoalesceAssignmentOperation coalesce when coalesce.Target == written:
                            values.Add(coalesce.Value);
                            break;
                        default:
                            return false;
                    }

                    break;
            }
        }

        // Declared any other way (foreach, out var, catch, using...): not followed.
        return declared && values.Count > 0 && values.All(value => IsChosen(value, model, depth, cancellationToken));
    }

    private static bool DeclaresDirectly(IPatternOperation pattern, ILocalSymbol local) =>
        pattern switch
        {
            IDeclarationPatternOperation { DeclaredSymbol: var symbol } => SymbolEqualityComparer.Default.Equals(symbol, local),
            IRecursivePatternOperation { DeclaredSymbol: var symbol } => SymbolEqualityComparer.Default.Equals(symbol, local),
            _ => false,
        };
}
