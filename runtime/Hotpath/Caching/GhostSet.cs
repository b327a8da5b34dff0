namespace Hotpath.Caching;

/// <summary>
/// A bounded FIFO set of key hashes (a "ghost" list: keys recently dropped, without their values). Used under the
/// shard lock only. Hash collisions merely make the adaptation slightly noisy.
/// </summary>
internal sealed class GhostSet
{
    private readonly int[] _ring;
    private readonly Dictionary<int, int> _counts;
    private int _next;
    private int _filled;

    public GhostSet(int capacity)
    {
        _ring = new int[Math.Max(1, capacity)];
        _counts = new Dictionary<int, int>(Math.Min(capacity, 1024));
    }

    public int Count => _counts.Count;

    public void Add(int hash)
    {
        if (_filled == _ring.Length)
        {
            Forget(_ring[_next]);
        }
        else
        {
            _filled++;
        }

        _ring[_next] = hash;
        _next = _next + 1 == _ring.Length ? 0 : _next + 1;
        _counts[hash] = _counts.TryGetValue(hash, out var count) ? count + 1 : 1;
    }

    /// <summary>Whether <paramref name="hash"/> was in the set; it stays in the ring but no longer matches.</summary>
    public bool Remove(int hash) => _counts.Remove(hash);

    public void Clear()
    {
        _counts.Clear();
        _next = 0;
        _filled = 0;
    }

    private void Forget(int hash)
    {
        if (_counts.TryGetValue(hash, out var count))
        {
            if (count <= 1)
            {
                _counts.Remove(hash);
            }
            else
            {
                _counts[hash] = count - 1;
            }
        }
    }
}
