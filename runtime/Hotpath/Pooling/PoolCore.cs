using System.Runtime.CompilerServices;
using Hotpath.Threading;

namespace Hotpath;

/// <summary>
/// The non-generic half of a <see cref="Pool{T}"/>: its retention budget, its per-thread slots and their
/// counters. Kept apart from the generic pool so that thread slots (and a dying thread's finalizer) only
/// reference this small object, and so that the per-thread fast path touches no generic statics.
/// </summary>
/// <remarks>
/// Budget: every retained instance holds a permit; there are <see cref="MaxRetained"/> permits. An instance
/// in the shared store holds one while it is stored; a thread slot takes one for the life of its thread and
/// keeps it whether its slot is full or empty. So the pool never holds more than <see cref="MaxRetained"/>
/// instances, yet a thread's fast slot costs no interlocked operation per rent or return.
/// </remarks>
internal sealed class PoolCore
{
    private static readonly ReusableIds s_ids = new(); // indexes into every thread's slot array

    private readonly object _sync = new();
    private readonly List<WeakReference<PoolThreadSlot>> _slots = new();
    private readonly int _threadPermitCap;
    private int _available;
    private int _threadPermits;
    private long _retiredHits;
    private long _retiredMisses;
    private long _retiredReturns;
    private long _retiredDrops;

    public PoolCore(int maxRetained, string typeName, string? name)
    {
        Id = s_ids.Take();

        MaxRetained = maxRetained;
        _available = maxRetained;
        // Half the budget at most goes to thread slots, so threads that sit on an empty slot can never
        // starve the shared store; a budget of 1 has no thread slots at all.
        _threadPermitCap = maxRetained / 2;
        TypeName = typeName;
        Name = name;
    }

    /// <summary>Process-wide pool number: the index of this pool's slot in every thread's slot array.</summary>
    public int Id { get; }

    public int MaxRetained { get; }

    public string TypeName { get; }

    public string? Name { get; }

    /// <summary>Permits in use: instances stored in the shared store plus permits held by thread slots.</summary>
    public int PermitsInUse => MaxRetained - Volatile.Read(ref _available);

    /// <summary>A racy estimate of how many instances the shared store holds; used only to skip scanning it.</summary>
    public int StoredEstimate => MaxRetained - Volatile.Read(ref _available) - Volatile.Read(ref _threadPermits);

    public bool TryTakePermit()
    {
        var available = Volatile.Read(ref _available);
        while (available > 0)
        {
            var seen = Interlocked.CompareExchange(ref _available, available - 1, available);
            if (seen == available)
            {
                return true;
            }

            available = seen;
        }

        return false;
    }

    public void ReleasePermit() => Interlocked.Increment(ref _available);

    /// <summary>A permit for a thread slot, if the thread-slot share of the budget is not used up.</summary>
    public bool TryTakeThreadPermit()
    {
        var held = Volatile.Read(ref _threadPermits);
        while (held < _threadPermitCap)
        {
            var seen = Interlocked.CompareExchange(ref _threadPermits, held + 1, held);
            if (seen == held)
            {
                if (TryTakePermit())
                {
                    return true;
                }

                Interlocked.Decrement(ref _threadPermits);
                return false;
            }

            held = seen;
        }

        return false;
    }

    /// <summary>The calling thread's slot for this pool, created (once per thread) when missing.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public PoolThreadSlot GetOrCreateSlot()
    {
        var slots = PoolThreadSlot.t_slots;
        if (slots is null || slots.Length <= Id)
        {
            var grown = new PoolThreadSlot?[Math.Max(Id + 1, Math.Max(8, (slots?.Length ?? 0) * 2))];
            slots?.CopyTo(grown, 0);
            PoolThreadSlot.t_slots = slots = grown;
        }

        var slot = slots[Id];
        if (slot is null || slot.Core != this)
        {
            // None yet, or a closed pool's slot left under a reused id (emptied, without a permit).
            slot = new PoolThreadSlot(this);
            lock (_sync)
            {
                _slots.Add(new WeakReference<PoolThreadSlot>(slot, trackResurrection: true));
            }

            slots[Id] = slot;
        }

        return slot;
    }

