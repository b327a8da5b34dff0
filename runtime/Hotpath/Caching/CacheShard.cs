namespace Hotpath.Caching;

/// <summary>
/// One shard: a fixed-size hash table that readers walk without a lock, and a W-TinyLFU eviction policy that
/// writers run under the shard's lock.
/// </summary>
/// <remarks>
/// The table never resizes: the shard's capacity is fixed, so it is sized once (load factor at most 1).
/// Readers read a bucket head with an acquire read and follow <see cref="CacheNode{TKey, TValue}.Next"/>;
/// writers publish with release writes and never clear the links of an unlinked node.
/// <para/>
/// Policy (W-TinyLFU with clock-style queues): new entries enter a small admission window; an entry leaving
/// the window is admitted to the main space only if the frequency sketch says it is seen more often than the
/// main space's victim. The main space is segmented (probation, then protected for entries hit again). A hit
/// only bumps the node's saturating <see cref="CacheNode{TKey, TValue}.Hits"/> counter; the policy folds those
/// hits into the sketch and gives the node a second chance when it next reaches the head of its queue. This is
/// what keeps hits lock-free: no reordering, no read buffer, no shared write once a hot node is saturated.
/// <para/>
/// The window starts at 1% of the shard and adapts like ARC: two ghost lists remember the hashes of recently
/// rejected candidates and recently evicted main entries; a miss on the former grows the window (the workload
/// rewards recency), a miss on the latter shrinks it (it rewards frequency). Once the window is over half the
/// shard (at most 65%), candidates are admitted without the frequency test. See docs/caching.md for the numbers.
/// </remarks>
internal sealed class CacheShard<TKey, TValue>
    where TKey : notnull
{
    /// <summary>The cache's table, shared by all shards; this shard owns <c>BucketMask + 1</c> buckets from <see cref="BucketOffset"/>.</summary>
    public readonly CacheNode<TKey, TValue>?[] Table;
    public readonly int BucketOffset;
    public readonly int BucketMask;
    public readonly int Capacity;

    private readonly object _lock = new();
    private readonly FrequencySketch _sketch;
    private NodeQueue<TKey, TValue> _window;
    private NodeQueue<TKey, TValue> _probation;
    private NodeQueue<TKey, TValue> _protected;
    private int _size;           // entries, under the lock
    private volatile int _count; // _size as published for lock-free readers
    private long _evictions;
    private long _expirations;
    private int _windowTarget = 1;
    private readonly int _windowMax;
    private readonly GhostSet _rejected;
    private readonly GhostSet _victims;
    // GetOrAddAsync loads in flight of this shard's keys, under the lock; keyed with the hash the cache worked out, so
    // registering, unregistering and superseding a load never hash its key again (a key's hash is its own code, and a
    // string's reads every character).
    private Dictionary<FlightKey, CacheFlight>? _flights;

    /// <param name="capacity">Entries this shard holds at most.</param>
    /// <param name="table">The cache's bucket table (readers index it directly, without going through the shard).</param>
    /// <param name="offset">This shard's first bucket in <paramref name="table"/>.</param>
    /// <param name="bucketCount">This shard's buckets: a power of two, at least <paramref name="capacity"/> (load factor at most 1).</param>
    public CacheShard(int capacity, CacheNode<TKey, TValue>?[] table, int offset, int bucketCount)
    {
        Capacity = capacity;
        Table = table;
        BucketOffset = offset;
        BucketMask = bucketCount - 1;
        _sketch = new FrequencySketch(capacity);
        _windowTarget = Math.Max(1, capacity / 100);
        _windowMax = Math.Max(1, Math.Min(capacity - 1, (int)((long)capacity * 65 / 100))); // main keeps over a third
        _rejected = new GhostSet(Math.Max(1, capacity / 2)); // short memory: only quick returns argue for recency
        _victims = new GhostSet(capacity);
    }

    public int Count => _count;

    public long Evictions => Volatile.Read(ref _evictions);

    public long Expirations => Volatile.Read(ref _expirations);

    /// <summary>
    /// Adds or replaces the entry. When <paramref name="replace"/> is false and a live entry exists, that entry is
    /// returned and nothing changes. Returns the node now holding the key. A replacing add is a Set: it also
    /// supersedes the key's load in flight, if any (see <see cref="AddLoaded"/>).
    /// </summary>
    public CacheNode<TKey, TValue> Add(TKey key, TValue value, int hash, long expiresAt, bool replace, long now)
    {
        lock (_lock)
        {
            var node = AddLocked(key, value, hash, expiresAt, replace, now);
            if (replace)
            {
                SupersedeLocked(key, hash);
            }

            return node;
        }
    }

    /// <summary>
    /// Stores a loaded value unless <paramref name="flight"/> was superseded by a Set, Remove or Clear (the flag is
    /// read under the lock those take to write and mark, so the check and the store are one step for them), or a
    /// live entry is already there: a synchronous GetOrAdd stored it while the load ran (a Set would have superseded
    /// the load), and like two GetOrAdds the first value stored stays.
    /// </summary>
    /// <returns>What the load's callers get: the value now stored for the key, or <paramref name="value"/> when the
    /// load was superseded (then it is not stored).</returns>
    /// <remarks>Unregisters the load too (a superseded one already was), in the same locked step as the store.</remarks>
    public TValue AddLoaded(TKey key, TValue value, int hash, long expiresAt, long now, CacheFlight flight)
    {
        lock (_lock)
        {
            if (flight.Superseded)
            {
                return value;
            }

            UnregisterLocked(key, hash, flight);
            return AddLocked(key, value, hash, expiresAt, replace: false, now).Value;
        }
    }

    /// <summary>
    /// Registers <paramref name="flight"/> as the load of <paramref name="key"/>, or returns the load already running
    /// (then nothing changes). Under the lock every Set, Remove and Clear takes to write and supersede: a write made
    /// before the registration is seen by the caller's lookup after it, and a write made after it supersedes the load.
    /// </summary>
    /// <returns>Null when <paramref name="flight"/> was registered; otherwise the key's running load, counted in its <see cref="CacheFlight.Joined"/>.</returns>
    public CacheFlight? Register(TKey key, int hash, CacheFlight flight)
    {
        lock (_lock)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
                _flights ??= new Dictionary<FlightKey, CacheFlight>(FlightKeyComparer.Instance), new FlightKey(hash, key), out var running);
            if (running)
            {
                slot!.Joined++; // a registered load is never null
                return slot;
            }

            slot = flight;
            return null;
        }
    }

    /// <summary>Unregisters <paramref name="flight"/> if it is still the key's load (a write may have superseded it, and a fresh load taken its place).</summary>
    public void Unregister(TKey key, int hash, CacheFlight flight)
    {
        lock (_lock)
        {
            UnregisterLocked(key, hash, flight);
        }
    }

    /// <summary>The key's load in flight, if any (tests).</summary>
    public CacheFlight? FlightOf(TKey key, int hash)
    {
        lock (_lock)
        {
            return _flights is not null && _flights.TryGetValue(new FlightKey(hash, key), out var flight) ? flight : null;
        }
    }

    private void UnregisterLocked(TKey key, int hash, CacheFlight flight)
    {
        // One lookup in the common case: remove, and put back the rare other load that a write let start after superseding this one.
        if (_flights is { Count: > 0 } && _flights.Remove(new FlightKey(hash, key), out var registered) && registered != flight)
        {
            _flights.Add(new FlightKey(hash, key), registered);
        }
    }

    /// <summary>A Set, Remove or Clear wrote the key: its load in flight, if any, stores nothing and is unregistered (later callers load afresh).</summary>
    private void SupersedeLocked(TKey key, int hash)
    {
        if (_flights is { Count: > 0 } && _flights.Remove(new FlightKey(hash, key), out var flight))
        {
            flight.Superseded = true;
        }
    }

    /// <summary>A key in the map of loads in flight, with its hash as the cache works it out.</summary>
    private readonly struct FlightKey(int hash, TKey key)
    {
        public readonly int Hash = hash;
        public readonly TKey Key = key;
    }

    /// <summary>The map's comparer: the stored hash, then the cache's own key equality.</summary>
    private sealed class FlightKeyComparer : IEqualityComparer<FlightKey>
    {
        public static readonly FlightKeyComparer Instance = new();

        public bool Equals(FlightKey x, FlightKey y) => x.Hash == y.Hash && CacheKeys.Equal(x.Key, y.Key);

        public int GetHashCode(FlightKey key) => key.Hash;
    }

    private CacheNode<TKey, TValue> AddLocked(TKey key, TValue value, int hash, long expiresAt, bool replace, long now)
    {
        ref var head = ref Table[BucketOffset + (hash & BucketMask)];
        CacheNode<TKey, TValue>? previous = null;
        for (var node = head; node is not null; previous = node, node = node.Next)
        {
            if (node.Hash != hash || !CacheKeys.Equal(node.Key, key))
            {
                continue;
            }

            var expired = node.ExpiresAt <= now;
            if (!replace && !expired)
            {
                return node;
            }

            var replacement = new CacheNode<TKey, TValue>(key, value, hash, expiresAt) { Next = node.Next, Hits = expired ? (byte)0 : node.Hits };
            QueueOf(node.Queue).Replace(node, replacement);
            if (previous is null)
            {
                Volatile.Write(ref head, replacement);
            }
            else
            {
                Volatile.Write(ref previous.Next, replacement);
            }

            if (expired)
            {
                _expirations++;
            }

            return replacement;
        }

        var added = new CacheNode<TKey, TValue>(key, value, hash, expiresAt) { Next = head };
        Volatile.Write(ref head, added);
        _sketch.Increment(hash);
        Adapt(hash);
        _window.AddLast(added, CacheQueue.Window);
        _size++;
        Maintain(now);
        _count = _size;

        return added;
    }

    /// <summary>
    /// Removes the entry for <paramref name="key"/>; false when there is none or it has expired at
    /// <paramref name="now"/> (0 without a time to live): an expired entry is dropped as an expiration, as a lookup would.
    /// </summary>
    public bool Remove(TKey key, int hash, long now)
    {
        lock (_lock)
        {
            var removed = false;
            for (var node = Table[BucketOffset + (hash & BucketMask)]; node is not null; node = node.Next)
            {
                if (node.Hash == hash && CacheKeys.Equal(node.Key, key))
                {
                    Unlink(node);
                    removed = node.ExpiresAt > now;
                    if (!removed)
                    {
                        _expirations++;
                    }

                    _count = _size;
                    break;
                }
            }

            SupersedeLocked(key, hash); // even with nothing stored yet: a load in flight must not store after this
            return removed;
        }
    }

    /// <summary>Drops every entry expired at <paramref name="now"/> (the cache's <c>Count</c> with a time to live) and returns the live count.</summary>
    public int DropExpired(long now)
    {
        lock (_lock)
        {
            var end = BucketOffset + BucketMask + 1;
            for (var bucket = BucketOffset; bucket < end; bucket++)
            {
                for (var node = Table[bucket]; node is not null;)
                {
                    var next = node.Next; // Unlink leaves it as is: lock-free readers may still be walking past
                    if (node.ExpiresAt <= now)
                    {
                        Unlink(node);
                        _expirations++;
                    }

                    node = next;
                }
            }

            _count = _size;
            return _size;
        }
    }

    /// <summary>Drops <paramref name="node"/> as expired, unless a writer already unlinked or replaced it.</summary>
    public void Expire(CacheNode<TKey, TValue> node)
    {
        lock (_lock)
        {
            if (node.Queue != CacheQueue.None)
            {
                Unlink(node);
                _expirations++;
                _count = _size;
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _window.Clear();
            _probation.Clear();
            _protected.Clear();
            for (var i = BucketOffset; i <= BucketOffset + BucketMask; i++)
            {
                Volatile.Write(ref Table[i], null);
            }

            _sketch.Clear();
            _rejected.Clear();
            _victims.Clear();
            _windowTarget = Math.Max(1, Capacity / 100);
            _size = 0;
            _count = 0;
            if (_flights is not null)
            {
                foreach (var flight in _flights.Values)
                {
                    flight.Superseded = true;
                }

                _flights.Clear();
            }
        }
    }

    /// <summary>Evicts <paramref name="fraction"/> of the entries, least valuable first.</summary>
    public int Trim(double fraction, long now)
    {
        lock (_lock)
        {
            var target = _size - (int)Math.Ceiling(_size * fraction);
            var evicted = 0;
            while (_size > Math.Max(target, 0))
            {
                var size = _size;
                var victim = SelectVictim(null, now);
                if (victim is null)
                {
                    if (_size < size)
                    {
                        continue; // expired entries dropped on the way count toward the fraction: look again
                    }

                    victim = AnyNode();
                    if (victim is null)
                    {
                        break;
                    }
                }

                if (victim.Queue != CacheQueue.None)
                {
                    Evict(victim);
                    evicted++;
                }
            }

            _count = _size;
            return evicted;
        }
    }

    /// <summary>Checks the shard's invariants (tests): queue and table agree, size within capacity.</summary>
    internal void Validate()
    {
        lock (_lock)
        {
            var inTable = 0;
            foreach (var head in Table.AsSpan(BucketOffset, BucketMask + 1))
            {
                for (var node = head; node is not null; node = node.Next)
                {
                    if (node.Queue == CacheQueue.None)
                    {
                        throw new InvalidOperationException("An unlinked node is still in the table.");
                    }

                    inTable++;
                }
            }

            var queued = _window.Count + _probation.Count + _protected.Count;
            if (inTable != _size || queued != _size || _size > Capacity || _count != _size)
            {
                throw new InvalidOperationException($"Shard inconsistent: table {inTable}, queues {queued}, size {_size}, count {_count}, capacity {Capacity}.");
            }
        }
    }

    private ref NodeQueue<TKey, TValue> QueueOf(CacheQueue queue)
    {
        switch (queue)
        {
            case CacheQueue.Window:
                return ref _window;
            case CacheQueue.Probation:
                return ref _probation;
            case CacheQueue.Protected:
                return ref _protected;
            default:
                throw new InvalidOperationException("Node is in no queue.");
        }
    }

    /// <summary>
    /// ARC-style adaptation of the window size: a miss on a key the admission filter recently turned away says the
    /// window was too small (recency pays); a miss on a key recently evicted from the main space says it was too big.
    /// </summary>
    /// <remarks>
    /// Steps are twice ARC's (2 × the ghost-size ratio, at least 2), so the window follows a phase change within
    /// the phase; it stays below 65% of the shard. Measured on the traces in docs/caching.md.
    /// </remarks>
    private void Adapt(int hash)
    {
        if (_rejected.Remove(hash))
        {
            _windowTarget = Math.Min(_windowMax, _windowTarget + (2 * Math.Max(1, _victims.Count / Math.Max(1, _rejected.Count))));
        }
        else if (_victims.Remove(hash))
        {
            _windowTarget = Math.Max(1, _windowTarget - (2 * Math.Max(1, _rejected.Count / Math.Max(1, _victims.Count))));
        }
    }

    private void Maintain(long now)
    {
        var windowCapacity = _windowTarget;
        var budget = (2 * _size) + 16; // bounds second chances when readers keep hitting
        var swept = false;             // the window's expired entries dropped (once per call: see DropExpiredFromWindow)

        while (_window.Count > windowCapacity)
        {
            var candidate = _window.Head!;
            if (candidate.ExpiresAt <= now)
            {
                Unlink(candidate);
                _expirations++;
                continue;
            }

            if (candidate.Hits > 0 && budget-- > 0)
            {
                Fold(candidate);
                _window.MoveToLast(candidate);
                continue;
            }

            Fold(candidate);
            _window.Remove(candidate);
            _probation.AddLast(candidate, CacheQueue.Probation);
            if (_size > Capacity)
            {
                if (!swept && _window.Count > windowCapacity)
                {
                    // More candidates to come (the target shrank): room from the window's expired entries first.
                    swept = true;
                    DropExpiredFromWindow(now);
                }

                if (_size > Capacity)
                {
                    Admit(candidate, now);
                }
            }
        }

        // The window may be below its target (adaptation grew the target, or removals emptied it): take from main.
        while (_size > Capacity)
        {
            var size = _size;
            var victim = SelectVictim(null, now);
            if (victim is null)
            {
                if (_size < size)
                {
                    continue; // dropping expired entries made room (or some): evict nothing live for it
                }

                victim = AnyNode()!;
            }

            if (victim.Queue != CacheQueue.None)
            {
                Evict(victim);
            }
        }
    }

    /// <summary>
    /// Drops the window's expired entries, stopping once the shard is back within capacity. Called (once per
    /// <see cref="Maintain"/>) before a candidate's admission costs an entry while the window loop has more candidates
    /// to take (its target shrank, so it is over by more than the entry just added): without it the loop could admit a
    /// candidate at the cost of a live entry (or turn it away), then reach an expired entry that made the room anyway,
    /// leaving the shard one short. Adding one entry overflows the window by one, so the common add never calls it.
    /// </summary>
    private void DropExpiredFromWindow(long now)
    {
        for (var node = _window.Head; node is not null;)
        {
            var next = node.QueueNext;
            if (node.ExpiresAt <= now)
            {
                Unlink(node);
                _expirations++;
                if (_size <= Capacity)
                {
                    return;
                }
            }

            node = next;
        }
    }

    /// <summary>TinyLFU admission: the candidate from the window against the main space's victim (see the recency regime below).</summary>
    private void Admit(CacheNode<TKey, TValue> candidate, long now)
    {
        var victim = SelectVictim(candidate, now);
        if (_size <= Capacity)
        {
            return; // expired entries made room
        }

        if (victim is null)
        {
            Evict(candidate);
            return;
        }

        // While the window holds over half the shard the adaptation has found that recency pays: the frequency
        // test steps aside and the main space behaves as a segmented LRU behind the window.
        if (_windowTarget * 2 > Capacity || _sketch.Frequency(candidate.Hash) > _sketch.Frequency(victim.Hash))
        {
            _victims.Add(victim.Hash);
            Evict(victim);
        }
        else
        {
            _rejected.Add(candidate.Hash);
            Evict(candidate);
        }
    }

    /// <summary>
    /// The main space's next victim: the probation head, after promoting heads that were hit since they were
    /// last looked at; the protected head when probation is empty. Expired heads are dropped on the way (the
    /// caller rechecks the size). Never returns <paramref name="exclude"/>.
    /// </summary>
    private CacheNode<TKey, TValue>? SelectVictim(CacheNode<TKey, TValue>? exclude, long now)
    {
        var budget = (2 * _size) + 16;
        var protectedCapacity = Math.Max(0, (Capacity - _window.Count) * 4 / 5);
        while (budget-- > 0)
        {
            var victim = _probation.Head;
            if (victim is not null && victim == exclude)
            {
                victim = victim.QueueNext;
            }

            if (victim is null)
            {
                break;
            }

            if (victim.ExpiresAt <= now)
            {
                Unlink(victim);
                _expirations++;
                if (_size <= Capacity)
                {
                    return null;
                }

                continue;
            }

            if (victim.Hits == 0)
            {
                return victim;
            }

            Fold(victim);
            _probation.Remove(victim);
            _protected.AddLast(victim, CacheQueue.Protected);
            if (_protected.Count > protectedCapacity)
            {
                var demoted = _protected.Head!;
                _protected.Remove(demoted);
                _probation.AddLast(demoted, CacheQueue.Probation);
            }
        }

        while (budget-- > 0)
        {
            var victim = _protected.Head;
            if (victim is null)
            {
                break;
            }

            if (victim.ExpiresAt <= now)
            {
                Unlink(victim);
                _expirations++;
                if (_size <= Capacity)
                {
                    return null;
                }

                continue;
            }

            if (victim.Hits == 0)
            {
                return victim;
            }

            Fold(victim);
            _protected.MoveToLast(victim);
        }

        // Budget spent (readers hit everything constantly): take a head as it is.
        var fallback = _probation.Head;
        if (fallback is not null && fallback == exclude)
        {
            fallback = fallback.QueueNext;
        }

        return fallback ?? _protected.Head;
    }

    private CacheNode<TKey, TValue>? AnyNode() => _probation.Head ?? _protected.Head ?? _window.Head;

    private void Fold(CacheNode<TKey, TValue> node)
    {
        int hits = node.Hits;
        node.Hits = 0;
        for (var i = 0; i < hits; i++)
        {
            _sketch.Increment(node.Hash);
        }
    }

    private void Evict(CacheNode<TKey, TValue> node)
    {
        Unlink(node);
        _evictions++;
    }

    /// <summary>Takes the node out of its bucket chain and its queue.</summary>
    private void Unlink(CacheNode<TKey, TValue> node)
    {
        ref var head = ref Table[BucketOffset + (node.Hash & BucketMask)];
        if (head == node)
        {
            Volatile.Write(ref head, node.Next);
        }
        else
        {
            for (var previous = head; previous is not null; previous = previous.Next)
            {
                if (previous.Next == node)
                {
                    Volatile.Write(ref previous.Next, node.Next);
                    break;
                }
            }
        }

        QueueOf(node.Queue).Remove(node);
        _size--;
    }
}

