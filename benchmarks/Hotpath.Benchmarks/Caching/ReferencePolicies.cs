namespace Hotpath.Benchmarks.Caching;

/// <summary>A single-threaded cache policy replayed by <see cref="HitRatioSimulator"/>: Access returns true on a hit and caches the key on a miss.</summary>
internal interface IReplayPolicy
{
    bool Access(long key);
}

/// <summary>Plain LRU: the baseline every policy must beat.</summary>
internal sealed class LruPolicy(int capacity) : IReplayPolicy
{
    private readonly Dictionary<long, LinkedListNode<long>> _map = new(capacity);
    private readonly LinkedList<long> _list = new();

    public bool Access(long key)
    {
        if (_map.TryGetValue(key, out var node))
        {
            _list.Remove(node);
            _list.AddFirst(node);
            return true;
        }

        if (_map.Count >= capacity)
        {
            var last = _list.Last!;
            _list.RemoveLast();
            _map.Remove(last.Value);
        }

        _map[key] = _list.AddFirst(key);
        return false;
    }
}

/// <summary>
/// Reference S3-FIFO (Yang et al., SOSP 2023): a small FIFO (10%), a main FIFO with reinsertion, and a ghost FIFO
/// of keys recently evicted from the small queue. Kept to justify the choice of W-TinyLFU in docs/caching.md.
/// </summary>
internal sealed class S3FifoPolicy : IReplayPolicy
{
    private readonly int _capacity;
    private readonly int _smallCapacity;
    private readonly int _mainCapacity;
    private readonly Dictionary<long, Entry> _map = new();
    private readonly Queue<Entry> _small = new();
    private readonly Queue<Entry> _main = new();
    private readonly HashSet<long> _ghost = new();
    private readonly Queue<long> _ghostOrder = new();

    public S3FifoPolicy(int capacity)
    {
        _capacity = capacity;
        _smallCapacity = Math.Max(1, capacity / 10);
        _mainCapacity = Math.Max(1, capacity - _smallCapacity);
    }

    public bool Access(long key)
    {
        if (_map.TryGetValue(key, out var entry))
        {
            entry.Frequency = Math.Min(entry.Frequency + 1, 3);
            return true;
        }

        while (_map.Count >= _capacity)
        {
            if (_small.Count >= _smallCapacity || _main.Count == 0)
            {
                EvictSmall();
            }
            else
            {
                EvictMain();
            }
        }

        entry = new Entry(key);
        _map[key] = entry;
        if (_ghost.Remove(key))
        {
            _main.Enqueue(entry);
        }
        else
        {
            _small.Enqueue(entry);
        }

        return false;
    }

    private void EvictSmall()
    {
        while (_small.Count > 0)
        {
            var tail = _small.Dequeue();
            if (tail.Frequency > 0)
            {
                tail.Frequency = 0;
                _main.Enqueue(tail);
                if (_main.Count > _mainCapacity)
                {
                    EvictMain();
                    return;
                }
            }
            else
            {
                _map.Remove(tail.Key);
                if (_ghost.Add(tail.Key))
                {
                    _ghostOrder.Enqueue(tail.Key);
                }

                while (_ghostOrder.Count > _mainCapacity)
                {
                    _ghost.Remove(_ghostOrder.Dequeue());
                }

                return;
            }
        }

        EvictMain();
    }

    private void EvictMain()
    {
        while (_main.Count > 0)
        {
            var tail = _main.Dequeue();
            if (tail.Frequency > 0)
            {
                tail.Frequency--;
                _main.Enqueue(tail);
            }
            else
            {
                _map.Remove(tail.Key);
                return;
            }
        }
    }

    private sealed class Entry(long key)
    {
        public long Key { get; } = key;

        public int Frequency { get; set; }
    }
}

/// <summary>
/// Reference W-TinyLFU as published (Einziger, Friedman, Manes 2017): a 1% LRU window, an 80/20 segmented-LRU
/// main space and TinyLFU admission, with exact LRU reordering on every hit. Hotpath's shards approximate the LRU
/// queues with second-chance FIFOs (lock-free hits) and add Caffeine's hill climbing over the window size.
/// </summary>
internal sealed class WTinyLfuPolicy : IReplayPolicy
{
    private readonly int _windowCapacity;
    private readonly int _mainCapacity;
    private readonly int _protectedCapacity;
    private readonly Dictionary<long, LinkedListNode<Entry>> _map = new();
    private readonly LinkedList<Entry> _window = new();
    private readonly LinkedList<Entry> _probation = new();
    private readonly LinkedList<Entry> _protected = new();
    private readonly Hotpath.Caching.FrequencySketch _sketch;

    public WTinyLfuPolicy(int capacity)
    {
        _windowCapacity = Math.Max(1, capacity / 100);
        _mainCapacity = Math.Max(1, capacity - _windowCapacity);
        _protectedCapacity = _mainCapacity * 4 / 5;
        _sketch = new Hotpath.Caching.FrequencySketch(capacity);
    }

    public bool Access(long key)
    {
        var hash = key.GetHashCode();
        _sketch.Increment(hash);
        if (_map.TryGetValue(key, out var node))
        {
            var list = node.List!;
            list.Remove(node);
            if (list == _probation)
            {
                _protected.AddFirst(node);
                if (_protected.Count > _protectedCapacity)
                {
                    var demoted = _protected.Last!;
                    _protected.RemoveLast();
                    _probation.AddFirst(demoted);
                }
            }
            else
            {
                list.AddFirst(node);
            }

            return true;
        }

        node = _window.AddFirst(new Entry(key, hash));
        _map[key] = node;
        if (_window.Count > _windowCapacity)
        {
            var candidate = _window.Last!;
            _window.RemoveLast();
            _probation.AddFirst(candidate);
            if (_probation.Count + _protected.Count > _mainCapacity)
            {
                var victim = _probation.Last != candidate ? _probation.Last : _protected.Last;
                var loser = victim is null || _sketch.Frequency(candidate.Value.Hash) <= _sketch.Frequency(victim.Value.Hash) ? candidate : victim;
                loser.List!.Remove(loser);
                _map.Remove(loser.Value.Key);
            }
        }

        return false;
    }

    private readonly record struct Entry(long Key, int Hash);
}
