using System.Runtime.CompilerServices;
using Hotpath.Threading;

namespace Hotpath.Caching;

/// <summary>
/// An exact counter for the lookup path: each thread adds to its own cell with a plain increment (one thread-static
/// read, no interlocked operation, no shared cache line), and <see cref="Sum"/> adds the cells up. Counts of threads
/// that have ended are folded into a retired total, so nothing is lost when a thread goes away.
/// </summary>
/// <remarks>
/// Every counter has a process-wide id (reused after <see cref="Release"/>); a thread's cells are one
/// <c>long[]</c> indexed by it, grown by the thread itself. Only the owning thread writes a live counter's cell
/// (a released counter's cells are zeroed before the id is reused), and aligned 64-bit reads do not tear, so a
/// sum taken while threads count is a little behind and one taken when they have stopped is exact.
/// </remarks>
internal sealed class ThreadCounter
{
    private static readonly object s_sync = new();
    private static readonly List<WeakReference<ThreadCells>> s_threads = new();
    private static long[] s_retired = new long[16];
    private static readonly ReusableIds s_ids = new(); // indexes into every thread's cells

    [ThreadStatic]
    private static long[]? t_values;

    [ThreadStatic]
    private static ThreadCells? t_cells;

    private readonly int _id = s_ids.Take();
    private bool _released; // under s_sync

    /// <summary>
    /// Zeroes this counter's cell in every thread and in the retired totals, then frees the id for a new counter, so
    /// a thread's cells stay as long as the most counters alive at once, not the most ever created. The owner calls
    /// it once nothing can increment the counter any more (its cache's finalizer); a second call does nothing.
    /// </summary>
    public void Release()
    {
        lock (s_sync)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            if (_id < s_retired.Length)
            {
                s_retired[_id] = 0;
            }

            foreach (var reference in s_threads)
            {
                if (reference.TryGetTarget(out var cells) && _id < cells.Values.Length)
                {
                    Volatile.Write(ref cells.Values[_id], 0);
                }
            }

            s_ids.Give(_id);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment()
    {
        var values = t_values;
        var id = _id;
        if (values is not null && (uint)id < (uint)values.Length)
        {
            values[id]++;
            return;
        }

        IncrementSlow();
    }

    /// <summary>Cells the calling thread has (tests).</summary>
    internal static int CellCountOfThisThread => t_values?.Length ?? 0;

    public long Sum()
    {
        lock (s_sync)
        {
            var sum = _id < s_retired.Length ? s_retired[_id] : 0;
            for (var i = s_threads.Count - 1; i >= 0; i--)
            {
                if (!s_threads[i].TryGetTarget(out var cells))
                {
                    s_threads.RemoveAt(i); // collected after it was retired
                    continue;
                }

                var values = Volatile.Read(ref cells.Values);
                if (!cells.Retired && _id < values.Length)
                {
                    sum += Volatile.Read(ref values[_id]);
                }
            }

            return sum;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void IncrementSlow()
    {
        var cells = t_cells;
        if (cells is null)
        {
            cells = new ThreadCells();
            lock (s_sync)
            {
                // Long weak reference: it stays valid while the finalizer runs, so Sum never misses a dying thread's counts.
                s_threads.Add(new WeakReference<ThreadCells>(cells, trackResurrection: true));
            }

            t_cells = cells;
        }

        var values = cells.Values;
        if (_id >= values.Length)
        {
            lock (s_sync)
            {
                // Under the lock: a released counter's cell being zeroed must not land in the old array after it
                // was copied.
                var grown = new long[Math.Max(_id + 1, values.Length * 2)];
                values.CopyTo(grown, 0);
                Volatile.Write(ref cells.Values, grown);
                values = grown;
            }
        }

        t_values = values;
        values[_id]++;
    }

    /// <summary>One thread's cells; its finalizer runs after the thread has ended and keeps its counts.</summary>
    private sealed class ThreadCells
    {
        public long[] Values = new long[16];
        public bool Retired;

        ~ThreadCells()
        {
            lock (s_sync)
            {
                var values = Values;
                if (s_retired.Length < values.Length)
                {
                    Array.Resize(ref s_retired, values.Length);
                }

                for (var i = 0; i < values.Length; i++)
                {
                    s_retired[i] += values[i];
                }

                Retired = true;
            }
        }
    }
}
