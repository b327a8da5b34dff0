using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.ObjectPool;

namespace Hotpath;

/// <summary>
/// A bounded, thread-safe object pool. Each thread has a one-instance fast slot (no interlocked operation,
/// no lock), in front of a shared store of per-core locked stacks; the pool never holds more than
/// <see cref="MaxRetained"/> instances. Instances are reset when they are returned, so retained instances
/// hold no stale references. Rent and return allocate nothing once warm.
/// </summary>
/// <remarks>
/// <para>[Pooled] types get one of these as their generated <c>Pool</c> property. It also derives from
/// <see cref="ObjectPool{T}"/>, so it plugs into code written against Microsoft.Extensions.ObjectPool.</para>
/// <para>Counters are kept per thread and summed on demand (<see cref="Statistics"/>), and published as the
/// <c>hotpath.pool.rents</c>, <c>hotpath.pool.misses</c> and <c>hotpath.pool.drops</c> counters of the
/// <c>Hotpath</c> meter, tagged <c>type</c> (the pooled type's name) and, when named, <c>pool</c>.</para>
/// </remarks>
/// <typeparam name="T">The pooled type.</typeparam>
public sealed class Pool<T> : ObjectPool<T>
    where T : class
{
    private const string DetectDoubleReturnSwitch = "Hotpath.Pool.DetectDoubleReturn";

    private readonly PoolCore _core;
    private readonly int _id;
    private readonly Func<T> _factory;
    private readonly Action<T>? _reset;
    private readonly Stripe[] _stripes;
    private readonly ConditionalWeakTable<T, StrongBox<int>>? _returned;

    /// <summary>Creates a pool.</summary>
    /// <param name="factory">Creates an instance when the pool is empty. Must not return <see langword="null"/>.</param>
    /// <param name="reset">Resets an instance when it is returned (a [Pooled] type's generated <c>Reset</c>), or <see langword="null"/>.</param>
    /// <param name="maxRetained">The most instances the pool keeps. Must be positive.</param>
    /// <param name="preallocate">How many instances to create now, between 0 and <paramref name="maxRetained"/>.</param>
    /// <param name="name">An optional name for the pool's metrics.</param>
    public Pool(Func<T> factory, Action<T>? reset = null, int maxRetained = PoolOptions.DefaultMaxRetained, int preallocate = 0, string? name = null)
        : this(factory, reset, new PoolOptions { MaxRetained = maxRetained, Preallocate = preallocate, Name = name })
    {
    }

    /// <summary>Creates a pool from <paramref name="options"/>.</summary>
    /// <param name="factory">Creates an instance when the pool is empty. Must not return <see langword="null"/>.</param>
    /// <param name="reset">Resets an instance when it is returned, or <see langword="null"/>.</param>
    /// <param name="options">Bounds, preallocation, name and double-return detection.</param>
    public Pool(Func<T> factory, Action<T>? reset, PoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxRetained <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRetained, "MaxRetained must be positive.");
        }

        if (options.Preallocate < 0 || options.Preallocate > options.MaxRetained)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Preallocate, "Preallocate must be between 0 and MaxRetained.");
        }

        _factory = factory;
        _reset = reset;
        _core = new PoolCore(options.MaxRetained, TypeNames.Display(typeof(T)), options.Name);
        _id = _core.Id;

#if HOTPATH_POOL_DEBUG
        var detect = true;
#else
        var detect = options.DetectDoubleReturn || (AppContext.TryGetSwitch(DetectDoubleReturnSwitch, out var on) && on);
