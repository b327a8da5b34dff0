using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers;

/// <summary>
/// Which methods an operation runs, asked by both rules that follow calls (HOT111, HOT207) so they follow the same ones.
/// </summary>
internal static class CalledMethods
{
    /// <summary>
    /// The accessors a reference to <paramref name="property"/> (a property or indexer reference, or an index from the
    /// end or range read through an indexer) runs, second only for a read and write: the setter where it is assigned
    /// (also as an element of a deconstruction's target), the getter and the setter under a compound assignment,
    /// <c>??=</c> or <c>++</c>/<c>--</c>, the getter otherwise; none inside <c>nameof</c>, where nothing runs. A
    /// ref-returning property has no setter: an assignment writes through what its getter returns.
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
}
