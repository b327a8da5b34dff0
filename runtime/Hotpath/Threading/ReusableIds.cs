namespace Hotpath.Threading;

/// <summary>
/// Indexes into per-thread arrays (pool slots, counter cells), handed out lowest first and given back when their
/// owner is gone, so each thread's array stays about as long as the most owners alive at once, not the most ever
/// created. The owner clears its entries in every thread before it gives the index back.
/// </summary>
internal sealed class ReusableIds
{
    private readonly PriorityQueue<int, int> _free = new();
    private int _next = -1;

    /// <summary>The lowest free index.</summary>
    public int Take()
    {
        lock (_free)
        {
            return _free.Count > 0 ? _free.Dequeue() : ++_next;
        }
    }

    /// <summary>Frees <paramref name="id"/> for the next <see cref="Take"/>.</summary>
    /// <param name="id">An index from <see cref="Take"/>, no longer used anywhere.</param>
    public void Give(int id)
    {
        lock (_free)
        {
            _free.Enqueue(id, id);
        }
    }
}