#endif
        _returned = detect ? new ConditionalWeakTable<T, StrongBox<int>>() : null;

        // One locked stack per core (as ArrayPool's shared pool does), together sized to MaxRetained.
        var stripeCount = Math.Min(Math.Min(Environment.ProcessorCount, 64), options.MaxRetained);
        var perStripe = (options.MaxRetained + stripeCount - 1) / stripeCount;
        _stripes = new Stripe[stripeCount];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Stripe(perStripe);
        }

        for (var i = 0; i < options.Preallocate; i++)
        {
            _core.TryTakePermit();
            Push(Create());
        }

        PoolMetrics.Register(_core);
    }

    /// <summary>Lets go of the instances threads hold for this pool and frees its slot index for a new pool.</summary>
    ~Pool() => _core?.Close(); // null when the constructor threw before creating it

    /// <summary>The most instances the pool keeps; returns beyond it are dropped.</summary>
    public int MaxRetained => _core.MaxRetained;

    /// <summary>The pool's name, if it was given one.</summary>
    public string? Name => _core.Name;

    /// <summary>Whether returning an instance already in the pool throws (see <see cref="PoolOptions.DetectDoubleReturn"/>).</summary>
    public bool DetectsDoubleReturn => _returned is not null;

    /// <summary>A snapshot of the pool's counters.</summary>
    public PoolStatistics Statistics => _core.GetStatistics();

    /// <summary>Takes an instance from the pool, or creates one when the pool is empty.</summary>
    /// <returns>An instance in its reset state, owned by the caller until it is returned.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Rent()
    {
        // Fast path, small enough to inline into the caller: this thread's slot for this pool. One TLS read,
        // no interlocked operation.
        var slots = PoolThreadSlot.t_slots;
        if (slots is not null && (uint)_id < (uint)slots.Length && slots[_id] is { } slot && slot.Item is { } item && _returned is null)
        {
            slot.Item = null;
            slot.Hits++;
            GC.KeepAlive(this); // not collected (and its slots emptied) while its slot is in use
            return Unsafe.As<T>(item);
        }

        return RentSlow();
    }

    /// <summary>Rents an instance wrapped in a lease that returns it when disposed.</summary>
    /// <param name="item">The rented instance.</param>
    /// <returns>A lease to dispose (<c>using var lease = pool.Lease(out var item);</c>).</returns>
    public PoolLease<T> Lease(out T item)
    {
        item = Rent();
        return new PoolLease<T>(this, item);
    }

    /// <summary>Resets <paramref name="item"/> and keeps it for a later <see cref="Rent"/>, or drops it when the pool is full.</summary>
    /// <param name="item">An instance the caller no longer uses; it must not be touched after this call.</param>
    /// <exception cref="ArgumentNullException"><paramref name="item"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Double-return detection is on and <paramref name="item"/> is already in the pool.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Return(T item)
    {
        var slots = PoolThreadSlot.t_slots;
        if (item is not null && _returned is null && slots is not null && (uint)_id < (uint)slots.Length && slots[_id] is { HasPermit: true, Item: null } slot)
        {
            ResetIntoSlot(item, slot);
            return;
        }

        ReturnSlow(item);
    }

    /// <summary>Same as <see cref="Rent"/>, for code written against <see cref="ObjectPool{T}"/>.</summary>
    /// <returns>A rented instance.</returns>
    public override T Get() => Rent();

    /// <summary>The instances the pool holds right now (tests and diagnostics; approximate while in use).</summary>
    internal List<T> SnapshotRetained()
    {
        var items = new List<object>();
        foreach (var stripe in _stripes)
        {
            lock (stripe)
            {
                for (var i = 0; i < stripe.Count; i++)
                {
                    items.Add(stripe.Items[i]!);
                }
            }
        }

        _core.CollectThreadItems(items);
        return items.ConvertAll(static item => (T)item);
    }

    /// <summary>Permits in use (stored instances plus thread-slot permits): never above <see cref="MaxRetained"/>.</summary>
    internal int PermitsInUse => _core.PermitsInUse;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private T RentSlow()
    {
        // The fast path found no instance in this thread's slot (or no slot yet): try the shared store.
        var slot = _core.GetOrCreateSlot();
        if (slot.Item is { } item)
        {
            // Only reached with double-return detection on: the fast path leaves tracked pools to this method.
            slot.Item = null;
            slot.Hits++;
            return Rented(Unsafe.As<T>(item));
        }

        if (_core.StoredEstimate > 0 && TryPop(out var stored))
        {
            _core.ReleasePermit();
            slot.Hits++;
            return Rented(stored);
        }

        var created = Create();
        slot.Misses++; // after the factory: a rent whose factory threw (or returned null) rented nothing
        return created;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReturnSlow(T? item)
    {
        if (item is null)
        {
            ThrowNull();
        }

        if (_returned is not null)
        {
            ReturnTracked(item);
            return;
        }

        ReturnUntracked(item);
    }

    private void ReturnUntracked(T item)
    {
        var slot = _core.GetOrCreateSlot();
        if (slot.Item is null && (slot.HasPermit || (slot.HasPermit = _core.TryTakeThreadPermit())))
        {
            ResetIntoSlot(item, slot);
            return;
        }

        if (!_core.TryTakePermit())
        {
            // Full: not even reset, the instance goes to the GC. The drop is published after the return (release),
            // and snapshots read Drops before Returns (acquire), so no snapshot shows more drops than returns.
            slot.Returns++;
            Volatile.Write(ref slot.Drops, slot.Drops + 1);
            return;
        }

        try
        {
            _reset?.Invoke(item);
        }
        catch
        {
            _core.ReleasePermit();
            throw;
        }

        Push(item);
        slot.Returns++;
    }

    /// <summary>
    /// Resets an instance and keeps it in this thread's empty slot, which holds a permit; if the reset returned other
    /// instances to this pool, into this very slot, keeps it as <see cref="StoreReset"/> does instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ResetIntoSlot(T item, PoolThreadSlot slot)
    {
        if (_reset is { } reset)
        {
            reset(item);
            if (slot.Item is not null) // read again only when a reset ran: nothing else can fill the slot meanwhile
            {
                StoreReset(item, slot);
                return;
            }
        }

        slot.Item = item;
        slot.Returns++;
        GC.KeepAlive(this); // not collected (and its slots emptied) while its slot is in use
    }

    /// <summary>
    /// Keeps an instance already reset whose thread slot a re-entrant reset filled meanwhile: in the shared store if a
    /// permit is left, else dropped (counted like any drop).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StoreReset(T item, PoolThreadSlot slot)
    {
        if (_core.TryTakePermit())
        {
            Push(item);
            slot.Returns++;
        }
        else
        {
            slot.Returns++;
            Volatile.Write(ref slot.Drops, slot.Drops + 1);
        }

        GC.KeepAlive(this);
    }

    private void ReturnTracked(T item)
    {
        var state = _returned!.GetValue(item, static _ => new StrongBox<int>());
        if (Interlocked.Exchange(ref state.Value, 1) != 0)
        {
            throw new InvalidOperationException(
                $"An instance of '{_core.TypeName}' was returned to its pool twice: it was already in the pool. Return each rented instance exactly once and do not use it afterwards.");
        }

        try
        {
            ReturnUntracked(item);
        }
        catch
        {
            Volatile.Write(ref state.Value, 0); // not kept: a later return is not a double return
            throw;
        }
    }

    private T Rented(T item)
    {
        if (_returned is not null)
        {
            MarkRented(item);
        }

        return item;
    }

    private void MarkRented(object item)
    {
        if (_returned!.TryGetValue(Unsafe.As<T>(item), out var state))
        {
            Volatile.Write(ref state.Value, 0);
        }
    }

    private T Create() =>
        _factory() ?? throw new InvalidOperationException($"The factory of the pool of '{_core.TypeName}' returned null.");

    private int StartStripe() => _stripes.Length == 1 ? 0 : Thread.GetCurrentProcessorId() % _stripes.Length;

    private void Push(T item)
    {
        // The caller holds a permit, so the stripes (together sized to MaxRetained) have room somewhere.
        var stripes = _stripes;
        var index = StartStripe();
        while (true)
        {
            for (var n = 0; n < stripes.Length; n++)
            {
                var stripe = stripes[index];
                if (Volatile.Read(ref stripe.Count) < stripe.Items.Length)
                {
                    lock (stripe)
                    {
                        if (stripe.Count < stripe.Items.Length)
                        {
                            stripe.Items[stripe.Count++] = item;
                            return;
                        }
                    }
                }

                if (++index == stripes.Length)
                {
                    index = 0;
                }
            }
        }
    }

    private bool TryPop([NotNullWhen(true)] out T? item)
    {
        var stripes = _stripes;
        var index = StartStripe();
        for (var n = 0; n < stripes.Length; n++)
        {
            var stripe = stripes[index];
            if (Volatile.Read(ref stripe.Count) > 0)
            {
                lock (stripe)
                {
                    if (stripe.Count > 0)
                    {
                        var top = --stripe.Count;
                        item = stripe.Items[top]!;
                        stripe.Items[top] = null;
                        return true;
                    }
                }
            }

            if (++index == stripes.Length)
            {
                index = 0;
            }
        }

        item = null;
        return false;
    }

    [DoesNotReturn]
    private static void ThrowNull() => throw new ArgumentNullException("item");

    /// <summary>One core's locked stack of the shared store.</summary>
    private sealed class Stripe
    {
        public readonly T?[] Items;
        public int Count;

        public Stripe(int capacity) => Items = new T?[capacity];
    }
}
