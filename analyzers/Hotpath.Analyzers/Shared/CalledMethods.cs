using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers;

/// <summary>
/// Which methods an operation runs, asked by both rules that follow calls (HOT111, HOT207) so they follow the same ones.
/// </summary>
internal static class CalledMethods
{
    /// <summary>
    /// Adds to <paramref name="called"/> the methods <paramref name="operation"/> itself runs, as bound (each rule maps
    /// them to the definitions it follows), in the order a finding is looked for: an invocation's method (a delegate's
    /// <c>Invoke</c>: its known target is each rule's own question), a property's or indexer's accessors
    /// (<see cref="Accessors"/>), an event assignment's <c>add</c> or <c>remove</c>, a constructor, the copy constructor a
    /// <c>with</c> on a record class runs through the compiler's <c>Clone</c>, a user-defined operator or conversion;
    /// the calls the compiler writes: a range's <c>Slice</c> or an index from the end's indexer, then the <c>Length</c> or
    /// <c>Count</c> they read, a designated list-pattern slice's <c>Slice</c>, a list pattern's indexer (when it tests an
    /// element) and length, a <c>foreach</c>'s <c>GetEnumerator</c>, <c>MoveNext</c>, <c>Current</c> and
    /// <c>Dispose</c>, the user-defined conversion (even explicit) of each element to the iteration variable's type (and,
    /// when it deconstructs its element, each <c>Deconstruct</c> and conversion), a deconstruction's
    /// <c>Deconstruct</c> and those of its nested deconstructions (and each element's user-defined conversion), the <c>Dispose</c> (<c>DisposeAsync</c>) a
    /// <c>using</c> calls on its resources (<see cref="DisposeMethods"/>), and an <c>await</c>'s <c>GetAwaiter</c>,
    /// <c>IsCompleted</c> and <c>GetResult</c>. A collection initializer's <c>Add</c> is an invocation of its own.
    /// </summary>
    public static void Add(IOperation operation, List<IMethodSymbol> called, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                called.Add(invocation.TargetMethod);
                break;
            case IPropertyReferenceOperation property:
                Add(called, Accessors(property, property.Property));
                break;
            case IEventAssignmentOperation { EventReference: IEventReferenceOperation { Event: var @event } } assignment:
                Add(called, assignment.Adds ? @event.AddMethod : @event.RemoveMethod);
                break;
            case IObjectCreationOperation creation:
                Add(called, creation.Constructor);
                break;
            case IWithOperation with:
                Add(called, CopyConstructor(with));
                break;
            case IBinaryOperation binary:
                Add(called, binary.OperatorMethod);
                break;
            case IUnaryOperation unary:
                Add(called, unary.OperatorMethod);
                break;
            case IConversionOperation conversion:
                Add(called, conversion.OperatorMethod);
                break;
            case IIncrementOrDecrementOperation step:
                Add(called, step.OperatorMethod);
                break;
            case ICompoundAssignmentOperation compound:
                Add(called, compound.OperatorMethod);
                break;
            case IImplicitIndexerReferenceOperation range:
                if (range.IndexerSymbol is IMethodSymbol slice)
                {
                    called.Add(slice);
                }
                else if (range.IndexerSymbol is IPropertySymbol indexer)
                {
                    Add(called, Accessors(range, indexer));
                }

                Add(called, (range.LengthSymbol as IPropertySymbol)?.GetMethod);
                break;
            case ISlicePatternOperation { SliceSymbol: IMethodSymbol sliceMethod } pattern when Allocations.ArrayAllocationAnalyzer.IsDesignatedSlice(pattern):
                called.Add(sliceMethod);
                break;
            case IListPatternOperation list:
                // 'tape is [var first, ..]' reads its indexer for each element subpattern, and its length.
                if (list.IndexerSymbol is IPropertySymbol listIndexer && list.Patterns.Any(static p => p is not (ISlicePatternOperation or IDiscardPatternOperation)))
                {
                    Add(called, listIndexer.GetMethod);
                }

                Add(called, (list.LengthSymbol as IPropertySymbol)?.GetMethod);
                break;
            case IForEachLoopOperation { Syntax: CommonForEachStatementSyntax statement, SemanticModel: { } model }:
                var info = model.GetForEachStatementInfo(statement);
                Add(called, info.GetEnumeratorMethod);
                Add(called, info.MoveNextMethod);
                Add(called, info.CurrentProperty?.GetMethod);
                Add(called, info.DisposeMethod);
                Add(called, UserDefined(info.ElementConversion));
                if (statement is ForEachVariableStatementSyntax deconstructing)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    AddDeconstructs(called, model.GetDeconstructionInfo(deconstructing));
                }

