namespace Hotpath;

/// <summary>
/// A snapshot of a <see cref="Pool{T}"/>'s counters since it was created. Counts are read without stopping
/// the pool, so a snapshot taken while other threads rent and return is approximate by a few operations; it is still
/// consistent: <c>Rents == Hits + Misses</c> and <c>Returns &gt;= Drops</c> in every snapshot.
/// </summary>
/// <param name="Rents">Calls to <see cref="Pool{T}.Rent"/> (and <see cref="Pool{T}.Lease"/>) that returned an instance: always <c>Hits + Misses</c>.</param>
/// <param name="Hits">Rents served by a retained instance.</param>
/// <param name="Misses">Rents that had to create a new instance with the factory (a rent whose factory threw or returned null is not counted).</param>
/// <param name="Returns">Calls to <see cref="Pool{T}.Return"/> that passed validation (dropped ones included).</param>
/// <param name="Drops">
/// Instances the pool let go of: returns it discarded because it already held <see cref="Pool{T}.MaxRetained"/>
/// instances, and the instance a thread's fast slot held when that thread ended. So <c>Misses - Drops</c> is the
/// number of instances the pool retains or has rented out.
/// </param>
public readonly record struct PoolStatistics(long Rents, long Hits, long Misses, long Returns, long Drops)
{
    /// <summary>The share of rents served from the pool, between 0 and 1 (0 when nothing was rented).</summary>
    public double HitRatio => Rents == 0 ? 0 : (double)Hits / Rents;
}
