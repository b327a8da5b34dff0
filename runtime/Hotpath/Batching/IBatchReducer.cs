namespace Hotpath.Batching;

/// <summary>
/// Aggregates rows of <typeparamref name="TIn"/> into one <typeparamref name="TOut"/> partial per group (and
/// window). Implemented by the <c>Reducer</c> class the <c>[BatchReducer]</c> generator nests in each aggregate
/// struct. Not thread-safe: use one reducer per thread and merge the partials (<c>Merge</c> or the generated
/// <c>Combine</c>, which are associative and commutative).
/// </summary>
/// <typeparam name="TIn">The input row type.</typeparam>
/// <typeparam name="TOut">The aggregate (partial) type, one value per group.</typeparam>
public interface IBatchReducer<TIn, TOut>
{
    /// <summary>The number of groups (partials) held.</summary>
    int Count { get; }

    /// <summary>Adds one row to its group. Allocates nothing once the group table has grown to fit.</summary>
    /// <param name="row">The row.</param>
    void Add(in TIn row);

    /// <summary>Adds every row of <paramref name="rows"/>, in order.</summary>
    /// <param name="rows">The rows.</param>
    void Add(ReadOnlySpan<TIn> rows);

    /// <summary>Merges a partial (from another reducer, thread or machine) into the group it belongs to.</summary>
    /// <param name="partial">The partial.</param>
    void Merge(in TOut partial);

    /// <summary>Copies the partials into <paramref name="destination"/>, in no particular order.</summary>
    /// <param name="destination">Where to copy; must hold at least <see cref="Count"/> items.</param>
    /// <returns>The number of partials copied (<see cref="Count"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Count"/>.</exception>
    int CopyTo(Span<TOut> destination);

    /// <summary>The partials as a new array (allocates; prefer <see cref="CopyTo"/> on hot paths).</summary>
    /// <returns>A new array of <see cref="Count"/> partials.</returns>
    TOut[] ToArray();

    /// <summary>Removes every group but keeps the memory, so refilling allocates nothing.</summary>
    void Clear();
}
