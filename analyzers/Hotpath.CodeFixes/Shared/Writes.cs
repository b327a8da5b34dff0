using Hotpath.Analyzers.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.CodeFixes.Shared;

/// <summary>
/// Whether code writes a variable (a local, a parameter, a field) or an array element: the one answer the fixes that
/// need the variable left alone (HOT102's shared array, HOT202's readonly field, HOT303's leased local) all ask.
/// </summary>
internal static class Writes
{
    /// <summary>
    /// Whether <paramref name="reference"/> (a local, parameter or field reference, an array element) is written where it
    /// stands: the target of an assignment (<c>=</c>, <c>+=</c>, <c>??=</c>, also inside parentheses or as an element of a
    /// deconstruction's target, nested or not), stepped (<c>++</c>, <c>--</c>), passed by <c>ref</c> or <c>out</c>, taken
    /// by a writable reference (<c>ref var r = ref x</c>, <c>return ref x</c>, <c>&amp;x</c>, also through a ref
    /// conditional), or, for a value type, through one of its fields (<c>s.F = 1</c> writes <c>s</c>). An <c>in</c>
    /// argument, <c>x!</c>, <c>(x)</c> and a reference that cannot write (a <c>ref readonly</c> local bound or
    /// ref-assigned to it, a <c>ref readonly</c> return of it) only read: on a <c>ref</c> taken of a variable this agrees
    /// with the analyzers' <see cref="Hotpath.Analyzers.Locks.LockOperations.IsWritten"/>, through the one
    /// <see cref="Hotpath.Analyzers.Locks.LockOperations.IsTakenByReadOnlyReference"/> (a readonly field stays one under
    /// a <c>ref readonly</c> alias, so the fixes need not refuse there). Stricter than that one on purpose elsewhere,
    /// erring towards no fix: it does not count a struct written through its field, nor a dynamic call's
    /// <c>ref</c>/<c>out</c> argument (which has no parameter to read the ref kind from), a <c>ref</c> argument to a
    /// <c>ref readonly</c> parameter, nor a ref conditional only read (<c>var v = c ? ref x : ref y;</c>, or passed
    /// <c>in</c>): this one goes by the <c>ref</c> in the syntax, that one by what takes the reference.
    /// </summary>
    public static bool IsWritten(IOperation reference)
    {
        var current = reference;
        while (current.Parent is ITupleOperation tuple)
        {
            current = tuple; // (x, y) = …: the tuple is the target
        }

        switch (current.Parent)
        {
            case IAssignmentOperation assignment when assignment.Target == current:
            case IIncrementOrDecrementOperation:
            case IAddressOfOperation:
                return true;
            case IFieldReferenceOperation field when field.Instance == reference && reference.Type is { IsValueType: true }:
                return IsWritten(field);
        }

        // By reference: `M(ref x)`, `M(out x)` (also to a dynamic call, whose argument has no parameter), `ref x` unless
        // what takes it cannot write (`ref readonly var r = ref x;`).
        var syntax = Outermost(reference.Syntax);
        return syntax.Parent is RefExpressionSyntax && !LockOperations.IsTakenByReadOnlyReference(reference)
            || syntax.Parent is ArgumentSyntax argument && argument.RefKindKeyword.Kind() is SyntaxKind.RefKeyword or SyntaxKind.OutKeyword;
    }

    /// <summary>
    /// The references to <paramref name="symbol"/> (a local, a parameter or a field, matched by its original definition)
    /// under <paramref name="scope"/>, as operations: <c>x</c>, <c>this.x</c>, <c>other.x</c>, <c>a?.x</c>, and a field
    /// set by an object initialiser.
    /// </summary>
    public static IEnumerable<IOperation> References(SyntaxNode scope, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (identifier.Identifier.ValueText != symbol.Name)
            {
                continue;
            }

            SyntaxNode node = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access
                : identifier.Parent is MemberBindingExpressionSyntax binding ? binding
                : identifier;
            var operation = model.GetOperation(node, cancellationToken);
            var referenced = operation switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                _ => null,
            };
            if (referenced is not null && SymbolEqualityComparer.Default.Equals(referenced.OriginalDefinition, symbol.OriginalDefinition))
            {
                yield return operation!;
            }
        }
    }

    /// <summary><paramref name="syntax"/> with the parentheses and <c>!</c> around it.</summary>
    private static SyntaxNode Outermost(SyntaxNode syntax)
    {
        while (syntax.Parent is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
        {
            syntax = syntax.Parent;
        }

        return syntax;
    }
}
