using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers;

/// <summary>
/// What the rules that follow calls (HOT111, HOT207) know about a delegate invoked: the one lambda, anonymous method or
/// method group it holds wherever it is invoked, when it is a local initialised with one and never written again, or a
/// readonly delegate field of a class or struct of ours written once (its initialiser, or one assignment in a constructor or
/// an init accessor). A field's target is worked out once per compilation.
/// </summary>
internal sealed class DelegateTargets
{
    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<IFieldSymbol, IOperation?> _fieldTargets = new(SymbolEqualityComparer.Default);

    public DelegateTargets(Compilation compilation) => _compilation = compilation;

    /// <summary>
    /// The lambda or anonymous method (an <see cref="IAnonymousFunctionOperation"/>) or method group (an
    /// <see cref="IMethodReferenceOperation"/>) the invoked delegate <paramref name="receiver"/> holds wherever it is used:
    /// a local's (<see cref="OfLocal"/>), or a readonly delegate field's (<see cref="OfField"/>). Null otherwise.
    /// </summary>
    public IOperation? Of(IOperation receiver, CancellationToken cancellationToken) => Locks.LockOperations.Unwrap(receiver) switch
    {
        ILocalReferenceOperation { Local: var local } reference => OfLocal(reference, local),
        IFieldReferenceOperation { Field: var field } => OfField(field, cancellationToken),
        _ => null,
    };

    /// <summary>
    /// The one lambda, anonymous method or method group (as in <see cref="Created"/>) a readonly
    /// delegate field of a class or struct of ours holds: its only write is its initialiser or one assignment in a
    /// constructor (or an init accessor), the only places a readonly field can be written. Null when it is written
    /// anywhere else, more than once, or from anything else. A struct's field is no exception: every value of the struct
    /// got the field from that one write (or holds null), so <c>this = new S(…)</c> or <c>this = other</c> in a struct
    /// method, which replaces it, replaces it with the same target or null. (A <c>ref</c> field is never known: it
    /// has a target only once ref-assigned, a write from something other than a delegate creation.) Worked out once per field.
    /// </summary>
    public IOperation? OfField(IFieldSymbol field, CancellationToken cancellationToken)
    {
        field = field.OriginalDefinition;
        if (!field.IsReadOnly || field.Type.TypeKind != TypeKind.Delegate || field.ContainingType.TypeKind is not (TypeKind.Class or TypeKind.Struct) ||
            !SymbolEqualityComparer.Default.Equals(field.ContainingAssembly, _compilation.Assembly) || field.DeclaringSyntaxReferences.IsEmpty)
        {
            return null;
        }

        return _fieldTargets.GetOrAdd(field, f => FindFieldTarget(f, cancellationToken));
    }

    private IOperation? FindFieldTarget(IFieldSymbol field, CancellationToken cancellationToken)
    {
        var writers = new List<SyntaxNode>();
        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer })
            {
                writers.Add(initializer);
            }
        }

        foreach (var member in field.ContainingType.GetMembers())
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } or IMethodSymbol { IsInitOnly: true })
            {
                foreach (var reference in member.DeclaringSyntaxReferences)
                {
                    writers.Add(reference.GetSyntax(cancellationToken));
                }
            }
        }

        IOperation? target = null;
        var writes = 0;
        foreach (var syntax in writers)
        {
            // The writers live in other members (often another tree); the driver caches semantic models.
#pragma warning disable RS1030
            var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            if (model.GetOperation(syntax, cancellationToken) is not { } body)
            {
                continue;
            }

            foreach (var operation in body.DescendantsAndSelf())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var value = operation switch
                {
                    IFieldInitializerOperation initializer when initializer.InitializedFields.Contains(field, SymbolEqualityComparer.Default) => initializer.Value,
                    IFieldReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Field.OriginalDefinition, field) && Locks.LockOperations.IsWritten(reference) =>
                        reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference ? assignment.Value : reference,
                    _ => null,
                };
                if (value is not null && (++writes > 1 || (target = Created(value)) is null))
                {
                    return null;
                }
            }
        }

        return target;
    }

    /// <summary>
    /// What a local holds wherever it is used: the local's declaration initialises it with a lambda, an anonymous
    /// method or a method group, and nothing in the method (its lambdas and local functions included) assigns it
    /// again or passes it by <c>ref</c>/<c>out</c>. Null otherwise (a conditional of lambdas, a parameter, a later write).
    /// </summary>
    private static IOperation? OfLocal(IOperation use, ILocalSymbol local)
    {
        if (local.IsRef)
        {
            return null;
        }

        var root = use;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return LocalTargets.GetValue(root, static r => new LocalTargetsOf(r)).Of(local);
    }

    // Each body's locals' targets, worked out in one walk: the rules ask per delegate invocation, and a walk of the whole
    // body each time made a method invoking hundreds of delegate locals quadratic.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, LocalTargetsOf> LocalTargets = new();

    private sealed class LocalTargetsOf
    {
        // A local's declaration initialises it with what Created knows (the last such declaration's, as a walk would
        // keep), unless it is also written (or declared from anything else): then it is in _unknown.
        private readonly Dictionary<ILocalSymbol, IOperation> _targets = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ILocalSymbol> _unknown = new(SymbolEqualityComparer.Default);

        public LocalTargetsOf(IOperation root)
        {
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator:
                        if (Created(declarator.GetVariableInitializer()?.Value) is { } known)
                        {
                            _targets[declarator.Symbol] = known;
                        }
                        else
                        {
                            _unknown.Add(declarator.Symbol);
                        }

                        break;
                    case IAssignmentOperation assignment:
                        if (assignment.Target is ITupleOperation tuple)
                        {
                            foreach (var element in tuple.Elements)
                            {
                                MarkWritten(element);
                            }
                        }

                        MarkWritten(assignment.Target);
                        break;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument:
                        MarkWritten(argument.Value);
                        break;
                }
            }
        }

        public IOperation? Of(ILocalSymbol local) => !_unknown.Contains(local) && _targets.TryGetValue(local, out var target) ? target : null;

        private void MarkWritten(IOperation operation)
        {
            if (Locks.LockOperations.Unwrap(operation) is ILocalReferenceOperation reference)
            {
                _unknown.Add(reference.Local);
            }
        }
    }

    /// <summary>The lambda, anonymous method or method group a delegate-typed value is created from; null for any other value.</summary>
    public static IOperation? Created(IOperation? value) =>
        value is not null && Locks.LockOperations.Unwrap(value) is IDelegateCreationOperation { Target: var target } &&
        Locks.LockOperations.Unwrap(target) is IAnonymousFunctionOperation or IMethodReferenceOperation
            ? Locks.LockOperations.Unwrap(target)
            : null;

    private static bool IsLocal(IOperation operation, ILocalSymbol local) =>
        Locks.LockOperations.Unwrap(operation) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
}
