namespace Hotpath;

/// <summary>
/// A rented instance that goes back to its pool when disposed:
/// <c>using var lease = PodState.Pool.Lease(out var state);</c>. Dispose each lease once; a copy of a lease
/// disposed a second time returns the instance twice.
/// </summary>
/// <typeparam name="T">The pooled type.</typeparam>
public struct PoolLease<T> : IDisposable
    where T : class
{
    private Pool<T>? _pool;
    private T? _item;

    internal PoolLease(Pool<T> pool, T item)
    {
        _pool = pool;
        _item = item;
    }

    /// <summary>The rented instance.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public readonly T Item => _item ?? throw new ObjectDisposedException(nameof(PoolLease<T>), "The lease was disposed and its instance returned to the pool.");

    /// <summary>Returns the instance to its pool. Later calls on the same lease do nothing.</summary>
    public void Dispose()
    {
        var pool = _pool;
        var item = _item;
        _pool = null;
        _item = null;
        if (pool is not null && item is not null)
        {
            pool.Return(item);
        }
    }
}
