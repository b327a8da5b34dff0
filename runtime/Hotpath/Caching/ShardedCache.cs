using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Hotpath.Threading;

namespace Hotpath.Caching;

/// <summary>
/// A bounded, thread-safe cache split into power-of-two shards. Lookups take no lock and allocate nothing on a
/// hit; writers lock one shard. Eviction is W-TinyLFU (a frequency sketch guards admission, so scans and
/// one-hit wonders do not flush popular entries), entries may expire after <see cref="ShardedCacheOptions.TimeToLive"/>,
/// <see cref="GetOrAddAsync(TKey, Func{TKey, CancellationToken, ValueTask{TValue}}, CancellationToken)"/> runs one loader per key however many callers miss at once, and the cache gives
/// back memory when the process is under memory pressure.
/// </summary>
/// <typeparam name="TKey">Key type; compared with <see cref="EqualityComparer{T}.Default"/> (strings: ordinally).</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class ShardedCache<TKey, TValue> : ICacheMaintenance
    where TKey : notnull
{
    private readonly CacheShard<TKey, TValue>[] _shards;
    private readonly CacheNode<TKey, TValue>?[] _table;
    private readonly int _bucketBits;
    private readonly int _bucketMask;
    private readonly int _shardShift;
    private readonly int _shardMask;
    private readonly long _timeToLive; // in the clock's units; 0: no expiry
    private readonly bool _stringKeys = typeof(TKey) == typeof(string); // in code shared by reference-type keys, a type test costs runtime lookups a call
    private readonly CacheClock _clock;
    private readonly ThreadCounter _hits = new();
    private readonly ThreadCounter _misses = new();
    private readonly bool _registered; // false when the constructor threw before registering

    /// <summary>A cache with the default options (16 shards, 10,000 entries, no expiry).</summary>
    public ShardedCache()
        : this(new ShardedCacheOptions())
    {
    }

    /// <summary>A cache configured by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Shards is not a positive power of two, Capacity is not positive or above 2^30, or TimeToLive is not positive.</exception>
    public ShardedCache(ShardedCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Shards <= 0 || (options.Shards & (options.Shards - 1)) != 0 || options.Shards > 1 << 16)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Shards, "ShardedCacheOptions.Shards must be a power of two between 1 and 65536.");
        }

        if (options.Capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Capacity, "ShardedCacheOptions.Capacity must be positive.");
        }

        if (options.TimeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), ttl, "ShardedCacheOptions.TimeToLive must be positive when set.");
        }

        // Every shard holds at least one entry; the per-shard capacities add up to exactly Capacity.
        var shards = options.Shards;
        while (shards > options.Capacity)
        {
            shards >>= 1;
        }

        // One bucket table for all shards, each owning an equal power-of-two slice sized for its capacity: a lookup
        // indexes it directly (shard bits, then bucket bits) without loading the shard object first.
        var tableLength = TableLength(options.Capacity, shards);
        if (tableLength > Array.MaxLength)
        {
            // Shards are a power of two no larger than Capacity, so the table is 2^30 slots up to Capacity 2^30 and
            // 2^31 (over Array.MaxLength) beyond: the limit is the same whatever the shard count.
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.Capacity,
                "ShardedCacheOptions.Capacity must be at most 1,073,741,824 (2^30): the cache preallocates memory in proportion to it (a bucket table of at least Capacity slots, which must fit in one array, a frequency sketch and ghost lists), so it is not a way to say \"unbounded\".");
        }

        var bucketsPerShard = (int)(tableLength / shards);
        _table = new CacheNode<TKey, TValue>?[tableLength];
        _bucketBits = System.Numerics.BitOperations.Log2((uint)bucketsPerShard);
        _bucketMask = bucketsPerShard - 1;
        _shards = new CacheShard<TKey, TValue>[shards];
        for (var i = 0; i < shards; i++)
        {
            _shards[i] = new CacheShard<TKey, TValue>((options.Capacity / shards) + (i < options.Capacity % shards ? 1 : 0), _table, i * bucketsPerShard, bucketsPerShard);
        }

        var bits = System.Numerics.BitOperations.Log2((uint)shards);
        _shardShift = 32 - bits;
        _shardMask = shards - 1;
        Capacity = options.Capacity;
        _clock = new CacheClock(options.TimeProvider);
        _timeToLive = options.TimeToLive is { } t ? _clock.ToUnits(t) : 0;
        Name = options.Name ?? typeof(TValue).Name;
        CacheRegistry.Register(this, options.TrimOnMemoryPressure);
        _registered = true;
    }

    /// <summary>
    /// Keeps the cache's final counts in the <c>hotpath.cache.*</c> sums (so those counters never go down) and frees
    /// its counters' ids for new caches.
    /// </summary>
    ~ShardedCache()
    {
        if (_registered)
        {
            CacheRegistry.Retire(this);
        }

        _hits.Release(); // field initializers: they exist even when the constructor threw
        _misses.Release();
    }

    /// <summary>The name the <c>hotpath.cache.*</c> metrics are tagged with.</summary>
    public string Name { get; }

    /// <summary>The most entries the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>Live entries; never above <see cref="Capacity"/>.</summary>
    /// <remarks>
    /// Without a time to live this sums the shards' counts. With one, it first drops the entries that have expired
    /// (counted as expirations), so it takes each shard's lock and walks its entries: O(entries), not for hot paths.
    /// </remarks>
    public int Count
    {
        get
        {
            var count = 0;
            if (_timeToLive != 0)
            {
                var now = _clock.Now;
                foreach (var shard in _shards)
                {
                    count += shard.DropExpired(now);
                }

                return count;
            }

            foreach (var shard in _shards)
            {
                count += shard.Count;
            }

            return count;
        }
    }

    /// <summary>A snapshot of the hit, miss, eviction and expiration counters.</summary>
    public CacheStatistics Statistics
    {
        get
        {
            long evictions = 0, expirations = 0;
            foreach (var shard in _shards)
            {
                evictions += shard.Evictions;
                expirations += shard.Expirations;
            }

            return new CacheStatistics(_hits.Sum(), _misses.Sum(), evictions, expirations);
        }
    }

    internal int ShardCount => _shards.Length;

    /// <summary>Entries the shards hold, expired ones not yet dropped included; unlike <see cref="Count"/>, drops nothing (tests).</summary>
    internal int StoredCount
    {
        get
        {
            var count = 0;
            foreach (var shard in _shards)
            {
                count += shard.Count;
            }

            return count;
        }
    }

    /// <summary>The bucket table's length for <paramref name="shards"/> (at most <paramref name="capacity"/>): each shard's slice is the power of two at or above its largest share. In <see cref="long"/>: it may not fit an array.</summary>
    internal static long TableLength(int capacity, int shards)
    {
        var largestShard = ((long)capacity + shards - 1) / shards;
        return (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)largestShard) * shards;
    }

    /// <summary>Gets the value cached for <paramref name="key"/>, without a lock or an allocation.</summary>
    /// <returns>True on a hit; false (and <paramref name="value"/> default) when absent or expired.</returns>
    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        return TryGetHashed(key, HashOfKey(key), out value);
    }

    /// <summary><see cref="TryGet"/> of a key already hashed: a miss goes on to load or add with the same hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetHashed(TKey key, int hash, [MaybeNullWhen(false)] out TValue value)
    {
        var shardIndex = ShardIndex(hash);
        for (var node = Volatile.Read(ref _table[BucketIndex(hash, shardIndex)]); node is not null; node = node.Next)
        {
            if (node.Hash == hash && KeyEquals(node.Key, key))
            {
                if (_timeToLive != 0 && node.ExpiresAt <= _clock.Now)
                {
                    _shards[shardIndex].Expire(node);
                    break;
                }

                if (node.Hits < 15)
                {
                    node.Hits++;
                }

                _hits.Increment();
                value = node.Value;
                GC.KeepAlive(this); // its counters are released when it is collected: not before this count lands
                return true;
            }
        }

        _misses.Increment();
        value = default;
        GC.KeepAlive(this);
        return false;
    }

    /// <summary>
    /// Gets the value cached for <paramref name="key"/>, or calls <paramref name="factory"/> and caches its result.
    /// Like <see cref="ConcurrentDictionary{TKey, TValue}.GetOrAdd(TKey, Func{TKey, TValue})"/>, racing callers may
    /// each run the factory; all of them get the one value that was stored. Use
    /// <see cref="GetOrAddAsync(TKey, Func{TKey, CancellationToken, ValueTask{TValue}}, CancellationToken)"/> for exactly one
    /// load per key. It does not wait for a GetOrAddAsync load of the key in flight; the two
    /// race like two GetOrAdds: the value stored first stays, and the callers of both get it.
    /// </summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var hash = HashOfKey(key);
        if (TryGetHashed(key, hash, out var value))
        {
            return value;
        }

        value = factory(key);
        return AddHashed(key, hash, value, replace: false);
    }

    /// <summary>
    /// <see cref="GetOrAdd(TKey, Func{TKey, TValue})"/> with an argument handed to <paramref name="factory"/>, as
    /// <see cref="ConcurrentDictionary{TKey, TValue}.GetOrAdd{TArg}(TKey, Func{TKey, TArg, TValue}, TArg)"/> has: a static
    /// lambda then reaches the state it needs through the argument, and the call allocates no closure or delegate.
    /// </summary>
    /// <typeparam name="TArg">The argument's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="factory">Creates the value on a miss, from the key and <paramref name="factoryArgument"/>.</param>
    /// <param name="factoryArgument">Handed to <paramref name="factory"/>.</param>
    /// <returns>The value now cached for the key.</returns>
    public TValue GetOrAdd<TArg>(TKey key, Func<TKey, TArg, TValue> factory, TArg factoryArgument)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var hash = HashOfKey(key);
        if (TryGetHashed(key, hash, out var value))
        {
            return value;
        }

        value = factory(key, factoryArgument);
        return AddHashed(key, hash, value, replace: false);
    }

    /// <summary>
    /// Gets the value cached for <paramref name="key"/>, or loads it once: concurrent callers that miss on the same
    /// key share one run of <paramref name="loader"/>. A loader that throws or is cancelled stores nothing, and every
    /// caller waiting on it sees its exception. A <see cref="Set"/>, <see cref="Remove"/> or <see cref="Clear"/> made
    /// while the load runs wins: its callers get the loaded value, but it is not stored. A <see cref="GetOrAdd(TKey, Func{TKey, TValue})"/> that
    /// stores a value while the load runs wins too, and the load's callers get that stored value instead of the loaded
    /// one (the first value stored stays). A hit completes synchronously without allocating.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="loader">Produces the value on a miss; gets the token of the caller that started the load.</param>
    /// <param name="cancellationToken">Stops this caller's wait, even when the loader ignores it (the load then finishes
    /// on its own, for the callers still waiting, and stores its value). If this caller started the load, the loader
    /// gets this token; a load cancelled by it fails only this caller and waiters whose own token is cancelled too:
    /// a waiter whose token is live starts a fresh load (or joins one), so one caller's cancellation never fails
    /// another's call. An <see cref="OperationCanceledException"/> the loader throws while that token is not
    /// cancelled is its failure like any other, seen by every waiter. Already
    /// cancelled on a miss: the call throws <see cref="OperationCanceledException"/> (in the task) without calling the
    /// loader or joining a load; a hit still returns the cached value, since it waits for nothing.</param>
    /// <exception cref="InvalidOperationException">(In the task.) The key's own loader asked for the key, before or
    /// after an await, directly or through loads of other keys or caches: the load would wait for itself. The message
    /// names the key. If the loader lets it propagate, its load fails like any failing load (nothing stored, every
    /// waiter sees the exception).</exception>
    public ValueTask<TValue> GetOrAddAsync(TKey key, Func<TKey, CancellationToken, ValueTask<TValue>> loader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return GetOrAddAsync(key, s_callLoader, loader, cancellationToken);
    }

    /// <summary>
    /// <see cref="GetOrAddAsync(TKey, Func{TKey, CancellationToken, ValueTask{TValue}}, CancellationToken)"/> with an
    /// argument handed to <paramref name="loader"/>: a static lambda then reaches the state it needs through the
    /// argument, and the call allocates no closure or delegate. Everything else is as there: one load per key, the
    /// argument of the caller that starts it.
    /// </summary>
    /// <typeparam name="TArg">The argument's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="loader">Produces the value on a miss, from the key, <paramref name="loaderArgument"/> and the token of
    /// the caller that started the load.</param>
    /// <param name="loaderArgument">Handed to <paramref name="loader"/> when this caller starts the load.</param>
    /// <param name="cancellationToken">Stops this caller's wait (see the overload without an argument).</param>
    /// <returns>The value cached for the key, or the loaded one.</returns>
    public ValueTask<TValue> GetOrAddAsync<TArg>(TKey key, Func<TKey, TArg, CancellationToken, ValueTask<TValue>> loader, TArg loaderArgument, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loader);
        var hash = HashOfKey(key);
        if (TryGetHashed(key, hash, out var value))
        {
            return new ValueTask<TValue>(value);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up before the miss: start no load (a loader that ignored the token would store a value
            // for nobody) and join none.
            return new ValueTask<TValue>(Cancellation.Cancelled<TValue>(cancellationToken));
        }

        return Load(key, hash, loader, loaderArgument, cancellationToken);
    }

    /// <summary>Stores <paramref name="value"/> for <paramref name="key"/>, replacing any entry (and restarting its time to live).</summary>
    public void Set(TKey key, TValue value)
    {
        AddHashed(key, HashOfKey(key), value, replace: true);
    }

    /// <summary>Removes the entry for <paramref name="key"/>.</summary>
    /// <returns>True when a live entry was removed; false when there was none or it had expired (it is dropped and
    /// counted in <see cref="CacheStatistics.Expirations"/>).</returns>
    public bool Remove(TKey key)
    {
        var hash = HashOfKey(key);
        return ShardFor(hash).Remove(key, hash, _timeToLive == 0 ? 0 : _clock.Now);
    }

    /// <summary>Removes every entry. Statistics are kept.</summary>
    public void Clear()
    {
        foreach (var shard in _shards)
        {
            shard.Clear();
        }
    }

    /// <summary>For tests: how many callers joined the load of <paramref name="key"/> now running, its starter not counted (0 when none runs).</summary>
    internal int WaitingOn(TKey key)
    {
        var hash = Hash(key);
        return ShardFor(hash).FlightOf(key, hash) is Flight flight ? flight.Waiting : 0;
    }

    /// <summary>Evicts <paramref name="fraction"/> (0 to 1) of each shard's entries, least valuable first.</summary>
    /// <returns>The number of entries evicted.</returns>
    internal int Trim(double fraction)
    {
        var now = _timeToLive == 0 ? 0 : _clock.Now;
        var evicted = 0;
        foreach (var shard in _shards)
        {
            evicted += shard.Trim(fraction, now);
        }

        return evicted;
    }

    int ICacheMaintenance.Trim(double fraction) => Trim(fraction);

    /// <summary>Checks every shard's invariants (tests).</summary>
    internal void Validate()
    {
        foreach (var shard in _shards)
        {
            shard.Validate();
        }
    }

    [DoesNotReturn]
    private static void ThrowKeyNull() => throw new ArgumentNullException("key");

    /// <summary>The hash of a key a caller passed in: null is refused (<see cref="ArgumentNullException"/> naming "key").</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int HashOfKey(TKey key)
    {
        if (key is null)
        {
            ThrowKeyNull();
        }

        return Hash(key);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Hash(TKey key) => !typeof(TKey).IsValueType && _stringKeys
        ? CacheKeys.HashString(Unsafe.As<TKey, string>(ref key))
        : CacheKeys.Hash(key);

    /// <summary>Key equality as <see cref="CacheKeys.Equal{TKey}"/>, string keys compared without a type test.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool KeyEquals(TKey stored, TKey key) => !typeof(TKey).IsValueType && _stringKeys
        ? string.Equals(Unsafe.As<TKey, string>(ref stored), Unsafe.As<TKey, string>(ref key))
        : CacheKeys.Equal(stored, key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private CacheShard<TKey, TValue> ShardFor(int hash) => _shards[ShardIndex(hash)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ShardIndex(int hash) => (int)((uint)hash >> _shardShift) & _shardMask;

    /// <summary>The key's bucket in the shared table: the shard's slice, then the hash's low bits within it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int BucketIndex(int hash, int shardIndex) => (shardIndex << _bucketBits) | (hash & _bucketMask);

    private TValue AddHashed(TKey key, int hash, TValue value, bool replace)
    {
        var now = ExpiryOf(out var expiresAt);
        return ShardFor(hash).Add(key, value, hash, expiresAt, replace, now).Value;
    }

    /// <summary>The clock now (0 without a time to live) and when an entry written now expires.</summary>
    private long ExpiryOf(out long expiresAt)
    {
        expiresAt = long.MaxValue;
        if (_timeToLive == 0)
        {
            return 0;
        }

        var now = _clock.Now;
        expiresAt = now > long.MaxValue - _timeToLive ? long.MaxValue : now + _timeToLive; // a TTL beyond the clock's range never ends
        return now;
    }

    /// <summary>The loader of the overload without an argument, called with that loader as its argument: one path for both.</summary>
    private static readonly Func<TKey, Func<TKey, CancellationToken, ValueTask<TValue>>, CancellationToken, ValueTask<TValue>> s_callLoader =
        static (key, loader, cancellationToken) => loader(key, cancellationToken);

    /// <summary>
    /// A miss: starts a load of the key, or joins the one running. Synchronous as far as the loader lets it be: a
    /// load whose loader completes at once is stored and returned here, with the hash the lookup worked out, and
    /// without an async state machine; only a wait (for another caller's load, or for this loader) goes on in one of
    /// the async methods below.
    /// </summary>
    private ValueTask<TValue> Load<TArg>(TKey key, int hash, Func<TKey, TArg, CancellationToken, ValueTask<TValue>> loader, TArg argument, CancellationToken cancellationToken)
    {
        var shard = ShardFor(hash);
        var flight = Flight.Rent();
        return shard.Register(key, hash, flight) is Flight running
            ? JoinAsync(key, loader, argument, cancellationToken, flight, shard, running)
            : Start(key, hash, loader, argument, cancellationToken, flight, shard);
    }

    /// <summary>
    /// Runs the load <paramref name="flight"/>, just registered for the key. Its outcome, as a failed task and not a
    /// throw (a loader's exception, thrown at once or later, is the task's, as in any async method).
    /// </summary>
    private ValueTask<TValue> Start<TArg>(
        TKey key, int hash, Func<TKey, TArg, CancellationToken, ValueTask<TValue>> loader, TArg argument, CancellationToken cancellationToken, Flight flight, CacheShard<TKey, TValue> shard)
    {
        TValue? value;
        try
        {
            // A Set, Remove or Clear made while this load runs wins: it marks the flight superseded and unregisters
            // it, and the load then stores nothing (its callers still get its value; callers arriving later start
            // afresh). The registration, every write with its superseding, and the load's store (only if not
            // superseded, unregistering the load) are each one step under the key's shard lock, so:
            // - A write after the registration finds this flight: the store is either before the write's locked
            //   section (which then overwrites or removes it) or after it (and sees the mark).
            // - A write before it is seen by the peek below: after a Set the peek finds the value and nothing is
            //   loaded; after a Remove or Clear the load started after the write, so storing its value is right.
            // A load that finished between our miss and our registration has already stored the value too.
            if (TryPeek(key, hash, out value))
            {
                shard.Unregister(key, hash, flight);
            }
            else
            {
                var pending = CallLoader(key, loader, argument, cancellationToken, flight);
                if (cancellationToken.CanBeCanceled && !pending.IsCompleted)
                {
                    // This caller's token must end its own wait even if the loader ignores it: the load finishes on its
                    // own (storing its value for the callers still waiting), and this caller waits on that end's task
                    // with its token, as a waiter waits on the flight. Only a miss with a cancellable token and a loader
                    // still running pays for that task.
                    return WaitDetachedAsync(FinishDetachedAsync(key, pending, flight, shard, cancellationToken), flight, cancellationToken);
                }

                if (!pending.IsCompletedSuccessfully)
                {
                    return FinishAsync(key, pending, flight, shard, cancellationToken);
                }

                value = StoreLoaded(key, hash, pending.Result, flight); // unregisters it
            }
        }
        catch (Exception error)
        {
            Fail(key, hash, flight, shard, error, cancellationToken); // never detached: the detaching call does not throw
            flight.Recycle();
            return FailedAsync(error);
        }

        Succeed(flight, value); // peeked or loaded
        flight.Recycle(); // unregistered, and this caller is done with it
        return new ValueTask<TValue>(value);
    }

    /// <summary>
    /// Calls the loader with this load on the flow's chain of loads (an AsyncLocal: it flows into the loader's
    /// continuations after its awaits, and into whatever it awaits), so a call of the same key from inside it, at any
    /// depth and after any await, fails instead of waiting for itself. Set only here, on a miss; restored as soon as
    /// the loader returns its task, so the rest of the miss and this caller's own flow do not carry it. Restores the
    /// caller's whole context and synchronization context, as an async method does around its synchronous part: a miss
    /// whose loader completes at once runs none, and what the loader set on the thread must not reach the caller.
    /// </summary>
    private static ValueTask<TValue> CallLoader<TArg>(TKey key, Func<TKey, TArg, CancellationToken, ValueTask<TValue>> loader, TArg argument, CancellationToken cancellationToken, Flight flight)
    {
        var caller = ExecutionContext.Capture(); // null when the caller suppressed the flow
        var suppressed = caller is null;
        if (caller is null)
        {
            // A suppressed flow's context cannot be captured as it is: lift the suppression for the capture, then put it
            // back (the loader runs with the flow suppressed, as the caller does).
            ExecutionContext.RestoreFlow();
            caller = ExecutionContext.Capture()!;
            ExecutionContext.SuppressFlow();
        }

        var context = SynchronizationContext.Current;
        flight.Link = new LoadLink(CacheFlight.Loading.Value);
        CacheFlight.Loading.Value = flight.Link;
        try
        {
            return loader(key, argument, cancellationToken);
        }
        finally
        {
            // Back to the caller's very context: setting Loading back would build one more context (and value map) on
            // every miss whose flow carries other AsyncLocals, as a web request's does, and keep what the loader set.
            ExecutionContext.Restore(caller);
            if (suppressed)
            {
                ExecutionContext.SuppressFlow();
            }

            if (SynchronizationContext.Current != context)
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }
    }

    // The async tails below are not pooled (PoolingAsyncValueTaskMethodBuilder would save a miss whose loader
    // completes later 200 B): a pooled box cannot be waited on synchronously before it completes (GetResult throws),
    // and callers that cannot await block on GetOrAddAsync(...).Result.
    // They work the key's hash out again rather than take it: an async method's parameters (and locals live across an
    // await) are fields of its state machine, and one more field grows the box of every miss that waits.

    /// <summary>Waits for the load another caller runs (its value, or its very exception); loads afresh if its starter's token cancelled it.</summary>
    private async ValueTask<TValue> JoinAsync<TArg>(
        TKey key, Func<TKey, TArg, CancellationToken, ValueTask<TValue>> loader, TArg argument, CancellationToken cancellationToken, Flight flight, CacheShard<TKey, TValue> shard, Flight running)
    {
        while (true)
        {
            if (IsInsideLoaderOf(running))
            {
                // Its loader asked for its own key: waiting would wait for itself, forever (Lazy<T> throws too).
                throw RecursiveLoad(key);
            }

            try
            {
                // Task.WaitAsync itself: an async helper around it (as Cancellation.WaitAsync) would cost more boxes a wait.
                return await running.Wait().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TaskCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken); // the documented type, not its subclass
            }
            catch (OperationCanceledException) when (running.CancelledByStarter && !cancellationToken.IsCancellationRequested)
            {
                // The caller that started the load cancelled it, not this one: this caller loads afresh (or joins
                // whoever already did), so one caller's cancellation never fails another's call.
            }

            var hash = Hash(key); // again: kept from the miss, it would ride in this method's box
            if (shard.Register(key, hash, flight) is not Flight next)
            {
                return await Start(key, hash, loader, argument, cancellationToken, flight, shard).ConfigureAwait(false);
            }

            running = next;
        }
    }

    /// <summary>Waits for this caller's own loader (no cancellable token: nothing can end the wait sooner), then stores its value.</summary>
    private async ValueTask<TValue> FinishAsync(TKey key, ValueTask<TValue> pending, Flight flight, CacheShard<TKey, TValue> shard, CancellationToken cancellationToken)
    {
        TValue value;
        try
        {
            var loaded = await pending.ConfigureAwait(false); // first: the store's arguments evaluated before it would ride in the box
            value = StoreLoaded(key, Hash(key), loaded, flight); // unregisters it
        }
        catch (Exception error)
        {
            Fail(key, Hash(key), flight, shard, error, cancellationToken);
            flight.Recycle();
            throw;
        }

        Succeed(flight, value);
        flight.Recycle();
        return value;
    }

    /// <summary>The starter's wait on a detached load's end (<see cref="FinishDetachedAsync"/>), which its token can cut short.</summary>
    private static async ValueTask<TValue> WaitDetachedAsync(Task<TValue> detached, Flight flight, CancellationToken cancellationToken)
    {
        try
        {
            // The end's own task, not the flight's waiters' (a completion source and its task fewer, unless others join).
            var result = await detached.WaitAsync(cancellationToken).ConfigureAwait(false); // as a waiter's
            if (flight.Error is { } failure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure); // its very exception, as the waiters see
            }

            return result;
        }
        catch (TaskCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>
    /// A task failed with <paramref name="error"/> as an async method would fail it: cancelled, keeping the very
    /// exception, for an <see cref="OperationCanceledException"/>; faulted otherwise.
    /// </summary>
    private static async ValueTask<TValue> FailedAsync(Exception error)
    {
        await Task.CompletedTask.ConfigureAwait(false); // completes at once: this method is only its builder's SetException
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return default!;
    }

    /// <summary>Stores a loaded value unless a write superseded its load, and unregisters the load; returns the value the load's callers get.</summary>
    private TValue StoreLoaded(TKey key, int hash, TValue value, Flight flight)
    {
        var now = ExpiryOf(out var expiresAt);

        // A GetOrAdd that stored a value while this load ran wins (the first value stored stays, as between
        // two GetOrAdds), and this load's callers get that value too, so everyone sees one value.
        return ShardFor(hash).AddLoaded(key, value, hash, expiresAt, now, flight);
    }

    /// <summary>Ends a load that got its value and is unregistered: hands the value to its waiters.</summary>
    private static void Succeed(Flight flight, TValue value) => flight.Complete(value, error: null, cancelledByStarter: false);

    /// <summary>Ends a failed load: unregisters it, then hands its very exception to its waiters.</summary>
    private static void Fail(TKey key, int hash, Flight flight, CacheShard<TKey, TValue> shard, Exception error, CancellationToken startToken)
    {
        // Unregister first, so a caller arriving after the failure starts a fresh load instead of seeing it.
        shard.Unregister(key, hash, flight);
        // Waiters rethrow this very exception (an OperationCanceledException included), except a cancellation by the
        // starting caller's token: waiters whose own token is live then load afresh.
        flight.Complete(default, error, cancelledByStarter: error is OperationCanceledException && startToken.IsCancellationRequested);
    }

    /// <summary>
    /// Finishes a load whose starting caller waits on this task instead of the loader: the value its callers get, or
    /// default when it failed (the flight's <see cref="Flight.Error"/>). Never throws, so a task its starter stopped
    /// waiting for is never an unobserved failure.
    /// </summary>
    private async Task<TValue> FinishDetachedAsync(TKey key, ValueTask<TValue> pending, Flight flight, CacheShard<TKey, TValue> shard, CancellationToken startToken)
    {
        TValue value;
        try
        {
            var loaded = await pending.ConfigureAwait(false);
            value = StoreLoaded(key, Hash(key), loaded, flight);
        }
        catch (Exception error)
        {
            Fail(key, Hash(key), flight, shard, error, startToken);
            return default!;
        }

        Succeed(flight, value);
        return value;
    }

    /// <summary>
    /// Whether the caller runs inside <paramref name="flight"/>'s loader (in its flow, directly or through loads of
    /// other keys or caches): then waiting for the flight would wait for itself.
    /// </summary>
    private static bool IsInsideLoaderOf(Flight flight)
    {
        // Link is written before the loader is called, and this caller can only be inside that call if so.
        var link = Volatile.Read(ref flight.Link);
        return link is not null && CacheFlight.Loading.Value is { } chain && chain.Contains(link);
    }

    private static InvalidOperationException RecursiveLoad(TKey key) =>
        new($"GetOrAddAsync: recursive load of the same key '{key}' (the key's loader asked the cache for that key, directly or through other loads, and would wait for itself).");

    /// <summary>A lookup that does not touch the statistics (the caller already counted its miss).</summary>
    private bool TryPeek(TKey key, int hash, [MaybeNullWhen(false)] out TValue value)
    {
        for (var node = Volatile.Read(ref _table[BucketIndex(hash, ShardIndex(hash))]); node is not null; node = node.Next)
        {
            if (node.Hash == hash && KeyEquals(node.Key, key) &&
                (_timeToLive == 0 || node.ExpiresAt > _clock.Now))
            {
                value = node.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    CacheStatistics ICacheMaintenance.Statistics => Statistics;

    /// <summary>
    /// One load in progress. The task waiters await is created only when a second caller arrives, so the common
    /// miss (no one else waiting) allocates no task or completion source, and its flight is reused by the thread's
    /// next miss (<see cref="Recycle"/>). It locks itself: the class is private, so no other code can take the same lock.
    /// </summary>
    private sealed class Flight : CacheFlight
    {
        [ThreadStatic]
        private static Flight? t_spare;

        private TaskCompletionSource<TValue>? _waiters;
        private bool _done;
        private TValue? _value;
        private Exception? _error;

        /// <summary>The load's failure, once it has completed.</summary>
        public Exception? Error => _error;

        /// <summary>Whether the load failed because its starting caller's token was cancelled (set before it completes).</summary>
        public bool CancelledByStarter { get; private set; }

        /// <summary>How many callers that did not start this load joined it (for tests, which wait until every caller has).</summary>
        public int Waiting => Volatile.Read(ref Joined);

        /// <summary>This thread's spare flight, or a new one.</summary>
        public static Flight Rent()
        {
            var spare = t_spare;
            if (spare is null)
            {
                return new Flight();
            }

            t_spare = null;
            return spare;
        }

        /// <summary>
        /// Called by the starter of an inline load once it is done with it, after it was unregistered: keeps it as this
        /// thread's spare if no other caller ever held it (<see cref="CacheFlight.Joined"/> is final once unregistered),
        /// so nothing can see it reused. A detached load is never recycled (its end holds it). The chain of loads
        /// holds the <see cref="LoadLink"/>, not the flight.
        /// </summary>
        public void Recycle()
        {
            if (Volatile.Read(ref Joined) != 0)
            {
                return;
            }

            Superseded = false;
            Link = null;
            _done = false;
            _value = default;
            _error = null;
            CancelledByStarter = false;
            t_spare = this;
        }

        /// <summary>A task for a caller that found this load running: its value, or its very exception.</summary>
        public Task<TValue> Wait()
        {
            lock (this)
            {
                if (!_done)
                {
                    return (_waiters ??= new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }

            return _error is null ? Task.FromResult(_value!) : Task.FromException<TValue>(_error);
        }

        public void Complete(TValue? value, Exception? error, bool cancelledByStarter)
        {
            TaskCompletionSource<TValue>? waiters;
            lock (this)
            {
                CancelledByStarter = cancelledByStarter;
                _value = value;
                _error = error;
                _done = true;
                waiters = _waiters;
            }

            if (waiters is null)
            {
                return;
            }

            if (error is null)
            {
                waiters.TrySetResult(value!);
            }
            else
            {
                waiters.TrySetException(error);
                _ = waiters.Task.Exception; // observed: a waiter that gave up (its token) leaves no unobserved-task report
            }
        }
    }
}