                break;
            case IDeconstructionAssignmentOperation { Syntax: AssignmentExpressionSyntax deconstruction, SemanticModel: { } model }:
                cancellationToken.ThrowIfCancellationRequested();
                AddDeconstructs(called, model.GetDeconstructionInfo(deconstruction));
                break;
            case IUsingOperation { SemanticModel: { } model } @using:
                called.AddRange(DisposeMethods(@using.Resources, @using.IsAsynchronous, model.Compilation));
                break;
            case IUsingDeclarationOperation { SemanticModel: { } model } declaration:
                called.AddRange(DisposeMethods(declaration.DeclarationGroup, declaration.IsAsynchronous, model.Compilation));
                break;
            case IAwaitOperation { Syntax: AwaitExpressionSyntax awaitSyntax, SemanticModel: { } model }:
                var awaitInfo = model.GetAwaitExpressionInfo(awaitSyntax);
                Add(called, awaitInfo.GetAwaiterMethod);
                Add(called, awaitInfo.IsCompletedProperty?.GetMethod);
                Add(called, awaitInfo.GetResultMethod);
                break;
        }
    }

    /// <summary>
    /// Where a finding in what <paramref name="operation"/> calls is reported: a <c>foreach</c>'s collection, a
    /// <c>using</c>'s resources, a using declaration's first declaration, the operation itself otherwise.
    /// </summary>
    public static SyntaxNode Site(IOperation operation) => operation switch
    {
        IForEachLoopOperation loop => loop.Collection.Syntax,
        IUsingOperation @using => @using.Resources.Syntax,
        IUsingDeclarationOperation { DeclarationGroup.Declarations: { Length: > 0 } declarations } => declarations[0].Syntax,
        _ => operation.Syntax,
    };

    /// <summary>
    /// The accessors a reference to <paramref name="property"/> (a property or indexer reference, or an index from the
    /// end read through an indexer) runs, second only for a read and write: the setter where it is assigned (also as
    /// an element of a deconstruction's target), the getter and the setter under a compound assignment, <c>??=</c> or
    /// <c>++</c>/<c>--</c>, the getter otherwise; none inside <c>nameof</c>, where nothing runs. A ref-returning
    /// property has no setter: an assignment writes through what its getter returns.
    /// </summary>
    public static (IMethodSymbol? First, IMethodSymbol? Second) Accessors(IOperation reference, IPropertySymbol property)
    {
        for (var parent = reference.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is INameOfOperation)
            {
                return (null, null);
            }
        }

        var current = reference;
        while (current.Parent is ITupleOperation tuple)
        {
            current = tuple;
        }

        return current.Parent switch
        {
            ISimpleAssignmentOperation assignment when assignment.Target == current => (property.SetMethod ?? property.GetMethod, null),
            IDeconstructionAssignmentOperation deconstruction when deconstruction.Target == current => (property.SetMethod ?? property.GetMethod, null),
            ICompoundAssignmentOperation compound when compound.Target == current => (property.GetMethod, property.SetMethod),
            ICoalesceAssignmentOperation coalesce when coalesce.Target == current => (property.GetMethod, property.SetMethod),
            IIncrementOrDecrementOperation => (property.GetMethod, property.SetMethod),
            _ => (property.GetMethod, null),
        };
    }

    /// <summary>
    /// The <c>Dispose</c> (<c>DisposeAsync</c> for <c>await using</c>) a using calls on each resource: the resource
    /// type's implementation of <c>IDisposable.Dispose</c>, or a ref struct's own <c>Dispose()</c>. Through a resource of
    /// an interface type it is the interface's method (the struct was boxed where it was converted to it).
    /// </summary>
    private static List<IMethodSymbol> DisposeMethods(IOperation resources, bool isAsynchronous, Compilation compilation)
    {
        var types = new List<ITypeSymbol>();
        if (resources is IVariableDeclarationGroupOperation group)
        {
            foreach (var declaration in group.Declarations)
            {
                foreach (var declarator in declaration.Declarators)
                {
                    types.Add(declarator.Symbol.Type);
                }
            }
        }
        else if (resources.Type is { } type)
        {
            types.Add(type);
        }

        var methodName = isAsynchronous ? "DisposeAsync" : "Dispose";
        var disposable = isAsynchronous ? compilation.GetTypeByMetadataName("System.IAsyncDisposable") : compilation.GetSpecialType(SpecialType.System_IDisposable);
        var methods = new List<IMethodSymbol>();
        foreach (var type in types.Distinct<ITypeSymbol>(SymbolEqualityComparer.Default))
        {
            IMethodSymbol? dispose = null;
            if (type.TypeKind != TypeKind.Interface && disposable?.GetMembers(methodName).FirstOrDefault() is IMethodSymbol member)
            {
                dispose = type.FindImplementationForInterfaceMember(member) as IMethodSymbol;
            }

            if (dispose is null && type.IsRefLikeType)
            {
                dispose = type.GetMembers(methodName).OfType<IMethodSymbol>().FirstOrDefault(static m => !m.IsStatic && m.Parameters.All(static p => p.IsOptional || p.IsParams));
            }

            if (dispose is not null)
            {
                methods.Add(dispose);
            }
        }

        return methods;
    }

    /// <summary>
    /// The constructor a <c>with</c> on a record class runs: the compiler's <c>Clone</c> calls the record's copy
    /// constructor (a user-declared one has a body to follow). A struct's <c>with</c> copies without a call. It is the
    /// declared type's: <c>Clone</c> is virtual, and a derived runtime type's copy constructor runs instead, but that one
    /// must call this one, and what it adds is not known here (as an override of a virtual method is not).
    /// </summary>
    private static IMethodSymbol? CopyConstructor(IWithOperation with)
    {
        if (with.CloneMethod is not { IsImplicitlyDeclared: true } || with.Operand.Type is not INamedTypeSymbol type)
        {
            return with.CloneMethod;
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            if (IsCopyConstructor(constructor))
            {
                return constructor;
            }
        }

        return null;
    }

    /// <summary>A record class's constructor taking one instance of the record: the one its <c>Clone</c> (a <c>with</c>) runs.</summary>
    public static bool IsCopyConstructor(IMethodSymbol constructor) =>
        constructor.ContainingType is { IsRecord: true, IsReferenceType: true } type &&
        constructor.Parameters.Length == 1 &&
        SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

    /// <summary>
    /// Each <c>Deconstruct</c> a deconstruction calls, outer first: a nested one (<c>var ((a, b), c) = …</c>) calls its
    /// parts' too, and a tuple deconstructed element by element calls only its elements'; and the user-defined
    /// conversion of each element to its variable's type (<c>(Money m, int n) = pair;</c>).
    /// </summary>
    private static void AddDeconstructs(List<IMethodSymbol> called, DeconstructionInfo info)
    {
        Add(called, info.Method);
        Add(called, info.Conversion is { } conversion ? UserDefined(conversion) : null);
        foreach (var nested in info.Nested)
        {
            AddDeconstructs(called, nested);
        }
    }

    /// <summary>The operator a user-defined conversion calls; null for any other conversion.</summary>
    private static IMethodSymbol? UserDefined(Conversion conversion) => conversion.IsUserDefined ? conversion.MethodSymbol : null;

    private static void Add(List<IMethodSymbol> called, (IMethodSymbol? First, IMethodSymbol? Second) accessors)
    {
        Add(called, accessors.First);
        Add(called, accessors.Second);
    }

    private static void Add(List<IMethodSymbol> called, IMethodSymbol? method)
    {
        if (method is not null)
        {
            called.Add(method);
        }
    }
}
