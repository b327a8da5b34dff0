using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers;

/// <summary>
/// Binary searches over lists kept in source order (positions, nodes, operations): the flow rules look things up by
/// position at every step, and a linear search made large methods quadratic.
/// </summary>
internal static class SortedPositions
{
    /// <summary>The index of the first position in <paramref name="sorted"/> at least <paramref name="value"/> (its count when none is).</summary>
    public static int FirstAtLeast(IReadOnlyList<int> sorted, int value) => FirstAtLeast(sorted, value, static position => position);

    /// <summary>The index of the first node in <paramref name="sorted"/> that starts at or after <paramref name="value"/> (its count when none does).</summary>
    public static int FirstNodeAtLeast<T>(IReadOnlyList<T> sorted, int value)
        where T : SyntaxNode => FirstAtLeast(sorted, value, static node => node.SpanStart);

    /// <summary>The index of the first operation in <paramref name="sorted"/> whose syntax starts at or after <paramref name="value"/> (its count when none does).</summary>
    public static int FirstOperationAtLeast<T>(IReadOnlyList<T> sorted, int value)
        where T : IOperation => FirstAtLeast(sorted, value, static operation => operation.Syntax.SpanStart);

    private static int FirstAtLeast<T>(IReadOnlyList<T> sorted, int value, Func<T, int> positionOf)
    {
        int low = 0, high = sorted.Count;
        while (low < high)
        {
            var middle = (low + high) >> 1;
            if (positionOf(sorted[middle]) < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