    /// <summary>
    /// Called by the finalizer of a collected pool: empties every thread's slot (so no thread keeps an instance of
    /// a dead pool) and frees the id. A thread still holding such a slot under the id finds it empty and without a
    /// permit, so no pool's fast path uses it, and the next pool with that id replaces it on its slow path.
    /// </summary>
    public void Close()
    {
        PoolMetrics.Retire(this); // before the slots are emptied: nothing counts on a collected pool any more
        lock (_sync)
        {
            foreach (var reference in _slots)
            {
                if (reference.TryGetTarget(out var slot))
                {
                    Volatile.Write(ref slot.Item, null);
                    slot.HasPermit = false;
                }
            }
        }

        s_ids.Give(Id);
    }

    /// <summary>Called by the finalizer of a dead thread's slot: keeps its counts, counts its instance as dropped, frees its permit.</summary>
    public void Retire(PoolThreadSlot slot)
    {
        lock (_sync)
        {
            if (slot.Retired)
            {
                return;
            }

            slot.Retired = true;
            _retiredHits += slot.Hits;
            _retiredMisses += slot.Misses;
            _retiredReturns += slot.Returns;
            // The instance the dead thread's slot held goes to the GC with it: a drop, so that every instance the
            // factory made is either still retained (store or live slot) or counted in Drops.
            _retiredDrops += slot.Drops + (Volatile.Read(ref slot.Item) is null ? 0 : 1);
            Volatile.Write(ref slot.Item, null);
        }

        if (slot.HasPermit)
        {
            Interlocked.Decrement(ref _threadPermits);
            ReleasePermit();
        }
    }

    public PoolStatistics GetStatistics()
    {
        lock (_sync)
        {
            long hits = _retiredHits, misses = _retiredMisses, returns = _retiredReturns, drops = _retiredDrops;
            for (var i = _slots.Count - 1; i >= 0; i--)
            {
                if (!_slots[i].TryGetTarget(out var slot))
                {
                    _slots.RemoveAt(i); // collected after it was retired
                    continue;
                }

                if (!slot.Retired)
                {
                    // Each counter has one writer (the slot's thread); aligned 64-bit reads do not tear. Drops first:
                    // a drop is published (release) after its return, so the Returns read after it (acquire) counts
                    // at least every return dropped so far, and a snapshot never shows Drops > Returns.
                    var slotDrops = Volatile.Read(ref slot.Drops);
                    hits += Volatile.Read(ref slot.Hits);
                    misses += Volatile.Read(ref slot.Misses);
                    returns += Volatile.Read(ref slot.Returns);
                    drops += slotDrops;
                }
            }

            return new PoolStatistics(hits + misses, hits, misses, returns, drops);
        }
    }

    /// <summary>The instances held in live thread slots (for tests and diagnostics; racy while in use).</summary>
    public void CollectThreadItems(List<object> into)
    {
        lock (_sync)
        {
            foreach (var reference in _slots)
            {
                if (reference.TryGetTarget(out var slot) && !slot.Retired && Volatile.Read(ref slot.Item) is { } item)
                {
                    into.Add(item);
                }
            }
        }
    }
}

/// <summary>
/// One thread's fast slot for one pool: at most one instance, plus that thread's counters. Only its thread
/// writes it, so rent and return through it need no interlocked operation.
/// </summary>
internal sealed class PoolThreadSlot
{
    /// <summary>This thread's slots, indexed by <see cref="PoolCore.Id"/>. Non-generic, so access is a plain TLS read.</summary>
    [ThreadStatic]
    internal static PoolThreadSlot?[]? t_slots;

    internal object? Item;
    internal bool HasPermit;
    internal bool Retired;
    internal long Hits;
    internal long Misses;
    internal long Returns;
    internal long Drops;

    public PoolThreadSlot(PoolCore core) => Core = core;

    /// <summary>The pool this slot belongs to (ids are reused after a pool is collected).</summary>
    internal PoolCore Core { get; }

    /// <summary>Runs after the owning thread ended: its instance is let go, its permit and counts are kept.</summary>
    ~PoolThreadSlot() => Core.Retire(this);
}
